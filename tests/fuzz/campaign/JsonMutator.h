#pragma once
/// \file JsonMutator.h
/// Deterministic JSON-aware mutations of COCO files and model manifests: wrong types, huge,
/// negative and non-finite numbers, deep nesting, path escapes (../, absolute, devices), missing
/// and duplicated keys, blown-up arrays, odd boxes, long strings, then sometimes a byte-level
/// blow (truncation, flipped or invalid UTF-8 bytes). Stateless; thread-safe.

#include "Rng.h"

#include <string>

namespace ks::fuzz {

class JsonMutator
{
public:
    /// Returns the mutated text of `seed` (valid JSON) and sets `what` to what was done.
    static std::string mutate(const std::string& seed, Rng& rng, std::string& what);
};

} // namespace ks::fuzz
