#pragma once
/// \file ScreenOverlay.h
/// Burned-in scanner annotations: header text and a depth ruler, drawn only outside the
/// field of view (as on a real scanner's screen capture).

#include "PhantomCase.h"

#include <opencv2/core.hpp>

#include <string>

namespace ks::phantom {

/// Stateless; thread-safe.
class ScreenOverlay
{
public:
    /// Draws on `image` (CV_8U, image pixels) wherever `fieldOfView` (CV_8U) is 0.
    static void draw(cv::Mat& image, const cv::Mat& fieldOfView, const PhantomCase& c, const std::string& preset);
};

} // namespace ks::phantom
