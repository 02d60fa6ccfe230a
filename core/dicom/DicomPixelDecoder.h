#pragma once
/// \file DicomPixelDecoder.h
/// INTERNAL to ks_dicom (includes DCMTK): turns a loaded DCMTK data set into ks::Image parts.

#include "UltrasoundCalibration.h"
#include "common/Image.h"
#include "common/Progress.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

namespace ks::dicom::detail {

/// Identifiers, photometric and transfer syntax (as stored) from the meta header and data set.
void readMeta(DcmFileFormat& file, ImageMeta& meta);

/// The attributes that calibration depends on (ultrasound regions, pixel spacings).
CalibrationInputs readCalibrationInputs(DcmItem& dataset);

/// Time between frames in ms from FrameTime, else FrameTimeVector (mean of entries 2..n),
/// else CineRate / RecommendedDisplayFrameRate (frames per second); 0 when none applies.
double readFrameTimeMs(DcmItem& dataset);

/// Decodes every frame of `dataset` into image.frames (see ks::Image for the pixel types) and
/// sets window and rescale. Decompresses in place. Reports per-frame progress in [0, 1].
/// \throws ks::Error: unsupported compression (named), truncated pixel data, no image
void decodePixels(DcmDataset& dataset, const std::string& path, Image& image, Progress& progress);

} // namespace ks::dicom::detail
