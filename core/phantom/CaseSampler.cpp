#include "CaseSampler.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace ks::phantom {

namespace {
struct Extent
{
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
};

Extent extentOf(const std::vector<cv::Point2d>& pts)
{
    Extent e;
    for (const auto& p : pts) {
        e.x0 = std::min(e.x0, p.x), e.x1 = std::max(e.x1, p.x);
        e.y0 = std::min(e.y0, p.y), e.y1 = std::max(e.y1, p.y);
    }
    return e;
}

/// Fraction of outline points outside the sector and the smallest margin (mm) of those inside.
std::pair<double, double> fitOf(const ScanGeometry& g, const std::vector<cv::Point2d>& outline)
{
    int outside = 0;
    double margin = 1e9;
    for (const auto& p : outline) {
        const double m = g.insideMarginMm(p.x, p.y);
        margin = std::min(margin, m);
        if (m < 0)
            ++outside;
    }
    return {double(outside) / double(outline.size()), margin};
}

bool ellipseClear(const Ellipse& e, const std::vector<cv::Point2f>& keepOut, const ScanGeometry& g, double minInside)
{
    for (int i = 0; i < 16; ++i) {
        const double t = 2 * M_PI * i / 16;
        const double a = e.angleDeg * M_PI / 180;
        const double ux = e.a * std::cos(t), uy = e.b * std::sin(t);
        const cv::Point2d p{e.center.x + ux * std::cos(a) - uy * std::sin(a), e.center.y + ux * std::sin(a) + uy * std::cos(a)};
        if (cv::pointPolygonTest(keepOut, cv::Point2f(float(p.x), float(p.y)), false) >= 0)
            return false;
    }
    return g.insideMarginMm(e.center.x, e.center.y) >= minInside;
}

std::vector<cv::Point2f> toFloat(const std::vector<cv::Point2d>& pts)
{
    std::vector<cv::Point2f> out;
    for (const auto& p : pts)
        out.emplace_back(float(p.x), float(p.y));
    return out;
}

/// A point drawn uniformly in the sector between two depths below the skin (mm).
cv::Point2d pointInSector(Rng& rng, const ScanGeometry& g, double d0, double d1, double thetaLo = -1, double thetaHi = 1)
{
    const double theta = g.halfAngleRad * rng.uniform(thetaLo, thetaHi) * 0.92;
    return g.toPixel(g.radiusMm + rng.uniform(d0, d1), theta);
}
} // namespace

