/// Viewer models without widgets: settings round trip, study/tag tree models, the LUT
/// renderer, presets, scale bar, pixel probe and the background loader.

#include "models/FrameRenderer.h"
#include "models/LoadController.h"
#include "models/PixelProbe.h"
#include "models/ScaleBar.h"
#include "models/Settings.h"
#include "models/StudyTreeModel.h"
#include "models/TagTreeModel.h"
#include "models/WindowPresets.h"

#include "common/Error.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace ks::ui;

namespace {

ks::dicom::InstanceInfo instance(const std::string& path, int number, bool hasImage, const std::string& kind = "image")
{
    ks::dicom::InstanceInfo i;
    i.path = path;
    i.instanceNumber = number;
    i.hasImage = hasImage;
    i.objectKind = kind;
    i.frames = hasImage ? 1 : 0;
    i.rows = 480;
    i.columns = 640;
    i.sopInstanceUid = "1.2.3." + std::to_string(number);
    i.sopClassUid = hasImage ? "1.2.840.10008.5.1.4.1.1.6.1" : "1.2.840.10008.5.1.4.1.1.88.11";
    return i;
}

ks::dicom::StudyTree sampleTree()
{
    ks::dicom::StudyTree tree;
    ks::dicom::PatientNode p1{"P1", "Doe^Jane", {}};
    ks::dicom::StudyNode study{"1.2.1", "Renal US", "20240102", {}};
    ks::dicom::SeriesNode s2{"1.2.1.2", "Right kidney", "US", 2, {instance("/d/b.dcm", 2, true), instance("/d/a.dcm", 1, true)}};
    ks::dicom::SeriesNode s1{"1.2.1.1", "Report", "SR", 1, {instance("/d/sr.dcm", 1, false, "structured report")}};
    study.series = {s2, s1};
    p1.studies = {study};
    ks::dicom::PatientNode p2{"P2", "Roe^John", {{"1.3", "", "", {{"1.3.1", "", "US", 1, {instance("/e/x.dcm", 1, true)}}}}}};
    // Plain images (no SOP class) found first by the scanner: listed last.
    ks::dicom::InstanceInfo png = instance("/d/mask.png", 0, true);
    png.sopClassUid.clear();
    ks::dicom::PatientNode plain{"", "(not DICOM)", {{"", "Images without DICOM header", "", {{"", "", "OT", 0, {png}}}}}};
    tree.patients = {plain, p1, p2};
    tree.skippedFiles = 3;
    return tree;
}

ks::Image grey8Ramp(int width = 256, int height = 4)
{
    ks::Image image;
    cv::Mat m(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            m.at<uchar>(y, x) = static_cast<uchar>(x % 256);
    image.frames = {m};
    return image;
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void settingsRoundTrip();
    void studyTreeGrouping();
    void tagTreeNesting();
    void rendererGrey8WindowAndCache();
    void rendererGrey16AndSigned();
    void rendererRgb();
    void presetsScaleWithRange();
    void scaleBarChoosesRoundLengths();
    void pixelProbe();
    void loaderDeliversResultAndFailure();
    void loaderLatestRequestWins();
    void loaderCancel();
    void loaderRealDicom();
};

void TestUiModels::settingsRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath(QStringLiteral("settings.ini"));
    {
        Settings s(ini);
        QCOMPARE(s.lastFolder(), QDir::homePath()); // default
        s.setWindowGeometry(QByteArray("geom\x01\x02", 6));
        s.setWindowState(QByteArray("state"));
        s.setLastFolder(dir.path());
        for (int i = 0; i < 12; ++i)
            s.addRecentPath(QStringLiteral("/data/study%1").arg(i));
        s.addRecentPath(QStringLiteral("/data/study5")); // moves to the front, no duplicate
        s.setCineSpeed(2.0);
        s.setCineLoop(false);
        s.sync();
    }
    Settings s(ini);
    QCOMPARE(s.windowGeometry(), QByteArray("geom\x01\x02", 6));
    QCOMPARE(s.windowState(), QByteArray("state"));
    QCOMPARE(s.lastFolder(), dir.path());
    const QStringList recent = s.recentPaths();
    QCOMPARE(recent.size(), Settings::maxRecent);
    QCOMPARE(recent.front(), QStringLiteral("/data/study5"));
    QCOMPARE(recent.count(QStringLiteral("/data/study5")), 1);
    QCOMPARE(recent.at(1), QStringLiteral("/data/study11"));
    QVERIFY(!recent.contains(QStringLiteral("/data/study0")));
    QCOMPARE(s.cineSpeed(), 2.0);
    QCOMPARE(s.cineLoop(), false);
    s.removeRecentPath(QStringLiteral("/data/study5"));
    QCOMPARE(s.recentPaths().front(), QStringLiteral("/data/study11"));
    s.clearRecentPaths();
    QVERIFY(s.recentPaths().isEmpty());
}

void TestUiModels::studyTreeGrouping()
{
    StudyTreeModel model;
    model.setStudyTree(sampleTree());
    QCOMPARE(model.rowCount(), 3); // patients
    QCOMPARE(model.instanceCount(), 5);
    QVERIFY(model.index(2, 0).data().toString().contains(QStringLiteral("not DICOM")));
    const QModelIndex p1 = model.index(0, 0);
    QVERIFY(p1.data().toString().contains(QStringLiteral("Doe^Jane")));
    QCOMPARE(p1.data(StudyTreeModel::LevelRole).toInt(), int(StudyTreeModel::Level::Patient));
    const QModelIndex study = model.index(0, 0, p1);
    QCOMPARE(study.data(StudyTreeModel::LevelRole).toInt(), int(StudyTreeModel::Level::Study));
    QVERIFY(study.data().toString().contains(QStringLiteral("Renal US")));
    QCOMPARE(model.rowCount(study), 2);
    // Series ordered by number: the SR series (1) first.
    const QModelIndex series1 = model.index(0, 0, study);
    const QModelIndex series2 = model.index(1, 0, study);
    QCOMPARE(series1.data(StudyTreeModel::UidRole).toString(), QStringLiteral("1.2.1.1"));
    QCOMPARE(series2.data(StudyTreeModel::UidRole).toString(), QStringLiteral("1.2.1.2"));
    // Instances ordered by instance number.
    QCOMPARE(model.rowCount(series2), 2);
    QCOMPARE(model.index(0, 0, series2).data(StudyTreeModel::PathRole).toString(), QStringLiteral("/d/a.dcm"));
    QCOMPARE(model.index(1, 0, series2).data(StudyTreeModel::PathRole).toString(), QStringLiteral("/d/b.dcm"));
    // The SR is listed with what it is, and is not an image.
    const QModelIndex sr = model.index(0, 0, series1);
    QCOMPARE(sr.data(StudyTreeModel::HasImageRole).toBool(), false);
    QVERIFY(sr.data().toString().contains(QStringLiteral("structured report")));
    // First image skips the SR.
    QCOMPARE(model.firstImageInstance().data(StudyTreeModel::PathRole).toString(), QStringLiteral("/d/a.dcm"));
    QCOMPARE(model.findPath(QStringLiteral("/e/x.dcm")).data(StudyTreeModel::LevelRole).toInt(), int(StudyTreeModel::Level::Instance));
    QVERIFY(!model.findPath(QStringLiteral("/nope")).isValid());
    QCOMPARE(model.instanceIndexes().size(), 5);
    QCOMPARE(model.instanceIndexes().back().data(StudyTreeModel::PathRole).toString(), QStringLiteral("/d/mask.png"));
    model.setStudyTree({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.instanceCount(), 0);
}

void TestUiModels::tagTreeNesting()
{
    std::vector<ks::TagEntry> tags{
        {"(0008,0060)", "Modality", "CS", "US", 0},
        {"(0018,6011)", "SequenceOfUltrasoundRegions", "SQ", "", 0},
        {"(fffe,e000)", "Item", "na", "", 1},
        {"(0018,602c)", "PhysicalDeltaX", "FD", "0.02548", 2},
        {"(0018,602e)", "PhysicalDeltaY", "FD", "0.02548", 2},
        {"(fffe,e000)", "Item", "na", "", 1},
        {"(0028,0010)", "Rows", "US", "768", 0},
    };
    TagTreeModel model;
    model.setTags(tags);
    QCOMPARE(model.entryCount(), 7);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(TagTreeModel::ColumnCount));
    const QModelIndex seq = model.index(1, 0);
    QCOMPARE(model.rowCount(seq), 2); // two items
    const QModelIndex item1 = model.index(0, 0, seq);
    QCOMPARE(model.rowCount(item1), 2);
    QCOMPARE(model.index(0, TagTreeModel::ValueColumn, item1).data().toString(), QStringLiteral("0.02548"));
    QCOMPARE(model.index(2, TagTreeModel::NameColumn).data().toString(), QStringLiteral("Rows"));
}

void TestUiModels::rendererGrey8WindowAndCache()
{
    FrameRenderer r;
    r.setImage(grey8Ramp());
    // No window in the file: identity on 8-bit data.
    QCOMPARE(r.defaultWindow().center, 127.5);
    QCOMPARE(r.defaultWindow().width, 255.0);
    QImage img = r.render(0);
    QCOMPARE(img.format(), QImage::Format_Grayscale8);
    QCOMPARE(img.size(), QSize(256, 4));
    for (int x : {0, 17, 128, 255})
        QCOMPARE(int(img.constScanLine(2)[x]), x);
    // Caching: same frame and window → same QImage, no LUT rebuild.
    const int builds = r.lutBuilds();
    QCOMPARE(r.render(0).cacheKey(), img.cacheKey());
    r.setWindow(r.window());
    QCOMPARE(r.render(0).cacheKey(), img.cacheKey());
    QCOMPARE(r.lutBuilds(), builds);
    // A narrow window saturates below and above, and is linear inside.
    r.setWindow(Window{100, 50}); // 75..125
    img = r.render(0);
    QCOMPARE(r.lutBuilds(), builds + 1);
    QCOMPARE(int(img.constScanLine(0)[50]), 0);
    QCOMPARE(int(img.constScanLine(0)[200]), 255);
    QVERIFY(qAbs(img.constScanLine(0)[100] - 127.5) <= 1); // centre of the window
    QVERIFY(img.constScanLine(0)[90] < img.constScanLine(0)[110]);
    r.resetWindow();
    QCOMPARE(int(r.render(0).constScanLine(0)[90]), 90);
    QVERIFY(r.render(1).isNull());
}

void TestUiModels::rendererGrey16AndSigned()
{
    ks::Image image;
    cv::Mat m(2, 3, CV_16UC1);
    m.at<ushort>(0, 0) = 1000; m.at<ushort>(0, 1) = 2000; m.at<ushort>(0, 2) = 3000;
    m.at<ushort>(1, 0) = 500;  m.at<ushort>(1, 1) = 4000; m.at<ushort>(1, 2) = 2250;
    image.frames = {m};
    FrameRenderer r;
    r.setImage(image);
    QCOMPARE(r.dataRange().first, 500.0);
    QCOMPARE(r.dataRange().second, 4000.0);
    QImage img = r.render(0);
    QCOMPARE(int(img.constScanLine(1)[0]), 0);
    QCOMPARE(int(img.constScanLine(1)[1]), 255);
    QCOMPARE(int(img.constScanLine(1)[2]), 128); // middle of the range
    // The image's window is in stored values (a rescale does not move it).
    image.rescaleSlope = 2;
    image.rescaleIntercept = -1000;
    image.windowCenter = 2000;
    image.windowWidth = 1000; // 1500..2500
    r.setImage(image);
    img = r.render(0);
    QCOMPARE(int(img.constScanLine(0)[0]), 0);   // below
    QVERIFY(qAbs(img.constScanLine(0)[1] - 127.5) <= 1); // centre
    QCOMPARE(int(img.constScanLine(0)[2]), 255);

    ks::Image signedImage;
    cv::Mat s(1, 3, CV_16SC1);
    s.at<short>(0, 0) = -1000; s.at<short>(0, 1) = 0; s.at<short>(0, 2) = 1000;
    signedImage.frames = {s};
    r.setImage(signedImage);
    img = r.render(0);
    QCOMPARE(int(img.constScanLine(0)[0]), 0);
    QCOMPARE(int(img.constScanLine(0)[1]), 128);
    QCOMPARE(int(img.constScanLine(0)[2]), 255);
}

void TestUiModels::rendererRgb()
{
    ks::Image image;
    cv::Mat m(1, 2, CV_8UC3);
    m.at<cv::Vec3b>(0, 0) = {200, 20, 100}; // RGB order
    m.at<cv::Vec3b>(0, 1) = {0, 255, 60};
    image.frames = {m, m.clone()};
    FrameRenderer r;
    r.setImage(image);
    QImage img = r.render(1);
    QCOMPARE(img.format(), QImage::Format_RGB888);
    QCOMPARE(img.pixelColor(0, 0), QColor(200, 20, 100));
    QCOMPARE(img.pixelColor(1, 0), QColor(0, 255, 60));
    r.setWindow(Window{63.75, 127.5}); // doubles contrast: 0..127.5 → 0..255
    img = r.render(1);
    QCOMPARE(img.pixelColor(0, 0), QColor(255, 40, 200));
}

void TestUiModels::presetsScaleWithRange()
{
    QVERIFY(windowPresets().size() >= 4);
    const WindowPreset& full = windowPresets().front();
    const Window w8 = full.apply(0, 255);
    QCOMPARE(w8.center, 127.5);
    QCOMPARE(w8.width, 255.0);
    const Window w16 = full.apply(500, 4500);
    QCOMPARE(w16.center, 2500.0);
    QCOMPARE(w16.width, 4000.0);
    for (const WindowPreset& p : windowPresets())
        QVERIFY2(p.apply(0, 255).width > 0, qPrintable(p.name));
}

void TestUiModels::scaleBarChoosesRoundLengths()
{
    // 0.25 mm/px at 1:1, 200 px available → 50 mm fits exactly.
    ScaleBar b = ScaleBar::choose(0.25, 1.0, 200);
    QCOMPARE(b.lengthMm, 50.0);
    QCOMPARE(b.screenPixels, 200.0);
    QCOMPARE(b.label, QStringLiteral("5 cm"));
    // 0.2548 mm/px at zoom 0.5: 220 px = 112 mm → 10 cm, 196 px.
    b = ScaleBar::choose(0.2548, 0.5, 220);
    QCOMPARE(b.lengthMm, 100.0);
    QVERIFY(qAbs(b.screenPixels - 100 * 0.5 / 0.2548) < 1e-9);
    QCOMPARE(b.label, QStringLiteral("10 cm"));
    // Zoomed in a lot: millimetres.
    b = ScaleBar::choose(0.2, 8.0, 150); // 40 px/mm → 3.75 mm → 2 mm
    QCOMPARE(b.lengthMm, 2.0);
    QCOMPARE(b.label, QStringLiteral("2 mm"));
    for (double zoom : {0.1, 0.37, 1.0, 2.5, 13.0}) {
        const ScaleBar s = ScaleBar::choose(0.3, zoom, 200);
        QVERIFY(s.screenPixels <= 200 + 1e-9);
        QVERIFY(s.screenPixels >= 200 / 5.0);
    }
    QVERIFY(!ScaleBar::choose(0, 1, 200).isValid());
}

void TestUiModels::pixelProbe()
{
    ks::Image image = grey8Ramp(100, 50);
    PixelReading r = PixelProbe::read(image, 0, QPointF(42.7, 10.2));
    QVERIFY(r.inside);
    QCOMPARE(r.x, 42);
    QCOMPARE(r.y, 10);
    QCOMPARE(r.value, QStringLiteral("42"));
    QVERIFY(!r.xMm.has_value());
    QVERIFY(!PixelProbe::read(image, 0, QPointF(-0.5, 3)).inside);
    QVERIFY(!PixelProbe::read(image, 0, QPointF(100, 3)).inside);
    QVERIFY(!PixelProbe::read(image, 1, QPointF(1, 1)).inside);

    image.calibration = ks::Calibration::user(0.5);
    image.calibration.fieldOfView = ks::Box{10, 0, 50, 50};
    r = PixelProbe::read(image, 0, QPointF(20, 8));
    QCOMPARE(*r.xMm, 10.0);
    QCOMPARE(*r.yMm, 4.0);
    QVERIFY(r.insideFieldOfView);
    QVERIFY(r.text().contains(QStringLiteral("10.0 mm, 4.0 mm")));
    QVERIFY(!PixelProbe::read(image, 0, QPointF(5, 8)).insideFieldOfView);

    ks::Image rgb;
    rgb.frames = {cv::Mat(2, 2, CV_8UC3, cv::Scalar(1, 2, 3))};
    QCOMPARE(PixelProbe::read(rgb, 0, QPointF(1, 1)).value, QStringLiteral("RGB 1, 2, 3"));
}

namespace {

/// Fake core calls: "slow*" paths report progress for up to 5 s (cancellable); "bad*" throws.
LoadFunctions fakeFunctions(std::atomic<int>* started = nullptr)
{
    LoadFunctions f;
    f.load = [started](const std::string& path, ks::Progress& progress) {
        if (started)
            ++*started;
        if (path.find("bad") != std::string::npos)
            throw ks::Error("the file is truncated", "re-export it from the scanner");
        if (path.find("slow") != std::string::npos)
            for (int i = 0; i < 500; ++i) {
                progress.step(i / 500.0, "decoding");
                QThread::msleep(10);
            }
        ks::Image image;
        image.frames = {cv::Mat(30, 40, CV_8UC1, cv::Scalar(7))};
        image.meta.sourcePath = path;
        return image;
    };
    f.scan = [](const std::string&, ks::Progress&) { return sampleTree(); };
    f.ensureDemo = [](const std::string& folder, ks::Progress& progress) {
        progress.step(0.5, "generating");
        return folder;
    };
    return f;
}

} // namespace

void TestUiModels::loaderDeliversResultAndFailure()
{
    LoadController loader(fakeFunctions());
    QSignalSpy loaded(&loader, &LoadController::imageLoaded);
    QSignalSpy failed(&loader, &LoadController::failed);
    QSignalSpy imageFailed(&loader, &LoadController::imageFailed);
    QSignalSpy scanned(&loader, &LoadController::scanFinished);
    QSignalSpy busy(&loader, &LoadController::busyChanged);

    loader.requestImage(QStringLiteral("/x/good.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
    QCOMPARE(loaded.front().at(0).toString(), QStringLiteral("/x/good.dcm"));
    const auto image = loaded.front().at(1).value<ks::Image>();
    QCOMPARE(image.width(), 40);
    QCOMPARE(image.meta.sourcePath, std::string("/x/good.dcm"));

    loader.requestImage(QStringLiteral("/x/bad.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const QString message = failed.front().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("bad.dcm")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("the file is truncated")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("re-export it from the scanner")), qPrintable(message));
    QCOMPARE(imageFailed.size(), 1);
    QCOMPARE(imageFailed.front().at(0).toString(), QStringLiteral("/x/bad.dcm"));

    loader.requestDemo(QStringLiteral("/tmp/demo-folder"));
    QTRY_COMPARE_WITH_TIMEOUT(scanned.size(), 1, 10000);
    QCOMPARE(scanned.front().at(0).toString(), QStringLiteral("/tmp/demo-folder"));
    QCOMPARE(scanned.front().at(1).value<ks::dicom::StudyTree>().patients.size(), size_t(3));
    QTRY_VERIFY(!loader.isBusy());
    QVERIFY(busy.size() >= 2);
    QCOMPARE(busy.back().at(0).toBool(), false);
    QCOMPARE(loaded.size(), 1);
}

void TestUiModels::loaderLatestRequestWins()
{
    std::atomic<int> started{0};
    LoadController loader(fakeFunctions(&started));
    QSignalSpy loaded(&loader, &LoadController::imageLoaded);
    QSignalSpy cancelled(&loader, &LoadController::cancelled);
    loader.requestImage(QStringLiteral("/x/slow1.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(started.load(), 1, 10000); // the slow one is running
    loader.requestImage(QStringLiteral("/x/slow2.dcm"));  // queued, supersedes slow1
    loader.requestImage(QStringLiteral("/x/fast.dcm"));   // supersedes slow2 before it starts
    QTRY_VERIFY_WITH_TIMEOUT(!loader.isBusy(), 10000);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded.front().at(0).toString(), QStringLiteral("/x/fast.dcm"));
    QCOMPARE(started.load(), 2); // slow2 was skipped without running
    QCOMPARE(cancelled.size(), 0); // superseded requests end silently
}

void TestUiModels::loaderCancel()
{
    std::atomic<int> started{0};
    LoadController loader(fakeFunctions(&started));
    QSignalSpy loaded(&loader, &LoadController::imageLoaded);
    QSignalSpy cancelled(&loader, &LoadController::cancelled);
    QSignalSpy progress(&loader, &LoadController::progress);
    loader.requestImage(QStringLiteral("/x/slow.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(started.load(), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 1, 10000);
    loader.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), 1, 3000); // the fake stops within 10 ms
    QVERIFY(!loader.isBusy());
    QCOMPARE(loaded.size(), 0);
}

void TestUiModels::loaderRealDicom()
{
    const QString us = QStringLiteral(KS_SHARED_DIR "/dicom/us");
    if (!QDir(us).exists())
        QSKIP("shared DICOM data not present");
    LoadController loader;
    QSignalSpy loaded(&loader, &LoadController::imageLoaded);
    QSignalSpy failed(&loader, &LoadController::failed);
    QSignalSpy scanned(&loader, &LoadController::scanFinished);
    loader.requestImage(us + QStringLiteral("/US-PAL-8-10x-echo.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size() + failed.size(), 1, 30000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().at(0).toString()));
    const auto image = loaded.front().at(1).value<ks::Image>();
    QCOMPARE(image.frameCount(), 10);
    QVERIFY(image.isColor());
    QVERIFY(image.frameTimeMs > 0);

    loader.requestImage(us + QStringLiteral("/US1_J2KR.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
    QVERIFY2(failed.front().at(0).toString().contains(QStringLiteral("JPEG 2000")), qPrintable(failed.front().at(0).toString()));
    QCOMPARE(loaded.size(), 1);

    loader.requestScan(us);
    QTRY_COMPARE_WITH_TIMEOUT(scanned.size(), 1, 30000);
    StudyTreeModel model;
    model.setStudyTree(scanned.front().at(1).value<ks::dicom::StudyTree>());
    QVERIFY2(model.instanceCount() >= 9, qPrintable(QString::number(model.instanceCount())));
    QVERIFY(model.firstImageInstance().isValid());
}

QTEST_GUILESS_MAIN(TestUiModels)
#include "TestUiModels.moc"
