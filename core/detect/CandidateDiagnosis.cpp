#include "CandidateDiagnosis.h"

#include "common/RocAuc.h"

#include <algorithm>
#include <cmath>

namespace ks::detect {

std::string failureCauseName(FailureCause cause)
{
    switch (cause) {
    case FailureCause::Coverage: return "coverage";
    case FailureCause::Scoring: return "scoring";
    case FailureCause::Choice: return "choice";
    case FailureCause::None: break;
    }
    return "";
}

CandidateOracle CandidateDiagnosis::oracle(const std::vector<Box>& boxes, const Box& truth)
{
    CandidateOracle o;
    for (size_t i = 0; i < boxes.size(); ++i) {
        const double d = dice(boxes[i], truth);
        if (o.index < 0 || d > o.dice) {
            o.dice = d;
            o.index = static_cast<int>(i);
        }
    }
    return o;
}

int CandidateDiagnosis::rank(const std::vector<float>& likelihoods, int index)
{
    if (index < 0 || static_cast<size_t>(index) >= likelihoods.size()) return 0;
    const float mine = likelihoods[static_cast<size_t>(index)];
    return 1 + static_cast<int>(std::count_if(likelihoods.begin(), likelihoods.end(), [mine](float l) { return l > mine; }));
}

double CandidateDiagnosis::auc(const std::vector<float>& scores, const std::vector<bool>& labels)
{
    return rocAuc(scores, labels);
}

std::vector<bool> CandidateDiagnosis::labels(const std::vector<Box>& boxes, const Box& truth, double positiveDice)
{
    std::vector<bool> out(boxes.size());
    for (size_t i = 0; i < boxes.size(); ++i)
        out[i] = dice(boxes[i], truth) >= positiveDice;
    return out;
}

FailureCause CandidateDiagnosis::cause(const std::vector<Box>& boxes, const std::vector<float>& likelihoods,
                                       double chosenDice, const Box& truth, double failureDice)
{
    if (chosenDice >= failureDice) return FailureCause::None;
    bool reached = false, positive = false;
    for (size_t i = 0; i < boxes.size() && i < likelihoods.size(); ++i) {
        if (dice(boxes[i], truth) < failureDice) continue;
        reached = true;
        positive = positive || likelihoods[i] >= 0.5f;
    }
    if (!reached) return FailureCause::Coverage;
    return positive ? FailureCause::Choice : FailureCause::Scoring;
}

} // namespace ks::detect
