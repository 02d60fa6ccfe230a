#pragma once
/// \file SegmentedLut.h
/// Expansion of segmented palette colour lookup table data (PS3.3 C.7.9.2).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ks::dicom::detail {

/// Expands segmented LUT data (16-bit words: discrete opcode 0, linear 1, indirect 2 with a byte
/// offset from the start of the data). Pure; thread-safe.
/// \throws ks::Error (InvalidInput) on an unknown opcode, a segment running past the data, or a
///         result whose length is not `expectedEntries`
std::vector<uint16_t> expandSegmentedLut(const uint16_t* words, size_t count, size_t expectedEntries);

} // namespace ks::dicom::detail
