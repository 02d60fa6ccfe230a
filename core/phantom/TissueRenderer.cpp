#include "TissueRenderer.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace ks::phantom {

namespace {

/// Smooth random field, roughly unit standard deviation, with correlation lengths cellX × cellY px.
cv::Mat smoothNoise(Rng& rng, cv::Size size, double cellX, double cellY)
{
    const int w = std::max(2, int(size.width / cellX) + 3);
    const int h = std::max(2, int(size.height / cellY) + 3);
    cv::Mat small(h, w, CV_32F);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            small.at<float>(y, x) = float(rng.normal() * 1.3);
    cv::Mat big;
    cv::resize(small, big, size, 0, 0, cv::INTER_CUBIC);
    return big;
}

cv::Mat ellipseMask(cv::Size size, const Ellipse& e, double grow = 0)
{
    cv::Mat m(size, CV_8U, cv::Scalar(0));
    cv::ellipse(m, cv::Point(int(std::lround((e.center.x - 0.5) * 16)), int(std::lround((e.center.y - 0.5) * 16))),
                cv::Size(int(std::lround((e.a + grow) * 16)), int(std::lround((e.b + grow) * 16))), e.angleDeg, 0, 360,
                cv::Scalar(255), cv::FILLED, cv::LINE_8, 4);
    return m;
}

/// Paints one tissue into the maps where mask is set. `echo` is a scalar or a CV_32F field (dB
/// relative to liver, before contrast scaling).
class Painter
{
public:
    Painter(TissueMaps& maps, double contrast) : m_maps(maps), m_contrast(contrast) {}

    void paint(const cv::Mat& mask, const cv::Mat& echo, double density, double sparkle, double attenuation)
    {
        cv::Mat scaled;
        echo.convertTo(scaled, CV_32F, m_contrast);
        scaled.copyTo(m_maps.echoDb, mask);
        fill(mask, density, sparkle, attenuation);
    }
    void paint(const cv::Mat& mask, double echo, double density, double sparkle, double attenuation)
    {
        m_maps.echoDb.setTo(cv::Scalar(echo * m_contrast), mask);
        fill(mask, density, sparkle, attenuation);
    }

private:
    void fill(const cv::Mat& mask, double density, double sparkle, double attenuation)
    {
        m_maps.density.setTo(cv::Scalar(density), mask);
        m_maps.sparkle.setTo(cv::Scalar(sparkle), mask);
        m_maps.attenuation.setTo(cv::Scalar(attenuation), mask);
    }
    TissueMaps& m_maps;
    double m_contrast;
};

std::vector<cv::Point> fixedPoint(const std::vector<cv::Point2d>& poly)
{
    std::vector<cv::Point> pts;
    pts.reserve(poly.size());
    for (const auto& p : poly)
        pts.emplace_back(int(std::lround((p.x - 0.5) * 16)), int(std::lround((p.y - 0.5) * 16)));
    return pts;
}

cv::Mat polygonMask(cv::Size size, const std::vector<cv::Point2d>& poly)
{
    cv::Mat m(size, CV_8U, cv::Scalar(0));
    TissueRenderer::fillPolygon(m, poly);
    return m;
}

} // namespace

void TissueRenderer::fillPolygon(cv::Mat& mask, const std::vector<cv::Point2d>& polygon)
{
    const std::vector<std::vector<cv::Point>> polys{fixedPoint(polygon)};
    cv::fillPoly(mask, polys, cv::Scalar(255), cv::LINE_8, 4);
}

cv::Mat TissueRenderer::kidneyMask(const PhantomCase& c)
{
    const ScanGeometry& g = c.geometry;
    cv::Mat mask = polygonMask(cv::Size(g.width, g.height), c.kidney.outline());
    cv::Mat fov = g.fieldOfViewMask();
    cv::bitwise_and(mask, fov, mask);
    return mask;
}

