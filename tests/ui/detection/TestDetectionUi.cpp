// Detection in the GUI, offscreen, with a tiny Haar model trained in the test on generated
// scenes: the detected box matches the truth, overlays toggle, the latest request wins,
// accepting adds an undoable from-model ROI, and training can be cancelled without blocking.

#include "SyntheticScene.h"
#include "phantom/PhantomGenerator.h"

#include "detect/DetectorTrainer.h"
#include "annotation/ProjectStore.h"
#include "detect/ModelBundle.h"
#include "models/AnnotationSession.h"
#include "models/DetectionBatch.h"
#include "models/DetectionController.h"
#include "models/TrainController.h"
#include "widgets/DetectionPanel.h"
#include "models/ModelList.h"
#include "models/SaveTarget.h"
#include "common/Error.h"
#include "widgets/DetectionDock.h"
#include "widgets/EvaluationView.h"
#include "widgets/MainWindow.h"
#include "widgets/TrainDialog.h"

#include <QListWidget>
#include <QTableWidget>
#include "widgets/ImageView.h"

#include <QDir>
#include <QElapsedTimer>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <filesystem>

using namespace ks;
using namespace ks::ui;
using ks::detect::Method;
namespace fs = std::filesystem;

namespace {
/// The unseen phantom image of detectOnPhantomImageHasDiceAboveThreshold (seed 20161).
constexpr int kPhantomTestIndex = 12;

QString tmpDir(const QString& name)
{
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path p = fs::path(env ? env : fs::temp_directory_path().string()) / ("detui_" + name.toStdString());
    fs::remove_all(p);
    fs::create_directories(p);
    return QString::fromStdString(p.string());
}

detect::TrainConfig tinyConfig()
{
    detect::TrainConfig c;
    c.preset = detect::TargetPreset::load("kidney", {KS_SOURCE_DIR "/resources/presets"});
    c.candidates.targetCount = 500;
    c.haarCount = 400;
    c.gbm.rounds = 80;
    c.gbm.threads = 2;
    c.methods = {Method::Haar};
    return c;
}

Image imageOf(const detect::AnnotatedFrame& f)
{
    Image image;
    image.frames = {f.gray};
    image.calibration = f.calibration;
    image.windowCenter = 128;
    image.windowWidth = 256;
    return image;
}

QGraphicsRectItem* firstRect(QGraphicsItem* layer)
{
    for (auto* child : layer->childItems())
        if (auto* rect = dynamic_cast<QGraphicsRectItem*>(child))
            return rect;
    return nullptr;
}
} // namespace

class TestDetectionUi : public QObject
{
    Q_OBJECT
private:
    QString m_bundle;
    detect::AnnotatedFrame m_scene;

