#pragma once
/// \file DemoStudy.h
/// The built-in demo study that `make demo` opens: a small set of phantom kidney scans with
/// ground truth, generated on first run into the user's data folder (never committed).
/// CONTRACT owned by ks_phantom; the GUI calls it.

#include "common/Progress.h"

#include <string>

namespace ks::phantom {

/// Thread-safe if callers use different folders.
class DemoStudy
{
public:
    /// Makes sure `folder` holds the demo study: DICOM files plus `annotations.json` (COCO ground
    /// truth). Generates it (a few seconds) when absent or incomplete; returns at once otherwise.
    /// \return the folder's path (absolute)
    /// \throws ks::Error (Io) when the folder cannot be written
    static std::string ensure(const std::string& folder, Progress& progress = NullProgress::instance());

    /// The annotation project of the demo study: `folder`/project, holding the phantom's ground
    /// truth as imported ROIs of author groundTruthAuthor(). Created (after ensure()) when absent;
    /// an existing project is left as it is, so nothing a user drew there is ever replaced.
    /// \return the project folder (absolute)
    /// \throws ks::Error when the project cannot be created
    static std::string ensureProject(const std::string& folder, Progress& progress = NullProgress::instance());

    /// "phantom ground truth": the author of every phantom ROI (annotations.json and the project).
    static std::string groundTruthAuthor();
};

} // namespace ks::phantom
