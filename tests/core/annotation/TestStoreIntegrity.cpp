// Integrity of a project: byte flips in the pages that hold ROIs are all
// reported as damage (never shown as a changed box), an emptied, header-less or missing
// database in a project folder is damage (never a new empty project), and the damage message
// names the newest automatic backup, which restores the project.
#include "annotation/ProjectFiles.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <sqlite3.h>

#include <set>

using namespace ks;
using namespace ks::annotation;
using namespace ks::annotation::test;
namespace fs = std::filesystem;

namespace {

/// Every row of every table through a fresh raw connection, type-tagged; "ERROR …" when SQLite
/// itself fails to read it. Opened read-only on a closed copy.
std::string dumpAll(const fs::path& db)
{
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(h);
        return "ERROR open";
    }
    std::string out;
    for (const char* table : {"labels", "images", "annotations", "audit_log"}) {
        sqlite3_stmt* s = nullptr;
        const std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY rowid";
        if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
            out += "ERROR prepare";
            break;
        }
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(s); ++i) {
                const int type = sqlite3_column_type(s, i);
                out += std::to_string(type) + ":";
                if (type == SQLITE_FLOAT) {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(s, i));
                    out += buf;
                } else if (type != SQLITE_NULL) {
                    out += std::string(static_cast<const char*>(sqlite3_column_blob(s, i)),
                                       size_t(sqlite3_column_bytes(s, i)));
                }
                out += "|";
            }
            out += "\n";
        }
        if (rc != SQLITE_DONE)
            out += "ERROR step " + std::to_string(rc);
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
    return out;
}

/// Kind of the error of opening and fully verifying the project; Internal when none.
Error::Kind openAndVerify(const std::string& project, std::string* message = nullptr)
{
    try {
        const ProjectStore store(project, false);
        store.verifyIntegrity();
        (void)store.annotations();
    } catch (const Error& e) {
        if (message)
            *message = e.message() + " | " + e.hint();
        return e.kind();
    }
    return Error::Kind::Internal;
}

/// A closed project with an image and 40 ROIs, each with a distinct comment; some approved.
fs::path makeProject(const fs::path& dir)
{
    writeBytes(dir / "scan.dcm", "integrity image");
    const fs::path project = dir / "project";
    ProjectStore store(project.string());
    store.setAuthor("alice");
    ImageRecord im;
    im.path = (dir / "scan.dcm").string();
    im.mmPerPixelX = im.mmPerPixelY = 0.3;
    const long long imageId = store.addImage(im);
    for (int i = 0; i < 40; ++i) {
        Annotation a;
        a.imageId = imageId;
        a.box = Box{10.0 + i, 20.5 + i, 332, 218.25};
        a.reviewComment = "ROI-MARKER-" + std::to_string(1000 + i);
        const Annotation stored = store.add(a);
        if (i % 3 == 0) {
            store.submit(stored.id);
            store.approve(stored.id);
        }
    }
    return project;
}

} // namespace

