#include "DetectorTrainer.h"

#include "HaarFeatures.h"

#include "common/Error.h"

#include <algorithm>
#include <chrono>

namespace ks::detect {

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

Detector DetectorTrainer::train(const std::vector<AnnotatedFrame>& frames, const TrainConfig& config,
                                TrainReport* report, Progress& progress)
{
    if (frames.empty())
        throw Error("The training set is empty", "Give a COCO file with annotated images");
    std::vector<SizedBox> boxes;
    for (const auto& f : frames) {
        if (!f.truth || f.truth->isEmpty())
            throw Error("Training image '" + f.name + "' has no annotation", "Annotate it or leave it out of the training set");
        if (f.gray.empty() || f.gray.type() != CV_8UC1)
            throw Error("Training image '" + f.name + "' has no 8-bit grey pixels", {}, Error::Kind::Internal);
        const bool cal = f.calibration.isCalibrated();
        boxes.push_back({*f.truth, cal ? f.calibration.mmPerPixelX : 0.0, cal ? f.calibration.mmPerPixelY : 0.0});
    }
    const auto sets = featureSetsFor(config.methods);
    if (sets.empty())
        throw Error("No detection method to train", "E.g. --methods haar");
    if (std::any_of(config.methods.begin(), config.methods.end(), needsCnn) && !CnnBackend::available())
        throw Error("The CNN methods (na, pa, fa, hybrid) are not available in this build", "Use --methods haar",
                    Error::Kind::Unsupported);

    Detector detector(SizeModel::learn(config.preset, boxes), config.candidates);
    detector.setHybridConfig(config.hybrid);
    TrainReport rep;
    rep.frames = static_cast<int>(frames.size());

    // Labels per frame.
    std::vector<std::vector<LabelledBox>> labels(frames.size());
    SubProgress labelling(progress, 0.0, 0.05);
    for (size_t i = 0; i < frames.size(); ++i) {
        labelling.step(static_cast<double>(i) / frames.size(), "Candidates of " + frames[i].name);
        const auto cands = detector.candidates(frames[i].gray, frames[i].calibration);
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

    // One feature set after the other; CNN sets get most of the bar.
    const double cnnWeight = 6.0;
    double total = 0;
    for (const auto& s : sets)
        total += s == "haar" ? 1.0 : cnnWeight;
    double done = 0;
    for (const auto& s : sets) {
        const double w = s == "haar" ? 1.0 : cnnWeight;
        SubProgress stage(progress, 0.05 + 0.95 * done / total, 0.05 + 0.95 * (done + w) / total);
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
            fs.extractor = CnnBackend::train(s, config.cnn, frames, labels, info, tune);
            rep.cnn[s] = info;
            fs.cnn = info;
            featureEnd = 0.9;
        }
        // Features of the labelled boxes, frame by frame.
        const double featureBegin = s == "haar" ? 0.0 : 0.6;
        cv::Mat all;
        std::vector<float> y;
        for (size_t i = 0; i < frames.size(); ++i) {
            SubProgress fp(stage, featureBegin + (featureEnd - featureBegin) * i / frames.size(),
                           featureBegin + (featureEnd - featureBegin) * (i + 1) / frames.size());
            fp.step(0, "Features (" + s + ") of " + frames[i].name);
            std::vector<Box> b;
            for (const auto& l : labels[i]) {
                b.push_back(l.box);
                y.push_back(static_cast<float>(l.label));
            }
            all.push_back(fs.extractor->extract(frames[i].gray, b, fp));
        }
        const bool exactToo = s == "fa" && config.cnn.fastPath
                              && std::find(config.methods.begin(), config.methods.end(), Method::Hybrid) != config.methods.end();
        SubProgress boost(stage, featureEnd, exactToo ? 0.93 : 1.0);
        GbmParams gp = config.gbm;
        fs.gbm.train(all, y, gp, boost);
        if (exactToo) {
            // The hybrid's CNN half: the paper's per-patch features of a thinned set of the labels.
            all = cv::Mat();
            y.clear();
            fs.exactExtractor = CnnBackend::perPatchTwin(*fs.extractor);
            for (size_t i = 0; i < frames.size(); ++i) {
                SubProgress fp(stage, 0.93 + 0.05 * i / frames.size(), 0.93 + 0.05 * (i + 1) / frames.size());
                fp.step(0, "Per-patch features (" + s + ") of " + frames[i].name);
                std::vector<Box> b;
                for (const auto& l : Labeler::thin(labels[i], config.cnn.patchPositives, config.cnn.patchNegativeRatio)) {
                    b.push_back(l.box);
                    y.push_back(static_cast<float>(l.label));
                }
                all.push_back(fs.exactExtractor->extract(frames[i].gray, b, fp));
            }
            SubProgress exactBoost(stage, 0.98, 1.0);
            fs.exactGbm.train(all, y, gp, exactBoost);
        }
        rep.seconds[s] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        detector.addFeatureSet(std::move(fs));
    }
    progress.step(1.0, "Training done");
    if (report)
        *report = rep;
    return detector;
}

} // namespace ks::detect
