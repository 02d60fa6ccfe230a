// `kidneyscope-cli annotations ...`: import creates the project, list/export/verify/review/
// agreement on it, and the user errors (missing project, bad format, missing images).
// The command's sources are compiled in directly so that this test does not need every library
// the full CLI links.
#include "annotation/CocoDataset.h"
#include "annotation/ProjectStore.h"
#include "cli/Command.h"
#include "common/Error.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <sqlite3.h>

#include <sstream>

using namespace ks;
using namespace ks::annotation;
using namespace ks::annotation::test;
namespace fs = std::filesystem;

namespace {

struct Result
{
    int code = -1;
    std::string out;
    std::string err;
};

Result run(const std::vector<std::string>& args)
{
    std::ostringstream out, err;
    Result r;
    try {
        r.code = cli::annotationsCommand(args, cli::Io{out, err});
    } catch (const Error& e) {
        err << e.fullText();
        r.code = 1;   // what runCli() makes of it
    }
    r.out = out.str();
    r.err = err.str();
    return r;
}

const std::string kTrainJson = std::string(KS_SHARED_DIR) + "/realdata/hc18/train/annotations.json";

} // namespace

class TestAnnotationsCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void importListExportVerify()
    {
        const fs::path dir = scratch("cli-main");
        const std::string project = (dir / "proj").string();
        Result r = run({"import", "--project", project, "--author", "expert", "--quiet", kTrainJson});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY2(r.out.find("Created project") != std::string::npos, r.out.c_str());
        QVERIFY(r.out.find("Imported 50 annotation(s) on 50 image(s)") != std::string::npos);
        QVERIFY(ProjectStore::exists(project));

        r = run({"list", "--project", project});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("006_HC.dcm") != std::string::npos);
        QVERIFY(r.out.find("fetal_head") != std::string::npos);
        QVERIFY(r.out.find(" mm ") != std::string::npos);
        QVERIFY(r.out.find("50 annotation(s) on 50 image(s)") != std::string::npos);

        r = run({"export", "--project", project, "--format", "coco", "--out", (dir / "out.json").string()});
        QVERIFY2(r.code == 0, r.err.c_str());
        const CocoDataset a = CocoDataset::load(kTrainJson);
        const CocoDataset b = CocoDataset::load((dir / "out.json").string());
        QCOMPARE(b.annotations.size(), a.annotations.size());
        for (size_t i = 0; i < a.annotations.size(); ++i)
            QCOMPARE(b.annotations[i].box, a.annotations[i].box);   // import keeps the file's order
        QCOMPARE(b.annotations.front().author, std::string("expert"));

        r = run({"export", "--project", project, "--format", "csv", "--out", (dir / "out.csv").string()});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("without patient data") != std::string::npos);
        const std::string csv = readBytes(dir / "out.csv");
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 51L);

        r = run({"verify", "--project", project, "--quiet"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("50 of 50 image(s) unchanged") != std::string::npos);

        // Review and agreement.
        r = run({"review", "--project", project, "--id", "1", "submit"});
        QVERIFY2(r.code == 0 && r.out.find("submitted") != std::string::npos, r.err.c_str());
        r = run({"review", "--project", project, "--id", "1", "reject"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.find("comment") != std::string::npos);
        r = run({"review", "--project", project, "--id", "1", "approve", "--author", "chief"});
        QCOMPARE(r.code, 0);
        r = run({"list", "--project", project, "--status", "approved"});
        QVERIFY(r.out.find("1 annotation(s)") != std::string::npos);
        r = run({"agreement", "--project", project, "--authors", "expert", "nobody"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("No image has boxes") != std::string::npos);
    }

    void verifyReportsChangedFile()
    {
        const fs::path dir = scratch("cli-verify");
        fs::create_directories(dir / "study");
        writeBytes(dir / "study/a.png", "a");
        writeBytes(dir / "study/b.png", "b");
        fs::create_directories(dir / "json");
        // Bare file names: resolved against the JSON's folder they are missing.
        writeBytes(dir / "json/gt.json",
                   R"({"categories":[{"id":1,"name":"kidney"}],)"
                   R"("images":[{"id":1,"file_name":"a.png","width":10,"height":10,"pixel_spacing_mm":0.5},)"
                   R"({"id":2,"file_name":"b.png","width":10,"height":10}],)"
                   R"("annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,5,5]}]})");
        const std::string project = (dir / "proj").string();
        Result r = run({"import", "--project", project, "--quiet", "--no-headers", (dir / "json/gt.json").string()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("--study") != std::string::npos, r.err.c_str());
        r = run({"import", "--project", project, "--quiet", "--no-headers", "--study", (dir / "study").string(),
                 (dir / "json/gt.json").string()});
        QVERIFY2(r.code == 0, r.err.c_str());

        writeBytes(dir / "study/b.png", "changed");
        r = run({"verify", "--project", project, "--quiet"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.find("b.png: the file's content changed") != std::string::npos, r.out.c_str());
        QVERIFY(r.out.find("1 of 2 image(s) unchanged") != std::string::npos);
    }

    void exportNeverWritesIntoAProjectNorOverwrites()
    {
        // `export --out P/project.sqlite` exited 0 and the project was gone.
        const fs::path dir = scratch("cli-export-guard");
        const std::string project = (dir / "proj").string();
        Result r = run({"import", "--project", project, "--quiet", "--no-headers", kTrainJson});
        QVERIFY2(r.code == 0, r.err.c_str());
        const fs::path db = dir / "proj" / "project.sqlite";
        for (const fs::path& target : {db, fs::path(db.string() + "-wal"), fs::path(db.string() + "-shm"),
                                       dir / "proj" / "rois.csv", dir / "proj" / "backups" / "x.json"}) {
            for (const char* format : {"csv", "coco"}) {
                r = run({"export", "--project", project, "--format", format, "--out", target.string(), "--overwrite"});
                QVERIFY2(r.code != 0, target.c_str());
                QVERIFY2(r.err.find("project folder") != std::string::npos, r.err.c_str());
            }
        }
        QVERIFY(!fs::exists(dir / "proj" / "rois.csv"));
        r = run({"list", "--project", project});
        QVERIFY2(r.code == 0 && r.out.find("50 annotation(s) on 50 image(s)") != std::string::npos, r.err.c_str());
        r = run({"verify", "--project", project, "--quiet"});
        QVERIFY2(r.code == 0, (r.out + r.err).c_str());

        // An existing file is replaced only with --overwrite (or --force).
        writeBytes(dir / "mine.csv", "precious");
        r = run({"export", "--project", project, "--format", "csv", "--out", (dir / "mine.csv").string()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("--overwrite") != std::string::npos, r.err.c_str());
        QCOMPARE(readBytes(dir / "mine.csv"), std::string("precious"));
        r = run({"export", "--project", project, "--format", "csv", "--out", (dir / "mine.csv").string(), "--force"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(readBytes(dir / "mine.csv").rfind("file,frame,label", 0) == 0);
    }

    void changedRowIsReportedNotListed()
    {
        // A box changed behind the store's back was listed as if drawn so.
        const fs::path dir = scratch("cli-tampered");
        const std::string project = (dir / "proj").string();
        Result r = run({"import", "--project", project, "--quiet", "--no-headers", kTrainJson});
        QVERIFY2(r.code == 0, r.err.c_str());
        r = run({"verify", "--project", project, "--quiet"});
        QVERIFY2(r.code == 0 && r.out.find("intact") != std::string::npos, (r.out + r.err).c_str());
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open((dir / "proj/project.sqlite").c_str(), &h), SQLITE_OK);
        QCOMPARE(sqlite3_exec(h, "UPDATE annotations SET h = 319 WHERE id = 7", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(h);
        for (const char* command : {"list", "verify"}) {
            r = run({command, "--project", project});
            QCOMPARE(r.code, 1);
            QVERIFY2(r.err.find("damaged") != std::string::npos && r.err.find("annotation 7") != std::string::npos &&
                         r.err.find("backup") != std::string::npos,
                     r.err.c_str());
        }
    }

    void agreementLeavesModelsOut()
    {
        const fs::path dir = scratch("cli-agreement-model");
        writeBytes(dir / "a.png", "a");
        const std::string project = (dir / "proj").string();
        {
            ProjectStore store(project);
            store.setAuthor("alice");
            ImageRecord im;
            im.path = (dir / "a.png").string();
            const long long id = store.addImage(im);
            Annotation a;
            a.imageId = id;
            a.box = Box{0, 0, 10, 10};
            store.add(a);
            a.source = Source::FromModel;   // what batch detection stores while alice is the user
            a.box = Box{50, 50, 10, 10};
            QCOMPARE(store.add(a).author, std::string("model:unnamed"));
            store.setAuthor("bob");
            a.source = Source::Manual;
            a.box = Box{0, 0, 10, 10};
            store.add(a);
        }
        Result r = run({"agreement", "--project", project, "--authors", "alice", "bob"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.find("Dice 1.000") != std::string::npos, r.out.c_str());   // not 0.500 with the model's box
        r = run({"agreement", "--project", project, "--authors", "alice", "model:unnamed"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("model") != std::string::npos, r.err.c_str());
    }

    void benchPrintsFiguresAndCleansUp()
    {
        const fs::path dir = scratch("cli-bench");
        const Result r = run({"bench", "--dir", dir.string(), "--edits", "5"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(r.out.find("add   : median") != std::string::npos);
        QVERIFY(r.out.find("query all 5 annotations") != std::string::npos);
        QVERIFY(fs::is_empty(dir));
    }

    void userErrors()
    {
        const fs::path dir = scratch("cli-errors");
        Result r = run({});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.find("Usage") != std::string::npos);
        r = run({"frobnicate"});
        QCOMPARE(r.code, 2);
        r = run({"list", "--project", (dir / "none").string()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("no project") != std::string::npos, r.err.c_str());
        QVERIFY(!fs::exists(dir / "none"));   // list never creates a project
        r = run({"export", "--project", (dir / "none").string(), "--format", "xml", "--out", "x"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.find("coco") != std::string::npos);
        r = run({"import", "--project", (dir / "p").string()});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.find("one COCO JSON file") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestAnnotationsCommand)
#include "TestAnnotationsCommand.moc"
