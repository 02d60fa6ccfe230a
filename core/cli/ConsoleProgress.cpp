#include "ConsoleProgress.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iomanip>
#include <unistd.h>

namespace ks::cli {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onSigint(int)
{
    g_interrupted = true;
}
} // namespace

ConsoleProgress::ConsoleProgress(std::ostream& out, bool quiet)
    : m_out(out), m_quiet(quiet), m_tty(isatty(STDERR_FILENO) != 0)
{
    g_interrupted = false;
    std::signal(SIGINT, onSigint);
}

ConsoleProgress::~ConsoleProgress()
{
    finish();
    std::signal(SIGINT, SIG_DFL);
}

bool ConsoleProgress::report(double fraction, const std::string& message)
{
    if (g_interrupted)
        return false;
    if (m_quiet)
        return true;
    const int pct = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100 + 0.5);
    if (m_tty) {
        const auto now = std::chrono::steady_clock::now();
        if (m_open && now - m_lastDraw < std::chrono::milliseconds(100) && pct < 100)
            return true;
        m_lastDraw = now;
        const int filled = pct / 5;
        m_out << "\r[" << std::string(static_cast<size_t>(filled), '#')
              << std::string(static_cast<size_t>(20 - filled), '.') << "] " << std::setw(3) << pct
              << "%  " << message.substr(0, 60) << "\033[K" << std::flush;
        m_open = true;
    } else if (pct / 10 != m_lastDecile) {
        m_lastDecile = pct / 10;
        m_out << std::setw(3) << pct << "%  " << message << '\n' << std::flush;
    }
    return true;
}

void ConsoleProgress::finish()
{
    if (m_open)
        m_out << '\n' << std::flush;
    m_open = false;
}

} // namespace ks::cli
