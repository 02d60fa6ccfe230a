#pragma once
/// \file Image.h
/// KidneyScope's own image type: decoded frames plus what the viewer and detector need to
/// know about them. No DCMTK type ever appears here (DCMTK stays private to ks_dicom).

#include "Calibration.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace ks {

/// One DICOM attribute as text, for the tag panel and `kidneyscope-cli info`.
struct TagEntry
{
    std::string tag;     ///< "(0028,0010)"
    std::string name;    ///< "Rows"
    std::string vr;      ///< "US"
    std::string value;   ///< printable value, shortened if long
    int depth = 0;       ///< nesting level inside sequences
};

/// Identifiers and descriptive attributes. Empty strings where the source has none.
struct ImageMeta
{
    std::string sourcePath;
    std::string patientName;
    std::string patientId;
    std::string patientBirthDate;
    std::string studyInstanceUid;
    std::string studyDescription;
    std::string studyDate;
    std::string seriesInstanceUid;
    std::string seriesDescription;
    std::string sopClassUid;
    std::string sopInstanceUid;
    std::string modality;
    std::string photometric;        ///< as stored in the file ("PALETTE COLOR", "YBR_FULL_422", ...)
    std::string transferSyntaxUid;
    std::string transferSyntaxName; ///< "RLE Lossless", "JPEG Lossless, Process 14 SV1", ...
    int bitsStored = 8;
    int seriesNumber = 0;
    int instanceNumber = 0;
};

/// A decoded image (single- or multi-frame). Value type; copying shares pixel buffers
/// (cv::Mat semantics). Not synchronised: do not mutate from several threads.
struct Image
{
    /// Decoded frames, all the same size and type:
    ///  - CV_8UC1 / CV_16UC1 / CV_16SC1 monochrome, higher = brighter (MONOCHROME1 inverted,
    ///    modality rescale not applied; see rescaleSlope/Intercept),
    ///  - CV_8UC3 colour in RGB order (palette, YBR already converted).
    std::vector<cv::Mat> frames;
    double frameTimeMs = 0;        ///< time between frames; 0 when unknown or single-frame
    Calibration calibration;
    ImageMeta meta;
    double windowCenter = 0;       ///< default display window (from the file, else the data range)
    double windowWidth = 0;
    double rescaleSlope = 1;
    double rescaleIntercept = 0;
    std::vector<TagEntry> tags;    ///< the whole data set, for display

    int frameCount() const { return static_cast<int>(frames.size()); }
    int width() const { return frames.empty() ? 0 : frames.front().cols; }
    int height() const { return frames.empty() ? 0 : frames.front().rows; }
    bool isColor() const { return !frames.empty() && frames.front().channels() == 3; }
    bool isEmpty() const { return frames.empty(); }

    /// Frame `index` as 8-bit grey (colour → luminance, 16-bit → default window), for
    /// detection and filters. Throws ks::Error for an index out of range.
    cv::Mat gray8(int index = 0) const;
};

} // namespace ks
