#include "DicomHeader.h"

#include "DcmtkSupport.h"
#include "DicomPixelDecoder.h"
#include "ImageLoader.h"
#include "ObjectKind.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace ks::dicom {

namespace fs = std::filesystem;
using detail::getInt;
using detail::getString;

namespace {

std::string rasterKind(const std::string& path)
{
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".png")
        return "PNG";
    if (ext == ".jpg" || ext == ".jpeg")
        return "JPEG";
    if (ext == ".tif" || ext == ".tiff")
        return "TIFF";
    return {};
}

/// Width and height from a PNG IHDR or a JPEG SOF marker without decoding; false if not found.
bool rasterSize(const std::string& path, const std::string& kind, int& width, int& height)
{
    std::ifstream in(path, std::ios::binary);
    auto byte = [&in]() { return in.get(); };
    if (kind == "PNG") {
        unsigned char h[24];
        if (!in.read(reinterpret_cast<char*>(h), 24))
            return false;
        width = (h[16] << 24) | (h[17] << 16) | (h[18] << 8) | h[19];
        height = (h[20] << 24) | (h[21] << 16) | (h[22] << 8) | h[23];
        return width > 0 && height > 0;
    }
    if (kind == "JPEG") {
        if (byte() != 0xFF || byte() != 0xD8)
            return false;
        for (int guard = 0; guard < 1000 && in; ++guard) {
            int c = byte();
            if (c != 0xFF)
                return false;
            while (c == 0xFF)
                c = byte();
            const int len = (byte() << 8) | byte();
            if (c >= 0xC0 && c <= 0xCF && c != 0xC4 && c != 0xC8 && c != 0xCC) {
                byte(); // precision
                height = (byte() << 8) | byte();
                width = (byte() << 8) | byte();
                return in.good() && width > 0 && height > 0;
            }
            if (len < 2)
                return false;
            in.seekg(len - 2, std::ios::cur);
        }
    }
    return false;
}

} // namespace

HeaderStatus readHeader(const std::string& path, HeaderRecord& record, std::string& problem)
{
    detail::ensureCodecsRegistered();
    record = HeaderRecord{};
    record.instance.path = fs::absolute(path).lexically_normal().string();
    const bool preamble = ImageLoader::hasDicomPreamble(path);
    if (!preamble) {
        const std::string raster = rasterKind(path);
        bool readable = false;
        if (!raster.empty()) {
            try {
                readable = cv::haveImageReader(path);
            } catch (const cv::Exception&) {
                readable = false;
            }
        }
        if (readable) {
            record.patientName = "(not DICOM)";
            record.studyDescription = "Images without DICOM header";
            record.seriesDescription = fs::path(path).parent_path().filename().string();
            record.seriesInstanceUid = "folder:" + fs::path(record.instance.path).parent_path().string();
            record.instance.objectKind = "image (" + raster + ")";
            record.instance.hasImage = true;
            record.instance.frames = 1;
            record.instance.transferSyntaxName = raster;
            record.instance.modality = "OT";
            rasterSize(path, raster, record.instance.columns, record.instance.rows);
            return HeaderStatus::Ok;
        }
        if (!raster.empty())
            return HeaderStatus::NotDicom;
    }
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
    in.hasImage = pixelModule && kind.kind == "image";
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
