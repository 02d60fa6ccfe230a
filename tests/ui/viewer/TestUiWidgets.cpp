/// Viewer widgets offscreen: zoom, pan, window/level by mouse, cine stepping and playback,
/// overlay layers, and the main window's open → browse → show flow with a fake loader.

#include "models/LoadController.h"
#include "models/TagTreeModel.h"
#include "widgets/CineBar.h"
#include "widgets/ImageView.h"
#include "widgets/MainWindow.h"
#include "widgets/StudyBrowser.h"
#include "widgets/TagPanel.h"

#include "common/Error.h"

#include <QApplication>
#include <QDir>
#include <QGraphicsRectItem>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

using namespace ks::ui;

namespace {

/// 400×300 8-bit horizontal ramp (value = x * 255 / 399), `frames` frames whose top-left
/// pixel holds the frame index.
ks::Image rampImage(int frames = 1)
{
    ks::Image image;
    for (int f = 0; f < frames; ++f) {
        cv::Mat m(300, 400, CV_8UC1);
        for (int y = 0; y < m.rows; ++y)
            for (int x = 0; x < m.cols; ++x)
                m.at<uchar>(y, x) = static_cast<uchar>(x * 255 / 399);
        m.at<uchar>(0, 0) = static_cast<uchar>(f);
        image.frames.push_back(m);
    }
    image.frameTimeMs = 20;
    return image;
}

void sendMouse(QWidget* w, QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons buttons)
{
    QMouseEvent e(type, QPointF(pos), w->mapToGlobal(QPointF(pos)), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

void drag(QWidget* viewport, Qt::MouseButton button, QPoint from, QPoint to)
{
    sendMouse(viewport, QEvent::MouseButtonPress, from, button, button);
    const QPoint mid = (from + to) / 2;
    sendMouse(viewport, QEvent::MouseMove, mid, Qt::NoButton, button);
    sendMouse(viewport, QEvent::MouseMove, to, Qt::NoButton, button);
    sendMouse(viewport, QEvent::MouseButtonRelease, to, button, Qt::NoButton);
}

/// Fake core calls for a study folder: a 10-frame cine, a structured report and a broken file.
LoadFunctions fakeStudy(const QString& study)
{
    LoadFunctions f;
    f.scan = [study](const std::string& path, ks::Progress&) {
        ks::dicom::StudyTree tree;
        auto inst = [&](const char* name, int n, bool hasImage, const char* kind) {
            ks::dicom::InstanceInfo i;
            i.path = (study + QLatin1Char('/') + QLatin1String(name)).toStdString();
            i.instanceNumber = n;
            i.hasImage = hasImage;
            i.objectKind = kind;
            i.frames = hasImage ? 10 : 0;
            return i;
        };
        tree.patients = {{"P1", "Doe^Jane", {{"1.2", "Renal", "20240101", {{"1.2.1", "B-mode", "US", 1,
            {inst("cine.dcm", 1, true, "image"), inst("sr.dcm", 2, false, "structured report"), inst("bad.dcm", 3, true, "image")}}}}}}};
        tree.skippedFiles = 2;
        return tree;
    };
    f.load = [](const std::string& path, ks::Progress&) -> ks::Image {
        if (path.find("bad") != std::string::npos)
            throw ks::Error("the pixel data is truncated", "re-export the file");
        ks::Image image = rampImage(10);
        image.calibration = ks::Calibration::user(0.3);
        image.tags = {{"(0008,0060)", "Modality", "CS", "US", 0}};
        return image;
    };
    f.ensureDemo = [](const std::string& folder, ks::Progress&) { return folder; };
    return f;

}

} // namespace

class TestUiWidgets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void zoomFitActualAndKeys();
    void wheelZoomKeepsPointUnderCursor();
    void panWithMiddleButton();
    void windowLevelDragChangesPixels();
    void cineStepping();
    void cinePlaybackAdvancesAndStops();
    void overlayLayerFollowsZoom();
    void scaleBarOrUncalibratedMarker();
    void mainWindowOpenBrowseShow();
    void mainWindowDropAndRecent();
    void mainWindowRealDicom();
};

void TestUiWidgets::zoomFitActualAndKeys()
{
    ImageView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setImage(rampImage());
    QVERIFY(view.isFitMode());
    QCOMPARE(view.zoom(), 2.0); // 400×300 in 800×600
    view.zoomIn();
    QCOMPARE(view.zoom(), 2.5);
    QVERIFY(!view.isFitMode());
    view.zoomOut();
    QCOMPARE(view.zoom(), 2.0);
    view.actualSize();
    QCOMPARE(view.zoom(), 1.0);
    QCOMPARE(view.transform().m22(), 1.0);
    view.fitToWindow();
    QCOMPARE(view.zoom(), 2.0);
    // Fit follows resizes.
    view.resize(400, 600);
    QTRY_COMPARE(view.zoom(), 1.0);
    view.resize(800, 600);
    QTRY_COMPARE(view.zoom(), 2.0);
    // Keys.
    QTest::keyClick(&view, Qt::Key_Plus);
    QCOMPARE(view.zoom(), 2.5);
    QTest::keyClick(&view, Qt::Key_Minus);
    QTest::keyClick(&view, Qt::Key_Minus);
    QCOMPARE(view.zoom(), 1.6);
    QTest::keyClick(&view, Qt::Key_1);
    QCOMPARE(view.zoom(), 1.0);
    QTest::keyClick(&view, Qt::Key_0);
    QCOMPARE(view.zoom(), 2.0);
    QVERIFY(view.isFitMode());
    // Limits.
    for (int i = 0; i < 60; ++i)
        view.zoomIn();
    QCOMPARE(view.zoom(), 64.0);
}

void TestUiWidgets::wheelZoomKeepsPointUnderCursor()
{
    ImageView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setImage(rampImage());
    view.setZoom(2.5); // larger than the view: every point can stay under the cursor
    const QPoint cursor(350, 260);
    const QPointF before = view.mapToScene(cursor);
    QWheelEvent wheel(QPointF(cursor), view.viewport()->mapToGlobal(QPointF(cursor)), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view.viewport(), &wheel);
    QCOMPARE(view.zoom(), 2.5 * 1.5625); // two notches of 1.25
    const QPointF after = view.mapToScene(cursor);
    QVERIFY2(QLineF(before, after).length() <= 1.0,
             qPrintable(QStringLiteral("%1,%2 -> %3,%4").arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));
}

void TestUiWidgets::panWithMiddleButton()
{
    ImageView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setImage(rampImage());
    view.setZoom(4.0);
    const QPoint centre = view.viewport()->rect().center();
    const QPointF before = view.mapToScene(centre);
    QVERIFY(QLineF(before, QPointF(200, 150)).length() <= 1.0); // zoom keeps the centre
    drag(view.viewport(), Qt::MiddleButton, QPoint(400, 300), QPoint(300, 260)); // content follows the mouse
    const QPointF after = view.mapToScene(centre);
    QVERIFY2(qAbs((after.x() - before.x()) - 100 / 4.0) <= 0.5, qPrintable(QString::number(after.x() - before.x())));
    QVERIFY2(qAbs((after.y() - before.y()) - 40 / 4.0) <= 0.5, qPrintable(QString::number(after.y() - before.y())));
    // Space + left drag pans back.
    QTest::keyPress(&view, Qt::Key_Space);
    drag(view.viewport(), Qt::LeftButton, QPoint(300, 260), QPoint(400, 300));
    QTest::keyRelease(&view, Qt::Key_Space);
    QVERIFY(QLineF(view.mapToScene(centre), before).length() <= 1.0);
    // Without space, the pointer tool leaves left drags to the scene (no pan).
    drag(view.viewport(), Qt::LeftButton, QPoint(300, 260), QPoint(400, 300));
    QVERIFY(QLineF(view.mapToScene(centre), before).length() <= 1.0);
    // The hand tool pans with the left button.
    view.setTool(ImageView::Tool::Pan);
    drag(view.viewport(), Qt::LeftButton, QPoint(400, 300), QPoint(300, 260));
    QVERIFY(QLineF(view.mapToScene(centre), after).length() <= 1.0);
}

void TestUiWidgets::windowLevelDragChangesPixels()
{
    ImageView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setImage(rampImage());
    QSignalSpy windowSpy(&view, &ImageView::windowChanged);
    const Window start = view.window();
    const int before = view.displayedImage().pixelColor(100, 150).red(); // stored 63
    QCOMPARE(before, 100 * 255 / 399);

    // Right-drag left: narrower window (more contrast); right-drag down: higher level (darker).
    drag(view.viewport(), Qt::RightButton, QPoint(400, 300), QPoint(300, 300));
    QVERIFY(view.window().width < start.width);
    QCOMPARE(view.window().center, start.center);
    QVERIFY(!windowSpy.isEmpty());
    const int contrasted = view.displayedImage().pixelColor(100, 150).red();
    QVERIFY2(contrasted < before, qPrintable(QString::number(contrasted))); // below the centre: darker
    drag(view.viewport(), Qt::RightButton, QPoint(400, 300), QPoint(400, 360));
    QVERIFY(view.window().center > start.center);
    QVERIFY(view.displayedImage().pixelColor(300, 150).red() < 255);
    // The displayed image equals the LUT applied to the stored value.
    const Window w = view.window();
    const double expected = std::clamp((191 - (w.center - w.width / 2)) / w.width * 255.0, 0.0, 255.0);
    QVERIFY(qAbs(view.displayedImage().pixelColor(300, 150).red() - expected) <= 1.0);

    // Reset (key R) restores the file default.
    QTest::keyClick(&view, Qt::Key_R);
    QCOMPARE(view.window(), start);
    QCOMPARE(view.displayedImage().pixelColor(100, 150).red(), before);

    // The W/L tool uses the left button.
    view.setTool(ImageView::Tool::WindowLevel);
    drag(view.viewport(), Qt::LeftButton, QPoint(400, 300), QPoint(500, 300));
    QVERIFY(view.window().width > start.width);
    // Presets.
    view.applyPreset(windowPresets().at(1)); // high contrast: half the range
    QCOMPARE(view.window().width, 127.5);
}

void TestUiWidgets::cineStepping()
{
    ImageView view;
    CineBar cine;
    QObject::connect(&cine, &CineBar::frameChanged, &view, &ImageView::setFrame);
    QObject::connect(&view, &ImageView::frameChanged, &cine, &CineBar::setFrame);
    view.setImage(rampImage(10));
    cine.setFrameCount(10);
    cine.setFrameTimeMs(20);
    QCOMPARE(cine.frame(), 0);
    cine.next();
    QCOMPARE(view.frame(), 1);
    QCOMPARE(view.displayedImage().pixelColor(0, 0).red(), 1);
    cine.next();
    cine.previous();
    QCOMPARE(view.frame(), 1);
    // Slider.
    auto* slider = cine.findChild<QSlider*>();
    QVERIFY(slider);
    QCOMPARE(slider->maximum(), 9);
    slider->setValue(7);
    QCOMPARE(view.frame(), 7);
    QCOMPARE(view.displayedImage().pixelColor(0, 0).red(), 7);
    // Keys on the view move the cine bar too.
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(cine.frame(), 8);
    QCOMPARE(slider->value(), 8);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(cine.frame(), 7);
    // Wrapping with loop; clamping without.
    cine.setFrame(9);
    cine.next();
    QCOMPARE(view.frame(), 0);
    cine.setLoop(false);
    cine.previous();
    QCOMPARE(view.frame(), 0);
    cine.setFrame(42);
    QCOMPARE(view.frame(), 9);
    // Speed from the frame time.
    QCOMPARE(cine.intervalMs(), 20);
    cine.setSpeed(2.0);
    QCOMPARE(cine.intervalMs(), 10);
    cine.setFrameTimeMs(0); // unknown → 25 fps
    cine.setSpeed(1.0);
    QCOMPARE(cine.intervalMs(), int(CineBar::defaultFrameTimeMs));
}

void TestUiWidgets::cinePlaybackAdvancesAndStops()
{
    CineBar cine;
    cine.setFrameCount(5);
    cine.setFrameTimeMs(10);
    cine.setLoop(false);
    QSignalSpy frames(&cine, &CineBar::frameChanged);
    QSignalSpy playing(&cine, &CineBar::playingChanged);
    cine.play();
    QVERIFY(cine.isPlaying());
    // The timer drives the frames; without loop playback stops on the last frame.
    QTRY_VERIFY_WITH_TIMEOUT(!cine.isPlaying(), 5000);
    QCOMPARE(cine.frame(), 4);
    QCOMPARE(frames.size(), 4);
    QCOMPARE(playing.size(), 2);
    // With loop it wraps and keeps playing.
    cine.setLoop(true);
    cine.play();
    QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 10, 5000);
    QVERIFY(cine.isPlaying());
    cine.pause();
    QVERIFY(!cine.isPlaying());
    // A single frame never plays.
    cine.setFrameCount(1);
    cine.play();
    QVERIFY(!cine.isPlaying());
    // advance() by hand is one tick.
    cine.setFrameCount(3);
    cine.advance();
    cine.advance();
    QCOMPARE(cine.frame(), 2);
    cine.advance();
    QCOMPARE(cine.frame(), 0);
}

