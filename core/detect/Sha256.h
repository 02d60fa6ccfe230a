#pragma once
/// \file Sha256.h
/// SHA-256 (FIPS 180-4) of bytes and files, hex, for model bundle manifests. Thread-safe.

#include <string>
#include <string_view>

namespace ks::detect {

class Sha256
{
public:
    /// Lower-case hex digest of `data`.
    static std::string ofBytes(std::string_view data);
    /// Lower-case hex digest of a file's content. \throws ks::Error (Io) when it cannot be read.
    static std::string ofFile(const std::string& path);
};

} // namespace ks::detect
