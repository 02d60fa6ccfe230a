#pragma once
/// \file DetectionController.h
/// The GUI's handle on detection: owns the detection thread and its worker, numbers requests
/// so that the latest one wins (older results are dropped, older work stops at its next
/// progress report), and forwards progress, results and errors as signals.
#include "DetectionResult.h"
#include "common/Calibration.h"

#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace ks::ui {

class DetectionWorker;

/// GUI thread only (signals arrive on the GUI thread).
class DetectionController : public QObject
{
    Q_OBJECT
public:
    explicit DetectionController(QObject* parent = nullptr);
    ~DetectionController() override;

    /// Loads a bundle directory in the background; modelChanged() or failed() follows. The
    /// previous model stays active when loading fails.
    void loadModel(const QString& dir);
    /// Makes `detector` the active model (its name shown as `name`).
    void setDetector(std::shared_ptr<detect::Detector> detector, const QString& name);
    /// Name (bundle folder) of the active model; empty when none.
    QString modelName() const { return m_modelName; }
    QString manifestJson() const { return m_manifest; }
    QStringList modelMethods() const { return m_methods; }
    bool hasModel() const { return !m_modelName.isEmpty(); }

    /// Starts a detection on `gray8` (CV_8UC1, copied) with `methods` (all of the model's when
    /// empty). \return the request number; earlier requests are superseded.
    quint64 detect(const cv::Mat& gray8, const Calibration& calibration, int frame = 0,
                   const std::vector<detect::Method>& methods = {});
    bool isBusy() const { return m_busy; }

public Q_SLOTS:
    /// Stops the running detection (its result is not delivered).
    void cancel();

Q_SIGNALS:
    void modelChanged(const QString& name, const QString& manifestJson);
    void progressed(double fraction, const QString& message);
    void finished(const ks::ui::DetectionResult& result);
    void failed(const QString& message);
    void cancelled();

private:
    QThread* m_thread;
    DetectionWorker* m_worker;
    std::shared_ptr<std::atomic<quint64>> m_latest;
    quint64 m_next = 0;
    bool m_busy = false;
    QString m_modelName;
    QString m_manifest;
    QStringList m_methods;
};

} // namespace ks::ui
