#include "BundleFiles.h"

#include "common/Error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace ks::detect {

namespace {
[[noreturn]] void refuse(const std::string& name, const std::string& why)
{
    throw Error("The model bundle's file '" + name + "' " + why,
                "Use an intact bundle written by 'kidneyscope-cli train', or retrain", Error::Kind::Corrupt);
}

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
} // namespace

BundleFiles::BundleFiles(const std::string& dir) : m_dir(dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("Model folder '" + dir + "' does not exist", "Give a folder written by 'kidneyscope-cli train'",
                    Error::Kind::Io);
    m_root = fs::canonical(dir, ec).string();
    if (ec)
        throw Error("Cannot open the model folder '" + dir + "': " + ec.message(), "Check the path and permissions",
                    Error::Kind::Io);
}

bool BundleFiles::exists(const std::string& name) const
{
    std::error_code ec;
    return fs::symlink_status(fs::path(m_root) / name, ec).type() != fs::file_type::not_found && !ec;
}

std::uint64_t BundleFiles::capFor(const std::string& name)
{
    if (endsWith(name, ".kst"))
        return kMaxWeightsBytes;
    if (endsWith(name, ".gbm") || endsWith(name, ".json"))
        return kMaxDataBytes;
    if (endsWith(name, ".net") || endsWith(name, ".pt"))
        throw Error("The model bundle holds '" + name + "', a TorchScript network of an older KidneyScope; "
                        "TorchScript can run code while it loads, so bundles no longer load it",
                    "Retrain the model with this version, or re-import the weights with --torchscript FILE "
                    "--trust-torchscript if you trust where the file came from",
                    Error::Kind::Unsupported);
    refuse(name, "has a type that bundles do not hold (only .gbm, .json and .kst)");
}

std::string BundleFiles::resolve(const std::string& name) const
{
    if (name.empty() || name.size() > 200)
        refuse(name, "has an empty or overlong name");
    if (name.front() == '.')
        refuse(name, "is a hidden file or a path up ('..'): bundles hold plain file names");
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            refuse(name, "is not a plain file name inside the bundle (absolute paths, folders and '..' are refused)");
    std::error_code ec;
    const fs::path resolved = fs::canonical(fs::path(m_root) / name, ec);
    if (ec)
        refuse(name, "is missing (the bundle is incomplete)");
    if (resolved.parent_path() != fs::path(m_root))
        refuse(name, "resolves outside the bundle folder (to '" + resolved.string() + "')");
    return resolved.string();
}

std::uint64_t BundleFiles::check(const std::string& name, std::uint64_t maxBytes) const
{
    const std::string path = resolve(name);
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
        refuse(name, std::string("cannot be read: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        refuse(name, "is not a regular file (a folder, FIFO or device)");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > maxBytes)
        refuse(name, "has " + std::to_string(size) + " bytes, more than the " + std::to_string(maxBytes)
                         + " a bundle file of its type may have");
    return size;
}

std::string BundleFiles::read(const std::string& name, std::uint64_t maxBytes) const
{
    check(name, maxBytes);
    const std::string path = resolve(name);
    // O_NOFOLLOW: the resolved path must still be that file; O_NONBLOCK: a FIFO swapped in does not block.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        refuse(name, std::string("cannot be opened: ") + std::strerror(errno));
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        refuse(name, "is not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > maxBytes)
        refuse(name, "grew beyond its cap while being opened");
    std::string out(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t r = ::read(fd, out.data() + got, out.size() - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            refuse(name, "ended early or changed while being read");
        got += static_cast<std::size_t>(r);
    }
    return out;
}

} // namespace ks::detect
