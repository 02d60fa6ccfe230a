// Annotation drawing: geometry helpers, and the tools driven with simulated mouse and keys on an
// offscreen ImageView, checking the project database (a fresh ProjectStore on the same file)
// after every step.

#include "annotation/ProjectStore.h"
#include "models/AnnotationListModel.h"
#include "models/AnnotationSession.h"
#include "models/RoiGeometry.h"
#include "models/Settings.h"
#include "widgets/AnnotationController.h"
#include "widgets/AnnotationDock.h"
#include "widgets/AnnotationPanel.h"
#include "widgets/AuthorField.h"
#include "widgets/DetectionDock.h"
#include "widgets/DetectionPanel.h"
#include "widgets/EvaluationView.h"
#include "widgets/ImageView.h"
#include "widgets/MainWindow.h"
#include "widgets/RoiItem.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <opencv2/core.hpp>

#include <cmath>

using namespace ks;
using namespace ks::ui;
using ks::annotation::Annotation;
using ks::annotation::ProjectStore;

namespace {

/// A generated w×h image (gradient and a bright ellipse) with `frames` frames, `mmPerPixel`
/// calibration (0 = none), and a file at `path` so that the store can checksum it.
ks::Image makeImage(const QString& path, int w, int h, int frames, double mmPerPixel)
{
    ks::Image image;
    for (int f = 0; f < frames; ++f) {
        cv::Mat m(h, w, CV_8UC1);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                m.at<uchar>(y, x) = static_cast<uchar>((x + y + 40 * f) % 200 + 20);
        image.frames.push_back(m);
    }
    if (mmPerPixel > 0)
        image.calibration = Calibration::user(mmPerPixel);
    image.windowCenter = 128;
    image.windowWidth = 256;
    image.meta.sopInstanceUid = "1.2.826.0.1.3680043.2.1125.42";
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(reinterpret_cast<const char*>(image.frames.front().data), w * h);
    return image;
}

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

} // namespace

class TestAnnotationUi : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_project;
    std::unique_ptr<ImageView> m_view;
    std::unique_ptr<AnnotationController> m_ctl;
    QString m_imagePath;
    ks::Image m_image;

    QWidget* vp() const { return m_view->viewport(); }
    QPoint at(QPointF scene) const { return m_view->mapFromScene(scene); }
    QPointF sceneOf(QPoint p) const { return m_view->mapToScene(p); }
    /// A fresh store on the same database: what is really committed.
    std::vector<Annotation> committed() const { return ProjectStore(m_project.toStdString(), false).annotations(); }
    void drag(QPoint a, QPoint b)
    {
        QTest::mousePress(vp(), Qt::LeftButton, {}, a);
        QTest::mouseMove(vp(), (a + b) / 2);
        QTest::mouseMove(vp(), b);
        QTest::mouseRelease(vp(), Qt::LeftButton, {}, b);
    }
    void setUpView(int w, int h, int frames, double mmPerPixel);

private Q_SLOTS:
    void init();
    void cleanup();
    void geometryResizeKeepsOppositeHandle();
    void geometryRotateAndMeasure();
    void drawMoveResizeUndoRedo();
    void rotatedBoxAndDelete();
    void framesAndWarnings();
    void authorsDiceAndReview();
    void fullDiskLosesNothing();
    void clickOnRotatedRoiChangesNothing();
    void openingAFileDoesNotAddIt();
    void closingAWindowGivesKeysBackToTheView();
    void screenshot();
};

void TestAnnotationUi::init()
{
    const QByteArray tmp = qgetenv("KS_TEST_TMP");
    if (!tmp.isEmpty())
        QDir().mkpath(QString::fromLocal8Bit(tmp));
    m_dir = std::make_unique<QTemporaryDir>(tmp.isEmpty() ? QDir::tempPath() + QStringLiteral("/ks-annui-XXXXXX")
                                                           : QString::fromLocal8Bit(tmp) + QStringLiteral("/annui-XXXXXX"));
    QVERIFY(m_dir->isValid());
    m_project = m_dir->filePath(QStringLiteral("project"));
}

void TestAnnotationUi::cleanup()
{
    m_ctl.reset();
    m_view.reset();
    m_dir.reset();
}

void TestAnnotationUi::setUpView(int w, int h, int frames, double mmPerPixel)
{
    m_view = std::make_unique<ImageView>();
    m_view->resize(900, 700);
    m_ctl = std::make_unique<AnnotationController>(m_view.get());
    m_ctl->session()->setAuthor(QStringLiteral("alice"));
    m_ctl->session()->openProject(m_project, true);
    m_imagePath = m_dir->filePath(QStringLiteral("image.raw"));
    m_image = makeImage(m_imagePath, w, h, frames, mmPerPixel);
    const QString& path = m_imagePath;
    const ks::Image& image = m_image;
    m_view->setImage(image);
    m_ctl->setImage(path, image);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->activateWindow();
    m_view->setFocus();
    m_view->setZoom(2.0);
    // Showing an image does not add it to the project; the tests add it on purpose.
    QVERIFY(!m_ctl->session()->currentImageId().has_value());
    QVERIFY(m_ctl->session()->addCurrentFrame().has_value());
    QVERIFY(m_ctl->session()->currentImageId().has_value());
}

