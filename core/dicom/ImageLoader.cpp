#include "ImageLoader.h"

#include "CharacterSet.h"
#include "DcmtkSupport.h"
#include "DeflateCheck.h"
#include "DicomPixelDecoder.h"
#include "DicomTagsDcmtk.h"
#include "InputFile.h"
#include "PixelDataCheck.h"
#include "RasterHeader.h"
#include "SegmentedPalette.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>

namespace ks::dicom {

namespace fs = std::filesystem;

namespace {

std::string fileName(const std::string& path)
{
    return fs::path(path).filename().string();
}

/// Loads the file with DCMTK (meta header auto-detected). `sure` = the file has the DICM magic.
void loadDicomFile(const std::string& path, bool sure, DcmFileFormat& file)
{
    detail::ensureCodecsRegistered();
    detail::checkInflatedSize(path, fileName(path), detail::inflatedSizeLimit());
    const OFCondition cond = file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    if (cond.bad()) {
        if (!sure)
            throw Error(fileName(path) + " is neither a PNG/JPEG/TIFF image nor a readable DICOM file (it has no "
                            "DICOM preamble and does not parse as a bare data set: " + cond.text() + ")",
                        "Open a DICOM, PNG, JPEG or TIFF file; if this is DICOM, it is damaged");
        throw Error(fileName(path) + " is damaged: " + cond.text(),
                    "The file is truncated or malformed; copy it again from the source");
    }
    if (!sure) {
        // Without the DICM preamble DCMTK parses almost anything; insist on a plausible data set.
        DcmDataset& ds = *file.getDataset();
        if (!ds.tagExists(DCM_SOPClassUID) && !ds.tagExists(DCM_PixelData) && !ds.tagExists(DCM_Modality))
            throw Error(fileName(path) + " is neither a DICOM file nor a PNG/JPEG/TIFF image",
                        "Open a DICOM, PNG, JPEG or TIFF file");
    }
    detail::convertToUtf8(*file.getDataset());
}

Image loadDicom(const std::string& path, bool sure, Progress& progress)
{
    DcmFileFormat file;
    loadDicomFile(path, sure, file);
    progress.step(0.1, "Reading " + fileName(path));
    Image image;
    detail::readMeta(file, image.meta);
    image.meta.sourcePath = fs::absolute(path).string();
    if (DcmMetaInfo* meta = file.getMetaInfo())
        detail::appendTags(*meta, 0, 256, image.tags);
    detail::appendTags(*file.getDataset(), 0, 256, image.tags);
    SubProgress decode(progress, 0.1, 1.0);
    detail::decodePixels(*file.getDataset(), path, image, decode);
    image.calibration = computeCalibration(detail::readCalibrationInputs(*file.getDataset()));
    return image;
}

/// Reads the raster header and checks it against the limits before OpenCV allocates anything.
void checkRasterHeader(const std::string& path, const detail::RasterHeader& header)
{
    if (header.format.empty())
        throw Error(fileName(path) + " is an image format KidneyScope does not open",
                    "Convert it to PNG, JPEG or TIFF (or open a DICOM file)", Error::Kind::Unsupported);
    if (header.pages.empty())
        throw Error(fileName(path) + " is a damaged " + header.format + " file: its header gives no valid image size",
                    "The image file is damaged; copy it again from the source");
    const ImageLimits limits = ImageLimits::current();
    std::uint64_t bits = 0;
    for (const detail::RasterPage& p : header.pages) {
        limits.check(fileName(path), p.width, p.height, p.bitsPerPixel, 1);
        bits += p.width * p.height * p.bitsPerPixel; // each factor bounded by the check above
        if (bits / 8 > limits.maxFileBytes)
            throw Error(fileName(path) + " has " + std::to_string(header.pages.size())
                            + " pages that together decode to more than KidneyScope decodes per file ("
                            + std::to_string(limits.maxFileBytes >> 20) + " MiB)",
                        ImageLimits::howToRaise(),
                        Error::Kind::Unsupported);
    }
}

Image loadRaster(const std::string& path, Progress& progress, std::optional<double> userPixelSizeMm)
{
    const detail::RasterHeader header = detail::readRasterHeader(path);
    checkRasterHeader(path, header);
    std::vector<cv::Mat> pages;
    try {
        if (header.format == "TIFF")
            cv::imreadmulti(path, pages, cv::IMREAD_UNCHANGED);
        else
            pages.push_back(cv::imread(path, cv::IMREAD_UNCHANGED));
    } catch (const cv::Exception&) {
        throw Error("Cannot decode " + fileName(path) + ": the image library stopped while reading it",
                    "The image file is damaged");
    }
    if (pages.empty() || pages.front().empty())
        throw Error("Cannot decode " + fileName(path), "The image file is damaged or in an unsupported variant");
    Image image;
    for (cv::Mat& m : pages) {
        progress.step(0.5, "Converting " + fileName(path));
        cv::Mat out;
        if (m.channels() == 1) {
            if (m.depth() == CV_8U || m.depth() == CV_16U || m.depth() == CV_16S)
                out = m;
            else
                cv::normalize(m, out, 0, 65535, cv::NORM_MINMAX, CV_16U);
        } else {
            cv::Mat m8 = m;
            if (m.depth() != CV_8U)
                m.convertTo(m8, CV_8U, m.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
            cv::cvtColor(m8, out, m8.channels() == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
        }
        if (!image.frames.empty()
            && (out.size() != image.frames.front().size() || out.type() != image.frames.front().type()))
            continue; // a multi-page TIFF with differing pages: keep the pages like the first
        image.frames.push_back(out);
    }
    image.meta.sourcePath = fs::absolute(path).string();
    image.meta.photometric = image.isColor() ? "RGB" : "MONOCHROME2";
    image.meta.transferSyntaxName = header.format;
    image.meta.bitsStored = image.frames.front().depth() == CV_8U ? 8 : 16;
    image.meta.modality = "OT";
    if (image.frames.front().depth() == CV_8U) {
        image.windowCenter = 127.5;
        image.windowWidth = 256;
    } else {
        double mn = 0, mx = 0;
        cv::minMaxLoc(image.frames.front(), &mn, &mx);
        image.windowCenter = (mn + mx) / 2;
        image.windowWidth = std::max(1.0, mx - mn);
    }
    if (userPixelSizeMm) {
        if (!(*userPixelSizeMm > 0))
            throw Error("The pixel size must be positive (got " + std::to_string(*userPixelSizeMm) + " mm)",
                        "Give the pixel size in mm, e.g. 0.25");
        image.calibration = Calibration::user(*userPixelSizeMm);
    } else {
        image.calibration.description = "uncalibrated: " + image.meta.transferSyntaxName
                                        + " files carry no pixel size; give one to measure in mm";
    }
    return image;
}

} // namespace

bool ImageLoader::hasDicomPreamble(const std::string& path)
{
    const std::vector<unsigned char> buf = detail::readPrefix(path, 132);
    return buf.size() == 132 && buf[128] == 'D' && buf[129] == 'I' && buf[130] == 'C' && buf[131] == 'M';
}

namespace {

Image loadChecked(const std::string& path, Progress& progress, std::optional<double> userPixelSizeMm)
{
    detail::requireRegularFile(path); // FIFOs, devices and sockets are never opened
    progress.step(0.0, "Opening " + fileName(path));
    if (ImageLoader::hasDicomPreamble(path))
        return loadDicom(path, true, progress);
    if (!detail::readRasterHeader(path).format.empty())
        return loadRaster(path, progress, userPixelSizeMm);
    bool raster = false;
    try {
        raster = cv::haveImageReader(path);
    } catch (const cv::Exception&) {
        raster = false;
    }
    if (raster) // another format OpenCV knows (WebP, PNM, EXR...): refused with a clear message
        checkRasterHeader(path, detail::readRasterHeader(path));
    return loadDicom(path, false, progress);
}

} // namespace

Image ImageLoader::load(const std::string& path, Progress& progress, std::optional<double> userPixelSizeMm)
{
    try {
        return loadChecked(path, progress, userPixelSizeMm);
    } catch (const cv::Exception&) {
        throw Error("Cannot decode " + fileName(path) + ": the image library stopped while reading it",
                    "The image file is damaged");
    } catch (...) {
        detail::rethrowAsError(fileName(path));
    }
}

namespace {

std::vector<cv::Mat> storedValues(const std::string& path)
{
    detail::requireRegularFile(path);
    if (!ImageLoader::hasDicomPreamble(path))
        throw Error(fileName(path) + " has no DICOM preamble", "Give a DICOM Part 10 file");
    DcmFileFormat file;
    loadDicomFile(path, true, file);
    DcmDataset& ds = *file.getDataset();
    if (detail::getInt(ds, DCM_SamplesPerPixel).value_or(1) != 1)
        throw Error(fileName(path) + " has more than one sample per pixel", "Give a monochrome or palette image");
    if (!ds.tagExistsWithValue(DCM_PixelData))
        throw Error(fileName(path) + " holds no pixel data", "Give a DICOM image file");
    const detail::PixelGeometry geometry = detail::checkPixelData(ds, fileName(path));
    if (const OFCondition cond = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr); cond.bad())
        throw detail::decompressionError(geometry, fileName(path), DcmXfer(ds.getOriginalXfer()).getXferName(), cond);
    return detail::storedSingleSampleFrames(ds);
}

} // namespace

std::vector<cv::Mat> ImageLoader::loadStoredValues(const std::string& path)
{
    try {
        return storedValues(path);
    } catch (...) {
        detail::rethrowAsError(fileName(path));
    }
}

} // namespace ks::dicom
