#include "ContactSheet.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace ks::phantom {

cv::Mat ContactSheet::compose(const std::vector<cv::Mat>& frames, int columns, int tileWidth, const std::vector<Box>& boxes)
{
    if (frames.empty())
        throw Error("No images for the contact sheet", "Generate at least one image");
    columns = std::clamp(columns, 1, int(frames.size()));
    const int rows = (int(frames.size()) + columns - 1) / columns;
    const double scale = double(tileWidth) / frames.front().cols;
    const int tileHeight = int(std::lround(frames.front().rows * scale));
    const int gap = 4;
    cv::Mat sheet((tileHeight + gap) * rows + gap, (tileWidth + gap) * columns + gap, CV_8UC3, cv::Scalar(40, 40, 40));
    for (size_t i = 0; i < frames.size(); ++i) {
        cv::Mat small, color;
        cv::resize(frames[i], small, cv::Size(tileWidth, tileHeight), 0, 0, cv::INTER_AREA);
        cv::cvtColor(small, color, cv::COLOR_GRAY2BGR);
        if (boxes.size() == frames.size()) {
            const Box& b = boxes[i];
            const double s = double(tileWidth) / frames[i].cols;
            cv::rectangle(color, cv::Rect(int(b.x * s), int(b.y * s), int(b.width * s), int(b.height * s)),
                          cv::Scalar(0, 220, 0), 1);
        }
        const int r = int(i) / columns, c = int(i) % columns;
        color.copyTo(sheet(cv::Rect(gap + c * (tileWidth + gap), gap + r * (tileHeight + gap), tileWidth, tileHeight)));
    }
    return sheet;
}

} // namespace ks::phantom
