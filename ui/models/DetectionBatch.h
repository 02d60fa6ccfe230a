#pragma once
/// \file DetectionBatch.h
/// Batch detection over every frame registered in a project, in a background thread with its
/// own copy of the model and its own store connection. Results are stored all at once (one
/// transaction, ROIs with source from-model, audit action "batch-detect"), so a cancelled or
/// failed run stores nothing; they are also returned as CSV for export. The model is their
/// author (authorFor()), so that they never pass for a reader's work; the audit log names the
/// user who ran the batch.
#include "ProgressBridge.h"
#include "detect/Method.h"

#include <QObject>
#include <QString>

class QThread;

namespace ks::ui {

/// GUI thread only; signals arrive on the GUI thread.
class DetectionBatch : public QObject
{
    Q_OBJECT
public:
    explicit DetectionBatch(QObject* parent = nullptr);
    ~DetectionBatch() override;

    /// "model:<bundle folder name>/<method>", the author of ROIs the model made (batch detection,
    /// an accepted detection). Never a reader's name: agreement statistics between authors keep
    /// readers and models apart.
    static QString authorFor(const QString& bundle, detect::Method method);

    /// Detects with `method` of the bundle on every frame in the project (only frames the user
    /// added: viewing a file does not add it).
    /// \return false (with failed()) when a run is in progress
    bool start(const QString& projectFolder, const QString& bundle, detect::Method method);
    bool isRunning() const;
    bool wait(int ms);

public Q_SLOTS:
    void cancel() { m_bridge->cancel(); }

Q_SIGNALS:
    void progressed(double fraction, const QString& message, double etaSeconds);
    /// `stored` ROIs were added (author: the model); `lowConfidence` frames where no candidate was
    /// positive got none (their guess is only in the CSV); `csv`:
    /// path,frame,x,y,width,height,likelihood,low_confidence,method
    void finished(int stored, int lowConfidence, const QString& csv);
    void failed(const QString& message);
    void cancelled();

private:
    QThread* m_thread = nullptr;
    ProgressBridge* m_bridge;
};

} // namespace ks::ui
