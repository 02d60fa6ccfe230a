#pragma once
// A speckled B-mode-like scene with one bright elliptical organ with a dark sinus, for detector
// tests that must not depend on other areas' data.

#include "detect/AnnotatedFrame.h"

#include <opencv2/imgproc.hpp>

#include <random>
#include <string>

namespace ks::detect::test {

inline AnnotatedFrame syntheticScene(unsigned seed, cv::Size size = {240, 180}, double mmPerPixel = 0.8)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    const double a = 40 + 20 * u(rng), b = 20 + 10 * u(rng); // semi-axes, pixels
    const double cx = a + 8 + (size.width - 2 * a - 16) * u(rng);
    const double cy = b + 8 + (size.height - 2 * b - 16) * u(rng);
    cv::Mat img(size, CV_32F, cv::Scalar(55));
    cv::ellipse(img, cv::Point2d(cx, cy), cv::Size2d(a, b), 0, 0, 360, cv::Scalar(135), cv::FILLED, cv::LINE_AA);
    cv::ellipse(img, cv::Point2d(cx, cy), cv::Size2d(a * 0.5, b * 0.4), 0, 0, 360, cv::Scalar(70), cv::FILLED, cv::LINE_AA);
    cv::GaussianBlur(img, img, cv::Size(0, 0), 1.5);
    cv::Mat noise(size, CV_32F);
    cv::theRNG().state = seed * 2654435761u + 1;
    cv::randn(noise, 0, 1);
    cv::GaussianBlur(noise, noise, cv::Size(0, 0), 1.0);
    img = img.mul(1.0 + 0.35 * noise); // multiplicative speckle
    AnnotatedFrame f;
    img.convertTo(f.gray, CV_8U);
    f.name = "scene" + std::to_string(seed);
    f.calibration = Calibration::user(mmPerPixel);
    f.truth = Box{cx - a, cy - b, 2 * a, 2 * b};
    return f;
}

} // namespace ks::detect::test
