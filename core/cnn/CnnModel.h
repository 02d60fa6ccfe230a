#pragma once
/// \file CnnModel.h
/// A CNN backbone (CaffeNet or SqueezeNet v1.0) in LibTorch with a 2-way fine-tuning head,
/// weight import (Caffe via OpenCV dnn; TorchScript only from trusted files), data-only save/load, and plain-OpenCV access to
/// its layers for the interpretability views. No torch type appears in this header.
///
/// Input convention (as Caffe): 227×227, BGR, float, mean (104, 117, 123) subtracted, values in
/// 0–255 units. Grey ultrasound is replicated to the three channels.
///
/// Thread safety: a CnnModel is not synchronised. Const members may run concurrently only if no
/// thread modifies the model (import, load, fine-tuning) at the same time.

#include "cnn/Backbone.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ks::cnn {

/// One convolution layer's parameters as plain floats (for core/interpret; no torch needed).
struct ConvWeights
{
    std::string layer;            ///< "conv1", "fire2/expand3x3" ... (Caffe layer name)
    int outChannels = 0;
    int inChannelsPerGroup = 0;   ///< input channels seen by one filter
    int groups = 1;
    int kernelHeight = 0;
    int kernelWidth = 0;
    int stride = 1;
    int pad = 0;
    /// outChannels × inChannelsPerGroup × kernelHeight × kernelWidth, row-major (Caffe order;
    /// input channels in BGR order for the first layer).
    std::vector<float> weights;
    std::vector<float> bias;      ///< outChannels

    /// Kernel of output channel `out` for input channel `in` as a kernelHeight × kernelWidth CV_32F
    /// (a copy).
    cv::Mat kernel(int out, int in) const;
};

/// Owns the network. Move-only.
class CnnModel
{
public:
    /// Builds the architecture with random weights drawn from `seed` (reports "no ImageNet
    /// transfer" until weights are imported or loaded).
    explicit CnnModel(Backbone backbone, std::uint64_t seed = 1);
    ~CnnModel();
    CnnModel(CnnModel&&) noexcept;
    CnnModel& operator=(CnnModel&&) noexcept;

    Backbone backbone() const;
    /// Side of the square network input in pixels (227 for both backbones).
    int inputSize() const;
    /// Features per patch: 4096 (CaffeNet fc7) or 512 (SqueezeNet pooled fire9).
    int featureDimension() const;
    /// "caffenet_fc7" / "squeezenet_pool".
    std::string featureName() const;

    // ---- Provenance --------------------------------------------------------------------
    /// True once ImageNet weights were imported (Caffe/TorchScript) or loaded from a file that
    /// had them; false for a random network.
    bool hasImageNetTransfer() const;
    /// One line for the CLI/report/GUI: "Caffe import of X" / "no ImageNet transfer (random, seed 1)".
    std::string weightsDescription() const;
    /// Hex FNV-1a 64 of every parameter's bytes, in a fixed order (for model bundles).
    std::string weightsChecksum() const;
    /// Adaptation applied by the last fine-tuning (NA until then).
    Adaptation adaptation() const;

