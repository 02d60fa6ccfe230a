// Inside the network in the GUI, offscreen: the response grid fills with one tile per filter
// for each network, sorting orders tiles by the chosen measure, the weight-change view shows
// the counts WeightChange computes, the report action writes HTML and a PDF, cancel works.
// Set KS_INTERPRET_SCREENSHOT=file.png to save the response viewer as shown.

#include "SyntheticScene.h"
#include "annotation/CocoDataset.h"
#include "dicom/ImageLoader.h"
#include "detect/DetectorTrainer.h"
#include "detect/ModelBundle.h"
#include "interpret/HtmlReport.h"
#include "interpret/LayerResponses.h"
#include "models/InterpretPdf.h"
#include "models/InterpretController.h"
#include "models/InterpretWorker.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"
#include <nlohmann/json.hpp>
#include <fstream>
#include "models/ResponseGridModel.h"
#include "models/WeightChangeModel.h"
#include "models/Settings.h"
#include "widgets/FilterMosaic.h"
#include "widgets/ImageView.h"
#include "widgets/MainWindow.h"
#include "widgets/ReportDialog.h"
#include "widgets/ResponsePatchPicker.h"
#include "widgets/ResponseViewer.h"
#include "widgets/WeightChangeView.h"

#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QIcon>
#include <QSignalSpy>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <set>

using namespace ks;
using namespace ks::ui;
namespace fs = std::filesystem;

namespace {

/// The detector tests' synthetic scene, named as a PNG file (the report lists it by file name).
detect::AnnotatedFrame scene(unsigned seed)
{
    detect::AnnotatedFrame f = detect::test::syntheticScene(seed);
    f.name += ".png";
    return f;
}

QString tmpDir(const std::string& name)
{
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path p = fs::path(env ? env : fs::temp_directory_path().string()) / ("interpui_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return QString::fromStdString(p.string());
}

/// Random-init SqueezeNets standing in for NA, PA and FA (different seeds: every filter differs).
InterpretModelList randomModels()
{
    InterpretModelList models;
    const char* modes[] = {"na", "pa", "fa"};
    for (int i = 0; i < 3; ++i) {
        InterpretModel m;
        m.mode = modes[i];
        m.label = std::string("SqueezeNet ") + (i == 0 ? "NA" : i == 1 ? "PA" : "FA");
        m.model = std::make_shared<cnn::CnnModel>(cnn::Backbone::SqueezeNet, 11 + i);
        models.push_back(std::move(m));
    }
    return models;
}

/// Filters of a layer as 1×N rows with relative changes `changes` applied along a fixed direction.
std::vector<cv::Mat> changedFilters(const std::vector<cv::Mat>& before, const std::vector<double>& changes)
{
    std::vector<cv::Mat> out;
    for (std::size_t i = 0; i < before.size(); ++i) {
        cv::Mat d(before[i].size(), CV_32F);
        cv::randn(d, 0, 1);
        d *= changes[i] * cv::norm(before[i]) / cv::norm(d);
        out.push_back(before[i] + d);
    }
    return out;
}

} // namespace

class TestInterpretUi : public QObject
{
    Q_OBJECT
private:
    ResponseResult m_result;  ///< from responseGridFills, reused by the sorting test

private Q_SLOTS:
    void responseGridFills()
    {
        ResponseViewer viewer;
        viewer.resize(1400, 820);
        viewer.show();
        InterpretController* c = viewer.controller();
        QSignalSpy models(c, &InterpretController::modelsChanged);
        c->setModels(randomModels(), QStringLiteral("random"));
        QVERIFY(models.wait(30000));
        QVERIFY(c->layers().contains(QStringLiteral("conv1")));
        viewer.setLayer(QStringLiteral("conv1"));
        QCOMPARE(viewer.layer(), QStringLiteral("conv1"));

        const detect::AnnotatedFrame f = scene(7);
        viewer.setImage(f.gray);
        const QRect box(int(f.truth->x), int(f.truth->y), int(f.truth->width), int(f.truth->height));
        viewer.setPatchRect(box);
        QCOMPARE(viewer.picker()->patchRect(), box);
        const cv::Mat patch = viewer.patch();
        QCOMPARE(patch.cols, 227);
        QCOMPARE(patch.rows, 227);

        QSignalSpy ready(c, &InterpretController::responsesReady);
        QSignalSpy shown(&viewer, &ResponseViewer::responsesShown);
        viewer.compute();
        QVERIFY(ready.wait(120000));
        QCOMPARE(shown.count(), 1);
        const ResponseGridModel* grid = viewer.gridModel();
        const int filters = randomModels().front().model->convWeights("conv1").outChannels;
        QCOMPARE(grid->columnCount(), 3);
        QCOMPARE(grid->rowCount(), filters);
        for (int col = 0; col < 3; ++col) {
            QCOMPARE(grid->headerData(col, Qt::Horizontal, Qt::DisplayRole).toString(),
                     QString::fromStdString(randomModels()[col].label));
            std::set<int> seen;
            for (int row = 0; row < filters; ++row) {
                const QModelIndex idx = grid->index(row, col);
                seen.insert(idx.data(ResponseGridModel::FilterRole).toInt());
                const QIcon icon = idx.data(Qt::DecorationRole).value<QIcon>();
                QVERIFY(!icon.isNull());
                QCOMPARE(grid->filterAt(idx)->response.size(), patch.size());
            }
            QCOMPARE(int(seen.size()), filters);  // one tile per filter
            QCOMPARE(*seen.begin(), 0);
            QCOMPARE(*seen.rbegin(), filters - 1);
        }
        // The grid shows what the core computes on the same patch.
        const auto direct = interpret::LayerResponses::responses(*randomModels()[1].model, patch, "conv1");
        QCOMPARE(int(direct.size()), filters);
        QVERIFY(cv::norm(direct[5], grid->filterAt(grid->index(5, 1))->response, cv::NORM_INF) < 1e-3);
        // A click enlarges a filter and names its measures.
        viewer.showDetail(grid->index(3, 2));
        QVERIFY(viewer.detailText().contains(QStringLiteral("filter 3")));
        QVERIFY(viewer.detailText().contains(QStringLiteral("SqueezeNet FA")));
        // The current detection as the patch.
        QVERIFY(!viewer.useDetection());
        viewer.setDetectionSource([] { return std::optional<QRect>(QRect(10, 12, 60, 40)); });
        QVERIFY(viewer.useDetection());
        QCOMPARE(viewer.picker()->patchRect(), QRect(10, 12, 60, 40));
        viewer.setPatchRect(box);
        // Shared zoom.
        viewer.setTileSize(48);
        QCOMPARE(viewer.tileSize(), 48);
        m_result = grid->result();

        if (const char* shot = std::getenv("KS_INTERPRET_SCREENSHOT")) {
            viewer.setSort(ResponseGridModel::Sort::PhaseNcc);
            viewer.setTileSize(40);
            QTest::qWait(200);
            QVERIFY(viewer.grab().save(QString::fromLocal8Bit(shot)));
        }
    }

