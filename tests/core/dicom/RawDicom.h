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

} // namespace ks::test
