#pragma once
/// \file PhantomGenerator.h
/// One synthetic long-axis kidney B-mode image with its exact ground truth.

#include "PhantomCase.h"
#include "PhantomParams.h"

#include "common/Box.h"
#include "common/Image.h"

#include <cstdint>
#include <string>

namespace ks::phantom {

/// The kidney as it was drawn. Boxes in image pixels (ks::Box convention).
struct GroundTruth
{
    Box box;                  ///< tight axis-aligned box of the visible kidney (= the mask's bounding box)
    RotatedBox rotated;       ///< the whole kidney's tight rotated box (may extend past the sector when cut)
    double lengthMm = 0;      ///< true long-axis length, mm
    double widthMm = 0;       ///< true width across, mm
    double angleDeg = 0;      ///< orientation (RotatedBox convention)
    bool cutByFieldOfView = false;
    cv::Mat mask;             ///< CV_8U, 255 = visible kidney
};

/// A generated image: a ks::Image ready for DicomWriter (calibrated, identifiers set) and its truth.
struct PhantomImage
{
    Image image;
    GroundTruth truth;
    PhantomCase drawn;
};

/// Immutable; generate() is thread-safe and deterministic: (seed, params, index) → same bytes.
class PhantomGenerator
{
public:
    PhantomGenerator(std::uint64_t seed, PhantomParams params);

    /// Image number `index` (0-based) of the data set.
    PhantomImage generate(int index) const;

    /// Only the envelope-free intermediate: tissue anatomy + ground truth, no speckle (fast).
    GroundTruth truthOf(const PhantomCase& c) const;

    /// "KS-PHANTOM-0007" for index 6.
    static std::string patientId(int index);
    /// "PHANTOM^KIDNEY^0007" for index 6.
    static std::string patientName(int index);
    /// A DICOM UID under the 2.25 (UUID-derived) root, unique to (seed, index, what).
    static std::string uid(std::uint64_t seed, int index, int what);

    std::uint64_t seed() const { return m_seed; }
    const PhantomParams& params() const { return m_params; }

private:
    std::uint64_t m_seed;
    PhantomParams m_params;
};

} // namespace ks::phantom
