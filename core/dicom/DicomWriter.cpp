#include "DicomWriter.h"

#include "DcmtkSupport.h"

#include <filesystem>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <unistd.h>

namespace ks::dicom {

namespace fs = std::filesystem;

namespace {

std::string newUid(const char* root)
{
    char buf[100];
    dcmGenerateUniqueIdentifier(buf, root);
    return buf;
}

std::string orNew(const std::string& value, const char* root)
{
    return value.empty() ? newUid(root) : value;
}

void put(DcmItem& item, const DcmTagKey& key, const std::string& value)
{
    detail::check(item.putAndInsertString(key, value.c_str()), std::string("Cannot set ") + DcmTag(key).getTagName(), {},
                  Error::Kind::Internal);
}

void addRegion(DcmDataset& ds, const Image& image)
{
    const Calibration& c = image.calibration;
    const Box fov = c.fieldOfView && !c.fieldOfView->isEmpty()
                        ? *c.fieldOfView
                        : Box{0, 0, double(image.width()), double(image.height())};
    DcmItem* item = nullptr;
    detail::check(ds.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, item, -2),
                  "Cannot create the ultrasound region", {}, Error::Kind::Internal);
    const auto x0 = Uint32(std::max(0.0, std::round(fov.x))), y0 = Uint32(std::max(0.0, std::round(fov.y)));
    const auto x1 = Uint32(std::max(double(x0), std::round(fov.right()) - 1));
    const auto y1 = Uint32(std::max(double(y0), std::round(fov.bottom()) - 1));
    item->putAndInsertUint16(DCM_RegionSpatialFormat, 1); // 2-D
    item->putAndInsertUint16(DCM_RegionDataType, 1);      // tissue
    item->putAndInsertUint32(DCM_RegionFlags, 0);
    item->putAndInsertUint32(DCM_RegionLocationMinX0, x0);
    item->putAndInsertUint32(DCM_RegionLocationMinY0, y0);
    item->putAndInsertUint32(DCM_RegionLocationMaxX1, x1);
    item->putAndInsertUint32(DCM_RegionLocationMaxY1, y1);
    item->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 3); // cm
    item->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 3);
    item->putAndInsertFloat64(DCM_PhysicalDeltaX, c.mmPerPixelX / 10.0);
    item->putAndInsertFloat64(DCM_PhysicalDeltaY, c.mmPerPixelY / 10.0);
}

} // namespace

void DicomWriter::write(const std::string& path, const Image& image)
{
    if (image.frames.empty())
        throw Error("Cannot write " + path + ": the image has no frames", "Give an image with at least one frame");
    const cv::Mat& first = image.frames.front();
    if (first.type() != CV_8UC1 && first.type() != CV_8UC3)
        throw Error("Cannot write " + path + ": only 8-bit grey or RGB frames can be written",
                    "Convert the frames to CV_8UC1 or CV_8UC3 first");
    for (const cv::Mat& f : image.frames)
        if (f.size() != first.size() || f.type() != first.type())
            throw Error("Cannot write " + path + ": the frames differ in size or type",
                        "Give frames of one size and type");

    const bool color = first.channels() == 3;
    const bool multi = image.frames.size() > 1;
    const size_t frameBytes = size_t(first.rows) * size_t(first.cols) * size_t(first.channels());

    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    const ImageMeta& m = image.meta;
    const char* sopClass = multi ? UID_UltrasoundMultiframeImageStorage : UID_UltrasoundImageStorage;
    const std::string sopInstance = orNew(m.sopInstanceUid, SITE_INSTANCE_UID_ROOT);
    put(ds, DCM_SOPClassUID, sopClass);
    put(ds, DCM_SOPInstanceUID, sopInstance);
    put(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
    put(ds, DCM_PatientName, m.patientName);
    put(ds, DCM_PatientID, m.patientId);
    put(ds, DCM_PatientBirthDate, m.patientBirthDate);
    put(ds, DCM_PatientSex, "");
    put(ds, DCM_StudyInstanceUID, orNew(m.studyInstanceUid, SITE_STUDY_UID_ROOT));
    put(ds, DCM_StudyDescription, m.studyDescription);
    put(ds, DCM_StudyDate, m.studyDate);
    put(ds, DCM_StudyTime, "");
    put(ds, DCM_StudyID, "");
    put(ds, DCM_AccessionNumber, "");
    put(ds, DCM_ReferringPhysicianName, "");
    put(ds, DCM_SeriesInstanceUID, orNew(m.seriesInstanceUid, SITE_SERIES_UID_ROOT));
    put(ds, DCM_SeriesDescription, m.seriesDescription);
    put(ds, DCM_SeriesNumber, std::to_string(m.seriesNumber));
    put(ds, DCM_InstanceNumber, std::to_string(m.instanceNumber));
    put(ds, DCM_Modality, "US");
    put(ds, DCM_Manufacturer, "KidneyScope");
    put(ds, DCM_PatientOrientation, "");
    ds.putAndInsertUint16(DCM_SamplesPerPixel, color ? 3 : 1);
    put(ds, DCM_PhotometricInterpretation, color ? "RGB" : "MONOCHROME2");
    if (color)
        ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
    ds.putAndInsertUint16(DCM_Rows, Uint16(first.rows));
    ds.putAndInsertUint16(DCM_Columns, Uint16(first.cols));
    ds.putAndInsertUint16(DCM_BitsAllocated, 8);
    ds.putAndInsertUint16(DCM_BitsStored, 8);
    ds.putAndInsertUint16(DCM_HighBit, 7);
    ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
    put(ds, DCM_LossyImageCompression, "00");
    if (multi) {
        put(ds, DCM_NumberOfFrames, std::to_string(image.frames.size()));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", image.frameTimeMs > 0 ? image.frameTimeMs : 40.0);
        put(ds, DCM_FrameTime, buf);
        detail::check(ds.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime),
                      "Cannot set the frame increment pointer", {}, Error::Kind::Internal);
    }
    if (image.calibration.isCalibrated())
        addRegion(ds, image);

    std::vector<Uint8> pixels(frameBytes * image.frames.size());
    for (size_t f = 0; f < image.frames.size(); ++f) {
        const cv::Mat cont = image.frames[f].isContinuous() ? image.frames[f] : image.frames[f].clone();
        std::memcpy(pixels.data() + f * frameBytes, cont.data, frameBytes);
    }
    detail::check(ds.putAndInsertUint8Array(DCM_PixelData, pixels.data(), Uint32(pixels.size())),
                  "Cannot store the pixel data", {}, Error::Kind::Internal);

    std::error_code ec;
    const fs::path target(path);
    if (target.has_parent_path() && !fs::is_directory(target.parent_path(), ec))
        throw Error("Cannot write " + path + ": the folder " + target.parent_path().string() + " does not exist",
                    "Create the folder first", Error::Kind::Io);
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    const OFCondition cond = file.saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
    if (cond.bad()) {
        fs::remove(tmp, ec);
        throw Error("Cannot write " + path + ": " + cond.text(), "Check that the folder is writable and the disk not full",
                    Error::Kind::Io);
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error("Cannot write " + path + ": " + ec.message(), "Check that the folder is writable",
                    Error::Kind::Io);
    }
}

} // namespace ks::dicom
