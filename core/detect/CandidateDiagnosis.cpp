#include "CandidateDiagnosis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

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
    const size_t n = std::min(scores.size(), labels.size());
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&scores](size_t a, size_t b) { return scores[a] < scores[b]; });
    // Sum of the positives' mid-ranks (1-based) over runs of equal scores.
    double positiveRankSum = 0;
    size_t positives = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && scores[order[j]] == scores[order[i]]) ++j;
        const double midRank = 0.5 * (double(i + 1) + double(j));
        for (size_t k = i; k < j; ++k)
            if (labels[order[k]]) {
                positiveRankSum += midRank;
                ++positives;
            }
        i = j;
    }
    const size_t negatives = n - positives;
    if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
    const double u = positiveRankSum - 0.5 * double(positives) * double(positives + 1);
    return u / (double(positives) * double(negatives));
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
