#include "DeflateCheck.h"

#include "InputFile.h"

#include "common/Error.h"
#include "common/ImageLimits.h"

#include <zlib.h>

#include <algorithm>
#include <vector>

namespace ks::dicom::detail {

namespace {
constexpr std::uint64_t kMaxRatio = 256;
} // namespace

bool readMetaHeader(const std::string& path, std::string& transferSyntaxUid, std::uint64_t& datasetOffset)
{
    OpenedFile f(path);
    if (!f.ok() || f.size() < 132)
        return false;
    unsigned char magic[4];
    if (!readAt(f.fd(), 128, magic, 4) || std::string(reinterpret_cast<char*>(magic), 4) != "DICM")
        return false;
    std::uint64_t pos = 132;
    transferSyntaxUid.clear();
    // Group 0002 is always explicit VR little endian; a header bigger than 1 MiB is not plausible.
    while (pos + 8 <= f.size() && pos < (1u << 20)) {
        unsigned char h[12];
        if (!readAt(f.fd(), pos, h, 8))
            return false;
        const unsigned group = h[0] | h[1] << 8, element = h[2] | h[3] << 8;
        if (group != 0x0002)
            break;
        const std::string vr(reinterpret_cast<char*>(h + 4), 2);
        std::uint64_t length = h[6] | h[7] << 8, header = 8;
        if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT" || vr == "UC" || vr == "UR") {
            if (!readAt(f.fd(), pos + 8, h + 8, 4))
                return false;
            length = std::uint64_t(h[8]) | std::uint64_t(h[9]) << 8 | std::uint64_t(h[10]) << 16
                     | std::uint64_t(h[11]) << 24;
            header = 12;
        }
        if (pos + header + length > f.size())
            return false;
        if (element == 0x0010 && length < 128) {
            std::string uid(length, '\0');
            if (!readAt(f.fd(), pos + header, uid.data(), length))
                return false;
            while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' '))
                uid.pop_back();
            transferSyntaxUid = uid;
        }
        pos += header + length;
    }
    datasetOffset = pos;
    return true;
}

std::uint64_t inflatedSizeLimit()
{
    return ImageLimits::current().maxFileBytes + (64ull << 20);
}

void checkInflatedSize(const std::string& path, const std::string& name, std::uint64_t maxBytes)
{
    std::string uid;
    std::uint64_t offset = 0;
    if (!readMetaHeader(path, uid, offset) || uid != "1.2.840.10008.1.2.1.99")
        return;
    OpenedFile f(path);
    if (!f.ok())
        return; // the loader reports it
    std::vector<unsigned char> in(1 << 16), out(1 << 18);
    z_stream z {};
    unsigned char first[2] = {0, 0};
    // Raw deflate as the standard says; some writers add a zlib header, which DCMTK accepts too.
    const bool zlibHeader = readAt(f.fd(), offset, first, 2) && (first[0] & 0x0F) == 8 && (first[0] * 256 + first[1]) % 31 == 0;
    if (inflateInit2(&z, zlibHeader ? 15 : -15) != Z_OK)
        throw Error("Not enough memory to read " + name, "Close other programs", Error::Kind::Io);
    std::uint64_t total = 0, pos = offset;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (z.avail_in == 0) {
            const std::uint64_t n = std::min<std::uint64_t>(in.size(), f.size() - pos);
            if (n == 0 || !readAt(f.fd(), pos, in.data(), std::size_t(n)))
                break; // end of the file before the end of the stream: DCMTK reports it
            pos += n;
            z.next_in = in.data();
            z.avail_in = uInt(n);
        }
        z.next_out = out.data();
        z.avail_out = uInt(out.size());
        rc = inflate(&z, Z_NO_FLUSH);
        total += out.size() - z.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            break; // damaged stream: DCMTK reports it
        // Real images deflate a few-fold; beyond 64 MiB, a thousand-fold expansion is a bomb. Stop
        // early rather than spend seconds inflating it (zlib manages some 250 MB/s here).
        const std::uint64_t consumed = pos - offset - z.avail_in;
        if (total > (64ull << 20) && total > kMaxRatio * std::max<std::uint64_t>(consumed, 1)) {
            inflateEnd(&z);
            throw Error(name + " is a deflated DICOM file that expands more than " + std::to_string(kMaxRatio)
                            + "-fold (" + std::to_string(total >> 20) + " MiB from the first "
                            + std::to_string(consumed >> 10) + " KiB), like a decompression bomb",
                        "If the file is genuine, store it uncompressed (e.g. dcmconv +te) and open that",
                        Error::Kind::Unsupported);
        }
        if (total > maxBytes) {
            inflateEnd(&z);
            throw Error(name + " is a deflated DICOM file that expands to more than " + std::to_string(maxBytes >> 20)
                            + " MiB, more than KidneyScope reads per file",
                        ImageLimits::howToRaise(),
                        Error::Kind::Unsupported);
        }
    }
    inflateEnd(&z);
}

} // namespace ks::dicom::detail
