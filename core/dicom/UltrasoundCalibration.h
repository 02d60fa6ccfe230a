#pragma once
/// \file UltrasoundCalibration.h
/// The physical pixel size of an image from its attributes, in order of preference:
/// SequenceOfUltrasoundRegions, PixelSpacing, ImagerPixelSpacing, else uncalibrated.

#include "common/Calibration.h"

#include <string>
#include <vector>

namespace ks::dicom {

/// One item of SequenceOfUltrasoundRegions (0018,6011), as stored. Value type.
struct UltrasoundRegion
{
    int spatialFormat = 0;     ///< RegionSpatialFormat: 1 = 2-D, 2 = M-mode, 3 = spectral, ...
    int dataType = 0;          ///< RegionDataType: 1 = tissue, 2 = colour flow, 3 = PW spectral, ...
    long minX0 = 0, minY0 = 0, maxX1 = 0, maxY1 = 0; ///< inclusive pixel bounds
    int unitsX = 0, unitsY = 0; ///< PhysicalUnitsX/YDirection: 3 = cm
    double deltaX = 0, deltaY = 0; ///< PhysicalDeltaX/Y in the units above per pixel

    /// 2-D tissue or colour flow region measured in cm in both directions.
    bool qualifies() const;
    /// The region's extent in pixels (inclusive bounds → width = maxX1 - minX0 + 1).
    Box extent() const;
};

/// The attributes that decide calibration. Value type.
struct CalibrationInputs
{
    std::vector<UltrasoundRegion> regions;
    std::vector<double> pixelSpacing;       ///< (0028,0030): row spacing, column spacing (mm)
    std::vector<double> imagerPixelSpacing; ///< (0018,1164): row spacing, column spacing (mm)
};

/// Pure function; thread-safe.
/// Region rule: among qualifying regions, the largest 2-D tissue region applies (colour flow only
/// if there is no tissue region); its extent is the field of view. If qualifying regions have
/// different pixel sizes, `uniform` is false and the description says so.
Calibration computeCalibration(const CalibrationInputs& inputs);

} // namespace ks::dicom