    void sortingOrdersByMeasure()
    {
        QVERIFY(!m_result.sets.empty());
        ResponseGridModel grid;
        grid.setResult(m_result);
        using Sort = ResponseGridModel::Sort;
        for (Sort sort : {Sort::Filter, Sort::PhaseNcc, Sort::FrangiNcc, Sort::Speckle}) {
            grid.setSort(sort);
            for (int col = 0; col < grid.columnCount(); ++col) {
                const auto& set = m_result.sets[col];
                double previous = 0;
                bool sawDead = false;
                int live = 0;
                for (int row = 0; row < grid.rowCount(); ++row) {
                    const QModelIndex idx = grid.index(row, col);
                    const int filter = idx.data(ResponseGridModel::FilterRole).toInt();
                    const double m = idx.data(ResponseGridModel::MeasureRole).toDouble();
                    QCOMPARE(m, ResponseGridModel::measure(set.filters[filter], sort));
                    if (sort == Sort::Filter) {
                        QCOMPARE(filter, row);
                        continue;
                    }
                    const bool dead = idx.data(ResponseGridModel::DeadRole).toBool();
                    if (dead) {
                        sawDead = true;
                        continue;
                    }
                    QVERIFY2(!sawDead, "dead filters come last");
                    if (live++ > 0) {
                        if (sort == Sort::Speckle)
                            QVERIFY(m >= previous);
                        else
                            QVERIFY(m <= previous);
                    }
                    previous = m;
                }
                if (sort == Sort::PhaseNcc && set.bestPhaseFilter >= 0)
                    QCOMPARE(grid.index(0, col).data(ResponseGridModel::FilterRole).toInt(), set.bestPhaseFilter);
                if (sort == Sort::FrangiNcc && set.bestFrangiFilter >= 0)
                    QCOMPARE(grid.index(0, col).data(ResponseGridModel::FilterRole).toInt(), set.bestFrangiFilter);
            }
        }
        // Different measures give different orders on real responses (the sort is not a no-op).
        grid.setSort(Sort::PhaseNcc);
        const int firstPhase = grid.index(0, 0).data(ResponseGridModel::FilterRole).toInt();
        grid.setSort(Sort::Speckle);
        const int firstSpeckle = grid.index(0, 0).data(ResponseGridModel::FilterRole).toInt();
        grid.setSort(Sort::Filter);
        QCOMPARE(grid.index(0, 0).data(ResponseGridModel::FilterRole).toInt(), 0);
        QVERIFY(firstPhase != 0 || firstSpeckle != 0);
    }

