// Several processes on one project: a second store in the same
// process and another process opening and closing the project must not cost the first store
// its write-ahead log (a non-SQLite open/close of the database drops the process's POSIX
// locks; the other process then deletes the -wal/-shm and later edits vanish); and two imports
// started at the same moment into a new folder both succeed, the same file twice adds it once.
#include "annotation/CocoDataset.h"
#include "annotation/ProjectStore.h"
#include "annotation/ProjectFiles.h"
#include "common/Error.h"
#include "dicom/StudyScanner.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace ks;
using namespace ks::annotation;
using namespace ks::annotation::test;
namespace fs = std::filesystem;

namespace {

struct Child
{
    pid_t pid = -1;
    int in = -1;    ///< its stdin
    int out = -1;   ///< its stdout
};

Child spawn(const std::vector<std::string>& args)
{
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0)
        return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        for (int fd : {in[0], in[1], out[0], out[1]})
            ::close(fd);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(KS_PROBE_HELPER));
        for (const std::string& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(KS_PROBE_HELPER, argv.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    return Child{pid, in[1], out[0]};
}

/// Closes its stdin, reads its output to the end, returns "<exit code>: <output>".
std::string finish(Child& c)
{
    if (c.in >= 0)
        ::close(c.in);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(c.out, buf, sizeof buf)) > 0)
        text.append(buf, static_cast<size_t>(n));
    ::close(c.out);
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    return std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ": " + text;
}

std::string run(const std::vector<std::string>& args)
{
    Child c = spawn(args);
    return finish(c);
}

Annotation roi(long long imageId, double x)
{
    Annotation a;
    a.imageId = imageId;
    a.box = Box{x, 5, 40, 30};
    return a;
}

/// A COCO file over `images` with `perImage` boxes per image by `author`, offset by `dx`.
void writeCoco(const fs::path& json, const std::vector<fs::path>& images, const std::string& author, double dx,
               int perImage = 1)
{
    CocoDataset ds;
    ds.categories = {"kidney"};
    for (size_t i = 0; i < images.size(); ++i) {
        CocoImage im;
        im.id = long(i + 1);
        im.path = images[i].string();
        im.width = 100;
        im.height = 80;
        ds.images.push_back(im);
        for (int k = 0; k < perImage; ++k) {
            CocoAnnotation a;
            a.id = long(ds.annotations.size() + 1);
            a.imageId = im.id;
            a.category = "kidney";
            a.box = Box{dx + double(i) + 2.0 * k, 4, 20, 10};
            a.author = author;
            ds.annotations.push_back(a);
        }
    }
    ds.save(json.string());
}

} // namespace

class TestMultiProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void otherStoresAndProcessesKeepTheWriteAheadLog()
    {
        const fs::path dir = scratch("mp-wal");
        writeBytes(dir / "scan.dcm", "wal test image");
        const std::string project = (dir / "project").string();
        const fs::path db = dir / "project" / "project.sqlite";

        ProjectStore gui(project);
        ImageRecord im;
        im.path = (dir / "scan.dcm").string();
        const long long imageId = gui.addImage(im);
        gui.add(roi(imageId, 1));
        QVERIFY(fs::exists(db.string() + "-wal"));

        // What the GUI does when a dialog (training, batch detection) opens the project again
        // in the same process. The old opener read the header with std::ifstream here.
        {
            ProjectStore again(project, false);
            QCOMPARE(again.annotations().size(), size_t(1));
        }
        // Nothing hashes or registers the database file itself (that would open it too).
        QVERIFY_THROWS_EXCEPTION(Error, ProjectFiles::sha256OfFile(db.string()));
        ImageRecord self;
        self.path = db.string();
        QVERIFY_THROWS_EXCEPTION(Error, gui.addImage(self));

        // Another process lists the project and closes it: our locks must still stand, so it
        // may not checkpoint and delete the log under our feet.
        QCOMPARE(run({"count", project}), std::string("0: count 1\n"));
        QVERIFY2(fs::exists(db.string() + "-wal"), "the other process deleted the open store's -wal");
        QVERIFY(fs::exists(db.string() + "-shm"));

        // Edits after that are visible to (and durable for) every other process.
        gui.add(roi(imageId, 2));
        QCOMPARE(run({"count", project}), std::string("0: count 2\n"));
        gui.add(roi(imageId, 3));
        QCOMPARE(run({"count", project}), std::string("0: count 3\n"));
        QCOMPARE(gui.integrityCheck(), std::string("ok"));
    }

    void scanningTheStudyFolderKeepsTheWriteAheadLog()
    {
        // The demo study folder holds its project: opening the study in the GUI scans the folder
        // while the project is open. The scanner used to read project.sqlite as a possible DICOM.
        const fs::path dir = scratch("mp-scan");
        writeBytes(dir / "scan.dcm", "not a dicom");
        const std::string project = (dir / "project").string();
        const fs::path db = dir / "project" / "project.sqlite";
        ProjectStore gui(project);
        ImageRecord im;
        im.path = (dir / "scan.dcm").string();
        const long long imageId = gui.addImage(im);
        gui.add(roi(imageId, 1));
        { const ProjectStore daily(project, false); }   // makes backups/ too
        gui.add(roi(imageId, 2));
        const dicom::StudyTree tree = dicom::StudyScanner::scan(dir.string());
        QVERIFY(tree.skippedFiles >= 3);   // scan.dcm, project.sqlite(-wal/-shm), the backup
        QCOMPARE(run({"count", project}), std::string("0: count 2\n"));
        QVERIFY2(fs::exists(db.string() + "-wal"), "the other process deleted the open store's -wal");
        gui.add(roi(imageId, 3));
        QCOMPARE(run({"count", project}), std::string("0: count 3\n"));
    }

    void simultaneousImportsIntoANewFolder()
    {
        const fs::path dir = scratch("mp-import");
        std::vector<fs::path> images;
        for (int i = 0; i < 6; ++i) {
            images.push_back(dir / ("img" + std::to_string(i) + ".dcm"));
            writeBytes(images.back(), "image " + std::to_string(i));
        }
        writeCoco(dir / "alice.json", images, "alice", 0);
        writeCoco(dir / "bob.json", images, "bob", 50);
        writeCoco(dir / "carol.json", images, "carol", 100, 50);   // 300 ROIs: a long duplicate check
        const std::string alice = (dir / "alice.json").string(), bob = (dir / "bob.json").string();
        const std::string carol = (dir / "carol.json").string();

        const int kRounds = 5;
        for (int round = 0; round < kRounds; ++round) {
            // Two different files into a folder that does not exist yet: both complete.
            const std::string p = (dir / ("two-files-" + std::to_string(round))).string();
            Child a = spawn({"import", p, alice}), b = spawn({"import", p, bob});
            QVERIFY(::write(a.in, "go\n", 3) == 3 && ::write(b.in, "go\n", 3) == 3);
            const std::string ra = finish(a), rb = finish(b);
            QCOMPARE(ra, std::string("0: added 6 duplicates 0\n"));
            QCOMPARE(rb, std::string("0: added 6 duplicates 0\n"));
            {
                const ProjectStore store(p, false);
                QCOMPARE(store.annotations().size(), size_t(12));
                QCOMPARE(store.images().size(), size_t(6));
                QCOMPARE(store.integrityCheck(), std::string("ok"));
            }

            // The same file twice at once: stored once, the other import reports duplicates.
            const std::string q = (dir / ("same-file-" + std::to_string(round))).string();
            Child c = spawn({"import", q, alice}), d = spawn({"import", q, alice});
            QVERIFY(::write(c.in, "go\n", 3) == 3 && ::write(d.in, "go\n", 3) == 3);
            const std::string rc = finish(c), rd = finish(d);
            QVERIFY2(rc.rfind("0: ", 0) == 0 && rd.rfind("0: ", 0) == 0, (rc + rd).c_str());
            QCOMPARE(ProjectStore(q, false).annotations().size(), size_t(6));
            QVERIFY2((rc == "0: added 6 duplicates 0\n" && rd == "0: added 0 duplicates 6\n") ||
                         (rd == "0: added 6 duplicates 0\n" && rc == "0: added 0 duplicates 6\n"),
                     (rc + rd).c_str());

            // A bigger file twice at once into that existing project (its images are
            // registered, so both go straight to the duplicate check): still stored once.
            Child e = spawn({"import", q, carol}), f = spawn({"import", q, carol});
            QVERIFY(::write(e.in, "go\n", 3) == 3 && ::write(f.in, "go\n", 3) == 3);
            const std::string re = finish(e), rf = finish(f);
            QVERIFY2((re == "0: added 300 duplicates 0\n" && rf == "0: added 0 duplicates 300\n") ||
                         (rf == "0: added 300 duplicates 0\n" && re == "0: added 0 duplicates 300\n"),
                     (re + rf).c_str());
            QCOMPARE(ProjectStore(q, false).annotations().size(), size_t(306));
        }
    }
};

QTEST_GUILESS_MAIN(TestMultiProcess)
#include "TestMultiProcess.moc"
