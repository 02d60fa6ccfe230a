#pragma once
/// \file Labeler.h
/// Training labels of candidate boxes by Dice with the ground truth (paper: ≥ 0.8 positive),
/// with negatives sampled at a fixed seed and near misses included on purpose.

#include "common/Box.h"

#include <string>
#include <vector>

namespace ks::detect {

/// Value type.
struct LabelConfig
{
    double positiveDice = 0.8;      ///< Dice ≥ this: positive
    double nearMissDice = 0.5;      ///< nearMissDice ≤ Dice < positiveDice: near miss (negative)
    double negativeRatio = 8.0;     ///< negatives per positive (8 beat 3 on hc18: mean Dice 0.754 vs 0.666)
    double nearMissShare = 0.5;     ///< share of the negatives drawn from the near misses
    int maxPositives = 60;          ///< per frame (evenly thinned, highest Dice kept first); 0 = all
    unsigned seed = 7;
};

struct LabelledBox
{
    Box box;
    int label = 0;    ///< 1 positive, 0 negative
    double dice = 0;  ///< with the ground truth
};

/// Stateless; thread-safe.
class Labeler
{
public:
    /// Smallest ground-truth side (pixels) that training and evaluation accept.
    static constexpr double kMinTruthSide = 2.0;
    /// How far (pixels) a ground-truth box may reach beyond the image edge (rounding of tools).
    static constexpr double kTruthEdgeTolerance = 1.0;

    /// Refuses a ground-truth box that cannot be learnt from: not finite, a side under
    /// kMinTruthSide pixels, or not inside the width × height image (beyond kTruthEdgeTolerance).
    /// \throws ks::Error naming `image`, the box and the image size.
    static void checkTruth(const Box& truth, int width, int height, const std::string& image);

    /// Labels of one frame's candidates. Deterministic for (candidates, truth, config, frameIndex).
    /// When no candidate reaches positiveDice the ground-truth box itself is added as the one
    /// positive, so that every annotated frame teaches the target.
    static std::vector<LabelledBox> label(const std::vector<Box>& candidates, const Box& truth,
                                          const LabelConfig& config, unsigned frameIndex = 0);

    /// At most `maxPositives` of the positives and round(negativeRatio × kept positives) of the
    /// negatives, each evenly spread over its own list (order kept; near misses and far
    /// negatives keep their shares). maxPositives ≤ 0 returns `labels` unchanged.
    static std::vector<LabelledBox> thin(const std::vector<LabelledBox>& labels, int maxPositives, double negativeRatio);
};

} // namespace ks::detect
