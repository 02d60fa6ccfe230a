#pragma once
/// \file SegmentedPalette.h
/// INTERNAL to ks_dicom (includes DCMTK): segmented palette colour lookup tables
/// (PS3.3 C.7.9.2), which DCMTK's image module does not expand, and stored sample access.

#include "SegmentedLut.h"
#include "common/Image.h"
#include "common/Progress.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ks::dicom::detail {

/// The stored sample values of a decompressed single-sample data set as CV_8UC1/CV_16UC1/CV_16SC1
/// frames, without any photometric interpretation (palette indices stay indices).
/// Temporarily relabels the data set MONOCHROME2 (restored before returning).
std::vector<cv::Mat> storedSingleSampleFrames(DcmDataset& dataset);

/// Decodes a PALETTE COLOR image whose LUTs are segmented into RGB frames. `dataset` must be
/// decompressed already.
void decodeSegmentedPaletteImage(DcmDataset& dataset, const std::string& path, Image& image,
                                 Progress& progress);

} // namespace ks::dicom::detail