void TestAnnotationUi::geometryResizeKeepsOppositeHandle()
{
    for (double angle : {0.0, -25.0, 15.0}) {
        const RotatedBox b{100, 80, 60, 30, angle};
        const QPointF anchor = RoiGeometry::handlePosition(b, RoiHandle::TopLeft, 0);
        const QPointF target = RoiGeometry::toScene(b, {45, 25}); // beyond the bottom-right corner
        const RotatedBox r = RoiGeometry::resized(b, RoiHandle::BottomRight, target);
        QVERIFY(near(r.length, 75, 1e-9) && near(r.width, 40, 1e-9));
        const QPointF anchorAfter = RoiGeometry::handlePosition(r, RoiHandle::TopLeft, 0);
        QVERIFY2(near(anchorAfter.x(), anchor.x(), 1e-9) && near(anchorAfter.y(), anchor.y(), 1e-9), "opposite corner moved");
        // An edge handle changes one side only.
        const RotatedBox e = RoiGeometry::resized(b, RoiHandle::Left, RoiGeometry::toScene(b, {-40, 100}));
        QVERIFY(near(e.length, 70, 1e-9) && near(e.width, 30, 1e-9));
        // Dragging past the anchor stops at the minimum side instead of flipping.
        const RotatedBox f = RoiGeometry::resized(b, RoiHandle::Right, RoiGeometry::toScene(b, {-100, 0}), 2);
        QVERIFY(near(f.length, 2, 1e-9));
        // handle positions agree with RotatedBox::corners()
        const auto c = b.corners();
        const QPointF br = RoiGeometry::handlePosition(b, RoiHandle::BottomRight, 0);
        QVERIFY(near(br.x(), c[2][0], 1e-9) && near(br.y(), c[2][1], 1e-9));
        const QPointF back = RoiGeometry::toLocal(b, RoiGeometry::toScene(b, {7, -3}));
        QVERIFY(near(back.x(), 7, 1e-9) && near(back.y(), -3, 1e-9));
    }
}

void TestAnnotationUi::geometryRotateAndMeasure()
{
    const RotatedBox b{200, 150, 100, 40, 0};
    // The rotation handle pointing up-right lifts the right end: a positive angle.
    for (double a : {-25.0, -10.0, 15.0, 30.0}) {
        const RotatedBox target{200, 150, 100, 40, a};
        const QPointF handle = RoiGeometry::handlePosition(target, RoiHandle::Rotate, 30);
        QVERIFY(near(RoiGeometry::rotatedTowards(b, handle).angleDeg, a, 1e-9));
    }
    // Pointing straight down is the same box turned by 180°: angle 0.
    QVERIFY(near(RoiGeometry::rotatedTowards(b, {200, 300}).angleDeg, 0, 1e-9));
    const RotatedBox axis = RoiGeometry::fromAxis({0, 100}, {100, 0}, 0.5);
    QVERIFY(near(axis.angleDeg, 45, 1e-9) && near(axis.length, std::sqrt(2.0) * 100, 1e-9));
    QVERIFY(near(axis.width, axis.length / 2, 1e-9));

    // 200×100 px at 0.5 mm: 100 × 50 mm, an adult kidney.
    RoiMeasure m = RoiGeometry::measure({0, 0, 200, 100, 0}, 0.5, 0.5, QStringLiteral("kidney"));
    QVERIFY(m.calibrated && near(m.length, 100, 1e-9) && near(m.width, 50, 1e-9) && !m.outsideKidneyRange);
    QVERIFY(m.text().contains(QStringLiteral("100.0")) && m.text().endsWith(QStringLiteral("mm")));
    // Too long, too narrow; the check applies to kidney labels only.
    QVERIFY(RoiGeometry::measure({0, 0, 300, 100, 0}, 0.5, 0.5, QStringLiteral("left kidney")).outsideKidneyRange);
    QVERIFY(RoiGeometry::measure({0, 0, 200, 60, 0}, 0.5, 0.5, QStringLiteral("kidney")).outsideKidneyRange);
    QVERIFY(!RoiGeometry::measure({0, 0, 300, 100, 0}, 0.5, 0.5, QStringLiteral("liver")).outsideKidneyRange);
    // Length is the longer side whatever the orientation; anisotropic pixels at 90°.
    m = RoiGeometry::measure({0, 0, 100, 200, 90}, 0.4, 0.6, QStringLiteral("kidney"));
    QVERIFY(near(m.length, 0.4 * 200, 1e-9) && near(m.width, 0.6 * 100, 1e-9));
    // Uncalibrated: pixels, never a warning.
    m = RoiGeometry::measure({0, 0, 1000, 10, 0}, 0, 0, QStringLiteral("kidney"));
    QVERIFY(!m.calibrated && !m.outsideKidneyRange && m.text().endsWith(QStringLiteral("px")));
}

