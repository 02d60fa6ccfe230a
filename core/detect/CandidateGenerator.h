#pragma once
/// \file CandidateGenerator.h
/// Candidate boxes: the field of view swept with overlapping axis-aligned boxes whose sizes come
/// from a target preset (mm) intersected with the spread of the training boxes.

#include "TargetPreset.h"

#include "common/Box.h"
#include "common/Calibration.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ks::detect {

/// How densely to sweep. Value type.
struct CandidateConfig
{
    int targetCount = 2000;      ///< > 0: choose the stride so that a frame gets about this many boxes
    double strideFraction = 0.1; ///< position step as a fraction of the box size (used when targetCount == 0)
    double scaleRatio = 1.15;    ///< ratio between neighbouring widths (and heights)
    /// 1: every width × height of the size range on a square grid (bundles from before);
    /// 2: only the sizes near a training box's (within the preset's training margin per axis:
    /// the training-box density prior) on staggered rows (odd rows shifted by half a step), so
    /// that the same number of boxes lies closer to any target.
    int layout = 2;
    /// Coarse-to-fine: after the sweep (with targetCount − the refinement's boxes), the Haar-GBM
    /// scores it and the `refineTop` most likely boxes that overlap little (IoU < 0.5) get a
    /// local 3×3×3×3 grid of neighbours (shifts of ±4 % of the size, sizes ×1.07^±1), then the
    /// best of those a finer one (±2 %, ×1.035^±1). Every method scores the same union. Only
    /// for detectors with a Haar set; 0 = none (bundles from before).
    int refineTop = 3;
    /// Boxes the refinement adds to a frame at most (80 per refined box and round).
    int refinementBoxes() const { return refineTop > 0 ? 80 * (refineTop + 1) : 0; }
};

/// Sizes of the training boxes in one image's pixels and how far (relative, per axis) a
/// candidate size may be from one of them. Empty: no prior (every size of the range).
struct SizePrior
{
    std::vector<std::pair<double, double>> sizes; ///< (width, height)
    double tolerance = 0.15;
    bool isEmpty() const { return sizes.empty(); }
    /// True when some training size is within the tolerance of (w, h) on both axes.
    bool admits(double w, double h) const;
};

/// Ranges of box width, height (pixels or mm) and aspect (height / width). Value type.
struct SizeRange
{
    double wMin = 0, wMax = 0, hMin = 0, hMax = 0;
    double aspectMin = 0, aspectMax = 1e9;
    bool isEmpty() const { return !(wMin > 0 && wMax >= wMin && hMin > 0 && hMax >= hMin && aspectMax >= aspectMin); }
};

/// A training box with the pixel size of its image (0 when uncalibrated).
struct SizedBox
{
    Box box;
    double mmPerPixelX = 0;
    double mmPerPixelY = 0;
};

/// Candidate sizes learnt from a preset and training boxes. Value type; thread-safe.
class SizeModel
{
public:
    SizeModel() = default;
    /// Ranges: the training boxes' spread widened by the preset's margin, cut to the preset's
    /// sizes. With fewer than 20 boxes the spread understates the population's, so each range
    /// is also widened to the 95 %/95 % normal tolerance interval of the log sizes and no prior
    /// is kept (prior() is empty). With few boxes, a calibrated training set and a preset without
    /// clinical sizes, nothing says whether a target's size on screen follows its anatomy (mm) or
    /// the operator's zoom (pixels): pixelRange() then covers both (the union of the two ranges).
    /// \param boxes the training ground truth (at least one)
    /// \throws ks::Error when there are no boxes, or when the preset and the training boxes do
    ///         not overlap at all (says which sizes each allows)
    static SizeModel learn(const TargetPreset& preset, const std::vector<SizedBox>& boxes);

    /// The pixel size range for an image with this calibration: the mm range converted with the
    /// image's own pixel size (joined with the training boxes' pixel range when coversPixelSizes()),
    /// or the training boxes' pixel range when uncalibrated.
    SizeRange pixelRange(const Calibration& calibration) const;

    /// The training boxes' sizes for an image with this calibration (mm sizes converted with its
    /// pixel size; pixel sizes when it or the training was uncalibrated). Empty for a model from
    /// before the prior was kept or trained on fewer than 20 boxes.
    SizePrior prior(const Calibration& calibration) const;

    const SizeRange& mmRange() const { return m_mm; }       ///< empty when training was uncalibrated
    const SizeRange& pixelRangeUncalibrated() const { return m_px; }
    bool hasMm() const { return !m_mm.isEmpty(); }
    /// True when pixelRange() joins the mm range with the pixel range (few boxes, no clinical sizes).
    bool coversPixelSizes() const { return m_unionPx; }

    std::string toJson() const;
    static SizeModel fromJson(const std::string& text);

private:
    SizeRange m_mm;
    SizeRange m_px;
    std::vector<std::pair<double, double>> m_mmSizes; ///< training boxes in mm (calibrated training)
    std::vector<std::pair<double, double>> m_pxSizes; ///< training boxes in pixels
    double m_margin = 0.15;
    bool m_unionPx = false; ///< pixelRange() = converted mm range ∪ m_px (false in bundles from before)
};

/// Stateless; thread-safe.
class CandidateGenerator
{
public:
    /// Boxes inside `region` (the field of view clipped to the frame) with sizes in `range`
    /// (pixels) and, for layout 2, admitted by `prior` (when not empty). Deterministic order: by
    /// width, height, then row-major position.
    static std::vector<Box> generate(const Box& region, const SizeRange& range, const CandidateConfig& config,
                                     const SizePrior& prior = {});

    /// The region candidates lie in: calibration.fieldOfView ∩ frame (or the whole frame).
    static Box region(int width, int height, const Calibration& calibration);
    /// Boxes for one frame in region(width, height, calibration).
    static std::vector<Box> forFrame(int width, int height, const Calibration& calibration,
                                     const SizeModel& sizes, const CandidateConfig& config);

    /// Most boxes one sweep may make (about 64 MB); beyond it sweep() refuses instead of allocating.
    static constexpr std::size_t kMaxBoxes = 2'000'000;
    /// Smallest candidate side in pixels (a size range reaching below gives no smaller boxes).
    static constexpr double kMinSide = 2.0;
    /// Most sizes per axis (a ratio near 1 over a wide range is coarsened to this many).
    static constexpr int kMaxSteps = 1000;

    /// Boxes at a fixed stride fraction (no target count).
    /// \throws ks::Error when they would be more than kMaxBoxes (names the sizes and the count).
    /// With `staggered`, odd rows are shifted by half a step; sizes not admitted by a non-empty
    /// `prior` are left out.
    static std::vector<Box> sweep(const Box& region, const SizeRange& range, double strideFraction, double scaleRatio,
                                  const SizePrior& prior = {}, bool staggered = false);
    /// How many boxes sweep() makes, computed without making them.
    static std::size_t sweepCount(const Box& region, const SizeRange& range, double strideFraction, double scaleRatio,
                                  const SizePrior& prior = {}, bool staggered = false);
    /// Geometric steps from lo to hi (both included) with neighbouring ratio <= ratio (at most
    /// kMaxSteps + 1 steps).
    static std::vector<double> geometricSteps(double lo, double hi, double ratio);
};

} // namespace ks::detect
