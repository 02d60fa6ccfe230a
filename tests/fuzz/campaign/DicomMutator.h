#pragma once
/// \file DicomMutator.h
/// Deterministic DICOM-aware mutations of a file's bytes: bit flips, "interesting" byte values,
/// length fields inflated (4-byte lengths to 0xFFFFFFF0 and friends), truncation, chunk
/// duplication and deletion, Rows/Columns/NumberOfFrames/BitsAllocated/SamplesPerPixel set to
/// extreme values, transfer syntax swapped. Stateless; thread-safe.

#include "Rng.h"

#include <string>
#include <vector>

namespace ks::fuzz {

class DicomMutator
{
public:
    /// Applies 1–3 mutations to `bytes` in place; returns what was done ("bitflip(3); rows=65535").
    static std::string mutate(std::vector<unsigned char>& bytes, Rng& rng);
};

} // namespace ks::fuzz