void TestAnnotationUi::drawMoveResizeUndoRedo()
{
    setUpView(400, 300, 1, 0.5);
    // Draw: B, then drag corner to corner.
    QTest::keyClick(m_view.get(), Qt::Key_B);
    QCOMPARE(m_ctl->mode(), AnnotationController::Mode::DrawBox);
    const QPoint a = at({50, 60}), b = at({250, 160});
    drag(a, b);
    auto rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    const QPointF sa = sceneOf(a), sb = sceneOf(b);
    QVERIFY(near(rois[0].box.x, sa.x(), 1e-6) && near(rois[0].box.y, sa.y(), 1e-6));
    QVERIFY(near(rois[0].box.width, sb.x() - sa.x(), 1e-6) && near(rois[0].box.height, sb.y() - sa.y(), 1e-6));
    QVERIFY(!rois[0].rotated);
    QCOMPARE(rois[0].label, std::string("kidney"));
    QCOMPARE(rois[0].author, std::string("alice"));
    QVERIFY(rois[0].lengthMm && near(*rois[0].lengthMm, rois[0].box.width * 0.5, 1e-6));
    const long long id = rois[0].id;
    QCOMPARE(m_ctl->selectedId(), id);
    QVERIFY(m_ctl->item(id)->readoutText().contains(QStringLiteral("L 100.0 × W 50.0 mm")));
    QVERIFY(!m_ctl->item(id)->showsWarning());
    const Annotation drawn = rois[0];

    // Move: S, then drag the body by (30, 20) pixels.
    QTest::keyClick(m_view.get(), Qt::Key_S);
    QCOMPARE(m_ctl->mode(), AnnotationController::Mode::Select);
    drag(at({150, 110}), at({180, 130}));
    rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    const double mdx = sceneOf(at({180, 130})).x() - sceneOf(at({150, 110})).x();
    const double mdy = sceneOf(at({180, 130})).y() - sceneOf(at({150, 110})).y();
    QVERIFY(near(rois[0].box.x, drawn.box.x + mdx, 1e-6) && near(rois[0].box.y, drawn.box.y + mdy, 1e-6));
    QVERIFY(near(rois[0].box.width, drawn.box.width, 1e-6) && near(rois[0].box.height, drawn.box.height, 1e-6));
    const Annotation moved = rois[0];

    // Resize: drag the bottom-right handle; the top-left corner stays.
    const QPointF br(moved.box.right(), moved.box.bottom());
    const QPoint to = at(br + QPointF(20, 25));
    drag(at(br), to);
    rois = committed();
    QVERIFY(near(rois[0].box.x, moved.box.x, 1e-6) && near(rois[0].box.y, moved.box.y, 1e-6));
    QVERIFY(near(rois[0].box.right(), sceneOf(to).x(), 0.6) && near(rois[0].box.bottom(), sceneOf(to).y(), 0.6));
    QVERIFY(rois[0].box.width > moved.box.width + 15);
    const Annotation resized = rois[0];

    // Undo the resize, redo it: the database round-trips.
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(committed()[0].sameContent(moved));
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(committed()[0].sameContent(resized));
    QVERIFY(m_ctl->item(id)->geometry() == RoiGeometry::fromAnnotation(resized));

    // Nudge: 3 × Right, Shift+Down = (+3, +10); one undo step for the run of nudges.
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(m_view.get(), Qt::Key_Right);
    QTest::keyClick(m_view.get(), Qt::Key_Down, Qt::ShiftModifier);
    rois = committed();
    QVERIFY(near(rois[0].box.x, resized.box.x + 3, 1e-9) && near(rois[0].box.y, resized.box.y + 10, 1e-9));
    QCOMPARE(m_view->frame(), 0);
    const Annotation nudged = rois[0];
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(committed()[0].sameContent(resized));
    QTest::keyClick(m_view.get(), Qt::Key_Y, Qt::ControlModifier);
    QVERIFY(committed()[0].sameContent(nudged));

    // Undo everything: the ROI is gone; redo everything: the same ROI (same id) is back.
    QUndoStack* stack = m_ctl->session()->undoStack();
    QCOMPARE(stack->count(), 4); // add, move, resize, nudges
    while (stack->canUndo())
        QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(committed().size(), size_t(0));
    QVERIFY(m_ctl->items().isEmpty());
    while (stack->canRedo())
        QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    QCOMPARE(rois[0].id, id);
    QVERIFY(rois[0].sameContent(nudged));
    QCOMPARE(m_ctl->items().size(), 1);

    // Every step is in the audit log, undo included.
    const auto log = ProjectStore(m_project.toStdString(), false).auditLog(id);
    QVERIFY(log.size() >= 12);
    QCOMPARE(log.back().who, std::string("alice"));

    // Zoom keeps working in draw mode (the wheel is not taken by the tool).
    QTest::keyClick(m_view.get(), Qt::Key_B);
    const double zoom = m_view->zoom();
    QWheelEvent wheel(QPointF(at({200, 150})), m_view->viewport()->mapToGlobal(QPointF(at({200, 150}))), {}, {0, 120},
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &wheel);
    QVERIFY(m_view->zoom() > zoom);
    // ... and so does the middle-button pan, without drawing anything.
    m_view->setZoom(4);
    const QPoint centre(450, 350);
    const QPointF before = sceneOf(centre);
    QTest::mousePress(vp(), Qt::MiddleButton, {}, centre);
    QTest::mouseMove(vp(), centre + QPoint(60, 40));
    QTest::mouseRelease(vp(), Qt::MiddleButton, {}, centre + QPoint(60, 40));
    QVERIFY(std::abs(sceneOf(centre).x() - before.x()) > 5);
    QCOMPARE(committed().size(), size_t(1));
    // Esc during a drag cancels it: nothing is added.
    QTest::mousePress(vp(), Qt::LeftButton, {}, centre);
    QTest::mouseMove(vp(), centre + QPoint(100, 80));
    QTest::keyClick(m_view.get(), Qt::Key_Escape);
    QTest::mouseRelease(vp(), Qt::LeftButton, {}, centre + QPoint(100, 80));
    QCOMPARE(committed().size(), size_t(1));
    QCOMPARE(m_ctl->items().size(), 1);
}

