#include "RoiPooling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace ks::cnn {

std::pair<int, int> frameCellSpan(double start, double length, int patchFirst, int patchLast, int cells,
                                  const MapGeometry& g)
{
    const double ratio = length / g.patchSize; // frame pixels per patch pixel
    const double a = start + (g.stride * patchFirst + g.offset - g.stride / 2) * ratio;
    const double b = start + (g.stride * patchLast + g.offset + g.stride / 2) * ratio;
    int first = static_cast<int>(std::ceil((a - g.offset) / g.stride));
    int last = static_cast<int>(std::floor((b - g.offset) / g.stride - 1e-9));
    if (first > last)
        first = last = static_cast<int>(std::lround(((a + b) / 2 - g.offset) / g.stride));
    first = std::clamp(first, 0, cells - 1);
    last = std::clamp(last, first, cells - 1);
    return {first, last};
}

void roiMaxPool(const float* hwc, int height, int width, int channels, const Box& box, int grid, float* out,
                const MapGeometry& geometry)
{
    std::vector<float> bin(channels);
    for (int by = 0; by < grid; ++by) {
        const auto [y0, y1] = frameCellSpan(box.y, box.height, 2 * by, 2 * by + 2, height, geometry);
        for (int bx = 0; bx < grid; ++bx) {
            const auto [x0, x1] = frameCellSpan(box.x, box.width, 2 * bx, 2 * bx + 2, width, geometry);
            std::fill(bin.begin(), bin.end(), -std::numeric_limits<float>::infinity());
            for (int y = y0; y <= y1; ++y)
                for (int x = x0; x <= x1; ++x) {
                    const float* cell = hwc + (static_cast<size_t>(y) * width + x) * channels;
                    for (int c = 0; c < channels; ++c)
                        bin[c] = std::max(bin[c], cell[c]);
                }
            for (int c = 0; c < channels; ++c)
                out[(static_cast<size_t>(c) * grid + by) * grid + bx] = bin[c];
        }
    }
}

namespace {
/// Weights of the frame cells along one axis for the patch span [0, lastCell] of a box: each
/// cell's footprint [centre - stride/2, centre + stride/2] overlapped with the box's span (in
/// cell units), so that moving a box by a pixel moves its features continuously. Never empty:
/// a span between cells takes the nearest one.
std::vector<std::pair<int, double>> cellWeights(double start, double length, int lastCell, int cells,
                                                const MapGeometry& g)
{
    const double ratio = length / g.patchSize;
    const double a = start + (g.offset - g.stride / 2) * ratio;
    const double b = start + (g.stride * lastCell + g.offset + g.stride / 2) * ratio;
    // In cell units: cell k covers [k - 0.5, k + 0.5].
    const double ua = (a - g.offset) / g.stride, ub = (b - g.offset) / g.stride;
    std::vector<std::pair<int, double>> out;
    const int first = std::max(0, static_cast<int>(std::floor(ua + 0.5)));
    const int last = std::min(cells - 1, static_cast<int>(std::ceil(ub - 0.5)));
    for (int k = first; k <= last; ++k) {
        const double w = std::min(ub, k + 0.5) - std::max(ua, k - 0.5);
        if (w > 1e-9) out.emplace_back(k, w);
    }
    if (out.empty())
        out.emplace_back(std::clamp(static_cast<int>(std::lround(0.5 * (ua + ub))), 0, cells - 1), 1.0);
    return out;
}
} // namespace

void roiAveragePool(const float* hwc, int height, int width, int channels, const Box& box, int lastCell,
                    float* out, const MapGeometry& geometry)
{
    const auto ys = cellWeights(box.y, box.height, lastCell, height, geometry);
    const auto xs = cellWeights(box.x, box.width, lastCell, width, geometry);
    std::vector<double> sum(channels, 0.0);
    double total = 0;
    for (const auto& [y, wy] : ys)
        for (const auto& [x, wx] : xs) {
            const double w = wy * wx;
            total += w;
            const float* cell = hwc + (static_cast<size_t>(y) * width + x) * channels;
            for (int c = 0; c < channels; ++c)
                sum[c] += w * cell[c];
        }
    for (int c = 0; c < channels; ++c)
        out[c] = static_cast<float>(sum[c] / total);
}

} // namespace ks::cnn