void TestUiWidgets::overlayLayerFollowsZoom()
{
    ImageView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setImage(rampImage());
    QGraphicsItem* layer = view.layer(QStringLiteral("detections"), 20);
    QCOMPARE(view.layer(QStringLiteral("detections")), layer);
    auto* box = new QGraphicsRectItem(QRectF(100, 50, 40, 30), layer);
    view.actualSize();
    const QRect at1 = view.mapFromScene(box->sceneBoundingRect()).boundingRect();
    view.setZoom(3.0);
    const QRect at3 = view.mapFromScene(box->sceneBoundingRect()).boundingRect();
    QVERIFY(qAbs(at3.width() - 3 * at1.width()) <= 3);
    view.setImage(rampImage()); // layers survive a new image
    QCOMPARE(box->parentItem(), layer);
    view.setLayerVisible(QStringLiteral("detections"), false);
    QVERIFY(!box->isVisible());

    // Screen-fixed painters (legends, colour bars) draw in viewport pixels at any zoom.
    const int id = view.addForegroundPainter([](QPainter& p, const QRect& vp) { p.fillRect(QRect(vp.left() + 5, vp.top() + 5, 20, 20), Qt::magenta); });
    for (double zoom : {0.5, 4.0}) {
        view.setZoom(zoom);
        QCOMPARE(view.grab().toImage().pixelColor(15, 15), QColor(Qt::magenta));
    }
    view.removeForegroundPainter(id);
    QVERIFY(view.grab().toImage().pixelColor(15, 15) != QColor(Qt::magenta));
}

