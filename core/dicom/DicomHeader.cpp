#include "DicomHeader.h"

#include "CharacterSet.h"
#include "DcmtkSupport.h"
#include "DeflateCheck.h"
#include "DicomPixelDecoder.h"
#include "ImageLoader.h"
#include "InputFile.h"
#include "ObjectKind.h"
#include "RasterHeader.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace ks::dicom {

namespace fs = std::filesystem;
using detail::getInt;
using detail::getString;

namespace {

HeaderStatus readHeaderUnguarded(const std::string& path, HeaderRecord& record, std::string& problem)
{
    detail::ensureCodecsRegistered();
    record = HeaderRecord{};
    record.instance.path = fs::absolute(path).lexically_normal().string();
    if (const detail::FileType type = detail::fileType(path); type != detail::FileType::Regular) {
        problem = detail::describe(type) + ", not read";
        return type == detail::FileType::Missing ? HeaderStatus::Damaged : HeaderStatus::NotDicom;
    }
    const bool preamble = ImageLoader::hasDicomPreamble(path);
    if (!preamble) {
        const detail::RasterHeader raster = detail::readRasterHeader(path);
        if (!raster.format.empty()) {
            record.patientName = "(not DICOM)";
            record.studyDescription = "Images without DICOM header";
            record.seriesDescription = detail::sanitizeUtf8(fs::path(path).parent_path().filename().string());
            record.seriesInstanceUid = "folder:" + fs::path(record.instance.path).parent_path().string();
            record.instance.objectKind = "image (" + raster.format + ")";
            record.instance.hasImage = true;
            record.instance.frames = int(std::max<size_t>(1, raster.pages.size()));
            record.instance.transferSyntaxName = raster.format;
            record.instance.modality = "OT";
            if (!raster.pages.empty() && raster.pages.front().width <= 1u << 30 && raster.pages.front().height <= 1u << 30) {
                record.instance.columns = int(raster.pages.front().width);
                record.instance.rows = int(raster.pages.front().height);
            }
            return HeaderStatus::Ok;
        }
    }
    detail::checkInflatedSize(path, fs::path(path).filename().string(), detail::inflatedSizeLimit());
    DcmFileFormat file;
    const OFCondition cond = file.loadFileUntilTag(path.c_str(), EXS_Unknown, EGL_noChange, 1024,
                                                   ERM_autoDetect, DCM_PixelData);
    if (cond.bad()) {
        if (!preamble)
            return HeaderStatus::NotDicom;
        problem = std::string("unreadable DICOM header: ") + cond.text();
        return HeaderStatus::Damaged;
    }
    DcmDataset& ds = *file.getDataset();
    detail::convertToUtf8(ds);
    DcmMetaInfo* meta = file.getMetaInfo();
    std::string sopClass = getString(ds, DCM_SOPClassUID);
    if (sopClass.empty() && meta)
        sopClass = getString(*meta, DCM_MediaStorageSOPClassUID);
    if (!preamble && sopClass.empty() && !ds.tagExists(DCM_Modality))
        return HeaderStatus::NotDicom;
    if (sopClass == UID_MediaStorageDirectoryStorage || ds.tagExists(DCM_DirectoryRecordSequence))
        return HeaderStatus::Directory;

    InstanceInfo& in = record.instance;
    in.sopClassUid = sopClass;
    in.sopInstanceUid = getString(ds, DCM_SOPInstanceUID);
    if (in.sopInstanceUid.empty() && meta)
        in.sopInstanceUid = getString(*meta, DCM_MediaStorageSOPInstanceUID);
    in.rows = int(getInt(ds, DCM_Rows).value_or(0));
    in.columns = int(getInt(ds, DCM_Columns).value_or(0));
    const bool pixelModule = in.rows > 0 && in.columns > 0;
    const ObjectKind kind = classifySopClass(sopClass, pixelModule);
    in.objectKind = kind.kind;
    // An image object without a usable pixel module (Rows/Columns 0 or absent, or a data set DCMTK
    // stopped reading early) still counts as an image: opening it says what is wrong with it.
    in.hasImage = kind.kind == "image";
    in.instanceNumber = int(getInt(ds, DCM_InstanceNumber).value_or(0));
    in.frames = pixelModule ? int(std::max(1L, getInt(ds, DCM_NumberOfFrames).value_or(1))) : 0;
    in.photometric = getString(ds, DCM_PhotometricInterpretation);
    const DcmXfer xfer(ds.getOriginalXfer());
    in.transferSyntaxName = xfer.getXfer() == EXS_Unknown ? "unknown" : xfer.getXferName();
    in.modality = getString(ds, DCM_Modality);
    if (pixelModule) {
        in.calibration = computeCalibration(detail::readCalibrationInputs(ds));
        if (in.frames > 1)
            in.frameTimeMs = detail::readFrameTimeMs(ds);
    }
    record.patientId = getString(ds, DCM_PatientID);
    record.patientName = getString(ds, DCM_PatientName);
    record.studyInstanceUid = getString(ds, DCM_StudyInstanceUID);
    record.studyDescription = getString(ds, DCM_StudyDescription);
    record.studyDate = getString(ds, DCM_StudyDate);
    record.seriesInstanceUid = getString(ds, DCM_SeriesInstanceUID);
    record.seriesDescription = getString(ds, DCM_SeriesDescription);
    record.seriesNumber = int(getInt(ds, DCM_SeriesNumber).value_or(0));
    return HeaderStatus::Ok;
}

} // namespace

