#include "DetectionDock.h"

#include "DetectionPanel.h"
#include "EvaluationView.h"
#include "FocusReturn.h"
#include "ImageView.h"
#include "ModelDialog.h"
#include "TrainDialog.h"
#include "models/AnnotationSession.h"
#include "models/DetectionBatch.h"
#include "models/DetectionController.h"
#include "models/DetectionWorker.h" // errorText
#include "models/SaveTarget.h"
#include "models/TrainController.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QToolBar>

namespace ks::ui {

namespace {
const char* kModelKey = "detection/model";
}

DetectionDock::DetectionDock(ImageView* view, AnnotationSession* session, QWidget* parent)
    : QDockWidget(tr("Detection"), parent)
    , m_view(view)
    , m_session(session)
    , m_controller(new DetectionController(this))
    , m_trainer(new TrainController(this))
    , m_batch(new DetectionBatch(this))
{
    setObjectName(QStringLiteral("detectionDock"));
    m_panel = new DetectionPanel(view, session, m_controller, this);
    setWidget(m_panel);
    connect(m_panel, &DetectionPanel::message, this, &DetectionDock::message);
    connect(m_controller, &DetectionController::modelChanged, this, [this](const QString& name) {
        Q_EMIT message(tr("Detection model: %1").arg(name), false);
    });
    connect(m_trainer, &TrainController::finished, this,
            [this](const QString& dir, std::shared_ptr<detect::Detector> detector,
                   std::shared_ptr<std::vector<detect::AnnotatedFrame>> validation) {
                m_controller->setDetector(std::move(detector), dir);
                QSettings().setValue(kModelKey, dir);
                if (m_evaluation)
                    m_evaluation->setValidation(*validation);
                Q_EMIT message(tr("Trained model saved to %1 and made active").arg(dir), false);
            });
    connect(m_batch, &DetectionBatch::progressed, this, [this](double f, const QString& text) {
        Q_EMIT message(tr("Batch detection %1%: %2").arg(int(f * 100)).arg(text), false);
    });
    connect(m_batch, &DetectionBatch::failed, this, [this](const QString& text) { Q_EMIT message(text, true); });
    connect(m_batch, &DetectionBatch::cancelled, this, [this] { Q_EMIT message(tr("Batch detection cancelled; nothing was stored"), false); });
    connect(m_batch, &DetectionBatch::finished, this, [this](int stored, int lowConfidence, const QString& csv) {
        Q_EMIT message(lowConfidence == 0
                           ? tr("Batch detection stored %1 ROI(s) marked from-model").arg(stored)
                           : tr("Batch detection stored %1 ROI(s) marked from-model; %2 frame(s) where the model found "
                                "no kidney got none (listed as low confidence in the CSV)")
                                 .arg(stored)
                                 .arg(lowConfidence),
                       false);
        if (m_session && m_session->hasProject())
            m_session->setStatusFilter(m_session->statusFilter()); // reload the ROIs on screen
        const QString file = QFileDialog::getSaveFileName(this, tr("Export batch detections"),
                                                          QStringLiteral("detections.csv"), tr("CSV (*.csv)"));
        FocusReturn::restore(m_view);
        if (file.isEmpty())
            return;
        try {
            SaveTarget::write(file, csv.toUtf8());
        } catch (const std::exception& e) {
            Q_EMIT message(errorText(e), true);
        }
    });
    const QString remembered = QSettings().value(kModelKey).toString();
    if (!remembered.isEmpty() && QDir(remembered).exists(QStringLiteral("manifest.json")))
        m_controller->loadModel(remembered);
}

DetectionDock::~DetectionDock() = default;

void DetectionDock::addMenuAndToolBar(QMainWindow* window)
{
    QMenu* menu = window->menuBar()->addMenu(tr("De&tection"));
    menu->addAction(m_panel->detectAction());
    menu->addAction(m_panel->acceptAction());
    menu->addSeparator();
    menu->addAction(tr("&Models…"), this, &DetectionDock::showModels);
    menu->addAction(tr("&Train…"), this, &DetectionDock::showTrainDialog);
    menu->addAction(tr("&Evaluation…"), this, &DetectionDock::showEvaluation);
    menu->addAction(tr("&Batch detect project"), this, &DetectionDock::batchDetect);
    menu->addAction(tr("Cancel batch detection"), m_batch, &DetectionBatch::cancel);
    menu->addSeparator();
    menu->addAction(toggleViewAction());
    QToolBar* toolbar = window->addToolBar(tr("Detection"));
    toolbar->setObjectName(QStringLiteral("detectionToolbar"));
    toolbar->addAction(m_panel->detectAction());
    toolbar->addAction(m_panel->acceptAction());
}

QString DetectionDock::modelsFolder() const
{
    if (!m_session || !m_session->hasProject())
        return {};
    return QDir(m_session->projectFolder()).filePath(QStringLiteral("models"));
}

void DetectionDock::useModel(const QString& bundle)
{
    QSettings().setValue(kModelKey, bundle);
    m_controller->loadModel(bundle);
}

void DetectionDock::showModels()
{
    ModelDialog dialog(modelsFolder(), m_controller->modelName(), this);
    const bool chosen = dialog.exec() == QDialog::Accepted && !dialog.chosen().isEmpty();
    FocusReturn::restore(m_view);
    if (chosen)
        useModel(dialog.chosen());
}

void DetectionDock::showTrainDialog()
{
    auto* dialog = new TrainDialog(m_trainer, m_session && m_session->hasProject() ? m_session->projectFolder() : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    FocusReturn::install(dialog, m_view);
    dialog->show();
}

void DetectionDock::showEvaluation()
{
    if (!m_evaluation) {
        m_evaluation = new EvaluationView(m_controller, this);
        m_evaluation->setWindowFlag(Qt::Window);
        m_evaluation->resize(1100, 750);
        connect(m_evaluation, &EvaluationView::openImageRequested, this, &DetectionDock::openImageRequested);
        // Closing it gives the keys back to the image view (not to the first input field).
        FocusReturn::install(m_evaluation, m_view);
    }
    if (m_session && m_session->hasProject())
        m_evaluation->setProject(m_session->projectFolder());
    m_evaluation->show();
    m_evaluation->raise();
}

void DetectionDock::batchDetect()
{
    if (!m_session || !m_session->hasProject()) {
        Q_EMIT message(tr("Open a project first (File → Open Project): batch detection stores its results there."), true);
        return;
    }
    m_batch->start(m_session->projectFolder(), m_controller->modelName(), m_panel->currentMethod());
}

} // namespace ks::ui
