// StudyScanner: DICOMDIR variants, recursive folders with non-DICOM files, non-image objects.
#include "common/Error.h"
#include "dicom/ImageLoader.h"
#include "dicom/StudyScanner.h"

#include <opencv2/imgcodecs.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace ks;
using namespace ks::dicom;
namespace fs = std::filesystem;

namespace {

std::string shared(const std::string& rel)
{
    return std::string(KS_SHARED_DIR) + "/dicom/" + rel;
}

struct Counts
{
    int patients = 0, studies = 0, series = 0, instances = 0;
};

Counts count(const StudyTree& t)
{
    Counts c;
    c.patients = int(t.patients.size());
    for (const auto& p : t.patients) {
        c.studies += int(p.studies.size());
        for (const auto& s : p.studies) {
            c.series += int(s.series.size());
            for (const auto& se : s.series)
                c.instances += int(se.instances.size());
        }
    }
    return c;
}

std::vector<InstanceInfo> allInstances(const StudyTree& t)
{
    std::vector<InstanceInfo> out;
    for (const auto& p : t.patients)
        for (const auto& s : p.studies)
            for (const auto& se : s.series)
                out.insert(out.end(), se.instances.begin(), se.instances.end());
    return out;
}

std::string tmpDir(const std::string& name)
{
    const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString() + "/" + name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

} // namespace

class TestStudyScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dicomDirVariants_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f : {"DICOMDIR", "DICOMDIR-bigEnd", "DICOMDIR-implicit", "DICOMDIR-nooffset",
                              "DICOMDIR-reordered", "DICOMDIR-nopatient"})
            QTest::newRow(f) << QString(f);
    }

    void dicomDirVariants()
    {
        QFETCH(QString, file);
        const StudyTree tree = StudyScanner::scan(shared("other/dicomdirtests/" + file.toStdString()));
        const Counts c = count(tree);
        // The reference DICOMDIR lists 2 patients, 6 studies, 13 series, 31 images; every variant must agree.
        QCOMPARE(c.patients, 2);
        QCOMPARE(c.studies, 6);
        QCOMPARE(c.series, 13);
        QCOMPARE(c.instances, 31);
        QCOMPARE(tree.instanceCount(), 31);
        for (const auto& in : allInstances(tree)) {
            QVERIFY2(fs::is_regular_file(in.path), in.path.c_str());
            QVERIFY(!in.sopInstanceUid.empty());
            QVERIFY(in.hasImage);
            QVERIFY(in.rows > 0 && in.columns > 0);
        }
        if (file == "DICOMDIR-nopatient")
            QVERIFY(!tree.problems.empty()); // says that a record had an unknown type
        else
            QVERIFY2(tree.problems.empty(), tree.problems.empty() ? "" : tree.problems.front().c_str());
    }

    void dicomDirSameTreeAsReference()
    {
        const StudyTree ref = StudyScanner::scan(shared("other/dicomdirtests/DICOMDIR"));
        for (const char* f : {"DICOMDIR-reordered", "DICOMDIR-implicit", "DICOMDIR-bigEnd", "DICOMDIR-nooffset",
                              "DICOMDIR-nopatient"}) {
            const StudyTree t = StudyScanner::scan(shared(std::string("other/dicomdirtests/") + f));
            QCOMPARE(t.patients.size(), ref.patients.size());
            for (size_t p = 0; p < ref.patients.size(); ++p) {
                QCOMPARE(t.patients[p].patientId, ref.patients[p].patientId);
                QCOMPARE(t.patients[p].studies.size(), ref.patients[p].studies.size());
            }
            auto a = allInstances(ref), b = allInstances(t);
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i)
                QCOMPARE(b[i].path, a[i].path);
        }
    }

    void emptyAndTinyDicomDir()
    {
        const StudyTree empty = StudyScanner::scan(shared("other/dicomdirtests/DICOMDIR-empty.dcm"));
        QCOMPARE(empty.instanceCount(), 0);
        QVERIFY(empty.problems.empty());
        const StudyTree tiny = StudyScanner::scan(shared("other/dicomdirtests/TINY_ALPHA/DICOMDIR"));
        const Counts c = count(tiny);
        QCOMPARE(c.patients, 1);
        QCOMPARE(c.studies, 1);
        QCOMPARE(c.series, 1);
        QCOMPARE(c.instances, 50);
    }

    void folderScanCountsSkippedFiles()
    {
        const std::string dir = tmpDir("dicom-scan");
        fs::create_directories(dir + "/a/b");
        fs::copy_file(shared("us/US1_RLE.dcm"), dir + "/a/one.dcm");
        fs::copy_file(shared("us/OBXXXX1A.dcm"), dir + "/a/b/two");  // no extension: found by content
        fs::copy_file(shared("other/test-SR.dcm"), dir + "/sr.dcm");
        std::ofstream(dir + "/notes.txt") << "hello";
        std::ofstream(dir + "/a/b/fake.dcm") << "this is not DICOM despite its name, it is much too short";
        QVERIFY(cv::imwrite(dir + "/a/pic.png", cv::Mat(8, 12, CV_8UC1, cv::Scalar(7))));
        QVERIFY(cv::imwrite(dir + "/a/photo.jpg", cv::Mat(30, 20, CV_8UC3, cv::Scalar(1, 2, 3))));
        const StudyTree tree = StudyScanner::scan(dir);
        QCOMPARE(tree.skippedFiles, 2);
        QCOMPARE(tree.instanceCount(), 5); // two images, one SR, one PNG, one JPEG
        int images = 0, reports = 0, pngs = 0, jpegs = 0;
        for (const auto& in : allInstances(tree)) {
            if (in.objectKind == "image" && in.hasImage)
                ++images;
            if (in.objectKind == "structured report" && !in.hasImage)
                ++reports;
            if (in.objectKind == "image (PNG)" && in.hasImage && in.columns == 12 && in.rows == 8)
                ++pngs;
            if (in.objectKind == "image (JPEG)" && in.hasImage && in.columns == 20 && in.rows == 30)
                ++jpegs;
        }
        QCOMPARE(images, 2);
        QCOMPARE(reports, 1);
        QCOMPARE(pngs, 1);
        QCOMPARE(jpegs, 1);
    }

    void usFolderHeadersMatchLoader()
    {
        const StudyTree tree = StudyScanner::scan(shared("us"));
        QCOMPARE(tree.instanceCount(), 9);
        QCOMPARE(tree.skippedFiles, 0);
        QVERIFY(tree.problems.empty());
        for (const auto& in : allInstances(tree)) {
            QVERIFY(in.hasImage);
            if (in.path.find("J2K") != std::string::npos)
                continue;
            const Image im = ImageLoader::load(in.path);
            QCOMPARE(in.frames, im.frameCount());
            QCOMPARE(in.rows, im.height());
            QCOMPARE(in.columns, im.width());
            QCOMPARE(in.calibration.mmPerPixelX, im.calibration.mmPerPixelX);
            QCOMPARE(in.frameTimeMs, im.frameTimeMs);
            QCOMPARE(in.photometric, im.meta.photometric);
        }
    }

    void nonImageObjectsListed()
    {
        const StudyTree tree = StudyScanner::scan(shared("other"));
        std::map<std::string, int> kinds;
        for (const auto& in : allInstances(tree))
            if (!in.hasImage)
                ++kinds[in.objectKind];
        QCOMPARE(kinds["structured report"], 1);
        QCOMPARE(kinds["waveform"], 1);
        QCOMPARE(kinds["RT structure set"], 1);
    }

    void cancelStopsScanning()
    {
        struct CancelSoon : Progress
        {
            int calls = 0;
            bool report(double, const std::string&) override { return ++calls < 3; }
        } progress;
        QVERIFY_THROWS_EXCEPTION(Cancelled, StudyScanner::scan(std::string(KS_SHARED_DIR) + "/dicom", progress));
        QCOMPARE(progress.calls, 3);
    }

    void singleFileAndMissingPath()
    {
        const StudyTree one = StudyScanner::scan(shared("us/US1_UNCR.dcm"));
        QCOMPARE(one.instanceCount(), 1);
        QCOMPARE(allInstances(one).front().transferSyntaxName, std::string("Little Endian Explicit"));
        QVERIFY_THROWS_EXCEPTION(Error, StudyScanner::scan(shared("nothing-here")));
        const StudyTree bad = StudyScanner::scan(shared("malformed/rtplan_truncated.dcm"));
        QCOMPARE(bad.instanceCount(), 0);
        QCOMPARE(int(bad.problems.size()), 1);
    }
};

QTEST_GUILESS_MAIN(TestStudyScanner)
#include "TestStudyScanner.moc"
