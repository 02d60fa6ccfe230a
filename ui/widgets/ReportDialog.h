#pragma once
/// \file ReportDialog.h
/// "Write report…": a model bundle and an annotated study in, a self-contained HTML report and
/// a PDF of it (same name, .pdf) out. The report is built in the InterpretController's thread
/// with progress and cancel.
#include "models/InterpretController.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ks::ui {

/// GUI thread only.
class ReportDialog : public QDialog
{
    Q_OBJECT
public:
    /// \param controller a private one when null
    explicit ReportDialog(InterpretController* controller = nullptr, QWidget* parent = nullptr);

    InterpretController* controller() const { return m_controller; }
    void setBundle(const QString& dir);
    void setStudy(const QString& path);
    /// The HTML file; the PDF goes beside it with the suffix .pdf.
    void setOutput(const QString& htmlPath);
    /// The options the dialog's fields give.
    interpret::ReportOptions options() const;
    QString htmlPath() const;
    /// htmlPath() with the suffix replaced by .pdf.
    QString pdfPath() const;
    QString statusText() const;
    bool isRunning() const { return m_running; }

public Q_SLOTS:
    /// Starts writing (checks the fields first; says what is missing in the status line).
    void start();
    void cancel();

Q_SIGNALS:
    void written(const QString& htmlPath, const QString& pdfPath);

private:
    void setRunning(bool running);

    InterpretController* m_controller;
    QLineEdit* m_bundle;
    QLineEdit* m_study;
    QLineEdit* m_output;
    QSpinBox* m_patches;
    QLineEdit* m_layers;
    QSpinBox* m_maxImages;
    QProgressBar* m_progress;
    QLabel* m_status;
    QPushButton* m_write;
    QPushButton* m_cancel;
    bool m_running = false;
};

} // namespace ks::ui
