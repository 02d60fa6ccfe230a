#pragma once
/// \file ReportBuilder.h
/// Fills a ReportData from a trained detector bundle (ks_detect) and an annotated study:
/// evaluates the detector (Table 1, per-image Dice), compares the bundle's NA network with its PA
/// and FA networks (Table 2), and analyses the responses of chosen layers on ground-truth patches
/// (Fig. 4 with measures). Used by `kidneyscope-cli report` and the GUI's report action.

#include "interpret/HtmlReport.h"

#include "common/Progress.h"

#include <string>
#include <vector>

namespace ks::interpret {

struct ReportOptions
{
    std::string bundleDir;            ///< folder written by `kidneyscope-cli train`
    std::string study;                ///< COCO JSON file, or a folder holding annotations.json
    std::string category;             ///< COCO category to use ("" = the first annotation of each image)
    int patches = 2;                  ///< ground-truth patches for the Fig. 4 panels (spread over the study)
    std::vector<std::string> layers;  ///< conv layers to analyse; empty = the network's first two
    int topFilters = 3;               ///< responses shown per model and layer
    int patchSize = 227;              ///< side of the square patch (pixels); the network input size
    double changeThreshold = 0.4;     ///< Table 2 threshold (relative L2 change)
    bool evaluate = true;             ///< run the detector on the study (Table 1, per-image Dice)
    int maxImages = 0;                ///< evaluate at most this many frames (0 = all)
};

/// A headline figure for the CLI (and the lead's notes).
struct ReportSummary
{
    std::vector<std::string> lines;
};

/// Stateless; thread-safe for different bundles.
class ReportBuilder
{
public:
    /// \throws ks::Error: not a bundle, a study without annotations, no CNN network in the bundle
    ///         (Table 2 and panels need at least NA), unknown layer; ks::Cancelled.
    static ReportData build(const ReportOptions& options, ReportSummary* summary = nullptr,
                            Progress& progress = NullProgress::instance());

    /// COCO path of a study argument: the file itself, or `annotations.json` inside a folder.
    /// \throws ks::Error when neither exists.
    static std::string cocoPath(const std::string& study);
};

} // namespace ks::interpret
