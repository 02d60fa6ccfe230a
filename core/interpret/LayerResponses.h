#pragma once
/// \file LayerResponses.h
/// Response images of every filter of a conv layer of a CNN (NA/PA/FA, CaffeNet or SqueezeNet)
/// on a patch, measured against phase congruency and Frangi of the same patch, and a model's
/// conv weights for Table 2. The only part of ks_interpret that needs ks_cnn.

#include "interpret/LayerResponseSet.h"
#include "interpret/ReferenceMaps.h"
#include "interpret/WeightChange.h"

#include "common/Progress.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace ks::cnn {
class CnnModel;
}

namespace ks::interpret {

/// Functions over a model. Thread safety as CnnModel's const members.
class LayerResponses
{
public:
    /// Every filter's response of `layer` (after its ReLU) on the patch, which is warped to the
    /// network input as in Fig. 4; each map is upsampled bilinearly to the patch's size (pixels).
    /// \throws ks::Error for an unknown layer or an empty patch.
    static std::vector<cv::Mat> responses(const cnn::CnnModel& model, const cv::Mat& patch8,
                                          const std::string& layer);

    /// responses() on reference.input, then LayerResponseSet::measure().
    static LayerResponseSet analyse(const cnn::CnnModel& model, const std::string& modelLabel,
                                    const std::string& layer, const ReferenceMaps& reference,
                                    Progress& progress = NullProgress::instance());

    /// Conv weights of a model as a WeightSet for Table 2: per conv layer, one 1×N row per
    /// output filter (weights only, no bias).
    static WeightSet weightSet(const cnn::CnnModel& model);
};

} // namespace ks::interpret
