#include "ImageLoader.h"

#include "DcmtkSupport.h"
#include "DicomPixelDecoder.h"
#include "DicomTagsDcmtk.h"
#include "SegmentedPalette.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace ks::dicom {

namespace fs = std::filesystem;

namespace {

std::string fileName(const std::string& path)
{
    return fs::path(path).filename().string();
}

std::string lowerExtension(const std::string& path)
{
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

/// Loads the file with DCMTK (meta header auto-detected). `sure` = the file has the DICM magic.
void loadDicomFile(const std::string& path, bool sure, DcmFileFormat& file)
{
    detail::ensureCodecsRegistered();
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

Image loadRaster(const std::string& path, Progress& progress, std::optional<double> userPixelSizeMm)
{
    const std::string ext = lowerExtension(path);
    std::vector<cv::Mat> pages;
    try {
        if (ext == ".tif" || ext == ".tiff")
            cv::imreadmulti(path, pages, cv::IMREAD_UNCHANGED);
        else
            pages.push_back(cv::imread(path, cv::IMREAD_UNCHANGED));
    } catch (const cv::Exception& e) {
        throw Error("Cannot decode " + fileName(path) + ": " + e.msg, "The image file is damaged");
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
    image.meta.transferSyntaxName = ext == ".png" ? "PNG" : (ext == ".tif" || ext == ".tiff") ? "TIFF"
                                    : (ext == ".jpg" || ext == ".jpeg") ? "JPEG" : "raster image";
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
    std::ifstream in(path, std::ios::binary);
    char buf[132] = {};
    if (!in.read(buf, sizeof buf))
        return false;
    return buf[128] == 'D' && buf[129] == 'I' && buf[130] == 'C' && buf[131] == 'M';
}

Image ImageLoader::load(const std::string& path, Progress& progress, std::optional<double> userPixelSizeMm)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error("File not found: " + path, "Check the path", Error::Kind::Io);
    if (fs::is_directory(path, ec))
        throw Error(path + " is a folder, not an image file", "Open one file, or scan the folder for studies");
    {
        std::ifstream probe(path, std::ios::binary);
        if (!probe)
            throw Error("Cannot open " + path, "Check that you may read the file", Error::Kind::Io);
    }
    progress.step(0.0, "Opening " + fileName(path));
    if (hasDicomPreamble(path))
        return loadDicom(path, true, progress);
    bool raster = false;
    try {
        raster = cv::haveImageReader(path);
    } catch (const cv::Exception&) {
        raster = false;
    }
    if (raster)
        return loadRaster(path, progress, userPixelSizeMm);
    return loadDicom(path, false, progress);
}

std::vector<cv::Mat> ImageLoader::loadStoredValues(const std::string& path)
{
    if (!hasDicomPreamble(path))
        throw Error(fileName(path) + " has no DICOM preamble", "Give a DICOM Part 10 file");
    DcmFileFormat file;
    loadDicomFile(path, true, file);
    DcmDataset& ds = *file.getDataset();
    if (detail::getInt(ds, DCM_SamplesPerPixel).value_or(1) != 1)
        throw Error(fileName(path) + " has more than one sample per pixel", "Give a monochrome or palette image");
    detail::check(ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr),
                  "Cannot decompress " + fileName(path), "", Error::Kind::Unsupported);
    return detail::storedSingleSampleFrames(ds);
}

} // namespace ks::dicom
