#include "RasterHeader.h"

#include "InputFile.h"

#include <algorithm>
#include <array>
#include <set>

namespace ks::dicom::detail {

namespace {

std::uint64_t be(const unsigned char* p, int n)
{
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

std::uint64_t le(const unsigned char* p, int n)
{
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

/// OpenCV delivers 8 bits per sample for depths up to 8, else 16, 32 or 64.
std::uint64_t roundedBits(std::uint64_t bits)
{
    return bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 32 ? 32 : 64;
}

void readPng(const OpenedFile& f, RasterHeader& h)
{
    // Signature (8), IHDR length (4), "IHDR" (4), width, height, bit depth, colour type.
    unsigned char b[26];
    if (!readAt(f.fd(), 0, b, sizeof b) || std::string(reinterpret_cast<char*>(b + 12), 4) != "IHDR")
        return;
    const std::uint64_t depth = b[24], colour = b[25];
    const std::uint64_t samples = colour == 0 ? 1 : 4; // palette/RGB/grey+alpha may become BGRA
    h.pages.push_back({be(b + 16, 4), be(b + 20, 4), samples * roundedBits(depth)});
}

void readJpeg(const OpenedFile& f, RasterHeader& h)
{
    std::uint64_t pos = 2;
    for (int guard = 0; guard < 100000 && pos + 4 <= f.size(); ++guard) {
        unsigned char m[4];
        if (!readAt(f.fd(), pos, m, 4))
            return;
        if (m[0] != 0xFF)
            return;
        if (m[1] == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        const int marker = m[1];
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            pos += 2;
            continue;
        }
        const std::uint64_t len = be(m + 2, 2);
        if (len < 2)
            return;
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            unsigned char sof[6];
            if (!readAt(f.fd(), pos + 4, sof, 6))
                return;
            const std::uint64_t comps = std::max<std::uint64_t>(1, sof[5]);
            // Progressive/multi-scan decoding keeps 16-bit coefficients of every component.
            h.pages.push_back({be(sof + 3, 2), be(sof + 1, 2), comps * 16});
            return;
        }
        if (marker == 0xDA || marker == 0xD9)
            return; // image data before any frame header
        pos += 2 + len;
    }
}

void readTiff(const OpenedFile& f, RasterHeader& h, std::size_t maxPages)
{
    unsigned char head[16];
    if (!readAt(f.fd(), 0, head, 8))
        return;
    const bool little = head[0] == 'I';
    auto num = [little](const unsigned char* p, int n) { return little ? le(p, n) : be(p, n); };
    const bool big = num(head + 2, 2) == 43; // BigTIFF
    std::uint64_t ifd = 0;
    if (big) {
        if (!readAt(f.fd(), 0, head, 16))
            return;
        ifd = num(head + 8, 8);
    } else {
        ifd = num(head + 4, 4);
    }
    const int countSize = big ? 8 : 2, entrySize = big ? 20 : 12, offsetSize = big ? 8 : 4;
    std::set<std::uint64_t> seen;
    std::vector<RasterPage> pages;
    while (ifd != 0) {
        if (ifd >= f.size() || !seen.insert(ifd).second || pages.size() >= maxPages)
            return; // outside the file, a loop, or absurdly many pages: damaged
        unsigned char c[8];
        if (!readAt(f.fd(), ifd, c, std::size_t(countSize)))
            return;
        const std::uint64_t entries = num(c, countSize);
        if (entries > 10000 || ifd + std::uint64_t(countSize) + entries * std::uint64_t(entrySize) > f.size())
            return;
        std::vector<unsigned char> e(std::size_t(entries * std::uint64_t(entrySize)) + std::size_t(offsetSize));
        if (!readAt(f.fd(), ifd + std::uint64_t(countSize), e.data(), e.size()))
            return;
        RasterPage page;
        std::uint64_t spp = 1, bits = 1, photometric = 1;
        for (std::uint64_t i = 0; i < entries; ++i) {
            const unsigned char* p = e.data() + i * std::uint64_t(entrySize);
            const std::uint64_t tag = num(p, 2), type = num(p + 2, 2);
            const unsigned char* value = p + 4 + (big ? 8 : 4);
            // SHORT (3) or LONG (4) / LONG8 (16) first value; BitsPerSample with several values
            // may live elsewhere: then assume 64 bits per sample (upper bound).
            const std::uint64_t count = num(p + 4, big ? 8 : 4);
            const int size = type == 3 ? 2 : type == 4 ? 4 : type == 16 ? 8 : 0;
            if (size == 0)
                continue;
            const bool inline_ = count * std::uint64_t(size) <= std::uint64_t(offsetSize);
            const std::uint64_t v = inline_ ? num(value, size) : 0;
            switch (tag) {
            case 256: page.width = v; break;
            case 257: page.height = v; break;
            case 258: bits = inline_ ? v : 64; break;
            case 262: photometric = v; break;
            case 277: spp = v; break;
            default: break;
            }
        }
        if (page.width == 0 || page.height == 0)
            return;
        std::uint64_t samples = std::min<std::uint64_t>(std::max<std::uint64_t>(spp, 1), 65535);
        if (photometric == 3 || photometric == 6) // palette, YCbCr: decoded to BGR
            samples = std::max<std::uint64_t>(samples, 3);
        page.bitsPerPixel = samples * roundedBits(bits);
        pages.push_back(page);
        ifd = num(e.data() + entries * std::uint64_t(entrySize), offsetSize);
    }
    h.pages = std::move(pages);
}

void readBmp(const OpenedFile& f, RasterHeader& h)
{
    unsigned char b[30];
    if (!readAt(f.fd(), 0, b, sizeof b))
        return;
    const std::uint64_t headerSize = le(b + 14, 4);
    if (headerSize < 40)
        return; // OS/2 headers: not parsed, treated as damaged
    const auto width = std::int32_t(std::uint32_t(le(b + 18, 4))), height = std::int32_t(std::uint32_t(le(b + 22, 4)));
    if (width <= 0 || height == 0 || height == INT32_MIN)
        return;
    h.pages.push_back({std::uint64_t(width), std::uint64_t(height < 0 ? -std::int64_t(height) : height), 32});
}

} // namespace

RasterHeader readRasterHeader(const std::string& path, std::size_t maxPages)
{
    RasterHeader h;
    OpenedFile f(path);
    if (!f.ok())
        return h;
    unsigned char sig[8] = {};
    if (!readAt(f.fd(), 0, sig, std::size_t(std::min<std::uint64_t>(8, f.size()))))
        return h;
    static const std::array<unsigned char, 8> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (f.size() >= 8 && std::equal(png.begin(), png.end(), sig)) {
        h.format = "PNG";
        readPng(f, h);
    } else if (f.size() >= 3 && sig[0] == 0xFF && sig[1] == 0xD8 && sig[2] == 0xFF) {
        h.format = "JPEG";
        readJpeg(f, h);
    } else if (f.size() >= 8 && ((sig[0] == 'I' && sig[1] == 'I' && (sig[2] == 42 || sig[2] == 43) && sig[3] == 0)
                                 || (sig[0] == 'M' && sig[1] == 'M' && sig[2] == 0 && (sig[3] == 42 || sig[3] == 43)))) {
        h.format = "TIFF";
        readTiff(f, h, maxPages);
    } else if (f.size() >= 30 && sig[0] == 'B' && sig[1] == 'M') {
        h.format = "BMP";
        readBmp(f, h);
    }
    for (const RasterPage& p : h.pages)
        if (p.width == 0 || p.height == 0) {
            h.pages.clear();
            break;
        }
    return h;
}

} // namespace ks::dicom::detail
