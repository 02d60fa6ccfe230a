#include "ScreenOverlay.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

namespace ks::phantom {

namespace {
std::string format(const char* fmt, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}
} // namespace

void ScreenOverlay::draw(cv::Mat& image, const cv::Mat& fieldOfView, const PhantomCase& c, const std::string& preset)
{
    const ScanGeometry& g = c.geometry;
    const Acquisition& a = c.acquisition;
    cv::Mat layer(image.size(), CV_8U, cv::Scalar(0));
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const double scale = 0.38 * image.cols / 800.0;
    const cv::Scalar ink(215);
    const int line = std::max(10, int(std::lround(14 * image.cols / 800.0)));

    char id[64];
    std::snprintf(id, sizeof id, "KS-PHANTOM-%04d", c.index + 1);
    cv::putText(layer, "KIDNEYSCOPE PHANTOM", {8, line}, font, scale, ink, 1, cv::LINE_AA);
    cv::putText(layer, id, {8, 2 * line}, font, scale, ink, 1, cv::LINE_AA);
    cv::putText(layer, "SYNTHETIC - NOT A PATIENT", {8, 3 * line}, font, scale, ink, 1, cv::LINE_AA);
    const int right = image.cols - int(std::lround(120 * image.cols / 800.0));
    cv::putText(layer, "C5-1 ABD " + format("%.1fMHz", a.frequencyMHz), {right, line}, font, scale, ink, 1, cv::LINE_AA);
    cv::putText(layer, "D " + format("%.1f cm", g.depthMm / 10), {right, 2 * line}, font, scale, ink, 1, cv::LINE_AA);
    cv::putText(layer, "DR " + format("%.0f", a.dynamicRangeDb) + "  " + preset, {right, 3 * line}, font, scale, ink, 1,
                cv::LINE_AA);

    // Depth ruler right of the sector: a tick per cm, a long one and a label per 5 cm.
    const Box fov = g.fieldOfView();
    const int x = std::min(image.cols - 30, int(fov.right()) + 8);
    for (int cm = 0; cm * 10 <= g.depthMm + 1e-9; ++cm) {
        const int y = int(std::lround(g.rowOfDepth(cm * 10.0)));
        const int len = cm % 5 == 0 ? 9 : 5;
        cv::line(layer, {x, y}, {x + len, y}, ink, 1);
        if (cm % 5 == 0 && cm > 0)
            cv::putText(layer, std::to_string(cm), {x + 11, y + 4}, font, scale * 0.9, ink, 1, cv::LINE_AA);
    }
    const int yf = int(std::lround(g.rowOfDepth(a.focusMm)));
    const std::vector<std::vector<cv::Point>> focus{{{x - 2, yf}, {x - 8, yf - 4}, {x - 8, yf + 4}}};
    cv::fillPoly(layer, focus, ink);
    // Probe orientation mark at the sector's upper left corner.
    const cv::Point2d corner = g.toPixel(g.radiusMm, -g.halfAngleRad);
    cv::circle(layer, {int(corner.x) - 10, int(corner.y) - 6}, 4, ink, cv::FILLED, cv::LINE_AA);

    layer.setTo(cv::Scalar(0), fieldOfView);
    cv::max(image, layer, image);
}

} // namespace ks::phantom
