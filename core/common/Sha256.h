#pragma once
/// \file Sha256.h
/// SHA-256 of bytes and files as lower-case hex, from OpenSSL's libcrypto (EVP) behind this
/// small interface: one implementation for the project store (has an image changed on disk?),
/// model bundles (manifest and file checksums) and reports.

#include <memory>
#include <string>
#include <string_view>

namespace ks {

/// Incremental SHA-256. Not synchronised: one object per thread (the static functions are
/// thread-safe).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    /// Lower-case hex digest (64 characters). Call once; the object is spent afterwards.
    std::string hexDigest();

    /// Hex digest of `data`.
    static std::string ofBytes(std::string_view data);
    /// Hex digest of a regular file's content, read in chunks. A FIFO, device, socket or folder
    /// is refused before it is read (reading one could hang or never end).
    /// \throws ks::Error (Io: unreadable, naming the file; InvalidInput: not a regular file)
    static std::string ofFile(const std::string& path);

private:
    struct Context;
    std::unique_ptr<Context> m_ctx;
};

} // namespace ks
