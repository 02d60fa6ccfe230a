#include "HtmlReport.h"

#include "common/Error.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace ks::interpret {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string fmt(double v, int digits = 3)
{
    if (std::isinf(v))
        return "inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string percent(double v)
{
    return std::isinf(v) ? "inf" : fmt(100 * v, 1) + " %";
}

void table(std::ostringstream& h, const ReportTable& t)
{
    if (t.columns.empty() && t.rows.empty())
        return;
    h << "<table>";
    if (!t.caption.empty())
        h << "<caption>" << HtmlReport::escape(t.caption) << "</caption>";
    h << "<tr>";
    for (const auto& c : t.columns)
        h << "<th>" << HtmlReport::escape(c) << "</th>";
    h << "</tr>\n";
    for (const auto& row : t.rows) {
        h << "<tr>";
        for (const auto& cell : row)
            h << "<td>" << HtmlReport::escape(cell) << "</td>";
        h << "</tr>\n";
    }
    h << "</table>\n";
}

void figure(std::ostringstream& h, const cv::Mat& image, const std::string& caption)
{
    h << "<figure><img src=\"" << HtmlReport::pngDataUri(image) << "\" alt=\"" << HtmlReport::escape(caption)
      << "\"><figcaption>" << HtmlReport::escape(caption) << "</figcaption></figure>";
}

/// Bar chart of a change histogram as inline SVG.
void histogramSvg(std::ostringstream& h, const LayerChange& lc, double binWidth, double threshold)
{
    int peak = 1;
    for (int v : lc.histogram)
        peak = std::max(peak, v);
    const int barW = 14, height = 50;
    const int width = barW * static_cast<int>(lc.histogram.size());
    h << "<svg width=\"" << width << "\" height=\"" << height << "\" role=\"img\"><title>"
      << HtmlReport::escape(lc.layer) << ": relative change, bins of " << fmt(100 * binWidth, 0) << " %</title>";
    for (std::size_t i = 0; i < lc.histogram.size(); ++i) {
        const int bh = lc.histogram[i] * height / peak;
        const bool over = (static_cast<double>(i) + 1) * binWidth > threshold;
        h << "<rect x=\"" << i * barW + 1 << "\" y=\"" << height - bh << "\" width=\"" << barW - 2 << "\" height=\""
          << bh << "\" fill=\"" << (over ? "#c0392b" : "#7f8c8d") << "\"><title>" << fmt(100 * binWidth * double(i), 0)
          << "–" << fmt(100 * binWidth * double(i + 1), 0) << " %: " << lc.histogram[i] << "</title></rect>";
    }
    h << "</svg>";
}

} // namespace

std::string HtmlReport::escape(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string HtmlReport::base64(const std::vector<unsigned char>& bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const unsigned v = (unsigned(bytes[i]) << 16) | (i + 1 < bytes.size() ? unsigned(bytes[i + 1]) << 8 : 0u)
            | (i + 2 < bytes.size() ? unsigned(bytes[i + 2]) : 0u);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
    }
    return out;
}

std::vector<unsigned char> HtmlReport::unbase64(const std::string& text)
{
    if (text.size() % 4 != 0)
        throw Error("Base64 text length is not a multiple of 4");
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + k];
            if (c == '=' && i + 4 == text.size() && k >= 2) {
                v[k] = 0;
                ++pad;
            } else if ((v[k] = value(c)) < 0 || pad > 0) {
                throw Error("Invalid base64 text");
            }
        }
        const unsigned n = (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
        out.push_back(static_cast<unsigned char>(n >> 16));
        if (pad < 2)
            out.push_back(static_cast<unsigned char>((n >> 8) & 255));
        if (pad < 1)
            out.push_back(static_cast<unsigned char>(n & 255));
    }
    return out;
}

cv::Mat HtmlReport::toDisplay8(const cv::Mat& image)
{
    if (image.type() == CV_8UC1 || image.type() == CV_8UC3)
        return image;
    cv::Mat out;
    double lo, hi;
    cv::minMaxLoc(image, &lo, &hi);
    if (hi > lo)
        image.convertTo(out, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));
    else
        out = cv::Mat::zeros(image.size(), CV_8U);
    return out;
}

std::string HtmlReport::pngDataUri(const cv::Mat& image)
{
    if (image.empty())
        return {};
    std::vector<unsigned char> png;
    if (!cv::imencode(".png", toDisplay8(image), png))
        throw Error("Could not encode an image of the report as PNG", {}, Error::Kind::Internal);
    return "data:image/png;base64," + base64(png);
}

