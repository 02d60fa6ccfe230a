#pragma once
/// \file TargetPreset.h
/// The physical size of the structure to detect, as data (resources/presets/*.json or a user
/// file). A preset without sizes (`data`) means "take the sizes from the training boxes alone".

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ks::detect {

/// Value type; thread-safe.
struct TargetPreset
{
    std::string name;                                   ///< "kidney", "data", ...
    std::string description;
    std::optional<std::pair<double, double>> lengthMm;  ///< long axis, mm (min, max)
    std::optional<std::pair<double, double>> widthMm;   ///< short axis, mm (min, max)
    std::pair<double, double> orientationDeg{0, 0};     ///< long-axis angle range vs. the image x axis
    double trainingMargin = 0.15;                       ///< relative margin around the training boxes' spread

    /// True when the preset has clinical sizes (length and width).
    bool hasSizes() const { return lengthMm.has_value() && widthMm.has_value(); }

    /// Range of the axis-aligned bounding box's width and height (mm) of a length×width
    /// rectangle over the preset's length, width and orientation ranges.
    /// \return {wMin, wMax, hMin, hMax}; throws ks::Error when the preset has no sizes.
    std::vector<double> axisAlignedRangeMm() const;

    /// Parses preset JSON text. \throws ks::Error naming `origin` and the bad field.
    static TargetPreset fromJson(const std::string& text, const std::string& origin = "preset");
    /// A preset by name (searched as NAME.json in `searchDirs`, then defaultDirs()) or by path
    /// to a .json file. \throws ks::Error listing the presets that exist.
    static TargetPreset load(const std::string& nameOrFile, const std::vector<std::string>& searchDirs = {});
    /// Serialises to JSON text (what the model bundle stores).
    std::string toJson() const;
    /// The built-in `data` preset (no sizes).
    static TargetPreset dataOnly();
    /// Folders searched for presets, first match wins: $KIDNEYSCOPE_PRESETS, the user's
    /// $XDG_DATA_HOME/kidneyscope/presets (~/.local/share/...), the installed share folder, the source tree.
    static std::vector<std::string> defaultDirs();
    /// Names of the presets found in `dirs` (sorted, unique).
    static std::vector<std::string> available(const std::vector<std::string>& dirs);
};

} // namespace ks::detect
