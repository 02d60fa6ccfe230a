#pragma once
/// \file DetectionDock.h
/// The detection area of the main window: the Detection dock (DetectionPanel), the Detect
/// tool bar button (D), and the Detection menu (Train…, Models…, Evaluate…). Remembers the
/// active model folder in the settings (key "detection/model").
#include <QDockWidget>

class QMainWindow;
class QSettings;

namespace ks::ui {

class AnnotationSession;
class DetectionBatch;
class DetectionController;
class DetectionPanel;
class EvaluationView;
class ImageView;
class TrainController;

/// GUI thread only.
class DetectionDock : public QDockWidget
{
    Q_OBJECT
public:
    /// \param session the annotation session (project, ground truth, Accept); may be null
    DetectionDock(ImageView* view, AnnotationSession* session, QWidget* parent = nullptr);
    ~DetectionDock() override;

    /// Adds the Detection menu and tool bar to `window`.
    void addMenuAndToolBar(QMainWindow* window);
    DetectionPanel* panel() const { return m_panel; }
    DetectionController* controller() const { return m_controller; }
    TrainController* trainer() const { return m_trainer; }
    DetectionBatch* batch() const { return m_batch; }
    /// The project's models folder (empty without a project).
    QString modelsFolder() const;

public Q_SLOTS:
    void showModels();
    void showTrainDialog();
    void showEvaluation();
    /// Detects on every frame in the open project (frames the user added; viewing adds none)
    /// with the active model; the ROIs are stored from-model, authored by the model.
    void batchDetect();
    /// Makes a bundle folder the active model and remembers it.
    void useModel(const QString& bundle);

Q_SIGNALS:
    void message(const QString& text, bool error);
    /// The evaluation view asks to show an image file (a row was clicked).
    void openImageRequested(const QString& path);

private:
    ImageView* m_view;
    AnnotationSession* m_session;
    DetectionController* m_controller;
    TrainController* m_trainer;
    DetectionBatch* m_batch;
    DetectionPanel* m_panel;
    EvaluationView* m_evaluation = nullptr;
};

} // namespace ks::ui
