#pragma once
/// \file HtmlReport.h
/// The interpretability report as one self-contained HTML file (images embedded as base64 PNG):
/// Table 1 (detection), Table 2 (weight change), Fig. 4-style panels with the similarity and
/// speckle measures, per-image Dice, and the configuration needed to re-run the experiment.
/// Filled by the report command (or the GUI) and rendered here; no I/O besides write().

#include "interpret/LayerResponseSet.h"
#include "interpret/ReferenceMaps.h"
#include "interpret/WeightChange.h"

#include <opencv2/core.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ks::interpret {

/// A plain table of already formatted cells.
struct ReportTable
{
    std::string caption;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

/// One Fig. 4 panel: a patch, its hand-crafted maps and, per model, the layer's responses.
struct ReportPanel
{
    std::string caption;                  ///< "image 12, ground-truth box"
    ReferenceMaps reference;
    std::vector<LayerResponseSet> models; ///< e.g. NA, PA, FA on the same layer
    int topFilters = 3;                   ///< responses shown per model (best NCC with PC first)
};

struct ReportData
{
    std::string title = "KidneyScope interpretability report";
    std::string generated;                ///< time stamp text
    std::vector<std::string> notes;       ///< free sentences shown under the title (e.g. what was skipped)
    ReportTable table1;                   ///< detection results per method
    /// Table 2 per comparison, e.g. {"PA vs NA", table}.
    std::vector<std::pair<std::string, WeightChangeTable>> table2;
    std::vector<ReportPanel> panels;
    ReportTable measureSummary;           ///< the measures averaged over all panels
    ReportTable perImageDice;
    std::vector<std::pair<std::string, std::string>> configuration;  ///< key → value
    std::string manifestJson;             ///< the bundle manifest as stored (shown verbatim)
};

/// Stateless; thread-safe.
class HtmlReport
{
public:
    /// The whole document.
    static std::string render(const ReportData& data);
    /// Writes render(data) to `path`. \throws ks::Error (Io) when the file cannot be written.
    static void write(const ReportData& data, const std::string& path);

    /// "data:image/png;base64,..." of an image; float images are min-max scaled to 0–255 first.
    static std::string pngDataUri(const cv::Mat& image);
    /// Base64 (RFC 4648, with padding) and its inverse (for tests; throws ks::Error on bad input).
    static std::string base64(const std::vector<unsigned char>& bytes);
    static std::vector<unsigned char> unbase64(const std::string& text);
    /// Escapes & < > " ' for HTML text and attributes.
    static std::string escape(const std::string& text);
    /// Min-max scaling of a one-channel image to CV_8U (constant images → 0).
    static cv::Mat toDisplay8(const cv::Mat& image);
};

} // namespace ks::interpret
