#include "DicomPixelDecoder.h"

#include "DcmtkSupport.h"
#include "ObjectKind.h"
#include "PixelDataCheck.h"
#include "SegmentedPalette.h"

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmimgle/dipixel.h>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cstring>
#include <memory>

namespace ks::dicom::detail {

namespace {

std::string fileName(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

void checkDecodable(DcmDataset& ds, const std::string& path)
{
    const E_TransferSyntax xfer = ds.getOriginalXfer();
    const DcmXfer x(xfer);
    if (!x.isEncapsulated())
        return;
    const std::string uid = x.getXferID();
    if (isJpeg2000(uid))
        throw Error(fileName(path) + " is compressed with JPEG 2000 (transfer syntax \"" + std::string(x.getXferName()) + "\")"
                        + ": KidneyScope's DICOM library has no JPEG 2000 decoder",
                    "Convert the file to an uncompressed transfer syntax, e.g. with gdcmconv --raw",
                    Error::Kind::Unsupported);
    if (!DcmCodecList::canChangeCoding(xfer, EXS_LittleEndianExplicit))
        throw Error(fileName(path) + " uses the compression '" + x.getXferName()
                        + "', which KidneyScope's DICOM library cannot decode",
                    "Convert the file to an uncompressed transfer syntax, e.g. with gdcmconv --raw or dcmdjpeg",
                    Error::Kind::Unsupported);
}

template <typename T>
void copyFrames(const void* data, size_t frameCount, int rows, int cols, int cvType, Image& image)
{
    const T* p = static_cast<const T*>(data);
    const size_t n = size_t(rows) * size_t(cols);
    for (size_t f = 0; f < frameCount; ++f) {
        cv::Mat m(rows, cols, cvType);
        std::memcpy(m.data, p + f * n, n * sizeof(T));
        image.frames.push_back(m);
    }
}

template <typename S, typename D>
void convertFrames(const void* data, size_t frameCount, int rows, int cols, int cvType, Image& image)
{
    const S* p = static_cast<const S*>(data);
    const size_t n = size_t(rows) * size_t(cols);
    for (size_t f = 0; f < frameCount; ++f) {
        cv::Mat m(rows, cols, cvType);
        D* d = m.ptr<D>();
        for (size_t i = 0; i < n; ++i)
            d[i] = static_cast<D>(p[f * n + i]);
        image.frames.push_back(m);
    }
}

void decodeMonochrome(DicomImage& di, DcmDataset& ds, const std::string& photometric, Image& image,
                      Progress& progress)
{
    const DiPixel* px = di.getInterData();
    if (px == nullptr || px->getData() == nullptr)
        throw Error("The pixel data could not be decoded", "The file may be damaged");
    const int rows = int(di.getHeight()), cols = int(di.getWidth());
    const size_t frames = di.getFrameCount();
    if (px->getCount() < size_t(rows) * cols * frames)
        throw Error("The pixel data holds fewer values than Rows × Columns × frames",
                    "The file is truncated or damaged");
    progress.step(0.6, "Converting frames");
    switch (px->getRepresentation()) {
    case EPR_Uint8: copyFrames<Uint8>(px->getData(), frames, rows, cols, CV_8UC1, image); break;
    case EPR_Sint8: convertFrames<Sint8, int16_t>(px->getData(), frames, rows, cols, CV_16SC1, image); break;
    case EPR_Uint16: copyFrames<Uint16>(px->getData(), frames, rows, cols, CV_16UC1, image); break;
    case EPR_Sint16: copyFrames<Sint16>(px->getData(), frames, rows, cols, CV_16SC1, image); break;
    default:
        throw Error("Monochrome images with more than 16 bits per pixel are not supported",
                    "Convert the image to 16 bits or fewer", Error::Kind::Unsupported);
    }
    const long bitsStored = getInt(ds, DCM_BitsStored).value_or(image.frames[0].depth() == CV_8U ? 8 : 16);
    const bool isSigned = image.frames[0].depth() == CV_16S;
    // Stored range for MONOCHROME1 inversion, in stored values.
    const double lo = isSigned ? -std::ldexp(1.0, int(bitsStored) - 1) : 0.0;
    const double hi = isSigned ? std::ldexp(1.0, int(bitsStored) - 1) - 1 : std::ldexp(1.0, int(bitsStored)) - 1;
    const bool invert = photometric == "MONOCHROME1";
    if (invert)
        for (auto& f : image.frames)
            f.convertTo(f, f.type(), -1.0, lo + hi);

    image.rescaleSlope = getDouble(ds, DCM_RescaleSlope).value_or(1.0);
    if (image.rescaleSlope == 0)
        image.rescaleSlope = 1.0;
    image.rescaleIntercept = getDouble(ds, DCM_RescaleIntercept).value_or(0.0);
    const auto wc = getDouble(ds, DCM_WindowCenter), ww = getDouble(ds, DCM_WindowWidth);
    if (wc && ww && *ww > 0) {
        // The file's window is in output (rescaled) units; ours is in stored values.
        double c = (*wc - image.rescaleIntercept) / image.rescaleSlope;
        image.windowWidth = *ww / std::abs(image.rescaleSlope);
        image.windowCenter = invert ? lo + hi - c : c;
    } else if (image.frames[0].depth() == CV_8U) {
        image.windowCenter = 127.5;
        image.windowWidth = 256;
    } else {
        double mn = 0, mx = 0, fmn = 0, fmx = 0;
        cv::minMaxLoc(image.frames[0], &mn, &mx);
        for (const auto& f : image.frames) {
            cv::minMaxLoc(f, &fmn, &fmx);
            mn = std::min(mn, fmn);
            mx = std::max(mx, fmx);
        }
        image.windowCenter = (mn + mx) / 2;
        image.windowWidth = std::max(1.0, mx - mn);
    }
}

void decodeColor(DicomImage& di, Image& image, Progress& progress)
{
    const int rows = int(di.getHeight()), cols = int(di.getWidth());
    const unsigned long frames = di.getFrameCount();
    for (unsigned long f = 0; f < frames; ++f) {
        progress.step(0.5 + 0.5 * double(f) / double(frames),
                      "Converting frame " + std::to_string(f + 1) + "/" + std::to_string(frames));
        const void* rgb = di.getOutputData(8, f, 0);
        if (rgb == nullptr)
            throw Error("Frame " + std::to_string(f + 1) + " could not be converted to RGB: "
                            + DicomImage::getString(di.getStatus()),
                        "The file may be damaged");
        cv::Mat m(rows, cols, CV_8UC3);
        std::memcpy(m.data, rgb, size_t(rows) * cols * 3);
        image.frames.push_back(m);
    }
    image.windowCenter = 127.5;
    image.windowWidth = 256;
}

} // namespace

void readMeta(DcmFileFormat& file, ImageMeta& m)
{
    DcmDataset& ds = *file.getDataset();
    m.patientName = getString(ds, DCM_PatientName);
    m.patientId = getString(ds, DCM_PatientID);
    m.patientBirthDate = getString(ds, DCM_PatientBirthDate);
    m.studyInstanceUid = getString(ds, DCM_StudyInstanceUID);
    m.studyDescription = getString(ds, DCM_StudyDescription);
    m.studyDate = getString(ds, DCM_StudyDate);
    m.seriesInstanceUid = getString(ds, DCM_SeriesInstanceUID);
    m.seriesDescription = getString(ds, DCM_SeriesDescription);
    m.sopClassUid = getString(ds, DCM_SOPClassUID);
    m.sopInstanceUid = getString(ds, DCM_SOPInstanceUID);
    if (DcmMetaInfo* meta = file.getMetaInfo()) {
        if (m.sopClassUid.empty())
            m.sopClassUid = getString(*meta, DCM_MediaStorageSOPClassUID);
        if (m.sopInstanceUid.empty())
            m.sopInstanceUid = getString(*meta, DCM_MediaStorageSOPInstanceUID);
    }
    m.modality = getString(ds, DCM_Modality);
    m.photometric = getString(ds, DCM_PhotometricInterpretation);
    const DcmXfer xfer(ds.getOriginalXfer());
    m.transferSyntaxUid = xfer.getXfer() == EXS_Unknown ? std::string() : xfer.getXferID();
    m.transferSyntaxName = xfer.getXfer() == EXS_Unknown ? "unknown" : xfer.getXferName();
    m.bitsStored = int(getInt(ds, DCM_BitsStored).value_or(8));
    m.seriesNumber = int(getInt(ds, DCM_SeriesNumber).value_or(0));
    m.instanceNumber = int(getInt(ds, DCM_InstanceNumber).value_or(0));
}

CalibrationInputs readCalibrationInputs(DcmItem& ds)
{
    CalibrationInputs in;
    DcmSequenceOfItems* seq = nullptr;
    if (ds.findAndGetSequence(DCM_SequenceOfUltrasoundRegions, seq).good() && seq != nullptr) {
        for (unsigned long i = 0; i < seq->card(); ++i) {
            DcmItem* it = seq->getItem(i);
            if (it == nullptr)
                continue;
            UltrasoundRegion r;
            r.spatialFormat = int(getInt(*it, DCM_RegionSpatialFormat).value_or(0));
            r.dataType = int(getInt(*it, DCM_RegionDataType).value_or(0));
            r.minX0 = getInt(*it, DCM_RegionLocationMinX0).value_or(0);
            r.minY0 = getInt(*it, DCM_RegionLocationMinY0).value_or(0);
            r.maxX1 = getInt(*it, DCM_RegionLocationMaxX1).value_or(-1);
            r.maxY1 = getInt(*it, DCM_RegionLocationMaxY1).value_or(-1);
            r.unitsX = int(getInt(*it, DCM_PhysicalUnitsXDirection).value_or(0));
            r.unitsY = int(getInt(*it, DCM_PhysicalUnitsYDirection).value_or(0));
            r.deltaX = getDouble(*it, DCM_PhysicalDeltaX).value_or(0);
            r.deltaY = getDouble(*it, DCM_PhysicalDeltaY).value_or(0);
            in.regions.push_back(r);
        }
    }
    for (unsigned long i = 0; i < 2; ++i) {
        if (auto v = getDouble(ds, DCM_PixelSpacing, i))
            in.pixelSpacing.push_back(*v);
        if (auto v = getDouble(ds, DCM_ImagerPixelSpacing, i))
            in.imagerPixelSpacing.push_back(*v);
    }
    return in;
}

double readFrameTimeMs(DcmItem& ds)
{
    if (auto t = getDouble(ds, DCM_FrameTime); t && *t > 0)
        return *t;
    DcmElement* vec = nullptr;
    if (ds.findAndGetElement(DCM_FrameTimeVector, vec).good() && vec != nullptr && vec->getVM() > 1) {
        double sum = 0;
        unsigned long n = 0;
        for (unsigned long i = 1; i < vec->getVM(); ++i)
            if (auto v = getDouble(ds, DCM_FrameTimeVector, i)) {
                sum += *v;
                ++n;
            }
        if (n > 0 && sum > 0)
            return sum / double(n);
    }
    if (auto r = getDouble(ds, DCM_CineRate); r && *r > 0)
        return 1000.0 / *r;
    if (auto r = getDouble(ds, DCM_RecommendedDisplayFrameRate); r && *r > 0)
        return 1000.0 / *r;
    return 0;
}

void decodePixels(DcmDataset& ds, const std::string& path, Image& image, Progress& progress)
{
    ensureCodecsRegistered();
    if (!ds.tagExistsWithValue(DCM_PixelData)) {
        const std::string sop = getString(ds, DCM_SOPClassUID);
        const ObjectKind k = classifySopClass(sop, false);
        if (k.kind == "image")
            throw Error(fileName(path) + " is an image object (" + k.className + ") without pixel data",
                        "The file is incomplete; copy it again from the source");
        const char* article = std::string("aeiouAEIOUR").find(k.kind[0]) != std::string::npos ? "an " : "a ";
        throw Error(fileName(path) + " is " + article + k.kind + " (" + k.className + "): it holds no image",
                    "Open it with a tool for " + k.kind + "s; KidneyScope shows images",
                    Error::Kind::Unsupported);
    }
    checkDecodable(ds, path);

    // Limits and completeness, before anything is decompressed.
    const PixelGeometry geometry = checkPixelData(ds, fileName(path));
    progress.step(0.05, "Decompressing");
    if (const OFCondition cond = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr); cond.bad())
        throw decompressionError(geometry, fileName(path), DcmXfer(ds.getOriginalXfer()).getXferName(), cond);
    progress.step(0.4, "Decoding");
    if (ds.tagExists(DCM_SegmentedRedPaletteColorLookupTableData)) {
        decodeSegmentedPaletteImage(ds, path, image, progress);
        if (image.frames.size() > 1)
            image.frameTimeMs = readFrameTimeMs(ds);
        return;
    }
    // After decompression the photometric may have changed (colour JPEG → RGB).
    const std::string photometric = getString(ds, DCM_PhotometricInterpretation);
    DicomImage di(&ds, EXS_LittleEndianExplicit,
                  CIF_IgnoreModalityTransformation | CIF_UseAbsolutePixelRange, 0, 0);
    if (di.getStatus() != EIS_Normal)
        throw Error("Cannot decode the image in " + fileName(path) + ": "
                        + DicomImage::getString(di.getStatus()),
                    "The file is damaged or uses an image type KidneyScope cannot show",
                    di.getStatus() == EIS_NotSupportedValue ? Error::Kind::Unsupported
                                                            : Error::Kind::InvalidInput);
    if (di.isMonochrome())
        decodeMonochrome(di, ds, photometric, image, progress);
    else
        decodeColor(di, image, progress);
    if (image.frames.size() > 1)
        image.frameTimeMs = readFrameTimeMs(ds);
}

} // namespace ks::dicom::detail
