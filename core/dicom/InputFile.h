#pragma once
/// \file InputFile.h
/// INTERNAL to ks_dicom: checks that an input path is a plain file before anything opens it
/// (a FIFO blocks open() and read() forever, a device can be endless), and bounded reads of
/// its first bytes. No DCMTK.

#include <cstdint>
#include <string>
#include <vector>

namespace ks::dicom::detail {

/// What `path` is, following symbolic links (as open() would).
/// ProjectDatabase: a regular file that is a KidneyScope project's database, its journal or one of
/// its backups (by name, after following links): never opened outside SQLite, since closing any
/// descriptor of it drops the SQLite locks of a store open in this process.
enum class FileType { Missing, Regular, Directory, Fifo, CharDevice, BlockDevice, Socket, Other, ProjectDatabase };
FileType fileType(const std::string& path);
/// "a FIFO (named pipe)", "a character device", ... for messages.
std::string describe(FileType type);
/// True when `path` (or what its links resolve to) is named project.sqlite* or is a
/// project-*.sqlite backup in a "backups" folder. stat/readlink only.
bool isProjectDatabaseName(const std::string& path);

/// \throws ks::Error: missing (Io), a folder, a FIFO, device or socket (never opened), or
///         unreadable (Io). Returns the file's size in bytes.
std::uint64_t requireRegularFile(const std::string& path);

/// Up to `maxBytes` from the start of the file. Opens with O_NONBLOCK and checks with fstat that
/// the opened file is a regular one (so a file swapped for a FIFO after the check cannot block).
/// Empty when the file cannot be opened or is not a regular file. Thread-safe.
std::vector<unsigned char> readPrefix(const std::string& path, std::size_t maxBytes);

/// Reads `size` bytes at `offset` into `out` from an open descriptor; false on a short read.
bool readAt(int fd, std::uint64_t offset, void* out, std::size_t size);

/// A file opened for reading with O_NONBLOCK and checked to be regular; closes on destruction.
class OpenedFile
{
public:
    explicit OpenedFile(const std::string& path);
    ~OpenedFile();
    OpenedFile(const OpenedFile&) = delete;
    OpenedFile& operator=(const OpenedFile&) = delete;
    /// True when the file opened and is a regular file.
    bool ok() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    std::uint64_t size() const { return m_size; }

private:
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

} // namespace ks::dicom::detail
