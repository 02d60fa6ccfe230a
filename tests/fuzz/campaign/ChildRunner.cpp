#include "ChildRunner.h"

#include "cli/Command.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace ks::fuzz {

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

unsigned long long ownAddressSpace()
{
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == "VmSize:") {
            unsigned long long kb = 0;
            in >> kb;
            return kb * 1024;
        }
        std::getline(in, key);
    }
    return 0;
}

[[noreturn]] void childMain(const std::string& cli, const ChildJob& job, unsigned long long asLimit, double timeout)
{
    setpgid(0, 0);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(job.stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(job.stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0)
        _exit(120);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    close(in);
    close(out);
    close(err);
    rlimit core{0, 0};
    setrlimit(RLIMIT_CORE, &core);
    rlimit as{asLimit, asLimit};
    setrlimit(RLIMIT_AS, &as);
    alarm(static_cast<unsigned>(timeout) + 5);   // backstop; the parent kills at the limit
    std::vector<char*> argv;
    for (const std::string& a : job.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (job.exec) {
        execv(cli.c_str(), argv.data());
        std::fprintf(stderr, "exec %s: %s\n", cli.c_str(), std::strerror(errno));
        _exit(121);
    }
    const int rc = ks::cli::runCli(static_cast<int>(argv.size() - 1), argv.data(), std::cout, std::cerr);
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    _exit(rc);
}

} // namespace

ChildRunner::ChildRunner(std::string cliPath, int jobs, double timeoutSeconds, unsigned long long addressSpaceBytes)
    : m_cli(std::move(cliPath)), m_timeout(timeoutSeconds), m_asExec(addressSpaceBytes),
      m_asInProcess(ownAddressSpace() + addressSpaceBytes), m_slots(static_cast<size_t>(jobs < 1 ? 1 : jobs))
{
}

int ChildRunner::freeSlot() const
{
    for (size_t i = 0; i < m_slots.size(); ++i)
        if (m_slots[i].pid == 0)
            return int(i);
    return -1;
}

void ChildRunner::start(int slot, const ChildJob& job, std::function<void(int, const ChildResult&)> done)
{
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("fuzz_campaign: fork");
        std::exit(3);
    }
    if (pid == 0)
        childMain(m_cli, job, job.exec ? m_asExec : m_asInProcess, m_timeout);
    Slot& s = m_slots[size_t(slot)];
    s.pid = pid;
    s.startedAt = now();
    s.killed = false;
    s.done = std::move(done);
}

bool ChildRunner::waitOne()
{
    bool any = false;
    for (const Slot& s : m_slots)
        any = any || s.pid != 0;
    if (!any)
        return false;
    for (;;) {
        int status = 0;
        rusage ru{};
        const pid_t pid = wait4(-1, &status, WNOHANG, &ru);
        if (pid > 0) {
            for (size_t i = 0; i < m_slots.size(); ++i) {
                Slot& s = m_slots[i];
                if (s.pid != pid)
                    continue;
                kill(-pid, SIGKILL);   // anything it left behind in its group
                ChildResult r;
                r.seconds = now() - s.startedAt;
                r.maxRssKb = ru.ru_maxrss;
                r.timedOut = s.killed;
                if (WIFEXITED(status))
                    r.exitCode = WEXITSTATUS(status);
                else if (WIFSIGNALED(status))
                    r.signal = WTERMSIG(status);
                auto done = std::move(s.done);
                s = Slot{};
                done(int(i), r);
                return true;
            }
            continue;   // not ours (cannot happen: we start no other children)
        }
        const double t = now();
        for (Slot& s : m_slots)
            if (s.pid != 0 && !s.killed && t - s.startedAt > m_timeout) {
                kill(-s.pid, SIGKILL);
                kill(s.pid, SIGKILL);
                s.killed = true;
            }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

ChildResult runOne(const std::string& cliPath, const ChildJob& job, double timeoutSeconds,
                   unsigned long long addressSpaceBytes)
{
    ChildRunner runner(cliPath, 1, timeoutSeconds, addressSpaceBytes);
    ChildResult result;
    runner.start(0, job, [&](int, const ChildResult& r) { result = r; });
    while (runner.waitOne()) {
    }
    return result;
}

} // namespace ks::fuzz
