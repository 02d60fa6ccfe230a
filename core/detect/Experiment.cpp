#include "Experiment.h"

#include "Dataset.h"
#include "ModelBundle.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace ks::detect {

namespace {
double since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void writeText(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::trunc);
    out << text;
    if (!out)
        throw Error("Cannot write '" + p.string() + "'", "Check free space and permissions", Error::Kind::Io);
}

/// The images of a set without anything that names a patient or a file:
/// the sha256 of each file's bytes (provenance: "was this file in the training set?") and how
/// many patients they come from. Patient IDs, names and file names (often UIDs) stay out.
json imageList(const std::vector<AnnotatedFrame>& frames)
{
    json a = json::array();
    for (const auto& f : frames)
        a.push_back({{"sha256", f.sha256}});
    return a;
}

std::size_t patientCount(const std::vector<AnnotatedFrame>& frames)
{
    std::set<std::string> patients;
    for (const auto& f : frames)
        patients.insert(f.patientId.empty() ? "image:" + f.name : "patient:" + f.patientId);
    return patients.size();
}
} // namespace

double Experiment::peakMemoryMb()
{
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0)
        return 0;
    return u.ru_maxrss / 1024.0; // Linux: kilobytes
}

std::string Experiment::backboneTitle(const std::string& backbone)
{
    return backbone == "squeezenet" ? "SqueezeNet" : "CaffeNet";
}

std::string Experiment::transferNote(const TrainConfig& config)
{
    const bool cnn = std::any_of(config.methods.begin(), config.methods.end(), needsCnn);
    if (!cnn || config.cnn.importsWeights())
        return {};
    return "CNN (" + config.cnn.backbone + "): no ImageNet transfer (random initial weights, seed "
           + std::to_string(config.cnn.seed) + ").";
}

std::string Experiment::provenance(const TrainConfig& c, const std::vector<AnnotatedFrame>& train,
                                   const std::vector<AnnotatedFrame>& validation, const std::string& split,
                                   const TrainReport& report, const std::string& metricsJson)
{
    json j;
    j["preset"] = json::parse(c.preset.toJson());
    json methods = json::array();
    for (Method m : c.methods)
        methods.push_back(methodName(m));
    j["methods"] = methods;
    j["feature_configuration"] = {{"haar_count", c.haarCount},
                                  {"candidates", {{"target_count", c.candidates.targetCount},
                                                  {"stride_fraction", c.candidates.strideFraction},
                                                  {"scale_ratio", c.candidates.scaleRatio}}},
                                  {"labels", {{"positive_dice", c.labels.positiveDice},
                                              {"near_miss_dice", c.labels.nearMissDice},
                                              {"negative_ratio", c.labels.negativeRatio},
                                              {"near_miss_share", c.labels.nearMissShare},
                                              {"max_positives", c.labels.maxPositives}}},
                                  {"gbm", {{"max_depth", c.gbm.maxDepth}, {"rounds", c.gbm.rounds}, {"eta", c.gbm.eta},
                                           {"subsample", c.gbm.subsample}, {"objective", "binary:logistic"}}}};
    const bool cnn = std::any_of(c.methods.begin(), c.methods.end(), needsCnn);
    if (cnn) {
        json cj{{"backbone", c.cnn.backbone}, {"fast_path", c.cnn.fastPath}, {"learning_rate", c.cnn.learningRate},
                {"epochs", c.cnn.epochs}, {"patch_positives_per_image", c.cnn.patchPositives},
                {"patch_negative_ratio", c.cnn.patchNegativeRatio}, {"hybrid_cnn_top", c.hybrid.cnnTop}};
        if (!c.cnn.importsWeights()) {
            cj["weights"] = "no ImageNet transfer";
        } else if (c.cnn.caffemodel.empty()) {
            cj["weights"] = {{"torchscript", fs::path(c.cnn.torchscript).filename().string()}, {"trusted", true}};
            for (const auto& [set, info] : report.cnn)
                if (!info.weightsChecksum.empty())
                    cj["weights_sha256"] = info.weightsChecksum;
        } else {
            cj["weights"] = {{"prototxt", fs::path(c.cnn.prototxt).filename().string()},
                             {"caffemodel", fs::path(c.cnn.caffemodel).filename().string()}};
            for (const auto& [set, info] : report.cnn)
                if (!info.weightsChecksum.empty())
                    cj["weights_sha256"] = info.weightsChecksum;
        }
        json sets = json::object();
        for (const auto& [set, info] : report.cnn)
            sets[set] = {{"weights", info.weights}, {"imagenet_transfer", info.transfer}, {"fine_tuning", info.fineTuning}};
        cj["feature_sets"] = sets;
        j["cnn"] = cj;
    } else {
        j["cnn"] = nullptr;
    }
    j["training"] = {{"images", imageList(train)}, {"validation_images", imageList(validation)},
                     {"patients", patientCount(train)}, {"validation_patients", patientCount(validation)},
                     {"split", split},
                     {"frames", report.frames}, {"augmented_frames", report.augmentedFrames}, {"positives", report.positives}, {"negatives", report.negatives},
                     {"mean_candidates", report.meanCandidates}, {"candidate_coverage", report.coverage},
                     {"mean_best_candidate_dice", report.meanBestDice}};
    j["seeds"] = {{"labels", c.labels.seed}, {"gbm", c.gbm.seed}, {"cnn", c.cnn.seed}};
    j["metrics"] = json::parse(metricsJson.empty() ? "{}" : metricsJson);
    return j.dump();
}

