#pragma once
/// \file LoadController.h
/// The GUI side of background loading: owns the worker thread, numbers requests, drops
/// results of superseded requests (latest request wins, per channel) and re-emits the rest.

#include "models/LoadWorker.h"

#include <QHash>
#include <QObject>
#include <QThread>

namespace ks::ui {

/// Create and use on the GUI thread. Signals are emitted on the GUI thread.
class LoadController : public QObject
{
    Q_OBJECT
public:
    explicit LoadController(QObject* parent = nullptr);
    /// With replacement core calls (tests).
    explicit LoadController(LoadFunctions functions, QObject* parent = nullptr);
    /// Cancels what runs and waits for the worker thread to finish.
    ~LoadController() override;

    /// Scans a file, folder or DICOMDIR → scanFinished / failed. Supersedes earlier scans.
    quint64 requestScan(const QString& path);
    /// Generates (if needed) and scans the demo study in `folder` → scanFinished / failed.
    quint64 requestDemo(const QString& folder);
    /// Decodes one file → imageLoaded / failed. Supersedes earlier image loads.
    quint64 requestImage(const QString& path);

    /// True while any request is queued or running.
    bool isBusy() const { return m_pending > 0; }

public Q_SLOTS:
    /// Cancels every request issued so far; a running one stops at its next progress report.
    void cancel();

Q_SIGNALS:
    void progress(double fraction, const QString& message);
    void scanFinished(const QString& path, const ks::dicom::StudyTree& tree);
    void imageLoaded(const QString& path, const ks::Image& image);
    /// One message per failed request: "Cannot open X: what was wrong. What to do."
    void failed(const QString& message);
    /// Also emitted (after failed) when the failed request was an image load.
    void imageFailed(const QString& path, const QString& message);
    void cancelled();
    void busyChanged(bool busy);

    // Internal: queued requests to the worker.
    void scanRequested(quint64 generation, const QString& path);
    void demoRequested(quint64 generation, const QString& folder);
    void imageRequested(quint64 generation, const QString& path);

private:
    quint64 next(LoadChannel channel);
    void finishOne();
    bool isLatest(int channel, quint64 generation) const;

    QThread m_thread;
    LoadWorker* m_worker = nullptr;
    std::shared_ptr<LoadGenerations> m_generations;
    QHash<quint64, QString> m_imagePaths; ///< pending image requests → path
    quint64 m_counter = 0;
    int m_pending = 0;
};

} // namespace ks::ui
