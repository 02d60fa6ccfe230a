#include "ProjectOpener.h"

#include "ProjectSchema.h"
#include "SqliteDb.h"

#include "common/Error.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace ks::annotation {

namespace fs = std::filesystem;

namespace {

/// "SQLite format 3\0" at the start of a non-empty file.
bool looksLikeSqlite(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char head[16] = {};
    in.read(head, 16);
    return in.gcount() == 16 && std::string(head, 16) == std::string("SQLite format 3\0", 16);
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
    const std::string dbPath = (fs::path(folder) / "project.sqlite").string();
    const bool dbExists = fs::exists(dbPath, ec);
    if (!dbExists && !create)
        throw Error("'" + folder + "' holds no KidneyScope project (no " + "project.sqlite" + ")",
                    "Check the path, or create a project there", Error::Kind::Io);
    // SQLite's WAL mode writes beside the database on every open: a read-only folder must be
    // refused up front, not half-way through an edit.
    if (::access(folder.c_str(), W_OK) != 0 || (dbExists && ::access(dbPath.c_str(), W_OK) != 0))
        throw Error("The project folder '" + folder + "' is read-only",
                    "Make it writable, or copy the project to a folder you may write to; nothing was changed",
                    Error::Kind::Io);
    if (dbExists && fs::file_size(dbPath, ec) > 0 && !looksLikeSqlite(dbPath))
        throw Error("'" + dbPath + "' is damaged or is not a database",
                    "Restore it from a backup, or move it away to start a new project; KidneyScope did not change it",
                    Error::Kind::Corrupt);

    auto db = std::make_unique<SqliteDb>(dbPath, create);
    db->exec("PRAGMA busy_timeout = 5000");

    // Identify the file before writing anything to it.
    const long long appId = db->scalarInt("PRAGMA application_id");
    const long long version = db->scalarInt("PRAGMA user_version");
    if (appId != kProjectApplicationId) {
        const long long objects = db->scalarInt("SELECT count(*) FROM sqlite_master");
        if (appId != 0 || version != 0 || objects != 0)
            throw Error("'" + dbPath + "' is a database of another program, not a KidneyScope project",
                        "Choose another folder for the project; KidneyScope did not change this file",
                        Error::Kind::InvalidInput);
    }
    if (version > 0) {
        const std::string check = db->scalarText("PRAGMA quick_check");
        if (check != "ok")
            throw Error("The project database '" + dbPath + "' is damaged (" + check + ")",
                        "Restore project.sqlite from a backup; KidneyScope did not change it", Error::Kind::Corrupt);
    }

    // WAL: readers never block the writer and a commit is one append to the log.
    // synchronous=FULL fsyncs the WAL at every commit: NORMAL would already survive kill -9
    // (the WAL is in the OS cache), but not a power cut, and an edit reported saved must
    // stay saved. One fsync per edit costs milliseconds at human editing speed.
    if (db->scalarText("PRAGMA journal_mode = WAL") != "wal")
        throw Error("Cannot switch the project database '" + dbPath + "' to write-ahead logging",
                    "Put the project on a local disk (network file systems do not support it)", Error::Kind::Io);
    db->exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");

    if (version > 0 && version < kProjectSchemaVersion) {
        // Keep a copy of the old version before migrating it.
        const std::string backup = dbPath + ".v" + std::to_string(version) + ".bak";
        if (!fs::exists(backup, ec)) {
            Statement s(*db, "VACUUM INTO ?1");
            s.bind(1, backup).run("backing up the project before upgrading it");
        }
    }
    migrateProjectSchema(*db);
    return db;
}

} // namespace ks::annotation
