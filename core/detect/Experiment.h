#pragma once
/// \file Experiment.h
/// The paper's protocol end to end: train every requested method on a training COCO, evaluate
/// on a validation COCO (or a split by patient of one COCO), write results.json, report.md,
/// per_image.csv and the model bundle.

#include "AnnotatedFrame.h"
#include "DetectorTrainer.h"
#include "Evaluation.h"

#include "common/Progress.h"

#include <string>
#include <vector>

namespace ks::detect {

/// Value type.
struct ExperimentOptions
{
    TrainConfig train;
    std::string trainJson;
    std::string valJson;          ///< "" with split > 0: split trainJson by patient
    double split = 0;             ///< fraction of patients for training when valJson is empty
    unsigned splitSeed = 1;
    std::string category;         ///< annotation category to use ("" = the first of each image)
    std::string outDir;
    bool saveModel = true;        ///< also write the bundle to outDir/model
};

/// Value type.
struct ExperimentResult
{
    EvaluationResult evaluation;
    TrainReport training;
    double loadSeconds = 0, trainSeconds = 0, evaluateSeconds = 0, totalSeconds = 0;
    double peakMemoryMb = 0;      ///< peak resident set size of the process
    std::string transferNote;     ///< "" or "CNN: no ImageNet transfer (...)"
    std::string backboneTitle;    ///< "CaffeNet" / "SqueezeNet"
};

/// Stateless; thread-safe for different output folders.
class Experiment
{
public:
    /// \throws ks::Error for unreadable inputs, empty sets, images without annotation, a split
    ///         that leaves a side empty, an unwritable output folder; ks::Cancelled
    static ExperimentResult run(const ExperimentOptions& options, Progress& progress = NullProgress::instance());

    /// The manifest's provenance object: preset, feature configuration, CNN, training images
    /// with sha256, validation images, seeds, metrics (JSON text).
    static std::string provenance(const TrainConfig& config, const std::vector<AnnotatedFrame>& train,
                                  const std::vector<AnnotatedFrame>& validation, const std::string& splitDescription,
                                  const TrainReport& report, const std::string& metricsJson = "{}");
    /// "no ImageNet transfer" line for CNN methods without imported weights, else "".
    static std::string transferNote(const TrainConfig& config);
    /// "CaffeNet" / "SqueezeNet" for Table 1 titles.
    static std::string backboneTitle(const std::string& backbone);
    /// The report's diagnosis section (Markdown): the candidate oracle and each method's
    /// failures by cause, AUC and oracle rank.
    static std::string diagnosis(const EvaluationResult& evaluation, const std::string& backboneTitle);
    /// The readable report (Markdown).
    static std::string report(const ExperimentOptions& options, const ExperimentResult& result);
    /// Peak resident memory of this process in MB (Linux), 0 when unknown.
    static double peakMemoryMb();
};

} // namespace ks::detect
