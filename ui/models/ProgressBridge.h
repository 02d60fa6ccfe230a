#pragma once
/// \file ProgressBridge.h
/// Core progress (ks::Progress) to Qt signals: core work running in a worker thread calls
/// report(); the bridge emits progressed() (queued to receivers in other threads, at most
/// every 50 ms plus the final report) and answers false once cancel() was called.
#include "common/Progress.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <mutex>

namespace ks::ui {

/// report(), cancel(), isCancelled() are thread-safe; reset() must not race with report().
class ProgressBridge : public QObject, public ks::Progress
{
    Q_OBJECT
public:
    explicit ProgressBridge(QObject* parent = nullptr);

    /// Starts a new operation: clears the cancel flag and the ETA clock.
    void reset();
    /// Makes every later report() return false (the core code then throws ks::Cancelled).
    void cancel() { m_cancelled = true; }
    bool isCancelled() const { return m_cancelled || (m_extraCancel && m_extraCancel()); }
    /// An additional cancel condition checked on every report (e.g. "a newer request exists").
    /// Set before the work starts.
    void setCancelCondition(std::function<bool()> condition) { m_extraCancel = std::move(condition); }

    bool report(double fraction, const std::string& message) override;

    /// Seconds left estimated from the elapsed time and the fraction (negative when unknown).
    static double eta(double elapsedSeconds, double fraction);

Q_SIGNALS:
    /// \param fraction in [0, 1]; \param etaSeconds negative when unknown
    void progressed(double fraction, const QString& message, double etaSeconds);

private:
    std::atomic<bool> m_cancelled{false};
    std::function<bool()> m_extraCancel;
    std::mutex m_mutex;
    QElapsedTimer m_clock;
    qint64 m_lastEmitMs = -1000;
};

} // namespace ks::ui
