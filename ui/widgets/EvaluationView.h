#pragma once
/// \file EvaluationView.h
/// Table 1 for the active model on the validation split: mean Dice and failures per method,
/// a per-image table sortable by Dice (a click asks to open the image), a Dice histogram per
/// method (Qt Charts), a gallery of failures, and export of the table (CSV) and the view (PNG).
/// The evaluation runs in its own thread on its own copy of the model (loaded from the bundle).
#include "detect/AnnotatedFrame.h"
#include "detect/Evaluation.h"
#include "models/ProgressBridge.h"

#include <QWidget>

#include <memory>
#include <vector>

class QChart;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QThread;

namespace ks::ui {

class DetectionController;

/// GUI thread only.
class EvaluationView : public QWidget
{
    Q_OBJECT
public:
    explicit EvaluationView(DetectionController* controller, QWidget* parent = nullptr);
    ~EvaluationView() override;

    /// Frames to evaluate on (e.g. the validation split of the last training).
    void setValidation(std::vector<detect::AnnotatedFrame> frames);
    /// Without explicit frames: the project's annotated frames named in the model manifest's
    /// validation list (all of them when the manifest has none).
    void setProject(const QString& folder) { m_project = folder; }

    const detect::EvaluationResult* result() const { return m_result.get(); }
    QTableWidget* summaryTable() const { return m_summary; }
    QTableWidget* imageTable() const { return m_images; }
    QListWidget* failureGallery() const { return m_failures; }
    /// CSV of the per-image table (Evaluation::csv), through SaveTarget (never into a project
    /// folder, all or nothing). \throws ks::Error when it cannot be written
    void exportCsv(const QString& file) const;
    /// PNG of the whole view, through SaveTarget. \return success; on failure the status line says why
    bool exportPng(const QString& file);

public Q_SLOTS:
    /// Evaluates the active model; finished() or failed() follows.
    void run();
    void cancel() { m_bridge->cancel(); }

Q_SIGNALS:
    void finished();
    void failed(const QString& message);
    void openImageRequested(const QString& path);

private:
    void showResult(std::shared_ptr<detect::EvaluationResult> result, std::shared_ptr<std::vector<detect::AnnotatedFrame>> frames);

    DetectionController* m_controller;
    ProgressBridge* m_bridge;
    QThread* m_thread = nullptr;
    QString m_project;
    std::vector<detect::AnnotatedFrame> m_validation;
    std::shared_ptr<detect::EvaluationResult> m_result;
    std::shared_ptr<std::vector<detect::AnnotatedFrame>> m_frames;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_runButton;
    QTableWidget* m_summary;
    QTableWidget* m_images;
    QChart* m_histogram;
    QListWidget* m_failures;
};

} // namespace ks::ui