PhantomCase CaseSampler::draw(std::uint64_t seed, int index, const PhantomParams& params)
{
    Rng rng = Rng::derive(seed, 1, static_cast<std::uint64_t>(index));
    PhantomCase c;
    c.seed = seed;
    c.index = index;
    const bool wantCut = rng.chance(params.cutProbability);

    for (int attempt = 0;; ++attempt) {
        double length = rng.uniform(kMinLengthMm, kMaxLengthMm);
        double width = rng.uniform(kMinWidthMm, kMaxWidthMm);
        if (width > 0.72 * length || width < 0.3 * length) {
            if (attempt < 200)
                continue;
            width = std::clamp(0.5 * length, kMinWidthMm, kMaxWidthMm);
        }
        const double angle = rng.uniform(kMinAngleDeg, kMaxAngleDeg);
        KidneyShape kidney = KidneyShape::draw(rng, length, width, angle);
        kidney.place(0, 0, 1.0);   // outline in mm around the centre
        const Extent ext = extentOf(kidney.outline());
        const double h = ext.y1 - ext.y0;
        double top = rng.uniform(24, 50);
        double depth = std::clamp(top + h + rng.uniform(8, 35), kMinDepthMm, kMaxDepthMm);
        if (top + h + 4 > depth)
            top = depth - h - 4;
        if (top < 18 && attempt < 200)
            continue;
        const double radius = rng.uniform(40, 60);
        const double half = rng.uniform(28, 34) * M_PI / 180;
        const ScanGeometry g = ScanGeometry::layout(params.width, params.height, depth, radius, half, 500 + rng.below(30));
        const double cy = g.rowOfDepth(top) - ext.y0 / g.mmPerPixel;

        // Lateral offsets (mm) where the whole kidney fits with a 2 mm margin.
        std::vector<double> fits, cuts;
        const double target = rng.uniform(0.08, 0.3);
        for (double dx = -90; dx <= 90; dx += 1) {
            kidney.place(g.apexX + dx / g.mmPerPixel, cy, g.mmPerPixel);
            const auto [outside, margin] = fitOf(g, kidney.outline());
            if (outside == 0 && margin >= 2)
                fits.push_back(dx);
            else if (outside >= target && outside <= target + 0.12)
                cuts.push_back(dx);
        }
        if (fits.empty() && attempt < 200)
            continue;
        double dx = 0;
        if (wantCut && !cuts.empty())
            dx = cuts[static_cast<size_t>(rng.below(int(cuts.size())))];
        else if (!fits.empty()) {
            // prefer the middle of the feasible range, as a sonographer would
            const double lo = fits.front(), hi = fits.back();
            dx = std::round((lo + hi) / 2 + (hi - lo) / 2 * 0.8 * rng.uniform(-1, 1));
        }
        kidney.place(g.apexX + dx / g.mmPerPixel, cy, g.mmPerPixel);
        c.geometry = g;
        c.kidney = kidney;
        c.cutByFieldOfView = fitOf(g, kidney.outline()).first > 0;
        break;
    }

    const ScanGeometry& g = c.geometry;
    const double px = g.mmPerPixel;
    const Extent kx = extentOf(c.kidney.outline());
    const double kidneyTopDepth = (kx.y0 - g.rowOfDepth(0)) * px;
    const double kidneyMidDepth = (c.kidney.centerY() - g.rowOfDepth(0)) * px;

    c.subcutaneousMm = rng.uniform(5, std::min(18.0, kidneyTopDepth * 0.4));
    c.muscleMm = rng.uniform(4, std::min(12.0, kidneyTopDepth * 0.3));
    c.perirenalFatMm = rng.uniform(1.5, 5);
    c.hepatorenalGapMm = rng.uniform(0.6, 2.5);
    c.liverTipX = kx.x1 + rng.uniform(-25, 45) / px;
    c.liverTipDepthMm = c.subcutaneousMm + c.muscleMm + rng.uniform(4, 25);
    c.bowelBottomDepthMm = kidneyMidDepth + rng.uniform(-10, 15);

    // Diaphragm: a bright curve that wraps the upper (left) pole and runs down to the bottom.
    c.hasDiaphragm = rng.chance(0.85);
    c.diaphragmThicknessMm = rng.uniform(2.5, 5.0);
    {
        const auto outline = c.kidney.outline();
        const auto left = *std::min_element(outline.begin(), outline.end(),
                                            [](const cv::Point2d& a, const cv::Point2d& b) { return a.x < b.x; });
        const double gap = (c.perirenalFatMm + rng.uniform(3, 14)) / px;
        const double poleDepth = (left.y - g.rowOfDepth(0)) * px;
        const cv::Point2d p0 = g.toPixel(g.radiusMm + std::max(c.subcutaneousMm + c.muscleMm + 5, poleDepth - rng.uniform(0, 30)),
                                         -g.halfAngleRad * 1.15);
        const cv::Point2d p2{left.x + rng.uniform(0.05, 0.35) * c.kidney.lengthMm() / px - gap,
                             g.rowOfDepth(g.depthMm) + 20};
        // bulging away from the liver (towards the lower left): the liver sits under the dome
        const double bend = rng.uniform(0.6, 0.95);
        const cv::Point2d p1{p0.x + (1 - bend) * (p2.x - p0.x), p0.y + bend * (p2.y - p0.y)};
        const auto keepOut = toFloat(c.kidney.outlineOffset(c.perirenalFatMm + 1.5));
        double shift = 0;
        for (int tries = 0; tries < 40; ++tries) {
            bool clear = true;
            c.diaphragm.clear();
            for (int i = 0; i <= 40; ++i) {
                const double t = i / 40.0;
                const cv::Point2d q = (1 - t) * (1 - t) * p0 + 2 * (1 - t) * t * p1 + t * t * p2 - cv::Point2d(shift, 0);
                c.diaphragm.push_back(q);
                if (cv::pointPolygonTest(keepOut, cv::Point2f(float(q.x), float(q.y)), false) >= 0)
                    clear = false;
            }
            if (clear)
                break;
            shift += 3 / px;
        }
    }

    const auto keepOut = toFloat(c.kidney.outlineOffset(c.perirenalFatMm + 4));
    const double rate = params.distractorRate;

    // Liver vessels (drawn only where liver is).
    const int vessels = 2 + rng.below(6);
    for (int i = 0; i < vessels; ++i) {
        Ellipse e{pointInSector(rng, g, c.subcutaneousMm + c.muscleMm, kidneyMidDepth), rng.uniform(2, 7) / px, 0, rng.uniform(0, 180)};
        e.b = e.a * rng.uniform(0.35, 1.0);
        if (ellipseClear(e, keepOut, g, -1e9)) {
            c.vessels.push_back(e);
            c.vesselWalls.push_back(rng.chance(0.5));
        }
    }
    // Gallbladder: an anechoic pear in the liver, not over the kidney.
    if (rng.chance(std::min(0.9, 0.3 * rate))) {
        for (int tries = 0; tries < 30; ++tries) {
            Ellipse e{pointInSector(rng, g, c.subcutaneousMm + c.muscleMm + 10, kidneyMidDepth, -0.2, 1),
                      rng.uniform(15, 40) / px, 0, rng.uniform(-30, 30)};
            e.b = rng.uniform(7, 17) / px;
            if (ellipseClear(e, keepOut, g, 5)) {
                c.gallbladder.push_back(e);
                break;
            }
        }
    }
    // Sinus-like bright blobs: the paper's failure case.
    int blobs = (rng.chance(std::min(0.95, 0.6 * rate)) ? 1 : 0) + (rng.chance(std::min(0.9, 0.3 * rate)) ? 1 : 0);
    for (int i = 0; i < blobs; ++i) {
        for (int tries = 0; tries < 30; ++tries) {
            Ellipse e{pointInSector(rng, g, c.subcutaneousMm + c.muscleMm + 8, g.depthMm - 8),
                      rng.uniform(10, 28) / px, 0, rng.uniform(-30, 30)};
            e.b = e.a * rng.uniform(0.3, 0.6);
            if (ellipseClear(e, keepOut, g, 4)) {
                c.sinusLikeBlobs.push_back(e);
                c.blobRims.push_back(rng.chance(0.6));
                break;
            }
        }
    }
    // Rib shadows, usually over the upper (left) part of the image.
    int ribs = rng.chance(std::min(0.9, 0.45 * rate)) ? 1 + (rng.chance(0.35) ? 1 : 0) : 0;
    for (int i = 0; i < ribs; ++i)
        c.ribs.push_back(Rib{g.halfAngleRad * rng.uniform(-1.0, 0.7), rng.uniform(5, 9),
                             c.subcutaneousMm + rng.uniform(0, c.muscleMm + 6)});
    // Bowel gas on the caudal (right) side.
    if (rng.chance(std::min(0.9, 0.4 * rate))) {
        for (int tries = 0; tries < 30; ++tries) {
            Ellipse e{pointInSector(rng, g, c.subcutaneousMm + c.muscleMm + 3, c.bowelBottomDepthMm, 0.1, 1),
                      rng.uniform(4, 11) / px, 0, rng.uniform(-20, 20)};
            e.b = rng.uniform(1.2, 3) / px;
            // gas lies in bowel, caudal to the liver's tip (the renderer's liver boundary line)
            const double liverEdge = g.rowOfDepth(c.liverTipDepthMm) + (c.liverTipX - e.center.x) * 1.1;
            if (e.center.y > liverEdge + 3 / px && ellipseClear(e, keepOut, g, 2)) {
                c.gasPockets.push_back(e);
                break;
            }
        }
    }

    Acquisition& a = c.acquisition;
    for (int i = 0; i < 9; ++i)
        a.tgcErrorDb.push_back(rng.normal(0, params.tgcErrorDb));
    a.gainDb = rng.normal(0, 1.5);
    a.compensationDbPerMm = rng.uniform(0.28, 0.36);
    a.focusMm = rng.uniform(0.4, 0.7) * g.depthMm;
    a.axialSigmaMm = rng.uniform(0.2, 0.3);
    a.lateralSigmaMm = rng.uniform(0.35, 0.5);
    a.lateralGrowthPerMm = rng.uniform(0.003, 0.005);
    a.dynamicRangeDb = rng.uniform(58, 70);
    a.liverGray = rng.uniform(85, 120);
    a.frequencyMHz = std::round(rng.uniform(2.5, 5.0) * 2) / 2;
    return c;
}

} // namespace ks::phantom
