#pragma once
// Test helper (torch): a TorchScript file that runs code while torch::jit::load reads it — its
// __setstate__ prints a marker and writes a file — and a print handler that counts the marker.

#include <torch/csrc/jit/runtime/print_handler.h>
#include <torch/script.h>

#include <atomic>
#include <string>

namespace ks::untrusted {

inline std::atomic<int>& maliciousRuns()
{
    static std::atomic<int> runs{0};
    return runs;
}

/// Installs (once) a TorchScript print handler that counts the marker lines.
inline void watchMaliciousCode()
{
    torch::jit::setPrintHandler([](const std::string& text) {
        if (text.find("KS-MALICIOUS-CODE-RAN") != std::string::npos)
            ++maliciousRuns();
    });
}

/// Writes a valid TorchScript archive whose loading runs __setstate__: it prints the marker and,
/// when `dropFile` is given, writes that file (TorchScript's torch.save), as an attack would.
inline void writeMaliciousTorchScript(const std::string& path, const std::string& dropFile = {})
{
    torch::jit::Module m("__torch__.Payload");
    m.register_buffer("x", torch::ones({1}));
    const std::string write = dropFile.empty() ? "" : "    torch.save(state[0], \"" + dropFile + "\")\n";
    m.define(R"(
def __getstate__(self):
    return (self.x, )

def __setstate__(self, state: Tuple[Tensor]):
    print("KS-MALICIOUS-CODE-RAN")
)" + write + R"(    self.x = state[0]
)");
    m.save(path);
}

} // namespace ks::untrusted
