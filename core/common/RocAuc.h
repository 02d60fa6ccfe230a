#pragma once
/// \file RocAuc.h
/// The area under the ROC curve of scores for binary labels, as the Mann–Whitney statistic:
/// U / (n₊·n₋), a tie between a positive and a negative counting ½. Pure; thread-safe.

#include <vector>

namespace ks {

/// NaN when either class is empty; O(n log n).
double rocAuc(const std::vector<float>& scores, const std::vector<bool>& labels);

} // namespace ks
