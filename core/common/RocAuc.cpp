#include "RocAuc.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace ks {

double rocAuc(const std::vector<float>& scores, const std::vector<bool>& labels)
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

} // namespace ks
