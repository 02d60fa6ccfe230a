#include "FuzzSupport.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace ks::fuzz {

namespace {
void removeScratch()
{
    std::error_code ec;
    fs::remove_all(scratchDir(), ec);
}
} // namespace

const std::string& scratchDir()
{
    static const std::string dir = [] {
        const char* tmp = std::getenv("TMPDIR");
        std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/ks-fuzz-XXXXXX";
        if (!mkdtemp(templ.data())) {
            std::perror("ks-fuzz: mkdtemp");
            std::abort();
        }
        return templ;
    }();
    static const bool registered = (std::atexit(removeScratch), true);
    (void)registered;
    return dir;
}

void writeBytes(const std::string& path, const uint8_t* data, size_t size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
        std::fprintf(stderr, "ks-fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
}

std::string sharedDir()
{
    if (const char* env = std::getenv("KS_SHARED_DIR"); env && *env)
        return env;
#ifdef KS_SHARED_DIR
    return KS_SHARED_DIR;
#else
    return "../shared";
#endif
}

void copyTree(const std::string& from, const std::string& to)
{
    std::error_code ec;
    fs::create_directories(to, ec);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) {
        std::fprintf(stderr, "ks-fuzz: cannot copy %s to %s: %s\n", from.c_str(), to.c_str(), ec.message().c_str());
        std::abort();
    }
}

} // namespace ks::fuzz
