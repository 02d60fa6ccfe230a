#include "ProgressBridge.h"

#include <algorithm>

namespace ks::ui {

ProgressBridge::ProgressBridge(QObject* parent)
    : QObject(parent)
{
    m_clock.start();
}

void ProgressBridge::reset()
{
    std::lock_guard lock(m_mutex);
    m_cancelled = false;
    m_clock.restart();
    m_lastEmitMs = -1000;
}

double ProgressBridge::eta(double elapsedSeconds, double fraction)
{
    if (fraction <= 0.01 || elapsedSeconds < 0.5)
        return -1;
    return elapsedSeconds * (1.0 - std::min(fraction, 1.0)) / fraction;
}

bool ProgressBridge::report(double fraction, const std::string& message)
{
    if (isCancelled())
        return false;
    double etaSeconds = -1;
    {
        std::lock_guard lock(m_mutex);
        const qint64 now = m_clock.elapsed();
        if (fraction < 1.0 && now - m_lastEmitMs < 50)
            return true;
        m_lastEmitMs = now;
        etaSeconds = eta(now / 1000.0, fraction);
    }
    Q_EMIT progressed(std::clamp(fraction, 0.0, 1.0), QString::fromStdString(message), etaSeconds);
    return !isCancelled();
}

} // namespace ks::ui
