#pragma once
/// \file InterpretWorker.h
/// Looks inside the networks in the interpretability thread (owned by InterpretController):
/// loads NA/PA/FA networks (bundle or Caffe import), computes layer responses of a patch,
/// Table 2, and writes the HTML + PDF report. The networks live only in this thread.
#include "InterpretTypes.h"
#include "ProgressBridge.h"

#include "interpret/ReportBuilder.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace ks::ui {

/// Lives in the worker thread; its functions are invoked queued from the controller.
class InterpretWorker : public QObject
{
    Q_OBJECT
public:
    /// \param latest the controller's newest request number; work for an older one stops at
    ///        its next progress report
    explicit InterpretWorker(std::shared_ptr<std::atomic<quint64>> latest);
    ProgressBridge* bridge() const { return m_bridge; }

    /// The NA/PA/FA networks of a bundle folder (manifest.json, feature_sets.*.network).
    /// \throws ks::Error when the folder is no bundle or has no CNN network.
    static InterpretModelList loadBundle(const QString& dir);
    /// Display name of a backbone ("caffenet" → "CaffeNet").
    static std::string backboneTitle(const std::string& backbone);

    void setModels(quint64 generation, InterpretModelList models, const QString& source);
    void loadBundleModels(quint64 generation, const QString& dir);
    void loadCaffe(quint64 generation, const QString& prototxt, const QString& caffemodel, const QString& backbone);
    /// \param patch8 CV_8UC1 patch (responses are computed at its size; the viewer gives 227×227)
    void computeResponses(quint64 generation, const cv::Mat& patch8, const QString& layer);
    void computeWeightChange(quint64 generation);
    void writeReport(quint64 generation, const interpret::ReportOptions& options, const QString& htmlPath,
                     const QString& pdfPath);

Q_SIGNALS:
    void modelsLoaded(quint64 generation, const QString& source, const QStringList& labels, const QStringList& layers);
    void responsesReady(const ks::ui::ResponseResult& result);
    void weightChangeReady(const ks::ui::WeightChangeResult& result);
    void reportWritten(const ks::ui::ReportOutcome& outcome);
    void failed(quint64 generation, const QString& message);
    void cancelled(quint64 generation);

private:
    /// Runs `work` with the bridge reset and cancelled once `generation` is superseded; turns
    /// exceptions into failed()/cancelled().
    template <class F>
    void guarded(quint64 generation, F&& work);

    std::shared_ptr<std::atomic<quint64>> m_latest;
    ProgressBridge* m_bridge;
    InterpretModelList m_models;
};

} // namespace ks::ui
