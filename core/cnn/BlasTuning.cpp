#include "BlasTuning.h"

#include <torch/torch.h>

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace ks::cnn {

std::string BlasTuning::coreName()
{
    using CoreName = char* (*)();
    auto* f = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* name = f ? f() : nullptr;
    return name ? std::string(name) : std::string();
}

std::string BlasTuning::betterCore()
{
    std::string core = coreName();
    if (core.empty())
        return {};
    std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return std::tolower(c); });
    // OpenBLAS's names for kernels older than Haswell (its fallbacks for unknown CPUs).
    const std::vector<std::string> generic{"prescott", "katmai", "coppermine", "northwood", "core2", "penryn",
                                           "dunnington", "nehalem", "atom", "sandybridge", "unknown"};
    const bool slow = std::find(generic.begin(), generic.end(), core) != generic.end();
    __builtin_cpu_init();
    // libgcc's checks include the OS's support of the vector state (XGETBV).
    if ((slow || core == "haswell") && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (slow && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return "Haswell";
    return {};
}

bool BlasTuning::selfCheck()
{
    const int m = 96, k = 80, n = 72;
    std::vector<float> a(static_cast<size_t>(m) * k), b(static_cast<size_t>(k) * n);
    unsigned state = 12345;
    auto next = [&state] {
        state = state * 1103515245u + 12345u;
        return static_cast<float>((state >> 8) & 0xffff) / 65536.0f - 0.5f;
    };
    for (auto& v : a) v = next();
    for (auto& v : b) v = next();
    torch::NoGradGuard noGrad;
    const auto ta = torch::from_blob(a.data(), {m, k}, torch::kFloat32);
    const auto tb = torch::from_blob(b.data(), {k, n}, torch::kFloat32);
    const auto c = ta.mm(tb).contiguous();
    const float* got = c.data_ptr<float>();
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            double want = 0, scale = 0;
            for (int q = 0; q < k; ++q) {
                want += double(a[static_cast<size_t>(i) * k + q]) * b[static_cast<size_t>(q) * n + j];
                scale += std::abs(double(a[static_cast<size_t>(i) * k + q]) * b[static_cast<size_t>(q) * n + j]);
            }
            if (!(std::abs(got[i * n + j] - want) <= 1e-4 * std::max(1.0, scale)))
                return false;
        }
    return true;
}

void BlasTuning::reexecIfGeneric(char** argv)
{
    if (std::getenv("KS_NO_BLAS_TUNING"))
        return;
    const char* stage = std::getenv("KS_BLAS_TUNING");
    if (stage && std::string(stage) == "applied") {
        if (selfCheck())
            return;
        // The chosen kernels compute wrong results here: run with OpenBLAS's own choice.
        unsetenv("OPENBLAS_CORETYPE");
        setenv("KS_BLAS_TUNING", "refused", 1);
        execv("/proc/self/exe", argv);
        return;
    }
    if (stage || std::getenv("OPENBLAS_CORETYPE"))
        return; // set by the user or the system, or already refused: leave it
    const std::string core = betterCore();
    if (core.empty())
        return;
    setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
    setenv("KS_BLAS_TUNING", "applied", 1);
    execv("/proc/self/exe", argv);
    // exec failed: carry on with the generic kernels
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("KS_BLAS_TUNING");
}

} // namespace ks::cnn