HeaderStatus readHeader(const std::string& path, HeaderRecord& record, std::string& problem)
{
    try {
        return readHeaderUnguarded(path, record, problem);
    } catch (...) {
        try {
            detail::rethrowAsError(fs::path(path).filename().string());
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            record = HeaderRecord{};
            record.instance.path = fs::absolute(path).lexically_normal().string();
            problem = e.message();
            return HeaderStatus::Damaged;
        }
    }
}

void groupRecords(const std::vector<HeaderRecord>& records, StudyTree& tree)
{
    for (const HeaderRecord& r : records) {
        auto patient = std::find_if(tree.patients.begin(), tree.patients.end(), [&](const PatientNode& p) {
            return p.patientId == r.patientId && p.patientName == r.patientName;
        });
        if (patient == tree.patients.end()) {
            tree.patients.push_back(PatientNode{r.patientId, r.patientName, {}});
            patient = std::prev(tree.patients.end());
        }
        auto study = std::find_if(patient->studies.begin(), patient->studies.end(),
                                  [&](const StudyNode& s) { return s.studyInstanceUid == r.studyInstanceUid; });
        if (study == patient->studies.end()) {
            patient->studies.push_back(StudyNode{r.studyInstanceUid, r.studyDescription, r.studyDate, {}});
            study = std::prev(patient->studies.end());
        }
        auto series = std::find_if(study->series.begin(), study->series.end(),
                                   [&](const SeriesNode& s) { return s.seriesInstanceUid == r.seriesInstanceUid; });
        if (series == study->series.end()) {
            study->series.push_back(
                SeriesNode{r.seriesInstanceUid, r.seriesDescription, r.instance.modality, r.seriesNumber, {}});
            series = std::prev(study->series.end());
        }
        series->instances.push_back(r.instance);
    }
    std::stable_sort(tree.patients.begin(), tree.patients.end(),
                     [](const PatientNode& a, const PatientNode& b) { return a.patientName < b.patientName; });
    for (auto& p : tree.patients) {
        std::stable_sort(p.studies.begin(), p.studies.end(),
                         [](const StudyNode& a, const StudyNode& b) { return a.date < b.date; });
        for (auto& s : p.studies) {
            std::stable_sort(s.series.begin(), s.series.end(),
                             [](const SeriesNode& a, const SeriesNode& b) { return a.number < b.number; });
            for (auto& se : s.series)
                std::stable_sort(se.instances.begin(), se.instances.end(),
                                 [](const InstanceInfo& a, const InstanceInfo& b) {
                                     return a.instanceNumber != b.instanceNumber ? a.instanceNumber < b.instanceNumber
                                                                                 : a.path < b.path;
                                 });
        }
    }
}

} // namespace ks::dicom
