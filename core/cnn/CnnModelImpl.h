#pragma once
/// \file CnnModelImpl.h
/// INTERNAL (torch): the state behind ks::cnn::CnnModel, and tensor ↔ cv::Mat helpers shared by
/// the ks_cnn sources.

#include "cnn/CnnModel.h"
#include "Networks.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace ks::cnn {

/// Caffe's ImageNet mean, BGR, in 0–255 units (the per-channel mean of ilsvrc_2012_mean).
inline constexpr float kMeanBgr[3] = {104.0f, 117.0f, 123.0f};

struct CnnModel::Impl
{
    Backbone backbone = Backbone::CaffeNet;
    std::uint64_t seed = 1;
    std::shared_ptr<BackboneNet> net;
    bool transfer = false;
    std::string source;                 ///< where the weights came from
    Adaptation adaptation = Adaptation::NA;

    /// The layer by Caffe name, or nullptr.
    ParamLayer* findLayer(const std::string& caffeName);
    const ParamLayer* findLayer(const std::string& caffeName) const;
    /// Runs the network in eval mode without gradients.
    torch::Tensor infer(const torch::Tensor& input, const std::string& blob) const;
};

/// N×3×size×size float tensor (BGR, mean subtracted) of patches (CV_8UC1 grey or CV_8UC3 BGR,
/// any size: warped bilinearly to size×size). `flips[i]` mirrors patch i horizontally.
torch::Tensor patchesToTensor(const std::vector<cv::Mat>& patches, int size,
                              const std::vector<bool>& flips = {});
/// The network's conv1 output (before its ReLU) for patches: when every patch is grey and conv1
/// has no padding, through BackboneNet::greyConv1 on N×1 raw grey values (a third of conv1's
/// work; differentiable, the same gradients), else conv1 of patchesToTensor(). Pass the result
/// to forwardTo(…, fromConv1 = true).
torch::Tensor patchesToConv1(BackboneNet& net, const std::vector<cv::Mat>& patches, int size,
                             const std::vector<bool>& flips = {});
/// 1×3×H×W tensor of a whole frame (no resizing).
torch::Tensor frameToTensor(const cv::Mat& frame);
/// N-dimensional CV_32F cv::Mat ↔ contiguous float tensor (copies).
torch::Tensor matToTensor(const cv::Mat& blob);
cv::Mat tensorToMat(const torch::Tensor& tensor);
/// "96×3×11×11".
std::string shapeText(const std::vector<int64_t>& shape);

} // namespace ks::cnn
