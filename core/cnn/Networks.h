#pragma once
/// \file Networks.h
/// INTERNAL (torch): CaffeNet and SqueezeNet v1.0 as LibTorch modules, layer by layer as the
/// Caffe prototxts, addressed by Caffe blob names. Not installed, not for other libraries.

#include <torch/torch.h>

#include <string>
#include <vector>

namespace ks::cnn {

/// Caffe's cross-channel LRN: y = x · (k + alpha/size · Σ_{window} x²)^-beta, the window
/// centred on the channel ((size-1)/2 before, size/2 after), zero outside the channels.
torch::Tensor caffeLrn(const torch::Tensor& x, int size = 5, double alpha = 1e-4, double beta = 0.75,
                       double k = 1.0);

/// One layer with parameters, as Caffe names it.
struct ParamLayer
{
    std::string caffeName;   ///< "conv1", "fire2/conv1x1_1", "fc6"
    std::string torchName;   ///< caffeName with '/' → '_' (module name)
    bool isConv = false;
    int stride = 1;
    int pad = 0;
    int groups = 1;
    torch::Tensor weight;    ///< shares storage with the module's parameter
    torch::Tensor bias;
    bool importable = true;  ///< false for our own 2-way head ("fc8_ks")
    bool classifier = false; ///< the ImageNet classifier (fc8 / conv_final): optional on import
};

/// Common interface of the two backbones.
class BackboneNet : public torch::nn::Module
{
public:
    /// Runs up to blob `stop` (Caffe top name; convolution outputs are after their in-place ReLU)
    /// and returns it. Throws ks::Error for an unknown name. With `fromConv1`, x is conv1's output
    /// before its ReLU (see greyConv1) and the network starts there.
    virtual torch::Tensor forwardTo(torch::Tensor x, const std::string& stop, bool fromConv1 = false) = 0;
    /// conv1 (before ReLU) of a grey image given as 1×1×H×W 0–255 floats without mean subtraction:
    /// the three identical BGR channels folded into one kernel, the mean into the bias. Equal to
    /// conv1 of the replicated, mean-subtracted input because conv1 has no padding; a third of
    /// the work.
    torch::Tensor greyConv1(const torch::Tensor& grey);
    /// conv1 (before ReLU) of an N×3 mean-subtracted input, as forwardTo computes it.
    torch::Tensor conv1Of(const torch::Tensor& input);
    /// Blob names forwardTo accepts, in network order.
    virtual std::vector<std::string> blobNames() const = 0;
    /// Last convolutional blob used by the fast feature path ("conv5" / "fire9/concat").
    virtual std::string trunkBlob() const = 0;
    /// The feature blob ("fc7" / "pool_fire9").
    virtual std::string featureBlob() const = 0;
    /// Blob of the ImageNet class scores ("fc8" / "pool_final").
    virtual std::string classBlob() const = 0;
    /// Layers frozen by PA.
    virtual std::vector<std::string> partialFrozen() const = 0;
    /// 2-way logits from features (dropout in training mode).
    torch::Tensor head(const torch::Tensor& features);

    std::vector<ParamLayer>& layers() { return m_layers; }

protected:
    torch::nn::Conv2d addConv(const std::string& caffeName, int in, int out, int kernel, int stride = 1,
                              int pad = 0, int groups = 1, bool classifier = false);
    torch::nn::Linear addLinear(const std::string& caffeName, int in, int out, bool importable = true,
                                bool classifier = false);
    void checkBlob(const std::string& stop) const;
    torch::nn::Linear m_head{nullptr};
    std::vector<ParamLayer> m_layers;
};

/// BVLC reference CaffeNet (conv1 96×11×11/4 → relu → pool 3/2 → LRN → conv2 256×5×5 g2 → relu →
/// pool → LRN → conv3 384 → conv4 384 g2 → conv5 256 g2 → pool5 → fc6 4096 → fc7 4096 → fc8 1000),
/// plus fc8_ks (4096 → 2). Pooling rounds up like Caffe.
class CaffeNetNet : public BackboneNet
{
public:
    CaffeNetNet();
    torch::Tensor forwardTo(torch::Tensor x, const std::string& stop, bool fromConv1 = false) override;
    std::vector<std::string> blobNames() const override;
    std::string trunkBlob() const override { return "conv5"; }
    std::string featureBlob() const override { return "fc7"; }
    std::string classBlob() const override { return "fc8"; }
    std::vector<std::string> partialFrozen() const override { return {"conv1", "conv2"}; }

    torch::nn::Linear fc6{nullptr}, fc7{nullptr};

private:
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr}, m_conv4{nullptr}, m_conv5{nullptr};
    torch::nn::Linear m_fc8{nullptr};
};

/// SqueezeNet v1.0 as shared/weights/squeezenet-v1.0/deploy.prototxt (conv1 96×7×7/2, fire2–9,
/// max-pools after conv1, fire4, fire8 rounding up, conv_final 1000×1×1 pad 1, global average),
/// plus fc8_ks (512 → 2) on the features: the global average of fire9/concat ("pool_fire9", 512).
class SqueezeNetNet : public BackboneNet
{
public:
    SqueezeNetNet();
    torch::Tensor forwardTo(torch::Tensor x, const std::string& stop, bool fromConv1 = false) override;
    std::vector<std::string> blobNames() const override;
    std::string trunkBlob() const override { return "fire9/concat"; }
    std::string featureBlob() const override { return "pool_fire9"; }
    std::string classBlob() const override { return "pool_final"; }
    std::vector<std::string> partialFrozen() const override;

private:
    struct Fire
    {
        std::string name;
        torch::nn::Conv2d squeeze{nullptr}, expand1{nullptr}, expand3{nullptr};
    };
    void addFire(const std::string& name, int in, int s, int e1, int e3);
    /// Returns true (and sets x) when `stop` is inside or at the end of the fire module.
    bool runFire(Fire& fire, torch::Tensor& x, const std::string& stop);
    torch::nn::Conv2d m_conv1{nullptr}, m_convFinal{nullptr};
    std::vector<Fire> m_fires;
};

} // namespace ks::cnn
