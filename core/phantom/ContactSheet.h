#pragma once
/// \file ContactSheet.h
/// A grid of thumbnails, for the README and for a quick look at a data set.

#include "common/Box.h"

#include <opencv2/core.hpp>

#include <vector>

namespace ks::phantom {

/// Stateless; thread-safe.
class ContactSheet
{
public:
    /// Tiles `frames` (CV_8U, any sizes) `columns` across, each scaled to `tileWidth` pixels wide.
    /// When `boxes` has one box per frame (image pixels), draws each as a green outline.
    /// \return CV_8UC3 (BGR, for cv::imwrite)
    static cv::Mat compose(const std::vector<cv::Mat>& frames, int columns = 4, int tileWidth = 400,
                           const std::vector<Box>& boxes = {});
};

} // namespace ks::phantom
