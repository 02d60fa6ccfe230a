// DicomWriter round trips through ImageLoader and StudyScanner.
#include "common/Error.h"
#include "dicom/DicomWriter.h"
#include "dicom/ImageLoader.h"
#include "dicom/StudyScanner.h"

#include <opencv2/core.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace ks;
using namespace ks::dicom;
namespace fs = std::filesystem;

namespace {

std::string tmpDir(const std::string& name)
{
    const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString() + "/" + name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

cv::Mat randomFrame(int rows, int cols, int type, int seed)
{
    cv::Mat m(rows, cols, type);
    cv::RNG rng{uint64_t(seed)};
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

} // namespace

class TestDicomWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void greyWithCalibrationRoundTrip()
    {
        const std::string dir = tmpDir("dicom-writer-grey");
        Image im;
        im.frames.push_back(randomFrame(120, 160, CV_8UC1, 1));
        im.calibration.source = CalibrationSource::UltrasoundRegion;
        im.calibration.mmPerPixelX = 0.3;
        im.calibration.mmPerPixelY = 0.3;
        im.calibration.fieldOfView = Box{10, 20, 130, 90};
        im.meta.patientName = "Phantom^Kidney";
        im.meta.patientId = "KS-1";
        im.meta.studyDescription = "Synthetic";
        im.meta.instanceNumber = 7;
        const std::string path = dir + "/grey.dcm";
        DicomWriter::write(path, im);
        QVERIFY(ImageLoader::hasDicomPreamble(path));

        const Image back = ImageLoader::load(path);
        QCOMPARE(back.frameCount(), 1);
        QCOMPARE(back.frames[0].type(), CV_8UC1);
        QCOMPARE(cv::norm(back.frames[0], im.frames[0], cv::NORM_INF), 0.0);
        QCOMPARE(back.calibration.source, CalibrationSource::UltrasoundRegion);
        QVERIFY(std::abs(back.calibration.mmPerPixelX - 0.3) < 1e-9);
        QVERIFY(std::abs(back.calibration.mmPerPixelY - 0.3) < 1e-9);
        QVERIFY(back.calibration.fieldOfView.has_value());
        QCOMPARE(*back.calibration.fieldOfView, *im.calibration.fieldOfView);
        QCOMPARE(back.meta.patientName, im.meta.patientName);
        QCOMPARE(back.meta.patientId, im.meta.patientId);
        QCOMPARE(back.meta.modality, std::string("US"));
        QCOMPARE(back.meta.sopClassUid, std::string("1.2.840.10008.5.1.4.1.1.6.1"));
        QCOMPARE(back.meta.instanceNumber, 7);
        QVERIFY(!back.meta.studyInstanceUid.empty());
        QVERIFY(im.meta.studyInstanceUid.empty()); // generated UIDs are not written back

        // No temporary file is left behind.
        int files = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
            ++files;
        QCOMPARE(files, 1);
    }

    void multiFrameRgbRoundTrip()
    {
        const std::string dir = tmpDir("dicom-writer-rgb");
        Image im;
        for (int f = 0; f < 3; ++f)
            im.frames.push_back(randomFrame(48, 64, CV_8UC3, 10 + f));
        im.frameTimeMs = 50;
        im.meta.studyInstanceUid = "1.2.3.4";
        im.meta.seriesInstanceUid = "1.2.3.4.5";
        const std::string path = dir + "/cine.dcm";
        DicomWriter::write(path, im);
        const Image back = ImageLoader::load(path);
        QCOMPARE(back.frameCount(), 3);
        QCOMPARE(back.frames[0].type(), CV_8UC3);
        for (int f = 0; f < 3; ++f)
            QCOMPARE(cv::norm(back.frames[size_t(f)], im.frames[size_t(f)], cv::NORM_INF), 0.0);
        QCOMPARE(back.frameTimeMs, 50.0);
        QCOMPARE(back.meta.sopClassUid, std::string("1.2.840.10008.5.1.4.1.1.3.1"));
        QVERIFY(!back.calibration.isCalibrated());

        const StudyTree tree = StudyScanner::scan(dir);
        QCOMPARE(tree.instanceCount(), 1);
        QCOMPARE(tree.patients[0].studies[0].studyInstanceUid, std::string("1.2.3.4"));
        QCOMPARE(tree.patients[0].studies[0].series[0].instances[0].frames, 3);
        QCOMPARE(tree.patients[0].studies[0].series[0].instances[0].frameTimeMs, 50.0);
    }

    void calibratedWithoutFieldOfViewCoversImage()
    {
        const std::string dir = tmpDir("dicom-writer-fov");
        Image im;
        im.frames.push_back(randomFrame(40, 50, CV_8UC1, 3));
        im.calibration = Calibration::user(0.125);
        DicomWriter::write(dir + "/u.dcm", im);
        const Image back = ImageLoader::load(dir + "/u.dcm");
        QCOMPARE(back.calibration.source, CalibrationSource::UltrasoundRegion);
        QCOMPARE(*back.calibration.fieldOfView, (Box{0, 0, 50, 40}));
        QVERIFY(std::abs(back.calibration.mmPerPixelX - 0.125) < 1e-9);
    }

    void monochrome1IsInverted()
    {
        // No MONOCHROME1 file in the shared data: relabel a written MONOCHROME2 file (same length).
        const std::string dir = tmpDir("dicom-writer-mono1");
        Image im;
        im.frames.push_back(randomFrame(16, 24, CV_8UC1, 5));
        DicomWriter::write(dir + "/m2.dcm", im);
        std::string bytes;
        {
            std::ifstream in(dir + "/m2.dcm", std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto at = bytes.find("MONOCHROME2");
        QVERIFY(at != std::string::npos);
        bytes[at + 10] = '1';
        std::ofstream(dir + "/m1.dcm", std::ios::binary) << bytes;
        const Image back = ImageLoader::load(dir + "/m1.dcm");
        QCOMPARE(back.meta.photometric, std::string("MONOCHROME1"));
        cv::Mat expected = 255 - im.frames[0];
        QCOMPARE(cv::norm(back.frames[0], expected, cv::NORM_INF), 0.0);
    }

    void cineRateWhenNoFrameTime()
    {
        // Relabel FrameTime (0018,1063) DS "50" as CineRate (0018,0040) IS "50": 50 frames/s = 20 ms.
        const std::string dir = tmpDir("dicom-writer-cine");
        Image im;
        im.frames = {randomFrame(8, 8, CV_8UC1, 1), randomFrame(8, 8, CV_8UC1, 2)};
        im.frameTimeMs = 50;
        DicomWriter::write(dir + "/ft.dcm", im);
        QCOMPARE(ImageLoader::load(dir + "/ft.dcm").frameTimeMs, 50.0);
        std::string bytes;
        {
            std::ifstream in(dir + "/ft.dcm", std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        const std::string frameTime("\x18\x00\x63\x10" "DS", 6);
        const auto at = bytes.find(frameTime);
        QVERIFY(at != std::string::npos);
        bytes.replace(at, 6, std::string("\x18\x00\x40\x00" "IS", 6));
        std::ofstream(dir + "/cr.dcm", std::ios::binary) << bytes;
        const Image back = ImageLoader::load(dir + "/cr.dcm");
        QCOMPARE(back.frameCount(), 2);
        QCOMPARE(back.frameTimeMs, 20.0);
    }

    void rejectsWhatItCannotWrite()
    {
        const std::string dir = tmpDir("dicom-writer-bad");
        Image empty;
        QVERIFY_THROWS_EXCEPTION(Error, DicomWriter::write(dir + "/e.dcm", empty));
        Image deep;
        deep.frames.push_back(cv::Mat(4, 4, CV_16UC1, cv::Scalar(1)));
        QVERIFY_THROWS_EXCEPTION(Error, DicomWriter::write(dir + "/d.dcm", deep));
        Image mixed;
        mixed.frames = {cv::Mat(4, 4, CV_8UC1), cv::Mat(5, 4, CV_8UC1)};
        QVERIFY_THROWS_EXCEPTION(Error, DicomWriter::write(dir + "/m.dcm", mixed));
        Image ok;
        ok.frames.push_back(cv::Mat(4, 4, CV_8UC1, cv::Scalar(9)));
        try {
            DicomWriter::write(dir + "/no/such/folder/x.dcm", ok);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), Error::Kind::Io);
            QVERIFY(e.message().find("no/such/folder") != std::string::npos);
        }
        QVERIFY(!fs::exists(dir + "/e.dcm"));
    }
};

QTEST_GUILESS_MAIN(TestDicomWriter)
#include "TestDicomWriter.moc"
