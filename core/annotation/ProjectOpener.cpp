#include "ProjectOpener.h"

#include "ProjectBackup.h"
#include "ProjectFiles.h"
#include "ProjectSchema.h"
#include "RowChecksum.h"
#include "SqliteDb.h"

#include "common/Error.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ks::annotation {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void damaged(const std::string& folder, const std::string& what)
{
    throw Error("The project '" + folder + "' is damaged: " + what, ProjectFiles::restoreAdvice(folder),
                Error::Kind::Corrupt);
}

/// Creates a complete, empty project as a temporary file and moves it to `dbPath` without
/// replacing anything: project.sqlite never exists half-made (0 bytes, no schema), so an empty
/// or header-less project.sqlite always means damage, and of several processes creating the
/// project at once exactly one wins and the others open its file.
void createAtomically(const std::string& folder, const std::string& dbPath)
{
    std::random_device rd;
    const std::string tmp = (fs::path(folder) / (".project-new-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(rd()) + ".sqlite")).string();
    auto cleanup = [&tmp] {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            fs::remove(tmp + suffix, ec);
    };
    try {
        SqliteDb db(tmp, true);
        if (db.scalarText("PRAGMA journal_mode = WAL") != "wal")
            throw Error("Cannot switch the new project database '" + dbPath + "' to write-ahead logging",
                        "Put the project on a local disk (network file systems do not support it)", Error::Kind::Io);
        db.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        migrateProjectSchema(db);
    } catch (...) {
        cleanup();
        throw;
    }
    // The last connection closed: the WAL was checkpointed into the file and removed.
    int rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dbPath.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && errno == EINVAL) {   // file system without RENAME_NOREPLACE: link() never replaces either
        rc = ::link(tmp.c_str(), dbPath.c_str());
    }
    const int err = errno;
    cleanup();
    if (rc != 0 && err != EEXIST)
        throw Error("Cannot create the project database '" + dbPath + "': " + std::strerror(err),
                    "Choose a folder you may write to", Error::Kind::Io);
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

/// Removes temporary files a killed process left behind (a project being created, a backup
/// being written) once they are an hour old: no live writer takes that long.
void removeStaleTemporaries(const std::string& folder)
{
    std::error_code ec;
    const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const std::string& dir : {folder, ProjectFiles::backupFolder(folder)}) {
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            const bool ours = name.rfind(".project-new-", 0) == 0 ||
                              (dir != folder && name.rfind(".project-", 0) == 0 && name.find(".tmp") != std::string::npos);
            std::error_code e2;
            if (ours && it->is_regular_file(e2) && fs::last_write_time(it->path(), e2) < cutoff)
                fs::remove(it->path(), e2);
        }
        ec.clear();
    }
}

} // namespace

std::unique_ptr<SqliteDb> ProjectOpener::open(const std::string& folder, bool create)
{
    std::error_code ec;
    if (!fs::exists(folder, ec)) {
        if (!create)
            throw Error("There is no project at '" + folder + "'", "Check the path, or create a project there",
                        Error::Kind::Io);
        fs::create_directories(folder, ec);
        if (ec)
            throw Error("Cannot create the project folder '" + folder + "': " + ec.message(),
                        "Choose a folder you may write to", Error::Kind::Io);
    } else if (!fs::is_directory(folder, ec)) {
        throw Error("'" + folder + "' is a file, not a project folder",
                    "Give the folder that holds project.sqlite", Error::Kind::InvalidInput);
    }
    const std::string dbPath = (fs::path(folder) / ProjectFiles::databaseName()).string();
    // Only stat() here: NOTHING but SQLite may open the database file (see ProjectFiles.h).
    struct stat st{};
    const bool dbExists = ::stat(dbPath.c_str(), &st) == 0;
    if (dbExists && !S_ISREG(st.st_mode))
        damaged(folder, "'" + dbPath + "' is not a regular file");
    if (!dbExists && ProjectFiles::hasProjectFiles(folder))
        damaged(folder, "project.sqlite is missing although its journal or backups are there");
    if (!dbExists && !create)
        throw Error("'" + folder + "' holds no KidneyScope project (no " + ProjectFiles::databaseName() + ")",
                    "Check the path, or create a project there", Error::Kind::Io);
    // SQLite's WAL mode writes beside the database on every open: a read-only folder must be
    // refused up front, not half-way through an edit.
    if (::access(folder.c_str(), W_OK) != 0 || (dbExists && ::access(dbPath.c_str(), W_OK) != 0))
        throw Error("The project folder '" + folder + "' is read-only",
                    "Make it writable, or copy the project to a folder you may write to; nothing was changed",
                    Error::Kind::Io);
    if (dbExists && st.st_size == 0)
        damaged(folder, "project.sqlite is empty (0 bytes): it was truncated, the project's content is gone");
    if (!dbExists)
        createAtomically(folder, dbPath);

    auto db = std::make_unique<SqliteDb>(dbPath, false);
    db->exec("PRAGMA busy_timeout = 5000");

    // Identify the file before writing anything to it. A file without SQLite's header fails
    // here with SQLITE_NOTADB, which SqliteDb reports as Corrupt.
    const long long appId = db->scalarInt("PRAGMA application_id");
    const long long version = db->scalarInt("PRAGMA user_version");
    if (appId != kProjectApplicationId) {
        const long long objects = db->scalarInt("SELECT count(*) FROM sqlite_master");
        if (appId != 0 || version != 0 || objects != 0)
            throw Error("'" + dbPath + "' is a database of another program, not a KidneyScope project",
                        "Choose another folder for the project; KidneyScope did not change this file",
                        Error::Kind::InvalidInput);
        damaged(folder, "project.sqlite holds no project (an empty database: its content is gone)");
    }
    const std::string check = db->scalarText("PRAGMA quick_check");
    if (check != "ok")
        damaged(folder, "the database's structure is broken (" + check + ")");

    // WAL: readers never block the writer and a commit is one append to the log.
    // synchronous=FULL fsyncs the WAL at every commit: NORMAL would already survive kill -9
    // (the WAL is in the OS cache), but not a power cut, and an edit reported saved must
    // stay saved. One fsync per edit costs milliseconds at human editing speed.
    if (db->scalarText("PRAGMA journal_mode = WAL") != "wal")
        throw Error("Cannot switch the project database '" + dbPath + "' to write-ahead logging",
                    "Put the project on a local disk (network file systems do not support it)", Error::Kind::Io);
    db->exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");

    if (version >= 3)
        RowChecksum::verify(*db, false);   // before a migration copies anything
    migrateProjectSchema(*db);             // backs the old version up first
    ProjectBackup::dailyIfDue(*db, folder);
    removeStaleTemporaries(folder);
    return db;
}

} // namespace ks::annotation
