#pragma once
/// \file DetectionWorker.h
/// Runs detections and loads model bundles in the detection thread (owned by
/// DetectionController). The detector lives only in this thread (it is not thread-safe).
#include "DetectionResult.h"
#include "ProgressBridge.h"
#include "common/Calibration.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace ks::ui {

/// ks::Error's message and hint, else what().
QString errorText(const std::exception& e);

/// Lives in the worker thread; its slots are invoked queued from the controller.
class DetectionWorker : public QObject
{
    Q_OBJECT
public:
    /// \param latest the controller's newest request number; work for an older one stops early
    explicit DetectionWorker(std::shared_ptr<std::atomic<quint64>> latest);
    ProgressBridge* bridge() const { return m_bridge; }

public Q_SLOTS:
    /// Loads a bundle (replacing the detector only on success).
    void loadModel(const QString& dir);
    /// Takes ownership of `detector` (tests, or a model just trained).
    void setDetector(std::shared_ptr<ks::detect::Detector> detector, const QString& name);
    /// Detects with each requested method the model has (all it has when `methods` is empty).
    void detect(quint64 generation, int frame, const cv::Mat& gray8, const ks::Calibration& calibration,
                const std::vector<ks::detect::Method>& methods);

Q_SIGNALS:
    void modelLoaded(const QString& name, const QString& manifestJson, const QStringList& methods);
    void finished(const ks::ui::DetectionResult& result);
    /// `generation` 0: a model failed to load.
    void failed(quint64 generation, const QString& message);
    void cancelled(quint64 generation);

private:
    void install(std::shared_ptr<detect::Detector> detector, const QString& name, const QString& manifest);

    std::shared_ptr<std::atomic<quint64>> m_latest;
    std::shared_ptr<detect::Detector> m_detector;
    ProgressBridge* m_bridge;
};

} // namespace ks::ui
