#pragma once
/// \file DicomHeader.h
/// The header of one DICOM file (no pixel data read) as a StudyScanner record, and the grouping
/// of such records into patient → study → series → instance.

#include "StudyScanner.h"

#include <string>
#include <vector>

namespace ks::dicom {

/// One instance with the identifiers it is grouped by. Value type.
struct HeaderRecord
{
    InstanceInfo instance;
    std::string patientId;
    std::string patientName;
    std::string studyInstanceUid;
    std::string studyDescription;
    std::string studyDate;
    std::string seriesInstanceUid;
    std::string seriesDescription;
    int seriesNumber = 0;
};

enum class HeaderStatus {
    Ok,        ///< `record` filled
    NotDicom,  ///< neither DICOM nor a PNG/JPEG/TIFF image: skip and count
    Damaged,   ///< DICOM (preamble present) but unreadable: `problem` says why
    Directory  ///< a DICOMDIR (media directory), not an instance
};

/// Reads the header of `path` up to the pixel data. PNG/JPEG/TIFF/BMP files (by signature) give a
/// record with objectKind "image (PNG)" etc., grouped under a patient named "(not DICOM)"; their
/// size comes from the header (TIFF: the first page; frames = pages). Strings are UTF-8 (converted
/// from the file's Specific Character Set). A path that is not a regular file (FIFO, device,
/// socket) is never opened: NotDicom with `problem` saying what it is. Thread-safe.
HeaderStatus readHeader(const std::string& path, HeaderRecord& record, std::string& problem);

/// Adds records to `tree`, grouping by patient (ID + name), StudyInstanceUID, SeriesInstanceUID,
/// then sorts: patients by name, studies by date, series by number, instances by number then path.
void groupRecords(const std::vector<HeaderRecord>& records, StudyTree& tree);

} // namespace ks::dicom