void TestUiWidgets::scaleBarOrUncalibratedMarker()
{
    ImageView view;
    view.resize(800, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    ks::Image image = rampImage();
    view.setImage(image);
    const QImage uncalibrated = view.grab().toImage();
    image.calibration = ks::Calibration::user(0.25);
    view.setImage(image);
    const QImage calibrated = view.grab().toImage();
    // The overlays sit in the bottom-right corner; the rest of the picture is identical.
    QCOMPARE(uncalibrated.size(), calibrated.size());
    const QRect corner(520, 480, 280, 120);
    int differing = 0;
    for (int y = 0; y < calibrated.height(); ++y)
        for (int x = 0; x < calibrated.width(); ++x)
            if (uncalibrated.pixel(x, y) != calibrated.pixel(x, y)) {
                QVERIFY2(corner.contains(x, y), qPrintable(QStringLiteral("%1,%2").arg(x).arg(y)));
                ++differing;
            }
    QVERIFY(differing > 50);
    QVERIFY(TagPanel::describeCalibration(image.calibration).contains(QStringLiteral("0.2500")));
    QVERIFY(TagPanel::describeCalibration(ks::Calibration{}).contains(QStringLiteral("Uncalibrated")));
}

void TestUiWidgets::mainWindowOpenBrowseShow()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString study = dir.filePath(QStringLiteral("study"));
    QVERIFY(QDir().mkpath(study));

    const LoadFunctions f = fakeStudy(study);

    auto settings = std::make_unique<Settings>(dir.filePath(QStringLiteral("s.ini")));
    MainWindow window(std::move(settings), new LoadController(f));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy shown(&window, &MainWindow::imageShown);
    QSignalSpy failed(&window, &MainWindow::openFailed);

    window.openPath(study);
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 10000);
    QCOMPARE(window.studyBrowser()->model()->instanceCount(), 3);
    QVERIFY(window.studyBrowser()->summary().contains(QStringLiteral("2 non-DICOM files skipped")));
    QVERIFY(window.imageView()->hasImage());
    QCOMPARE(window.imageView()->frameCount(), 10);
    QVERIFY(window.cineBar()->isVisible());
    QCOMPARE(window.cineBar()->frameCount(), 10);
    QCOMPARE(window.settings().recentPaths().front(), study);
    QCOMPARE(window.settings().lastFolder(), study);
    QVERIFY(window.tagPanel()->calibrationText().contains(QStringLiteral("0.3000")));

    // Cursor readout: pixel position, stored value (the ramp) and millimetres (0.3 mm/px).
    ImageView* view = window.imageView();
    const QPoint over = view->mapFromScene(QPointF(200.5, 100.5));
    QTest::mouseMove(view->viewport(), over);
    const QPointF probed = view->mapToScene(over);
    const int px = int(probed.x()), py = int(probed.y());
    const QString readout = window.pixelReadout();
    QVERIFY2(readout.contains(QStringLiteral("x %1  y %2").arg(px).arg(py)), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("value %1").arg(px * 255 / 399)), qPrintable(readout));
    QVERIFY2(readout.contains(QStringLiteral("%1 mm").arg(probed.x() * 0.3, 0, 'f', 1)), qPrintable(readout));

    // The structured report: a message instead of an image, no error.
    QVERIFY(window.studyBrowser()->selectNext(1));
    QVERIFY(!window.imageView()->hasImage());
    QVERIFY(window.imageView()->message().contains(QStringLiteral("structured report")));
    QVERIFY(!window.cineBar()->isVisible());
    QCOMPARE(failed.size(), 0);

    // A broken file: one message with the hint, in the status bar and the view.
    QVERIFY(window.studyBrowser()->selectNext(1));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    QVERIFY(window.lastMessage().contains(QStringLiteral("the pixel data is truncated")));
    QVERIFY(window.lastMessage().contains(QStringLiteral("re-export the file")));
    QVERIFY(window.imageView()->message().contains(QStringLiteral("truncated")));

    // A path that does not exist: a message, not a crash.
    window.openPath(dir.filePath(QStringLiteral("missing")));
    QCOMPARE(failed.size(), 2);
    QVERIFY(window.lastMessage().contains(QStringLiteral("does not exist")));

    // The demo study: generated (here: a fake) in the app data folder, then opened.
    QSignalSpy opened(&window, &MainWindow::studyOpened);
    const int shownBefore = static_cast<int>(shown.size());
    window.openDemo();
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 10000);
    QCOMPARE(opened.front().at(0).toString(), MainWindow::demoFolder());
    QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(shown.size()), shownBefore + 1, 10000);
    QVERIFY(window.imageView()->hasImage());

    // Layout persists on close.
    window.close();
    Settings reread(dir.filePath(QStringLiteral("s.ini")));
    QVERIFY(!reread.windowGeometry().isEmpty());
    QVERIFY(!reread.windowState().isEmpty());
}