    void weightChangeCountsHandMade()
    {
        // A hand-made pair: conv1 with 6 filters, conv2 with 4, known relative changes.
        cv::theRNG().state = 1234;
        interpret::WeightSet na;
        for (auto [layer, n, len] : {std::tuple{"conv1", 6, 27}, std::tuple{"conv2", 4, 50}})
            for (int i = 0; i < n; ++i) {
                cv::Mat w(1, len, CV_32F);
                cv::randn(w, 0, 1);
                na[layer].push_back(w);
            }
        interpret::WeightSet pa = na, fa = na;
        pa["conv2"] = changedFilters(na["conv2"], {0.05, 0.35, 0.45, 0.9});
        fa["conv1"] = changedFilters(na["conv1"], {0.1, 0.3, 0.5, 0.7, 1.2, 0.02});
        fa["conv2"] = changedFilters(na["conv2"], {0.42, 0.8, 0.1, 2.0});
        const std::vector<std::string> layers{"conv1", "conv2"};
        WeightChangeResult r;
        r.pa = interpret::WeightChange::compare(na, pa, layers);
        r.fa = interpret::WeightChange::compare(na, fa, layers);

        WeightChangeView view;
        view.resize(1000, 700);
        view.show();
        view.setResult(r);
        WeightChangeModel* m = view.model();
        QCOMPARE(m->layers(), (QStringList{QStringLiteral("conv1"), QStringLiteral("conv2")}));
        QCOMPARE(m->rowCount(), 3);  // two layers and Total
        for (double percent : {40.0, 25.0, 60.0}) {
            view.setThresholdPercent(percent);
            const auto pa2 = interpret::WeightChange::compare(na, pa, layers, percent / 100.0);
            const auto fa2 = interpret::WeightChange::compare(na, fa, layers, percent / 100.0);
            int paTotal = 0, faTotal = 0;
            for (int l = 0; l < 2; ++l) {
                QCOMPARE(m->changed(l, false), pa2.layers[l].changed);
                QCOMPARE(m->changed(l, true), fa2.layers[l].changed);
                QCOMPARE(m->index(l, WeightChangeModel::PaColumn).data().toInt(), pa2.layers[l].changed);
                QCOMPARE(m->index(l, WeightChangeModel::FaColumn).data().toInt(), fa2.layers[l].changed);
                QCOMPARE(view.barValues(0).at(l), 100.0 * pa2.layers[l].changed / pa2.layers[l].filters);
                QCOMPARE(view.barValues(1).at(l), 100.0 * fa2.layers[l].changed / fa2.layers[l].filters);
                paTotal += pa2.layers[l].changed;
                faTotal += fa2.layers[l].changed;
            }
            QCOMPARE(m->index(2, WeightChangeModel::PaColumn).data().toInt(), paTotal);
            QCOMPARE(m->index(2, WeightChangeModel::FaColumn).data().toInt(), faTotal);
            QCOMPARE(m->index(2, WeightChangeModel::FiltersColumn).data().toInt(), 10);
        }
        // The designed changes at 40 %: PA conv1 0, conv2 2; FA conv1 3, conv2 3.
        view.setThresholdPercent(40);
        QCOMPARE(m->changed(0, false), 0);
        QCOMPARE(m->changed(1, false), 2);
        QCOMPARE(m->changed(0, true), 3);
        QCOMPARE(m->changed(1, true), 3);
    }

