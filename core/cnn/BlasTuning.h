#pragma once
/// \file BlasTuning.h
/// OpenBLAS chooses its kernels from the CPU model when it is loaded. On a CPU model it does not
/// know (virtual machines often report a generic "Intel Xeon Processor") it falls back to its
/// SSE3 "Prescott" kernels: measured on such a 2-core machine, a 2048² SGEMM runs at 35 GFLOP/s
/// instead of 217 with the AVX-512 kernels, and CaffeNet's fc6–fc7 over 1850 boxes takes 4.4 s
/// instead of 1.1 s. The choice can only be changed through OPENBLAS_CORETYPE before the library
/// loads, hence a re-execution of the program at the very start of main().

#include <string>

namespace ks::cnn {

/// Stateless. Call reexecIfGeneric() before any thread is started.
class BlasTuning
{
public:
    /// When OPENBLAS_CORETYPE and KS_NO_BLAS_TUNING are unset, OpenBLAS runs generic kernels and
    /// the CPU (and OS) support AVX-512 or AVX2+FMA: sets OPENBLAS_CORETYPE to SkylakeX or Haswell
    /// and re-executes /proc/self/exe with the same arguments. In the re-executed program a
    /// self-check compares an SGEMM against a plain double-precision product; if it disagrees the
    /// program re-executes once more without the setting. Returns when nothing is to be done or
    /// exec fails (the program then runs as before, only slower).
    static void reexecIfGeneric(char** argv);

    /// OpenBLAS's core name ("Prescott", "SkylakeX", ...), "" when the BLAS is not OpenBLAS.
    static std::string coreName();
    /// The kernels this CPU could run ("SkylakeX", "Haswell") when OpenBLAS chose slower
    /// ones, else "".
    static std::string betterCore();
    /// SGEMM (through LibTorch's BLAS) of seeded 96×80 by 80×72 matrices equals the double
    /// product to 1e-4 relative.
    static bool selfCheck();
};

} // namespace ks::cnn
