// ImageLoader on every file of shared/dicom (see its README), pixels checked against the raw
// bytes or against other encodings of the same image; PNG/TIFF; tags; cancel.
#include "RawDicom.h"

#include "common/Error.h"
#include "dicom/DicomTags.h"
#include "dicom/ImageLoader.h"
#include "dicom/SegmentedLut.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace ks;
using ks::dicom::ImageLoader;

namespace {

std::string shared(const std::string& rel)
{
    return std::string(KS_SHARED_DIR) + "/dicom/" + rel;
}

/// Runs `f`, which must throw ks::Error; returns it.
template <typename F>
Error expectError(F f)
{
    try {
        f();
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        return e;
    }
    throw std::runtime_error("expected a ks::Error");
}

double maxAbsDiff(const cv::Mat& a, const cv::Mat& b)
{
    return cv::norm(a, b, cv::NORM_INF);
}

/// Expected RGB of palette indices from the LUT bytes read straight from the file.
cv::Mat applyRawPalette(const cv::Mat& indices, const std::vector<uint8_t>& file, bool explicitVr)
{
    const auto desc = test::words(test::findElement(file, 0x0028, 0x1101, explicitVr));
    if (desc.size() != 3)
        throw std::runtime_error("no palette descriptor");
    const size_t entries = desc[0] == 0 ? 65536 : desc[0];
    const int first = desc[1], bits = desc[2];
    std::vector<uint16_t> lut[3];
    for (int c = 0; c < 3; ++c) {
        lut[c] = test::words(test::findElement(file, 0x0028, uint16_t(0x1201 + c), explicitVr));
        if (lut[c].size() < entries)
            throw std::runtime_error("palette data shorter than its descriptor");
    }
    cv::Mat rgb(indices.size(), CV_8UC3);
    for (int y = 0; y < indices.rows; ++y)
        for (int x = 0; x < indices.cols; ++x) {
            const int v = indices.depth() == CV_8U ? indices.at<uint8_t>(y, x) : indices.at<uint16_t>(y, x);
            const size_t k = size_t(std::clamp(v - first, 0, int(entries) - 1));
            for (int c = 0; c < 3; ++c)
                rgb.at<cv::Vec3b>(y, x)[c] = uint8_t(bits == 16 ? lut[c][k] >> 8 : lut[c][k] & 0xFF);
        }
    return rgb;
}

class CountingProgress : public Progress
{
public:
    int calls = 0;
    int cancelAfter = -1;
    double last = -1;
    bool monotonic = true;
    bool report(double fraction, const std::string&) override
    {
        monotonic = monotonic && fraction >= last - 1e-9;
        last = fraction;
        ++calls;
        return cancelAfter < 0 || calls <= cancelAfter;
    }
};

} // namespace

class TestImageLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rleEqualsUncompressedRgb()
    {
        const Image unc = ImageLoader::load(shared("us/US1_UNCR.dcm"));
        const Image rle = ImageLoader::load(shared("us/US1_RLE.dcm"));
        QCOMPARE(unc.frameCount(), 1);
        QCOMPARE(unc.width(), 640);
        QCOMPARE(unc.height(), 480);
        QCOMPARE(unc.frames[0].type(), CV_8UC3);
        QCOMPARE(rle.frames[0].type(), CV_8UC3);
        QCOMPARE(maxAbsDiff(unc.frames[0], rle.frames[0]), 0.0);
        // The uncompressed one against its raw bytes (RGB, explicit little endian).
        const auto file = test::readBytes(shared("us/US1_UNCR.dcm"));
        const auto px = test::findElement(file, 0x7FE0, 0x0010, true);
        QCOMPARE(px.size(), size_t(640 * 480 * 3));
        const auto planar = test::words(test::findElement(file, 0x0028, 0x0006, true));
        cv::Mat raw(480, 640, CV_8UC3);
        if (planar.empty() || planar[0] == 0) {
            std::memcpy(raw.data, px.data(), px.size());
        } else {
            std::vector<cv::Mat> planes;
            for (int c = 0; c < 3; ++c)
                planes.emplace_back(480, 640, CV_8UC1, const_cast<uint8_t*>(px.data()) + c * 640 * 480);
            cv::merge(planes, raw);
        }
        QCOMPARE(maxAbsDiff(unc.frames[0], raw), 0.0);
        QVERIFY(unc.meta.transferSyntaxName.find("Little Endian") != std::string::npos);
        QVERIFY(rle.meta.transferSyntaxName.find("RLE") != std::string::npos);
    }

    void paletteEchoTenFramesWithFrameTime()
    {
        const std::string path = shared("us/US-PAL-8-10x-echo.dcm");
        CountingProgress progress;
        const Image im = ImageLoader::load(path, progress);
        QCOMPARE(im.frameCount(), 10);
        QCOMPARE(im.width(), 600);
        QCOMPARE(im.height(), 430);
        QCOMPARE(im.frames[0].type(), CV_8UC3);
        QCOMPARE(im.frameTimeMs, 76.0);
        QCOMPARE(im.meta.photometric, std::string("PALETTE COLOR"));
        QVERIFY(progress.calls >= 10);
        QVERIFY(progress.monotonic);
        // Frames differ (a cine loop, not one frame repeated).
        QVERIFY(maxAbsDiff(im.frames[0], im.frames[9]) > 0);
        // Every frame equals the 16-bit LUT (read from the file's bytes) applied to the stored indices.
        const auto file = test::readBytes(path);
        const auto indices = ImageLoader::loadStoredValues(path);
        QCOMPARE(int(indices.size()), 10);
        for (int f = 0; f < 10; ++f)
            QVERIFY2(maxAbsDiff(im.frames[size_t(f)], applyRawPalette(indices[size_t(f)], file, true)) <= 1.0,
                     qPrintable("frame " + QString::number(f)));
    }

    void paletteUncompressedAgainstRawBytesAndCalibration()
    {
        const std::string path = shared("us/OBXXXX1A.dcm");
        const Image im = ImageLoader::load(path);
        QCOMPARE(im.width(), 800);
        QCOMPARE(im.height(), 600);
        const auto file = test::readBytes(path);
        const auto px = test::findElement(file, 0x7FE0, 0x0010, true);
        QCOMPARE(px.size(), size_t(800 * 600));
        const cv::Mat indices(600, 800, CV_8UC1, const_cast<uint8_t*>(px.data()));
        QVERIFY(maxAbsDiff(im.frames[0], applyRawPalette(indices, file, true)) <= 1.0);
        QCOMPARE(im.calibration.source, CalibrationSource::UltrasoundRegion);
        QVERIFY(std::abs(im.calibration.mmPerPixelX - 0.2623) < 5e-5);
        QVERIFY(std::abs(im.calibration.mmPerPixelY - 0.2623) < 5e-5);
        QVERIFY(im.calibration.fieldOfView.has_value());
        QVERIFY(im.calibration.fieldOfView->width < 800);
        QVERIFY(im.calibration.uniform);

        const Image rle = ImageLoader::load(shared("us/OBXXXX1A_rle_2frame.dcm"));
        QCOMPARE(rle.frameCount(), 2);
        QCOMPARE(rle.width(), 800);
        QCOMPARE(rle.frames[1].type(), CV_8UC3);
        QVERIFY(cv::countNonZero(rle.frames[1].reshape(1)) > 1000);
        QCOMPARE(rle.calibration.mmPerPixelX, im.calibration.mmPerPixelX);
    }

    void eightBitPaletteEntries()
    {
        // No shared file has 8-bit LUT entries: rewrite OBXXXX1A's 16-bit LUTs as 8-bit ones
        // (descriptor bits 16 -> 8, each entry >> 8, one entry per 16-bit word).
        const std::string path = shared("us/OBXXXX1A.dcm");
        auto file = test::readBytes(path);
        for (int c = 0; c < 3; ++c) {
            const auto [descAt, descLen] = test::findElementValue(file, 0x0028, uint16_t(0x1101 + c), true);
            QCOMPARE(descLen, size_t(6));
            QCOMPARE(int(file[descAt + 4]), 16);
            file[descAt + 4] = 8;
            const auto [lutAt, lutLen] = test::findElementValue(file, 0x0028, uint16_t(0x1201 + c), true);
            QCOMPARE(lutLen, size_t(512));
            for (size_t k = 0; k < lutLen; k += 2) {
                file[lutAt + k] = file[lutAt + k + 1];
                file[lutAt + k + 1] = 0;
            }
        }
        const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString() + "/dicom-loader";
        std::filesystem::create_directories(dir);
        std::ofstream(dir + "/pal8.dcm", std::ios::binary).write(reinterpret_cast<const char*>(file.data()), long(file.size()));
        const Image eight = ImageLoader::load(dir + "/pal8.dcm");
        const auto px = test::findElement(file, 0x7FE0, 0x0010, true);
        const cv::Mat indices(600, 800, CV_8UC1, const_cast<uint8_t*>(px.data()));
        QCOMPARE(maxAbsDiff(eight.frames[0], applyRawPalette(indices, file, true)), 0.0);
        const Image sixteen = ImageLoader::load(path);
        QVERIFY(maxAbsDiff(eight.frames[0], sixteen.frames[0]) <= 1.0);
    }

    void jpegLosslessCalibration()
    {
        const Image im = ImageLoader::load(shared("us/JPGLosslessP14SV1_1s_1f_8b.dcm"));
        QCOMPARE(im.width(), 1024);
        QCOMPARE(im.height(), 768);
        QCOMPARE(im.frames[0].type(), CV_8UC1);
        QCOMPARE(im.calibration.source, CalibrationSource::UltrasoundRegion);
        QVERIFY(std::abs(im.calibration.mmPerPixelX - 0.2548) < 5e-5);
        QVERIFY(im.calibration.fieldOfView.has_value());
        const Box fov = *im.calibration.fieldOfView;
        QVERIFY(fov.x >= 0 && fov.y >= 0 && fov.right() <= 1024 && fov.bottom() <= 768);
        QVERIFY(im.calibration.description.find("region 1") != std::string::npos);
        // Outside the field of view (the top strip) there is far less signal than inside it.
        const cv::Mat inside = im.frames[0](cv::Rect(int(fov.x), int(fov.y), int(fov.width), int(fov.height)));
        QVERIFY(cv::mean(inside)[0] > 5);
    }

    void segmentedPaletteDecoded()
    {
        const Image im = ImageLoader::load(shared("us/gdcm-US-ALOKA-16.dcm"));
        QCOMPARE(im.width(), 640);
        QCOMPARE(im.height(), 480);
        QCOMPARE(im.frames[0].type(), CV_8UC3);
        QVERIFY(std::abs(im.calibration.mmPerPixelX - 0.3827) < 5e-5);
        // The B-mode area inside the field of view is grey (R = G = B) with real texture.
        const Box fov = *im.calibration.fieldOfView;
        const cv::Mat inside = im.frames[0](cv::Rect(int(fov.x), int(fov.y), int(fov.width), int(fov.height)));
        std::vector<cv::Mat> ch;
        cv::split(inside, ch);
        cv::Mat diff = (ch[0] != ch[1]) | (ch[1] != ch[2]);
        QVERIFY(cv::countNonZero(diff) < int(inside.total() / 50));
        cv::Scalar mean, stddev;
        cv::meanStdDev(ch[1], mean, stddev);
        QVERIFY(stddev[0] > 10);
        QVERIFY(mean[0] > 20 && mean[0] < 200);
    }

    void segmentedLutExpansion()
    {
        // discrete 3 values, linear ramp to 100 over 4 entries, then indirect: repeat the first segment.
        const std::vector<uint16_t> data = {0, 3, 10, 20, 30, 1, 4, 110, 2, 1, 0, 0};
        const auto lut = dicom::detail::expandSegmentedLut(data.data(), data.size(), 10);
        const std::vector<uint16_t> expected = {10, 20, 30, 50, 70, 90, 110, 10, 20, 30};
        QCOMPARE(lut, expected);
        const std::vector<uint16_t> badOpcode = {7, 1, 0};
        QVERIFY_THROWS_EXCEPTION(Error, dicom::detail::expandSegmentedLut(badOpcode.data(), badOpcode.size(), 1));
        const std::vector<uint16_t> overrun = {0, 5, 1, 2};
        QVERIFY_THROWS_EXCEPTION(Error, dicom::detail::expandSegmentedLut(overrun.data(), overrun.size(), 5));
        QVERIFY_THROWS_EXCEPTION(Error, dicom::detail::expandSegmentedLut(data.data(), data.size(), 11));
    }

    void jpeg2000GivesUnsupportedError()
    {
        const Error e = expectError([] { ImageLoader::load(shared("us/US1_J2KR.dcm")); });
        QCOMPARE(e.kind(), Error::Kind::Unsupported);
        QVERIFY(e.message().find("JPEG 2000") != std::string::npos);
        QVERIFY(!e.hint().empty());
    }

    void bigEndianRgbPlanar()
    {
        const std::string path = shared("us/ExplVR_BigEnd_US.dcm");
        const Image im = ImageLoader::load(path);
        QCOMPARE(im.width(), 80);
        QCOMPARE(im.height(), 60);
        QCOMPARE(im.frames[0].type(), CV_8UC3);
        QVERIFY(im.meta.transferSyntaxName.find("Big Endian") != std::string::npos);
        // Pixel data (OB, planar configuration 1) is the file's last 80*60*3 bytes.
        const auto file = test::readBytes(path);
        QVERIFY(file.size() > 14400);
        const uint8_t* px = file.data() + file.size() - 14400;
        std::vector<cv::Mat> planes;
        for (int c = 0; c < 3; ++c)
            planes.emplace_back(60, 80, CV_8UC1, const_cast<uint8_t*>(px) + c * 4800);
        cv::Mat raw;
        cv::merge(planes, raw);
        QCOMPARE(maxAbsDiff(im.frames[0], raw), 0.0);
    }

    void mrEncodingsEqualPlain()
    {
        const Image plain = ImageLoader::load(shared("other/MR_small.dcm"));
        QCOMPARE(plain.width(), 64);
        QVERIFY(plain.frames[0].depth() == CV_16S || plain.frames[0].depth() == CV_16U);
        QVERIFY(plain.calibration.source == CalibrationSource::PixelSpacing);
        for (const char* other : {"other/MR_small_RLE.dcm", "other/MR_small_jpeg_ls_lossless.dcm"}) {
            const Image im = ImageLoader::load(shared(other));
            QCOMPARE(im.frames[0].type(), plain.frames[0].type());
            QVERIFY2(maxAbsDiff(im.frames[0], plain.frames[0]) == 0.0, other);
        }
        // Raw 16-bit values of the plain file.
        const auto file = test::readBytes(shared("other/MR_small.dcm"));
        const auto px = test::words(test::findElement(file, 0x7FE0, 0x0010, true));
        QCOMPARE(px.size(), size_t(64 * 64));
        for (int i : {0, 100, 2000, 4095})
            QCOMPARE(int(plain.frames[0].at<int16_t>(i / 64, i % 64)), int(int16_t(px[size_t(i)])));
        QVERIFY(plain.windowWidth > 0);
    }

    void ybr422ConvertedToRgb()
    {
        const std::string path = shared("other/SC_ybr_full_422_uncompressed.dcm");
        const Image im = ImageLoader::load(path);
        QCOMPARE(im.width(), 100);
        QCOMPARE(im.frames[0].type(), CV_8UC3);
        const auto file = test::readBytes(path);
        const auto px = test::findElement(file, 0x7FE0, 0x0010, true);
        QCOMPARE(px.size(), size_t(100 * 100 * 2));
        cv::Mat expected(100, 100, CV_8UC3);
        for (int y = 0; y < 100; ++y)
            for (int x = 0; x < 100; x += 2) {
                const uint8_t* q = px.data() + (y * 100 + x) * 2; // Y0 Y1 Cb Cr
                for (int k = 0; k < 2; ++k) {
                    const double Y = q[k], cb = q[2] - 128.0, cr = q[3] - 128.0;
                    const double rgb[3] = {Y + 1.402 * cr, Y - 0.344136 * cb - 0.714136 * cr, Y + 1.772 * cb};
                    for (int c = 0; c < 3; ++c)
                        expected.at<cv::Vec3b>(y, x + k)[c] = cv::saturate_cast<uint8_t>(rgb[c]);
                }
            }
        QVERIFY(maxAbsDiff(im.frames[0], expected) <= 2.0);
        // Same picture as the RGB RLE file, and the JPEG baseline one close to it.
        const Image rgb = ImageLoader::load(shared("other/SC_rgb_rle.dcm"));
        QVERIFY(cv::norm(im.frames[0], rgb.frames[0], cv::NORM_L1) / (100.0 * 100 * 3) < 3.0);
        const Image jpeg = ImageLoader::load(shared("other/SC_rgb_jpeg_dcmtk.dcm"));
        QCOMPARE(jpeg.frames[0].type(), CV_8UC3);
        QVERIFY(cv::norm(jpeg.frames[0], rgb.frames[0], cv::NORM_L1) / (100.0 * 100 * 3) < 6.0);
    }

    void otherImagesLoad()
    {
        const Image ct = ImageLoader::load(shared("other/CT_small.dcm"));
        QCOMPARE(ct.width(), 128);
        QVERIFY(ct.calibration.isCalibrated());
        QVERIFY(ct.rescaleSlope != 0);
        const Image dfl = ImageLoader::load(shared("other/image_dfl.dcm"));
        QCOMPARE(dfl.width(), 512);
        QVERIFY(dfl.meta.transferSyntaxName.find("Deflate") != std::string::npos);
        cv::Scalar mean, stddev;
        cv::meanStdDev(dfl.frames[0], mean, stddev);
        QVERIFY(stddev[0] > 5);
        const Image lossy = ImageLoader::load(shared("other/JPEG-lossy.dcm"));
        const Image ext = ImageLoader::load(shared("other/JPGExtended.dcm"));
        QCOMPARE(lossy.frames[0].depth(), CV_16U);
        QCOMPARE(maxAbsDiff(lossy.frames[0], ext.frames[0]), 0.0);
        QVERIFY(lossy.meta.bitsStored == 12);
        double mx = 0;
        cv::minMaxLoc(lossy.frames[0], nullptr, &mx);
        QVERIFY(mx > 0 && mx < 4096);
    }

    void nonImageObjectsSayWhatTheyAre()
    {
        const std::pair<const char*, const char*> cases[] = {{"other/rtstruct.dcm", "RT structure set"},
                                                             {"other/test-SR.dcm", "structured report"},
                                                             {"other/waveform_ecg.dcm", "waveform"}};
        for (const auto& [file, kind] : cases) {
            const Error e = expectError([&] { ImageLoader::load(shared(file)); });
            QVERIFY2(e.message().find(kind) != std::string::npos, e.message().c_str());
            QVERIFY2(e.message().find("no image") != std::string::npos, e.message().c_str());
        }
    }

    void malformedGiveClearErrors()
    {
        const std::pair<const char*, const char*> cases[] = {
            {"malformed/MR_truncated.dcm", "damaged"},
            {"malformed/rtplan_truncated.dcm", "damaged"},
            {"malformed/badVR.dcm", "Number of Frames"},
            {"malformed/no_meta.dcm", "DICOM"},
            {"malformed/ExplVR_LitEndNoMeta.dcm", "RT plan"},
            {"malformed/ExplVR_BigEndNoMeta.dcm", "RT plan"},
            {"malformed/meta_missing_tsyntax.dcm", "Rows"},
        };
        for (const auto& [file, words] : cases) {
            const Error e = expectError([&] { ImageLoader::load(shared(file)); });
            QVERIFY2(e.message().find(words) != std::string::npos, (std::string(file) + ": " + e.message()).c_str());
            QVERIFY(e.kind() != Error::Kind::Internal);
        }
        // Every file in the folder: an image or a ks::Error, never anything else.
        for (const auto& entry : std::filesystem::directory_iterator(shared("malformed"))) {
            try {
                const Image im = ImageLoader::load(entry.path().string());
                QVERIFY(!im.isEmpty());
            } catch (const Error&) {
            }
        }
    }

    void missingFileAndFolder()
    {
        QCOMPARE(expectError([] { ImageLoader::load(shared("us/nope.dcm")); }).kind(), Error::Kind::Io);
        QVERIFY(expectError([] { ImageLoader::load(shared("us")); }).message().find("folder") != std::string::npos);
    }

    void pngAndTiffThroughOpenCv()
    {
        const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString() + "/dicom-loader";
        std::filesystem::create_directories(dir);
        cv::Mat bgr(30, 40, CV_8UC3, cv::Scalar(10, 20, 200)); // blue 10, green 20, red 200
        bgr(cv::Rect(0, 0, 5, 5)).setTo(cv::Scalar(255, 0, 0));
        QVERIFY(cv::imwrite(dir + "/c.png", bgr));
        const Image png = ImageLoader::load(dir + "/c.png");
        QCOMPARE(png.frames[0].type(), CV_8UC3);
        QCOMPARE(png.frames[0].at<cv::Vec3b>(10, 10), cv::Vec3b(200, 20, 10)); // RGB order
        QCOMPARE(png.frames[0].at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));
        QVERIFY(!png.calibration.isCalibrated());
        const Image cal = ImageLoader::load(dir + "/c.png", NullProgress::instance(), 0.25);
        QCOMPARE(cal.calibration.source, CalibrationSource::User);
        QCOMPARE(cal.calibration.mmPerPixelX, 0.25);
        cv::Mat grey16(20, 20, CV_16UC1, cv::Scalar(1000));
        QVERIFY(cv::imwrite(dir + "/g.tif", grey16));
        const Image tif = ImageLoader::load(dir + "/g.tif");
        QCOMPARE(tif.frames[0].type(), CV_16UC1);
        QCOMPARE(int(tif.frames[0].at<uint16_t>(3, 3)), 1000);
        std::ofstream(dir + "/t.txt") << "not an image at all, just some text";
        QVERIFY(expectError([&] { ImageLoader::load(dir + "/t.txt"); }).message().find("neither") != std::string::npos);
    }

    void tagsIncludeNestedRegions()
    {
        const auto tags = dicom::DicomTags::read(shared("us/JPGLosslessP14SV1_1s_1f_8b.dcm"));
        auto seq = std::find_if(tags.begin(), tags.end(), [](const TagEntry& t) { return t.tag == "(0018,6011)"; });
        QVERIFY(seq != tags.end());
        QCOMPARE(seq->vr, std::string("SQ"));
        QCOMPARE(seq->depth, 0);
        auto delta = std::find_if(tags.begin(), tags.end(), [](const TagEntry& t) { return t.tag == "(0018,602C)"; });
        QVERIFY(delta != tags.end());
        QCOMPARE(delta->depth, 2);
        QVERIFY(std::abs(std::stod(delta->value) - 0.02548) < 5e-6); // 0.0254767 cm in the file
        const Image im = ImageLoader::load(shared("us/JPGLosslessP14SV1_1s_1f_8b.dcm"));
        QCOMPARE(im.tags.size(), tags.size());
        auto pixel = std::find_if(tags.begin(), tags.end(), [](const TagEntry& t) { return t.tag == "(7FE0,0010)"; });
        QVERIFY(pixel != tags.end());
        QVERIFY(pixel->value.size() < 64);
    }

    void concurrentLoadsAgree()
    {
        const std::vector<std::string> files = {shared("us/US1_RLE.dcm"), shared("us/US-PAL-8-10x-echo.dcm"),
                                                shared("us/JPGLosslessP14SV1_1s_1f_8b.dcm"),
                                                shared("other/MR_small_jpeg_ls_lossless.dcm")};
        std::vector<Image> reference;
        for (const auto& f : files)
            reference.push_back(ImageLoader::load(f));
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int r = 0; r < 3; ++r)
                    for (size_t k = 0; k < files.size(); ++k) {
                        const size_t i = (k + size_t(t)) % files.size();
                        const Image im = ImageLoader::load(files[i]);
                        for (int f = 0; f < im.frameCount(); ++f)
                            if (cv::norm(im.frames[size_t(f)], reference[i].frames[size_t(f)], cv::NORM_INF) != 0)
                                ++mismatches[size_t(t)];
                    }
            });
        for (auto& th : threads)
            th.join();
        QCOMPARE(mismatches, std::vector<int>(4, 0));
    }

    void cancelStopsLoading()
    {
        CountingProgress progress;
        progress.cancelAfter = 3;
        QVERIFY_THROWS_EXCEPTION(Cancelled, ImageLoader::load(shared("us/US-PAL-8-10x-echo.dcm"), progress));
    }
};

QTEST_GUILESS_MAIN(TestImageLoader)
#include "TestImageLoader.moc"
