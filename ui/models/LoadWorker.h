#pragma once
/// \file LoadWorker.h
/// Runs scans, image loads and demo generation off the GUI thread. Lives in the thread that
/// LoadController creates; results travel as values (ks::Image, StudyTree), never pixmaps.

#include "models/MetaTypes.h"

#include <QObject>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <memory>

namespace ks::ui {

/// The core calls the worker makes; replaceable for tests. Each is called on the worker thread.
struct LoadFunctions
{
    std::function<ks::dicom::StudyTree(const std::string& path, ks::Progress&)> scan;
    std::function<ks::Image(const std::string& path, ks::Progress&)> load;
    /// Makes sure the demo study exists in `folder`; returns the folder to scan.
    std::function<std::string(const std::string& folder, ks::Progress&)> ensureDemo;

    /// ks::dicom::StudyScanner, ks::dicom::ImageLoader, ks::phantom::DemoStudy (each throws a
    /// ks::Error saying it is missing when this build has no such library).
    static LoadFunctions defaults();
};

/// Request channels: a new request supersedes older ones on the same channel only.
enum class LoadChannel { Scan = 0, Image = 1 };

/// Generation counters shared by the controller (writer) and the worker (reader). Thread-safe.
struct LoadGenerations
{
    std::array<std::atomic<quint64>, 2> latest{};        ///< newest request per channel
    std::array<std::atomic<quint64>, 2> cancelledUpTo{}; ///< requests ≤ this were cancelled
    /// True while `generation` is the newest request of `channel` and not cancelled.
    bool isCurrent(LoadChannel channel, quint64 generation) const;
};

class LoadWorker : public QObject
{
    Q_OBJECT
public:
    LoadWorker(LoadFunctions functions, std::shared_ptr<LoadGenerations> generations);

public Q_SLOTS:
    /// Scans a file, folder or DICOMDIR. Emits scanned, failed or cancelled (exactly one).
    void scan(quint64 generation, const QString& path);
    /// Decodes one file. Emits loaded, failed or cancelled (exactly one).
    void load(quint64 generation, const QString& path);
    /// Generates the demo study in `folder` if needed, then scans it (Scan channel).
    void prepareDemo(quint64 generation, const QString& folder);
    /// Cancels every request issued so far. Thread-safe: call it directly (not queued), since
    /// the worker thread is busy while a request runs; the running request stops at its next
    /// progress report.
    void cancel();

Q_SIGNALS:
    void progress(quint64 generation, double fraction, const QString& message);
    void scanned(quint64 generation, const QString& path, const ks::dicom::StudyTree& tree);
    void loaded(quint64 generation, const QString& path, const ks::Image& image);
    void failed(quint64 generation, int channel, const QString& message);
    void cancelled(quint64 generation, int channel);

private:
    /// Runs `job` with a progress bridge; converts exceptions into failed/cancelled.
    void run(LoadChannel channel, quint64 generation, const QString& what,
             const std::function<void(ks::Progress&)>& job);

    LoadFunctions m_functions;
    std::shared_ptr<LoadGenerations> m_generations;
};

} // namespace ks::ui
