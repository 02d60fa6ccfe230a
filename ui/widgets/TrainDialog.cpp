#include "TrainDialog.h"

#include "common/Error.h"
#include "detect/TargetPreset.h"
#include "models/DetectionResult.h"
#include "models/DetectionWorker.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace ks::ui {

namespace {
QWidget* fileRow(QLineEdit* edit, const QString& filter, QWidget* parent)
{
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* browse = new QToolButton(row);
    browse->setText(QStringLiteral("…"));
    QObject::connect(browse, &QToolButton::clicked, row, [edit, filter, row] {
        const QString f = QFileDialog::getOpenFileName(row, QString(), edit->text(), filter);
        if (!f.isEmpty())
            edit->setText(f);
    });
    layout->addWidget(browse);
    return row;
}
} // namespace

TrainDialog::TrainDialog(TrainController* controller, const QString& projectFolder, QWidget* parent)
    : QDialog(parent)
    , m_controller(controller)
    , m_project(projectFolder)
{
    setWindowTitle(tr("Train a detector"));
    const detect::TrainConfig defaults;
    auto* top = new QHBoxLayout(this);
    auto* left = new QVBoxLayout;
    top->addLayout(left);

    auto* data = new QGroupBox(tr("Data (project images with a ground-truth ROI)"), this);
    auto* dataForm = new QFormLayout(data);
    m_status = new QComboBox(data);
    m_status->addItem(tr("any status"), QString());
    for (const char* s : {"draft", "submitted", "approved"})
        m_status->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    m_author = new QLineEdit(data);
    m_author->setPlaceholderText(tr("any author"));
    m_count = new QLabel(data);
    m_trainFraction = new QDoubleSpinBox(data);
    m_trainFraction->setRange(0.1, 1.0);
    m_trainFraction->setSingleStep(0.05);
    m_trainFraction->setValue(0.8);
    m_trainFraction->setToolTip(tr("Share of patients used for training; the rest is the validation split"));
    m_seed = new QSpinBox(data);
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    dataForm->addRow(tr("Status"), m_status);
    dataForm->addRow(tr("Author"), m_author);
    dataForm->addRow(tr("Images"), m_count);
    dataForm->addRow(tr("Train fraction (by patient)"), m_trainFraction);
    dataForm->addRow(tr("Split seed"), m_seed);
    left->addWidget(data);

    auto* model = new QGroupBox(tr("Methods and backbone"), this);
    auto* modelForm = new QFormLayout(model);
    auto* methodRow = new QHBoxLayout;
    for (auto m : allMethods()) {
        auto* check = new QCheckBox(methodLabel(m), model);
        // The paper's best method by default, with the two rows it combines.
        check->setChecked(m == detect::Method::Haar || m == detect::Method::FA || m == detect::Method::Hybrid);
        methodRow->addWidget(check);
        m_methods.emplace_back(m, check);
    }
    modelForm->addRow(tr("Methods"), methodRow);
    m_preset = new QComboBox(model);
    for (const auto& name : detect::TargetPreset::available(detect::TargetPreset::defaultDirs()))
        m_preset->addItem(QString::fromStdString(name));
    m_preset->addItem(QStringLiteral("data"));
    m_preset->setCurrentText(QStringLiteral("kidney"));
    modelForm->addRow(tr("Target preset"), m_preset);
    m_backbone = new QComboBox(model);
    m_backbone->addItems({QStringLiteral("caffenet"), QStringLiteral("squeezenet")});
    m_backbone->setCurrentText(QString::fromStdString(defaults.cnn.backbone));
    modelForm->addRow(tr("Backbone"), m_backbone);
    m_prototxt = new QLineEdit(model);
    m_prototxt->setPlaceholderText(tr("none: no ImageNet transfer"));
    m_caffemodel = new QLineEdit(model);
    m_caffemodel->setPlaceholderText(tr("none: no ImageNet transfer"));
    modelForm->addRow(tr("Caffe prototxt"), fileRow(m_prototxt, tr("Caffe prototxt (*.prototxt)"), model));
    modelForm->addRow(tr("Caffe weights"), fileRow(m_caffemodel, tr("Caffe model (*.caffemodel)"), model));
    left->addWidget(model);

    auto* hyper = new QGroupBox(tr("Hyperparameters (paper defaults)"), this);
    auto* hyperForm = new QFormLayout(hyper);
    auto spin = [hyper](int lo, int hi, int value) {
        auto* s = new QSpinBox(hyper);
        s->setRange(lo, hi);
        s->setValue(value);
        return s;
    };
    m_candidates = spin(50, 100000, defaults.candidates.targetCount);
    m_haarCount = spin(10, 100000, defaults.haarCount);
    m_rounds = spin(1, 10000, defaults.gbm.rounds);
    m_depth = spin(1, 16, defaults.gbm.maxDepth);
    m_eta = new QDoubleSpinBox(hyper);
    m_eta->setRange(0.001, 1.0);
    m_eta->setDecimals(3);
    m_eta->setValue(defaults.gbm.eta);
    m_learningRate = new QDoubleSpinBox(hyper);
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(1e-5, 1.0);
    m_learningRate->setValue(defaults.cnn.learningRate);
    m_epochs = spin(1, 1000, defaults.cnn.epochs);
    hyperForm->addRow(tr("Candidates per image"), m_candidates);
    hyperForm->addRow(tr("Haar features"), m_haarCount);
    hyperForm->addRow(tr("GBM rounds"), m_rounds);
    hyperForm->addRow(tr("GBM depth"), m_depth);
    hyperForm->addRow(tr("GBM shrinkage"), m_eta);
    hyperForm->addRow(tr("CNN learning rate"), m_learningRate);
    hyperForm->addRow(tr("CNN epochs"), m_epochs);
    left->addWidget(hyper);

    auto* right = new QVBoxLayout;
    top->addLayout(right, 1);
    m_stage = new QLabel(tr("Not started"), this);
    m_stage->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_etaLabel = new QLabel(this);
    right->addWidget(m_stage);
    right->addWidget(m_progress);
    right->addWidget(m_etaLabel);
    m_chart = new QChart;
    m_chart->setTitle(tr("Fine-tuning per epoch (CNN methods)"));
    m_loss = new QLineSeries(m_chart);
    m_loss->setName(tr("train loss"));
    m_accuracy = new QLineSeries(m_chart);
    m_accuracy->setName(tr("validation accuracy"));
    m_chart->addSeries(m_loss);
    m_chart->addSeries(m_accuracy);
    m_xAxis = new QValueAxis(m_chart);
    m_xAxis->setTitleText(tr("epoch"));
    m_xAxis->setRange(0, 5);
    m_xAxis->setLabelFormat(QStringLiteral("%d"));
    auto* yAxis = new QValueAxis(m_chart);
    yAxis->setRange(0, 1.5);
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(yAxis, Qt::AlignLeft);
    for (auto* s : {m_loss, m_accuracy}) {
        s->attachAxis(m_xAxis);
        s->attachAxis(yAxis);
    }
    auto* chartView = new QChartView(m_chart, this);
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumSize(380, 260);
    right->addWidget(chartView, 1);
    m_table = new QPlainTextEdit(this);
    m_table->setReadOnly(true);
    m_table->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->setMinimumHeight(150);
    m_table->setToolTip(tr("Table 1 of the paper on the validation split: mean Dice and failures (Dice < 0.8) per method"));
    m_table->hide();
    right->addWidget(m_table, 1);
    auto* buttons = new QHBoxLayout;
    m_trainButton = new QPushButton(tr("Train"), this);
    m_trainButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Close"), this);
    buttons->addStretch();
    buttons->addWidget(m_trainButton);
    buttons->addWidget(m_cancelButton);
    right->addLayout(buttons);

    connect(m_trainButton, &QPushButton::clicked, this, &TrainDialog::startTraining);
    connect(m_cancelButton, &QPushButton::clicked, this, &TrainDialog::cancelOrClose);
    connect(m_status, &QComboBox::currentIndexChanged, this, &TrainDialog::updateCount);
    connect(m_author, &QLineEdit::editingFinished, this, &TrainDialog::updateCount);
    connect(m_controller, &TrainController::progressed, this, [this](double f, const QString& stage, double eta) {
        m_progress->setValue(static_cast<int>(f * 1000));
        m_stage->setText(stage);
        m_etaLabel->setText(eta < 0 ? QString() : tr("about %1 s left").arg(std::ceil(eta)));
    });
    connect(m_controller, &TrainController::epochFinished, this, &TrainDialog::onEpoch);
    connect(m_controller, &TrainController::finished, this, [this](const QString& dir) {
        setRunning(false);
        m_stage->setText(tr("Trained: %1").arg(dir));
        Q_EMIT trained(dir);
    });
    connect(m_controller, &TrainController::evaluated, this, [this](const QString& table, const QString& summary) {
        m_table->setPlainText(table);
        m_table->show();
        m_stage->setText(m_stage->text() + QStringLiteral("\n") + summary);
    });
    connect(m_controller, &TrainController::failed, this, [this](const QString& text) {
        setRunning(false);
        m_stage->setText(text);
    });
    connect(m_controller, &TrainController::cancelled, this, [this] {
        setRunning(false);
        m_stage->setText(tr("Cancelled; the previous model is still active."));
    });
    updateCount();
}

