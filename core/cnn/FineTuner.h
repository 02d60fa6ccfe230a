#pragma once
/// \file FineTuner.h
/// Adapts an imported network to kidney patches as in the paper (3.2): NA / PA / FA with SGD,
/// batch 100, momentum 0.5, weight decay 5e-4 (the paper leaves the value out; 5e-4 is Caffe's
/// reference CaffeNet setting), a held-out split for early stopping, seeded.

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
    int patience = 3;                 ///< epochs without a better validation loss before stopping
    std::uint64_t seed = 1;           ///< torch::manual_seed, data order, split, dropout
    bool augmentFlip = false;         ///< random horizontal flips of training patches
};

/// Figures of one epoch (validation figures are NaN without a held-out set).
struct EpochStats
{
    int epoch = 0;                 ///< 1-based
    double trainLoss = 0;          ///< mean cross-entropy over the epoch
    double trainAccuracy = 0;      ///< fraction in [0, 1]
    double validationLoss = 0;
    double validationAccuracy = 0;
    double seconds = 0;
};

struct FineTuneResult
{
    std::vector<EpochStats> history;
    int bestEpoch = 0;            ///< the epoch whose weights were kept (0 = none trained: NA)
    bool stoppedEarly = false;
    int trainCount = 0;
    int validationCount = 0;
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

} // namespace ks::cnn
