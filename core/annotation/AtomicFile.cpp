#include "AtomicFile.h"

#include "ProjectFiles.h"

#include "common/Error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

namespace ks::annotation {

namespace {

Error ioError(const std::string& what, const std::string& path, int err)
{
    std::string hint = "Check that the folder exists and is writable";
    if (err == ENOSPC || err == EDQUOT)
        hint = "Free some disk space and try again";
    else if (err == EROFS || err == EACCES || err == EPERM)
        hint = "Choose a folder you may write to";
    return Error(what + " '" + path + "': " + std::strerror(err), hint, Error::Kind::Io);
}

} // namespace

void writeFileAtomically(const std::string& path, const std::string& content, bool overwrite)
{
    namespace fs = std::filesystem;
    ProjectFiles::refuseDatabaseFile(path, "The output file");
    const fs::path target = fs::absolute(path);
    const fs::path folder = target.parent_path();
    const std::string tmp = target.string() + ".tmp-" + std::to_string(::getpid());

    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw ioError("Cannot create", tmp, errno);
    const char* data = content.data();
    size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw ioError("Cannot write", path, err);
        }
        data += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw ioError("Cannot write", path, err);
    }
    if (overwrite) {
        if (::rename(tmp.c_str(), target.c_str()) != 0) {
            const int err = errno;
            ::unlink(tmp.c_str());
            throw ioError("Cannot replace", path, err);
        }
    } else {
        // renameat2(RENAME_NOREPLACE) never replaces; where the file system lacks it, link() neither.
        int rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
        if (rc != 0 && errno == EINVAL)
            rc = ::link(tmp.c_str(), target.c_str());
        const int err = errno;
        ::unlink(tmp.c_str());
        if (rc != 0 && err == EEXIST)
            throw Error("'" + target.string() + "' already exists", "Choose another name, or allow replacing it; "
                        "nothing was written", Error::Kind::InvalidInput);
        if (rc != 0)
            throw ioError("Cannot create", path, err);
    }
    // Make the rename itself durable. Failure here is not fatal: the data is in place.
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

std::string readWholeFile(const std::string& path)
{
    ProjectFiles::refuseDatabaseFile(path, "The file");
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        throw Error("'" + path + "' is not a regular file (a folder, FIFO, socket or device)",
                    "Give the path of a file", Error::Kind::InvalidInput);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("Cannot read '" + path + "': " + std::strerror(errno),
                    "Check that the file exists and is readable", Error::Kind::Io);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw Error("Cannot read '" + path + "'", "Check the disk and try again", Error::Kind::Io);
    return ss.str();
}

} // namespace ks::annotation
