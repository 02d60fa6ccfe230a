#pragma once
/// \file WeightChange.h
/// Table 2 of the paper: per conv layer, how many filters changed by more than a threshold
/// (relative L2 norm ‖w_ft − w_0‖ / ‖w_0‖) between the imported and the fine-tuned network,
/// with the distribution of the changes.

#include <opencv2/core.hpp>

#include <map>
#include <string>
#include <vector>

namespace ks::interpret {

/// Layer name → one entry per output filter (the filter's weights, any shape; only the values
/// count). Layers are compared by name; filters by index.
using WeightSet = std::map<std::string, std::vector<cv::Mat>>;

struct LayerChange
{
    std::string layer;
    int filters = 0;
    int changed = 0;                 ///< filters whose relative change exceeds the threshold
    std::vector<double> changes;     ///< relative change per filter (1.0 = 100 %); +inf when ‖w_0‖ = 0 and w changed
    double mean = 0, min = 0, q25 = 0, median = 0, q75 = 0, max = 0;
    /// Histogram of changes: bin i counts changes in [i·binWidth, (i+1)·binWidth); the last bin
    /// also takes everything above.
    std::vector<int> histogram;
};

struct WeightChangeTable
{
    double threshold = 0.4;
    double binWidth = 0.1;
    std::vector<LayerChange> layers;  ///< in the order asked for (or name order)
};

/// Stateless; thread-safe.
class WeightChange
{
public:
    /// Relative L2 change of one filter. \throws ks::Error when the element counts differ.
    static double relativeChange(const cv::Mat& before, const cv::Mat& after);

    /// \param layers layers to report, in this order; empty = every layer present in both sets,
    ///               in name order.
    /// \param threshold relative change counted as "changed" (0.4 = the paper's 40 %)
    /// \param bins histogram bins of width binWidth (the last one open-ended)
    /// \throws ks::Error when a requested layer is missing in either set or the filter counts
    ///         or shapes differ (the two sets are not the same architecture).
    static WeightChangeTable compare(const WeightSet& imported, const WeightSet& fineTuned,
                                     const std::vector<std::string>& layers = {},
                                     double threshold = 0.4, int bins = 10, double binWidth = 0.1);
};

} // namespace ks::interpret