    /// A panel with the test's model loaded.
    struct Rig
    {
        ImageView view;
        DetectionController controller;
        std::unique_ptr<DetectionPanel> panel;
    };
    std::unique_ptr<Rig> rig(AnnotationSession* session = nullptr)
    {
        auto r = std::make_unique<Rig>();
        r->view.resize(640, 480);
        r->panel = std::make_unique<DetectionPanel>(&r->view, session, &r->controller);
        QSignalSpy loaded(&r->controller, &DetectionController::modelChanged);
        r->controller.loadModel(m_bundle);
        if (!loaded.wait(10000))
            qFatal("model did not load");
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("KidneyScopeTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_ui_detection"));
        std::vector<detect::AnnotatedFrame> train;
        for (unsigned i = 0; i < 8; ++i)
            train.push_back(detect::test::syntheticScene(300 + i));
        auto detector = detect::DetectorTrainer::train(train, tinyConfig());
        m_bundle = tmpDir("bundle");
        detect::ModelBundle::save(detector, m_bundle.toStdString());
        m_scene = detect::test::syntheticScene(4242);
    }

    void detectShowsBoxWithDice()
    {
        auto r = rig();
        r->view.setImage(imageOf(m_scene));
        r->panel->setGroundTruth(*m_scene.truth);
        QSignalSpy shown(r->panel.get(), &DetectionPanel::detectionShown);
        r->panel->detectAction()->trigger();
        QVERIFY(shown.wait(20000));
        const auto dice = r->panel->currentDice();
        QVERIFY(dice.has_value());
        QVERIFY2(*dice > 0.8, qPrintable(r->panel->resultText()));
        // the box drawn in the Haar layer is the detected one, in image pixels
        auto* rect = firstRect(r->view.layer(DetectionPanel::methodLayer(Method::Haar)));
        QVERIFY(rect);
        const Box b = r->panel->result()->find(Method::Haar)->detection.box;
        QCOMPARE(rect->rect(), QRectF(b.x, b.y, b.width, b.height));
        QVERIFY(firstRect(r->view.layer(DetectionPanel::truthLayer())));
        // calibrated scene: length × width in mm and the Dice are in the readout
        QVERIFY2(r->panel->resultText().contains(QStringLiteral(" mm")), qPrintable(r->panel->resultText()));
        QVERIFY(r->panel->resultText().contains(QStringLiteral("Dice %1").arg(*dice, 0, 'f', 3)));
    }

    /// The acceptance case on the kidney phantom: a Haar model trained in the test on a few
    /// phantom images (easy preset, 400×300) detects the kidney on an unseen one through the GUI.
    void detectOnPhantomImageHasDiceAboveThreshold()
    {
        auto params = phantom::PhantomParams::fromPreset("easy");
        params.width = 400;
        params.height = 300;
        const phantom::PhantomGenerator gen(20161, params);
        auto frameOf = [&](int index, Image* image) {
            auto p = gen.generate(index);
            detect::AnnotatedFrame f;
            f.name = "phantom" + std::to_string(index);
            f.patientId = phantom::PhantomGenerator::patientId(index);
            f.gray = p.image.gray8(0);
            f.calibration = p.image.calibration;
            f.truth = p.truth.box;
            if (image)
                *image = p.image;
            return f;
        };
        std::vector<detect::AnnotatedFrame> train;
        for (int i = 0; i < 10; ++i)
            train.push_back(frameOf(i, nullptr));
        auto config = tinyConfig();
        config.candidates.targetCount = 800;
        config.haarCount = 800;
        const QString bundle = tmpDir("phantom_bundle");
        auto detector = detect::DetectorTrainer::train(train, config);
        detect::ModelBundle::save(detector, bundle.toStdString());

        Image unseen;
        const auto truth = frameOf(kPhantomTestIndex, &unseen);
        ImageView view;
        view.resize(640, 480);
        DetectionController controller;
        DetectionPanel panel(&view, nullptr, &controller);
        QSignalSpy loaded(&controller, &DetectionController::modelChanged);
        controller.loadModel(bundle);
        QVERIFY(loaded.wait(10000));
        view.setImage(unseen);
        panel.setGroundTruth(*truth.truth);
        QSignalSpy shown(&panel, &DetectionPanel::detectionShown);
        panel.detectAction()->trigger();
        QVERIFY(shown.wait(30000));
        const auto dice = panel.currentDice();
        QVERIFY(dice.has_value());
        QVERIFY2(*dice > 0.8, qPrintable(panel.resultText()));
        QVERIFY(panel.resultText().contains(QStringLiteral(" mm")));
    }

    void overlaysToggleIndependently()
    {
        auto r = rig();
        r->view.setImage(imageOf(m_scene));
        r->panel->setGroundTruth(*m_scene.truth);
        QSignalSpy shown(r->panel.get(), &DetectionPanel::detectionShown);
        r->panel->detect();
        QVERIFY(shown.wait(20000));
        auto* heat = r->view.layer(DetectionPanel::heatmapLayer());
        QCOMPARE(heat->childItems().size(), 1);
        auto* pixmap = dynamic_cast<QGraphicsPixmapItem*>(heat->childItems().front());
        QVERIFY(pixmap);
        QCOMPARE(pixmap->pixmap().size(), QSize(m_scene.gray.cols, m_scene.gray.rows));
        const QImage withAll = r->view.grab().toImage();

        r->panel->setHeatmapVisible(false);
        QVERIFY(!r->panel->isHeatmapVisible());
        QVERIFY(r->panel->isMethodVisible(Method::Haar));
        QVERIFY(r->panel->isTruthVisible());
        const QImage noHeat = r->view.grab().toImage();
        QVERIFY(noHeat != withAll);

        r->panel->setMethodVisible(Method::Haar, false);
        QVERIFY(!r->panel->isMethodVisible(Method::Haar));
        QVERIFY(r->panel->isTruthVisible());
        r->panel->setTruthVisible(false);
        QVERIFY(!r->panel->isTruthVisible());
        QVERIFY(r->view.grab().toImage() != noHeat);

        r->panel->setHeatmapVisible(true);
        r->panel->setHeatmapOpacity(30);
        QCOMPARE(heat->opacity(), 0.3);
        // another frame/image drops the result and its overlays
        r->panel->clearResult();
        QVERIFY(heat->childItems().isEmpty());
        QVERIFY(r->view.layer(DetectionPanel::methodLayer(Method::Haar))->childItems().isEmpty());
    }

    void latestRequestWins()
    {
        auto r = rig();
        QSignalSpy finished(&r->controller, &DetectionController::finished);
        r->controller.detect(m_scene.gray, m_scene.calibration, 0);
        const quint64 second = r->controller.detect(detect::test::syntheticScene(77).gray, m_scene.calibration, 0);
        QVERIFY(finished.wait(20000));
        QTest::qWait(300);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.front().front().value<DetectionResult>().generation, second);
    }

    void acceptAddsUndoableAnnotation()
    {
        const QString project = tmpDir("project");
        const QString png = project + "/scene.png";
        QVERIFY(cv::imwrite(png.toStdString(), m_scene.gray));
        AnnotationSession session;
        session.openProject(project, true);
        const Image image = imageOf(m_scene);
        session.setImage(png, image, 0);
        QVERIFY(!session.currentImageId()); // viewing adds nothing: accepting adds this frame
        auto r = rig(&session);
        r->view.setImage(image);
        QVERIFY(!r->panel->acceptAction()->isEnabled());
        QSignalSpy shown(r->panel.get(), &DetectionPanel::detectionShown);
        r->panel->detect();
        QVERIFY(shown.wait(20000));
        QVERIFY(r->panel->acceptAction()->isEnabled());
        QSignalSpy refused(&session, &AnnotationSession::failed);
        QVERIFY2(r->panel->acceptDetection(), refused.isEmpty() ? "" : qPrintable(refused.front().front().toString()));
        auto rois = session.store().annotations();
        QCOMPARE(rois.size(), size_t(1));
        QVERIFY(session.currentImageId());
        QCOMPARE(rois.front().imageId, *session.currentImageId());
        QCOMPARE(session.store().images().size(), size_t(1));
        QVERIFY(r->panel->result()); // adding the frame did not drop the detection on screen
        QCOMPARE(rois.front().source, annotation::Source::FromModel);
        QCOMPARE(rois.front().box, r->panel->result()->find(Method::Haar)->detection.box);
        // the model is the author; the reader who accepted it is in the audit log
        const QString author = QString::fromStdString(rois.front().author);
        QVERIFY2(author.startsWith(QStringLiteral("model:")) && author.contains(QFileInfo(m_bundle).fileName()), qPrintable(author));
        QVERIFY(rois.front().author != session.author().toStdString());
        QCOMPARE(session.store().auditLog(rois.front().id).back().who, session.author().toStdString());
        QVERIFY(session.undoStack()->canUndo());
        session.undoStack()->undo();
        QVERIFY(session.store().annotations().empty());
        session.undoStack()->redo();
        rois = session.store().annotations();
        QCOMPARE(rois.size(), size_t(1));
        QCOMPARE(rois.front().source, annotation::Source::FromModel);
        // a from-model ROI is not taken as ground truth
        QVERIFY(!r->panel->groundTruth());
    }

    void trainingIntoModelsFolder()
    {
        const QString models = tmpDir("models_ok");
        TrainController trainer;
        TrainRequest request;
        for (unsigned i = 0; i < 8; ++i) {
            request.frames.push_back(detect::test::syntheticScene(500 + i));
            request.frames.back().patientId = "SMITHJOHN" + std::to_string(i / 2);
            request.frames.back().name = "/data/secret-study/SMITHJOHN/img" + std::to_string(i) + ".dcm";
            request.frames.back().sha256 = std::string(63, 'a') + char('0' + i);
        }
        request.config = tinyConfig();
        request.trainFraction = 0.75;
        request.modelsFolder = models;
        QString bundle;
        std::shared_ptr<std::vector<detect::AnnotatedFrame>> validation;
        connect(&trainer, &TrainController::finished, this,
                [&](const QString& dir, std::shared_ptr<detect::Detector>, std::shared_ptr<std::vector<detect::AnnotatedFrame>> v) {
                    bundle = dir;
                    validation = v;
                });
        QSignalSpy failed(&trainer, &TrainController::failed);
        QSignalSpy evaluated(&trainer, &TrainController::evaluated);
        QVERIFY(trainer.start(request));
        QTRY_VERIFY_WITH_TIMEOUT(!bundle.isEmpty() || !failed.isEmpty(), 60000);
        // Table 1 on the validation split follows the model.
        QTRY_VERIFY_WITH_TIMEOUT(!evaluated.isEmpty(), 10000);
        const QString table = evaluated.front().at(0).toString();
        QVERIFY2(table.contains(QStringLiteral("Haar")) && table.contains(QStringLiteral("Mean Dice")), qPrintable(table));
        QVERIFY2(evaluated.front().at(1).toString().contains(QStringLiteral("on 2 validation image(s)")),
                 qPrintable(evaluated.front().at(1).toString()));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QCOMPARE(QFileInfo(bundle).dir().absolutePath(), QDir(models).absolutePath());
        QVERIFY(QFile::exists(bundle + "/manifest.json"));
        // split by patient: 4 patients, 3 in train, the 2 frames of the fourth in validation
        QCOMPARE(validation->size(), size_t(2));
        QCOMPARE((*validation)[0].patientId, (*validation)[1].patientId);
        QCOMPARE(QDir(models).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden).size(), 1);
        QVERIFY(!detect::ModelBundle::load(bundle.toStdString()).detector.methods().empty());
        // The GUI's bundle names no patient, no file and no absolute path; the
        // validation split is kept by sha256
        QFile manifest(bundle + "/manifest.json");
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const QByteArray text = manifest.readAll();
        for (const char* leak : {"SMITHJOHN", "secret-study", "img3.dcm", "/data/"})
            QVERIFY2(!text.contains(leak), leak);
        QVERIFY(text.contains(QByteArray::fromStdString((*validation)[0].sha256)));
    }

    void cancelTrainingIsQuickResponsiveAndKeepsModel()
    {
        auto r = rig();
        const QString models = tmpDir("models_cancel");
        TrainController trainer;
        TrainRequest request;
        // many cheap steps (frames, boosting rounds) so that the run lasts well past the cancel
        for (unsigned i = 0; i < 40; ++i)
            request.frames.push_back(detect::test::syntheticScene(700 + i));
        request.config = tinyConfig();
        request.config.gbm.rounds = 5000;
        request.config.gbm.threads = 1;
        request.trainFraction = 1.0;
        request.modelsFolder = models;
        QSignalSpy cancelled(&trainer, &TrainController::cancelled);
        QSignalSpy finished(&trainer, &TrainController::finished);
        QSignalSpy progressed(&trainer, &TrainController::progressed);

        // the event loop keeps serving a 10 ms timer while training runs
        QElapsedTimer clock;
        qint64 last = -1, worst = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            if (last >= 0)
                worst = std::max(worst, now - last);
            last = now;
        });
        QVERIFY(trainer.start(request));
        clock.start();
        timer.start();
        QTest::qWait(1500);
        timer.stop();
        QVERIFY2(trainer.isRunning(), "training ended before the cancel: make the test's run longer");
        QVERIFY(!progressed.isEmpty());
        QVERIFY2(worst < 100, qPrintable(QStringLiteral("worst timer gap %1 ms").arg(worst)));

        QElapsedTimer cancelClock;
        cancelClock.start();
        trainer.cancel();
        const QString stage = progressed.back().at(1).toString();
        QVERIFY(cancelled.wait(10000));
        const qint64 latency = cancelClock.elapsed();
        qInfo("cancel took %lld ms during '%s'; worst timer gap %lld ms", latency, qPrintable(stage), worst);
        QVERIFY2(latency < 1000, qPrintable(QStringLiteral("cancel took %1 ms during '%2'").arg(latency).arg(stage)));
        QVERIFY(trainer.wait(1000));
        QVERIFY(finished.isEmpty());
        // nothing left in the models folder, and the previous model is still the active one
        QVERIFY(QDir(models).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
        QCOMPARE(r->controller.modelName(), m_bundle);
        r->view.setImage(imageOf(m_scene));
        r->panel->setGroundTruth(*m_scene.truth);
        QSignalSpy shown(r->panel.get(), &DetectionPanel::detectionShown);
        r->panel->detect();
        QVERIFY(shown.wait(20000));
        QVERIFY(r->panel->currentDice().value_or(0) > 0.8);
    }

    void trainDialogDefaultsAreThePapers()
    {
        TrainController trainer;
        TrainDialog dialog(&trainer, tmpDir("dialog_project"));
        const auto request = dialog.request();
        const detect::TrainConfig paper;
        QCOMPARE(request.config.haarCount, paper.haarCount);
        QCOMPARE(request.config.candidates.targetCount, paper.candidates.targetCount);
        QCOMPARE(request.config.gbm.rounds, paper.gbm.rounds);
        QCOMPARE(request.config.gbm.maxDepth, paper.gbm.maxDepth);
        QCOMPARE(request.config.cnn.epochs, paper.cnn.epochs);
        QCOMPARE(request.trainFraction, 0.8);
        // The default is the paper's best: the hybrid (with its Haar and FA rows).
        QCOMPARE(request.config.methods,
                 (std::vector<detect::Method>{detect::Method::Haar, detect::Method::FA, detect::Method::Hybrid}));
        QVERIFY(request.modelsFolder.endsWith(QStringLiteral("/models")));
    }

    void evaluationViewShowsTable1()
    {
        auto r = rig();
        EvaluationView view(&r->controller);
        std::vector<detect::AnnotatedFrame> frames;
        for (unsigned i = 0; i < 6; ++i)
            frames.push_back(detect::test::syntheticScene(900 + i));
        view.setValidation(frames);
        QSignalSpy finished(&view, &EvaluationView::finished);
        QSignalSpy failed(&view, &EvaluationView::failed);
        view.run();
        QVERIFY(finished.wait(30000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        const auto& summary = view.result()->summary.at(Method::Haar);
        QCOMPARE(summary.n, 6);
        QCOMPARE(view.summaryTable()->rowCount(), 2); // Haar and the candidate oracle
        QCOMPARE(view.summaryTable()->item(0, 1)->text(), QString::number(summary.meanDice, 'f', 3));
        QCOMPARE(view.summaryTable()->item(1, 0)->text(), QString("Candidate oracle"));
        QCOMPARE(view.summaryTable()->item(1, 1)->text(), QString::number(view.result()->meanOracleDice, 'f', 3));
        QVERIFY(view.result()->meanOracleDice >= summary.meanDice); // no method beats the oracle
        QCOMPARE(view.summaryTable()->item(0, 5)->text(), QString::number(summary.auc, 'f', 3));
        QVERIFY(summary.meanDice > 0.7);
        // per-image table: one row per frame (image, oracle, Dice per method), sorted by Dice ascending
        auto* images = view.imageTable();
        QCOMPARE(images->rowCount(), 6);
        for (int row = 1; row < 6; ++row)
            QVERIFY(images->item(row - 1, 2)->data(Qt::UserRole).toDouble() <= images->item(row, 2)->data(Qt::UserRole).toDouble());
        for (int row = 0; row < 6; ++row)
            QVERIFY(images->item(row, 1)->data(Qt::UserRole).toDouble() >= images->item(row, 2)->data(Qt::UserRole).toDouble() - 1e-9);
        QCOMPARE(view.failureGallery()->count(), summary.failures);
        const QString dir = tmpDir("evaluation");
        view.exportCsv(dir + "/table.csv");
        QFile csv(dir + "/table.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 7);
        QVERIFY(view.exportPng(dir + "/view.png"));
        QVERIFY(!QImage(dir + "/view.png").isNull());
    }

    void modelListReadsManifests()
    {
        const QString models = tmpDir("model_list");
        auto loaded = detect::ModelBundle::load(m_bundle.toStdString());
        detect::ModelBundle::save(loaded.detector, (models + "/older").toStdString(),
                                  R"({"trained_at": "2026-01-01T00:00:00Z", "split": {"train": 3, "validation": 1}})");
        detect::ModelBundle::save(loaded.detector, (models + "/newer").toStdString(),
                                  R"({"trained_at": "2026-02-01T00:00:00Z", "metrics": {"haar": {"mean_dice": 0.875}}})");
        detect::ModelBundle::save(loaded.detector, (models + "/.training-x").toStdString());
        const auto list = ModelList::scan(models);
        QCOMPARE(list.size(), size_t(2));
        QCOMPARE(list[0].name, QStringLiteral("newer"));
        QVERIFY2(list[0].metrics.contains(QStringLiteral("0.875")), qPrintable(list[0].metrics));
        QCOMPARE(list[1].data, QStringLiteral("3 train / 1 validation"));
        QVERIFY2(list[1].featureSets.contains(QStringLiteral("haar")), qPrintable(list[1].featureSets.join(',')));
    }

    void batchDetectStoresFromModelRois()
    {
        const QString project = tmpDir("batch_project");
        {
            AnnotationSession session;
            session.openProject(project, true);
            for (int i = 0; i < 3; ++i) {
                const auto scene = detect::test::syntheticScene(600 + i);
                const QString png = project + QStringLiteral("/scene%1.png").arg(i);
                QVERIFY(cv::imwrite(png.toStdString(), scene.gray));
                Image image = imageOf(scene);
                session.setImage(png, image, 0);
                QVERIFY(session.addCurrentFrame());
            }
            // an added frame without any organ (flat grey): the model finds no positive candidate, and
            // batch detection must not store a "kidney" there
            {
                const auto scene = detect::test::syntheticScene(603);
                const cv::Mat flat(scene.gray.size(), CV_8UC1, cv::Scalar(90));
                const QString png = project + QStringLiteral("/flat.png");
                QVERIFY(cv::imwrite(png.toStdString(), flat));
                auto image = imageOf(scene);
                image.frames.front() = flat.clone();
                session.setImage(png, image, 0);
                QVERIFY(session.addCurrentFrame());
            }
            // only viewed, not added: batch detection leaves it alone
            const auto other = detect::test::syntheticScene(650);
            const QString png = project + QStringLiteral("/viewed.png");
            QVERIFY(cv::imwrite(png.toStdString(), other.gray));
            session.setImage(png, imageOf(other), 0);
            QVERIFY(!session.currentImageId());
            QCOMPARE(session.store().images().size(), size_t(4));
        }
        DetectionBatch batch;
        QSignalSpy finished(&batch, &DetectionBatch::finished);
        QSignalSpy failed(&batch, &DetectionBatch::failed);
        QVERIFY(batch.start(project, m_bundle, Method::Haar));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 30000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        QCOMPARE(finished.front().at(0).toInt(), 3);
        QCOMPARE(finished.front().at(1).toInt(), 1);
        const QString csv = finished.front().at(2).toString();
        QCOMPARE(csv.count('\n'), 5);
        QVERIFY2(csv.contains(QRegularExpression(QStringLiteral("flat\\.png\",0,[^\n]*,1,haar\n"))), qPrintable(csv));
        annotation::ProjectStore store(project.toStdString(), false);
        const auto rois = store.annotations();
        QCOMPARE(rois.size(), size_t(3));
        // the model is their author, not the user running the batch
        const QString bundleName = QFileInfo(m_bundle).fileName();
        for (const auto& a : rois) {
            QCOMPARE(a.source, annotation::Source::FromModel);
            const QString author = QString::fromStdString(a.author);
            QVERIFY2(author.startsWith(QStringLiteral("model:")) && author.contains(bundleName), qPrintable(author));
            QVERIFY(a.author != annotation::ProjectStore::defaultAuthor());
        }
        QCOMPARE(store.authors().size(), size_t(1));
        // without a model nothing is stored and the error says what to do
        QVERIFY(batch.wait(2000));
        QSignalSpy failed2(&batch, &DetectionBatch::failed);
        QVERIFY(batch.start(project, QString(), Method::Haar));
        QVERIFY(failed2.wait(10000));
        QCOMPARE(store.annotations().size(), size_t(3));
    }

    /// The evaluation CSV/PNG, batch CSV and report saved over
    /// project.sqlite (or into the project folder) destroyed the project; now refused, nothing written.
    void exportsNeverWriteIntoAProject()
    {
        const QString project = tmpDir("export_guard");
        {
            annotation::ProjectStore store(project.toStdString(), true);
            store.addLabel("cyst");
        }
        const QString db = project + QStringLiteral("/project.sqlite");
        const QByteArray before = [&] {
            annotation::ProjectStore store(project.toStdString(), false);
            return QByteArray::number(qulonglong(store.labels().size()));
        }();
        for (const QString& target : {db, project + QStringLiteral("/evaluation.csv"),
                                      project + QStringLiteral("/backups/x.csv"), db + QStringLiteral("-wal")}) {
            const QString why = SaveTarget::refusal(target);
            QVERIFY2(why.contains(QStringLiteral("project")), qPrintable(target + " -> " + why));
            QVERIFY_THROWS_EXCEPTION(Error, SaveTarget::write(target, "path,frame\n"));
        }
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/evaluation.csv")));
        annotation::ProjectStore store(project.toStdString(), false);
        QCOMPARE(QByteArray::number(qulonglong(store.labels().size())), before);
        store.verifyIntegrity();
        // elsewhere: written whole, an existing file replaced (the save dialog asked)
        const QString fine = tmpDir("export_ok") + QStringLiteral("/detections.csv");
        QVERIFY(SaveTarget::refusal(fine).isEmpty());
        SaveTarget::write(fine, "a\n");
        SaveTarget::write(fine, "b\n");
        QFile f(fine);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("b\n"));
        QVERIFY(!SaveTarget::refusal(QString()).isEmpty());
    }

    /// Screenshots for the README (only when KS_DETUI_SCREENSHOT names a folder).
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("KS_DETUI_SCREENSHOT");
        if (dir.isEmpty())
            QSKIP("set KS_DETUI_SCREENSHOT to a folder to write the screenshots");
        QDir().mkpath(dir);
        MainWindow window(std::make_unique<Settings>(tmpDir("settings") + "/settings.ini"));
        window.resize(1400, 860);
        window.show();
        auto* dock = window.detectionDock();
        QSignalSpy loaded(dock->controller(), &DetectionController::modelChanged);
        dock->useModel(m_bundle);
        QVERIFY(loaded.wait(10000));
        const auto scene = detect::test::syntheticScene(4243);
        window.imageView()->setImage(imageOf(scene));
        dock->raise();
        dock->panel()->setGroundTruth(*scene.truth);
        QSignalSpy shown(dock->panel(), &DetectionPanel::detectionShown);
        dock->panel()->detect();
        QVERIFY(shown.wait(20000));
        QTest::qWait(300);
        QVERIFY(window.grab().save(dir + "/detection.png"));

        EvaluationView view(dock->controller());
        view.resize(1200, 760);
        std::vector<detect::AnnotatedFrame> frames;
        for (unsigned i = 0; i < 12; ++i)
            frames.push_back(detect::test::syntheticScene(950 + i));
        view.setValidation(frames);
        QSignalSpy finished(&view, &EvaluationView::finished);
        view.show();
        view.run();
        QVERIFY(finished.wait(30000));
        QTest::qWait(300);
        QVERIFY(view.exportPng(dir + "/evaluation.png"));
    }
};

QTEST_MAIN(TestDetectionUi)
#include "TestDetectionUi.moc"
