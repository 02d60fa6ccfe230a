#pragma once
/// \file PatchScoreCache.h
/// Likelihoods already computed on one frame, so that stages which score overlapping boxes with
/// the same classifier (the coarse-to-fine sweep and the Haar row; a CNN row's per-patch
/// cascade and the hybrid's) compute each box once.

#include "common/Box.h"

#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ks::detect {

/// Scores keyed by (classifier tag, exact box) for the frame seen last. Not thread-safe: one per
/// Detector (which is itself one per thread).
class PatchScoreCache
{
public:
    /// Keeps the scores when `gray8` has the size, type and content (a 64-bit hash of every
    /// pixel) of the frame seen last; otherwise forgets them. Cost: one pass over the pixels.
    void useFrame(const cv::Mat& gray8);
    /// Forgets everything (a classifier changed).
    void clear();
    std::optional<float> find(const std::string& tag, const Box& box) const;
    void store(const std::string& tag, const Box& box, float score);
    std::size_t size() const { return m_scores.size(); }

    /// Most scores kept for one frame; beyond it the cache forgets them and starts again.
    static constexpr std::size_t kMaxScores = 200'000;

private:
    using Key = std::pair<std::string, std::array<double, 4>>;
    std::map<Key, float> m_scores;
    std::uint64_t m_hash = 0;
    int m_rows = -1, m_cols = -1, m_type = -1;
};

} // namespace ks::detect
