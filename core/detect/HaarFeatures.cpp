#include "HaarFeatures.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>

using nlohmann::json;

namespace ks::detect {

namespace {
/// A pixel rectangle [x0,x1)×[y0,y1) in frame coordinates (may lie partly outside).
struct PixRect
{
    int x0, y0, x1, y1;
    long long area() const { return static_cast<long long>(x1 - x0) * (y1 - y0); }
};

PixRect roiPixels(const Box& b)
{
    PixRect r{static_cast<int>(std::lround(b.x)), static_cast<int>(std::lround(b.y)),
              static_cast<int>(std::lround(b.right())), static_cast<int>(std::lround(b.bottom()))};
    r.x1 = std::max(r.x1, r.x0 + 1);
    r.y1 = std::max(r.y1, r.y0 + 1);
    return r;
}

PixRect subRect(const PixRect& roi, const HaarRect& h)
{
    const int w = roi.x1 - roi.x0, hgt = roi.y1 - roi.y0;
    return PixRect{roi.x0 + static_cast<int>(std::lround(h.x0 * w)), roi.y0 + static_cast<int>(std::lround(h.y0 * hgt)),
                   roi.x0 + static_cast<int>(std::lround(h.x1 * w)), roi.y0 + static_cast<int>(std::lround(h.y1 * hgt))};
}

template <typename T>
double rectSum(const cv::Mat& integral, PixRect r)
{
    const int W = integral.cols - 1, H = integral.rows - 1;
    r.x0 = std::clamp(r.x0, 0, W);
    r.x1 = std::clamp(r.x1, 0, W);
    r.y0 = std::clamp(r.y0, 0, H);
    r.y1 = std::clamp(r.y1, 0, H);
    if (r.x1 <= r.x0 || r.y1 <= r.y0)
        return 0.0;
    return static_cast<double>(integral.at<T>(r.y1, r.x1)) - integral.at<T>(r.y0, r.x1) - integral.at<T>(r.y1, r.x0)
           + integral.at<T>(r.y0, r.x0);
}

void addType(std::vector<HaarFeature>& out, int grid, int bw, int bh, const std::vector<std::array<float, 5>>& cells)
{
    // cells: {cx0, cy0, cx1, cy1, weight} in units of the base pattern (bw × bh)
    for (int kx = 1; kx * bw <= grid; ++kx)
        for (int ky = 1; ky * bh <= grid; ++ky)
            for (int py = 0; py + ky * bh <= grid; ++py)
                for (int px = 0; px + kx * bw <= grid; ++px) {
                    HaarFeature f;
                    for (const auto& c : cells) {
                        HaarRect r;
                        r.x0 = static_cast<float>(px + c[0] * kx) / grid;
                        r.y0 = static_cast<float>(py + c[1] * ky) / grid;
                        r.x1 = static_cast<float>(px + c[2] * kx) / grid;
                        r.y1 = static_cast<float>(py + c[3] * ky) / grid;
                        r.weight = c[4];
                        f.rects.push_back(r);
                    }
                    out.push_back(std::move(f));
                }
}
} // namespace

HaarFeatures::HaarFeatures(int count, int grid)
    : m_grid(grid)
{
    if (count < 1 || grid < 2 || grid > 64)
        throw Error("Haar feature configuration out of range", "Use count >= 1 and a grid of 2..64 cells");
    std::vector<HaarFeature> all;
    addType(all, grid, 2, 1, {{0, 0, 1, 1, 1.f}, {1, 0, 2, 1, -1.f}});                          // edge, left/right
    addType(all, grid, 1, 2, {{0, 0, 1, 1, 1.f}, {0, 1, 1, 2, -1.f}});                          // edge, top/bottom
    addType(all, grid, 3, 1, {{0, 0, 1, 1, .5f}, {1, 0, 2, 1, -1.f}, {2, 0, 3, 1, .5f}});       // line, vertical bar
    addType(all, grid, 1, 3, {{0, 0, 1, 1, .5f}, {0, 1, 1, 2, -1.f}, {0, 2, 1, 3, .5f}});       // line, horizontal bar
    addType(all, grid, 2, 2, {{0, 0, 1, 1, .5f}, {1, 0, 2, 1, -.5f}, {0, 1, 1, 2, -.5f}, {1, 1, 2, 2, .5f}}); // checker
    if (static_cast<int>(all.size()) <= count) {
        m_features = std::move(all);
        return;
    }
    // Thin evenly (deterministic): index floor(i * n / count).
    m_features.reserve(count);
    for (int i = 0; i < count; ++i)
        m_features.push_back(all[static_cast<size_t>(static_cast<double>(i) * all.size() / count)]);
}

std::string HaarFeatures::toJson() const
{
    json feats = json::array();
    for (const auto& f : m_features) {
        json rects = json::array();
        for (const auto& r : f.rects)
            rects.push_back({r.x0, r.y0, r.x1, r.y1, r.weight});
        feats.push_back(rects);
    }
    return json{{"type", "haar"}, {"grid", m_grid}, {"features", feats}}.dump();
}

HaarFeatures HaarFeatures::fromJson(const std::string& text)
{
    HaarFeatures h(1, 2);
    h.m_features.clear();
    try {
        const json j = parseUntrustedJson(text, "The Haar feature list", "The model bundle is damaged; retrain",
                                          Error::Kind::Corrupt);
        if (j.at("type") != "haar")
            throw Error("Not a Haar feature list", "The model bundle is damaged; retrain", Error::Kind::Corrupt);
        h.m_grid = j.at("grid");
        // A list from a stranger's bundle: every number within what our own lists hold.
        auto bad = [](const std::string& why) {
            return Error("The Haar feature list is invalid: " + why, "The model bundle is damaged; retrain",
                         Error::Kind::Corrupt);
        };
        if (h.m_grid < 1 || h.m_grid > 1024)
            throw bad("grid " + std::to_string(h.m_grid));
        const json& features = j.at("features");
        if (!features.is_array() || features.size() > 100000)
            throw bad("more than 100000 features");
        for (const auto& f : features) {
            if (!f.is_array() || f.empty() || f.size() > 16)
                throw bad("a feature needs 1 to 16 rectangles");
            HaarFeature hf;
            for (const auto& r : f) {
                const HaarRect hr{r.at(0), r.at(1), r.at(2), r.at(3), r.at(4)};
                const bool inside = hr.x0 >= 0 && hr.x0 <= hr.x1 && hr.x1 <= 1 && hr.y0 >= 0 && hr.y0 <= hr.y1 && hr.y1 <= 1;
                if (!inside || !std::isfinite(hr.weight) || std::abs(hr.weight) > 1e6)
                    throw bad("a rectangle lies outside the unit box or has a weight out of range");
                hf.rects.push_back(hr);
            }
            h.m_features.push_back(std::move(hf));
        }
    } catch (const json::exception& e) {
        throw Error("The Haar feature list is malformed: " + jsonReason(e), "The model bundle is damaged; retrain",
                    Error::Kind::Corrupt);
    }
    if (h.m_features.empty())
        throw Error("Empty Haar feature list", "The model bundle is damaged; retrain", Error::Kind::Corrupt);
    return h;
}

cv::Mat HaarFeatures::extract(const cv::Mat& gray8, const std::vector<Box>& boxes, Progress& progress)
{
    if (gray8.empty() || gray8.type() != CV_8UC1)
        throw Error("Haar features need an 8-bit grey frame", {}, Error::Kind::Internal);
    cv::Mat sum, sqsum;
    cv::integral(gray8, sum, sqsum, CV_32S, CV_64F);
    return extractIntegral(sum, sqsum, boxes, progress);
}

cv::Mat HaarFeatures::extractIntegral(const cv::Mat& sum, const cv::Mat& sqsum, const std::vector<Box>& boxes,
                                      Progress& progress) const
{
    const int n = static_cast<int>(boxes.size());
    cv::Mat out(n, dimension(), CV_32F);
    const int chunk = 256;
    for (int start = 0; start < n; start += chunk) {
        progress.step(static_cast<double>(start) / std::max(1, n), "Haar features");
        const int end = std::min(n, start + chunk);
        cv::parallel_for_(cv::Range(start, end), [&](const cv::Range& range) {
            for (int i = range.start; i < range.end; ++i) {
                const PixRect roi = roiPixels(boxes[i]);
                const double area = static_cast<double>(roi.area());
                const double mean = rectSum<int>(sum, roi) / area;
                const double var = std::max(0.0, rectSum<double>(sqsum, roi) / area - mean * mean);
                const double norm = 1.0 / (std::sqrt(var) + 1.0);
                float* row = out.ptr<float>(i);
                row[0] = static_cast<float>(mean / 255.0);
                row[1] = static_cast<float>(std::sqrt(var) / 255.0);
                for (size_t k = 0; k < m_features.size(); ++k) {
                    double v = 0;
                    for (const auto& hr : m_features[k].rects) {
                        const PixRect r = subRect(roi, hr);
                        const long long a = r.area();
                        if (a > 0)
                            v += hr.weight * rectSum<int>(sum, r) / static_cast<double>(a);
                    }
                    row[k + 2] = static_cast<float>(v * norm);
                }
            }
        });
    }
    progress.step(1.0, "Haar features");
    return out;
}

double HaarFeatures::directValue(const cv::Mat& gray8, const Box& box, const HaarFeature& feature)
{
    const PixRect roi = roiPixels(box);
    auto pixel = [&](int x, int y) -> double {
        return (x >= 0 && y >= 0 && x < gray8.cols && y < gray8.rows) ? gray8.at<uchar>(y, x) : 0.0;
    };
    double s = 0, s2 = 0;
    for (int y = roi.y0; y < roi.y1; ++y)
        for (int x = roi.x0; x < roi.x1; ++x) {
            s += pixel(x, y);
            s2 += pixel(x, y) * pixel(x, y);
        }
    const double area = static_cast<double>(roi.area());
    const double mean = s / area;
    const double sd = std::sqrt(std::max(0.0, s2 / area - mean * mean));
    double v = 0;
    for (const auto& hr : feature.rects) {
        const PixRect r = subRect(roi, hr);
        if (r.area() <= 0)
            continue;
        double rs = 0;
        for (int y = r.y0; y < r.y1; ++y)
            for (int x = r.x0; x < r.x1; ++x)
                rs += pixel(x, y);
        v += hr.weight * rs / static_cast<double>(r.area());
    }
    return v / (sd + 1.0);
}

} // namespace ks::detect