void TrainDialog::updateCount()
{
    if (m_project.isEmpty()) {
        m_count->setText(tr("no project open"));
        return;
    }
    try {
        const auto r = request();
        m_count->setText(tr("%1 image(s)").arg(TrainData::count(r.projectFolder, r.filter)));
    } catch (const std::exception& e) {
        m_count->setText(QString::fromUtf8(e.what()));
    }
}

TrainRequest TrainDialog::request() const
{
    TrainRequest r;
    r.projectFolder = m_project.toStdString();
    const QString status = m_status->currentData().toString();
    if (!status.isEmpty())
        r.filter.status = annotation::statusFromName(status.toStdString());
    r.filter.author = m_author->text().trimmed().toStdString();
    r.trainFraction = m_trainFraction->value();
    r.seed = static_cast<unsigned>(m_seed->value());
    r.modelsFolder = m_project.isEmpty() ? QString() : QDir(m_project).filePath(QStringLiteral("models"));
    auto& c = r.config;
    c.preset = m_preset->currentText() == QStringLiteral("data")
                   ? detect::TargetPreset::dataOnly()
                   : detect::TargetPreset::load(m_preset->currentText().toStdString(), detect::TargetPreset::defaultDirs());
    c.methods.clear();
    for (const auto& [m, check] : m_methods)
        if (check->isChecked() && check->isEnabled())
            c.methods.push_back(m);
    c.candidates.targetCount = m_candidates->value();
    c.haarCount = m_haarCount->value();
    c.gbm.rounds = m_rounds->value();
    c.gbm.maxDepth = m_depth->value();
    c.gbm.eta = m_eta->value();
    // leave a core to the GUI thread so that it stays responsive
    c.gbm.threads = std::max(1, QThread::idealThreadCount() - 1);
    c.cnn.backbone = m_backbone->currentText().toStdString();
    c.cnn.prototxt = m_prototxt->text().trimmed().toStdString();
    c.cnn.caffemodel = m_caffemodel->text().trimmed().toStdString();
    c.cnn.learningRate = m_learningRate->value();
    c.cnn.epochs = m_epochs->value();
    return r;
}

