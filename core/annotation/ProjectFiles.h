#pragma once
/// \file ProjectFiles.h
/// The files of a project folder and the guards that keep every other file access away from
/// them. SQLite's POSIX locks belong to the process, and closing ANY descriptor of the database
/// file drops them all (SQLite's "How to corrupt a database", 2.2.1): another process may then
/// delete the -wal and -shm files of a connection that is still open, and its later edits
/// vanish. So nothing but SQLite ever opens project.sqlite, project.sqlite-wal/-shm/-journal or
/// a backup in backups/; the guards below are called before any file is opened by path in
/// ks_annotation (hashing, reading COCO, writing exports, registering images).

#include <string>
#include <vector>

namespace ks::annotation {

/// Stateless functions plus a process-wide registry of open database files. Thread-safe.
class ProjectFiles
{
public:
    /// "project.sqlite"
    static const char* databaseName();
    /// "<folder>/backups"
    static std::string backupFolder(const std::string& folder);

    /// True when `path` is (or resolves to) a project database or one of its companions: a file
    /// named project.sqlite*, a file in a project's backups/ folder, or a file whose inode is a
    /// database opened in this process. Never opens `path` (stat only).
    static bool isDatabaseFile(const std::string& path);
    /// \throws ks::Error (InvalidInput) when isDatabaseFile(path): "<what> '<path>' is a
    ///         KidneyScope project database …".
    static void refuseDatabaseFile(const std::string& path, const std::string& what);
    /// SHA-256 (hex) of a file the store records (an image), never of a project database:
    /// refuseDatabaseFile(path, what), then ks::Sha256::ofFile. \throws ks::Error
    static std::string sha256OfFile(const std::string& path, const std::string& what = "The file to check");
    /// True when `folder` holds a project database, one of its companions, or a backup of ours
    /// in backups/.
    static bool hasProjectFiles(const std::string& folder);
    /// True when `folder` is a project folder (holds project.sqlite or its companions).
    static bool isProjectFolder(const std::string& folder);

    /// Checks an export's target before anything is written: refuses a path inside a project
    /// folder (or its backups/) and any database file; refuses an existing file unless
    /// `overwrite`. \throws ks::Error (InvalidInput) saying what to do.
    static void checkExportTarget(const std::string& path, bool overwrite);

    /// Existing automatic backups of the project in `folder`, oldest first (absolute paths).
    static std::vector<std::string> backups(const std::string& folder);
    /// The newest backup, or "" when there is none.
    static std::string newestBackup(const std::string& folder);
    /// The advice for a damaged project: names the newest backup and how to restore it.
    static std::string restoreAdvice(const std::string& folder);

    /// A file's identity (device and inode).
    struct FileKey
    {
        unsigned long long dev = 0;
        unsigned long long ino = 0;
        bool valid = false;
    };
    /// Registry of database files opened by this process, kept by SqliteDb. Counted: register
    /// once per connection (after it opened the file), unregister the returned key once.
    static FileKey registerOpen(const std::string& dbPath);
    static void unregisterOpen(const FileKey& key);
};

} // namespace ks::annotation
