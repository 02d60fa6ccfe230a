#pragma once
/// \file Evaluation.h
/// The paper's Table 1 on annotated frames: per image the Dice of the chosen box with the
/// ground truth; per method the mean Dice and the failures (Dice < 0.8). With each, the
/// diagnosis (CandidateDiagnosis): the candidate oracle per frame, each method's rank of the
/// oracle's box, its patch-level ROC AUC on the candidates, and the cause of each failure.

#include "AnnotatedFrame.h"
#include "CandidateDiagnosis.h"
#include "Detector.h"
#include "Method.h"

#include "common/Progress.h"

#include <map>
#include <string>
#include <vector>

namespace ks::detect {

/// One method's answer on one frame.
struct MethodOutcome
{
    Detection detection;
    double dice = 0;
    int hybridCnnBoxes = 0;    ///< hybrid: candidates that went through the CNN (cascade)
    bool hybridExact = false;  ///< hybrid: provably the answer of an exhaustive evaluation
    int oracleRank = 0;        ///< rank of the oracle's candidate in this method's likelihoods (1 = chosen)
    double auc = 0;            ///< ROC AUC on this frame's candidates (NaN: one class only)
    FailureCause cause = FailureCause::None;
    /// With a box regression (EvaluationResult::boxRegression): the chosen box refined, its Dice.
    Box regressedBox;
    double regressedDice = 0;
    /// Hybrid with a cross-validated weight (EvaluationResult::hybridWeight ≥ 0): its choice, Dice.
    Box weightedBox;
    double weightedDice = 0;
};


/// One frame's answers.
struct ImageOutcome
{
    std::string name;
    Box truth;
    int candidates = 0;
    CandidateOracle oracle;    ///< the best candidate of this frame
    int positives = 0;         ///< candidates with Dice ≥ the positive threshold
    std::map<Method, MethodOutcome> methods;
};

/// Table 1 row. Value type.
struct MethodSummary
{
    double meanDice = 0;
    int failures = 0;        ///< Dice < failureDice
    int lowConfidence = 0;   ///< frames where no candidate was positive
    int n = 0;
    double meanSeconds = 0;  ///< candidates + features + scoring per frame
    double meanCnnBoxes = 0; ///< hybrid: candidates through the CNN per frame
    int exact = 0;           ///< hybrid: frames whose answer is provably the exhaustive one
    double auc = 0;          ///< ROC AUC over all frames' candidates pooled (NaN: one class only)
    double meanImageAuc = 0; ///< mean of the per-frame AUCs (frames with both classes)
    double medianOracleRank = 0;
    int coverageFailures = 0, scoringFailures = 0, choiceFailures = 0;
    double regressedMeanDice = 0;  ///< with the box regression (EvaluationResult::boxRegression)
    int regressedFailures = 0;
    int notFound = 0;
    double weightedMeanDice = 0;   ///< hybrid with the cross-validated weight
    int weightedFailures = 0;              ///< frames reported "no target found" (Detection::targetFound false)
};

/// Value type.
struct EvaluationResult
{
    std::vector<Method> methods;
    std::vector<ImageOutcome> images;
    std::map<Method, MethodSummary> summary;
    double failureDice = 0.8;
    double positiveDice = 0.8;   ///< patch label threshold of the AUC
    double meanOracleDice = 0;   ///< mean over frames of the candidate oracle
    int oracleFailures = 0;      ///< frames whose oracle is below failureDice
    double meanCandidates = 0;
    bool boxRegression = false;  ///< the detector has a box regression: the "+ box regression" rows
    double hybridWeight = -1;    ///< the detector's cross-validated hybrid weight (< 0: none)
    bool presence = false;       ///< the detector has a target-presence model (MethodSummary::notFound)
};

/// Stateless; thread-safe for different detectors.
class Evaluation
{
public:
    /// Detects with every method on every frame (each feature set scored once per frame).
    /// \throws ks::Error for an empty set, a frame without ground truth (named), a method the
    ///         detector was not trained for; ks::Cancelled
    static EvaluationResult run(Detector& detector, const std::vector<AnnotatedFrame>& frames,
                                const std::vector<Method>& methods, Progress& progress = NullProgress::instance());

    /// Table 1 as aligned text with the diagnosis columns (AUC, median oracle rank, failures by
    /// cause), the extra rows beyond the paper ("+ box regression") and the candidate oracle's row; `note` is printed under it (e.g. "no ImageNet transfer").
    static std::string table(const EvaluationResult& r, const std::string& backboneTitle = "CaffeNet",
                             const std::string& note = {});
    /// One row per image: name, truth, oracle, and per method box, Dice, likelihood, low
    /// confidence, oracle rank, AUC, failure cause.
    static std::string csv(const EvaluationResult& r);
    /// {"methods": {"haar": {"mean_dice", "failures", "n", ...}}, "per_image": [...]}
    static std::string json(const EvaluationResult& r);
};

} // namespace ks::detect
