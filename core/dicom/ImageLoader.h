#pragma once
/// \file ImageLoader.h
/// Decodes one file into a ks::Image: DICOM with every transfer syntax DCMTK supports, or
/// PNG/JPEG/TIFF (uncalibrated unless a pixel size is given).
/// CONTRACT owned by ks_dicom.

#include "common/Image.h"
#include "common/Progress.h"

#include <optional>
#include <string>
#include <vector>

namespace ks::dicom {

/// Thread-safe: codecs are registered once, each call uses its own DCMTK objects.
class ImageLoader
{
public:
    /// \param userPixelSizeMm for non-DICOM images: the pixel size the user gave (mm), if any
    /// \throws ks::Error with a message naming the problem: missing file, not an image
    ///         (SR/waveform/RT: says what it is), unsupported compression (names it, e.g.
    ///         "JPEG 2000"), truncated or malformed data; ks::Cancelled on cancel
    static Image load(const std::string& path, Progress& progress = NullProgress::instance(),
                      std::optional<double> userPixelSizeMm = std::nullopt);

    /// True when the file has the DICOM Part 10 preamble ("DICM" at byte 128). Reads 132 bytes.
    static bool hasDicomPreamble(const std::string& path);

    /// The stored sample values of a single-sample DICOM file (monochrome or palette), one
    /// CV_8UC1/CV_16UC1/CV_16SC1 Mat per frame, WITHOUT photometric conversion: palette indices stay
    /// indices, MONOCHROME1 is not inverted. For pixel read-outs and for verifying conversions.
    /// 	hrows ks::Error as load() does, and for colour (3-sample) files
    static std::vector<cv::Mat> loadStoredValues(const std::string& path);
};

} // namespace ks::dicom