class TestStoreIntegrity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyFlipThatChangesARowIsReported()
    {
        const fs::path dir = scratch("integrity-flips");
        const fs::path project = makeProject(dir);
        const fs::path db = project / "project.sqlite";
        QVERIFY(!fs::exists(db.string() + "-wal"));   // closed: checkpointed, no log
        // The store is closed: reading the file now cannot disturb any SQLite lock.
        const std::string original = readBytes(db);
        const size_t pageSize = (size_t(uint8_t(original[16])) << 8) | uint8_t(original[17]);
        QVERIFY(pageSize >= 512 && original.size() % pageSize == 0);

        // The pages holding ROI rows (and their audit entries): found by the ROIs' comments.
        std::set<size_t> pages;
        for (size_t at = original.find("ROI-MARKER-"); at != std::string::npos; at = original.find("ROI-MARKER-", at + 1))
            pages.insert(at / pageSize);
        QVERIFY(pages.size() >= 2);

        const std::string baseline = dumpAll(db);
        QVERIFY(baseline.find("ERROR") == std::string::npos);
        const fs::path trial = dir / "trial";
        int changed = 0, detected = 0, tried = 0;
        for (size_t page : pages) {
            for (size_t k = 7; k < pageSize; k += 97) {
                std::string bytes = original;
                bytes[page * pageSize + k] = char(bytes[page * pageSize + k] ^ 0x14);
                fs::remove_all(trial);
                fs::create_directories(trial);
                writeBytes(trial / "project.sqlite", bytes);
                ++tried;
                const bool rowsChanged = dumpAll(trial / "project.sqlite") != baseline;
                std::string msg;
                const Error::Kind kind = openAndVerify(trial.string(), &msg);
                if (kind == Error::Kind::Corrupt)
                    ++detected;
                if (!rowsChanged)
                    continue;   // a byte SQLite does not read (free space): nothing to report
                ++changed;
                QVERIFY2(kind == Error::Kind::Corrupt,
                         ("flip at page " + std::to_string(page) + " offset " + std::to_string(k) +
                          " changed the rows but was not reported: " + msg).c_str());
                QVERIFY2(msg.find("damaged") != std::string::npos, msg.c_str());
                // Nothing is written into a damaged project (no backup of the damage either).
                QCOMPARE(readBytes(trial / "project.sqlite"), bytes);
                QVERIFY(!fs::exists(trial / "backups"));
            }
        }
        qInfo("%d flips, %d changed rows, %d reported as damaged", tried, changed, detected);
        QVERIFY(changed >= 10);
    }

    void emptiedOrMissingDatabaseIsDamageNotANewProject()
    {
        const fs::path dir = scratch("integrity-empty");
        const fs::path project = makeProject(dir);
        { const ProjectStore store(project.string(), false); }   // reopened with content: daily backup
        const std::string backup = ProjectFiles::newestBackup(project.string());
        QVERIFY(!backup.empty());
        const fs::path db = project / "project.sqlite";
        const std::string good = readBytes(db);

        // Truncated to 0 bytes: damaged, and the advice names the backup.
        writeBytes(db, "");
        std::string msg;
        QCOMPARE(openAndVerify(project.string(), &msg), Error::Kind::Corrupt);
        QVERIFY2(msg.find("empty") != std::string::npos && msg.find(backup) != std::string::npos, msg.c_str());
        QCOMPARE(fs::file_size(db), uintmax_t(0));
        // Not even `create` makes a new project over it.
        QVERIFY_THROWS_EXCEPTION(Error, ProjectStore(project.string(), true));
        QCOMPARE(fs::file_size(db), uintmax_t(0));

        // Without its header (zeroed first page start): damaged.
        std::string headless = good;
        std::fill(headless.begin(), headless.begin() + 100, '\0');
        writeBytes(db, headless);
        QCOMPARE(openAndVerify(project.string(), &msg), Error::Kind::Corrupt);
        QCOMPARE(readBytes(db), headless);

        // Missing while the folder still has its backups (or a -wal): damaged, not new.
        fs::remove(db);
        QVERIFY_THROWS_EXCEPTION(Error, ProjectStore(project.string(), true));
        QVERIFY(!fs::exists(db));

        // The named backup restores the project.
        fs::copy_file(backup, db);
        const ProjectStore restored(project.string(), false);
        QCOMPARE(restored.annotations().size(), size_t(40));
        QCOMPARE(restored.integrityCheck(), std::string("ok"));
    }

    void onlyAFolderWithoutProjectFilesIsCreatedFresh()
    {
        const fs::path dir = scratch("integrity-fresh");
        // The user's own "backups" folder (none of ours in it) does not stop a new project.
        fs::create_directories(dir / "mine" / "backups");
        writeBytes(dir / "mine" / "backups" / "notes.txt", "mine");
        { const ProjectStore store((dir / "mine").string(), true); }
        QVERIFY(ProjectStore::exists((dir / "mine").string()));
        // A leftover -wal without its database is damage, not a place for a new project.
        fs::create_directories(dir / "orphan");
        writeBytes(dir / "orphan" / "project.sqlite-wal", "");
        std::string msg;
        try {
            const ProjectStore store((dir / "orphan").string(), true);
        } catch (const Error& e) {
            msg = e.message();
            QCOMPARE(e.kind(), Error::Kind::Corrupt);
        }
        QVERIFY2(msg.find("missing") != std::string::npos, msg.c_str());
        QVERIFY(!fs::exists(dir / "orphan" / "project.sqlite"));

        // What a process killed while creating a project left behind goes after an hour.
        const fs::path stale = dir / "mine" / ".project-new-1-2.sqlite", fresh = dir / "mine" / ".project-new-3-4.sqlite";
        writeBytes(stale, "");
        writeBytes(fresh, "");
        fs::last_write_time(stale, fs::last_write_time(stale) - std::chrono::hours(2));
        { const ProjectStore store((dir / "mine").string(), false); }
        QVERIFY(!fs::exists(stale));
        QVERIFY(fs::exists(fresh));   // might still be in the making
    }

    void rollingBackupsKeepTheNewestThree()
    {
        const fs::path dir = scratch("integrity-backups");
        const fs::path project = makeProject(dir);
        for (int i = 0; i < 5; ++i) {
            { const ProjectStore store(project.string(), false); }
            // Age every daily backup by two days so that the next open makes a new one.
            for (const std::string& b : ProjectFiles::backups(project.string()))
                fs::last_write_time(b, fs::last_write_time(b) - std::chrono::hours(48));
        }
        const auto all = ProjectFiles::backups(project.string());
        QCOMPARE(all.size(), size_t(3));
        for (const std::string& b : all) {
            sqlite3* h = nullptr;
            QCOMPARE(sqlite3_open_v2(b.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
            sqlite3_stmt* s = nullptr;
            QCOMPARE(sqlite3_prepare_v2(h, "SELECT count(*) FROM annotations", -1, &s, nullptr), SQLITE_OK);
            QCOMPARE(sqlite3_step(s), SQLITE_ROW);
            QCOMPARE(sqlite3_column_int(s, 0), 40);
            sqlite3_finalize(s);
            sqlite3_close(h);
        }
    }
};

QTEST_GUILESS_MAIN(TestStoreIntegrity)
#include "TestStoreIntegrity.moc"
