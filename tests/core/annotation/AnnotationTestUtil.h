#pragma once
// Helpers shared by the annotation tests: scratch folders and small files.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ks::annotation::test {

/// An empty folder under $KS_TEST_TMP (or the system temp folder), recreated on each call.
inline std::filesystem::path scratch(const std::string& name)
{
    namespace fs = std::filesystem;
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path dir = fs::path(env && *env ? env : fs::temp_directory_path().string()) / "annotation" / name;
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline void writeBytes(const std::filesystem::path& p, const std::string& bytes)
{
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}

inline std::string readBytes(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace ks::annotation::test
