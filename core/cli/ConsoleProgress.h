#pragma once
/// \file ConsoleProgress.h
/// A text progress bar on stderr for the CLI; Ctrl-C cancels the running operation cleanly.

#include "common/Progress.h"

#include <chrono>
#include <ostream>

namespace ks::cli {

/// Draws "[#####.....]  42%  message" on a terminal (one line, redrawn), or prints a line per
/// 10 % when the stream is not a terminal. report() returns false after SIGINT.
/// Not thread-safe: report from one thread at a time.
class ConsoleProgress : public Progress
{
public:
    explicit ConsoleProgress(std::ostream& out, bool quiet = false);
    ~ConsoleProgress() override;
    bool report(double fraction, const std::string& message) override;
    /// Ends the bar's line.
    void finish();

private:
    std::ostream& m_out;
    bool m_quiet;
    bool m_tty;
    int m_lastDecile = -1;
    bool m_open = false;
    std::chrono::steady_clock::time_point m_lastDraw;
};

} // namespace ks::cli