void TestAnnotationUi::rotatedBoxAndDelete()
{
    setUpView(400, 300, 1, 0.5);
    // O: drag along the long axis, right end 30 px higher than the left.
    QTest::keyClick(m_view.get(), Qt::Key_O);
    QCOMPARE(m_ctl->mode(), AnnotationController::Mode::DrawRotated);
    const QPoint a = at({100, 200}), b = at({300, 170});
    drag(a, b);
    auto rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    QVERIFY(rois[0].rotated.has_value());
    const QPointF sa = sceneOf(a), sb = sceneOf(b);
    const double length = std::hypot(sb.x() - sa.x(), sb.y() - sa.y());
    const double angle = -std::atan2(sb.y() - sa.y(), sb.x() - sa.x()) * 180 / M_PI;
    QVERIFY(near(rois[0].rotated->length, length, 1e-6));
    QVERIFY(near(rois[0].rotated->width, length * AnnotationController::rotatedWidthRatio, 1e-6));
    QVERIFY(near(rois[0].rotated->angleDeg, angle, 1e-6) && angle > 5);
    // What detection is scored against: the axis-aligned bounding box.
    QVERIFY(rois[0].box == rois[0].rotated->boundingBox());
    const long long id = rois[0].id;
    const Annotation drawn = rois[0];

    // Rotate with the rotation handle to −20°.
    QTest::keyClick(m_view.get(), Qt::Key_S);
    const RotatedBox g = *rois[0].rotated;
    const double offset = RoiItem::rotateHandleOffsetPx / m_view->zoom();
    const QPointF handle = RoiGeometry::handlePosition(g, RoiHandle::Rotate, offset);
    const double r = g.width / 2 + offset, t = -20 * M_PI / 180;
    const QPointF target(g.centerX - std::sin(t) * r, g.centerY - std::cos(t) * r);
    drag(at(handle), at(target));
    rois = committed();
    QVERIFY2(near(rois[0].rotated->angleDeg, -20, 0.5), qPrintable(QString::number(rois[0].rotated->angleDeg)));
    QVERIFY(near(rois[0].rotated->length, g.length, 1e-9) && near(rois[0].rotated->centerX, g.centerX, 1e-9));
    QVERIFY(rois[0].box == rois[0].rotated->boundingBox());
    const Annotation rotated = rois[0];

    // Resizing a rotated box keeps its angle and the opposite corner.
    const QPointF corner = RoiGeometry::handlePosition(rotated.rotated.value(), RoiHandle::BottomRight, 0);
    const QPointF fixed = RoiGeometry::handlePosition(rotated.rotated.value(), RoiHandle::TopLeft, 0);
    drag(at(corner), at(corner + QPointF(10, 10)));
    rois = committed();
    QVERIFY(near(rois[0].rotated->angleDeg, rotated.rotated->angleDeg, 1e-9));
    const QPointF fixedAfter = RoiGeometry::handlePosition(rois[0].rotated.value(), RoiHandle::TopLeft, 0);
    QVERIFY(near(fixedAfter.x(), fixed.x(), 1e-6) && near(fixedAfter.y(), fixed.y(), 1e-6));
    const Annotation beforeDelete = rois[0];

    // Delete, undo (restored with the same id), redo.
    QTest::keyClick(m_view.get(), Qt::Key_Delete);
    QCOMPARE(committed().size(), size_t(0));
    QCOMPARE(m_ctl->selectedId(), 0LL);
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    QCOMPARE(rois[0].id, id);
    QVERIFY(rois[0].sameContent(beforeDelete));
    QVERIFY(m_ctl->item(id) != nullptr);
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(committed().size(), size_t(0));
    // Undo the delete, the resize and the rotation: back to the box as drawn.
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(committed()[0].sameContent(rotated));
    QTest::keyClick(m_view.get(), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(committed()[0].sameContent(drawn));
    QVERIFY(m_ctl->item(id)->geometry() == g);

    // Escape leaves a draw mode; a click on empty image in select mode deselects.
    QTest::keyClick(m_view.get(), Qt::Key_B);
    QTest::keyClick(m_view.get(), Qt::Key_Escape);
    QCOMPARE(m_ctl->mode(), AnnotationController::Mode::Select);
    // A too-small drag adds nothing.
    QTest::keyClick(m_view.get(), Qt::Key_B);
    drag(at({10, 10}), at({11, 11}));
    QCOMPARE(committed().size(), size_t(1));
}

void TestAnnotationUi::framesAndWarnings()
{
    setUpView(400, 300, 3, 0.5);
    QTest::keyClick(m_view.get(), Qt::Key_B);
    drag(at({20, 20}), at({380, 60})); // 180 × 20 mm: outside the adult range
    auto rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    RoiItem* it = m_ctl->item(rois[0].id);
    QVERIFY(it->showsWarning());
    QVERIFY(it->readoutText().contains(QStringLiteral("outside adult kidney range")));
    QVERIFY(it->measure().warning().contains(QStringLiteral("75–140")));

    // Stepping through the frames adds none of them to the project.
    m_view->setFrame(2);
    m_view->setFrame(1);
    QCOMPARE(ProjectStore(m_project.toStdString(), false).images().size(), size_t(1));
    QVERIFY(!m_ctl->session()->currentImageId());
    // Frame 1 has its own (empty) set of ROIs; drawing one adds it as its own image in the project.
    QVERIFY(m_ctl->items().isEmpty());
    drag(at({100, 100}), at({300, 200}));
    rois = committed();
    QCOMPARE(rois.size(), size_t(2));
    ProjectStore store(m_project.toStdString(), false);
    const auto image0 = store.image(rois[0].imageId), image1 = store.image(rois[1].imageId);
    QVERIFY(image0 && image1);
    QCOMPARE(image0->frame, 0);
    QCOMPARE(image1->frame, 1);
    QCOMPARE(image1->sopInstanceUid, std::string("1.2.826.0.1.3680043.2.1125.42"));
    QVERIFY(near(image1->mmPerPixelX, 0.5, 1e-12));
    QCOMPARE(image0->sha256, image1->sha256);
    QCOMPARE(m_ctl->items().size(), 1);
    QVERIFY(!m_ctl->items().front()->showsWarning());
    m_view->setFrame(0);
    QCOMPARE(m_ctl->items().size(), 1);
    QCOMPARE(m_ctl->items().front()->id(), rois[0].id);

    // Hide/show the ROIs with V.
    QTest::keyClick(m_view.get(), Qt::Key_V);
    QVERIFY(!m_ctl->overlaysVisible());
    QVERIFY(!m_view->layer(AnnotationController::layerName)->isVisible());
    QTest::keyClick(m_view.get(), Qt::Key_V);
    QVERIFY(m_view->layer(AnnotationController::layerName)->isVisible());

    // The file changes on disk: shown again, it is reported (checksum), and its ROIs are kept.
    const QString path = m_dir->filePath(QStringLiteral("image.raw"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write("changed");
    file.close();
    QSignalSpy failed(m_ctl->session(), &AnnotationSession::failed);
    m_ctl->setImage(path, makeImage(m_dir->filePath(QStringLiteral("other.raw")), 400, 300, 3, 0.5));
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.front().front().toString().contains(QStringLiteral("changed on disk")));
    QCOMPARE(m_ctl->items().size(), 1);
    QCOMPARE(committed().size(), size_t(2));
    // Add All Frames adds the one frame not yet in the project (frame 2).
    QCOMPARE(ProjectStore(m_project.toStdString(), false).images().size(), size_t(2));
    QCOMPARE(m_ctl->session()->addAllFrames(), 1);
    QCOMPARE(ProjectStore(m_project.toStdString(), false).images().size(), size_t(3));
    QCOMPARE(m_ctl->session()->addAllFrames(), 0);
}

void TestAnnotationUi::authorsDiceAndReview()
{
    setUpView(400, 300, 1, 0.5);
    AnnotationPanel panel(m_ctl.get());
    AnnotationSession* session = m_ctl->session();

    // A new label from the panel is used for the next ROI.
    panel.addLabel(QStringLiteral("left kidney"));
    QCOMPARE(m_ctl->currentLabel(), QStringLiteral("left kidney"));
    QTest::keyClick(m_view.get(), Qt::Key_B);
    drag(at({50, 50}), at({250, 150}));
    QCOMPARE(panel.model()->count(), 1);
    QCOMPARE(panel.model()->headerData(AnnotationListModel::LengthColumn, Qt::Horizontal).toString(), QStringLiteral("L (mm)"));
    QCOMPARE(panel.model()->index(0, AnnotationListModel::LengthColumn).data().toString(),
             QString::number(committed()[0].box.width * 0.5, 'f', 1));
    QVERIFY(panel.readoutText().contains(QStringLiteral("left kidney")));
    // Adding a label with a ROI selected changes the label for new ROIs only.
    panel.addLabel(QStringLiteral("liver"));
    QCOMPARE(m_ctl->currentLabel(), QStringLiteral("liver"));
    QCOMPARE(committed()[0].label, std::string("left kidney"));
    QCOMPARE(session->undoStack()->count(), 1);
    QVERIFY(panel.warningText().isEmpty());

    // Bob boxes the same kidney a little offset.
    session->setAuthor(QStringLiteral("bob"));
    m_ctl->select(0); // else the label change below relabels alice's selected ROI
    m_ctl->setCurrentLabel(QStringLiteral("kidney"));
    drag(at({70, 60}), at({270, 160}));
    auto rois = committed();
    QCOMPARE(rois.size(), size_t(2));
    QCOMPARE(rois[1].author, std::string("bob"));
    QCOMPARE(rois[1].label, std::string("kidney"));
    QCOMPARE(rois[0].label, std::string("left kidney"));
    QVERIFY(panel.diceText().contains(QStringLiteral("alice–bob")));
    const double dice = ks::dice(rois[0].box, rois[1].box);
    QVERIFY2(panel.diceText().contains(QString::number(dice, 'f', 3)), qPrintable(panel.diceText()));

    // One author's ROIs only.
    panel.authorFilterBox()->setCurrentIndex(panel.authorFilterBox()->findData(QStringLiteral("alice")));
    QCOMPARE(session->authorFilter(), QStringLiteral("alice"));
    QCOMPARE(m_ctl->items().size(), 1);
    QCOMPARE(m_ctl->items().front()->id(), rois[0].id);
    session->setAuthorFilter({});
    QCOMPARE(m_ctl->items().size(), 2);
    QCOMPARE(m_ctl->item(rois[0].id)->roi().author, std::string("alice"));

    // Review: submit (alice's ROI), reject needs a comment, approve; each undoable.
    m_ctl->select(rois[0].id);
    panel.submitSelected();
    QCOMPARE(ProjectStore(m_project.toStdString(), false).annotation(rois[0].id)->status, annotation::Status::Submitted);
    panel.rejectSelected(); // no comment: refused, nothing changes
    QCOMPARE(ProjectStore(m_project.toStdString(), false).annotation(rois[0].id)->status, annotation::Status::Submitted);
    panel.commentEdit()->setText(QStringLiteral("upper pole cut off"));
    panel.rejectSelected();
    auto stored = ProjectStore(m_project.toStdString(), false).annotation(rois[0].id);
    QCOMPARE(stored->status, annotation::Status::Rejected);
    QCOMPARE(stored->reviewComment, std::string("upper pole cut off"));
    QCOMPARE(stored->reviewer, std::string("bob"));
    session->undoStack()->undo();
    QCOMPARE(ProjectStore(m_project.toStdString(), false).annotation(rois[0].id)->status, annotation::Status::Submitted);

    // Status filter: only submitted ROIs (alice's).
    panel.statusFilterBox()->setCurrentIndex(panel.statusFilterBox()->findText(QStringLiteral("submitted")));
    QCOMPARE(m_ctl->items().size(), 1);
    QCOMPARE(panel.model()->count(), 1);
    panel.statusFilterBox()->setCurrentIndex(0);
    QCOMPARE(m_ctl->items().size(), 2);
    m_ctl->select(rois[0].id);

    // Relabelling the selected ROI from the label box is one undoable edit.
    panel.labelBox()->setCurrentText(QStringLiteral("kidney"));
    QCOMPARE(ProjectStore(m_project.toStdString(), false).annotation(rois[0].id)->label, std::string("kidney"));
    session->undoStack()->undo();
    QCOMPARE(ProjectStore(m_project.toStdString(), false).annotation(rois[0].id)->label, std::string("left kidney"));
}

void TestAnnotationUi::fullDiskLosesNothing()
{
    setUpView(400, 300, 1, 0.5);
    QSignalSpy failed(m_ctl->session(), &AnnotationSession::failed);
    QTest::keyClick(m_view.get(), Qt::Key_B);
    drag(at({10, 10}), at({60, 40}));
    QCOMPARE(committed().size(), size_t(1));
    // Cap the database at its current size: sooner or later an edit no longer fits.
    m_ctl->session()->store().setPageLimit(1);
    int tries = 0;
    while (failed.isEmpty() && tries < 200) {
        const double x = 5 + (tries * 7) % 300, y = 5 + (tries * 13) % 200;
        drag(at({x, y}), at({x + 60, y + 50}));
        ++tries;
    }
    QVERIFY2(!failed.isEmpty(), "the page limit never made an edit fail");
    QVERIFY(failed.front().front().toString().contains(QStringLiteral("failed")));
    // What was reported saved is in the database, the scene matches it, and the history has
    // exactly the saved edits.
    const auto rois = committed();
    QCOMPARE(int(rois.size()), m_ctl->items().size());
    QCOMPARE(m_ctl->session()->undoStack()->count(), int(rois.size()));
    QVERIFY(ProjectStore(m_project.toStdString(), false).integrityCheck() == "ok");
    // An undo cannot be written either: it is reported, nothing is lost, and the history (no
    // longer in step with the database) is dropped and the view reloaded from the database.
    failed.clear();
    m_ctl->session()->undoStack()->undo();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(committed().size(), rois.size());
    QTRY_COMPARE(m_ctl->session()->undoStack()->count(), 0);
    QCOMPARE(m_ctl->items().size(), int(rois.size()));
    // With room again, editing goes on.
    m_ctl->session()->store().setPageLimit(1 << 30);
    drag(at({300, 200}), at({380, 280}));
    QCOMPARE(committed().size(), rois.size() + 1);
}

/// A click without a drag changes nothing, and moving a rotated ROI keeps its
/// stored axis-aligned box (imported ground truth boxes the organ tighter than its rectangle).
void TestAnnotationUi::clickOnRotatedRoiChangesNothing()
{
    setUpView(400, 300, 1, 0.5);
    AnnotationSession* session = m_ctl->session();
    Annotation gt;
    gt.imageId = session->currentImageId().value();
    gt.rotated = RotatedBox{200, 150, 160, 70, 25};
    gt.box = Box{135, 112, 130, 76}; // tighter than the rectangle's bounding box
    QVERIFY(!(gt.box == gt.rotated->boundingBox()));
    const Annotation stored = session->store().add(gt);
    QVERIFY(stored.box == gt.box);
    m_ctl->setImage(m_imagePath, m_image); // shows the ROI added behind the tools' back
    QCOMPARE(m_ctl->items().size(), 1);
    QUndoStack* stack = session->undoStack();
    const int steps = stack->count();
    const QPoint centre = at({200, 150});

    // A click selects (and changes nothing), a second click on the selected ROI changes nothing,
    // nor does a press and release with a jitter below the drag distance, nor a click on a handle.
    QTest::mouseClick(vp(), Qt::LeftButton, {}, centre);
    QCOMPARE(m_ctl->selectedId(), stored.id);
    QTest::mouseClick(vp(), Qt::LeftButton, {}, centre);
    const int jitter = std::max(1, QApplication::startDragDistance() - 1);
    QTest::mousePress(vp(), Qt::LeftButton, {}, centre);
    QTest::mouseMove(vp(), centre + QPoint(jitter, 0));
    QTest::mouseRelease(vp(), Qt::LeftButton, {}, centre + QPoint(jitter, 0));
    QTest::mouseClick(vp(), Qt::LeftButton, {}, at(RoiGeometry::handlePosition(*stored.rotated, RoiHandle::BottomRight, 0)));
    QCOMPARE(stack->count(), steps);
    auto rois = committed();
    QCOMPARE(rois.size(), size_t(1));
    QVERIFY2(rois[0].sameContent(stored), "a click rewrote the stored ROI");
    QCOMPARE(rois[0].modifiedAt, stored.modifiedAt);
    QVERIFY(m_ctl->item(stored.id)->geometry() == *stored.rotated);

    // A real drag by (20, 10) screen pixels = (10, 5) image pixels at zoom 2 moves both boxes by
    // exactly that and keeps their sizes.
    drag(centre, centre + QPoint(20, 10));
    const double dx = sceneOf(centre + QPoint(20, 10)).x() - sceneOf(centre).x();
    const double dy = sceneOf(centre + QPoint(20, 10)).y() - sceneOf(centre).y();
    QVERIFY(near(dx, 10, 1e-9) && near(dy, 5, 1e-9));
    QCOMPARE(stack->count(), steps + 1);
    rois = committed();
    const Annotation moved = rois[0];
    QVERIFY(near(moved.box.x, stored.box.x + dx, 1e-9) && near(moved.box.y, stored.box.y + dy, 1e-9));
    QVERIFY(near(moved.box.width, stored.box.width, 1e-9) && near(moved.box.height, stored.box.height, 1e-9));
    QVERIFY(moved.rotated.has_value());
    QVERIFY(near(moved.rotated->centerX, stored.rotated->centerX + dx, 1e-9));
    QVERIFY(near(moved.rotated->centerY, stored.rotated->centerY + dy, 1e-9));
    QCOMPARE(moved.rotated->length, stored.rotated->length);
    QCOMPARE(moved.rotated->width, stored.rotated->width);
    QCOMPARE(moved.rotated->angleDeg, stored.rotated->angleDeg);

    // Arrow nudges likewise move both boxes.
    QTest::keyClick(m_view.get(), Qt::Key_Left);
    QTest::keyClick(m_view.get(), Qt::Key_Up, Qt::ShiftModifier);
    rois = committed();
    QVERIFY(near(rois[0].box.x, moved.box.x - 1, 1e-9) && near(rois[0].box.y, moved.box.y - 10, 1e-9));
    QVERIFY(near(rois[0].box.width, stored.box.width, 1e-9) && near(rois[0].box.height, stored.box.height, 1e-9));
    QVERIFY(near(rois[0].rotated->centerX, moved.rotated->centerX - 1, 1e-9));
    QVERIFY(near(rois[0].rotated->centerY, moved.rotated->centerY - 10, 1e-9));
    QCOMPARE(stack->count(), steps + 2);

    // Undo both: exactly the ground truth as it was.
    stack->undo();
    stack->undo();
    QVERIFY(committed()[0].sameContent(stored));
    QVERIFY(m_ctl->item(stored.id)->geometry() == *stored.rotated);
    stack->redo();
    QVERIFY(committed()[0].sameContent(moved));
}

namespace {
/// A 320×240 grey PNG with a bright blob at `file` (loadable by the viewer).
QString writePng(const QString& file, int shift)
{
    QImage image(320, 240, QImage::Format_Grayscale8);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            image.scanLine(y)[x] = static_cast<uchar>((x + 2 * y + shift) % 180 + 30);
    image.save(file);
    return QFileInfo(file).absoluteFilePath();
}
} // namespace

/// Viewing a file while a project is open does not register it; "Add to
/// Project" does, and so does drawing a ROI on it (that frame only).
void TestAnnotationUi::openingAFileDoesNotAddIt()
{
    MainWindow window(std::make_unique<Settings>(m_dir->filePath(QStringLiteral("viewer.ini"))));
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.annotationDock()->openProject(m_project, true));
    const QString first = writePng(m_dir->filePath(QStringLiteral("first.png")), 0);
    const QString second = writePng(m_dir->filePath(QStringLiteral("second.png")), 50);
    QSignalSpy shown(&window, &MainWindow::imageShown);
    window.openPath(first);
    QVERIFY(shown.wait(20000));
    QCOMPARE(ProjectStore(m_project.toStdString(), false).images().size(), size_t(0));
    AnnotationSession* session = window.annotationDock()->controller()->session();
    QVERIFY2(!session->currentImageId(), "viewing registered the image");
    AnnotationPanel* panel = window.annotationDock()->panel();
    QVERIFY(panel->imageStateText().contains(QStringLiteral("not in the project")));

    // File → Add to Project adds it (one frame), once.
    QAction* add = panel->addToProjectAction();
    QVERIFY(window.annotationDock()->projectActions().contains(add));
    QVERIFY(add->isEnabled());
    add->trigger();
    auto images = ProjectStore(m_project.toStdString(), false).images();
    QCOMPARE(images.size(), size_t(1));
    QCOMPARE(QString::fromStdString(images[0].path), first);
    QCOMPARE(images[0].frame, 0);
    QCOMPARE(session->currentImageId(), std::optional<long long>(images[0].id));
    QVERIFY(!add->isEnabled());
    QVERIFY(panel->imageStateText().contains(QStringLiteral("in the project")));

    // Another file, only viewed: not added. Drawing a ROI on it adds it (the user asked for it).
    window.openPath(second);
    QVERIFY(shown.wait(20000));
    QCOMPARE(ProjectStore(m_project.toStdString(), false).images().size(), size_t(1));
    QVERIFY(add->isEnabled());
    ImageView* view = window.imageView();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_B);
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(QPointF(40, 40)));
    QTest::mouseMove(view->viewport(), view->mapFromScene(QPointF(120, 100)));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(QPointF(160, 120)));
    ProjectStore store(m_project.toStdString(), false);
    images = store.images();
    QCOMPARE(images.size(), size_t(2));
    QCOMPARE(QString::fromStdString(images[1].path), second);
    const auto rois = store.annotations();
    QCOMPARE(rois.size(), size_t(1));
    QCOMPARE(rois[0].imageId, images[1].id);
    QVERIFY(!add->isEnabled());
    QVERIFY(window.lastMessage().contains(QStringLiteral("to the project")));
}

