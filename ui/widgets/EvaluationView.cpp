#include "EvaluationView.h"

#include <QBuffer>

#include "common/Error.h"
#include "detect/ModelBundle.h"
#include "models/DetectionController.h"
#include "models/DetectionResult.h"
#include "models/DetectionWorker.h"
#include "models/SaveTarget.h"
#include "models/TrainData.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QValueAxis>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <set>

namespace ks::ui {

namespace {
/// A table item that sorts by its number.
class NumberItem : public QTableWidgetItem
{
public:
    explicit NumberItem(double v)
        : QTableWidgetItem(QString::number(v, 'f', 3))
    {
        setData(Qt::UserRole, v);
    }
    bool operator<(const QTableWidgetItem& o) const override
    {
        return data(Qt::UserRole).toDouble() < o.data(Qt::UserRole).toDouble();
    }
};

QImage thumbnail(const detect::AnnotatedFrame& f, const Box& truth, const Box& found, const QColor& colour)
{
    QImage grey(f.gray.data, f.gray.cols, f.gray.rows, int(f.gray.step), QImage::Format_Grayscale8);
    QImage img = grey.convertToFormat(QImage::Format_RGB32);
    QPainter p(&img);
    p.setPen(QPen(QColor(255, 60, 60), 2));
    p.drawRect(QRectF(truth.x, truth.y, truth.width, truth.height));
    p.setPen(QPen(colour, 2, Qt::DashLine));
    p.drawRect(QRectF(found.x, found.y, found.width, found.height));
    p.end();
    return img.scaled(160, 120, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}
} // namespace

EvaluationView::EvaluationView(DetectionController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_bridge(new ProgressBridge(this))
{
    setWindowTitle(tr("Evaluation (Table 1)"));
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_runButton = new QPushButton(tr("Evaluate active model"), this);
    auto* csv = new QPushButton(tr("Export table CSV…"), this);
    auto* png = new QPushButton(tr("Export view PNG…"), this);
    m_status = new QLabel(tr("Evaluates the active model on the validation split."), this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    top->addWidget(m_runButton);
    top->addWidget(m_progress);
    top->addWidget(m_status, 1);
    top->addWidget(csv);
    top->addWidget(png);
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* leftSplit = new QSplitter(Qt::Vertical, split);
    m_summary = new QTableWidget(0, 8, leftSplit);
    m_summary->setHorizontalHeaderLabels({tr("Method"), tr("Mean Dice"), tr("Failures (Dice < 0.8)"), tr("Low confidence"),
                                          tr("Images"), tr("AUC"), tr("Oracle rank"), tr("Coverage / scoring / choice")});
    m_summary->horizontalHeaderItem(5)->setToolTip(tr("Patch-level ROC AUC over all validation candidates (positive: Dice ≥ 0.8)"));
    m_summary->horizontalHeaderItem(6)->setToolTip(tr("Median rank of the best candidate (the candidate oracle's box); 1 = chosen"));
    m_summary->horizontalHeaderItem(7)->setToolTip(
        tr("Failures by cause: coverage = no candidate reaches Dice 0.8; scoring = none that does is classified "
           "positive; choice = one is, but another box was more likely"));
    m_summary->horizontalHeader()->setStretchLastSection(true);
    m_summary->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_images = new QTableWidget(0, 1, leftSplit);
    m_images->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_images->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_images->setSortingEnabled(true);
    auto* rightSplit = new QSplitter(Qt::Vertical, split);
    m_histogram = new QChart;
    m_histogram->setTitle(tr("Dice per method"));
    auto* chartView = new QChartView(m_histogram, rightSplit);
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumSize(420, 280);
    m_failures = new QListWidget(rightSplit);
    m_failures->setViewMode(QListView::IconMode);
    m_failures->setIconSize(QSize(160, 120));
    m_failures->setResizeMode(QListView::Adjust);
    layout->addWidget(split, 1);

    connect(m_runButton, &QPushButton::clicked, this, &EvaluationView::run);
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export table"), QStringLiteral("evaluation.csv"), tr("CSV (*.csv)"));
        if (f.isEmpty())
            return;
        try {
            exportCsv(f);
        } catch (const std::exception& e) {
            m_status->setText(errorText(e));
        }
    });
    connect(png, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export view"), QStringLiteral("evaluation.png"), tr("PNG (*.png)"));
        if (!f.isEmpty())
            exportPng(f);
    });
    connect(m_images, &QTableWidget::cellClicked, this, [this](int row) {
        const QString path = m_images->item(row, 0)->data(Qt::UserRole).toString();
        if (!path.isEmpty())
            Q_EMIT openImageRequested(path);
    });
    connect(m_bridge, &ProgressBridge::progressed, this, [this](double f, const QString& text) {
        m_progress->setValue(int(f * 1000));
        m_status->setText(text);
    });
}

EvaluationView::~EvaluationView()
{
    m_bridge->cancel();
    if (m_thread)
        m_thread->wait();
}

void EvaluationView::setValidation(std::vector<detect::AnnotatedFrame> frames)
{
    m_validation = std::move(frames);
}

void EvaluationView::run()
{
    if (m_thread)
        return;
    if (!m_controller->hasModel()) {
        m_status->setText(tr("No model is active. Choose or train one first."));
        Q_EMIT failed(m_status->text());
        return;
    }
    m_bridge->reset();
    m_runButton->setEnabled(false);
    const std::string bundle = m_controller->modelName().toStdString();
    const std::string project = m_project.toStdString();
    auto frames = std::make_shared<std::vector<detect::AnnotatedFrame>>(m_validation);
    m_thread = QThread::create([this, bundle, project, frames] {
        try {
            auto loaded = detect::ModelBundle::load(bundle);
            if (frames->empty() && !project.empty()) {
                SubProgress reading(*m_bridge, 0, 0.3);
                auto all = TrainData::fromProject(project, {}, reading);
                // The bundle's validation split, by the files' sha256 (its manifest names no file).
                std::set<std::string> held;
                const auto manifest = nlohmann::json::parse(loaded.manifestJson);
                if (const auto t = manifest.find("training"); t != manifest.end() && t->is_object())
                    if (const auto v = t->find("validation_images"); v != t->end() && v->is_array())
                        for (const auto& im : *v)
                            if (im.is_object() && im.contains("sha256") && im["sha256"].is_string())
                                held.insert(im["sha256"].get<std::string>());
                for (auto& f : all)
                    if (held.empty() || held.count(f.sha256))
                        frames->push_back(std::move(f));
            }
            if (frames->empty())
                throw Error("There is nothing to evaluate on.", "Train a model (its validation split is used) or open a project with annotations.");
            SubProgress evaluating(*m_bridge, 0.3, 1.0);
            auto result = std::make_shared<detect::EvaluationResult>(
                detect::Evaluation::run(loaded.detector, *frames, loaded.detector.methods(), evaluating));
            QMetaObject::invokeMethod(this, [this, result, frames] { showResult(result, frames); }, Qt::QueuedConnection);
        } catch (const std::exception& e) {
            QMetaObject::invokeMethod(this, [this, text = errorText(e)] {
                m_status->setText(text);
                Q_EMIT failed(text);
            }, Qt::QueuedConnection);
        }
    });
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->deleteLater();
        m_thread = nullptr;
        m_runButton->setEnabled(true);
    });
    m_thread->start(QThread::LowPriority);
}

