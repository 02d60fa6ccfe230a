#pragma once
/// \file CnnBackend.h
/// The detector's thin adapter to ks_cnn: builds, imports, fine-tunes (NA/PA/FA), saves and
/// loads the CNN feature extractors.

#include "AnnotatedFrame.h"
#include "Labeler.h"

#include "common/FeatureExtractor.h"
#include "common/Progress.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ks::cnn {
class CnnModel;
}

namespace ks::detect {

/// Value type.
struct CnnConfig
{
    std::string backbone = "caffenet";   ///< "caffenet" or "squeezenet"
    std::string prototxt;                ///< Caffe deploy prototxt ("" = no import)
    std::string caffemodel;              ///< Caffe weights ("" = no import: "no ImageNet transfer")
    /// Pretrained weights as a TorchScript file ("" = none). A TorchScript file is a program that
    /// runs while it loads, so train() imports it only with trustTorchScript set (the CLI's
    /// --trust-torchscript: the user vouches for the file); never from a model bundle.
    std::string torchscript;
    bool trustTorchScript = false;
    /// True when ImageNet (pretrained) weights are imported: caffemodel or torchscript given.
    bool importsWeights() const { return !caffemodel.empty() || !torchscript.empty(); }
    double learningRate = 1e-3;
    int epochs = 3;
    unsigned seed = 1;
    bool fastPath = true;                ///< conv once per frame + RoI pooling (else per patch, as the paper)
    /// Per training image, fine-tuning and the per-patch features use at most this many of the
    /// labelled positives and `patchNegativeRatio` times as many negatives (evenly thinned; the
    /// fast-path GBM sees all labels). The paper does not say how many patches it used; these
    /// bound the CPU cost of the per-patch work. 0 = all.
    int patchPositives = 8;
    double patchNegativeRatio = 3.0;
    /// Called after each fine-tuning epoch (in the training thread) with the mode ("pa", "fa"),
    /// the 1-based epoch, train loss/accuracy and validation loss/accuracy (NaN without
    /// validation). Optional; not part of the manifest.
    std::function<void(const std::string& mode, int epoch, double trainLoss, double trainAccuracy,
                       double validationLoss, double validationAccuracy)> onEpoch;
};

/// What a trained CNN feature set was made of (for the manifest and every output).
struct CnnInfo
{
    std::string backbone;
    std::string weights;          ///< description: "Caffe import of ..." or "no ImageNet transfer ..."
    std::string weightsChecksum;  ///< of the imported weights file (sha256) or "" when none
    bool transfer = false;
    std::string fineTuning;       ///< summary of the fine-tuning (epochs, best epoch) or "none (NA)"
    bool fastPath = true;         ///< features through the fast (RoI-pooled) path
    double fineTuneSeconds = 0;   ///< 0 for NA
    double fineTuneGflops = 0;    ///< estimated training arithmetic / wall time
    double fineTuneBusyCores = 0; ///< process CPU time / wall time while fine-tuning
};

/// Stateless; thread-safe as far as ks_cnn is (each call builds its own network).
class CnnBackend
{
public:
    /// Builds the backbone, imports the weights if given, fine-tunes it for `mode` ("na", "pa",
    /// "fa") on all the given labelled boxes of the frames (DetectorTrainer passes them thinned
    /// per CnnConfig::patchPositives), and returns its feature extractor.
    static std::unique_ptr<FeatureExtractor> train(const std::string& mode, const CnnConfig& config,
                                                   const std::vector<AnnotatedFrame>& frames,
                                                   const std::vector<std::vector<LabelledBox>>& labels,
                                                   CnnInfo& info, Progress& progress = NullProgress::instance());
    /// The same network (shared, not copied) with per-patch (paper) features, for an extractor
    /// made by train() or load().
    static std::unique_ptr<FeatureExtractor> perPatchTwin(const FeatureExtractor& extractor);
    /// The extractor's network as a data-only weights file (cnn::TensorArchive; an extractor made
    /// by train() or load()).
    static std::string save(const FeatureExtractor& extractor);
    /// Parses a network written by save() from bytes (never runs code from them; TorchScript is
    /// refused). `what` names the source in messages. \throws ks::Error for damaged bytes.
    static std::unique_ptr<FeatureExtractor> load(std::string_view bytes, const std::string& what,
                                                  const std::string& backbone, bool fastPath);
    /// The network behind an extractor made by train() or load() (shared, read-only), for the
    /// interpretability views. \throws ks::Error for another extractor.
    static std::shared_ptr<const cnn::CnnModel> model(const FeatureExtractor& extractor);
};

} // namespace ks::detect
