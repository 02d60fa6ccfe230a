#include "ScaleAugmentation.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

namespace ks::detect {

std::vector<double> ScaleAugmentation::defaultFactors()
{
    return {1.0 / std::sqrt(2.0), std::sqrt(2.0)};
}

std::vector<AnnotatedFrame> ScaleAugmentation::expand(const std::vector<AnnotatedFrame>& frames,
                                                      const std::vector<double>& factors)
{
    std::vector<AnnotatedFrame> out = frames;
    for (double f : factors) {
        if (!(f >= 0.25 && f <= 4.0) || std::abs(f - 1.0) < 1e-9)
            continue;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            const AnnotatedFrame& a = frames[i];
            if (a.gray.empty())
                continue;
            const int w = static_cast<int>(std::lround(a.gray.cols * f)), h = static_cast<int>(std::lround(a.gray.rows * f));
            if (w < 16 || h < 16)
                continue;
            AnnotatedFrame c = a;
            cv::resize(a.gray, c.gray, cv::Size(w, h), 0, 0, f < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
            const double sx = static_cast<double>(w) / a.gray.cols, sy = static_cast<double>(h) / a.gray.rows;
            auto scale = [sx, sy](const Box& b) { return Box{b.x * sx, b.y * sy, b.width * sx, b.height * sy}; };
            if (a.truth)
                c.truth = scale(*a.truth);
            if (a.calibration.fieldOfView)
                c.calibration.fieldOfView = scale(*a.calibration.fieldOfView);
            if (a.calibration.isCalibrated()) {
                c.calibration.mmPerPixelX = a.calibration.mmPerPixelX / sx;
                c.calibration.mmPerPixelY = a.calibration.mmPerPixelY / sy;
            }
            char suffix[32];
            std::snprintf(suffix, sizeof suffix, "@x%.2f", f);
            c.name = a.name + suffix;
            c.scaledFrom = source(frames, i);
            out.push_back(std::move(c));
        }
    }
    return out;
}

int ScaleAugmentation::source(const std::vector<AnnotatedFrame>& frames, std::size_t i)
{
    return frames[i].scaledFrom >= 0 ? frames[i].scaledFrom : static_cast<int>(i);
}

} // namespace ks::detect
