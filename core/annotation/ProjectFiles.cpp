#include "ProjectFiles.h"

#include "common/Sha256.h"

#include "common/Error.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include <sys/stat.h>

namespace ks::annotation {

namespace fs = std::filesystem;

namespace {

const char* const kDatabase = "project.sqlite";
const char* const kCompanions[] = {"project.sqlite", "project.sqlite-wal", "project.sqlite-shm",
                                   "project.sqlite-journal"};

std::mutex& registryMutex()
{
    static std::mutex m;
    return m;
}

std::map<std::pair<unsigned long long, unsigned long long>, int>& registry()
{
    static std::map<std::pair<unsigned long long, unsigned long long>, int> r;
    return r;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool hasDatabaseName(const fs::path& p) { return startsWith(p.filename().string(), kDatabase); }

/// Absolute, with symlinks of the existing part resolved (stat/readlink only, never open()).
fs::path resolved(const std::string& path)
{
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    if (ec)
        return fs::path(path).lexically_normal();
    fs::path r = fs::weakly_canonical(abs, ec);
    return ec ? abs.lexically_normal() : r;
}

bool isBackupFolder(const fs::path& folder)
{
    return folder.filename() == "backups" && (ProjectFiles::isProjectFolder(folder.parent_path().string()) ||
                                              !ProjectFiles::backups(folder.parent_path().string()).empty());
}

} // namespace

const char* ProjectFiles::databaseName() { return kDatabase; }

std::string ProjectFiles::backupFolder(const std::string& folder) { return (fs::path(folder) / "backups").string(); }

bool ProjectFiles::isProjectFolder(const std::string& folder)
{
    std::error_code ec;
    for (const char* name : kCompanions)
        if (fs::exists(fs::symlink_status(fs::path(folder) / name, ec)))
            return true;
    return false;
}

bool ProjectFiles::hasProjectFiles(const std::string& folder)
{
    // A "backups" folder of the user's own (without our backups in it) does not count.
    return isProjectFolder(folder) || !backups(folder).empty();
}

bool ProjectFiles::isDatabaseFile(const std::string& path)
{
    if (path.empty())
        return false;
    const fs::path lexical = fs::path(path).lexically_normal();
    const fs::path real = resolved(path);
    if (hasDatabaseName(lexical) || hasDatabaseName(real))
        return true;
    if (isBackupFolder(real.parent_path()) || isBackupFolder(fs::absolute(lexical).parent_path()))
        return true;
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0) {
        std::lock_guard<std::mutex> lock(registryMutex());
        if (registry().count({static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino)}))
            return true;
    }
    return false;
}

void ProjectFiles::refuseDatabaseFile(const std::string& path, const std::string& what)
{
    if (isDatabaseFile(path))
        throw Error(what + " '" + path + "' is a KidneyScope project database (or its journal or backup)",
                    "Choose another file; a project database is opened only through its project, so that no "
                    "edit of a program that has it open is lost",
                    Error::Kind::InvalidInput);
}

std::string ProjectFiles::sha256OfFile(const std::string& path, const std::string& what)
{
    // Never a project database (closing a descriptor of it would drop SQLite's locks).
    refuseDatabaseFile(path, what);
    return Sha256::ofFile(path);
}

void ProjectFiles::checkExportTarget(const std::string& path, bool overwrite)
{
    if (path.empty())
        throw Error("No output file was given for the export", "Give a file name outside the project folder");
    const fs::path target = resolved(path);
    const fs::path folder = target.parent_path();
    if (isDatabaseFile(path) || isProjectFolder(folder.string()) || isBackupFolder(folder) ||
        isProjectFolder(fs::absolute(path).parent_path().string()))
        throw Error("The export '" + target.string() + "' would be written into a KidneyScope project folder",
                    "Write exports outside the project folder (e.g. next to it); nothing was written",
                    Error::Kind::InvalidInput);
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(target, ec);
    if (!fs::exists(st))
        return;
    if (fs::is_directory(fs::status(target, ec)))
        throw Error("The export target '" + target.string() + "' is a folder", "Give a file name, e.g. " +
                    (target / "annotations.json").string());
    if (!fs::is_regular_file(fs::status(target, ec)))
        throw Error("The export target '" + target.string() + "' is not a regular file (device, FIFO or socket)",
                    "Give the name of a new file; nothing was written");
    if (!overwrite)
        throw Error("The export target '" + target.string() + "' already exists",
                    "Choose another name, or allow replacing it (kidneyscope-cli: --overwrite); nothing was written");
}

std::vector<std::string> ProjectFiles::backups(const std::string& folder)
{
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(backupFolder(folder), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (startsWith(name, "project-") && name.size() > 7 && name.substr(name.size() - 7) == ".sqlite" &&
            it->is_regular_file(ec))
            out.push_back(it->path().string());
    }
    // Names carry a UTC timestamp ("project-20261202T071500Z..."), so name order is age order.
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
        return fs::path(a).filename() < fs::path(b).filename();
    });
    return out;
}

std::string ProjectFiles::newestBackup(const std::string& folder)
{
    const auto all = backups(folder);
    return all.empty() ? std::string() : all.back();
}

std::string ProjectFiles::restoreAdvice(const std::string& folder)
{
    const std::string newest = newestBackup(folder);
    if (newest.empty())
        return "Restore project.sqlite from your own backup (this project has no automatic backup in '" +
               backupFolder(folder) + "' yet); KidneyScope did not change the damaged file";
    return "Restore from backup: close KidneyScope, move project.sqlite (and project.sqlite-wal/-shm) out of '" +
           folder + "', and copy the newest backup '" + newest +
           "' there as project.sqlite; KidneyScope did not change the damaged file";
}

ProjectFiles::FileKey ProjectFiles::registerOpen(const std::string& dbPath)
{
    struct stat st{};
    if (::stat(dbPath.c_str(), &st) != 0)
        return {};
    FileKey key{static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino), true};
    std::lock_guard<std::mutex> lock(registryMutex());
    ++registry()[{key.dev, key.ino}];
    return key;
}

void ProjectFiles::unregisterOpen(const FileKey& key)
{
    if (!key.valid)
        return;
    std::lock_guard<std::mutex> lock(registryMutex());
    const auto it = registry().find({key.dev, key.ino});
    if (it != registry().end() && --it->second <= 0)
        registry().erase(it);
}

} // namespace ks::annotation
