#include "UltrasoundCalibration.h"

#include <cmath>
#include <cstdio>

namespace ks::dicom {

namespace {
constexpr int kUnitsCm = 3;
constexpr int kFormat2D = 1;
constexpr int kTissue = 1;
constexpr int kColorFlow = 2;

std::string mm(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g mm", v);
    return buf;
}

bool sameSize(double a, double b)
{
    return std::abs(a - b) <= 1e-6 * std::max(std::abs(a), std::abs(b));
}
} // namespace

bool UltrasoundRegion::qualifies() const
{
    return spatialFormat == kFormat2D && (dataType == kTissue || dataType == kColorFlow)
           && unitsX == kUnitsCm && unitsY == kUnitsCm && deltaX > 0 && deltaY > 0
           && maxX1 >= minX0 && maxY1 >= minY0;
}

Box UltrasoundRegion::extent() const
{
    return Box{double(minX0), double(minY0), double(maxX1 - minX0 + 1), double(maxY1 - minY0 + 1)};
}

Calibration computeCalibration(const CalibrationInputs& in)
{
    Calibration c;
    int best = -1;
    int qualifying = 0;
    for (size_t i = 0; i < in.regions.size(); ++i) {
        const auto& r = in.regions[i];
        if (!r.qualifies())
            continue;
        ++qualifying;
        if (best < 0) {
            best = int(i);
            continue;
        }
        const auto& b = in.regions[size_t(best)];
        const bool rTissue = r.dataType == kTissue, bTissue = b.dataType == kTissue;
        if ((rTissue && !bTissue) || (rTissue == bTissue && r.extent().area() > b.extent().area()))
            best = int(i);
    }
    if (best >= 0) {
        const auto& r = in.regions[size_t(best)];
        c.source = CalibrationSource::UltrasoundRegion;
        c.mmPerPixelX = r.deltaX * 10.0;
        c.mmPerPixelY = r.deltaY * 10.0;
        c.fieldOfView = r.extent();
        c.description = "ultrasound region " + std::to_string(best + 1) + " of "
                        + std::to_string(in.regions.size()) + " ("
                        + (r.dataType == kTissue ? "2-D tissue" : "2-D colour flow") + ", x "
                        + std::to_string(r.minX0) + "-" + std::to_string(r.maxX1) + ", y "
                        + std::to_string(r.minY0) + "-" + std::to_string(r.maxY1) + "): "
                        + mm(c.mmPerPixelX) + " x " + mm(c.mmPerPixelY) + " per pixel";
        for (const auto& o : in.regions) {
            if (!o.qualifies() || (sameSize(o.deltaX, r.deltaX) && sameSize(o.deltaY, r.deltaY)))
                continue;
            c.uniform = false;
            c.description += "; NOT uniformly calibrated: another 2-D region has "
                             + mm(o.deltaX * 10.0) + " x " + mm(o.deltaY * 10.0)
                             + " per pixel, measurements are valid inside the applicable region only";
            break;
        }
        if (qualifying < int(in.regions.size()))
            c.description += "; " + std::to_string(int(in.regions.size()) - qualifying)
                             + " region(s) not 2-D tissue/colour in cm ignored";
        return c;
    }
    auto fromSpacing = [&](const std::vector<double>& s, CalibrationSource src, const char* what) {
        if (s.size() < 2 || !(s[0] > 0) || !(s[1] > 0))
            return false;
        c.source = src;
        c.mmPerPixelY = s[0];
        c.mmPerPixelX = s[1];
        c.description = std::string(what) + ": " + mm(c.mmPerPixelX) + " x " + mm(c.mmPerPixelY)
                        + " per pixel";
        if (!in.regions.empty())
            c.description += " (no ultrasound region is a 2-D tissue region in cm)";
        return true;
    };
    if (fromSpacing(in.pixelSpacing, CalibrationSource::PixelSpacing, "pixel spacing (0028,0030)")
        || fromSpacing(in.imagerPixelSpacing, CalibrationSource::ImagerPixelSpacing,
                       "imager pixel spacing (0018,1164)"))
        return c;
    c.description = in.regions.empty()
                        ? "uncalibrated: no ultrasound regions and no pixel spacing"
                        : "uncalibrated: no ultrasound region is a 2-D tissue/colour region in cm";
    return c;
}

} // namespace ks::dicom
