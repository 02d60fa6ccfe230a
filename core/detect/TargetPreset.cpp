#include "TargetPreset.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace ks::detect {

namespace {
std::pair<double, double> readRange(const json& j, const char* key, const std::string& origin)
{
    const json& v = j.at(key);
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
        throw Error(origin + ": \"" + key + "\" must be [min, max]", "Write two numbers, e.g. [75, 140]");
    const double a = v[0].get<double>(), b = v[1].get<double>();
    if (a > b)
        throw Error(origin + ": \"" + key + "\" has min > max", "Swap the two numbers");
    return {a, b};
}
} // namespace

std::vector<double> TargetPreset::axisAlignedRangeMm() const
{
    if (!hasSizes())
        throw Error("Preset '" + name + "' has no clinical sizes", "Sizes come from the training boxes");
    double wMin = 1e300, wMax = 0, hMin = 1e300, hMax = 0;
    const int n = 16;
    for (int il = 0; il <= 1; ++il)
        for (int iw = 0; iw <= 1; ++iw)
            for (int ia = 0; ia <= n; ++ia) {
                const double l = il ? lengthMm->second : lengthMm->first;
                const double w = iw ? widthMm->second : widthMm->first;
                const double a = (orientationDeg.first + (orientationDeg.second - orientationDeg.first) * ia / n)
                                 * M_PI / 180.0;
                const double c = std::abs(std::cos(a)), s = std::abs(std::sin(a));
                const double bw = l * c + w * s, bh = l * s + w * c;
                wMin = std::min(wMin, bw);
                wMax = std::max(wMax, bw);
                hMin = std::min(hMin, bh);
                hMax = std::max(hMax, bh);
            }
    // The sampled angles include both ends; the extremes of l|cos|+w|sin| inside the range lie
    // at the ends or at the stationary point, which the 1/16 sampling covers within < 0.5 %.
    return {wMin, wMax, hMin, hMax};
}

TargetPreset TargetPreset::fromJson(const std::string& text, const std::string& origin)
{
    json j = parseUntrustedJson(text, origin, "Fix the preset file");
    if (!j.is_object())
        throw Error(origin + " is not a JSON object", "A preset is {\"name\": ..., \"length_mm\": [..], ...}");
    TargetPreset p;
    try {
        p.name = j.value("name", std::string());
        p.description = j.value("description", std::string());
        if (j.contains("length_mm"))
            p.lengthMm = readRange(j, "length_mm", origin);
        if (j.contains("width_mm"))
            p.widthMm = readRange(j, "width_mm", origin);
        if (j.contains("orientation_deg"))
            p.orientationDeg = readRange(j, "orientation_deg", origin);
        p.trainingMargin = j.value("training_margin", 0.15);
    } catch (const json::exception& e) {
        throw Error(origin + ": " + jsonReason(e), "Fix the preset file");
    }
    if (p.name.empty())
        throw Error(origin + " has no \"name\"", "Add \"name\": \"...\"");
    if (p.lengthMm.has_value() != p.widthMm.has_value())
        throw Error(origin + " gives only one of length_mm and width_mm", "Give both, or neither for a data-only preset");
    if (p.hasSizes() && (p.lengthMm->first <= 0 || p.widthMm->first <= 0))
        throw Error(origin + ": sizes must be positive (mm)", "Fix length_mm / width_mm");
    if (p.trainingMargin < 0 || p.trainingMargin > 5)
        throw Error(origin + ": training_margin must be in [0, 5]", "0.15 means 15 % around the training boxes");
    return p;
}

std::string TargetPreset::toJson() const
{
    json j;
    j["name"] = name;
    j["description"] = description;
    if (lengthMm)
        j["length_mm"] = {lengthMm->first, lengthMm->second};
    if (widthMm)
        j["width_mm"] = {widthMm->first, widthMm->second};
    j["orientation_deg"] = {orientationDeg.first, orientationDeg.second};
    j["training_margin"] = trainingMargin;
    return j.dump(2);
}

TargetPreset TargetPreset::dataOnly()
{
    TargetPreset p;
    p.name = "data";
    p.description = "sizes from the training annotations alone";
    return p;
}

std::vector<std::string> TargetPreset::defaultDirs()
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("KIDNEYSCOPE_PRESETS"))
        dirs.emplace_back(env);
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        dirs.push_back((fs::path(xdg) / "kidneyscope" / "presets").string());
    else if (const char* home = std::getenv("HOME"); home && *home)
        dirs.push_back((fs::path(home) / ".local" / "share" / "kidneyscope" / "presets").string());
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        dirs.push_back((exe.parent_path().parent_path() / "share" / "kidneyscope" / "presets").string());
#ifdef KS_PRESET_SOURCE_DIR
    dirs.emplace_back(KS_PRESET_SOURCE_DIR);
#endif
    return dirs;
}

std::vector<std::string> TargetPreset::available(const std::vector<std::string>& dirs)
{
    std::set<std::string> names{"data"};
    for (const auto& d : dirs) {
        std::error_code ec;
        for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".json")
                names.insert(it->path().stem().string());
    }
    return {names.begin(), names.end()};
}

TargetPreset TargetPreset::load(const std::string& nameOrFile, const std::vector<std::string>& searchDirs)
{
    std::vector<std::string> dirs = searchDirs;
    for (const auto& d : defaultDirs())
        dirs.push_back(d);
    fs::path file;
    if (nameOrFile.find('/') != std::string::npos || (nameOrFile.size() > 5 && nameOrFile.ends_with(".json"))) {
        file = nameOrFile;
        if (!fs::is_regular_file(file))
            throw Error("Preset file '" + nameOrFile + "' does not exist", "Give a preset name or an existing .json file",
                        Error::Kind::Io);
    } else {
        for (const auto& d : dirs) {
            const fs::path f = fs::path(d) / (nameOrFile + ".json");
            if (fs::is_regular_file(f)) {
                file = f;
                break;
            }
        }
        if (file.empty()) {
            if (nameOrFile == "data")
                return dataOnly();
            std::string list;
            for (const auto& n : available(dirs))
                list += (list.empty() ? "" : ", ") + n;
            throw Error("Unknown preset '" + nameOrFile + "'", "Known presets: " + list + "; or give a .json file");
        }
    }
    std::error_code ec;
    if (fs::file_size(file, ec) > (1u << 20) || ec) // a preset is a few hundred bytes; regular files only (above)
        throw Error("Preset file '" + file.string() + "' is not a preset (over 1 MiB or unreadable)",
                    "Give a preset name or a preset .json file", Error::Kind::InvalidInput);
    std::ifstream in(file);
    if (!in)
        throw Error("Cannot read preset file '" + file.string() + "'", "Check its permissions", Error::Kind::Io);
    std::stringstream ss;
    ss << in.rdbuf();
    return fromJson(ss.str(), file.string());
}

} // namespace ks::detect
