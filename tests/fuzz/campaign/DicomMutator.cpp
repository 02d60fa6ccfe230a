#include "DicomMutator.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ks::fuzz {

namespace {

using Bytes = std::vector<unsigned char>;

/// Where an element header sits: the value always starts 8 bytes after the tag, for explicit VR
/// with a 2-byte length and for implicit VR (4-byte length); long explicit VRs (OB, SQ, ...) have
/// their 4-byte length at +8 and the value at +12.
struct Element
{
    size_t offset = 0;
    bool bigEndian = false;
    bool explicitVr = false;
    bool longForm = false;   ///< explicit VR with reserved bytes and a 4-byte length
};

bool isVr(const unsigned char* p, bool* longForm)
{
    static const char* const shortVrs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
                                           "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
    static const char* const longVrs[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"};
    for (const char* v : longVrs)
        if (p[0] == v[0] && p[1] == v[1]) {
            *longForm = true;
            return true;
        }
    for (const char* v : shortVrs)
        if (p[0] == v[0] && p[1] == v[1]) {
            *longForm = false;
            return true;
        }
    return false;
}

bool knownGroup(uint16_t g)
{
    switch (g) {
    case 0x0002: case 0x0004: case 0x0008: case 0x0010: case 0x0018: case 0x0020: case 0x0028:
    case 0x0040: case 0x0054: case 0x3006: case 0x300A: case 0x5400: case 0x7FE0: case 0xFFFE: case 0x0088:
        return true;
    default:
        return false;
    }
}

uint16_t rd16(const Bytes& b, size_t o, bool be) { return be ? uint16_t(b[o] << 8 | b[o + 1]) : uint16_t(b[o + 1] << 8 | b[o]); }
uint32_t rd32(const Bytes& b, size_t o, bool be)
{
    return be ? uint32_t(b[o]) << 24 | uint32_t(b[o + 1]) << 16 | uint32_t(b[o + 2]) << 8 | b[o + 3]
              : uint32_t(b[o + 3]) << 24 | uint32_t(b[o + 2]) << 16 | uint32_t(b[o + 1]) << 8 | b[o];
}
void wr16(Bytes& b, size_t o, bool be, uint16_t v)
{
    if (o + 2 > b.size())
        return;
    b[o + (be ? 0 : 1)] = uint8_t(v >> 8);
    b[o + (be ? 1 : 0)] = uint8_t(v);
}
void wr32(Bytes& b, size_t o, bool be, uint32_t v)
{
    if (o + 4 > b.size())
        return;
    for (int i = 0; i < 4; ++i)
        b[o + (be ? 3 - i : i)] = uint8_t(v >> (8 * i));
}

/// Every plausible element header (heuristic scan: known group, a VR or a plausible implicit
/// length). False positives only make the mutation less targeted.
std::vector<Element> scan(const Bytes& b)
{
    std::vector<Element> out;
    for (size_t i = 0; i + 12 <= b.size(); i += 2) {
        for (bool be : {false, true}) {
            const uint16_t g = rd16(b, i, be);
            if (!knownGroup(g))
                continue;
            Element e;
            e.offset = i;
            e.bigEndian = be;
            bool longForm = false;
            if (isVr(&b[i + 4], &longForm)) {
                if (longForm && (b[i + 6] != 0 || b[i + 7] != 0))
                    continue;
                e.explicitVr = true;
                e.longForm = longForm;
            } else {
                const uint32_t len = rd32(b, i + 4, be);
                if (len != 0xFFFFFFFFu && len > b.size() - i)
                    continue;
            }
            out.push_back(e);
            break;
        }
    }
    return out;
}

/// Headers of one tag (group, element), either byte order.
std::vector<Element> find(const Bytes& b, uint16_t group, uint16_t element)
{
    std::vector<Element> out;
    for (const Element& e : scan(b))
        if (rd16(b, e.offset, e.bigEndian) == group && rd16(b, e.offset + 2, e.bigEndian) == element)
            out.push_back(e);
    return out;
}

size_t valueOffset(const Element& e) { return e.offset + (e.longForm ? 12 : 8); }

/// Replaces an element's value (and its length field) by `value`.
void replaceValue(Bytes& b, const Element& e, const std::string& value)
{
    const size_t vo = valueOffset(e);
    if (vo > b.size())
        return;
    uint32_t len = e.longForm ? rd32(b, e.offset + 8, e.bigEndian)
                   : e.explicitVr ? rd16(b, e.offset + 6, e.bigEndian)
                                  : rd32(b, e.offset + 4, e.bigEndian);
    if (len == 0xFFFFFFFFu || len > b.size() - vo)
        len = 0;
    b.erase(b.begin() + long(vo), b.begin() + long(vo + len));
    b.insert(b.begin() + long(vo), value.begin(), value.end());
    if (e.longForm)
        wr32(b, e.offset + 8, e.bigEndian, uint32_t(value.size()));
    else if (e.explicitVr)
        wr16(b, e.offset + 6, e.bigEndian, uint16_t(value.size()));
    else
        wr32(b, e.offset + 4, e.bigEndian, uint32_t(value.size()));
}

std::string evenPadded(std::string s, char pad)
{
    if (s.size() % 2)
        s += pad;
    return s;
}

std::string bitflip(Bytes& b, Rng& r)
{
    const size_t n = 1 + r.below(16);
    for (size_t i = 0; i < n && !b.empty(); ++i)
        b[r.below(b.size())] ^= uint8_t(1u << r.below(8));
    return "bitflip(" + std::to_string(n) + ")";
}

std::string interesting(Bytes& b, Rng& r)
{
    static const unsigned char values[] = {0x00, 0xFF, 0x7F, 0x80};
    const size_t n = 1 + r.below(8);
    for (size_t i = 0; i < n && !b.empty(); ++i) {
        const size_t at = r.below(b.size()), run = 1 + r.below(4);
        const unsigned char v = r.pick(values);
        for (size_t k = at; k < std::min(b.size(), at + run); ++k)
            b[k] = v;
    }
    return "interesting-bytes(" + std::to_string(n) + ")";
}

std::string inflateLength(Bytes& b, Rng& r)
{
    const std::vector<Element> all = scan(b);
    if (all.empty())
        return bitflip(b, r);
    const Element& e = all[r.below(all.size())];
    static const uint32_t longValues[] = {0xFFFFFFF0u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0x00FFFFFFu, 0, 1, 3};
    static const uint16_t shortValues[] = {0xFFFF, 0xFFF0, 0x8000, 0x7FFF, 0, 1};
    char buf[64];
    if (e.explicitVr && !e.longForm) {
        const uint16_t v = r.pick(shortValues);
        wr16(b, e.offset + 6, e.bigEndian, v);
        std::snprintf(buf, sizeof buf, "length@%zu=0x%X", e.offset, unsigned(v));
    } else {
        const size_t at = e.offset + (e.longForm ? 8 : 4);
        uint32_t v = r.pick(longValues);
        if (r.chance(1, 4))
            v = rd32(b, at, e.bigEndian) * 16 + 2;
        wr32(b, at, e.bigEndian, v);
        std::snprintf(buf, sizeof buf, "length@%zu=0x%X", e.offset, unsigned(v));
    }
    return buf;
}

std::string truncate(Bytes& b, Rng& r)
{
    if (b.size() < 2)
        return "truncate(none)";
    size_t keep = r.chance(1, 2) ? b.size() / 2 + r.below(b.size() / 2) : r.below(b.size());
    if (r.chance(1, 4)) {   // inside the last element headers: a length that points past the end
        const std::vector<Element> all = scan(b);
        if (!all.empty())
            keep = std::min(b.size() - 1, all[r.below(all.size())].offset + r.below(12));
    }
    b.resize(keep);
    return "truncate(" + std::to_string(keep) + ")";
}

std::string duplicateChunk(Bytes& b, Rng& r)
{
    if (b.empty())
        return "duplicate(none)";
    const size_t from = r.below(b.size()), len = std::min(b.size() - from, 1 + r.below(4096));
    const size_t to = r.below(b.size() + 1);
    const Bytes chunk(b.begin() + long(from), b.begin() + long(from + len));
    b.insert(b.begin() + long(to), chunk.begin(), chunk.end());
    return "duplicate(" + std::to_string(from) + "+" + std::to_string(len) + "->" + std::to_string(to) + ")";
}

std::string deleteChunk(Bytes& b, Rng& r)
{
    if (b.empty())
        return "delete(none)";
    const size_t from = r.below(b.size()), len = std::min(b.size() - from, 1 + r.below(512));
    b.erase(b.begin() + long(from), b.begin() + long(from + len));
    return "delete(" + std::to_string(from) + "+" + std::to_string(len) + ")";
}

std::string randomRange(Bytes& b, Rng& r)
{
    if (b.empty())
        return "random(none)";
    const size_t from = r.below(b.size()), len = std::min(b.size() - from, 1 + r.below(512));
    for (size_t k = from; k < from + len; ++k)
        b[k] = uint8_t(r.next());
    return "random(" + std::to_string(from) + "+" + std::to_string(len) + ")";
}

std::string geometry(Bytes& b, Rng& r)
{
    static const uint16_t sizes[] = {0xFFFF, 0x7FFF, 0x8000, 0, 1, 32767, 16384};
    static const char* const frames[] = {"99999999", "2147483647", "4294967296", "-1", "0", "1e9", "", "65536"};
    const int which = int(r.below(4));
    std::vector<Element> es;
    if (which == 0 || which == 3)
        es = find(b, 0x0028, 0x0010);   // Rows
    else if (which == 1)
        es = find(b, 0x0028, 0x0011);   // Columns
    else
        es = find(b, 0x0028, 0x0008);   // NumberOfFrames
    if (es.empty())
        return inflateLength(b, r);
    const Element& e = es[r.below(es.size())];
    if (which == 2) {
        const std::string v = evenPadded(r.pick(frames), ' ');
        replaceValue(b, e, v);
        return "frames=\"" + v + "\"";
    }
    const uint16_t v = r.pick(sizes);
    wr16(b, valueOffset(e), e.bigEndian, v);
    if (which == 3)   // both: a decompression bomb
        for (const Element& c : find(b, 0x0028, 0x0011))
            wr16(b, valueOffset(c), c.bigEndian, v);
    return std::string(which == 0 ? "rows" : which == 1 ? "columns" : "rows+columns") + "=" + std::to_string(v);
}

std::string pixelFormat(Bytes& b, Rng& r)
{
    struct Field { uint16_t element; const char* name; std::vector<uint16_t> values; };
    static const Field fields[] = {
        {0x0100, "bits-allocated", {0, 1, 7, 12, 24, 32, 64, 255}},
        {0x0101, "bits-stored", {0, 1, 17, 33, 255}},
        {0x0102, "high-bit", {0, 31, 64, 255}},
        {0x0002, "samples-per-pixel", {0, 2, 3, 4, 255}},
        {0x0103, "pixel-representation", {1, 2, 0xFFFF}},
        {0x0006, "planar-configuration", {1, 2, 0xFFFF}},
    };
    const Field& f = r.pick(fields);
    const std::vector<Element> es = find(b, 0x0028, f.element);
    if (es.empty())
        return geometry(b, r);
    const Element& e = es[r.below(es.size())];
    const uint16_t v = f.values[r.below(f.values.size())];
    wr16(b, valueOffset(e), e.bigEndian, v);
    return std::string(f.name) + "=" + std::to_string(v);
}

std::string transferSyntax(Bytes& b, Rng& r)
{
    static const char* const uids[] = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2",
                                       "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.70",
                                       "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.1.99",
                                       "1.2.3.4", ""};
    const std::vector<Element> es = find(b, 0x0002, 0x0010);
    if (es.empty())
        return bitflip(b, r);
    const std::string uid = evenPadded(r.pick(uids), '\0');
    replaceValue(b, es.front(), uid);
    return "transfer-syntax=" + std::string(uid.c_str());
}

std::string photometric(Bytes& b, Rng& r)
{
    static const char* const values[] = {"PALETTE COLOR", "MONOCHROME1", "MONOCHROME2", "RGB", "YBR_FULL",
                                         "YBR_FULL_422", "YBR_RCT", "XYZ", ""};
    const std::vector<Element> es = find(b, 0x0028, 0x0004);
    if (es.empty())
        return pixelFormat(b, r);
    const std::string v = evenPadded(r.pick(values), ' ');
    replaceValue(b, es.front(), v);
    return "photometric=\"" + v + "\"";
}

} // namespace

std::string DicomMutator::mutate(std::vector<unsigned char>& bytes, Rng& rng)
{
    using Fn = std::string (*)(Bytes&, Rng&);
    // Weighted: the structural mutations the issue names come up most often.
    static const Fn table[] = {bitflip, bitflip, interesting, interesting, inflateLength, inflateLength,
                               inflateLength, truncate, truncate, duplicateChunk, deleteChunk, randomRange,
                               geometry, geometry, geometry, pixelFormat, pixelFormat, transferSyntax, photometric};
    const size_t n = rng.chance(6, 10) ? 1 : rng.chance(3, 4) ? 2 : 3;
    std::string what;
    for (size_t i = 0; i < n; ++i)
        what += (i ? "; " : "") + rng.pick(table)(bytes, rng);
    return what;
}

} // namespace ks::fuzz
