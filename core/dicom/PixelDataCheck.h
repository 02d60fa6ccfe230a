#pragma once
/// \file PixelDataCheck.h
/// INTERNAL to ks_dicom (includes DCMTK): validates a loaded data set's pixel data against its
/// header BEFORE anything is decompressed or allocated: plausible Rows/Columns/frames, the
/// ks::ImageLimits (decompression bombs), and data that is complete (uncompressed length, RLE
/// segments that expand to a whole frame, one fragment per frame, JPEG frame size = Rows × Columns).
/// Pixel data that is too short is an error, never padded.

#include "common/Error.h"
#include "common/ImageLimits.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <string>

namespace ks::dicom::detail {

/// The pixel module as the header declares it (validated).
struct PixelGeometry
{
    long rows = 0;
    long columns = 0;
    long samplesPerPixel = 1;
    long bitsAllocated = 0;
    long frames = 1;
    /// JPEG family: the first frame (1-based) whose compressed data ends without an end-of-image
    /// marker, else 0. Reported when decompression fails (see decompressionError()).
    long truncatedFrame = 0;
};

/// \param name the file name, for messages
/// \throws ks::Error naming what is wrong: malformed values, a limit exceeded (Unsupported, says how
///         to raise it), truncated data ("the pixel data is truncated: N bytes of M")
PixelGeometry checkPixelData(DcmDataset& dataset, const std::string& name,
                             const ImageLimits& limits = ImageLimits::current());

/// The error for a failed decompression: "truncated" naming the frame when the geometry saw a
/// JPEG stream cut short, else "cannot decompress" with DCMTK's condition text.
Error decompressionError(const PixelGeometry& geometry, const std::string& name, const std::string& transferSyntax,
                         const OFCondition& cond);

/// Bytes that PackBits-encoded `data` expands to, counting at most `cap` (no output is written).
unsigned long long rleDecodedLength(const Uint8* data, size_t size, unsigned long long cap);

} // namespace ks::dicom::detail
