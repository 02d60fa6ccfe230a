#include "Image.h"

#include "Error.h"

#include <opencv2/imgproc.hpp>

namespace ks {

cv::Mat Image::gray8(int index) const
{
    if (index < 0 || index >= frameCount())
        throw Error("Frame " + std::to_string(index + 1) + " does not exist (the image has "
                        + std::to_string(frameCount()) + " frames)",
                    "Choose a frame between 1 and " + std::to_string(frameCount()));
    const cv::Mat& f = frames[static_cast<size_t>(index)];
    cv::Mat out;
    if (f.type() == CV_8UC1)
        return f;
    if (f.type() == CV_8UC3) {
        cv::cvtColor(f, out, cv::COLOR_RGB2GRAY);
        return out;
    }
    double lo = windowCenter - windowWidth / 2, width = windowWidth;
    if (width <= 0) {
        double mn = 0, mx = 0;
        cv::minMaxLoc(f, &mn, &mx);
        lo = mn;
        width = std::max(1.0, mx - mn);
    }
    f.convertTo(out, CV_8U, 255.0 / width, -lo * 255.0 / width);
    return out;
}

} // namespace ks
