#include "FineTuner.h"

#include "CnnModel.h"
#include "CnnModelImpl.h"
#include "common/Error.h"
#include "common/RocAuc.h"

#include <opencv2/imgproc.hpp>

#include <chrono>
#include <ctime>
#include <map>
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

double forwardGmac(Backbone backbone, bool trainableUnderPaOnly)
{
    // Per layer: output cells × output channels × inputs per output (k² · Cin / groups).
    if (backbone == Backbone::CaffeNet) {
        const double conv1 = 55.0 * 55 * 96 * 363, conv2 = 27.0 * 27 * 256 * 1200, conv3 = 13.0 * 13 * 384 * 2304;
        const double conv4 = 13.0 * 13 * 384 * 1728, conv5 = 13.0 * 13 * 256 * 1728, fc = 9216.0 * 4096 + 4096.0 * 4096;
        return ((trainableUnderPaOnly ? 0 : conv1 + conv2) + conv3 + conv4 + conv5 + fc) / 1e9;
    }
    auto fire = [](double cells, double in, double sq, double e) { return cells * (in * sq + sq * e + 9 * sq * e); };
    const double conv1 = 111.0 * 111 * 96 * 147;
    const double fire2 = fire(55 * 55, 96, 16, 64);
    const double rest = fire(55 * 55, 128, 16, 64) + fire(55 * 55, 128, 32, 128) + fire(27 * 27, 256, 32, 128)
                        + fire(27 * 27, 256, 48, 192) + fire(27 * 27, 384, 48, 192) + fire(27 * 27, 384, 64, 256)
                        + fire(13 * 13, 512, 64, 256);
    return ((trainableUnderPaOnly ? 0 : conv1 + fire2) + rest) / 1e9;
}

