#include "models/LoadWorker.h"

#include "annotation/ProjectFiles.h"
#include "common/Error.h"

#include "dicom/ImageLoader.h"
#include "phantom/DemoStudy.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <filesystem>

namespace ks::ui {

namespace {

/// Bridges core progress to the worker's signal (at most ~30 reports a second) and answers
/// "cancel" once the request is superseded or cancelled.
class ProgressBridge : public ks::Progress
{
public:
    ProgressBridge(const LoadGenerations& gens, LoadChannel channel, quint64 generation,
                   std::function<void(double, const QString&)> emitter)
        : m_gens(gens), m_channel(channel), m_generation(generation), m_emit(std::move(emitter))
    {
        m_timer.start();
    }

    bool report(double fraction, const std::string& message) override
    {
        if (m_timer.elapsed() >= 33 || fraction >= 1.0) {
            m_timer.restart();
            m_emit(fraction, QString::fromStdString(message));
        }
        return m_gens.isCurrent(m_channel, m_generation);
    }

private:
    const LoadGenerations& m_gens;
    LoadChannel m_channel;
    quint64 m_generation;
    std::function<void(double, const QString&)> m_emit;
    QElapsedTimer m_timer;
};

} // namespace

LoadFunctions LoadFunctions::defaults()
{
    LoadFunctions f;
    f.scan = [](const std::string& path, ks::Progress& progress) -> ks::dicom::StudyTree {
        // Never a project database: reading it would drop the open store's SQLite locks.
        ks::annotation::ProjectFiles::refuseDatabaseFile(path, "The file");
        return ks::dicom::StudyScanner::scan(path, progress);
    };
    f.load = [](const std::string& path, ks::Progress& progress) -> ks::Image {
        ks::annotation::ProjectFiles::refuseDatabaseFile(path, "The file");
        return ks::dicom::ImageLoader::load(path, progress);
    };
    f.ensureDemo = [](const std::string& folder, ks::Progress& progress) -> std::string {
        // The study plus its annotation project holding the ground truth (never replaced).
        const std::string project = ks::phantom::DemoStudy::ensureProject(folder, progress);
        return std::filesystem::path(project).parent_path().string();
    };
    return f;
}

bool LoadGenerations::isCurrent(LoadChannel channel, quint64 generation) const
{
    const auto c = static_cast<size_t>(channel);
    return generation == latest[c].load() && generation > cancelledUpTo[c].load();
}

LoadWorker::LoadWorker(LoadFunctions functions, std::shared_ptr<LoadGenerations> generations)
    : m_functions(std::move(functions)), m_generations(std::move(generations))
{
}

void LoadWorker::cancel()
{
    for (size_t c = 0; c < 2; ++c)
        m_generations->cancelledUpTo[c].store(m_generations->latest[c].load());
}

void LoadWorker::run(LoadChannel channel, quint64 generation, const QString& what,
                     const std::function<void(ks::Progress&)>& job)
{
    const int ch = static_cast<int>(channel);
    if (!m_generations->isCurrent(channel, generation)) {
        Q_EMIT cancelled(generation, ch);
        return;
    }
    ProgressBridge progress(*m_generations, channel, generation,
                            [this, generation](double f, const QString& m) { Q_EMIT this->progress(generation, f, m); });
    try {
        job(progress);
    } catch (const ks::Cancelled&) {
        Q_EMIT cancelled(generation, ch);
    } catch (const ks::Error& e) {
        Q_EMIT failed(generation, ch, QStringLiteral("%1: %2").arg(what, QString::fromStdString(e.fullText())));
    } catch (const std::exception& e) {
        Q_EMIT failed(generation, ch, QStringLiteral("%1: unexpected error: %2").arg(what, QString::fromUtf8(e.what())));
    }
}

void LoadWorker::scan(quint64 generation, const QString& path)
{
    run(LoadChannel::Scan, generation, QStringLiteral("Cannot open %1").arg(path), [&](ks::Progress& progress) {
        ks::dicom::StudyTree tree = m_functions.scan(path.toStdString(), progress);
        if (!m_generations->isCurrent(LoadChannel::Scan, generation))
            throw ks::Cancelled();
        Q_EMIT scanned(generation, path, tree);
    });
}

void LoadWorker::load(quint64 generation, const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    run(LoadChannel::Image, generation, QStringLiteral("Cannot show %1").arg(name), [&](ks::Progress& progress) {
        ks::Image image = m_functions.load(path.toStdString(), progress);
        if (!m_generations->isCurrent(LoadChannel::Image, generation))
            throw ks::Cancelled();
        Q_EMIT loaded(generation, path, image);
    });
}

void LoadWorker::prepareDemo(quint64 generation, const QString& folder)
{
    run(LoadChannel::Scan, generation, QStringLiteral("Cannot prepare the demo study"), [&](ks::Progress& progress) {
        ks::SubProgress generate(progress, 0.0, 0.8);
        const std::string dir = m_functions.ensureDemo(folder.toStdString(), generate);
        ks::SubProgress scanning(progress, 0.8, 1.0);
        ks::dicom::StudyTree tree = m_functions.scan(dir, scanning);
        if (!m_generations->isCurrent(LoadChannel::Scan, generation))
            throw ks::Cancelled();
        Q_EMIT scanned(generation, QString::fromStdString(dir), tree);
    });
}

} // namespace ks::ui
