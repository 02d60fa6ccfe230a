#pragma once
/// \file CaseSampler.h
/// Draws the random anatomy and scanner settings of one phantom image (geometry only, no pixels:
/// cheap enough to check ranges over hundreds of draws).

#include "PhantomCase.h"
#include "PhantomParams.h"

#include <cstdint>

namespace ks::phantom {

/// Stateless; thread-safe.
class CaseSampler
{
public:
    /// Kidney length, width (mm) and orientation (degrees) ranges from the paper (section 3.1).
    static constexpr double kMinLengthMm = 75, kMaxLengthMm = 140;
    static constexpr double kMinWidthMm = 35, kMaxWidthMm = 70;
    static constexpr double kMinAngleDeg = -25, kMaxAngleDeg = 15;
    static constexpr double kMinDepthMm = 90, kMaxDepthMm = 160;

    /// Case `index` of the data set with `seed`: the same arguments give the same case everywhere.
    static PhantomCase draw(std::uint64_t seed, int index, const PhantomParams& params);
};

} // namespace ks::phantom
