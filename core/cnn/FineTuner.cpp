#include "FineTuner.h"

#include "CnnModel.h"
#include "CnnModelImpl.h"
#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <random>

namespace ks::cnn {

cv::Mat cropPatch(const cv::Mat& frame, const Box& box, int size)
{
    if (frame.empty()) throw Error("Cannot crop a patch from an empty frame", "", Error::Kind::Internal);
    if (box.isEmpty()) return cv::Mat(size, size, frame.type(), cv::Scalar::all(0));
    // Affine warp of the box onto size×size: pixel centres map like cv::resize (half-pixel).
    const double sx = box.width / size, sy = box.height / size;
    cv::Matx23d toFrame(sx, 0, box.x + 0.5 * sx - 0.5, 0, sy, box.y + 0.5 * sy - 0.5);
    cv::Mat patch;
    const int flags = cv::WARP_INVERSE_MAP | (sx > 1.5 || sy > 1.5 ? cv::INTER_AREA : cv::INTER_LINEAR);
    if ((flags & cv::INTER_AREA) == cv::INTER_AREA) {
        // INTER_AREA is not supported by warpAffine: crop then resize.
        const cv::Rect wanted(static_cast<int>(std::floor(box.x)), static_cast<int>(std::floor(box.y)),
                              std::max(1, static_cast<int>(std::lround(box.width))),
                              std::max(1, static_cast<int>(std::lround(box.height))));
        const cv::Rect inside = wanted & cv::Rect(0, 0, frame.cols, frame.rows);
        cv::Mat region;
        if (inside == wanted) {
            region = frame(wanted);
        } else {
            const int top = std::max(0, -wanted.y), left = std::max(0, -wanted.x);
            const int bottom = std::max(0, wanted.br().y - frame.rows), right = std::max(0, wanted.br().x - frame.cols);
            if (inside.area() == 0) return cv::Mat(size, size, frame.type(), cv::Scalar::all(0));
            cv::copyMakeBorder(frame(inside), region, top, bottom, left, right, cv::BORDER_REPLICATE);
        }
        cv::resize(region, patch, cv::Size(size, size), 0, 0, cv::INTER_AREA);
        return patch;
    }
    cv::warpAffine(frame, patch, toFrame, cv::Size(size, size), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                   cv::BORDER_REPLICATE);
    return patch;
}

FineTuner::FineTuner(FineTuneOptions options)
    : m_options(options)
{
}

void FineTuner::setEpochCallback(EpochCallback callback) { m_callback = std::move(callback); }

namespace {

/// Loss and accuracy of the 2-way head on a set (eval mode, no gradients).
std::pair<double, double> evaluate(BackboneNet& net, const std::vector<cv::Mat>& patches,
                                   const std::vector<int64_t>& labels, const std::vector<size_t>& indices,
                                   int batchSize, const std::string& featureBlob)
{
    torch::NoGradGuard noGrad;
    net.eval();
    double loss = 0, correct = 0;
    for (size_t start = 0; start < indices.size(); start += batchSize) {
        const size_t end = std::min(indices.size(), start + batchSize);
        std::vector<cv::Mat> batch;
        std::vector<int64_t> y;
        for (size_t i = start; i < end; ++i) {
            batch.push_back(patches[indices[i]]);
            y.push_back(labels[indices[i]]);
        }
        auto target = torch::tensor(y, torch::kInt64);
        auto logits = net.head(net.forwardTo(patchesToTensor(batch, 227), featureBlob));
        loss += torch::nn::functional::cross_entropy(logits, target,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)).item<double>();
        correct += (logits.argmax(1) == target).sum().item<double>();
    }
    const double n = std::max<size_t>(1, indices.size());
    return {loss / n, correct / n};
}

std::vector<torch::Tensor> snapshot(BackboneNet& net)
{
    std::vector<torch::Tensor> copy;
    for (const auto& p : net.parameters())
        copy.push_back(p.detach().clone());
    return copy;
}

void restore(BackboneNet& net, const std::vector<torch::Tensor>& copy)
{
    torch::NoGradGuard noGrad;
    auto params = net.parameters();
    for (size_t i = 0; i < params.size() && i < copy.size(); ++i)
        params[i].copy_(copy[i]);
}

} // namespace

