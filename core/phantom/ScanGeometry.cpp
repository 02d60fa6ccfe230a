#include "ScanGeometry.h"

#include <algorithm>
#include <cmath>

namespace ks::phantom {

ScanGeometry ScanGeometry::layout(int width, int height, double depthMm, double radiusMm,
                                  double halfAngleRad, int fovRows)
{
    ScanGeometry g;
    g.width = width;
    g.height = height;
    g.depthMm = depthMm;
    g.radiusMm = radiusMm;
    g.halfAngleRad = halfAngleRad;
    const double topMargin = 0.075 * height;
    const double heightMm = depthMm + radiusMm * (1 - std::cos(halfAngleRad));
    double px = heightMm / fovRows;
    const double widthMm = 2 * (radiusMm + depthMm) * std::sin(halfAngleRad);
    const double maxWidthPx = width - 0.18 * width;  // room for the depth ruler
    px = std::max(px, widthMm / maxWidthPx);
    px = std::max(px, heightMm / (height - topMargin - 8));
    g.mmPerPixel = px;
    g.apexX = 0.47 * width;
    g.apexY = topMargin - radiusMm * std::cos(halfAngleRad) / px;
    return g;
}

cv::Point2d ScanGeometry::toPixel(double rhoMm, double theta) const
{
    return {apexX + rhoMm * std::sin(theta) / mmPerPixel, apexY + rhoMm * std::cos(theta) / mmPerPixel};
}

cv::Point2d ScanGeometry::toPolar(double x, double y) const
{
    const double dx = (x - apexX) * mmPerPixel;
    const double dy = (y - apexY) * mmPerPixel;
    return {std::sqrt(dx * dx + dy * dy), std::atan2(dx, dy)};
}

bool ScanGeometry::contains(double x, double y) const
{
    return insideMarginMm(x, y) >= 0;
}

double ScanGeometry::insideMarginMm(double x, double y) const
{
    const cv::Point2d p = toPolar(x, y);
    const double radial = std::min(p.x - radiusMm, radiusMm + depthMm - p.x);
    const double lateral = (halfAngleRad - std::abs(p.y)) * p.x;
    return std::min(radial, lateral);
}

Box ScanGeometry::fieldOfView() const
{
    const double rOuter = (radiusMm + depthMm) / mmPerPixel;
    const double left = apexX - rOuter * std::sin(halfAngleRad);
    const double top = apexY + radiusMm * std::cos(halfAngleRad) / mmPerPixel;
    const double x0 = std::max(0.0, std::floor(left));
    const double y0 = std::max(0.0, std::floor(top));
    const double x1 = std::min<double>(width, std::ceil(2 * apexX - left));
    const double y1 = std::min<double>(height, std::ceil(apexY + rOuter));
    return Box{x0, y0, x1 - x0, y1 - y0};
}

cv::Mat ScanGeometry::fieldOfViewMask() const
{
    cv::Mat mask(height, width, CV_8U, cv::Scalar(0));
    for (int y = 0; y < height; ++y) {
        auto* row = mask.ptr<std::uint8_t>(y);
        for (int x = 0; x < width; ++x)
            row[x] = contains(x + 0.5, y + 0.5) ? 255 : 0;
    }
    return mask;
}

double ScanGeometry::rowOfDepth(double depth) const
{
    return apexY + (radiusMm + depth) / mmPerPixel;
}

} // namespace ks::phantom
