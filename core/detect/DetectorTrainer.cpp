#include "DetectorTrainer.h"

#include "HaarFeatures.h"
#include "ScaleAugmentation.h"

#include "common/Error.h"

#include <algorithm>
#include <chrono>

namespace ks::detect {

namespace {
/// Appends the features of every frame's labelled boxes (frame by frame) to `features` and their
/// labels to `y`; `what` names the features in the progress messages.
void labelledFeatures(FeatureExtractor& extractor, const std::vector<AnnotatedFrame>& frames,
                      const std::vector<std::vector<LabelledBox>>& labels, const std::string& what, Progress& progress,
                      cv::Mat& features, std::vector<float>& y)
{
    for (size_t i = 0; i < frames.size(); ++i) {
        SubProgress fp(progress, static_cast<double>(i) / frames.size(), static_cast<double>(i + 1) / frames.size());
        fp.step(0, what + " of " + frames[i].name);
        std::vector<Box> b;
        for (const auto& l : labels[i]) {
            b.push_back(l.box);
            y.push_back(static_cast<float>(l.label));
        }
        features.push_back(extractor.extract(frames[i].gray, b, fp));
    }
}
} // namespace

std::vector<std::string> DetectorTrainer::featureSetsFor(const std::vector<Method>& methods)
{
    std::vector<std::string> out;
    for (const char* s : {"haar", "na", "pa", "fa"})
        for (Method m : methods) {
            const auto sets = featureSetsOf(m);
            if (std::find(sets.begin(), sets.end(), s) != sets.end()) {
                out.emplace_back(s);
                break;
            }
        }
    return out;
}

Detector DetectorTrainer::train(const std::vector<AnnotatedFrame>& given, const TrainConfig& config,
                                TrainReport* report, Progress& progress)
{
    if (given.empty())
        throw Error("The training set is empty", "Give a COCO file with annotated images");
    std::vector<SizedBox> boxes;
    for (const auto& f : given) {
        if (!f.truth || f.truth->isEmpty())
            throw Error("Training image '" + f.name + "' has no annotation", "Annotate it or leave it out of the training set");
        if (f.gray.empty() || f.gray.type() != CV_8UC1)
            throw Error("Training image '" + f.name + "' has no 8-bit grey pixels", {}, Error::Kind::Internal);
        Labeler::checkTruth(*f.truth, f.gray.cols, f.gray.rows, f.name);
        const bool cal = f.calibration.isCalibrated();
        boxes.push_back({*f.truth, cal ? f.calibration.mmPerPixelX : 0.0, cal ? f.calibration.mmPerPixelY : 0.0});
    }
    const auto sets = featureSetsFor(config.methods);
    if (sets.empty())
        throw Error("No detection method to train", "E.g. --methods haar");

    Detector detector(SizeModel::learn(config.preset, boxes), config.candidates);
    detector.setHybridConfig(config.hybrid);
    TrainReport rep;
    rep.frames = static_cast<int>(given.size());
    const bool augment =
        config.scaleAugmentation > 0 || (config.scaleAugmentation < 0 && detector.sizes().coversPixelSizes());
    const std::vector<AnnotatedFrame> expanded =
        augment ? ScaleAugmentation::expand(given, ScaleAugmentation::defaultFactors()) : std::vector<AnnotatedFrame>{};
    rep.augmentedFrames = augment ? static_cast<int>(expanded.size() - given.size()) : 0;
    // Labels, classifiers and fine-tuning on `frames`; box regression and presence on `given`.
    const std::vector<AnnotatedFrame>& frames = augment ? expanded : given;

    // Labels per frame.
    std::vector<std::vector<LabelledBox>> labels(frames.size());
    SubProgress labelling(progress, 0.0, 0.05);
    for (size_t i = 0; i < frames.size(); ++i) {
        labelling.step(static_cast<double>(i) / frames.size(), "Candidates of " + frames[i].name);
        const auto cands = detector.sweepCandidates(frames[i].gray, frames[i].calibration);
        double best = 0;
        for (const auto& c : cands)
            best = std::max(best, dice(c, *frames[i].truth));
        rep.meanCandidates += static_cast<double>(cands.size()) / frames.size();
        rep.meanBestDice += best / frames.size();
        rep.coverage += (best >= config.labels.positiveDice ? 1.0 : 0.0) / frames.size();
        labels[i] = Labeler::label(cands, *frames[i].truth, config.labels, static_cast<unsigned>(i));
        for (const auto& l : labels[i])
            (l.label ? rep.positives : rep.negatives) += 1;
    }

    // Fine-tuning and per-patch features use a thinned set of the labels (made once, when needed).
    std::vector<std::vector<LabelledBox>> thinned;
    auto patchLabels = [&]() -> const std::vector<std::vector<LabelledBox>>& {
        if (thinned.empty())
            for (const auto& l : labels)
                thinned.push_back(Labeler::thin(l, config.cnn.patchPositives, config.cnn.patchNegativeRatio));
        return thinned;
    };

    cv::Mat faPerPatch; // the fa set's per-patch features of the thinned labels (for the hybrid's weight)
    // One feature set after the other; CNN sets get most of the bar.
    const double cnnWeight = 6.0;
    double total = 0;
    for (const auto& s : sets)
        total += s == "haar" ? 1.0 : cnnWeight;
    double done = 0;
    for (const auto& s : sets) {
        const double w = s == "haar" ? 1.0 : cnnWeight;
        SubProgress stage(progress, 0.05 + 0.92 * done / total, 0.05 + 0.92 * (done + w) / total);
        done += w;
        const auto t0 = std::chrono::steady_clock::now();
        FeatureSet fs;
        fs.name = s;
        double featureEnd = 0.7;
        if (s == "haar") {
            fs.extractor = std::make_unique<HaarFeatures>(config.haarCount);
        } else {
            SubProgress tune(stage, 0.0, 0.6);
            CnnInfo info;
            fs.extractor = CnnBackend::train(s, config.cnn, frames, patchLabels(), info, tune);
            rep.cnn[s] = info;
            fs.cnn = info;
            featureEnd = 0.9;
        }
        // Per-patch GBMs: for the hybrid's CNN half (fa) and, with the row cascade, for every
        // CNN row the methods ask for (the paper's features decide among the fast path's top).
        const bool asked = std::any_of(config.methods.begin(), config.methods.end(), [&s, &config](Method m) {
            const auto ms = featureSetsOf(m);
            return m == Method::Hybrid ? s == "fa" : std::find(ms.begin(), ms.end(), s) != ms.end() && config.hybrid.rowTop > 0;
        });
        const bool exactToo = s != "haar" && config.cnn.fastPath && asked;
        cv::Mat all;
        std::vector<float> y;
        SubProgress featuring(stage, s == "haar" ? 0.0 : 0.6, featureEnd);
        labelledFeatures(*fs.extractor, frames, labels, "Features (" + s + ")", featuring, all, y);
        SubProgress boost(stage, featureEnd, exactToo ? 0.93 : 1.0);
        GbmParams gp = config.gbm;
        fs.gbm.train(all, y, gp, boost);
        if (exactToo) {
            // The paper's per-patch features of the thinned patch set.
            all = cv::Mat();
            y.clear();
            fs.exactExtractor = CnnBackend::perPatchTwin(*fs.extractor);
            SubProgress exactFeaturing(stage, 0.93, 0.98);
            labelledFeatures(*fs.exactExtractor, frames, patchLabels(), "Per-patch features (" + s + ")",
                             exactFeaturing, all, y);
            SubProgress exactBoost(stage, 0.98, 1.0);
            fs.exactGbm.train(all, y, gp, exactBoost);
            if (s == "fa")
                faPerPatch = all;
        }
        rep.seconds[s] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        detector.addFeatureSet(std::move(fs));
    }
    const bool hybrid = std::find(config.methods.begin(), config.methods.end(), Method::Hybrid) != config.methods.end();
    if (hybrid && config.hybridCrossValidation) {
        SubProgress weighing(progress, 0.97, 0.99);
        weighing.step(0, "Cross-validating the hybrid's weight");
        const auto t0 = std::chrono::steady_clock::now();
        const auto& patches = patchLabels();
        cv::Mat haarF, faF;
        std::vector<float> y;
        std::vector<double> dices;
        std::vector<int> frameOf;
        FeatureSet& fa = detector.featureSet("fa");
        for (size_t i = 0; i < frames.size(); ++i) {
            std::vector<Box> b;
            for (const auto& l : patches[i]) {
                b.push_back(l.box);
                y.push_back(static_cast<float>(l.label));
                dices.push_back(l.dice);
                frameOf.push_back(ScaleAugmentation::source(frames, i)); // an image and its copies in one fold
            }
            haarF.push_back(detector.featureSet("haar").extractor->extract(frames[i].gray, b));
            if (faPerPatch.empty()) // else the same rows, in this order, are there already
                faF.push_back((fa.hasExact() ? *fa.exactExtractor : *fa.extractor).extract(frames[i].gray, b));
        }
        if (!faPerPatch.empty())
            faF = faPerPatch;
        rep.hybridWeight = HybridWeight::crossValidate(haarF, faF, y, dices, frameOf, 3, config.gbm, weighing);
        if (!rep.hybridWeight.meanDice.empty()) {
            HybridConfig hc = detector.hybridConfig();
            hc.cvWeight = rep.hybridWeight.weight;
            detector.setHybridConfig(hc);
        }
        rep.seconds["hybrid_weight"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (config.boxRegression) {
        const auto t0 = std::chrono::steady_clock::now();
        SubProgress regressing(progress, 0.99, 1.0);
        BoxRegressor regressor;
        BoxRegressorConfig rc = config.regression;
        rc.haarCount = std::min(rc.haarCount, config.haarCount); // never richer than the detector's own Haar set
        rc.threads = config.gbm.threads;
        regressor.train(given, rc, regressing);
        detector.setBoxRegressor(std::move(regressor));
        rep.seconds["box_regression"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (config.presence && static_cast<int>(given.size()) >= std::max(3, config.presenceConfig.minFrames)) {
        const auto t0 = std::chrono::steady_clock::now();
        TargetPresence presence;
        PresenceConfig pc = config.presenceConfig;
        pc.haarCount = std::min(pc.haarCount, config.haarCount);
        presence.train(given, pc);
        detector.setPresence(std::move(presence));
        rep.seconds["presence"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    progress.step(1.0, "Training done");
    if (report)
        *report = rep;
    return detector;
}

} // namespace ks::detect
