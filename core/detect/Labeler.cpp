#include "Labeler.h"

#include "common/Error.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <random>

namespace ks::detect {

void Labeler::checkTruth(const Box& t, int width, int height, const std::string& image)
{
    char box[160];
    std::snprintf(box, sizeof box, "(x %.4g, y %.4g, %.4g × %.4g px)", t.x, t.y, t.width, t.height);
    const std::string where = "The ground-truth box " + std::string(box) + " of image '" + image + "'";
    const std::string fix = "Correct or delete that annotation";
    if (!std::isfinite(t.x) || !std::isfinite(t.y) || !std::isfinite(t.width) || !std::isfinite(t.height))
        throw Error(where + " is not a finite box", fix);
    if (t.width < kMinTruthSide || t.height < kMinTruthSide)
        throw Error(where + " is smaller than " + std::to_string(static_cast<int>(kMinTruthSide)) + " pixels on a side", fix);
    const double tol = kTruthEdgeTolerance;
    if (t.x < -tol || t.y < -tol || t.right() > width + tol || t.bottom() > height + tol)
        throw Error(where + " does not lie inside the " + std::to_string(width) + " × " + std::to_string(height)
                        + " image",
                    fix);
}

std::vector<LabelledBox> Labeler::label(const std::vector<Box>& candidates, const Box& truth,
                                        const LabelConfig& config, unsigned frameIndex)
{
    std::vector<LabelledBox> pos, near, far;
    for (const auto& c : candidates) {
        const double d = dice(c, truth);
        if (d >= config.positiveDice)
            pos.push_back({c, 1, d});
        else if (d >= config.nearMissDice)
            near.push_back({c, 0, d});
        else
            far.push_back({c, 0, d});
    }
    std::mt19937 rng(config.seed * 7919u + frameIndex);
    if (pos.empty())
        pos.push_back({truth, 1, 1.0});
    if (config.maxPositives > 0 && static_cast<int>(pos.size()) > config.maxPositives) {
        std::stable_sort(pos.begin(), pos.end(), [](const auto& a, const auto& b) { return a.dice > b.dice; });
        pos.resize(config.maxPositives);
    }
    const size_t wanted = static_cast<size_t>(std::lround(config.negativeRatio * pos.size()));
    size_t wantNear = std::min(near.size(), static_cast<size_t>(std::lround(config.nearMissShare * wanted)));
    size_t wantFar = std::min(far.size(), wanted - wantNear);
    wantNear = std::min(near.size(), wanted - wantFar); // fill from near misses when far ones run out
    std::shuffle(near.begin(), near.end(), rng);
    std::shuffle(far.begin(), far.end(), rng);
    std::vector<LabelledBox> out = pos;
    out.insert(out.end(), near.begin(), near.begin() + static_cast<long>(wantNear));
    out.insert(out.end(), far.begin(), far.begin() + static_cast<long>(wantFar));
    return out;
}

std::vector<LabelledBox> Labeler::thin(const std::vector<LabelledBox>& labels, int maxPositives, double negativeRatio)
{
    if (maxPositives <= 0)
        return labels;
    std::vector<LabelledBox> pos, neg;
    for (const auto& l : labels)
        (l.label ? pos : neg).push_back(l);
    auto spread = [](const std::vector<LabelledBox>& v, size_t n, std::vector<LabelledBox>& out) {
        if (n >= v.size()) {
            out.insert(out.end(), v.begin(), v.end());
            return;
        }
        for (size_t k = 0; k < n; ++k)
            out.push_back(v[k * v.size() / n]);
    };
    std::vector<LabelledBox> out;
    spread(pos, static_cast<size_t>(maxPositives), out);
    const size_t kept = out.size();
    spread(neg, static_cast<size_t>(std::lround(std::max(0.0, negativeRatio) * static_cast<double>(kept))), out);
    return out;
}

} // namespace ks::detect
