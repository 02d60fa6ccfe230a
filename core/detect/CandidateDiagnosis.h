#pragma once
/// \file CandidateDiagnosis.h
/// Tells a detector's failures apart: did no candidate reach the truth (coverage), did the
/// classifier not rank the good candidates high (scoring), or did the paper's rule ("keep the
/// positives, take the most likely") pick another box although a good one was classified
/// positive (choice)? All functions are pure; thread-safe.

#include "common/Box.h"

#include <string>
#include <vector>

namespace ks::detect {

/// Why one method's answer on one frame failed. Value type.
enum class FailureCause
{
    None,      ///< Dice ≥ the failure threshold
    Coverage,  ///< no candidate reaches the threshold (the candidate oracle is below it)
    Scoring,   ///< a candidate reaches it, but none of those was classified positive (p ≥ 0.5)
    Choice,    ///< one of those was classified positive, yet the most likely box is another
};

/// "", "coverage", "scoring", "choice".
std::string failureCauseName(FailureCause cause);

/// The best candidate of a frame. Value type.
struct CandidateOracle
{
    double dice = 0;  ///< the highest Dice any candidate reaches with the truth (0 without candidates)
    int index = -1;   ///< that candidate (the first of equals); -1 without candidates
};

class CandidateDiagnosis
{
public:
    /// The candidate oracle: max over `boxes` of dice(box, truth).
    static CandidateOracle oracle(const std::vector<Box>& boxes, const Box& truth);
    /// 1-based rank of candidate `index` when the boxes are sorted by decreasing likelihood;
    /// ties count in its favour (rank = 1 + the number of strictly more likely boxes).
    /// \returns 0 for an index out of range.
    static int rank(const std::vector<float>& likelihoods, int index);
    /// ROC AUC (Mann–Whitney U / (n₊·n₋), ties counted as ½) of `scores` for the labels
    /// (true = positive). NaN when either class is empty.
    static double auc(const std::vector<float>& scores, const std::vector<bool>& labels);
    /// Patch labels of the candidates: Dice with the truth ≥ `positiveDice`.
    static std::vector<bool> labels(const std::vector<Box>& boxes, const Box& truth, double positiveDice);
    /// Why the chosen box, whose Dice with the truth is `chosenDice`, failed (None when
    /// chosenDice ≥ failureDice).
    static FailureCause cause(const std::vector<Box>& boxes, const std::vector<float>& likelihoods, double chosenDice,
                              const Box& truth, double failureDice);
};

} // namespace ks::detect
