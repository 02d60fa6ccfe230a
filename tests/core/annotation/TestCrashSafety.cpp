// The crash test: a child process edits a project in a loop and is killed with
// SIGKILL at random moments (60 times). After each kill the project opens, passes
// PRAGMA integrity_check, and holds every edit the child reported as committed; only the one
// edit in flight at the kill may be in the database without having been reported.
#include "annotation/ProjectStore.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <map>
#include <random>
#include <sstream>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ks;
using namespace ks::annotation;
using namespace ks::annotation::test;
namespace fs = std::filesystem;

namespace {

/// Starts the helper, lets it run `ms` milliseconds, SIGKILLs it, returns everything it printed.
std::string runAndKill(const std::string& project, const std::string& image, int seed, int ms)
{
    int out[2];
    if (::pipe(out) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        const std::string s = std::to_string(seed);
        ::execl(KS_CRASH_HELPER, KS_CRASH_HELPER, project.c_str(), image.c_str(), s.c_str(), nullptr);
        ::_exit(127);
    }
    ::close(out[1]);
    ::usleep(static_cast<useconds_t>(ms) * 1000);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0)
        text.append(buf, static_cast<size_t>(n));
    ::close(out[0]);
    // A child that exited on its own (not killed) failed: report that as no output plus a marker.
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
        text += "EXIT " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "\n";
    return text;
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killMinusNineLosesNoCommittedEdit()
    {
        const fs::path dir = scratch("crash");
        const fs::path image = dir / "image.dcm";
        writeBytes(image, "crash test image");
        const std::string project = (dir / "project").string();

        std::map<long long, double> expected;   // id → box x, as of the last verified state
        size_t auditRows = 0;
        long long reportedEdits = 0;
        std::mt19937 rng(20261125);
        const int kRuns = 60;
        for (int run = 0; run < kRuns; ++run) {
            // Early runs are short to catch the startup (schema creation, image registration).
            const int ms = run < 5 ? 1 + run * 3 : 5 + static_cast<int>(rng() % 100);
            const std::string output = runAndKill(project, image.string(), run, ms);
            QVERIFY2(output.find("EXIT") == std::string::npos, output.c_str());

            std::istringstream lines(output);
            std::string op;
            long long reports = 0;
            while (lines >> op) {
                long long id = 0;
                double x = 0;
                lines >> id;
                if (op == "D") {
                    QVERIFY2(expected.erase(id) == 1, ("deleted unknown id " + std::to_string(id)).c_str());
                } else {
                    lines >> x;
                    expected[id] = x;
                }
                ++reports;
            }
            reportedEdits += reports;

            if (!ProjectStore::exists(project))
                continue;   // killed before the database file was created
            ProjectStore store(project);
            QCOMPARE(store.integrityCheck(), std::string("ok"));
            const auto log = store.auditLog();
            // Every reported edit is in the log; at most one more (the edit in flight).
            QVERIFY2(log.size() >= auditRows + reports && log.size() <= auditRows + reports + 1,
                     (std::to_string(log.size()) + " audit rows, expected " + std::to_string(auditRows + reports)).c_str());
            std::map<long long, double> actual;
            for (const Annotation& a : store.annotations())
                actual[a.id] = a.box.x;
            // Reported state and database differ by at most the one unreported edit.
            int differences = 0;
            for (const auto& [id, x] : expected) {
                const auto it = actual.find(id);
                if (it == actual.end() || std::abs(it->second - x) > 1e-3)
                    ++differences;
            }
            for (const auto& [id, x] : actual)
                if (!expected.count(id))
                    ++differences;
            QVERIFY2(differences <= 1, ("run " + std::to_string(run) + ": " + std::to_string(differences) +
                                        " differences").c_str());
            if (log.size() == auditRows + reports)
                QCOMPARE(differences, 0);
            // The database is the truth from here on (the in-flight edit, if any, is durable now).
            auditRows = log.size();
            expected = actual;
        }
        qInfo("%d kills, %lld edits reported committed, %zu in the audit log", kRuns, reportedEdits, auditRows);
        QVERIFY(reportedEdits > 30);   // the kills did land between edits, not only at startup
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "TestCrashSafety.moc"
