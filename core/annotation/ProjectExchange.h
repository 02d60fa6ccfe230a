#pragma once
/// \file ProjectExchange.h
/// Import and export between a project store and interchange files: COCO JSON (the format of
/// ../shared/realdata, with KidneyScope's extension fields that round-trip rotated boxes,
/// author, status and source) and CSV (one row per ROI, for spreadsheets and statistics).
/// Exports leave out patient name, ID and birth date, SOP Instance UIDs and absolute paths
/// unless asked for; they never write into a project folder and never replace a file unless
/// asked to. All text written is valid UTF-8.

#include "ProjectTypes.h"

#include "common/Progress.h"

#include <string>
#include <vector>

namespace ks::annotation {

class ProjectStore;

struct ImportOptions
{
    /// Folder against which the JSON's file names are resolved; empty = the JSON's folder.
    std::string imageRoot;
    /// Read each image file's header (SOPInstanceUID, pixel size, size, patient) with ks_dicom.
    /// The COCO file's own pixel_spacing_mm wins where both are given.
    bool readImageHeaders = true;
    /// Status of imported ROIs that carry none in the file.
    Status defaultStatus = Status::Draft;
};

struct ImportReport
{
    int images = 0;                  ///< images registered (new or already there)
    int added = 0;                   ///< ROIs added
    int duplicates = 0;              ///< ROIs skipped: the same box, label and author was already there
    std::vector<std::string> warnings; ///< e.g. "a.dcm: no pixel size, measurements in pixels"
};

struct ExportOptions
{
    bool includePatientData = false; ///< patient name, ID and birth date
    /// SOP Instance UIDs, and absolute image paths in the CSV (default: file names relative to
    /// exportImageFolder(), see exportCoco)
    bool includeIdentifiers = false;
    bool overwrite = false;          ///< replace an existing file (else ks::Error, nothing written)
    AnnotationFilter filter;         ///< which ROIs (default: all); images without ROIs are kept
};

/// Stateless; the store is used from the calling thread only.
class ProjectExchange
{
public:
    /// Imports a COCO file: registers its images (every file must exist: its checksum is
    /// recorded), adds its categories to the label list and its boxes as ROIs (source
    /// "imported" unless the file says otherwise; author from the file, else the store's).
    /// All ROIs are added in one transaction: an import is complete or absent.
    /// \throws ks::Error naming the file (invalid JSON, missing image → use imageRoot); Cancelled
    static ImportReport importCoco(ProjectStore& store, const std::string& jsonPath,
                                   const ImportOptions& options = {},
                                   Progress& progress = NullProgress::instance());
    /// Writes the project's images and ROIs as COCO (image and annotation ids = the store's ids).
    /// File names are relative to exportImageFolder() (no absolute path, no ".."): import the
    /// file again with that folder as imageRoot (--study). Atomic (temporary file + rename).
    /// \throws ks::Error (InvalidInput) for a target in a project folder, or an existing file
    ///         without options.overwrite – checked before anything is written
    /// \returns the number of ROIs written
    static int exportCoco(const ProjectStore& store, const std::string& jsonPath,
                          const ExportOptions& options = {});
    /// Writes one CSV row per ROI (RFC 4180 quoting, valid UTF-8, '.' decimals, file names as in
    /// exportCoco unless includeIdentifiers); mm columns are empty for uncalibrated images.
    /// Atomic; same target rules as exportCoco. \returns the number of rows
    static int exportCsv(const ProjectStore& store, const std::string& csvPath,
                         const ExportOptions& options = {});
    /// The CSV header (also the column order); "sop_instance_uid" only with identifiers.
    static std::vector<std::string> csvColumns(bool includePatientData, bool includeIdentifiers = false);
    /// The folder that exported file names are relative to: the export's own folder when it
    /// holds every image, else the deepest folder holding all of them.
    static std::string exportImageFolder(const ProjectStore& store, const std::string& exportPath);
};

} // namespace ks::annotation
