#pragma once
/// \file CocoDataset.h
/// COCO JSON as used by ../shared/realdata and the phantom: one box per annotation, file names
/// relative to the JSON's folder, `pixel_spacing_mm` per image, and rotated boxes in the
/// extension field "ks_rotated_box": {"cx","cy","length","width","angle_deg"}.
/// CONTRACT owned by ks_annotation; the detector reads its training data through it.

#include "common/Box.h"

#include <optional>
#include <string>
#include <vector>

namespace ks::annotation {

struct CocoImage
{
    long long id = 0;
    std::string fileName;            ///< as written in the JSON (relative)
    std::string path;                ///< resolved absolute path
    int width = 0;
    int height = 0;
    std::optional<double> pixelSpacingMm;
    std::string patientId;           ///< optional "patient_id" (for splits by patient); else empty
    int frame = 0;                   ///< optional "frame" (0-based) for multi-frame files
    /// Optional "pixel_spacing_y_mm": row spacing when it differs from pixelSpacingMm (column).
    std::optional<double> pixelSpacingYMm;
    std::string sopInstanceUid;      ///< optional "sop_instance_uid"
    std::string patientName;         ///< optional "patient_name" (written only when set)
    std::string patientBirthDate;    ///< optional "patient_birth_date" (written only when set)
};

struct CocoAnnotation
{
    long long id = 0;
    long long imageId = 0;
    std::string category;            ///< category name ("kidney", "fetal_head", ...)
    Box box;                         ///< COCO bbox [x, y, w, h] in pixels
    std::optional<RotatedBox> rotated;
    std::string author;              ///< optional extension
    std::string status;              ///< optional extension
    std::string source;              ///< optional extension "source" (manual/imported/from-model)
};

/// Value type. Not synchronised.
struct CocoDataset
{
    std::string jsonPath;            ///< absolute path of the file it was read from ("" if built)
    std::vector<CocoImage> images;
    std::vector<CocoAnnotation> annotations;
    /// Category names in id order (id = index + 1 when written). Read from "categories"; save()
    /// adds any name used by an annotation but missing here.
    std::vector<std::string> categories;

    /// Reads and validates a COCO file; file names are resolved against `imageRoot`, or the
    /// JSON's folder when empty, and must stay inside that folder (no "..", no absolute path
    /// outside it, no symlink leaving it) and name a regular file when it exists (no FIFO or
    /// device). \throws ks::Error (InvalidInput) naming the file, the entry and what is wrong.
    static CocoDataset load(const std::string& jsonPath, const std::string& imageRoot = {});
    /// Writes atomically (temporary file + rename); file names relative to the JSON's folder
    /// (or `fileName` when `path` is empty). Text that is not UTF-8 is re-encoded (validUtf8). With
    /// `overwrite` false an existing file is never replaced (ks::Error instead).
    void save(const std::string& jsonPath, bool overwrite = true) const;

    /// Annotations of one image.
    std::vector<CocoAnnotation> annotationsOf(long long imageId) const;
};

} // namespace ks::annotation
