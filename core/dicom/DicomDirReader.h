#pragma once
/// \file DicomDirReader.h
/// Reads a DICOMDIR (media storage directory): walks its directory records by their offsets
/// (falling back to file order for records the offsets do not reach) and resolves the
/// referenced files.

#include "DicomHeader.h"
#include "common/Progress.h"

#include <string>
#include <vector>

namespace ks::dicom {

/// Stateless; thread-safe.
class DicomDirReader
{
public:
    /// True when `path` is a DICOMDIR (Media Storage Directory SOP class or a directory record
    /// sequence). Reads the header only.
    static bool isDicomDir(const std::string& path);

    /// One record per referenced instance (IMAGE, SR DOCUMENT, WAVEFORM, RT ... records), with
    /// patient/study/series identifiers from the directory records, completed from the referenced
    /// file's header where it exists. Missing files, unreachable records and unknown record types are
    /// reported in `problems` ("path: reason"); an empty DICOMDIR gives no records and no problem.
    /// \throws ks::Error when the DICOMDIR itself cannot be read
    static std::vector<HeaderRecord> read(const std::string& path, std::vector<std::string>& problems,
                                          Progress& progress = NullProgress::instance());

private:
    static std::vector<HeaderRecord> readUnguarded(const std::string& path, std::vector<std::string>& problems,
                                                   Progress& progress);
};

} // namespace ks::dicom