void TestUiWidgets::mainWindowDropAndRecent()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString study = dir.filePath(QStringLiteral("dropped"));
    QVERIFY(QDir().mkpath(study));
    MainWindow window(std::make_unique<Settings>(dir.filePath(QStringLiteral("s.ini"))), new LoadController(fakeStudy(study)));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::studyOpened);

    // Drag and drop of a folder from a file manager.
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(study)});
    const QPoint at = window.rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 10000);
    QCOMPARE(opened.front().at(0).toString(), study);
    QCOMPARE(window.settings().recentPaths(), QStringList{study});

    // A drag without local files is refused.
    QMimeData text;
    text.setText(QStringLiteral("hello"));
    QDragEnterEvent refused(at, Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QApplication::sendEvent(&window, &refused);
    QVERIFY(!refused.isAccepted());

    // The recent menu lists the study and reopens it.
    QMenu* recent = nullptr;
    for (QMenu* menu : window.findChildren<QMenu*>())
        if (menu->title() == QStringLiteral("&Recent"))
            recent = menu;
    QVERIFY(recent);
    QAction* entry = nullptr;
    for (QAction* a : recent->actions())
        if (a->text() == study)
            entry = a;
    QVERIFY(entry);
    entry->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 2, 10000);
}

void TestUiWidgets::mainWindowRealDicom()
{
    const QString us = QStringLiteral(KS_SHARED_DIR "/dicom/us");
    if (!QDir(us).exists())
        QSKIP("shared DICOM data not present");
    QTemporaryDir dir;
    MainWindow window(std::make_unique<Settings>(dir.filePath(QStringLiteral("s.ini"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy shown(&window, &MainWindow::imageShown);
    QSignalSpy failed(&window, &MainWindow::openFailed);

    // Multi-frame palette echo: cine at the file's frame time (76 ms).
    window.openPath(us + QStringLiteral("/US-PAL-8-10x-echo.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(shown.size() + failed.size(), 1, 30000);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(window.imageView()->frameCount(), 10);
    QVERIFY(window.cineBar()->isVisible());
    QCOMPARE(window.cineBar()->intervalMs(), 76);
    QVERIFY(window.tagPanel()->model()->entryCount() > 20);
    QVERIFY(window.imageView()->displayedImage().format() == QImage::Format_RGB888);
    window.cineBar()->next();
    QCOMPARE(window.imageView()->frame(), 1);

    // Calibrated B-mode: the pixel size from the ultrasound region.
    window.openPath(us + QStringLiteral("/JPGLosslessP14SV1_1s_1f_8b.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(shown.size() + failed.size(), 2, 30000);
    QCOMPARE(failed.size(), 0);
    QVERIFY(!window.cineBar()->isVisible());
    QVERIFY2(window.tagPanel()->calibrationText().contains(QStringLiteral("0.2548")), qPrintable(window.tagPanel()->calibrationText()));

    // JPEG 2000: one clear message, in the status bar and in the view.
    window.openPath(us + QStringLiteral("/US1_J2KR.dcm"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
    QVERIFY2(window.lastMessage().contains(QStringLiteral("JPEG 2000")), qPrintable(window.lastMessage()));
    QVERIFY(!window.imageView()->hasImage());
    QVERIFY(window.imageView()->message().contains(QStringLiteral("JPEG 2000")));
    QCOMPARE(shown.size(), 2);
}

QTEST_MAIN(TestUiWidgets)
#include "TestUiWidgets.moc"