/// After the Evaluation window closes, D is Detect again and does not type
/// into the Author field.
void TestAnnotationUi::closingAWindowGivesKeysBackToTheView()
{
    MainWindow window(std::make_unique<Settings>(m_dir->filePath(QStringLiteral("viewer.ini"))));
    window.resize(1200, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    AnnotationSession* session = window.annotationDock()->controller()->session();
    AnnotationPanel* panel = window.annotationDock()->panel();
    QLineEdit* author = panel->authorEdit();
    // The author persists in the (test's own) settings: start from a known one, restore it after.
    const QString saved = session->author();
    const auto restore = qScopeGuard([&] { panel->setAuthor(saved); });
    panel->setAuthor(QStringLiteral("root"));
    const QString name = session->author();
    QCOMPARE(name, QStringLiteral("root"));
    QCOMPARE(author->text(), name);
    QSignalSpy detect(window.detectionDock()->panel()->detectAction(), &QAction::triggered);

    window.detectionDock()->showEvaluation();
    auto* evaluation = window.findChild<EvaluationView*>();
    QVERIFY(evaluation);
    QVERIFY(QTest::qWaitForWindowActive(evaluation));
    evaluation->close();
    window.activateWindow(); // what the window manager does (the offscreen platform does not)
    QTRY_COMPARE(QApplication::activeWindow(), &window);
    QApplication::processEvents();
    // The key goes where a real key press would go: to the focus widget.
    QWidget* focus = QApplication::focusWidget();
    QVERIFY(focus);
    QTest::keyClick(focus, Qt::Key_D);
    QCOMPARE(author->text(), name);
    QCOMPARE(session->author(), name);
    QCOMPARE(detect.size(), 1);
    QVERIFY2(QApplication::focusWidget() != author, "the Author field took the focus");

    // Even a focus the field gets by itself (not a click) leaves D to the window: Detect.
    author->setFocus(Qt::OtherFocusReason);
    QVERIFY(author->hasFocus());
    QTest::keyClick(author, Qt::Key_D);
    QCOMPARE(author->text(), name);
    QCOMPARE(detect.size(), 2);
    QVERIFY(!author->hasFocus());
    QVERIFY(!(author->focusPolicy() & Qt::TabFocus));

    // Typing a new author on purpose still works: click, type (D types, it is not Detect), Enter.
    QTest::mouseClick(author, Qt::LeftButton);
    QVERIFY(author->hasFocus());
    author->selectAll();
    QTest::keyClicks(author, QStringLiteral("dana"));
    QCOMPARE(detect.size(), 2);
    QCOMPARE(session->author(), name); // not yet confirmed
    QTest::keyClick(author, Qt::Key_Return);
    QCOMPARE(session->author(), QStringLiteral("dana"));
    QVERIFY(!author->hasFocus()); // back to the view: D is Detect again
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_D);
    QCOMPARE(detect.size(), 3);
    // Leaving the field without Enter, or Esc, keeps the author.
    QTest::mouseClick(author, Qt::LeftButton);
    QTest::keyClicks(author, QStringLiteral("xyz"));
    window.imageView()->setFocus(Qt::MouseFocusReason);
    QCOMPARE(session->author(), QStringLiteral("dana"));
    QCOMPARE(author->text(), QStringLiteral("dana"));
    QTest::mouseClick(author, Qt::LeftButton);
    QTest::keyClicks(author, QStringLiteral("xyz"));
    QTest::keyClick(author, Qt::Key_Escape);
    QCOMPARE(author->text(), QStringLiteral("dana"));
    QVERIFY(window.imageView()->hasFocus());
    // A model's name is refused as a person's.
    QTest::mouseClick(author, Qt::LeftButton);
    author->selectAll();
    QTest::keyClicks(author, QStringLiteral("model:x"));
    QTest::keyClick(author, Qt::Key_Return);
    QCOMPARE(session->author(), QStringLiteral("dana"));
    QCOMPARE(author->text(), QStringLiteral("dana"));
}

