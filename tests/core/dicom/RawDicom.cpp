#include "RawDicom.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace ks::test {

std::vector<uint8_t> readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

namespace {
uint16_t u16(const std::vector<uint8_t>& b, size_t i)
{
    return uint16_t(b[i] | (b[i + 1] << 8));
}
uint32_t u32(const std::vector<uint8_t>& b, size_t i)
{
    return uint32_t(b[i]) | (uint32_t(b[i + 1]) << 8) | (uint32_t(b[i + 2]) << 16) | (uint32_t(b[i + 3]) << 24);
}

/// Skips an undefined-length sequence starting at `i` (just after its header); returns the
/// position after the sequence delimiter.
size_t skipUndefined(const std::vector<uint8_t>& b, size_t i)
{
    int depth = 1;
    while (i + 8 <= b.size() && depth > 0) {
        const uint16_t g = u16(b, i), e = u16(b, i + 2);
        if (g == 0xFFFE && e == 0xE0DD) {
            --depth;
            i += 8;
        } else if (g == 0xFFFE && (e == 0xE000 || e == 0xE00D)) {
            i += 8; // item start (contents scanned as we go) or item end
        } else {
            ++i; // scan byte-wise for the delimiter: good enough for test files
        }
    }
    return i;
}
} // namespace

std::vector<uint8_t> findElement(const std::vector<uint8_t>& b, uint16_t group, uint16_t element, bool explicitVr)
{
    const auto [offset, length] = findElementValue(b, group, element, explicitVr);
    if (offset == 0)
        return {};
    return std::vector<uint8_t>(b.begin() + long(offset), b.begin() + long(offset + length));
}

std::pair<size_t, size_t> findElementValue(const std::vector<uint8_t>& b, uint16_t group, uint16_t element,
                                           bool explicitVr)
{
    if (b.size() < 132)
        return {0, 0};
    size_t i = 132;
    // Meta header: always explicit VR little endian.
    while (i + 8 <= b.size()) {
        const uint16_t g = u16(b, i), e = u16(b, i + 2);
        const bool inMeta = g == 0x0002;
        const bool ex = inMeta || explicitVr;
        uint32_t length;
        size_t header;
        std::string vr;
        if (ex) {
            vr = std::string(reinterpret_cast<const char*>(&b[i + 4]), 2);
            if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT" || vr == "OF" || vr == "OD"
                || vr == "OL" || vr == "UC" || vr == "UR" || vr == "OV") {
                length = u32(b, i + 8);
                header = 12;
            } else {
                length = u16(b, i + 6);
                header = 8;
            }
        } else {
            length = u32(b, i + 4);
            header = 8;
        }
        if (g == group && e == element) {
            if (length == 0xFFFFFFFF || i + header + length > b.size())
                return {0, 0};
            return {i + header, length};
        }
        if (length == 0xFFFFFFFF)
            i = skipUndefined(b, i + header);
        else
            i += header + length;
    }
    return {0, 0};
}

std::vector<uint16_t> words(const std::vector<uint8_t>& v)
{
    std::vector<uint16_t> w(v.size() / 2);
    for (size_t k = 0; k < w.size(); ++k)
        w[k] = u16(v, 2 * k);
    return w;
}

} // namespace ks::test
