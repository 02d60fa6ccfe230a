#include "WeightChange.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ks::interpret {

namespace {

double quantile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(sorted.size() - 1, lo + 1);
    const double t = pos - static_cast<double>(lo);
    if (std::isinf(sorted[lo]) || std::isinf(sorted[hi]))
        return t < 0.5 ? sorted[lo] : sorted[hi];
    return sorted[lo] * (1 - t) + sorted[hi] * t;
}

} // namespace

double WeightChange::relativeChange(const cv::Mat& before, const cv::Mat& after)
{
    if (before.total() * before.channels() != after.total() * after.channels())
        throw Error("Two versions of a filter have different sizes",
                    "Compare a fine-tuned model with the model it was fine-tuned from");
    cv::Mat b, a;
    before.reshape(1, 1).convertTo(b, CV_64F);
    after.reshape(1, 1).convertTo(a, CV_64F);
    const double base = cv::norm(b, cv::NORM_L2);
    const double diff = cv::norm(a - b, cv::NORM_L2);
    if (base == 0)
        return diff == 0 ? 0 : std::numeric_limits<double>::infinity();
    return diff / base;
}

WeightChangeTable WeightChange::compare(const WeightSet& imported, const WeightSet& fineTuned,
                                        const std::vector<std::string>& layers, double threshold,
                                        int bins, double binWidth)
{
    if (bins < 1 || binWidth <= 0 || threshold < 0)
        throw Error("Invalid weight-change settings", "Use threshold >= 0, bins >= 1, bin width > 0");
    std::vector<std::string> names = layers;
    if (names.empty())
        for (const auto& [name, filters] : imported)
            if (fineTuned.count(name))
                names.push_back(name);

    WeightChangeTable table;
    table.threshold = threshold;
    table.binWidth = binWidth;
    for (const auto& name : names) {
        const auto a = imported.find(name), b = fineTuned.find(name);
        if (a == imported.end() || b == fineTuned.end())
            throw Error("Layer '" + name + "' is missing from one of the two models",
                        "Compare models of the same architecture");
        if (a->second.size() != b->second.size())
            throw Error("Layer '" + name + "' has " + std::to_string(a->second.size()) + " filters in one model and "
                            + std::to_string(b->second.size()) + " in the other",
                        "Compare models of the same architecture");
        LayerChange lc;
        lc.layer = name;
        lc.filters = static_cast<int>(a->second.size());
        lc.histogram.assign(static_cast<std::size_t>(bins), 0);
        for (std::size_t i = 0; i < a->second.size(); ++i) {
            const double change = relativeChange(a->second[i], b->second[i]);
            lc.changes.push_back(change);
            if (change > threshold)
                ++lc.changed;
            const double bin = std::floor(change / binWidth);
            lc.histogram[static_cast<std::size_t>(std::clamp(bin, 0.0, double(bins - 1)))]++;
        }
        std::vector<double> sorted = lc.changes;
        std::sort(sorted.begin(), sorted.end());
        if (!sorted.empty()) {
            double sum = 0;
            for (double c : sorted)
                sum += c;
            lc.mean = sum / static_cast<double>(sorted.size());
            lc.min = sorted.front();
            lc.max = sorted.back();
            lc.q25 = quantile(sorted, 0.25);
            lc.median = quantile(sorted, 0.5);
            lc.q75 = quantile(sorted, 0.75);
        }
        table.layers.push_back(std::move(lc));
    }
    return table;
}

} // namespace ks::interpret
