#pragma once
/// \file Calibration.h
/// Physical pixel size and ultrasound field of view of one image (frame geometry).

#include "Box.h"

#include <optional>
#include <string>

namespace ks {

/// Where the pixel size came from, in order of preference.
enum class CalibrationSource {
    None,               ///< uncalibrated: measurements are in pixels
    UltrasoundRegion,   ///< SequenceOfUltrasoundRegions (PhysicalDeltaX/Y in cm)
    PixelSpacing,       ///< (0028,0030)
    ImagerPixelSpacing, ///< (0018,1164)
    User                ///< given by the user (PNG/JPEG/TIFF, or an override)
};

/// Value type; thread-safe.
struct Calibration
{
    CalibrationSource source = CalibrationSource::None;
    double mmPerPixelX = 0;   ///< column spacing, mm per pixel (0 when uncalibrated)
    double mmPerPixelY = 0;   ///< row spacing, mm per pixel (0 when uncalibrated)
    /// The ultrasound field of view in pixels (the calibrated region's extent). Everything
    /// outside is text, rulers or black. Empty optional: the whole image.
    std::optional<Box> fieldOfView;
    /// Human-readable: which region applies, or why the image is not uniformly calibrated.
    std::string description;
    /// False when several regions disagree on the pixel size.
    bool uniform = true;

    bool isCalibrated() const { return source != CalibrationSource::None && mmPerPixelX > 0 && mmPerPixelY > 0; }

    /// "ultrasound region", "pixel spacing", ... for display.
    static std::string sourceName(CalibrationSource s);

    /// A calibration set by the user, square pixels.
    static Calibration user(double mmPerPixel);
};

} // namespace ks
