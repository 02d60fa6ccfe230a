#pragma once
/// \file Rng.h
/// The phantom's own random number generator (xoshiro256** seeded by SplitMix64) with explicit
/// distributions, so that the same seed gives the same numbers with any standard library.

#include <cstdint>

namespace ks::phantom {

/// Deterministic pseudo-random numbers. Value type; not synchronised (one per thread).
class Rng
{
public:
    /// Seeds the state from `seed` through SplitMix64.
    explicit Rng(std::uint64_t seed);

    /// An independent stream for (seed, stream, index): e.g. stream 1 = geometry, 2 = speckle,
    /// index = image number. Same arguments → same stream on every machine.
    static Rng derive(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

    /// Next raw 64 random bits.
    std::uint64_t next();
    /// Uniform in [0, 1), 53-bit resolution.
    double uniform();
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi);
    /// Uniform integer in [0, n) (n > 0).
    int below(int n);
    /// True with probability p.
    bool chance(double p);
    /// Standard normal (Box–Muller, both values used in turn).
    double normal();
    /// Normal with mean and standard deviation.
    double normal(double mean, double sd) { return mean + sd * normal(); }

private:
    std::uint64_t m_s[4];
    double m_spare = 0;
    bool m_hasSpare = false;
};

} // namespace ks::phantom