    void weightChangeFromNetworks()
    {
        WeightChangeView view;
        InterpretController* c = view.controller();
        QSignalSpy models(c, &InterpretController::modelsChanged);
        InterpretModelList list = randomModels();
        list.erase(list.begin() + 1);  // NA and FA only
        c->setModels(list, QStringLiteral("random"));
        QVERIFY(models.wait(30000));
        QSignalSpy ready(c, &InterpretController::weightChangeReady);
        view.compute();
        QVERIFY(ready.wait(60000));
        const auto expected = interpret::WeightChange::compare(interpret::LayerResponses::weightSet(*list[0].model),
                                                                interpret::LayerResponses::weightSet(*list[1].model),
                                                                list[0].model->convLayerNames());
        WeightChangeModel* m = view.model();
        QVERIFY(!m->hasPa());
        QVERIFY(m->hasFa());
        QCOMPARE(m->layers().size(), int(expected.layers.size()));
        for (int l = 0; l < m->layers().size(); ++l)
            QCOMPARE(m->changed(l, true), expected.layers[l].changed);
        QCOMPARE(m->index(0, WeightChangeModel::PaColumn).data().toString(), QStringLiteral("–"));
        // conv1 mosaics: 96 kernels of 7×7 in a 10×10 grid, 4 px per weight, 1 px gaps.
        const cnn::ConvWeights conv1 = list[0].model->convWeights("conv1");
        QCOMPARE(view.mosaicBefore()->image().size(), QSize(10 * (7 * 4 + 1) + 1, 10 * (7 * 4 + 1) + 1));
        QCOMPARE(view.mosaicAfter()->image().size(), view.mosaicBefore()->image().size());
        QVERIFY(view.mosaicBefore()->image() != view.mosaicAfter()->image());
        QCOMPARE(view.mosaicBefore()->image(), FilterMosaic::render(conv1, 4));
        if (const char* shot = std::getenv("KS_INTERPRET_SCREENSHOT")) {
            view.resize(1100, 760);
            view.show();
            QTest::qWait(200);
            QVERIFY(view.grab().save(QString::fromLocal8Bit(shot).replace(QStringLiteral(".png"), QStringLiteral("-weights.png"))));
        }
    }

    void kernelImageShowsTheWeights()
    {
        cnn::ConvWeights w;
        w.layer = "conv1";
        w.outChannels = 1;
        w.inChannelsPerGroup = 3;
        w.kernelHeight = 1;
        w.kernelWidth = 2;
        // BGR planes: pixel 0 is pure red (R high), pixel 1 pure blue (B high).
        w.weights = {/*B*/ -1, 1, /*G*/ -1, -1, /*R*/ 1, -1};
        const QImage k = FilterMosaic::kernelImage(w, 0);
        QCOMPARE(k.size(), QSize(2, 1));
        QCOMPARE(QColor(k.pixel(0, 0)), QColor(255, 0, 0));
        QCOMPARE(QColor(k.pixel(1, 0)), QColor(0, 0, 255));
    }

    void reportWritesHtmlAndPdf()
    {
        // A tiny Haar bundle and a 4-image study on disk.
        std::vector<detect::AnnotatedFrame> train;
        for (unsigned i = 0; i < 8; ++i)
            train.push_back(scene(100 + i));
        detect::TrainConfig tc;
        tc.preset = detect::TargetPreset::load("kidney", {KS_SOURCE_DIR "/resources/presets"});
        tc.candidates.targetCount = 300;
        tc.haarCount = 200;
        tc.methods = {detect::Method::Haar};
        detect::Detector detector = detect::DetectorTrainer::train(train, tc);
        const QString bundle = tmpDir("bundle");
        detect::ModelBundle::save(detector, bundle.toStdString(), "{}");
        const QString study = tmpDir("study");
        annotation::CocoDataset coco;
        coco.categories = {"kidney"};
        for (int i = 0; i < 4; ++i) {
            const detect::AnnotatedFrame f = scene(900 + i);
            const std::string path = study.toStdString() + "/" + f.name;
            QVERIFY(cv::imwrite(path, f.gray));
            annotation::CocoImage im;
            im.id = i + 1;
            im.fileName = f.name;
            im.path = path;
            im.width = f.gray.cols;
            im.height = f.gray.rows;
            im.pixelSpacingMm = 0.8;
            coco.images.push_back(im);
            annotation::CocoAnnotation an;
            an.id = i + 1;
            an.imageId = i + 1;
            an.category = "kidney";
            an.box = *f.truth;
            coco.annotations.push_back(an);
        }
        coco.save(study.toStdString() + "/annotations.json");
        const QString out = tmpDir("report");

        ReportDialog dialog;
        dialog.setBundle(bundle);
        dialog.setStudy(study);
        // Cancel while it runs: nothing is delivered, the dialog says so.
        dialog.setOutput(out + QStringLiteral("/cancelled.html"));
        QSignalSpy cancelled(dialog.controller(), &InterpretController::cancelled);
        QSignalSpy written(&dialog, &ReportDialog::written);
        dialog.start();
        QVERIFY(dialog.isRunning());
        dialog.cancel();
        QVERIFY(cancelled.wait(60000));
        QVERIFY(!dialog.isRunning());
        QVERIFY(dialog.statusText().contains(QStringLiteral("Cancelled")));
        QCOMPARE(written.count(), 0);
        QVERIFY(!QFile::exists(dialog.pdfPath()));

        dialog.setOutput(out + QStringLiteral("/report.html"));
        QCOMPARE(dialog.pdfPath(), out + QStringLiteral("/report.pdf"));
        dialog.start();
        QVERIFY(written.wait(180000));
        QFile html(out + QStringLiteral("/report.html"));
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QByteArray text = html.readAll();
        QVERIFY(text.contains("<html"));
        QVERIFY(text.contains("Table 1"));
        QFile pdf(out + QStringLiteral("/report.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF"));
        QVERIFY2(bytes.size() > 2000, qPrintable(QString::number(bytes.size())));
        QVERIFY(dialog.statusText().contains(QStringLiteral("report.pdf")));

        // A report saved into a project folder is refused before any work.
        const QString project = tmpDir("report_project");
        { annotation::ProjectStore store(project.toStdString(), true); }
        dialog.setOutput(project + QStringLiteral("/project.sqlite"));
        dialog.start();
        QVERIFY(!dialog.isRunning());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("project")), qPrintable(dialog.statusText()));
        annotation::ProjectStore reopened(project.toStdString(), false);
        reopened.verifyIntegrity();

