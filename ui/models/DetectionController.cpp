#include "DetectionController.h"

#include "DetectionWorker.h"

#include <QThread>

namespace ks::ui {

DetectionController::DetectionController(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<ks::ui::DetectionResult>();
    m_worker = new DetectionWorker(m_latest);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker->bridge(), &ProgressBridge::progressed, this,
            [this](double fraction, const QString& message, double) {
                if (m_busy)
                    Q_EMIT progressed(fraction, message);
            });
    connect(m_worker, &DetectionWorker::modelLoaded, this,
            [this](const QString& name, const QString& manifest, const QStringList& methods) {
                m_modelName = name;
                m_manifest = manifest;
                m_methods = methods;
                Q_EMIT modelChanged(name, manifest);
            });
    connect(m_worker, &DetectionWorker::finished, this, [this](const DetectionResult& r) {
        if (r.generation != m_latest->load())
            return;
        m_busy = false;
        Q_EMIT finished(r);
    });
    connect(m_worker, &DetectionWorker::failed, this, [this](quint64 generation, const QString& message) {
        if (generation != 0 && generation != m_latest->load())
            return;
        if (generation != 0)
            m_busy = false;
        Q_EMIT failed(message);
    });
    m_thread->setObjectName(QStringLiteral("detection"));
    m_thread->start();
}

DetectionController::~DetectionController()
{
    cancel();
    m_thread->quit();
    m_thread->wait();
}

void DetectionController::loadModel(const QString& dir)
{
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, dir));
}

void DetectionController::setDetector(std::shared_ptr<detect::Detector> detector, const QString& name)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, detector = std::move(detector), name]() mutable {
        w->setDetector(std::move(detector), name);
    }, Qt::QueuedConnection);
}

quint64 DetectionController::detect(const cv::Mat& gray8, const Calibration& calibration, int frame,
                                    const std::vector<detect::Method>& methods)
{
    const quint64 generation = ++m_next;
    m_latest->store(generation);
    m_busy = true;
    QMetaObject::invokeMethod(m_worker, [w = m_worker, generation, frame, gray = gray8.clone(), calibration, methods] {
        w->detect(generation, frame, gray, calibration, methods);
    }, Qt::QueuedConnection);
    return generation;
}

void DetectionController::cancel()
{
    if (!m_busy)
        return;
    m_latest->store(++m_next); // the running request is now stale: it stops at its next report
    m_busy = false;
    Q_EMIT cancelled();
}

} // namespace ks::ui
