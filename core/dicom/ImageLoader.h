#pragma once
/// \file ImageLoader.h
/// Decodes one file into a ks::Image: DICOM with every transfer syntax DCMTK supports, or
/// PNG/JPEG/TIFF (uncalibrated unless a pixel size is given).
/// CONTRACT owned by ks_dicom.

#include "common/Image.h"
#include "common/Progress.h"

#include <optional>
#include <string>

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
};

} // namespace ks::dicom
