#pragma once
/// \file ScaleAugmentation.h
/// Scaled copies of training frames, for small training sets whose targets' sizes on screen are
/// uncertain (beyond the paper). Ten images of one gestational age show the classifiers targets
/// of one pixel size only, and every classifier then prefers that size: on the first ten hc18
/// training images the CNN rows chose boxes of the training heads' size on heads twice as large.
/// Copies at other scales show the same targets at other pixel sizes — with their calibration
/// scaled too, so that their size in mm is unchanged.

#include "AnnotatedFrame.h"

#include <vector>

namespace ks::detect {

/// Stateless; thread-safe.
class ScaleAugmentation
{
public:
    /// The scale factors used by default: half an octave down and up.
    static std::vector<double> defaultFactors();

    /// `frames` followed by one copy of each per factor (in that order): pixels resized by the
    /// factor (area averaging down, bilinear up), truth and field of view scaled with them,
    /// mm per pixel divided by it, name suffixed "@x0.71", AnnotatedFrame::scaledFrom set to the
    /// original's index. Factors outside [0.25, 4] or copies below 16 px are left out.
    static std::vector<AnnotatedFrame> expand(const std::vector<AnnotatedFrame>& frames,
                                              const std::vector<double>& factors);

    /// The index of the original frame of frames[i] (i itself for an original).
    static int source(const std::vector<AnnotatedFrame>& frames, std::size_t i);
};

} // namespace ks::detect