std::string HtmlReport::render(const ReportData& d)
{
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape(d.title)
      << "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
         "th{background:#eee}caption{font-weight:bold;text-align:left;padding:4px 0}"
         "figure{display:inline-block;margin:4px;text-align:center;vertical-align:top}"
         "figure img{width:150px;height:150px;image-rendering:pixelated;border:1px solid #999}"
         "figcaption{font-size:11px;max-width:150px}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}"
         ".row{margin:6px 0;border-top:1px solid #ddd}</style></head><body>\n";
    h << "<h1>" << escape(d.title) << "</h1>\n";
    if (!d.generated.empty())
        h << "<p>Generated " << escape(d.generated) << "</p>\n";
    for (const auto& n : d.notes)
        h << "<p class=\"note\">" << escape(n) << "</p>\n";

    h << "<h2>Table 1: detection</h2>\n";
    if (d.table1.rows.empty())
        h << "<p>No detection results.</p>\n";
    table(h, d.table1);

    h << "<h2>Table 2: filters changed by fine-tuning</h2>\n";
    if (d.table2.empty())
        h << "<p>No fine-tuned model to compare.</p>\n";
    for (const auto& [name, t] : d.table2) {
        h << "<table><caption>" << escape(name) << ": filters whose weights changed by more than "
          << fmt(100 * t.threshold, 0) << " % (relative L2 norm)</caption>"
          << "<tr><th>Layer</th><th>Filters</th><th>Changed</th><th>Mean</th><th>Min</th><th>Q25</th><th>Median</th>"
             "<th>Q75</th><th>Max</th><th>Distribution</th></tr>\n";
        for (const auto& lc : t.layers) {
            h << "<tr><td>" << escape(lc.layer) << "</td><td>" << lc.filters << "</td><td>" << lc.changed << "</td><td>"
              << percent(lc.mean) << "</td><td>" << percent(lc.min) << "</td><td>" << percent(lc.q25) << "</td><td>"
              << percent(lc.median) << "</td><td>" << percent(lc.q75) << "</td><td>" << percent(lc.max) << "</td><td>";
            histogramSvg(h, lc, t.binWidth, t.threshold);
            h << "</td></tr>\n";
        }
        h << "</table>\n";
    }

    h << "<h2>Figure 4: responses beside hand-crafted features</h2>\n"
         "<p>NCC: normalised cross-correlation of a filter's response (after ReLU, upsampled to the patch) "
         "with phase congruency (PC) or Frangi vesselness of the same patch. SI: speckle index std/mean of the "
         "rectified response in homogeneous tissue; residual: std in homogeneous tissue / std over the patch "
         "(lower = speckle suppressed relative to structure).</p>\n";
    for (const auto& p : d.panels) {
        h << "<h3>" << escape(p.caption) << "</h3><div class=\"row\">";
        figure(h, p.reference.input, "input (SI " + fmt(p.reference.inputSpeckle.speckleIndex) + ")");
        figure(h, p.reference.phase, "phase congruency");
        figure(h, p.reference.frangi, "Frangi vesselness");
        figure(h, p.reference.homogeneous, "homogeneous tissue");
        h << "</div>\n";
        for (const auto& m : p.models) {
            h << "<div class=\"row\">";
            const auto order = m.ranking();
            int shown = 0;
            for (int idx : order) {
                if (shown >= p.topFilters)
                    break;
                const auto& f = m.filters[static_cast<std::size_t>(idx)];
                figure(h, f.response,
                       m.model + " " + m.layer + "_" + std::to_string(f.filter + 1) + ": NCC PC " + fmt(f.nccPhase, 2)
                           + ", Frangi " + fmt(f.nccFrangi, 2) + ", SI " + fmt(f.speckle.rectified.speckleIndex, 2));
                ++shown;
            }
            h << "</div>\n";
        }
        h << "<table><caption>Measures over all filters of the layer</caption><tr><th>Model</th><th>Layer</th>"
             "<th>Filters</th><th>Dead</th><th>Mean NCC PC</th><th>Max NCC PC</th><th>Mean NCC Frangi</th>"
             "<th>Max NCC Frangi</th><th>Mean SI</th><th>Mean residual</th></tr>\n";
        for (const auto& m : p.models)
            h << "<tr><td>" << escape(m.model) << "</td><td>" << escape(m.layer) << "</td><td>" << m.filters.size()
              << "</td><td>" << m.deadFilters << "</td><td>" << fmt(m.meanNccPhase) << "</td><td>" << fmt(m.maxNccPhase)
              << "</td><td>" << fmt(m.meanNccFrangi) << "</td><td>" << fmt(m.maxNccFrangi) << "</td><td>"
              << fmt(m.meanSpeckleIndex) << "</td><td>" << fmt(m.meanResidual) << "</td></tr>\n";
        h << "</table>\n";
    }
    if (d.panels.empty())
        h << "<p>No patches analysed.</p>\n";
    table(h, d.measureSummary);

    h << "<h2>Per-image Dice</h2>\n";
    if (d.perImageDice.rows.empty())
        h << "<p>No per-image results.</p>\n";
    table(h, d.perImageDice);

    h << "<h2>Configuration</h2>\n<table>";
    for (const auto& [k, v] : d.configuration)
        h << "<tr><th>" << escape(k) << "</th><td style=\"text-align:left\">" << escape(v) << "</td></tr>\n";
    h << "</table>\n";
    if (!d.manifestJson.empty())
        h << "<h3>Bundle manifest</h3><pre>" << escape(d.manifestJson) << "</pre>\n";
    h << "</body></html>\n";
    return h.str();
}

void HtmlReport::write(const ReportData& data, const std::string& path)
{
    const std::string html = render(data);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f)
        throw Error("Cannot write the report to " + path, "Check that the folder exists and is writable",
                    Error::Kind::Io);
    f << html;
    if (!f.flush())
        throw Error("Writing the report to " + path + " failed", "Check the free disk space", Error::Kind::Io);
}

} // namespace ks::interpret
