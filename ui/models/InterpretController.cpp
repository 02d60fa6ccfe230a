#include "InterpretController.h"

#include "InterpretWorker.h"

#include <QThread>

namespace ks::ui {

InterpretController::InterpretController(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<ks::ui::ResponseResult>();
    qRegisterMetaType<ks::ui::WeightChangeResult>();
    qRegisterMetaType<ks::ui::ReportOutcome>();
    m_worker = new InterpretWorker(m_latest);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // True for the newest request (the GUI is no longer busy); a request superseded by cancel()
    // reports cancelled() instead, whichever way it ended.
    const auto current = [this](quint64 generation) {
        if (generation == m_latest->load()) {
            m_busy = false;
            return true;
        }
        if (generation != 0 && generation == m_cancelledGeneration && generation + 1 == m_latest->load()) {
            m_cancelledGeneration = 0;
            m_busy = false;
            Q_EMIT cancelled();
        }
        return false;
    };
    connect(m_worker->bridge(), &ProgressBridge::progressed, this, [this](double fraction, const QString& message, double) {
        if (m_busy)
            Q_EMIT progressed(fraction, message);
    });
    connect(m_worker, &InterpretWorker::modelsLoaded, this,
            [this, current](quint64 generation, const QString& source, const QStringList& labels, const QStringList& layers) {
                m_source = source;
                m_labels = labels;
                m_layers = layers;
                current(generation);
                Q_EMIT modelsChanged(source, labels, layers);
            });
    connect(m_worker, &InterpretWorker::responsesReady, this, [this, current](const ResponseResult& r) {
        if (!current(r.generation))
            return;
        Q_EMIT responsesReady(r);
    });
    connect(m_worker, &InterpretWorker::weightChangeReady, this, [this, current](const WeightChangeResult& r) {
        if (!current(r.generation))
            return;
        Q_EMIT weightChangeReady(r);
    });
    connect(m_worker, &InterpretWorker::reportWritten, this, [this, current](const ReportOutcome& r) {
        if (!current(r.generation))
            return;
        Q_EMIT reportWritten(r);
    });
    connect(m_worker, &InterpretWorker::failed, this, [this, current](quint64 generation, const QString& message) {
        if (current(generation))
            Q_EMIT failed(message);
    });
    connect(m_worker, &InterpretWorker::cancelled, this, [current](quint64 generation) { current(generation); });
    m_thread->setObjectName(QStringLiteral("interpret"));
    m_thread->start();
}

InterpretController::~InterpretController()
{
    m_latest->store(++m_next);
    m_thread->quit();
    m_thread->wait();
}

quint64 InterpretController::begin()
{
    const quint64 generation = ++m_next;
    m_latest->store(generation);
    m_busy = true;
    return generation;
}

template <class F>
quint64 InterpretController::post(F&& call)
{
    const quint64 generation = begin();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, generation, call = std::forward<F>(call)]() mutable {
        call(w, generation);
    }, Qt::QueuedConnection);
    return generation;
}

quint64 InterpretController::setModels(InterpretModelList models, const QString& source)
{
    return post([models = std::move(models), source](InterpretWorker* w, quint64 g) mutable {
        w->setModels(g, std::move(models), source);
    });
}

quint64 InterpretController::loadBundle(const QString& dir)
{
    return post([dir](InterpretWorker* w, quint64 g) { w->loadBundleModels(g, dir); });
}

quint64 InterpretController::loadCaffe(const QString& prototxt, const QString& caffemodel, const QString& backbone)
{
    return post([=](InterpretWorker* w, quint64 g) { w->loadCaffe(g, prototxt, caffemodel, backbone); });
}

quint64 InterpretController::computeResponses(const cv::Mat& patch8, const QString& layer)
{
    return post([patch = patch8.clone(), layer](InterpretWorker* w, quint64 g) { w->computeResponses(g, patch, layer); });
}

quint64 InterpretController::computeWeightChange()
{
    return post([](InterpretWorker* w, quint64 g) { w->computeWeightChange(g); });
}

quint64 InterpretController::writeReport(const interpret::ReportOptions& options, const QString& htmlPath,
                                         const QString& pdfPath)
{
    return post([=](InterpretWorker* w, quint64 g) { w->writeReport(g, options, htmlPath, pdfPath); });
}

void InterpretController::cancel()
{
    if (!m_busy)
        return;
    m_cancelledGeneration = m_latest->load();
    m_latest->store(++m_next);
}

} // namespace ks::ui
