#pragma once
/// \file Sha256.h
/// SHA-256 (FIPS 180-4), so that the project store can tell when an image file changed on disk.
/// Self-contained (no OpenSSL dependency). Thread-safe: each object is independent.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ks::annotation {

/// Incremental SHA-256. Not synchronised: one object per thread.
class Sha256
{
public:
    Sha256();
    void update(const void* data, size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    /// Lower-case hex digest (64 characters). Call once; the object is spent afterwards.
    std::string hexDigest();

    /// Hex digest of `data`.
    static std::string ofBytes(std::string_view data);
    /// Hex digest of a file's content, read in chunks. \throws ks::Error (Io) naming the file.
    static std::string ofFile(const std::string& path);

private:
    void compress(const uint8_t* block);

    std::array<uint32_t, 8> m_state;
    std::array<uint8_t, 64> m_buffer{};
    size_t m_buffered = 0;
    uint64_t m_totalBytes = 0;
};

} // namespace ks::annotation