FineTuneResult FineTuner::run(CnnModel& model, const std::vector<LabelledPatch>& patches, Progress& progress)
{
    configureTorchThreads();
    FineTuneResult result;
    if (patches.empty())
        throw Error("No training patches for fine-tuning", "Annotate images first");
    size_t positives = 0;
    for (const auto& p : patches) {
        if (p.frame.empty()) throw Error("A training patch has no image", "Check the training images");
        positives += p.label == 1;
    }
    if (positives == 0 || positives == patches.size())
        throw Error("Fine-tuning needs both positive and negative patches (got " + std::to_string(positives) +
                        " positive of " + std::to_string(patches.size()) + ")",
                    "Check the annotations and the candidate generation");
    if (m_options.mode == Adaptation::NA) {
        model.impl().adaptation = Adaptation::NA;
        return result;
    }
    if (m_options.batchSize < 1 || m_options.epochs < 1 || !(m_options.learningRate > 0))
        throw Error("Invalid fine-tuning settings", "Batch size and epochs must be ≥ 1 and the learning rate > 0");

    auto& impl = model.impl();
    BackboneNet& net = *impl.net;
    const std::string featureBlob = net.featureBlob();
    torch::manual_seed(m_options.seed);
    std::mt19937_64 rng(m_options.seed);
    auto shuffle = [&rng](std::vector<size_t>& v) {
        for (size_t i = v.size(); i > 1; --i)
            std::swap(v[i - 1], v[static_cast<size_t>(rng() % i)]);
    };

    // Stratified split: the same fraction of each class is held out.
    std::vector<size_t> train, validation;
    for (int label = 0; label <= 1; ++label) {
        std::vector<size_t> cls;
        for (size_t i = 0; i < patches.size(); ++i)
            if ((patches[i].label == 1) == (label == 1)) cls.push_back(i);
        shuffle(cls);
        size_t held = static_cast<size_t>(std::lround(m_options.validationFraction * cls.size()));
        if (m_options.validationFraction > 0 && held == 0 && cls.size() >= 2) held = 1;
        held = std::min(held, cls.size() - 1);
        validation.insert(validation.end(), cls.begin(), cls.begin() + held);
        train.insert(train.end(), cls.begin() + held, cls.end());
    }
    result.trainCount = static_cast<int>(train.size());
    result.validationCount = static_cast<int>(validation.size());

    // Warp every patch once (227×227 8-bit: ~50 KB each).
    progress.step(0.0, "Preparing patches");
    std::vector<cv::Mat> warped(patches.size());
    std::vector<int64_t> labels(patches.size());
    for (size_t i = 0; i < patches.size(); ++i) {
        warped[i] = cropPatch(patches[i].frame, patches[i].box, 227);
        labels[i] = patches[i].label == 1 ? 1 : 0;
    }

    // Parameters: PA leaves the first layers out (no gradient, not in the optimiser → bit-identical);
    // the ImageNet classifier is never trained (it does not feed the features).
    std::vector<std::string> frozen;
    if (m_options.mode == Adaptation::PA) frozen = net.partialFrozen();
    std::vector<torch::Tensor> trainable;
    std::vector<std::pair<torch::Tensor, bool>> previous;
    for (auto& layer : net.layers()) {
        const bool freeze = layer.classifier || std::find(frozen.begin(), frozen.end(), layer.caffeName) != frozen.end();
        for (auto* t : {&layer.weight, &layer.bias}) {
            previous.emplace_back(*t, t->requires_grad());
            t->set_requires_grad(!freeze);
            if (!freeze) trainable.push_back(*t);
        }
    }
    auto restoreGrad = [&previous] {
        for (auto& [t, flag] : previous) t.set_requires_grad(flag);
    };

    torch::optim::SGD optimizer(trainable, torch::optim::SGDOptions(m_options.learningRate)
                                              .momentum(m_options.momentum)
                                              .weight_decay(m_options.weightDecay));
    double bestLoss = std::numeric_limits<double>::infinity();
    std::vector<torch::Tensor> best;
    int sinceBest = 0;
    const std::string modeName = adaptationName(m_options.mode);
    try {
        for (int epoch = 1; epoch <= m_options.epochs; ++epoch) {
            const auto start = std::chrono::steady_clock::now();
            shuffle(train);
            net.train();
            double lossSum = 0, correct = 0;
            for (size_t b = 0; b < train.size(); b += m_options.batchSize) {
                const size_t end = std::min(train.size(), b + m_options.batchSize);
                progress.step((epoch - 1 + double(b) / train.size()) / m_options.epochs,
                              "Fine-tuning (" + modeName + ") epoch " + std::to_string(epoch) + "/" +
                                  std::to_string(m_options.epochs));
                // One SGD step per batch; the batch's gradient is summed over micro-batches (the
                // same gradient as one pass, with a fraction of the activation memory).
                optimizer.zero_grad();
                const size_t micro = static_cast<size_t>(std::max(1, m_options.microBatch));
                for (size_t m = b; m < end; m += micro) {
                    const size_t mEnd = std::min(end, m + micro);
                    std::vector<cv::Mat> batch;
                    std::vector<bool> flips;
                    std::vector<int64_t> y;
                    for (size_t i = m; i < mEnd; ++i) {
                        batch.push_back(warped[train[i]]);
                        y.push_back(labels[train[i]]);
                        flips.push_back(m_options.augmentFlip && (rng() & 1));
                    }
                    auto target = torch::tensor(y, torch::kInt64);
                    auto logits = net.head(net.forwardTo(patchesToTensor(batch, 227, flips), featureBlob));
                    auto loss = torch::nn::functional::cross_entropy(logits, target);
                    (loss * (static_cast<double>(y.size()) / static_cast<double>(end - b))).backward();
                    lossSum += loss.item<double>() * y.size();
                    correct += (logits.argmax(1) == target).sum().item<double>();
                }
                optimizer.step();
            }
            EpochStats stats;
            stats.epoch = epoch;
            stats.trainLoss = lossSum / train.size();
            stats.trainAccuracy = correct / train.size();
            stats.validationLoss = stats.validationAccuracy = std::numeric_limits<double>::quiet_NaN();
            double criterion = stats.trainLoss;
            if (!validation.empty()) {
                std::tie(stats.validationLoss, stats.validationAccuracy) =
                    evaluate(net, warped, labels, validation, m_options.batchSize, featureBlob);
                criterion = stats.validationLoss;
            }
            stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            result.history.push_back(stats);
            if (m_callback) m_callback(stats);
            if (validation.empty() || criterion < bestLoss) {
                bestLoss = criterion;
                result.bestEpoch = epoch;
                best = snapshot(net);
                sinceBest = 0;
            } else if (++sinceBest >= m_options.patience) {
                result.stoppedEarly = epoch < m_options.epochs;
                break;
            }
        }
    } catch (...) {
        if (!best.empty()) restore(net, best);
        restoreGrad();
        net.eval();
        impl.adaptation = m_options.mode;
        throw;
    }
    if (!best.empty()) restore(net, best);
    restoreGrad();
    net.eval();
    impl.adaptation = m_options.mode;
    progress.step(1.0, "Fine-tuning (" + modeName + ") done");
    return result;
}

} // namespace ks::cnn
