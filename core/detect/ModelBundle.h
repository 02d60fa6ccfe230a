#pragma once
/// \file ModelBundle.h
/// A trained detector on disk: one directory with manifest.json (format and app version,
/// preset, candidate sizes and sweep, feature configuration, backbone and weights checksum or
/// "no ImageNet transfer", training images' sha256 and split, seeds, metrics, and the sha256 of
/// every file of the bundle), the GBM models, the Haar feature list and the CNN networks.

#include "Detector.h"

#include <string>

namespace ks::detect {

/// A loaded bundle. Move-only (the detector is).
struct LoadedBundle
{
    Detector detector;
    std::string manifestJson;   ///< the whole manifest, for display
};

/// Stateless; thread-safe for different directories.
class ModelBundle
{
public:
    static constexpr int kFormatVersion = 1;

    /// Writes `detector` into `dir` (created; existing bundle files are replaced).
    /// \param provenanceJson a JSON object merged into the manifest (preset, training, split,
    ///        seeds, metrics); may be "{}"
    /// \throws ks::Error (Io) when the directory cannot be written
    static void save(Detector& detector, const std::string& dir, const std::string& provenanceJson = "{}");

    /// Reads a bundle. \throws ks::Error: no manifest (not a bundle), another format version
    ///         (names both), a file whose sha256 differs from the manifest (tampered or damaged,
    ///         names the file), a missing file.
    static LoadedBundle load(const std::string& dir);

    /// The application version written into manifests ("0.1.0").
    static std::string appVersion();
};

} // namespace ks::detect