void TrainDialog::startTraining()
{
    TrainRequest r;
    try {
        r = request();
        if (r.config.methods.empty())
            throw Error("No method is selected.", "Tick at least one method (Haar needs no CNN).");
        if (r.projectFolder.empty())
            throw Error("No project is open.", "Open the project whose annotations to train on (File → Open Project).");
    } catch (const std::exception& e) {
        m_stage->setText(errorText(e));
        return;
    }
    m_loss->clear();
    m_accuracy->clear();
    m_table->clear();
    m_table->hide();
    m_epochIndex = 0;
    if (m_controller->start(std::move(r)))
        setRunning(true);
}

void TrainDialog::cancelOrClose()
{
    if (m_controller->isRunning()) {
        m_stage->setText(tr("Cancelling…"));
        m_controller->cancel();
    } else {
        reject();
    }
}

void TrainDialog::setRunning(bool running)
{
    m_trainButton->setEnabled(!running);
    m_cancelButton->setText(running ? tr("Cancel") : tr("Close"));
    if (!running)
        m_etaLabel->clear();
}

void TrainDialog::onEpoch(const QString& mode, int, double trainLoss, double, double, double validationAccuracy)
{
    ++m_epochIndex;
    m_loss->append(m_epochIndex, trainLoss);
    if (!std::isnan(validationAccuracy))
        m_accuracy->append(m_epochIndex, validationAccuracy);
    m_xAxis->setRange(0, std::max(5, m_epochIndex));
    m_chart->setTitle(tr("Fine-tuning (%1), epoch %2").arg(mode.toUpper()).arg(m_epochIndex));
}

} // namespace ks::ui
