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

void roiAveragePool(const float* hwc, int height, int width, int channels, const Box& box, int lastCell,
                    float* out, const MapGeometry& geometry)
{
    const auto [y0, y1] = frameCellSpan(box.y, box.height, 0, lastCell, height, geometry);
    const auto [x0, x1] = frameCellSpan(box.x, box.width, 0, lastCell, width, geometry);
    std::vector<double> sum(channels, 0.0);
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const float* cell = hwc + (static_cast<size_t>(y) * width + x) * channels;
            for (int c = 0; c < channels; ++c)
                sum[c] += cell[c];
        }
    const double n = double(y1 - y0 + 1) * (x1 - x0 + 1);
    for (int c = 0; c < channels; ++c)
        out[c] = static_cast<float>(sum[c] / n);
}

} // namespace ks::cnn
