#pragma once
/// \file ChildRunner.h
/// Runs CLI invocations in child processes, a few at a time, each under a wall-clock limit
/// (killed with its process group when over), an address-space cap (a safety net for the shared
/// machine, set with RLIMIT_AS before the child runs anything) and with its peak RSS measured by
/// wait4(). A child either exec()s the real kidneyscope-cli or, forked from this process, calls
/// ks::cli::runCli directly (the same code without LibTorch's ~0.5 s start-up).
/// Not thread-safe: one runner, driven from one thread.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace ks::fuzz {

struct ChildJob
{
    std::vector<std::string> argv;  ///< argv[0] is "kidneyscope-cli"
    bool exec = false;              ///< true: the real binary; false: runCli in a forked child
    std::string stdoutPath, stderrPath;
};

struct ChildResult
{
    int exitCode = -1;       ///< when it exited
    int signal = 0;          ///< when a signal ended it (SIGKILL after a timeout included)
    bool timedOut = false;
    long maxRssKb = 0;
    double seconds = 0;
};

class ChildRunner
{
public:
    /// \param cliPath the kidneyscope-cli binary for exec jobs
    /// \param addressSpaceBytes cap for exec children; in-process children get this process's
    ///        current address space plus the same amount
    ChildRunner(std::string cliPath, int jobs, double timeoutSeconds, unsigned long long addressSpaceBytes);

    /// Starts `job` in slot `slot` (0 ≤ slot < jobs, free). `done` is called from wait() with
    /// the slot and the result.
    void start(int slot, const ChildJob& job, std::function<void(int, const ChildResult&)> done);
    /// A slot with no running child, or -1.
    int freeSlot() const;
    /// Waits until at least one child ended (handling timeouts meanwhile); false when none runs.
    bool waitOne();
    int jobs() const { return int(m_slots.size()); }

private:
    struct Slot
    {
        pid_t pid = 0;
        double startedAt = 0;
        bool killed = false;
        std::function<void(int, const ChildResult&)> done;
    };
    std::string m_cli;
    double m_timeout;
    unsigned long long m_asExec, m_asInProcess;
    std::vector<Slot> m_slots;
};

/// Runs one job to completion (slot 0 of a one-slot runner).
ChildResult runOne(const std::string& cliPath, const ChildJob& job, double timeoutSeconds,
                   unsigned long long addressSpaceBytes);

} // namespace ks::fuzz
