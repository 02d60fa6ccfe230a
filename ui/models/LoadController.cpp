#include "models/LoadController.h"

namespace ks::ui {

LoadController::LoadController(QObject* parent)
    : LoadController(LoadFunctions::defaults(), parent)
{
}

LoadController::LoadController(LoadFunctions functions, QObject* parent)
    : QObject(parent), m_generations(std::make_shared<LoadGenerations>())
{
    qRegisterMetaType<ks::Image>();
    qRegisterMetaType<ks::dicom::StudyTree>();
    m_worker = new LoadWorker(std::move(functions), m_generations);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(this, &LoadController::scanRequested, m_worker, &LoadWorker::scan);
    connect(this, &LoadController::demoRequested, m_worker, &LoadWorker::prepareDemo);
    connect(this, &LoadController::imageRequested, m_worker, &LoadWorker::load);

    connect(m_worker, &LoadWorker::progress, this, [this](quint64 gen, double f, const QString& msg) {
        if (isLatest(0, gen) || isLatest(1, gen))
            Q_EMIT progress(f, msg);
    });
    connect(m_worker, &LoadWorker::scanned, this, [this](quint64 gen, const QString& path, const ks::dicom::StudyTree& tree) {
        if (isLatest(0, gen))
            Q_EMIT scanFinished(path, tree);
        finishOne();
    });
    connect(m_worker, &LoadWorker::loaded, this, [this](quint64 gen, const QString& path, const ks::Image& image) {
        m_imagePaths.remove(gen);
        if (isLatest(1, gen))
            Q_EMIT imageLoaded(path, image);
        finishOne();
    });
    connect(m_worker, &LoadWorker::failed, this, [this](quint64 gen, int channel, const QString& message) {
        const QString path = m_imagePaths.take(gen);
        if (isLatest(channel, gen)) {
            Q_EMIT failed(message);
            if (channel == static_cast<int>(LoadChannel::Image))
                Q_EMIT imageFailed(path, message);
        }
        finishOne();
    });
    connect(m_worker, &LoadWorker::cancelled, this, [this](quint64 gen, int channel) {
        // Superseded requests end silently; only an explicit cancel of the newest is reported.
        m_imagePaths.remove(gen);
        if (gen == m_generations->latest[static_cast<size_t>(channel)].load())
            Q_EMIT cancelled();
        finishOne();
    });
    m_thread.setObjectName(QStringLiteral("ks-loader"));
    m_thread.start();
}

LoadController::~LoadController()
{
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

bool LoadController::isLatest(int channel, quint64 generation) const
{
    return m_generations->isCurrent(static_cast<LoadChannel>(channel), generation);
}

quint64 LoadController::next(LoadChannel channel)
{
    const quint64 gen = ++m_counter;
    m_generations->latest[static_cast<size_t>(channel)].store(gen);
    if (m_pending++ == 0)
        Q_EMIT busyChanged(true);
    return gen;
}

void LoadController::finishOne()
{
    if (m_pending > 0 && --m_pending == 0)
        Q_EMIT busyChanged(false);
}

quint64 LoadController::requestScan(const QString& path)
{
    const quint64 gen = next(LoadChannel::Scan);
    Q_EMIT scanRequested(gen, path);
    return gen;
}

quint64 LoadController::requestDemo(const QString& folder)
{
    const quint64 gen = next(LoadChannel::Scan);
    Q_EMIT demoRequested(gen, folder);
    return gen;
}

quint64 LoadController::requestImage(const QString& path)
{
    const quint64 gen = next(LoadChannel::Image);
    m_imagePaths.insert(gen, path);
    Q_EMIT imageRequested(gen, path);
    return gen;
}

void LoadController::cancel()
{
    m_worker->cancel(); // direct call: thread-safe, the worker thread may be busy
}

} // namespace ks::ui
