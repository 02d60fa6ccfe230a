#pragma once
/// \file RawDicom.h
/// A deliberately independent, minimal reader of top-level little-endian DICOM elements, so that
/// tests can compare ks_dicom's (DCMTK-based) decoding against the bytes in the file.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ks::test {

/// The whole file as bytes.
std::vector<uint8_t> readBytes(const std::string& path);

/// The value bytes of the top-level element (group, element) of a little-endian file with a
/// Part 10 header; `explicitVr` selects the data set encoding. Empty when not found.
/// Walks the data set element by element (sequences of defined or undefined length are skipped).
std::vector<uint8_t> findElement(const std::vector<uint8_t>& file, uint16_t group, uint16_t element, bool explicitVr);

/// Like findElement, but the byte offset of the value in `file` and its length; {0, 0} when absent.
std::pair<size_t, size_t> findElementValue(const std::vector<uint8_t>& file, uint16_t group, uint16_t element,
                                           bool explicitVr);

/// Little-endian 16-bit words of a value.
std::vector<uint16_t> words(const std::vector<uint8_t>& value);

// --- Writing: hostile and unusual files built byte by byte (explicit VR little endian) ---------

/// One encoded data element; `bytes` includes its tag, VR and length.
struct RawElement
{
    std::vector<uint8_t> bytes;
};

/// A string element (padded to even length with a space, UI with NUL). Bytes are written as given,
/// so Latin-1 text can be put in with "\xFC".
RawElement text(uint16_t group, uint16_t element, const std::string& vr, const std::string& value);
/// An unsigned short (US) element.
RawElement us(uint16_t group, uint16_t element, uint16_t value);
/// Pixel Data (7FE0,0010) as OB with these bytes (native transfer syntaxes).
RawElement nativePixels(const std::vector<uint8_t>& bytes);
/// Encapsulated Pixel Data: an empty basic offset table, then one item per fragment.
RawElement encapsulatedPixels(const std::vector<std::vector<uint8_t>>& fragments);
/// One RLE frame: the 64-byte RLE header followed by the segments (PackBits data each).
std::vector<uint8_t> rleFrame(const std::vector<std::vector<uint8_t>>& segments);
/// The elements of an 8-bit MONOCHROME2 secondary-capture image of `rows` × `columns`, without
/// pixel data; `frames` > 0 adds Number of Frames; `charset` non-empty adds Specific Character Set.
std::vector<RawElement> imageHeader(uint16_t rows, uint16_t columns, int frames = 0, const std::string& charset = {},
                                    const std::string& patientName = "Test^Name");
/// A Part 10 file (preamble, meta header with `transferSyntax`) holding `elements` in the order given
/// (give them in ascending tag order).
std::vector<uint8_t> part10(const std::string& transferSyntax, const std::vector<RawElement>& elements);
/// Writes bytes to a file (replacing it).
void writeBytes(const std::string& path, const std::vector<uint8_t>& bytes);

inline const char* const kExplicitLittle = "1.2.840.10008.1.2.1";
inline const char* const kRle = "1.2.840.10008.1.2.5";

} // namespace ks::test