        // The viewer reads a bundle's networks only through ModelBundle::load's
        // checks. A manifest edited to point a network outside the bundle, not re-signed, is refused
        // by its checksum before anything is read.
        const QString tampered = tmpDir("tampered_bundle");
        fs::copy(bundle.toStdString(), tampered.toStdString(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        {
            std::ifstream in(tampered.toStdString() + "/manifest.json");
            auto m = nlohmann::json::parse(in);
            m["feature_sets"]["na"] = {{"network", "../../elsewhere.kst"}, {"backbone", "squeezenet"}};
            std::ofstream(tampered.toStdString() + "/manifest.json", std::ios::trunc) << m.dump(2);
        }
        try {
            InterpretWorker::loadBundle(tampered);
            QFAIL("a tampered bundle was read");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("checksum") != std::string::npos, e.what());
        }
        try {
            InterpretWorker::loadBundle(bundle);
            QFAIL("a Haar-only bundle gave networks");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("no CNN network") != std::string::npos, e.what());
        }
    }

    /// Only with KS_INTERPRET_SCREENSHOT: the viewer on a real ultrasound frame (hc18) with
    /// SqueezeNet's ImageNet weights imported from Caffe, saved as <file>-imagenet.png.
    void screenshotImageNetWeights()
    {
        const char* shot = std::getenv("KS_INTERPRET_SCREENSHOT");
        const QString dir = QStringLiteral(KS_SHARED_DIR "/weights/squeezenet-v1.0");
        const QString dicom = QStringLiteral(KS_SHARED_DIR "/realdata/hc18/train/006_HC.dcm");
        if (!shot || !QFile::exists(dir + QStringLiteral("/squeezenet_v1.0.caffemodel")) || !QFile::exists(dicom))
            QSKIP("set KS_INTERPRET_SCREENSHOT (and have the shared weights and hc18)");
        ResponseViewer viewer;
        viewer.resize(1400, 820);
        viewer.show();
        QSignalSpy models(viewer.controller(), &InterpretController::modelsChanged);
        viewer.controller()->loadCaffe(dir + QStringLiteral("/deploy.prototxt"), dir + QStringLiteral("/squeezenet_v1.0.caffemodel"),
                                       QStringLiteral("squeezenet"));
        QVERIFY(models.wait(60000));
        const Image image = dicom::ImageLoader::load(dicom.toStdString());
        const cv::Mat gray = image.gray8(0);
        viewer.setImage(gray);
        viewer.setPatchRect(QRect(gray.cols / 4, gray.rows / 4, gray.cols / 2, gray.rows / 2));
        viewer.setLayer(QStringLiteral("conv1"));
        viewer.setSort(ResponseGridModel::Sort::PhaseNcc);
        viewer.setTileSize(56);
        QSignalSpy ready(viewer.controller(), &InterpretController::responsesReady);
        viewer.compute();
        QVERIFY(ready.wait(120000));
        viewer.showDetail(viewer.gridModel()->index(0, 0));
        QTest::qWait(200);
        QString file = QString::fromLocal8Bit(shot);
        file.replace(QStringLiteral(".png"), QStringLiteral("-imagenet.png"));
        QVERIFY(viewer.grab().save(file));
    }

    void networkMenuOpensTheViewerOnTheFrame()
    {
        const QString dir = tmpDir("mainwindow");
        MainWindow window(std::make_unique<Settings>(dir + QStringLiteral("/s.ini")));
        QMenu* network = nullptr;
        for (QAction* a : window.menuBar()->actions())
            if (a->text() == QStringLiteral("&Network"))
                network = a->menu();
        QVERIFY(network);
        QStringList texts;
        for (QAction* a : network->actions())
            if (!a->isSeparator())
                texts << a->text();
        QCOMPARE(texts.size(), 3);
        QVERIFY(texts.last().contains(QStringLiteral("Report")));
        const detect::AnnotatedFrame f = scene(5);
        Image image;
        image.frames = {f.gray};
        window.imageView()->setImage(image);
        window.showResponseViewer();
        QVERIFY(window.responseViewer());
        QVERIFY(window.responseViewer()->isVisible());
        QCOMPARE(cv::norm(window.responseViewer()->picker()->image(), f.gray, cv::NORM_INF), 0.0);
        QCOMPARE(window.responseViewer()->patch().size(), cv::Size(227, 227));
    }

    void pdfEmbedsTheReportImages()
    {
        // The report's images are data: URIs; the PDF must carry them (not empty boxes).
        cv::Mat gradient(23, 37, CV_8U);
        for (int y = 0; y < gradient.rows; ++y)
            for (int x = 0; x < gradient.cols; ++x)
                gradient.at<uchar>(y, x) = static_cast<uchar>(x * 6 + y);
        const QString html = QStringLiteral("<html><body><h1>Panel</h1><img src=\"%1\"></body></html>")
                                 .arg(QString::fromStdString(interpret::HtmlReport::pngDataUri(gradient)));
        const QString pdfPath = tmpDir("pdf") + QStringLiteral("/panel.pdf");
        InterpretPdf::write(html, pdfPath);
        QFile pdf(pdfPath);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF"));
        QVERIFY(bytes.contains("/Subtype /Image"));
        QVERIFY(bytes.contains("/Width 37"));
        QVERIFY(bytes.contains("/Height 23"));
        // An unwritable path is a user error with a hint.
        bool threw = false;
        try {
            InterpretPdf::write(html, QStringLiteral("/nonexistent-dir/x.pdf"));
        } catch (const std::exception& e) {
            threw = QString::fromUtf8(e.what()).contains(QStringLiteral("Cannot write the PDF"));
        }
        QVERIFY(threw);
    }

    void cancelStopsResponses()
    {
        InterpretController c;
        QSignalSpy models(&c, &InterpretController::modelsChanged);
        c.setModels(randomModels(), QStringLiteral("random"));
        QVERIFY(models.wait(30000));
        const cv::Mat patch = ResponseViewer::extractPatch(scene(3).gray, QRect(20, 20, 150, 120));
        QSignalSpy ready(&c, &InterpretController::responsesReady);
        QSignalSpy cancelled(&c, &InterpretController::cancelled);
        QSignalSpy progressed(&c, &InterpretController::progressed);
        // Cancel once it has started: no result, cancelled() once, not busy.
        c.computeResponses(patch, QStringLiteral("conv1"));
        QVERIFY(c.isBusy());
        QVERIFY(progressed.wait(30000));
        c.cancel();
        QVERIFY(cancelled.wait(60000));
        QTest::qWait(100);
        QCOMPARE(ready.count(), 0);
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!c.isBusy());
        // The latest request wins: a superseded request never reports; the new one does.
        c.computeResponses(patch, QStringLiteral("conv1"));
        const quint64 last = c.computeResponses(patch, QStringLiteral("conv1"));
        QVERIFY(ready.wait(120000));
        QTest::qWait(100);
        QCOMPARE(ready.count(), 1);
        QCOMPARE(ready.at(0).at(0).value<ResponseResult>().generation, last);
    }
};

QTEST_MAIN(TestInterpretUi)
#include "TestInterpretUi.moc"
