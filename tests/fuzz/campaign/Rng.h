#pragma once
/// \file Rng.h
/// SplitMix64: the same sequence on every compiler and standard library (std::mt19937 is
/// portable, but the std distributions are not), so a mutant number names the same bytes
/// everywhere. Value type; not synchronised.

#include <cstddef>
#include <cstdint>

namespace ks::fuzz {

class Rng
{
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}

    uint64_t next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n); 0 when n == 0.
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
    /// True with probability num/den.
    bool chance(unsigned num, unsigned den) { return below(den) < num; }
    template <class T, size_t N>
    const T& pick(const T (&items)[N]) { return items[below(N)]; }

private:
    uint64_t m_state;
};

} // namespace ks::fuzz