double processCpuSeconds()
{
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

namespace {

/// Loss, accuracy and ROC AUC of the 2-way head on a set (eval mode, no gradients).
struct HeldOut
{
    double loss = 0, accuracy = 0, auc = 0;
};

HeldOut evaluate(BackboneNet& net, const std::vector<cv::Mat>& patches, const std::vector<int64_t>& labels,
                 const std::vector<size_t>& indices, int batchSize, const std::string& featureBlob)
{
    torch::NoGradGuard noGrad;
    net.eval();
    double loss = 0, correct = 0;
    std::vector<float> scores;
    std::vector<bool> truth;
    for (size_t start = 0; start < indices.size(); start += batchSize) {
        const size_t end = std::min(indices.size(), start + batchSize);
        std::vector<cv::Mat> batch;
        std::vector<int64_t> y;
        for (size_t i = start; i < end; ++i) {
            batch.push_back(patches[indices[i]]);
            y.push_back(labels[indices[i]]);
            truth.push_back(labels[indices[i]] == 1);
        }
        auto target = torch::tensor(y, torch::kInt64);
        auto logits = net.head(net.forwardTo(patchesToConv1(net, batch, 227), featureBlob, true));
        loss += torch::nn::functional::cross_entropy(logits, target,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)).item<double>();
        correct += (logits.argmax(1) == target).sum().item<double>();
        auto p = torch::softmax(logits, 1).select(1, 1).contiguous();
        scores.insert(scores.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    }
    const double n = std::max<size_t>(1, indices.size());
    return {loss / n, correct / n, rocAuc(scores, truth)};
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
    std::vector<int64_t> labels(patches.size());
    for (size_t i = 0; i < patches.size(); ++i)
        labels[i] = patches[i].label == 1 ? 1 : 0;

    // Held-out split: whole frames (patches of one image are alike, so holding out patches of
    // training images would flatter every epoch), else stratified patches.
    std::vector<size_t> train, validation;
    std::map<std::pair<int, const uchar*>, int> frameOf; // (group, buffer when ungrouped)
    std::vector<int> frameIndex(patches.size());
    for (size_t i = 0; i < patches.size(); ++i) {
        const auto key = std::make_pair(patches[i].group, patches[i].group >= 0 ? nullptr : patches[i].frame.data);
        frameIndex[i] = frameOf.emplace(key, static_cast<int>(frameOf.size())).first->second;
    }
    const int frames = static_cast<int>(frameOf.size());
    if (m_options.validationFraction > 0 && m_options.holdOutFrames && frames >= 5) {
        std::vector<size_t> order(static_cast<size_t>(frames));
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        shuffle(order);
        const size_t held = std::clamp<size_t>(static_cast<size_t>(std::lround(m_options.validationFraction * frames)),
                                               1, static_cast<size_t>(frames - 1));
        std::vector<bool> heldOut(static_cast<size_t>(frames), false);
        for (size_t k = 0; k < held; ++k) heldOut[order[k]] = true;
        for (size_t i = 0; i < patches.size(); ++i)
            (heldOut[static_cast<size_t>(frameIndex[i])] ? validation : train).push_back(i);
    }
    auto hasBoth = [&labels](const std::vector<size_t>& v) {
        bool p = false, n = false;
        for (size_t i : v) (labels[i] ? p : n) = true;
        return p && n;
    };
    if (!hasBoth(train) || (!validation.empty() && !hasBoth(validation))) {
        train.clear();
        validation.clear();
        for (int label = 0; label <= 1; ++label) {
            std::vector<size_t> cls;
            for (size_t i = 0; i < patches.size(); ++i)
                if (labels[i] == label) cls.push_back(i);
            shuffle(cls);
            size_t held = static_cast<size_t>(std::lround(m_options.validationFraction * cls.size()));
            if (m_options.validationFraction > 0 && held == 0 && cls.size() >= 2) held = 1;
            held = std::min(held, cls.size() - 1);
            validation.insert(validation.end(), cls.begin(), cls.begin() + held);
            train.insert(train.end(), cls.begin() + held, cls.end());
        }
    }
    result.trainCount = static_cast<int>(train.size());
    result.validationCount = static_cast<int>(validation.size());

    // Held-out patches are warped once; training patches are re-drawn every epoch when augmented.
    progress.step(0.0, "Preparing patches");
    std::vector<cv::Mat> warped(patches.size());
    for (size_t i : validation)
        warped[i] = cropPatch(patches[i].frame, patches[i].box, 227);
    const bool jitter = m_options.augmentJitter > 0;
    if (!jitter)
        for (size_t i : train)
            warped[i] = cropPatch(patches[i].frame, patches[i].box, 227);
    auto trainingPatch = [&](size_t i) -> cv::Mat {
        cv::Mat patch;
        if (jitter) {
            std::uniform_real_distribution<double> u(-m_options.augmentJitter, m_options.augmentJitter);
            const Box& b = patches[i].box;
            const double sw = 1 + u(rng), sh = 1 + u(rng);
            const double w = b.width * sw, h = b.height * sh;
            const Box moved{b.x + 0.5 * (b.width - w) + u(rng) * b.width, b.y + 0.5 * (b.height - h) + u(rng) * b.height, w, h};
            patch = cropPatch(patches[i].frame, moved, 227);
        } else {
            patch = warped[i];
        }
        if (m_options.augmentGain > 0) {
            std::uniform_real_distribution<double> g(1 - m_options.augmentGain, 1 + m_options.augmentGain);
            cv::Mat scaled;
            patch.convertTo(scaled, -1, g(rng)); // saturating
            patch = scaled;
        }
        return patch;
    };

    // Parameters: PA leaves the first layers out (no gradient, not in the optimiser → bit-identical);
    // the ImageNet classifier is never trained (it does not feed the features). The new head
    // learns at the full rate, the imported layers at transferredRateScale of it.
    std::vector<std::string> frozen;
    const std::vector<std::string> early = net.partialFrozen();
    if (m_options.mode == Adaptation::PA) frozen = early;
    std::vector<torch::Tensor> transferred, headParams, earlyParams;
    std::vector<std::pair<torch::Tensor, bool>> previous;
    for (auto& layer : net.layers()) {
        const bool freeze = layer.classifier || std::find(frozen.begin(), frozen.end(), layer.caffeName) != frozen.end();
        for (auto* t : {&layer.weight, &layer.bias}) {
            previous.emplace_back(*t, t->requires_grad());
            t->set_requires_grad(!freeze);
            if (freeze) continue;
            const bool isEarly = std::find(early.begin(), early.end(), layer.caffeName) != early.end();
            (!layer.importable ? headParams : isEarly ? earlyParams : transferred).push_back(*t);
        }
    }
    auto restoreGrad = [&previous] {
        for (auto& [t, flag] : previous) t.set_requires_grad(flag);
    };
    const double headRate = m_options.learningRate;
    const double transferredRate = m_options.learningRate * m_options.transferredRateScale;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    auto sgd = [this](double lr) {
        return std::make_unique<torch::optim::SGDOptions>(
            torch::optim::SGDOptions(lr).momentum(m_options.momentum).weight_decay(m_options.weightDecay));
    };
    const double earlyRate = transferredRate * m_options.earlyRateScale;
    std::vector<double> baseRates;
    for (auto& [params, rate] : {std::pair{headParams, headRate}, std::pair{transferred, transferredRate},
                                 std::pair{earlyParams, earlyRate}})
        if (!params.empty()) {
            groups.emplace_back(params, sgd(rate));
            baseRates.push_back(rate);
        }
    torch::optim::SGD optimizer(groups, torch::optim::SGDOptions(headRate));
    auto setRates = [&](double factor) {
        auto& g = optimizer.param_groups();
        for (size_t k = 0; k < g.size() && k < baseRates.size(); ++k)
            static_cast<torch::optim::SGDOptions&>(g[k].options()).lr(baseRates[k] * factor);
    };

    // Class weights: each class contributes half of the loss.
    size_t trainPositives = 0;
    for (size_t i : train) trainPositives += labels[i];
    const double n = static_cast<double>(train.size());
    const std::vector<float> classWeight =
        m_options.balanceClasses
            ? std::vector<float>{static_cast<float>(n / (2.0 * (n - trainPositives))), static_cast<float>(n / (2.0 * trainPositives))}
            : std::vector<float>{1.0f, 1.0f};
    const auto weightTensor = torch::tensor(classWeight, torch::kFloat32);

    const double sampleGmac = forwardGmac(impl.backbone, false);
    const double trainableGmac = forwardGmac(impl.backbone, m_options.mode == Adaptation::PA);
    double bestAuc = -1, bestLoss = std::numeric_limits<double>::infinity();
    std::vector<torch::Tensor> best;
    int sinceBest = 0;
    const std::string modeName = adaptationName(m_options.mode);
    const auto started = std::chrono::steady_clock::now();
    const double cpuStarted = processCpuSeconds();
    auto finish = [&] {
        if (!best.empty()) restore(net, best);
        restoreGrad();
        net.eval();
        impl.adaptation = m_options.mode;
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        result.cpuSeconds = processCpuSeconds() - cpuStarted;
    };
    try {
        for (int epoch = 1; epoch <= m_options.epochs; ++epoch) {
            const auto start = std::chrono::steady_clock::now();
            if (m_options.cosineSchedule)
                setRates(0.5 * (1 + std::cos(M_PI * (epoch - 1) / m_options.epochs)));
            shuffle(train);
            net.train();
            double lossSum = 0, correct = 0;
            for (size_t b = 0; b < train.size(); b += m_options.batchSize) {
                const size_t end = std::min(train.size(), b + m_options.batchSize);
                progress.step((epoch - 1 + double(b) / train.size()) / m_options.epochs,
                              "Fine-tuning (" + modeName + ") epoch " + std::to_string(epoch) + "/" +
                                  std::to_string(m_options.epochs));
                double batchWeight = 0;
                for (size_t i = b; i < end; ++i) batchWeight += classWeight[static_cast<size_t>(labels[train[i]])];
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
                        batch.push_back(trainingPatch(train[i]));
                        y.push_back(labels[train[i]]);
                        flips.push_back(m_options.augmentFlip && (rng() & 1));
                    }
                    auto target = torch::tensor(y, torch::kInt64);
                    auto logits = net.head(net.forwardTo(patchesToConv1(net, batch, 227, flips), featureBlob, true));
                    auto loss = torch::nn::functional::cross_entropy(
                        logits, target,
                        torch::nn::functional::CrossEntropyFuncOptions().weight(weightTensor).reduction(torch::kSum));
                    (loss / batchWeight).backward();
                    lossSum += loss.item<double>();
                    correct += (logits.argmax(1) == target).sum().item<double>();
                }
                optimizer.step();
            }
            // Forward of every sample, backward of the trainable layers (input and weight
            // gradients: about twice their forward).
            result.gflop += 2.0 * static_cast<double>(train.size()) * (sampleGmac + 2.0 * trainableGmac)
                            + 2.0 * static_cast<double>(validation.size()) * sampleGmac;
            EpochStats stats;
            stats.epoch = epoch;
            double trainWeight = 0;
            for (size_t i : train) trainWeight += classWeight[static_cast<size_t>(labels[i])];
            stats.trainLoss = lossSum / trainWeight;
            stats.trainAccuracy = correct / train.size();
            stats.validationLoss = stats.validationAccuracy = stats.validationAuc = std::numeric_limits<double>::quiet_NaN();
            bool better = true;
            if (!validation.empty()) {
                const HeldOut h = evaluate(net, warped, labels, validation, m_options.batchSize, featureBlob);
                stats.validationLoss = h.loss;
                stats.validationAccuracy = h.accuracy;
                stats.validationAuc = h.auc;
                better = std::isnan(h.auc) ? h.loss < bestLoss // one class held out: loss alone
                                           : h.auc > bestAuc + 1e-9 || (std::abs(h.auc - bestAuc) <= 1e-9 && h.loss < bestLoss);
                if (better) {
                    bestAuc = std::isnan(h.auc) ? bestAuc : h.auc;
                    bestLoss = h.loss;
                }
            }
            stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            result.history.push_back(stats);
            if (m_callback) m_callback(stats);
            if (better) {
                result.bestEpoch = epoch;
                best = snapshot(net);
                sinceBest = 0;
            } else if (++sinceBest >= m_options.patience) {
                result.stoppedEarly = epoch < m_options.epochs;
                break;
            }
        }
    } catch (...) {
        finish();
        throw;
    }
    finish();
    progress.step(1.0, "Fine-tuning (" + modeName + ") done");
    return result;
}

} // namespace ks::cnn
