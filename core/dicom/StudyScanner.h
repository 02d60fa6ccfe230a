#pragma once
/// \file StudyScanner.h
/// Finds DICOM objects in a file, a folder (recursively) or a DICOMDIR and groups them
/// patient → study → series → instance. Reads headers only (no pixel decoding).
/// CONTRACT owned by ks_dicom; the UI and CLI build on these names.

#include "common/Calibration.h"
#include "common/Progress.h"

#include <string>
#include <vector>

namespace ks::dicom {

/// One file (or one DICOMDIR record) as the browser lists it.
struct InstanceInfo
{
    std::string path;               ///< absolute path of the file
    std::string sopInstanceUid;
    std::string sopClassUid;
    std::string objectKind;         ///< "image", "structured report", "waveform", "RT structure set", ...
    bool hasImage = false;          ///< false for SR, waveform, RT objects: opening one says what it is
    int instanceNumber = 0;
    int frames = 0;
    int rows = 0;
    int columns = 0;
    std::string photometric;
    std::string transferSyntaxName;
    std::string modality;
    Calibration calibration;        ///< from the header (ultrasound regions / pixel spacing)
    double frameTimeMs = 0;         ///< multi-frame: time between frames from the header, else 0
};

struct SeriesNode
{
    std::string seriesInstanceUid;
    std::string description;
    std::string modality;
    int number = 0;
    std::vector<InstanceInfo> instances;
};

struct StudyNode
{
    std::string studyInstanceUid;
    std::string description;
    std::string date;
    std::vector<SeriesNode> series;
};

struct PatientNode
{
    std::string patientId;
    std::string patientName;
    std::vector<StudyNode> studies;
};

/// Result of a scan. Value type.
struct StudyTree
{
    std::vector<PatientNode> patients;
    int skippedFiles = 0;               ///< non-DICOM files passed over (counted, never an error each)
    std::vector<std::string> problems;  ///< DICOM files that could not be read, "path: reason"
    int instanceCount() const;
};

/// Stateless; thread-safe (each call uses its own DCMTK objects).
class StudyScanner
{
public:
    /// \param path a DICOM file, a PNG/JPEG/TIFF file, a folder (scanned recursively) or a DICOMDIR
    /// \throws ks::Error when the path does not exist or cannot be read; ks::Cancelled on cancel
    static StudyTree scan(const std::string& path, Progress& progress = NullProgress::instance());
};

} // namespace ks::dicom