/// Not a check: saves the main window with ROIs on a real image for a person to look at
/// (run under Xvfb with KS_ANNUI_SCREENSHOT=FILE.png and QT_QPA_PLATFORM=xcb).
void TestAnnotationUi::screenshot()
{
    const QString out = qEnvironmentVariable("KS_ANNUI_SCREENSHOT");
    const QString dcm = QStringLiteral(KS_SHARED_DIR "/realdata/hc18/train/006_HC.dcm");
    if (out.isEmpty() || !QFile::exists(dcm))
        QSKIP("set KS_ANNUI_SCREENSHOT=FILE.png to save a screenshot of the annotation tools");
    MainWindow window(std::make_unique<Settings>(m_dir->filePath(QStringLiteral("viewer.ini"))));
    window.resize(1500, 950);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.annotationDock()->openProject(m_project, true));
    QSignalSpy shown(&window, &MainWindow::imageShown);
    window.openPath(dcm);
    QVERIFY(shown.wait(20000));
    ImageView* view = window.imageView();
    view->setFocus();
    // Before drawing: the image is only viewed, the dock offers Add to Project (and the File menu).
    window.annotationDock()->raise();
    QTest::qWait(300);
    const QString base = out.left(out.lastIndexOf(QLatin1Char('.')));
    QVERIFY(window.grab().save(base + QStringLiteral("-viewed.png")));
    if (QMenu* file = window.menuBar()->findChildren<QMenu*>().value(0)) {
        file->popup(window.mapToGlobal(QPoint(10, 30)));
        QTest::qWait(300);
        file->setActiveAction(window.annotationDock()->panel()->addToProjectAction());
        QTest::qWait(200);
        file->grab().save(base + QStringLiteral("-filemenu.png"));
        file->hide();
    }
    AnnotationController* ctl = window.annotationDock()->controller();
    const double w = view->image().width(), h = view->image().height();
    auto p = [&](double fx, double fy) { return view->mapFromScene(QPointF(fx * w, fy * h)); };
    auto dragOn = [&](QPoint a, QPoint b) {
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, a);
        QTest::mouseMove(view->viewport(), b);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, b);
    };
    QTest::keyClick(view, Qt::Key_B);
    dragOn(p(0.2, 0.25), p(0.55, 0.5));
    QTest::keyClick(view, Qt::Key_O);
    dragOn(p(0.3, 0.8), p(0.8, 0.62));
    window.annotationDock()->panel()->addLabel(QStringLiteral("fetal head"));
    QTest::keyClick(view, Qt::Key_B);
    dragOn(p(0.25, 0.1), p(0.8, 0.92));
    QTest::keyClick(view, Qt::Key_S);
    ctl->select(ctl->items().size() > 1 ? ctl->session()->visibleAnnotations()[1].id : 0);
    QTest::keyClick(view, Qt::Key_B);
    QTest::mouseMove(view->viewport(), p(0.45, 0.7));
    QTest::qWait(300);
    QVERIFY(window.grab().save(out));
}

QTEST_MAIN(TestAnnotationUi)
#include "TestAnnotationUi.moc"
