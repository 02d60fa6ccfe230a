#pragma once
/// \file PhantomParams.h
/// Difficulty controls of the kidney phantom and their presets.

#include <string>
#include <vector>

namespace ks::phantom {

/// What makes a phantom image easy or hard. Value type; thread-safe.
struct PhantomParams
{
    std::string preset = "standard";
    int width = 800;                ///< image columns
    int height = 600;               ///< image rows
    /// 1 = raw single-look speckle; lower blends in a scanner-style speckle reduction filter.
    double speckleStrength = 0.7;
    /// Scales every tissue's echogenicity difference to liver (dB): 1 = typical adult.
    double contrast = 1.0;
    /// Scales how often distractors (shadows, gallbladder, sinus-like blobs) appear.
    double distractorRate = 1.0;
    /// Fraction of kidneys placed so that the sector's edge cuts them.
    double cutProbability = 0.12;
    /// Standard deviation (dB) of the time-gain-compensation slider errors.
    double tgcErrorDb = 2.5;
    /// Electronic noise floor (dB relative to liver at the skin line).
    double noiseDb = -68;
    /// Burned-in scanner text and depth ruler outside the field of view.
    bool burnedInText = true;

    /// "easy", "standard" or "hard". \throws ks::Error naming the known presets otherwise.
    static PhantomParams fromPreset(const std::string& name);
    static std::vector<std::string> presetNames();
};

} // namespace ks::phantom
