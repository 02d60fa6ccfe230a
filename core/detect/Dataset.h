#pragma once
/// \file Dataset.h
/// Annotated frames from a COCO file (through ks_annotation and ks_dicom), and splits by patient.

#include "AnnotatedFrame.h"

#include "common/Progress.h"

#include <string>
#include <utility>
#include <vector>

namespace ks::detect {

/// Stateless; thread-safe.
class Dataset
{
public:
    /// Loads every image of a COCO file (file names relative to its folder) with its box.
    /// An image with several annotations uses the first of `category` (any category when empty).
    /// \param requireTruth when true, an image without annotation is an error naming it
    /// \throws ks::Error: unreadable COCO/image, no images, image without annotation
    static std::vector<AnnotatedFrame> loadCoco(const std::string& jsonPath, bool requireTruth = true,
                                                const std::string& category = {},
                                                Progress& progress = NullProgress::instance());

    /// Splits frames by patient (patientId, else each frame alone) into (train, validation) with
    /// about `trainFraction` of the patients in train; deterministic for a seed.
    /// \throws ks::Error when the fraction is outside (0, 1) or a side would be empty
    static std::pair<std::vector<AnnotatedFrame>, std::vector<AnnotatedFrame>>
    splitByPatient(const std::vector<AnnotatedFrame>& frames, double trainFraction, unsigned seed);
};

} // namespace ks::detect
