#pragma once
/// \file DicomWriter.h
/// Writes a ks::Image as an Ultrasound (Multi-frame) Image Storage file.
/// CONTRACT owned by ks_dicom; used by the phantom generator.

#include "common/Image.h"

#include <string>

namespace ks::dicom {

/// Thread-safe (no shared state).
class DicomWriter
{
public:
    /// Writes `image` (CV_8UC1 frames → MONOCHROME2, CV_8UC3 RGB frames → RGB), explicit VR little
    /// endian. Identifiers come from image.meta (UIDs generated where empty; the generated ones are
    /// NOT written back). When image.calibration is calibrated, writes a
    /// SequenceOfUltrasoundRegions item (units cm, 2-D tissue region) whose extent is the
    /// calibration's field of view (else the whole image) and whose PhysicalDeltaX/Y are the
    /// pixel size in cm. Writes to a temporary file and renames, so a crash never leaves half a file.
    /// \throws ks::Error (Io) when the file cannot be written, naming the path and the reason
    static void write(const std::string& path, const Image& image);
};

} // namespace ks::dicom
