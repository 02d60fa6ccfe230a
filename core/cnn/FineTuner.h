#pragma once
/// \file FineTuner.h
/// Adapts an imported network to kidney patches as in the paper (3.2): NA / PA / FA with SGD,
/// batch 100, momentum 0.5, weight decay 5e-4 (the paper leaves the value out; 5e-4 is Caffe's
/// reference CaffeNet setting), a held-out split for early stopping, seeded.
///
/// Defaults beyond the paper, chosen so that adaptation helps on a few thousand patches from a
/// few dozen images instead of overwriting the ImageNet features (measured on HC18, see README):
///  - class-balanced cross-entropy (a typical set is 1 positive : 3 negatives);
///  - the transferred layers learn at a tenth of the rate of the new 2-way head (FA: the layers PA
///    freezes at a hundredth), and every rate follows a cosine from its start to 0 over the
///    epochs (fewer big steps late in training);
///  - light augmentation re-drawn every epoch: horizontal flip, the box shifted and scaled by up
///    to 3 % of its size, and a gain of 0.85–1.15 on the patch's grey values;
///  - the held-out set is whole images (20 %), not patches of the training images, and the
///    weights kept are those of the epoch with the best held-out patch ROC AUC (ties: lower loss).

#include "cnn/Backbone.h"
#include "common/Box.h"
#include "common/Progress.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace ks::cnn {

class CnnModel;

/// One training sample: a box on a frame with its label. Frames may be shared by many patches
/// (cv::Mat shares the buffer). The box is cropped (clipped to the frame, edges replicated where it
/// extends past) and warped to 227×227 like the features' per-patch path.
struct LabelledPatch
{
    cv::Mat frame;   ///< CV_8UC1 (or CV_8UC3 BGR)
    Box box;         ///< pixels
    int label = 0;   ///< 1 = target (Dice ≥ 0.8), 0 = background
    /// Patches of one image and of its augmented copies share a group, which the held-out split
    /// keeps together; -1: grouped by the frame buffer alone.
    int group = -1;
};

struct FineTuneOptions
{
    Adaptation mode = Adaptation::FA;
    double learningRate = 1e-3;
    int epochs = 10;                  ///< upper bound; early stopping may end sooner
    int batchSize = 100;              ///< paper
    /// Patches per forward/backward pass inside a batch (gradients summed: one SGD step per
    /// batch as the paper, a quarter of the activation memory at 25).
    int microBatch = 25;
    double momentum = 0.5;            ///< paper
    double weightDecay = 5e-4;        ///< paper leaves it out: Caffe's reference value
    double validationFraction = 0.2;  ///< held out (stratified by label) for early stopping; 0 = none
    int patience = 2;                 ///< epochs without a better held-out AUC before stopping
    std::uint64_t seed = 1;           ///< torch::manual_seed, data order, split, dropout
    bool augmentFlip = true;          ///< random horizontal flips of training patches
    double augmentJitter = 0.03;      ///< box shift/scale, fraction of its size (0 = none)
    double augmentGain = 0.15;        ///< grey-value gain drawn from 1 ± this (0 = none)
    bool balanceClasses = true;       ///< weight the loss by inverse class frequency
    double transferredRateScale = 0.1;///< learning rate of imported layers relative to the head
    /// FA: the layers PA freezes (generic edges and blobs) learn at this fraction of the other
    /// imported layers' rate (discriminative rates: the deeper, the more they adapt).
    double earlyRateScale = 0.1;
    bool cosineSchedule = true;       ///< rates decay as a cosine to 0 over the epochs
    /// Hold out whole frames (patches share their LabelledPatch::frame buffer) when there are
    /// at least 5; else patches.
    bool holdOutFrames = true;
};

/// Figures of one epoch (validation figures are NaN without a held-out set).
struct EpochStats
{
    int epoch = 0;                 ///< 1-based
    double trainLoss = 0;          ///< mean cross-entropy over the epoch
    double trainAccuracy = 0;      ///< fraction in [0, 1]
    double validationLoss = 0;
    double validationAccuracy = 0;
    double validationAuc = 0;      ///< ROC AUC of the head on the held-out patches (NaN without)
    double seconds = 0;
};

struct FineTuneResult
{
    std::vector<EpochStats> history;
    int bestEpoch = 0;            ///< the epoch whose weights were kept (0 = none trained: NA)
    bool stoppedEarly = false;
    int trainCount = 0;
    int validationCount = 0;
    double seconds = 0;           ///< wall time of the training epochs (held-out passes included)
    double cpuSeconds = 0;        ///< process CPU time over the same span (all threads)
    double gflop = 0;             ///< estimated arithmetic of the training passes (GFLOP)
    /// gflop / seconds and cpuSeconds / seconds (≈ busy cores).
    double gflops() const { return seconds > 0 ? gflop / seconds : 0; }
    double busyCores() const { return seconds > 0 ? cpuSeconds / seconds : 0; }
};

/// Trains the model in place. Not thread-safe with other users of the same model.
class FineTuner
{
public:
    /// Called after every epoch (on the training thread) so a GUI can chart loss/accuracy.
    using EpochCallback = std::function<void(const EpochStats&)>;

    explicit FineTuner(FineTuneOptions options = {});
    void setEpochCallback(EpochCallback callback);
    const FineTuneOptions& options() const { return m_options; }

    /// NA returns at once and leaves the weights untouched. PA freezes CaffeNet conv1+conv2
    /// (SqueezeNet: conv1 and fire2) — their parameters stay bit-identical. The weights of the
    /// epoch with the lowest validation loss are kept. Throws ks::Error for an empty set or a set
    /// with a single class; ks::Cancelled when progress cancels (the weights are then those of
    /// the best epoch so far).
    FineTuneResult run(CnnModel& model, const std::vector<LabelledPatch>& patches,
                       Progress& progress = NullProgress::instance());

private:
    FineTuneOptions m_options;
    EpochCallback m_callback;
};

/// The patch of `box` on `frame` warped to size×size (bilinear, edges replicated past the frame).
cv::Mat cropPatch(const cv::Mat& frame, const Box& box, int size);

/// Multiply-accumulates of one forward pass of a 227×227 patch up to the feature blob (from
/// the prototxts' layer shapes): CaffeNet to fc7 0.720 G, SqueezeNet v1.0 to fire9 0.746 G.
/// With `frozen`, only the layers PA leaves trainable.
double forwardGmac(Backbone backbone, bool trainableUnderPaOnly = false);

/// Process CPU time (all threads) in seconds.
double processCpuSeconds();

} // namespace ks::cnn