void EvaluationView::showResult(std::shared_ptr<detect::EvaluationResult> r, std::shared_ptr<std::vector<detect::AnnotatedFrame>> frames)
{
    m_result = std::move(r);
    m_frames = std::move(frames);
    const auto& res = *m_result;
    m_summary->setRowCount(int(res.methods.size()) + 1);
    for (int i = 0; i < int(res.methods.size()); ++i) {
        const auto m = res.methods[i];
        const auto& s = res.summary.at(m);
        auto* name = new QTableWidgetItem(QString::fromStdString(detect::methodTitle(m)));
        name->setForeground(methodColour(m).darker(140));
        m_summary->setItem(i, 0, name);
        m_summary->setItem(i, 1, new NumberItem(s.meanDice));
        m_summary->setItem(i, 2, new QTableWidgetItem(QStringLiteral("%1 / %2").arg(s.failures).arg(s.n)));
        m_summary->setItem(i, 3, new QTableWidgetItem(QString::number(s.lowConfidence)));
        m_summary->setItem(i, 4, new QTableWidgetItem(QString::number(s.n)));
        m_summary->setItem(i, 5, new NumberItem(s.auc));
        m_summary->setItem(i, 6, new QTableWidgetItem(QString::number(s.medianOracleRank, 'g', 4)));
        m_summary->setItem(i, 7, new QTableWidgetItem(QStringLiteral("%1 / %2 / %3")
                                                          .arg(s.coverageFailures)
                                                          .arg(s.scoringFailures)
                                                          .arg(s.choiceFailures)));
    }
    {
        // The candidate oracle: the best any method could do with these candidates.
        const int row = int(res.methods.size());
        auto* name = new QTableWidgetItem(tr("Candidate oracle"));
        name->setToolTip(tr("The best Dice any candidate reaches, per image (%1 candidates per image on average)")
                             .arg(res.meanCandidates, 0, 'f', 0));
        m_summary->setItem(row, 0, name);
        m_summary->setItem(row, 1, new NumberItem(res.meanOracleDice));
        m_summary->setItem(row, 2, new QTableWidgetItem(QStringLiteral("%1 / %2").arg(res.oracleFailures).arg(res.images.size())));
        m_summary->setItem(row, 4, new QTableWidgetItem(QString::number(res.images.size())));
    }
    m_summary->resizeColumnsToContents();

    m_images->setSortingEnabled(false);
    m_images->clear();
    QStringList headers{tr("Image"), tr("Oracle")};
    for (auto m : res.methods)
        headers << tr("Dice %1").arg(methodLabel(m));
    m_images->setColumnCount(headers.size());
    m_images->setHorizontalHeaderLabels(headers);
    m_images->setRowCount(int(res.images.size()));
    m_failures->clear();
    std::vector<QBarSet*> sets;
    for (auto m : res.methods) {
        auto* set = new QBarSet(methodLabel(m));
        set->setColor(methodColour(m));
        for (int b = 0; b < 10; ++b)
            *set << 0;
        sets.push_back(set);
    }
    for (int row = 0; row < int(res.images.size()); ++row) {
        const auto& img = res.images[row];
        auto* name = new QTableWidgetItem(QString::fromStdString(img.name));
        if (row < int(m_frames->size()))
            name->setData(Qt::UserRole, QString::fromStdString((*m_frames)[row].path));
        m_images->setItem(row, 0, name);
        m_images->setItem(row, 1, new NumberItem(img.oracle.dice));
        for (int c = 0; c < int(res.methods.size()); ++c) {
            const auto& o = img.methods.at(res.methods[c]);
            auto* dice = new NumberItem(o.dice);
            if (o.cause != detect::FailureCause::None)
                dice->setToolTip(tr("Failure (%1); the best candidate ranks %2")
                                     .arg(QString::fromStdString(detect::failureCauseName(o.cause)))
                                     .arg(o.oracleRank));
            m_images->setItem(row, c + 2, dice);
            const int bin = std::clamp(int(o.dice * 10), 0, 9);
            sets[c]->replace(bin, sets[c]->at(bin) + 1);
            if (o.dice < res.failureDice && row < int(m_frames->size())) {
                auto* item = new QListWidgetItem(
                    QIcon(QPixmap::fromImage(thumbnail((*m_frames)[row], img.truth, o.detection.box, methodColour(res.methods[c])))),
                    QStringLiteral("%1 %2\nDice %3").arg(methodLabel(res.methods[c]), QString::fromStdString(img.name)).arg(o.dice, 0, 'f', 2));
                m_failures->addItem(item);
            }
        }
    }
    m_images->setSortingEnabled(true);
    if (!res.methods.empty())
        m_images->sortByColumn(2, Qt::AscendingOrder); // the first method's Dice

    m_histogram->removeAllSeries();
    for (auto* axis : m_histogram->axes())
        m_histogram->removeAxis(axis);
    auto* series = new QBarSeries;
    for (auto* s : sets)
        series->append(s);
    m_histogram->addSeries(series);
    auto* x = new QBarCategoryAxis;
    for (int b = 0; b < 10; ++b)
        x->append(QStringLiteral("%1").arg(b / 10.0, 0, 'f', 1));
    x->setTitleText(tr("Dice (bin start)"));
    auto* y = new QValueAxis;
    y->setTitleText(tr("images"));
    y->setLabelFormat(QStringLiteral("%d"));
    m_histogram->addAxis(x, Qt::AlignBottom);
    m_histogram->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    y->applyNiceNumbers();
    m_status->setText(tr("%1 image(s), %2 failure(s) in the gallery").arg(res.images.size()).arg(m_failures->count()));
    m_progress->setValue(1000);
    Q_EMIT finished();
}

void EvaluationView::exportCsv(const QString& file) const
{
    if (!m_result)
        throw Error("There is no evaluation to export.", "Run the evaluation first.");
    SaveTarget::write(file, QByteArray::fromStdString(detect::Evaluation::csv(*m_result)));
}

bool EvaluationView::exportPng(const QString& file)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!grab().save(&buffer, "PNG")) {
        m_status->setText(tr("Cannot render the view as PNG"));
        return false;
    }
    try {
        SaveTarget::write(file, bytes);
    } catch (const std::exception& e) {
        m_status->setText(errorText(e));
        return false;
    }
    return true;
}

} // namespace ks::ui
