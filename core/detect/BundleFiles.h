#pragma once
/// \file BundleFiles.h
/// The files of one model bundle folder, confined and bounded: a name must be a plain file name
/// ([A-Za-z0-9_.-], no '/', not starting with '.'), resolve (after symlinks) inside the folder and
/// be a regular file no larger than its cap; files are read through a bounded reader that never
/// blocks on FIFOs and never reads more than the size stat gave (capped).

#include <cstddef>
#include <cstdint>
#include <string>

namespace ks::detect {

/// Immutable after construction; thread-safe.
class BundleFiles
{
public:
    static constexpr std::uint64_t kMaxWeightsBytes = 1ull << 30;   ///< .kst network weights
    static constexpr std::uint64_t kMaxDataBytes = 64ull << 20;     ///< .gbm, .json
    static constexpr std::uint64_t kMaxManifestBytes = 16ull << 20; ///< manifest.json
    static constexpr std::uint64_t kMaxChecksumBytes = 1024;        ///< manifest.sha256
    static constexpr std::uint64_t kMaxTotalBytes = 3ull << 30;     ///< all listed files together
    static constexpr std::size_t kMaxFiles = 64;                    ///< files a manifest may list

    /// \throws ks::Error (Io) when `dir` is not a folder.
    explicit BundleFiles(const std::string& dir);

    /// True when a directory entry of that name exists (even a broken symlink).
    bool exists(const std::string& name) const;
    /// The cap for a bundle file by its extension (.kst: 1 GiB; .gbm, .json: 64 MiB).
    /// \throws ks::Error (Corrupt) for any other extension; ".net" says it is an old TorchScript bundle.
    static std::uint64_t capFor(const std::string& name);
    /// Checks `name` (see the file comment) and returns its size from stat, without reading it.
    /// \throws ks::Error (Corrupt) naming the file and what is wrong.
    std::uint64_t check(const std::string& name, std::uint64_t maxBytes) const;
    /// check() and then reads the whole file. \throws ks::Error (Corrupt/Io).
    std::string read(const std::string& name, std::uint64_t maxBytes) const;

    const std::string& root() const { return m_root; }

private:
    std::string resolve(const std::string& name) const;
    std::string m_dir;   ///< as given (for messages)
    std::string m_root;  ///< canonical
};

} // namespace ks::detect
