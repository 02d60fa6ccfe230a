#include "InputFile.h"

#include "common/Error.h"

#include <algorithm>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ks::dicom::detail {

namespace {

bool hasDatabaseName(const std::filesystem::path& p)
{
    const std::string name = p.filename().string();
    return name.rfind("project.sqlite", 0) == 0 ||
           (p.parent_path().filename() == "backups" && name.rfind("project-", 0) == 0 &&
            name.find(".sqlite") != std::string::npos);
}

} // namespace

bool isProjectDatabaseName(const std::string& path)
{
    std::error_code ec;
    const std::filesystem::path lexical = std::filesystem::path(path).lexically_normal();
    if (hasDatabaseName(lexical))
        return true;
    const std::filesystem::path real = std::filesystem::weakly_canonical(lexical, ec);
    return !ec && hasDatabaseName(real);
}

FileType fileType(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return FileType::Missing;
    if (S_ISREG(st.st_mode))
        return isProjectDatabaseName(path) ? FileType::ProjectDatabase : FileType::Regular;
    if (S_ISDIR(st.st_mode))
        return FileType::Directory;
    if (S_ISFIFO(st.st_mode))
        return FileType::Fifo;
    if (S_ISCHR(st.st_mode))
        return FileType::CharDevice;
    if (S_ISBLK(st.st_mode))
        return FileType::BlockDevice;
    if (S_ISSOCK(st.st_mode))
        return FileType::Socket;
    return FileType::Other;
}

std::string describe(FileType type)
{
    switch (type) {
    case FileType::Missing: return "missing";
    case FileType::Regular: return "a file";
    case FileType::Directory: return "a folder";
    case FileType::Fifo: return "a FIFO (named pipe)";
    case FileType::CharDevice: return "a character device";
    case FileType::BlockDevice: return "a block device";
    case FileType::Socket: return "a socket";
    case FileType::Other: return "not a regular file";
    case FileType::ProjectDatabase: return "a KidneyScope project database (opened only through its project)";
    }
    return "not a regular file";
}

std::uint64_t requireRegularFile(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            throw Error("File not found: " + path, "Check the path", Error::Kind::Io);
        throw Error("Cannot open " + path + ": " + std::strerror(err), "Check that you may read the file",
                    Error::Kind::Io);
    }
    const FileType type = fileType(path);
    if (type == FileType::Directory)
        throw Error(path + " is a folder, not an image file", "Open one file, or scan the folder for studies");
    if (type == FileType::ProjectDatabase)
        throw Error(path + " is " + describe(type) + ", not an image file",
                    "Open the project folder instead (File → Open Project, or --project); nothing was read");
    if (type != FileType::Regular)
        throw Error(path + " is " + describe(type) + ", not an image file; KidneyScope does not read from it",
                    "Copy the data into a regular file and open that");
    if (::access(path.c_str(), R_OK) != 0)
        throw Error("Cannot open " + path + ": " + std::strerror(errno), "Check that you may read the file",
                    Error::Kind::Io);
    return std::uint64_t(st.st_size);
}

OpenedFile::OpenedFile(const std::string& path)
{
    if (isProjectDatabaseName(path))
        return;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return;
    }
    m_fd = fd;
    m_size = std::uint64_t(st.st_size);
}

OpenedFile::~OpenedFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool readAt(int fd, std::uint64_t offset, void* out, std::size_t size)
{
    auto* p = static_cast<char*>(out);
    while (size > 0) {
        const ssize_t n = ::pread(fd, p, size, off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        offset += std::uint64_t(n);
        size -= std::size_t(n);
    }
    return true;
}

std::vector<unsigned char> readPrefix(const std::string& path, std::size_t maxBytes)
{
    OpenedFile file(path);
    if (!file.ok())
        return {};
    std::vector<unsigned char> buf(std::size_t(std::min<std::uint64_t>(maxBytes, file.size())));
    if (!buf.empty() && !readAt(file.fd(), 0, buf.data(), buf.size()))
        return {};
    return buf;
}

} // namespace ks::dicom::detail