    // ---- Weights -----------------------------------------------------------------------
    /// Reads a Caffe deploy prototxt + caffemodel with OpenCV dnn and copies the blobs of every
    /// layer of ours, matched by Caffe layer name, with shape checks. Layers only the file has
    /// (e.g. a 1000-way fc8) are ignored; our 2-way head keeps its random start.
    /// Throws ks::Error for a missing/unreadable file, a missing layer, or a shape mismatch (the
    /// message names the layer and both shapes). On error the model is unchanged.
    void importCaffe(const std::string& prototxtPath, const std::string& caffemodelPath);
    /// TRUSTED FILES ONLY: a TorchScript file is a program; torch::jit::load runs the code in it
    /// (e.g. a __setstate__ method) while loading. Call this only when the user explicitly said
    /// they trust the file (the CLI's --trust-torchscript); never for a file that came with a
    /// model bundle or from an unknown source.
    /// Copies parameters from the TorchScript module by name, the names of
    /// parameterNames() ("conv1.weight", "fire2_conv1x1_1.bias": Caffe name with '/' → '_').
    /// Every backbone parameter must be present with the same shape; the 2-way head is copied when
    /// present. Throws ks::Error like importCaffe.
    void importTorchScriptTrusted(const std::string& path);
    /// Writes every parameter as a TorchScript module (loadable by importTorchScript and by
    /// torch.jit.load in Python; it has no forward method).
    void exportTorchScript(const std::string& path) const;
    /// Saves / loads the full state (architecture tag, parameters, provenance, adaptation) as a
    /// TensorArchive: data only, so loading a file from anyone runs no code of theirs.
    /// load() throws ks::Error for a missing file, another backbone, a file over 1 GiB, a FIFO or
    /// device, a TorchScript/zip file, or a corrupt file; on error the model is unchanged.
    void save(const std::string& path) const;
    void load(const std::string& path);
    /// save()/load() on bytes in memory (a model bundle verifies the bytes' checksum first and
    /// then parses exactly those bytes). `what` names the source in error messages.
    std::string saveBytes() const;
    void loadBytes(std::string_view bytes, const std::string& what = "in memory");
    /// Parameter names in our order ("conv1.weight", "conv1.bias", ..., "fire2_conv1x1_1.weight":
    /// the Caffe layer name with '/' written as '_'; head: "fc8_ks.weight").
    std::vector<std::string> parameterNames() const;

    // ---- Inference ---------------------------------------------------------------------
    /// Network input blob (N×3×227×227 CV_32F, mean subtracted) of grey or BGR patches: each is
    /// resized (bilinear) to 227×227 anisotropically, as Caffe's warp.
    cv::Mat makeInputBlob(const std::vector<cv::Mat>& patches) const;
    /// Runs a prepared N×3×227×227 blob forward up to `layer` (Caffe name, e.g. "pool_final",
    /// "fire9/concat", "fc7", "conv5"; empty = the ImageNet class scores where imported, else
    /// the last feature layer) and returns that blob as an N-dimensional CV_32F cv::Mat
    /// (N×C×H×W or N×C), the same layout as cv::dnn::Net::forward. Throws for an unknown layer.
    cv::Mat forwardBlob(const cv::Mat& blob, const std::string& layer = {}) const;
    /// Features (featureDimension() per row, CV_32F) of patches, batched.
    cv::Mat features(const std::vector<cv::Mat>& patches) const;
    /// Probability of the positive class from the 2-way head, one per patch (CV_32F column).
    cv::Mat positiveProbability(const std::vector<cv::Mat>& patches) const;

    // ---- Layers for core/interpret ------------------------------------------------------
    /// Convolution layer names in network order (Caffe names).
    std::vector<std::string> convLayerNames() const;
    /// Weights of one convolution layer (a copy). Throws ks::Error for an unknown name.
    ConvWeights convWeights(const std::string& layer) const;
    /// Response maps of a layer for an image (grey CV_8UC1 or BGR CV_8UC3): the network is run
    /// up to and including `layer` (after its ReLU when it has one) and the C channel maps come
    /// back as CV_32F images of that layer's spatial size. With resizeToInput the image is first
    /// warped to 227×227 (a patch, the paper's Fig. 4); otherwise it is used at its own size
    /// (convolutional layers only).
    std::vector<cv::Mat> responseMaps(const cv::Mat& image, const std::string& layer,
                                      bool resizeToInput = true) const;

    /// Internal (torch side); defined in CnnModelImpl.h.
    struct Impl;
    Impl& impl();
    const Impl& impl() const;

private:
    std::unique_ptr<Impl> m_impl;
};

/// Sets LibTorch's intra-op thread count to the hardware concurrency, once per process.
/// Every entry point of ks_cnn calls it; callers may too.
void configureTorchThreads();
/// LibTorch's intra-op thread count now.
int torchThreadCount();

} // namespace ks::cnn
