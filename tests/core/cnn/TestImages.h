#pragma once
// Deterministic ultrasound-like test frames for the cnn tests (speckle on a dark background with a
// bright-rimmed ellipse), so that no test depends on another area's loaders.

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace ks::cnn::test {

/// A width×height CV_8UC1 frame; `seed` changes the speckle, (cx, cy, a, b) the ellipse.
inline cv::Mat speckleFrame(int width, int height, unsigned seed, cv::Point center = {-1, -1},
                            cv::Size axes = {0, 0})
{
    cv::RNG rng(seed);
    cv::Mat noise(height, width, CV_32F);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 1.0);
    cv::GaussianBlur(noise, noise, cv::Size(0, 0), 1.5);
    cv::Mat tissue(height, width, CV_32F, cv::Scalar(40));
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            tissue.at<float>(y, x) += 30.0f * static_cast<float>(y) / height;
    if (center.x < 0) center = {width / 2, height / 2};
    if (axes.width == 0) axes = {width / 4, height / 5};
    cv::ellipse(tissue, center, axes, 15, 0, 360, cv::Scalar(170), 6);
    cv::ellipse(tissue, center, {axes.width / 2, axes.height / 2}, 15, 0, 360, cv::Scalar(120), -1);
    cv::Mat frame = tissue + noise * 25.0;
    cv::Mat out;
    frame.convertTo(out, CV_8U);
    return out;
}

} // namespace ks::cnn::test
