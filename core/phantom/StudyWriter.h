#pragma once
/// \file StudyWriter.h
/// Writes a phantom data set: one calibrated US DICOM file per image, ground-truth masks in
/// gt/, annotations.json (COCO, the kidney boxes) and gt/truth.json (phantom extras).

#include "PhantomParams.h"

#include "common/Box.h"
#include "common/Progress.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ks::phantom {

/// What was written.
struct StudySummary
{
    std::string folder;                 ///< absolute
    std::string annotationsPath;        ///< folder/annotations.json
    std::vector<std::string> files;     ///< DICOM file paths, in image order
    std::vector<cv::Mat> frames;        ///< the images (only when keepFrames was asked)
    std::vector<Box> boxes;             ///< ground-truth kidney boxes, in image order (pixels)
    int cutKidneys = 0;                 ///< images whose kidney the sector's edge cuts
    double seconds = 0;                 ///< wall time of generation and writing
    int threads = 1;
};

/// Stateless; thread-safe when callers use different folders.
class StudyWriter
{
public:
    /// File name (relative to the study folder) of image `index`: "phantom_0001.dcm".
    static std::string fileName(int index);

    /// Generates `count` images of (seed, params) with `threads` worker threads (0 = all cores)
    /// and writes them into `folder` (created if needed). Output bytes do not depend on the
    /// thread count. \throws ks::Error (Io) when the folder cannot be written, ks::Cancelled.
    static StudySummary write(const std::string& folder, int count, std::uint64_t seed, const PhantomParams& params,
                              int threads = 0, Progress& progress = NullProgress::instance(), bool keepFrames = false);
};

} // namespace ks::phantom
