// The project store: CRUD with an audit entry per edit, undo symmetry, mm geometry, labels,
// review, inter-annotator Dice, checksums, schema migration, and the failures a user can meet
// (corrupt or foreign database, read-only folder, full disk) losing nothing already saved.
#include "annotation/ProjectFiles.h"
#include "annotation/ProjectSchema.h"
#include "annotation/ProjectStore.h"
#include "common/Sha256.h"
#include "annotation/SqliteDb.h"
#include "common/Error.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <sqlite3.h>

#include <filesystem>
#include <random>

#include <sys/wait.h>
#include <unistd.h>

using namespace ks;
using namespace ks::annotation;
using namespace ks::annotation::test;
namespace fs = std::filesystem;

namespace {

/// A project with one registered image file (spacing 0.1 × 0.2 mm).
struct Fixture
{
    fs::path dir;
    fs::path imageFile;
    long long imageId = 0;

    explicit Fixture(const std::string& name)
        : dir(scratch(name)), imageFile(dir / "scan.dcm")
    {
        writeBytes(imageFile, "fake image content " + name);
        ProjectStore store((dir / "project").string());
        ImageRecord im;
        im.path = imageFile.string();
        im.mmPerPixelX = 0.1;
        im.mmPerPixelY = 0.2;
        im.width = 640;
        im.height = 480;
        im.patientId = "PID-1";
        imageId = store.addImage(im);
    }
    std::string project() const { return (dir / "project").string(); }
};

Annotation roi(long long imageId, Box box, const std::string& label = "kidney")
{
    Annotation a;
    a.imageId = imageId;
    a.box = box;
    a.label = label;
    return a;
}

Error::Kind errorKindOf(const std::function<void()>& f, std::string* message = nullptr)
{
    try {
        f();
    } catch (const Error& e) {
        if (message)
            *message = e.message();
        return e.kind();
    }
    return Error::Kind::Internal;   // "no error" is reported as Internal, which no check expects
}

void rawExec(const fs::path& db, const std::string& sql)
{
    sqlite3* h = nullptr;
    QCOMPARE(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    QVERIFY2(rc == SQLITE_OK, msg.c_str());
}

} // namespace

class TestProjectStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sha256KnownVectors()
    {
        QCOMPARE(Sha256::ofBytes(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(Sha256::ofBytes("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(Sha256::ofBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        // One million 'a', fed in uneven chunks to exercise the buffering.
        Sha256 h;
        const std::string chunk(997, 'a');
        size_t left = 1000000;
        while (left > 0) {
            const size_t n = std::min(left, chunk.size());
            h.update(chunk.data(), n);
            left -= n;
        }
        QCOMPARE(h.hexDigest(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void crudWithAuditAndUndoSymmetry()
    {
        Fixture fx("store-crud");
        ProjectStore store(fx.project());
        store.setAuthor("alice");
        QCOMPARE(store.schemaVersion(), kProjectSchemaVersion);
        QCOMPARE(store.labels(), std::vector<std::string>{"kidney"});

        const Annotation a = store.add(roi(fx.imageId, Box{10, 20, 100, 50}));
        QVERIFY(a.id > 0);
        QCOMPARE(a.author, std::string("alice"));
        QCOMPARE(a.status, Status::Draft);
        QCOMPARE(a.source, Source::Manual);
        QVERIFY(!a.createdAt.empty());
        // mm geometry from the image's spacing (0.1 mm columns, 0.2 mm rows).
        QVERIFY(a.boxMm.has_value());
        QVERIFY(std::abs(a.boxMm->width - 10.0) < 1e-9 && std::abs(a.boxMm->height - 10.0) < 1e-9);
        QVERIFY(std::abs(a.boxMm->x - 1.0) < 1e-9 && std::abs(a.boxMm->y - 4.0) < 1e-9);

        // Rotated box: the stored axis-aligned box is its bounding box.
        store.addLabel("left_kidney");
        Annotation r = roi(fx.imageId, Box{}, "left_kidney");
        r.rotated = RotatedBox{300, 200, 120, 50, 90};
        const Annotation rs = store.add(r);
        QVERIFY(std::abs(rs.box.width - 50) < 1e-9 && std::abs(rs.box.height - 120) < 1e-9);
        // Length runs vertically at 90°: 120 px × 0.2 mm.
        QVERIFY(rs.lengthMm && std::abs(*rs.lengthMm - 24.0) < 1e-9);
        QVERIFY(rs.widthMm && std::abs(*rs.widthMm - 5.0) < 1e-9);
        // A box given with the rotated one (imported ground truth, tighter around the organ) is kept.
        r.box = Box{260, 150, 40, 100};
        QCOMPARE(store.add(r).box, r.box);

        Annotation moved = a;
        moved.box.x += 5;
        const Annotation after = store.update(moved);
        QCOMPARE(after.box.x, 15.0);
        QCOMPARE(after.createdAt, a.createdAt);
        // Undo of the update = update with the old value.
        QVERIFY(store.update(a).sameContent(a));

        const Annotation removed = store.remove(a.id);
        QVERIFY(removed.sameContent(a));
        QVERIFY(!store.annotation(a.id));
        // Undo of the delete: same id, same content and created time.
        const Annotation back = store.restore(removed);
        QCOMPARE(back.id, a.id);
        QVERIFY(back.sameContent(a));
        QCOMPARE(back.createdAt, a.createdAt);
        QCOMPARE(errorKindOf([&] { store.restore(removed); }), Error::Kind::InvalidInput);
        // Ids are never reused, even for the highest id after a delete.
        const Annotation last = store.add(roi(fx.imageId, Box{0, 0, 5, 5}));
        store.remove(last.id);
        QVERIFY(store.add(roi(fx.imageId, Box{0, 0, 6, 6})).id > last.id);

        // One audit entry per edit, with before/after.
        const auto log = store.auditLog(a.id);
        std::vector<std::string> actions;
        for (const AuditEntry& e : log)
            actions.push_back(e.action);
        QCOMPARE(actions, (std::vector<std::string>{"add", "update", "update", "delete", "restore"}));
        QVERIFY(log[0].before.empty() && log[0].after.find("\"bbox\"") != std::string::npos);
        QVERIFY(log[3].after.empty() && log[3].before.find("alice") != std::string::npos);
        for (const AuditEntry& e : log)
            QCOMPARE(e.who, std::string("alice"));

        // Everything is there after reopening (no save step).
        ProjectStore again(fx.project());
        QCOMPARE(again.annotations().size(), store.annotations().size());
        QVERIFY(again.annotation(a.id)->sameContent(a));
    }

    void calibrationAndKidneySize()
    {
        Fixture fx("store-calibration");
        ProjectStore store(fx.project());
        // 0.1 × 0.2 mm: 1000 × 250 px = 100 × 50 mm, inside the adult range.
        const Annotation a = store.add(roi(fx.imageId, Box{0, 0, 1000, 250}));
        QCOMPARE(kidneySizeWarning(a), std::string());
        // Doubling the pixel size recomputes the mm values of existing ROIs: 200 × 100 mm.
        store.setCalibration(fx.imageId, 0.2, 0.4);
        const Annotation b = *store.annotation(a.id);
        QVERIFY(b.lengthMm && std::abs(*b.lengthMm - 200) < 1e-9 && std::abs(*b.widthMm - 100) < 1e-9);
        QCOMPARE(b.createdAt, a.createdAt);
        const std::string w = kidneySizeWarning(b);
        QVERIFY2(w.find("length 200 mm is above") != std::string::npos && w.find("width 100 mm") != std::string::npos,
                 w.c_str());
        // Uncalibrated: no mm, no warning; other structures are not checked.
        store.setCalibration(fx.imageId, 0, 0);
        QVERIFY(!store.annotation(a.id)->lengthMm);
        QCOMPARE(kidneySizeWarning(*store.annotation(a.id)), std::string());
        store.setCalibration(fx.imageId, 0.01, 0.01);
        Annotation small = *store.annotation(a.id);
        QVERIFY(kidneySizeWarning(small).find("below") != std::string::npos);
        small.label = "liver";
        QCOMPARE(kidneySizeWarning(small), std::string());

        // A loaded image's record: path, frame, UID, calibration.
        Image img;
        img.frames = {cv::Mat(30, 40, CV_8UC1), cv::Mat(30, 40, CV_8UC1)};
        img.meta.sourcePath = fx.imageFile.string();
        img.meta.sopInstanceUid = "1.2.3";
        img.calibration = Calibration::user(0.3);
        const ImageRecord r = ProjectStore::recordFor(img, 1);
        QCOMPARE(r.frame, 1);
        QCOMPARE(r.width, 40);
        QCOMPARE(r.mmPerPixelY, 0.3);
        QCOMPARE(errorKindOf([&] { ProjectStore::recordFor(img, 2); }), Error::Kind::InvalidInput);
        const long long frame1 = store.addImage(r);
        QVERIFY(frame1 != fx.imageId);   // another frame of the same file is another image
        QCOMPARE(store.image(frame1)->sha256, store.image(fx.imageId)->sha256);
    }

    void invalidEditsAreRefused()
    {
        Fixture fx("store-invalid");
        ProjectStore store(fx.project());
        std::string msg;
        QCOMPARE(errorKindOf([&] { store.add(roi(fx.imageId, Box{0, 0, 10, 10}, "liver")); }, &msg),
                 Error::Kind::InvalidInput);
        QVERIFY(msg.find("liver") != std::string::npos);
        QCOMPARE(errorKindOf([&] { store.add(roi(fx.imageId, Box{0, 0, 0, 10})); }), Error::Kind::InvalidInput);
        QCOMPARE(errorKindOf([&] { store.add(roi(999, Box{0, 0, 10, 10})); }), Error::Kind::InvalidInput);
        QCOMPARE(errorKindOf([&] { store.update(roi(fx.imageId, Box{0, 0, 10, 10})); }), Error::Kind::InvalidInput);
        QVERIFY(store.annotations().empty());
        store.add(roi(fx.imageId, Box{0, 0, 10, 10}));
        QCOMPARE(errorKindOf([&] { store.removeLabel("kidney"); }), Error::Kind::InvalidInput);
        // The audit log cannot be rewritten, not even with plain SQL.
        rawExec(fx.dir / "project/project.sqlite", "SELECT 1");
        sqlite3* h = nullptr;
        sqlite3_open((fx.dir / "project/project.sqlite").c_str(), &h);
        QCOMPARE(sqlite3_exec(h, "UPDATE audit_log SET who = 'mallory'", nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
        QCOMPARE(sqlite3_exec(h, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
        sqlite3_close(h);
        QCOMPARE(store.auditLog().size(), size_t(1));
    }

    void reviewFiltersAndInterAnnotatorDice()
    {
        Fixture fx("store-review");
        ProjectStore store(fx.project());
        store.setAuthor("alice");
        const Annotation a1 = store.add(roi(fx.imageId, Box{0, 0, 10, 10}));
        const Annotation a2 = store.add(roi(fx.imageId, Box{100, 100, 40, 40}));
        store.setAuthor("bob");
        const Annotation b1 = store.add(roi(fx.imageId, Box{5, 0, 10, 10}));   // Dice 0.5 with a1

        // 2 alice boxes vs 1 bob box: pairs (a1,b1)=0.5, a2 unpaired → (0.5 + 0) / 2.
        const auto d = store.interAnnotatorDice(fx.imageId, "alice", "bob");
        QVERIFY(d.has_value());
        QCOMPARE(*d, 0.25);
        QVERIFY(!store.interAnnotatorDice(fx.imageId, "alice", "carol"));
        QCOMPARE(store.authors(fx.imageId), (std::vector<std::string>{"alice", "bob"}));

        store.setAuthor("alice");
        QCOMPARE(store.submit(a1.id).status, Status::Submitted);
        QCOMPARE(store.submit(a2.id).status, Status::Submitted);
        QCOMPARE(errorKindOf([&] { store.approve(b1.id); }), Error::Kind::InvalidInput);   // still draft
        store.setAuthor("dr_review");
        const Annotation ok = store.approve(a1.id, "fine");
        QCOMPARE(ok.status, Status::Approved);
        QCOMPARE(ok.reviewer, std::string("dr_review"));
        QCOMPARE(ok.author, std::string("alice"));   // reviewing does not take authorship
        QCOMPARE(errorKindOf([&] { store.reject(a2.id, ""); }), Error::Kind::InvalidInput);
        const Annotation no = store.reject(a2.id, "box cuts the lower pole");
        QCOMPARE(no.status, Status::Rejected);
        QCOMPARE(no.reviewComment, std::string("box cuts the lower pole"));
        QCOMPARE(store.submit(a2.id).status, Status::Submitted);   // resubmitted after a fix

        AnnotationFilter f;
        f.status = Status::Approved;
        QCOMPARE(store.annotations(f).size(), size_t(1));
        f = {};
        f.author = "alice";
        QCOMPARE(store.annotations(f).size(), size_t(2));
        f.status = Status::Draft;
        QCOMPARE(store.annotations(f).size(), size_t(0));
        f.author = "bob";
        QCOMPARE(store.annotations(f).size(), size_t(1));
        QCOMPARE(store.auditLog(a2.id).back().action, std::string("submit"));
        QCOMPARE(store.auditLog(a2.id).back().who, std::string("dr_review"));
    }

    void modelMadeRoisCarryTheModelAndStayOutOfAgreement()
    {
        // From-model ROIs got the user's name, and agreement compared readers
        // against the model.
        Fixture fx("store-model-author");
        ProjectStore store(fx.project());
        store.setAuthor("alice");
        const Annotation mine = store.add(roi(fx.imageId, Box{0, 0, 100, 100}));
        QCOMPARE(mine.author, std::string("alice"));
        Annotation predicted = roi(fx.imageId, Box{300, 300, 100, 100});
        predicted.source = Source::FromModel;
        QCOMPARE(store.add(predicted).author, std::string("model:unnamed"));   // never "alice"
        predicted.author = modelAuthor("phantom-haar");
        QCOMPARE(store.add(predicted).author, std::string("model:phantom-haar"));
        predicted.author = "bob";   // a caller naming the model without the prefix
        QCOMPARE(store.addBatch({predicted}, "batch-detect").front().author, std::string("model:bob"));
        QVERIFY_THROWS_EXCEPTION(Error, store.setAuthor("model:phantom-haar"));   // reserved for models
        store.setAuthor("bob");
        store.add(roi(fx.imageId, Box{0, 0, 100, 50}));
        // Only the people's boxes count: alice's one box against bob's one box.
        QCOMPARE(*store.interAnnotatorDice(fx.imageId, "alice", "bob"), dice(Box{0, 0, 100, 100}, Box{0, 0, 100, 50}));
        QVERIFY(!store.interAnnotatorDice(fx.imageId, "alice", "model:phantom-haar"));
        QCOMPARE(store.readers(fx.imageId), (std::vector<std::string>{"alice", "bob"}));
        QCOMPARE(store.authors(fx.imageId).size(), size_t(5));
    }

    void changedOrMovedFilesAreDetected()
    {
        Fixture fx("store-verify");
        ProjectStore store(fx.project());
        const fs::path second = fx.dir / "second.dcm";
        writeBytes(second, "second image");
        ImageRecord im;
        im.path = second.string();
        const long long secondId = store.addImage(im);
        QCOMPARE(store.addImage(im), secondId);   // registering twice returns the same image
        QCOMPARE(store.image(secondId)->sha256, Sha256::ofBytes("second image"));

        auto checks = store.verifyImages();
        QCOMPARE(checks.size(), size_t(2));
        for (const ImageCheck& c : checks)
            QCOMPARE(c.state, ImageCheck::State::Ok);

        writeBytes(fx.imageFile, "tampered");
        const fs::path moved = fx.dir / "moved.dcm";
        fs::rename(second, moved);
        checks = store.verifyImages();
        QCOMPARE(checks[0].state, ImageCheck::State::Changed);
        QCOMPARE(checks[1].state, ImageCheck::State::Missing);

        QCOMPARE(errorKindOf([&] { store.relocateImage(secondId, fx.imageFile.string()); }), Error::Kind::InvalidInput);
        store.relocateImage(secondId, moved.string());
        QCOMPARE(store.image(secondId)->path, moved.string());
        QCOMPARE(store.verifyImages()[1].state, ImageCheck::State::Ok);
    }

    void migratesFromVersion1()
    {
        const fs::path dir = scratch("store-migrate");
        const fs::path db = dir / "project.sqlite";
        {
            SqliteDb raw(db.string(), true);
            migrateProjectSchema(raw, 1);
            raw.exec("INSERT INTO images(path, sha256, mm_per_pixel_x, mm_per_pixel_y, added_at) "
                     "VALUES ('/data/a.dcm', 'abc', 0.5, 0.5, '2025-01-01T00:00:00.000Z');"
                     "INSERT INTO annotations(image_id, label, x, y, w, h, author, status, created_at, modified_at) "
                     "VALUES (1, 'kidney', 1, 2, 30, 40, 'olduser', 'approved', '2025-01-01', '2025-01-02');");
        }
        ProjectStore store(dir.string());
        QCOMPARE(store.schemaVersion(), kProjectSchemaVersion);
        // The old version was backed up (through SQLite's backup API) before migrating.
        std::vector<std::string> backups;
        for (const std::string& b : ProjectFiles::backups(dir.string()))
            if (b.find("-before-v") != std::string::npos)
                backups.push_back(b);
        QCOMPARE(backups.size(), size_t(1));
        QVERIFY2(backups[0].find("-before-v") != std::string::npos, backups[0].c_str());
        {
            SqliteDb old(backups[0], false);
            QCOMPARE(old.scalarInt("PRAGMA user_version"), 1LL);
            QCOMPARE(old.scalarInt("SELECT count(*) FROM annotations"), 1LL);
        }
        QCOMPARE(store.integrityCheck(), std::string("ok"));   // migrated rows are sealed
        const auto all = store.annotations();
        QCOMPARE(all.size(), size_t(1));
        QCOMPARE(all[0].author, std::string("olduser"));
        QCOMPARE(all[0].status, Status::Approved);
        QCOMPARE(all[0].source, Source::Manual);   // v1 rows were all drawn by hand
        QCOMPARE(all[0].box, (Box{1, 2, 30, 40}));
        QCOMPARE(store.images()[0].patientName, std::string());
        // The new schema works after migration.
        Annotation a = all[0];
        a.source = Source::FromModel;
        QCOMPARE(store.update(a).source, Source::FromModel);
    }

    void newerSchemaIsRefused()
    {
        const fs::path dir = scratch("store-newer");
        { ProjectStore store(dir.string()); }
        rawExec(dir / "project.sqlite", "PRAGMA user_version = 99");
        std::string msg;
        QCOMPARE(errorKindOf([&] { ProjectStore s(dir.string()); }, &msg), Error::Kind::Unsupported);
        QVERIFY(msg.find("newer") != std::string::npos);
    }

    void corruptDatabaseIsReportedAndLeftAlone()
    {
        // Not a database at all.
        const fs::path dir = scratch("store-corrupt");
        writeBytes(dir / "project.sqlite", std::string(4096, 'x'));
        std::string msg;
        QCOMPARE(errorKindOf([&] { ProjectStore s(dir.string()); }, &msg), Error::Kind::Corrupt);
        QVERIFY(msg.find("project.sqlite") != std::string::npos);
        QCOMPARE(readBytes(dir / "project.sqlite"), std::string(4096, 'x'));

        // A real project whose pages were overwritten.
        Fixture fx("store-corrupt-pages");
        {
            ProjectStore store(fx.project());
            for (int i = 0; i < 200; ++i)
                store.add(roi(fx.imageId, Box{double(i), 0, 10, 10}));
        }
        const fs::path db = fx.dir / "project/project.sqlite";
        std::string bytes = readBytes(db);
        QVERIFY(bytes.size() > 8 * 4096);
        std::mt19937 rng(3);
        for (size_t i = 4096 * 2; i < bytes.size(); ++i)
            bytes[i] = char(rng());
        writeBytes(db, bytes);
        QCOMPARE(errorKindOf([&] { ProjectStore s(fx.project()); }, &msg), Error::Kind::Corrupt);
        QVERIFY2(msg.find("damaged") != std::string::npos, msg.c_str());
        QCOMPARE(readBytes(db), bytes);
    }

    void foreignDatabaseIsRefusedUnchanged()
    {
        const fs::path dir = scratch("store-foreign");
        rawExec(dir / "project.sqlite", "CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ('x');");
        const std::string before = readBytes(dir / "project.sqlite");
        std::string msg;
        QCOMPARE(errorKindOf([&] { ProjectStore s(dir.string()); }, &msg), Error::Kind::InvalidInput);
        QVERIFY2(msg.find("another program") != std::string::npos, msg.c_str());
        QCOMPARE(readBytes(dir / "project.sqlite"), before);
        QVERIFY(!fs::exists(dir / "project.sqlite-wal"));
    }

    void readOnlyFolderGivesClearError()
    {
        Fixture fx("store-readonly");
        {
            ProjectStore store(fx.project());
            store.add(roi(fx.imageId, Box{1, 1, 10, 10}));
        }
        fs::permissions(fx.project(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                          fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
        const std::string project = fx.project();
        auto tryOpen = [project]() -> int {
            try {
                ProjectStore s(project);
                return 1;   // opened: not refused
            } catch (const Error& e) {
                return e.kind() == Error::Kind::Io && e.message().find("read-only") != std::string::npos ? 0 : 2;
            }
        };
        int result = -1;
        if (::geteuid() != 0) {
            result = tryOpen();
        } else {
            // Root writes through chmod: check as the unprivileged user "nobody" in a child.
            const pid_t pid = ::fork();
            if (pid == 0) {
                if (::setgid(65534) != 0 || ::setuid(65534) != 0)
                    ::_exit(3);
                if (::access(project.c_str(), R_OK | X_OK) != 0)
                    ::_exit(4);   // a parent folder is closed to "nobody"
                ::_exit(tryOpen());
            }
            int status = 0;
            ::waitpid(pid, &status, 0);
            result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        fs::permissions(fx.project(), fs::perms::owner_all, fs::perm_options::add);
        if (result == 3 || result == 4)
            QSKIP("Running as root and cannot drop to user 'nobody' to make the folder read-only");
        QCOMPARE(result, 0);
        ProjectStore store(fx.project());
        QCOMPARE(store.annotations().size(), size_t(1));
    }

    void fullDiskLosesNothingSaved()
    {
        Fixture fx("store-full");
        ProjectStore store(fx.project());
        const long long pages = store.setPageLimit(0);   // 0 leaves the limit, returns it
        QVERIFY(pages > 0);
        rawExec(fx.dir / "project/project.sqlite", "SELECT 1");
        const long long used = [&] {
            SqliteDb raw((fx.dir / "project/project.sqlite").string(), false);
            return raw.scalarInt("PRAGMA page_count");
        }();
        store.setPageLimit(used + 6);
        std::vector<long long> saved;
        std::string msg;
        Error::Kind kind = Error::Kind::Internal;
        for (int i = 0; i < 500; ++i) {
            Annotation a = roi(fx.imageId, Box{double(i), 0, 10, 10});
            a.reviewComment = std::string(1500, char('a' + i % 26));
            try {
                saved.push_back(store.add(a).id);
            } catch (const Error& e) {
                msg = e.message();
                kind = e.kind();
                break;
            }
        }
        QCOMPARE(kind, Error::Kind::Io);
        QVERIFY2(msg.find("disk is full") != std::string::npos, msg.c_str());
        QVERIFY(!saved.empty());
        QCOMPARE(store.annotations().size(), saved.size());
        QCOMPARE(store.auditLog().size(), saved.size());
        QCOMPARE(store.integrityCheck(), std::string("ok"));

        // Reopened without the limit: everything saved is there, and editing works again.
        ProjectStore again(fx.project());
        QCOMPARE(again.annotations().size(), saved.size());
        QCOMPARE(again.annotations().back().id, saved.back());
        again.add(roi(fx.imageId, Box{0, 0, 3, 3}));
        QCOMPARE(again.integrityCheck(), std::string("ok"));
    }
};

QTEST_GUILESS_MAIN(TestProjectStore)
#include "TestProjectStore.moc"