ExperimentResult Experiment::run(const ExperimentOptions& o, Progress& progress)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (o.outDir.empty())
        throw Error("No output folder given", "Use --out DIR");
    std::error_code ec;
    fs::create_directories(o.outDir, ec);
    if (!fs::is_directory(o.outDir))
        throw Error("Cannot create the output folder '" + o.outDir + "'", "Check the path and permissions", Error::Kind::Io);
    ExperimentResult r;
    r.backboneTitle = backboneTitle(o.train.cnn.backbone);
    r.transferNote = transferNote(o.train);

    SubProgress loading(progress, 0.0, 0.1);
    std::vector<AnnotatedFrame> train, val;
    std::string splitText;
    if (!o.valJson.empty()) {
        SubProgress a(loading, 0, 0.5), b(loading, 0.5, 1);
        train = Dataset::loadCoco(o.trainJson, true, o.category, a);
        val = Dataset::loadCoco(o.valJson, true, o.category, b);
        splitText = "train: " + fs::path(o.trainJson).filename().string() + ", validation: "
                    + fs::path(o.valJson).filename().string();
    } else {
        if (!(o.split > 0))
            throw Error("No validation set", "Give --val VAL.json, or --split FRACTION to split --train by patient");
        auto all = Dataset::loadCoco(o.trainJson, true, o.category, loading);
        std::tie(train, val) = Dataset::splitByPatient(all, o.split, o.splitSeed);
        splitText = "split by patient of " + fs::path(o.trainJson).filename().string() + ": "
                    + std::to_string(o.split) + " for training, seed " + std::to_string(o.splitSeed);
    }
    r.loadSeconds = since(t0);

    auto t1 = std::chrono::steady_clock::now();
    SubProgress training(progress, 0.1, 0.75);
    Detector detector = DetectorTrainer::train(train, o.train, &r.training, training);
    r.trainSeconds = since(t1);

    t1 = std::chrono::steady_clock::now();
    SubProgress evaluating(progress, 0.75, 0.98);
    r.evaluation = Evaluation::run(detector, val, o.train.methods, evaluating);
    r.evaluateSeconds = since(t1);
    r.totalSeconds = since(t0);
    r.peakMemoryMb = peakMemoryMb();

    const fs::path out(o.outDir);
    json results = json::parse(Evaluation::json(r.evaluation));
    results["train_images"] = train.size();
    results["validation_images"] = val.size();
    results["split"] = splitText;
    results["preset"] = o.train.preset.name;
    results["timing_s"] = {{"load", r.loadSeconds}, {"train", r.trainSeconds}, {"evaluate", r.evaluateSeconds},
                           {"total", r.totalSeconds}};
    results["peak_memory_mb"] = r.peakMemoryMb;
    results["candidates"] = {{"mean_per_image", r.training.meanCandidates}, {"coverage", r.training.coverage},
                             {"mean_best_dice", r.training.meanBestDice}};
    results["training_seconds_by_stage"] = r.training.seconds;
    if (!r.training.hybridWeight.meanDice.empty())
        results["hybrid_weight_cv"] = {{"weight", r.training.hybridWeight.weight},
                                       {"weights", r.training.hybridWeight.weights},
                                       {"held_out_mean_dice", r.training.hybridWeight.meanDice}};
    if (std::any_of(o.train.methods.begin(), o.train.methods.end(), needsCnn)) {
        results["backbone"] = o.train.cnn.backbone;
        results["imagenet_transfer"] = o.train.cnn.importsWeights();
        if (!r.transferNote.empty())
            results["note"] = r.transferNote;
    }
    writeText(out / "results.json", results.dump(2));
    writeText(out / "per_image.csv", Evaluation::csv(r.evaluation));
    writeText(out / "report.md", report(o, r));
    if (o.saveModel) {
        json metrics = results["methods"];
        ModelBundle::save(detector, (out / "model").string(),
                          provenance(o.train, train, val, splitText, r.training, metrics.dump()));
    }
    progress.step(1.0, "Experiment done");
    return r;
}

