#include "PixelDataCheck.h"

#include "DcmtkSupport.h"

#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <algorithm>
#include <vector>

namespace ks::dicom::detail {

namespace {

const char* kIncomplete = "The file is incomplete or damaged; copy it again from the source";

std::uint64_t roundUp8(long bits)
{
    return std::uint64_t((bits + 7) / 8) * 8;
}

Error truncated(const std::string& name, unsigned long long have, unsigned long long need, const std::string& detail)
{
    return Error(name + ": the pixel data is truncated: " + std::to_string(have) + " bytes of "
                     + std::to_string(need) + (detail.empty() ? "" : " (" + detail + ")"),
                 kIncomplete);
}

/// Bytes of uncompressed pixel data the header asks for.
unsigned long long expectedNativeBytes(const PixelGeometry& g, const std::string& photometric)
{
    unsigned long long samples = static_cast<unsigned long long>(g.rows) * g.columns * g.frames;
    if (photometric == "YBR_FULL_422" || photometric == "YBR_PARTIAL_422")
        samples *= 2; // two luminance + Cb + Cr per two pixels
    else
        samples *= g.samplesPerPixel;
    return (samples * static_cast<unsigned long long>(g.bitsAllocated) + 7) / 8;
}

/// The fragments (without the basic offset table) of the encapsulated pixel data, as bytes.
struct Fragment
{
    const Uint8* data = nullptr;
    size_t size = 0;
};

std::vector<Fragment> fragments(DcmPixelSequence& seq, std::vector<Uint32>& offsetTable)
{
    std::vector<Fragment> out;
    for (unsigned long i = 0; i < seq.card(); ++i) {
        DcmPixelItem* item = nullptr;
        if (seq.getItem(item, i).bad() || item == nullptr)
            continue;
        Uint8* data = nullptr;
        const Uint32 len = item->getLength();
        if (len > 0 && (item->getUint8Array(data).bad() || data == nullptr))
            continue;
        if (i == 0) {
            for (Uint32 k = 0; k + 4 <= len; k += 4)
                offsetTable.push_back(Uint32(data[k]) | Uint32(data[k + 1]) << 8 | Uint32(data[k + 2]) << 16
                                      | Uint32(data[k + 3]) << 24);
            continue;
        }
        out.push_back({data, len});
    }
    return out;
}

/// Frame k's bytes (fragments concatenated); empty `frames` when the mapping is not known.
std::vector<std::vector<Uint8>> framesOf(const std::vector<Fragment>& frags, const std::vector<Uint32>& table,
                                         long frames)
{
    std::vector<std::vector<Uint8>> out(static_cast<size_t>(frames));
    if (frames == 1 || size_t(frames) == frags.size()) {
        for (size_t j = 0; j < frags.size(); ++j) {
            auto& f = out[frames == 1 ? 0 : j];
            f.insert(f.end(), frags[j].data, frags[j].data + frags[j].size);
        }
        return out;
    }
    if (table.size() != size_t(frames) || table.front() != 0)
        return {};
    unsigned long long pos = 0;
    size_t frame = 0;
    for (const Fragment& fr : frags) {
        while (frame + 1 < table.size() && pos >= table[frame + 1])
            ++frame;
        if (pos < table[frame])
            return {};
        out[frame].insert(out[frame].end(), fr.data, fr.data + fr.size);
        pos += 8 + fr.size;
    }
    return out;
}

void checkRle(const std::vector<std::vector<Uint8>>& frames, const PixelGeometry& g, const std::string& name)
{
    const unsigned long long perSegment = static_cast<unsigned long long>(g.rows) * g.columns;
    const unsigned long segments = static_cast<unsigned long>(g.samplesPerPixel * ((g.bitsAllocated + 7) / 8));
    const unsigned long long need = perSegment * segments * frames.size();
    unsigned long long have = 0;
    long shortFrame = -1;
    for (size_t k = 0; k < frames.size(); ++k) {
        const std::vector<Uint8>& f = frames[k];
        auto u32 = [&f](size_t at) {
            return Uint32(f[at]) | Uint32(f[at + 1]) << 8 | Uint32(f[at + 2]) << 16 | Uint32(f[at + 3]) << 24;
        };
        if (f.size() < 64) {
            if (shortFrame < 0)
                shortFrame = long(k);
            continue;
        }
        const Uint32 count = u32(0);
        if (count == 0 || count > 15)
            throw Error(name + ": frame " + std::to_string(k + 1) + " has an RLE header with " + std::to_string(count)
                            + " segments (1 to 15 allowed)",
                        kIncomplete);
        for (Uint32 s = 0; s < std::min<Uint32>(count, segments); ++s) {
            const Uint32 begin = u32(4 + 4 * s);
            const Uint32 end = s + 1 < count ? u32(8 + 4 * s) : Uint32(f.size());
            if (begin < 64 || begin > end || end > f.size())
                throw Error(name + ": frame " + std::to_string(k + 1) + " has an RLE segment outside its data",
                            kIncomplete);
            const auto got = rleDecodedLength(f.data() + begin, end - begin, perSegment);
            have += got;
            if (got < perSegment && shortFrame < 0)
                shortFrame = long(k);
        }
        if (count < segments && shortFrame < 0)
            shortFrame = long(k);
    }
    if (shortFrame >= 0)
        throw truncated(name, have, need,
                        "RLE frame " + std::to_string(shortFrame + 1) + " of " + std::to_string(frames.size())
                            + " expands to less than " + std::to_string(g.columns) + " × " + std::to_string(g.rows)
                            + " pixels");
}

/// Width and height from the first SOF (JPEG) or SOF55 (JPEG-LS) marker of a frame; false if none.
bool jpegFrameSize(const std::vector<Uint8>& f, long& width, long& height)
{
    size_t i = 0;
    while (i + 1 < f.size() && !(f[i] == 0xFF && f[i + 1] == 0xD8))
        ++i; // tolerate padding before SOI
    i += 2;
    while (i + 4 <= f.size()) {
        if (f[i] != 0xFF)
            return false;
        const Uint8 m = f[i + 1];
        if (m == 0xFF) {
            ++i;
            continue;
        }
        const size_t len = size_t(f[i + 2]) << 8 | f[i + 3];
        const bool sof = (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) || m == 0xF7;
        if (sof) {
            if (i + 9 > f.size())
                return false;
            height = long(f[i + 5]) << 8 | f[i + 6];
            width = long(f[i + 7]) << 8 | f[i + 8];
            return true;
        }
        if (m == 0xDA || len < 2)
            return false;
        i += 2 + len;
    }
    return false;
}

void checkEncapsulated(DcmDataset& ds, PixelGeometry& g, const std::string& name)
{
    DcmElement* element = nullptr;
    auto* pixelData = ds.findAndGetElement(DCM_PixelData, element).good() ? dynamic_cast<DcmPixelData*>(element) : nullptr;
    if (pixelData == nullptr)
        return;
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter* param = nullptr;
    pixelData->getOriginalRepresentationKey(xfer, param);
    DcmPixelSequence* seq = nullptr;
    if (pixelData->getEncapsulatedRepresentation(xfer, param, seq).bad() || seq == nullptr)
        return;
    std::vector<Uint32> table;
    const std::vector<Fragment> frags = fragments(*seq, table);
    if (frags.size() < size_t(g.frames))
        throw Error(name + ": the pixel data is truncated: " + std::to_string(frags.size()) + " compressed fragment(s) for "
                        + std::to_string(g.frames) + " frames (each frame needs at least one)",
                    kIncomplete);
    if (xfer == EXS_RLELossless) {
        const auto frameData = framesOf(frags, table, g.frames);
        if (!frameData.empty()) // else fragments not attributable to frames: the codec checks them
            checkRle(frameData, g, name);
        return;
    }
    // JPEG family: the first fragment of the first frame starts with the frame header.
    long width = 0, height = 0;
    const std::vector<Uint8> first(frags.front().data, frags.front().data + std::min<size_t>(frags.front().size, 65536));
    if (!jpegFrameSize(first, width, height))
        return; // not a JPEG stream we can read ahead: the codec checks it
    if (height > 0 && (width != g.columns || height != g.rows))
        throw Error(name + ": the compressed image is " + std::to_string(width) + " × " + std::to_string(height)
                        + " pixels, but the header declares " + std::to_string(g.columns) + " × "
                        + std::to_string(g.rows),
                    "The file is damaged; copy it again from the source");
    // A JPEG stream cut short lacks its end-of-image marker: noted, so that a decompression failure
    // can say "truncated" (a file without the marker that still decodes is not refused for it).
    if (g.frames != 1 && frags.size() != size_t(g.frames))
        return; // fragments not attributable to frames without the offset table
    for (size_t k = 0; k < size_t(g.frames) && g.truncatedFrame == 0; ++k) {
        const Fragment& last = g.frames == 1 ? frags.back() : frags[k];
        size_t end = last.size;
        while (end > 0 && (last.data[end - 1] == 0x00 || last.data[end - 1] == 0xFF)) // padding
            --end;
        if (end < 2 || last.data[end - 2] != 0xFF || last.data[end - 1] != 0xD9)
            g.truncatedFrame = long(k) + 1;
    }
}

} // namespace

unsigned long long rleDecodedLength(const Uint8* data, size_t size, unsigned long long cap)
{
    unsigned long long out = 0;
    size_t i = 0;
    while (i < size && out < cap) {
        const int n = static_cast<signed char>(data[i++]);
        if (n >= 0) { // literal run of n + 1 bytes
            const size_t run = std::min<size_t>(size_t(n) + 1, size - i);
            out += run;
            i += run;
        } else if (n != -128) { // the next byte repeated 1 - n times
            if (i >= size)
                break;
            out += static_cast<unsigned long long>(1 - n);
            ++i;
        }
    }
    return std::min(out, cap);
}

Error decompressionError(const PixelGeometry& g, const std::string& name, const std::string& transferSyntax,
                         const OFCondition& cond)
{
    if (g.truncatedFrame > 0)
        return Error(name + ": the pixel data is truncated: the compressed data of frame " + std::to_string(g.truncatedFrame)
                         + " of " + std::to_string(g.frames) + " ends before its end-of-image marker",
                     kIncomplete);
    return Error("Cannot decompress the pixel data of " + name + " (" + transferSyntax + "): " + cond.text(),
                 "The compressed data is damaged");
}

PixelGeometry checkPixelData(DcmDataset& ds, const std::string& name, const ImageLimits& limits)
{
    PixelGeometry g;
    g.rows = getInt(ds, DCM_Rows).value_or(0);
    g.columns = getInt(ds, DCM_Columns).value_or(0);
    g.samplesPerPixel = getInt(ds, DCM_SamplesPerPixel).value_or(1);
    g.bitsAllocated = getInt(ds, DCM_BitsAllocated).value_or(0);
    const std::string framesText = getString(ds, DCM_NumberOfFrames);
    if (!framesText.empty() && framesText.find_first_not_of("0123456789+ ") != std::string::npos)
        throw Error(name + " is malformed: Number of Frames (0028,0008) is '" + framesText + "', not a whole number",
                    "The file violates the DICOM standard; re-export it from its source");
    g.frames = std::max(1L, getInt(ds, DCM_NumberOfFrames).value_or(1));
    if (g.rows <= 0 || g.columns <= 0 || g.bitsAllocated <= 0)
        throw Error(name + " has pixel data but no valid Rows, Columns or Bits Allocated", "The file is damaged");
    if (g.bitsAllocated > 64 || g.samplesPerPixel < 1 || g.samplesPerPixel > 4)
        throw Error(name + " declares " + std::to_string(g.samplesPerPixel) + " sample(s) per pixel of "
                        + std::to_string(g.bitsAllocated) + " bits",
                    "The file is damaged or uses a pixel format KidneyScope cannot show", Error::Kind::Unsupported);
    const std::string photometric = getString(ds, DCM_PhotometricInterpretation);
    const bool colour = g.samplesPerPixel > 1 || photometric.rfind("PALETTE", 0) == 0 || photometric.rfind("YBR", 0) == 0;
    const std::uint64_t bitsPerPixel =
        std::max<std::uint64_t>(std::uint64_t(g.samplesPerPixel) * roundUp8(g.bitsAllocated), colour ? 24 : 0);
    limits.check(name, std::uint64_t(g.columns), std::uint64_t(g.rows), bitsPerPixel, std::uint64_t(g.frames));

    if (!DcmXfer(ds.getOriginalXfer()).isEncapsulated()) {
        DcmElement* px = nullptr;
        ds.findAndGetElement(DCM_PixelData, px);
        const unsigned long long expected = expectedNativeBytes(g, photometric);
        const unsigned long long have = px ? px->getLength() : 0;
        if (have < expected)
            throw truncated(name, have, expected,
                            std::to_string(g.frames) + " frame(s) of " + std::to_string(g.columns) + " × "
                                + std::to_string(g.rows) + " need " + std::to_string(expected));
        return g;
    }
    checkEncapsulated(ds, g, name);
    return g;
}

} // namespace ks::dicom::detail
