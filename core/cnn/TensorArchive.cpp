#include "TensorArchive.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

namespace ks::cnn {

using nlohmann::json;

namespace {

constexpr char kMagic[8] = {'K', 'S', 'T', 'E', 'N', 'S', 'O', 'R'};
constexpr std::size_t kMaxDims = 8;

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big);

std::uint32_t toLittle32(std::uint32_t v)
{
    if constexpr (std::endian::native == std::endian::big)
        return __builtin_bswap32(v);
    return v;
}

void putU64(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t getU64(std::string_view b, std::size_t at)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
    return v;
}

[[noreturn]] void corrupt(const std::string& what, const std::string& why)
{
    throw Error(what + " is damaged or not a KidneyScope weights file: " + why,
                "Use an intact copy, or train/export the weights again", Error::Kind::Corrupt);
}

} // namespace

std::string TensorArchive::encode(const std::map<std::string, std::string>& meta, const std::vector<NamedTensor>& tensors)
{
    json header{{"format", "kidneyscope-tensors"}, {"version", kVersion}, {"meta", meta}, {"tensors", json::array()}};
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        std::uint64_t n = 1;
        for (auto d : t.shape)
            n *= static_cast<std::uint64_t>(d);
        if (n != t.values.size())
            throw Error("Tensor '" + t.name + "' has " + std::to_string(t.values.size()) + " values for its shape",
                        {}, Error::Kind::Internal);
        header["tensors"].push_back(
            {{"name", t.name}, {"dtype", "float32"}, {"shape", t.shape}, {"offset", offset}, {"bytes", 4 * n}});
        offset += 4 * n;
    }
    const std::string h = header.dump();
    std::string out(kMagic, sizeof kMagic);
    putU64(out, h.size());
    out += h;
    out.reserve(out.size() + offset);
    for (const auto& t : tensors)
        for (float f : t.values) {
            std::uint32_t u;
            std::memcpy(&u, &f, 4);
            u = toLittle32(u);
            out.append(reinterpret_cast<const char*>(&u), 4);
        }
    return out;
}

TensorArchive::Contents TensorArchive::decode(std::string_view b, const std::string& what)
{
    if (b.size() >= 4 && b.substr(0, 4) == std::string_view("PK\x03\x04", 4))
        corrupt(what, "it is a zip archive (TorchScript/PyTorch), which can run code when loaded; "
                      "KidneyScope loads such files only through an explicit trusted import");
    if (b.size() < 16 || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
        corrupt(what, "no KSTENSOR header");
    const std::uint64_t h = getU64(b, 8);
    if (h > kMaxHeaderBytes || h > b.size() - 16)
        corrupt(what, "its header claims " + std::to_string(h) + " bytes of " + std::to_string(b.size() - 16));
    json header;
    try {
        header = parseUntrustedJson(std::string(b.substr(16, h)), "its header", {}, Error::Kind::Corrupt);
    } catch (const Error& e) {
        corrupt(what, e.message());
    }
    const std::string_view data = b.substr(16 + h);
    Contents c;
    try {
        if (!header.is_object() || header.value("format", std::string()) != "kidneyscope-tensors")
            corrupt(what, "its header is not a kidneyscope-tensors header");
        if (header.at("version").get<int>() != kVersion)
            corrupt(what, "version " + header.at("version").dump() + " (this KidneyScope reads " + std::to_string(kVersion) + ")");
        for (const auto& [k, v] : header.at("meta").items())
            c.meta[k] = v.get<std::string>();
        std::uint64_t expected = 0;
        std::set<std::string> names;
        for (const auto& t : header.at("tensors")) {
            NamedTensor nt;
            nt.name = t.at("name").get<std::string>();
            if (!names.insert(nt.name).second)
                corrupt(what, "tensor '" + nt.name + "' appears twice");
            if (t.at("dtype").get<std::string>() != "float32")
                corrupt(what, "tensor '" + nt.name + "' has dtype " + t.at("dtype").dump() + ", not float32");
            const auto& shape = t.at("shape");
            if (!shape.is_array() || shape.size() > kMaxDims)
                corrupt(what, "tensor '" + nt.name + "' has no valid shape");
            std::uint64_t n = 1;
            for (const auto& d : shape) {
                const auto dim = d.get<std::int64_t>();
                if (dim < 1 || static_cast<std::uint64_t>(dim) > data.size())
                    corrupt(what, "tensor '" + nt.name + "' has dimension " + std::to_string(dim));
                n *= static_cast<std::uint64_t>(dim);
                if (n > data.size() / 4)
                    corrupt(what, "tensor '" + nt.name + "' is larger than the file");
                nt.shape.push_back(dim);
            }
            const auto offset = t.at("offset").get<std::uint64_t>();
            const auto bytes = t.at("bytes").get<std::uint64_t>();
            if (offset != expected || bytes != 4 * n || bytes > data.size() - offset)
                corrupt(what, "tensor '" + nt.name + "' does not lie where its header says");
            nt.values.resize(n);
            for (std::uint64_t i = 0; i < n; ++i) {
                std::uint32_t u;
                std::memcpy(&u, data.data() + offset + 4 * i, 4);
                u = toLittle32(u);
                std::memcpy(&nt.values[i], &u, 4);
            }
            expected = offset + bytes;
            c.tensors.push_back(std::move(nt));
        }
        if (expected != data.size())
            corrupt(what, std::to_string(data.size() - expected) + " bytes after the last tensor");
    } catch (const json::exception& e) {
        corrupt(what, "malformed header: " + jsonReason(e));
    }
    return c;
}

std::string TensorArchive::readFile(const std::string& path, std::uint64_t maxBytes)
{
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Error("Cannot open '" + path + "': " + std::strerror(errno), "Check the path and permissions",
                    Error::Kind::Io);
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw Error("'" + path + "' is not a regular file", "Give a weights file, not a folder, FIFO or device",
                    Error::Kind::InvalidInput);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > maxBytes)
        throw Error("'" + path + "' has " + std::to_string(size) + " bytes, more than the " + std::to_string(maxBytes)
                        + " allowed for it",
                    "Give the right file", Error::Kind::InvalidInput);
    std::string out(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t r = ::read(fd, out.data() + got, out.size() - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            throw Error("Cannot read '" + path + "' (it ended early or changed while reading)", "Try again",
                        Error::Kind::Io);
        got += static_cast<std::size_t>(r);
    }
    return out;
}

void TensorArchive::writeFile(const std::string& path, std::string_view bytes)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            throw Error("Cannot write '" + path + "'", "Check free space and permissions", Error::Kind::Io);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw Error("Cannot write '" + path + "': " + ec.message(), "Check permissions", Error::Kind::Io);
}

} // namespace ks::cnn
