#include "RawDicom.h"

#include <cstring>
#include <stdexcept>
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

namespace {
void put16(std::vector<uint8_t>& b, uint16_t v)
{
    b.push_back(uint8_t(v & 0xFF));
    b.push_back(uint8_t(v >> 8));
}
void put32(std::vector<uint8_t>& b, uint32_t v)
{
    put16(b, uint16_t(v & 0xFFFF));
    put16(b, uint16_t(v >> 16));
}
bool longForm(const std::string& vr)
{
    return vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT" || vr == "UC" || vr == "UR";
}
RawElement element(uint16_t group, uint16_t elem, const std::string& vr, std::vector<uint8_t> value)
{
    if (value.size() % 2)
        value.push_back(vr == "UI" || vr == "OB" ? 0 : ' ');
    RawElement e;
    put16(e.bytes, group);
    put16(e.bytes, elem);
    e.bytes.push_back(uint8_t(vr[0]));
    e.bytes.push_back(uint8_t(vr[1]));
    if (longForm(vr)) {
        put16(e.bytes, 0);
        put32(e.bytes, uint32_t(value.size()));
    } else {
        put16(e.bytes, uint16_t(value.size()));
    }
    e.bytes.insert(e.bytes.end(), value.begin(), value.end());
    return e;
}
} // namespace

RawElement text(uint16_t group, uint16_t elem, const std::string& vr, const std::string& value)
{
    return element(group, elem, vr, std::vector<uint8_t>(value.begin(), value.end()));
}

RawElement us(uint16_t group, uint16_t elem, uint16_t value)
{
    std::vector<uint8_t> v;
    put16(v, value);
    return element(group, elem, "US", v);
}

RawElement nativePixels(const std::vector<uint8_t>& bytes)
{
    return element(0x7FE0, 0x0010, "OB", bytes);
}

RawElement encapsulatedPixels(const std::vector<std::vector<uint8_t>>& fragments)
{
    RawElement e;
    put16(e.bytes, 0x7FE0);
    put16(e.bytes, 0x0010);
    e.bytes.push_back('O');
    e.bytes.push_back('B');
    put16(e.bytes, 0);
    put32(e.bytes, 0xFFFFFFFF);
    put16(e.bytes, 0xFFFE); // basic offset table, empty
    put16(e.bytes, 0xE000);
    put32(e.bytes, 0);
    for (std::vector<uint8_t> f : fragments) {
        if (f.size() % 2)
            f.push_back(0);
        put16(e.bytes, 0xFFFE);
        put16(e.bytes, 0xE000);
        put32(e.bytes, uint32_t(f.size()));
        e.bytes.insert(e.bytes.end(), f.begin(), f.end());
    }
    put16(e.bytes, 0xFFFE);
    put16(e.bytes, 0xE0DD);
    put32(e.bytes, 0);
    return e;
}

std::vector<uint8_t> rleFrame(const std::vector<std::vector<uint8_t>>& segments)
{
    std::vector<uint8_t> f;
    put32(f, uint32_t(segments.size()));
    uint32_t offset = 64;
    for (size_t s = 0; s < 15; ++s) {
        put32(f, s < segments.size() ? offset : 0);
        if (s < segments.size())
            offset += uint32_t(segments[s].size());
    }
    for (const auto& s : segments)
        f.insert(f.end(), s.begin(), s.end());
    return f;
}

std::vector<RawElement> imageHeader(uint16_t rows, uint16_t columns, int frames, const std::string& charset,
                                    const std::string& patientName)
{
    std::vector<RawElement> e;
    if (!charset.empty())
        e.push_back(text(0x0008, 0x0005, "CS", charset));
    e.push_back(text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7"));
    e.push_back(text(0x0008, 0x0018, "UI", "1.2.826.0.1.3680043.9.7433.1.1"));
    e.push_back(text(0x0008, 0x0060, "CS", "OT"));
    e.push_back(text(0x0010, 0x0010, "PN", patientName));
    e.push_back(text(0x0020, 0x000D, "UI", "1.2.826.0.1.3680043.9.7433.1.2"));
    e.push_back(text(0x0020, 0x000E, "UI", "1.2.826.0.1.3680043.9.7433.1.3"));
    e.push_back(us(0x0028, 0x0002, 1));
    e.push_back(text(0x0028, 0x0004, "CS", "MONOCHROME2"));
    if (frames > 0)
        e.push_back(text(0x0028, 0x0008, "IS", std::to_string(frames)));
    e.push_back(us(0x0028, 0x0010, rows));
    e.push_back(us(0x0028, 0x0011, columns));
    e.push_back(us(0x0028, 0x0100, 8));
    e.push_back(us(0x0028, 0x0101, 8));
    e.push_back(us(0x0028, 0x0102, 7));
    e.push_back(us(0x0028, 0x0103, 0));
    return e;
}

std::vector<uint8_t> part10(const std::string& transferSyntax, const std::vector<RawElement>& elements)
{
    std::vector<uint8_t> meta;
    for (const RawElement& m : {element(0x0002, 0x0001, "OB", {0, 1}), text(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7"),
                                text(0x0002, 0x0003, "UI", "1.2.826.0.1.3680043.9.7433.1.1"),
                                text(0x0002, 0x0010, "UI", transferSyntax)})
        meta.insert(meta.end(), m.bytes.begin(), m.bytes.end());
    std::vector<uint8_t> length;
    put32(length, uint32_t(meta.size()));
    std::vector<uint8_t> out(128, 0);
    for (char c : std::string("DICM"))
        out.push_back(uint8_t(c));
    const RawElement groupLength = element(0x0002, 0x0000, "UL", length);
    out.insert(out.end(), groupLength.bytes.begin(), groupLength.bytes.end());
    out.insert(out.end(), meta.begin(), meta.end());
    for (const RawElement& e : elements)
        out.insert(out.end(), e.bytes.begin(), e.bytes.end());
    return out;
}

void writeBytes(const std::string& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

} // namespace ks::test
