#pragma once
/// \file TensorArchive.h
/// KidneyScope's own weight file: data only, nothing in it can run. Torch-free.
///
/// Layout (all integers little-endian):
///   8 bytes   magic "KSTENSOR"
///   8 bytes   u64 H, the length of the header (at most kMaxHeaderBytes)
///   H bytes   UTF-8 JSON: {"format": "kidneyscope-tensors", "version": 1,
///             "meta": {string: string, ...},
///             "tensors": [{"name": s, "dtype": "float32", "shape": [d0, ...], "offset": o, "bytes": n}, ...]}
///   the data: each tensor's n = 4·Πshape bytes of IEEE-754 float32, at `offset` from the start of
///   the data, in header order, back to back; the file ends right after the last tensor.
/// A reader checks every length against the bytes it has before it allocates anything.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ks::cnn {

/// Value type.
struct NamedTensor
{
    std::string name;
    std::vector<std::int64_t> shape;  ///< empty = a scalar (one value)
    std::vector<float> values;        ///< Πshape values, row-major
};

/// Stateless; thread-safe.
class TensorArchive
{
public:
    static constexpr std::uint64_t kMaxFileBytes = 1ull << 30;   ///< 1 GiB
    static constexpr std::uint64_t kMaxHeaderBytes = 16ull << 20; ///< 16 MiB
    static constexpr int kVersion = 1;

    /// The archive's bytes. \throws ks::Error (Internal) for a tensor whose values do not fit its shape.
    static std::string encode(const std::map<std::string, std::string>& meta, const std::vector<NamedTensor>& tensors);

    struct Contents
    {
        std::map<std::string, std::string> meta;
        std::vector<NamedTensor> tensors;
    };
    /// Parses bytes made by encode(). \throws ks::Error (Corrupt) naming what is wrong: another
    /// magic (e.g. a TorchScript zip: says so), a header or a tensor that overruns the bytes,
    /// a shape that does not match its length, an unknown dtype, duplicate names, trailing bytes.
    static Contents decode(std::string_view bytes, const std::string& what = "the weights file");

    /// Reads a whole regular file of at most `maxBytes` (checked with fstat before reading; FIFOs,
    /// devices and folders are refused without blocking). \throws ks::Error (Io/InvalidInput).
    static std::string readFile(const std::string& path, std::uint64_t maxBytes = kMaxFileBytes);
    /// Writes bytes to `path` through a temporary file and a rename. \throws ks::Error (Io).
    static void writeFile(const std::string& path, std::string_view bytes);
};

} // namespace ks::cnn
