#pragma once
/// \file ProjectTypes.h
/// Value types of the project store: images, annotations (ROIs), review states, audit entries.
/// All geometry is in image pixels (x right, y down) unless the name says mm. Value types;
/// thread-safe to copy.

#include "common/Box.h"

#include <optional>
#include <string>

namespace ks::annotation {

/// Review state of an annotation. Transitions: draft → submitted → approved | rejected;
/// an update of the geometry or label of a submitted/approved/rejected ROI does not change it.
enum class Status { Draft, Submitted, Approved, Rejected };
/// Where an annotation came from. A FromModel ROI's author names the model, never a person
/// (see modelAuthor()); agreement statistics leave such ROIs out.
enum class Source { Manual, Imported, FromModel };

/// Prefix of every model author: "model:".
constexpr const char* kModelAuthorPrefix = "model:";
/// The author of ROIs made by a model: "model:<name>" (e.g. the bundle's name or folder name);
/// "model:unnamed" for an empty name. Give it as Annotation::author of Source::FromModel ROIs.
std::string modelAuthor(const std::string& modelName);
/// True for an author made by modelAuthor(). Such names are reserved: a person cannot use them.
bool isModelAuthor(const std::string& author);

/// "draft", "submitted", "approved", "rejected".
std::string statusName(Status s);
/// Inverse of statusName(). \throws ks::Error naming the valid values.
Status statusFromName(const std::string& name);
/// "manual", "imported", "from-model".
std::string sourceName(Source s);
/// Inverse of sourceName(). \throws ks::Error naming the valid values.
Source sourceFromName(const std::string& name);

/// One frame of one image file registered in the project. (path, frame) is unique.
struct ImageRecord
{
    long long id = 0;                ///< assigned by the store
    std::string path;                ///< absolute path
    int frame = 0;                   ///< 0-based frame of a multi-frame file
    std::string sopInstanceUid;      ///< empty for non-DICOM files
    std::string sha256;              ///< of the whole file when registered (hex); computed if empty
    double mmPerPixelX = 0;          ///< column spacing, mm per pixel; 0 = uncalibrated
    double mmPerPixelY = 0;          ///< row spacing, mm per pixel; 0 = uncalibrated
    int width = 0;                   ///< pixels
    int height = 0;                  ///< pixels
    std::string patientId;           ///< identifying: left out of exports unless asked
    std::string patientName;         ///< identifying: left out of exports unless asked
    std::string patientBirthDate;    ///< identifying: left out of exports unless asked
    std::string addedAt;             ///< ISO 8601 UTC, set by the store

    bool isCalibrated() const { return mmPerPixelX > 0 && mmPerPixelY > 0; }
};

/// One ROI. The axis-aligned `box` is what detection is scored against. A drawn rotated ROI has
/// box = rotated->boundingBox() (the store fills an empty box so); imported ground truth may
/// carry a tighter box around the organ together with its rotated rectangle, and keeps both.
struct Annotation
{
    long long id = 0;                ///< assigned by the store (never reused)
    long long imageId = 0;
    std::string label = "kidney";    ///< must be in the project's label list
    Box box;                         ///< pixels
    std::optional<RotatedBox> rotated; ///< pixels and degrees
    /// empty on add(): the store's current author, or modelAuthor("unnamed") for a FromModel
    /// ROI (whose author the store always makes a model author, see ProjectStore::add)
    std::string author;
    Status status = Status::Draft;
    std::string reviewer;
    std::string reviewComment;
    Source source = Source::Manual;
    std::string createdAt;           ///< ISO 8601 UTC, set by the store
    std::string modifiedAt;          ///< ISO 8601 UTC, set by the store

    // Filled by the store on read when the image is calibrated (mm), else empty.
    std::optional<Box> boxMm;        ///< box in mm (origin at the image's top-left pixel corner)
    std::optional<double> lengthMm;  ///< rotated length in mm (else box width in mm)
    std::optional<double> widthMm;   ///< rotated width in mm (else box height in mm)

    /// Same ROI content (ignores times and derived mm values).
    bool sameContent(const Annotation& o) const;
};

/// Adult kidney size range (the paper): length 75–140 mm, width 35–70 mm.
constexpr double kAdultKidneyLengthMm[2] = {75.0, 140.0};
constexpr double kAdultKidneyWidthMm[2] = {35.0, 70.0};

/// For a ROI whose label contains "kidney" and whose image is calibrated: a warning such as
/// "length 152 mm is above the adult range (75–140 mm)"; "" when within range, not a kidney
/// label, or uncalibrated (no mm values).
std::string kidneySizeWarning(const Annotation& a);

/// Query filter; empty fields match everything.
struct AnnotationFilter
{
    std::optional<long long> imageId;
    std::optional<Status> status;
    std::string author;
    std::string label;
};

/// One row of the append-only audit log.
struct AuditEntry
{
    long long id = 0;
    std::string at;                  ///< ISO 8601 UTC
    std::string who;
    std::string action;              ///< "add", "update", "delete", "restore", "submit", "approve", "reject", "import"
    long long annotationId = 0;
    std::string before;              ///< JSON of the annotation before ("" for add)
    std::string after;               ///< JSON after ("" for delete)
};

/// Result of checking a registered image against the file on disk.
struct ImageCheck
{
    enum class State { Ok, Missing, Changed, Unreadable };
    long long imageId = 0;
    std::string path;
    State state = State::Ok;
    std::string detail;              ///< user-readable: what is wrong
};

} // namespace ks::annotation
