#include "ProjectBackup.h"

#include "ProjectFiles.h"
#include "SqliteDb.h"

#include "common/Error.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <unistd.h>

namespace ks::annotation {

namespace fs = std::filesystem;

namespace {

std::string stamp()
{
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void removeQuietly(const std::string& path)
{
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(path + suffix, ec);
}

} // namespace

std::string ProjectBackup::create(SqliteDb& db, const std::string& folder, const std::string& kind)
{
    const std::string dir = ProjectFiles::backupFolder(folder);
    std::error_code ec;
    fs::create_directories(dir, ec);
    const std::string name = "project-" + stamp() + "-" + std::to_string(::getpid()) + "-" + kind + ".sqlite";
    const std::string finalPath = (fs::path(dir) / name).string();
    const std::string tmp = (fs::path(dir) / ("." + name + ".tmp")).string();

    sqlite3* dest = nullptr;
    int rc = sqlite3_open_v2(tmp.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_backup* b = sqlite3_backup_init(dest, "main", db.handle(), "main");
        if (!b) {
            rc = sqlite3_errcode(dest);
        } else {
            rc = sqlite3_backup_step(b, -1);
            const int finish = sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? finish : rc;
        }
    }
    const std::string detail = dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
    sqlite3_close_v2(dest);
    if (rc != SQLITE_OK || ::rename(tmp.c_str(), finalPath.c_str()) != 0) {
        removeQuietly(tmp);
        throw Error("Cannot back up the project into '" + dir + "': " + detail,
                    "Free some disk space or make the project folder writable; the project was not changed",
                    Error::Kind::Io);
    }
    removeQuietly(tmp);   // companions SQLite may have left beside the temporary name

    // Keep the newest kKeep of this kind.
    std::vector<std::string> same;
    for (const std::string& p : ProjectFiles::backups(folder))
        if (endsWith(p, "-" + kind + ".sqlite"))
            same.push_back(p);
    for (size_t i = 0; i + kKeep < same.size(); ++i)
        removeQuietly(same[i]);
    return finalPath;
}

std::string ProjectBackup::dailyIfDue(SqliteDb& db, const std::string& folder)
{
    try {
        std::string newest;
        for (const std::string& p : ProjectFiles::backups(folder))
            if (endsWith(p, "-daily.sqlite"))
                newest = p;
        if (!newest.empty()) {
            std::error_code ec;
            const auto age = fs::file_time_type::clock::now() - fs::last_write_time(newest, ec);
            if (!ec && age < std::chrono::hours(24))
                return {};
        }
        if (db.scalarInt("SELECT (SELECT count(*) FROM images) + (SELECT count(*) FROM annotations)") == 0)
            return {};
        return create(db, folder, "daily");
    } catch (const Error&) {
        return {};   // a missed backup must not keep the user from working
    }
}

} // namespace ks::annotation
