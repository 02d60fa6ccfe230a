#pragma once
/// \file AnnotatedFrame.h
/// One frame ready for training or evaluation: 8-bit grey pixels, calibration, ground truth.

#include "common/Box.h"
#include "common/Calibration.h"

#include <opencv2/core.hpp>

#include <optional>
#include <string>

namespace ks::detect {

/// Value type (cv::Mat shares its buffer on copy). Not synchronised.
struct AnnotatedFrame
{
    std::string name;          ///< file name as in the COCO file (plus "#frame" for multi-frame files)
    std::string path;          ///< resolved path ("" for generated frames)
    std::string patientId;     ///< for splits by patient; "" = unknown (the frame is its own patient)
    std::string sha256;        ///< of the file's bytes ("" for generated frames)
    cv::Mat gray;              ///< CV_8UC1
    Calibration calibration;
    std::optional<Box> truth;  ///< ground-truth box in pixels (absent: not annotated)
    /// A training augmentation's copy (ScaleAugmentation): the index of its original in the same
    /// frame list, so that splits keep an image and its copies together; -1 for an original.
    int scaledFrom = -1;
};

} // namespace ks::detect
