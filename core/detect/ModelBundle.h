#pragma once
/// \file ModelBundle.h
/// A trained detector on disk: one directory with manifest.json (format and app version,
/// preset, candidate sizes and sweep, feature configuration, backbone and weights checksum or
/// "no ImageNet transfer", training images' sha256 and counts (no patient data), split, seeds,
/// metrics, and `files`: the sha256 and size of every other file), manifest.sha256 (the
/// checksum of manifest.json, as sha256sum writes it), the GBM models, the Haar feature list and
/// the CNN networks as data-only weight files (.kst, cnn::TensorArchive).
///
/// Bundles are data only: loading one never runs code from it. A bundle from anyone is checked
/// before anything in it is parsed: the manifest against manifest.sha256, then every listed file
/// (a plain name inside the folder, a regular file within its size cap, its size and sha256 as
/// listed). Older bundles (format 1, TorchScript .net networks) are refused with a message.

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
    static constexpr int kFormatVersion = 2;

    /// Writes `detector` into `dir` (created; existing bundle files are replaced).
    /// \param provenanceJson a JSON object merged into the manifest (preset, training, split,
    ///        seeds, metrics); may be "{}"
    /// \throws ks::Error (Io) when the directory cannot be written
    static void save(Detector& detector, const std::string& dir, const std::string& provenanceJson = "{}");

    /// Reads a bundle. \throws ks::Error: no manifest (not a bundle); no manifest.sha256 (an older
    ///         or altered bundle: Unsupported); a manifest that does not match it; another format
    ///         version (names both); a missing or empty `files` list; a file name that is absolute,
    ///         has '..' or a folder, resolves outside the folder, is not a regular file, is over
    ///         its cap (.kst 1 GiB, others 64 MiB) or differs in size or sha256 from the list
    ///         (tampered or damaged, names the file); a .net (TorchScript) network.
    static LoadedBundle load(const std::string& dir);

    /// The application version written into manifests ("0.1.0").
    static std::string appVersion();
};

} // namespace ks::detect
