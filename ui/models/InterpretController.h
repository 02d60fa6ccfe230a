#pragma once
/// \file InterpretController.h
/// The GUI's handle on the interpretability work: owns the worker thread, numbers requests so
/// that the latest one wins (older results are dropped, older work stops at its next progress
/// report), and forwards progress, results and errors as signals.
#include "InterpretTypes.h"

#include "interpret/ReportBuilder.h"

#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace ks::ui {

class InterpretWorker;

/// GUI thread only (signals arrive on the GUI thread).
class InterpretController : public QObject
{
    Q_OBJECT
public:
    explicit InterpretController(QObject* parent = nullptr);
    ~InterpretController() override;

    /// Hands networks to the worker (tests, or networks already in memory). modelsChanged() follows.
    quint64 setModels(InterpretModelList models, const QString& source);
    /// Loads the NA/PA/FA networks of a bundle folder in the background.
    quint64 loadBundle(const QString& dir);
    /// Imports a Caffe model (prototxt + caffemodel) as the only (NA) network.
    quint64 loadCaffe(const QString& prototxt, const QString& caffemodel, const QString& backbone);
    /// Responses of every filter of `layer` on `patch8` (CV_8UC1, copied) for each network.
    quint64 computeResponses(const cv::Mat& patch8, const QString& layer);
    /// Table 2 of the loaded networks against NA.
    quint64 computeWeightChange();
    /// Builds the report of `options` and writes it to `htmlPath` and (when not empty) `pdfPath`.
    quint64 writeReport(const interpret::ReportOptions& options, const QString& htmlPath, const QString& pdfPath);

    bool isBusy() const { return m_busy; }
    QStringList modelLabels() const { return m_labels; }
    QStringList layers() const { return m_layers; }
    QString source() const { return m_source; }

public Q_SLOTS:
    /// Stops the running work; cancelled() follows once it stopped (no result is delivered).
    void cancel();

Q_SIGNALS:
    void modelsChanged(const QString& source, const QStringList& labels, const QStringList& layers);
    void progressed(double fraction, const QString& message);
    void responsesReady(const ks::ui::ResponseResult& result);
    void weightChangeReady(const ks::ui::WeightChangeResult& result);
    void reportWritten(const ks::ui::ReportOutcome& outcome);
    void failed(const QString& message);
    void cancelled();

private:
    quint64 begin();
    template <class F>
    quint64 post(F&& call);

    QThread* m_thread;
    InterpretWorker* m_worker;
    std::shared_ptr<std::atomic<quint64>> m_latest;
    quint64 m_next = 0;
    quint64 m_cancelledGeneration = 0;
    bool m_busy = false;
    QStringList m_labels;
    QStringList m_layers;
    QString m_source;
};

} // namespace ks::ui