std::string Experiment::diagnosis(const EvaluationResult& e, const std::string& backboneTitle)
{
    std::ostringstream s;
    char line[256];
    s << "## Diagnosis\n\n";
    std::snprintf(line, sizeof line,
                  "The candidates reach a mean best Dice of %.3f on the validation images (the candidate oracle); on "
                  "%d of %zu images no candidate reaches %.2g, so no method can succeed there.\n\n",
                  e.meanOracleDice, e.oracleFailures, e.images.size(), e.failureDice);
    s << line;
    for (Method m : e.methods) {
        const auto& sm = e.summary.at(m);
        std::snprintf(line, sizeof line,
                      "- %s: %d failure(s): %d coverage, %d scoring, %d choice; patch AUC %.3f (mean per image "
                      "%.3f); the oracle's candidate ranks %.1f (median)\n",
                      methodTitle(m, backboneTitle).c_str(), sm.failures, sm.coverageFailures, sm.scoringFailures,
                      sm.choiceFailures, sm.auc, sm.meanImageAuc, sm.medianOracleRank);
        s << line;
    }
    s << "\nCoverage: widen or densify the candidates (sizes, positions). Scoring: the classifier does not find "
         "the good boxes (features, training). Choice: a good box was classified positive but another was more "
         "likely (the decision rule).\n\n";
    return s.str();
}

std::string Experiment::report(const ExperimentOptions& o, const ExperimentResult& r)
{
    std::ostringstream s;
    s << "# KidneyScope experiment\n\n";
    s << "Protocol after Ravishankar et al. 2016: candidates swept over the field of view, labels by Dice "
         "(positive at >= 0.8), one gradient-boosted tree model (depth 2, 200 rounds, shrinkage 0.5, subsample 0.5) "
         "per feature set, detection = the most likely candidate classified positive.\n\n";
    s << "- Training: `" << o.trainJson << "` (" << r.training.frames << " images)\n";
    if (!o.valJson.empty())
        s << "- Validation: `" << o.valJson << "` (" << r.evaluation.images.size() << " images)\n";
    else
        s << "- Validation: split by patient, " << o.split << " for training (" << r.evaluation.images.size()
          << " validation images)\n";
    s << "- Preset: " << o.train.preset.name << "\n";
    s << "- Candidates per image: " << static_cast<int>(r.training.meanCandidates + 0.5)
      << " on average; training images with a candidate of Dice >= 0.8: " << static_cast<int>(r.training.coverage * 100 + 0.5)
      << " %; mean best candidate Dice " << r.training.meanBestDice << " (upper bounds for detection)\n";
    s << "- Training samples: " << r.training.positives << " positive, " << r.training.negatives << " negative\n";
    if (r.training.augmentedFrames > 0)
        s << "- Scale augmentation (beyond the paper; few calibrated boxes, no clinical sizes): "
          << r.training.augmentedFrames << " scaled copies of the training images (x0.71, x1.41) for the classifiers "
          << "and fine-tuning\n";
    if (std::any_of(o.train.methods.begin(), o.train.methods.end(), needsCnn)) {
        s << "- CNN backbone: " << o.train.cnn.backbone << ", weights: "
          << (!o.train.cnn.importsWeights() ? "no ImageNet transfer"
              : o.train.cnn.caffemodel.empty() ? fs::path(o.train.cnn.torchscript).filename().string() + " (trusted TorchScript)"
                                               : fs::path(o.train.cnn.caffemodel).filename().string())
          << "\n";
        for (const auto& [set, info] : r.training.cnn)
            s << "  - " << set << ": " << info.weights << "; fine-tuning: " << info.fineTuning << "\n";
    }
    s << "\n## Table 1\n\n```\n" << Evaluation::table(r.evaluation, r.backboneTitle, r.transferNote) << "```\n\n";
    if (r.evaluation.summary.count(Method::Hybrid)) {
        const auto& h = r.evaluation.summary.at(Method::Hybrid);
        s << "The hybrid averages the Haar-GBM and FA-GBM likelihoods; as a cascade, only the Haar-GBM's top "
          << o.train.hybrid.cnnTop << " candidates go through the network (per-patch features, as the paper), " << h.meanCnnBoxes << " per image on average. On " << h.exact << " of " << h.n
          << " images the answer is provably the one of scoring every candidate (no candidate left out could "
             "win even with a CNN likelihood of 1).\n\n";
    }
    s << diagnosis(r.evaluation, r.backboneTitle);
    s << "## Time and memory\n\n";
    s << "- Loading: " << r.loadSeconds << " s, training: " << r.trainSeconds << " s, evaluation: " << r.evaluateSeconds
      << " s, total: " << r.totalSeconds << " s\n";
    for (const auto& [set, sec] : r.training.seconds)
        s << "  - training " << set << ": " << sec << " s\n";
    s << "- Peak memory: " << r.peakMemoryMb << " MB\n\n";
    s << "Per-image Dice: `per_image.csv`; machine-readable: `results.json`; model: `model/`.\n";
    return s.str();
}

} // namespace ks::detect