TissueMaps TissueRenderer::render(const PhantomCase& c, const PhantomParams& params)
{
    const ScanGeometry& g = c.geometry;
    const cv::Size size(g.width, g.height);
    const double px = g.mmPerPixel;
    Rng rng = Rng::derive(c.seed, 2, static_cast<std::uint64_t>(c.index));
    TissueMaps maps = TissueMaps::uniform(size, 0, 1, 0, 0.35);
    Painter paint(maps, params.contrast);

    // Depth below the skin (mm) and beam angle of every pixel.
    cv::Mat depth(size, CV_32F), lateral(size, CV_32F);
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x) {
            const cv::Point2d p = g.toPolar(x + 0.5, y + 0.5);
            depth.at<float>(y, x) = float(p.x - g.radiusMm);
            lateral.at<float>(y, x) = float(p.y * p.x);   // arc length from the central beam, mm
        }
    const cv::Mat all(size, CV_8U, cv::Scalar(255));

    // 1. Background: posterior muscles (psoas, quadratus lumborum), striated.
    paint.paint(all, -6.0 + 2.2 * smoothNoise(rng, size, 30, 3), 1.0, 0.8, 0.4);

    // 2. Bowel loops in the caudal region above bowelBottomDepthMm.
    cv::Mat bowel = depth < float(c.bowelBottomDepthMm);
    paint.paint(bowel, -2.0 + 4.0 * smoothNoise(rng, size, 18, 14), 0.8, 3.0, 0.4);

    // 3. Liver: above the kidney (with the hepatorenal gap) and above the line to its tip.
    cv::Mat outer = polygonMask(size, c.kidney.outlineOffset(c.perirenalFatMm + c.hepatorenalGapMm));
    std::vector<float> boundary(size_t(g.width), float(g.height + 100));
    const double tipY = g.rowOfDepth(c.liverTipDepthMm);
    for (int x = 0; x < g.width; ++x) {
        for (int y = 0; y < g.height; ++y)
            if (outer.at<std::uint8_t>(y, x)) {
                boundary[size_t(x)] = float(y);
                break;
            }
        const double tipLine = tipY + (c.liverTipX - x) * 1.1;
        boundary[size_t(x)] = std::min(boundary[size_t(x)], float(tipLine));
    }
    cv::Mat liver(size, CV_8U, cv::Scalar(0));
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x)
            liver.at<std::uint8_t>(y, x) = y < boundary[size_t(x)] ? 255 : 0;
    cv::Mat liverTexture = 1.0 * smoothNoise(rng, size, 45, 45) + 0.7 * smoothNoise(rng, size, 9, 9);
    paint.paint(liver, liverTexture, 1.0, 2.0, 0.35);

    // 4. Below the diaphragm: the mirror image of the liver (slightly darker).
    if (c.hasDiaphragm) {
        std::vector<cv::Point2d> mirror = c.diaphragm;
        mirror.emplace_back(-2000, c.diaphragm.back().y);
        mirror.emplace_back(-2000, c.diaphragm.front().y);
        paint.paint(polygonMask(size, mirror), liverTexture - 7.0, 1.0, 1.0, 0.35);
    }

    // 5. Hepatic and portal veins (only inside the liver); portal veins have bright walls.
    for (size_t i = 0; i < c.vessels.size(); ++i) {
        const Ellipse& e = c.vessels[i];
        if (c.vesselWalls[i]) {
            cv::Mat wall = ellipseMask(size, e, 0.9 / px) & liver;
            paint.paint(wall, 7.0, 1.0, 2.0, 0.35);
        }
        cv::Mat lumen = ellipseMask(size, e) & liver;
        paint.paint(lumen, -30.0, 0.4, 0.0, 0.02);
    }

    // 6. Gallbladder: bright wall, anechoic bile (little attenuation: enhancement behind).
    for (const Ellipse& e : c.gallbladder) {
        paint.paint(ellipseMask(size, e, 1.0 / px), 5.0, 1.0, 1.0, 0.35);
        paint.paint(ellipseMask(size, e), -38.0, 0.2, 0.0, 0.01);
    }

    // 7. Diaphragm: a bright specular curve.
    if (c.hasDiaphragm) {
        cv::Mat line(size, CV_8U, cv::Scalar(0));
        const std::vector<std::vector<cv::Point>> pl{fixedPoint(c.diaphragm)};
        cv::polylines(line, pl, false, cv::Scalar(255), std::max(1, int(std::lround(c.diaphragmThicknessMm / px))),
                      cv::LINE_AA, 4);
        line = line > 100;
        paint.paint(line, 13.0 + 2.0 * smoothNoise(rng, size, 20, 20), 1.0, 4.0, 0.6);
    }

    // 8. Sinus-like blobs: bright fatty centres, often with a hypoechoic wall (pseudo-kidney).
    for (size_t i = 0; i < c.sinusLikeBlobs.size(); ++i) {
        const Ellipse& e = c.sinusLikeBlobs[i];
        if (c.blobRims[i])
            paint.paint(ellipseMask(size, e, rng.uniform(2.5, 6) / px), -9.0 + 1.5 * smoothNoise(rng, size, 8, 8), 1.0, 0.5, 0.35);
        cv::Mat core = ellipseMask(size, e);
        cv::Mat rough = smoothNoise(rng, size, 5, 5);
        paint.paint(core & (rough > -1.4f), 7.5 + 3.0 * rough, 0.6, 3.0, 0.45);
    }

    // 9. Bowel gas: very bright, nearly opaque (dirty shadow).
    for (const Ellipse& e : c.gasPockets) {
        cv::Mat gas = ellipseMask(size, e) & (smoothNoise(rng, size, 4, 4) > -0.8f);
        paint.paint(gas, 20.0, 0.7, 5.0, 9.0);
    }

    // 10. Kidney: perirenal fat, capsule, cortex, pyramids, sinus.
    const cv::Mat fine = smoothNoise(rng, size, 10, 10);
    paint.paint(polygonMask(size, c.kidney.outlineOffset(c.perirenalFatMm)), 3.0 + 2.0 * fine, 0.9, 2.0, 0.45);
    paint.paint(polygonMask(size, c.kidney.outlineOffset(0.5)), 9.0, 1.0, 2.0, 0.4);
    const cv::Mat kidney = polygonMask(size, c.kidney.outline());
    paint.paint(kidney, -4.0 + 0.6 * smoothNoise(rng, size, 25, 25), 1.0, 0.4, 0.3);
    for (const auto& pyr : c.kidney.pyramids())
        paint.paint(polygonMask(size, pyr) & kidney, rng.uniform(-15, -8), 0.8, 0.0, 0.25);
    {
        const cv::Mat sinus = polygonMask(size, c.kidney.sinus()) & kidney;
        const cv::Mat rough = smoothNoise(rng, size, 6, 6);
        paint.paint(sinus, 8.0 + 3.0 * rough, 0.5, 3.0, 0.45);
        paint.paint(sinus & (rough < -1.1f), -12.0, 0.5, 0.0, 0.1);
    }

    // 11. Abdominal wall: subcutaneous fat, fascia, muscle (following the skin's curvature).
    {
        const double fascia = 0.7;
        const cv::Mat fat = depth < float(c.subcutaneousMm);
        paint.paint(fat, -11.0 + 2.0 * smoothNoise(rng, size, 14, 5), 0.6, 1.5, 0.5);
        const cv::Mat muscle = (depth >= float(c.subcutaneousMm)) & (depth < float(c.subcutaneousMm + c.muscleMm));
        paint.paint(muscle, -4.0 + 2.5 * smoothNoise(rng, size, 30, 2.5), 1.0, 1.0, 0.45);
        const cv::Mat line1 = (depth >= float(c.subcutaneousMm - fascia)) & (depth < float(c.subcutaneousMm));
        const cv::Mat line2 = (depth >= float(c.subcutaneousMm + c.muscleMm - fascia)) & (depth < float(c.subcutaneousMm + c.muscleMm));
        paint.paint(line1 | line2, 7.0, 1.0, 2.0, 0.45);
        const cv::Mat skin = depth < float(1.2);
        paint.paint(skin, 6.0, 1.0, 2.0, 0.4);
    }

    // 12. Ribs: a bright curved bony surface that stops nearly all sound.
    for (const Rib& r : c.ribs) {
        const double centre = r.theta * (g.radiusMm + r.depthMm);
        cv::Mat surface(size, CV_8U, cv::Scalar(0)), bone(size, CV_8U, cv::Scalar(0));
        for (int y = 0; y < g.height; ++y)
            for (int x = 0; x < g.width; ++x) {
                const double u = (lateral.at<float>(y, x) - centre) / r.halfWidthMm;
                const double d = depth.at<float>(y, x) - r.depthMm - 1.5 * u * u;
                surface.at<std::uint8_t>(y, x) = (std::abs(u) <= 1 && d >= 0 && d < 1.2) ? 255 : 0;
                bone.at<std::uint8_t>(y, x) = (std::abs(u) <= 1 && d >= 1.2 && d < 4.0) ? 255 : 0;
            }
        // the cortical surface reflects strongly; the bone behind it stops the beam
        paint.paint(surface, 18.0, 1.0, 4.0, 1.5);
        paint.paint(bone, 0.0, 1.0, 0.0, 12.0);
    }
    // Tissue boundaries are not infinitely sharp.
    cv::GaussianBlur(maps.echoDb, maps.echoDb, cv::Size(0, 0), 0.8);
    return maps;
}

} // namespace ks::phantom
