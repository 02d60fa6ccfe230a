#include "KidneyShape.h"

#include <algorithm>
#include <cmath>

namespace ks::phantom {

namespace {
constexpr int kOutlinePoints = 240;

/// A closed smooth blob: perturbed superellipse with one wider pole, rescaled so that its
/// extents are exactly length × width and centred on its bounding box.
std::vector<cv::Point2d> blob(Rng& rng, double length, double width, int maxHarmonic, double roughness,
                              double poleAsymmetry, double dent)
{
    double amp[12] = {};
    double phase[12] = {};
    for (int k = 2; k <= maxHarmonic && k < 12; ++k) {
        amp[k] = rng.normal(0, roughness) / std::pow(k - 1.0, 0.8);
        phase[k] = rng.uniform(0, 2 * M_PI);
    }
    const double exponent = rng.uniform(2.0, 2.5);
    const double dentAt = rng.uniform(0.3, 0.7) * M_PI;   // on the deep (v > 0) side
    std::vector<cv::Point2d> pts(kOutlinePoints);
    for (int i = 0; i < kOutlinePoints; ++i) {
        const double phi = 2 * M_PI * i / kOutlinePoints;
        double r = 1;
        for (int k = 2; k <= maxHarmonic && k < 12; ++k)
            r += amp[k] * std::cos(k * phi + phase[k]);
        const double c = std::cos(phi), s = std::sin(phi);
        double u = std::copysign(std::pow(std::abs(c), 2 / exponent), c) * r;
        double v = std::copysign(std::pow(std::abs(s), 2 / exponent), s) * r;
        v *= 1 + poleAsymmetry * u;
        const double d = phi - dentAt;
        v -= dent * std::exp(-d * d / 0.12);
        pts[static_cast<size_t>(i)] = {u, v};
    }
    double u0 = 1e9, u1 = -1e9, v0 = 1e9, v1 = -1e9;
    for (const auto& p : pts) {
        u0 = std::min(u0, p.x), u1 = std::max(u1, p.x);
        v0 = std::min(v0, p.y), v1 = std::max(v1, p.y);
    }
    for (auto& p : pts)
        p = {(p.x - (u0 + u1) / 2) * length / (u1 - u0), (p.y - (v0 + v1) / 2) * width / (v1 - v0)};
    return pts;
}

/// Where the ray from the origin at angle phi leaves a star-shaped closed outline.
cv::Point2d rayHit(const std::vector<cv::Point2d>& poly, double phi)
{
    const cv::Point2d d{std::cos(phi), std::sin(phi)};
    double best = 0;
    for (size_t i = 0; i < poly.size(); ++i) {
        const cv::Point2d a = poly[i], b = poly[(i + 1) % poly.size()];
        const cv::Point2d e = b - a;
        const double den = d.x * e.y - d.y * e.x;
        if (std::abs(den) < 1e-12)
            continue;
        const double t = (a.x * e.y - a.y * e.x) / den;
        const double s = (a.x * d.y - a.y * d.x) / den;
        if (t > 0 && s >= 0 && s <= 1)
            best = std::max(best, t);
    }
    return d * best;
}
} // namespace

KidneyShape KidneyShape::draw(Rng& rng, double lengthMm, double widthMm, double angleDeg)
{
    KidneyShape k;
    k.m_lengthMm = lengthMm;
    k.m_widthMm = widthMm;
    k.m_angleDeg = angleDeg;
    const double dent = rng.chance(0.35) ? rng.uniform(0.04, 0.12) : 0.0;
    k.m_outline = blob(rng, lengthMm, widthMm, 7, 0.035, rng.uniform(-0.12, 0.12), dent);

    const double sinusLength = lengthMm * rng.uniform(0.5, 0.68);
    const double sinusWidth = widthMm * rng.uniform(0.28, 0.42);
    k.m_sinus = blob(rng, sinusLength, sinusWidth, 11, 0.12, rng.uniform(-0.25, 0.25), 0.0);
    const cv::Point2d shift{rng.uniform(-0.04, 0.04) * lengthMm, rng.uniform(-0.05, 0.05) * widthMm};
    for (auto& p : k.m_sinus)
        p += shift;

    // Pyramids along both long sides (rarely visible right at the poles).
    std::vector<double> angles;
    for (int side = 0; side < 2; ++side) {
        const int n = 2 + rng.below(4);
        for (int i = 0; i < n; ++i)
            angles.push_back(side * M_PI + M_PI * (0.12 + 0.76 * (i + 0.5 + rng.uniform(-0.2, 0.2)) / n));
    }
    const int count = int(angles.size());
    for (int i = 0; i < count; ++i) {
        const double phi = angles[size_t(i)];
        const cv::Point2d s = shift + rayHit([&] {
            std::vector<cv::Point2d> c = k.m_sinus;
            for (auto& p : c)
                p -= shift;
            return c;
        }(), phi);
        const cv::Point2d c = rayHit(k.m_outline, std::atan2(s.y, s.x));
        const cv::Point2d axis = c - s;
        const double len = std::sqrt(axis.dot(axis));
        if (len < 6)
            continue;
        const cv::Point2d dir = axis / len;
        const cv::Point2d nrm{-dir.y, dir.x};
        const cv::Point2d apex = s + axis * 0.04;
        const cv::Point2d base = s + axis * rng.uniform(0.6, 0.72);
        const double half = std::min(len * rng.uniform(0.28, 0.42), 0.9 * M_PI * widthMm / count);
        std::vector<cv::Point2d> pyr;
        for (int j = 0; j <= 6; ++j) {   // left flank, slightly bulging
            const double t = j / 6.0;
            pyr.push_back(apex + (base - apex) * t + nrm * (half * t + 0.12 * half * std::sin(M_PI * t)));
        }
        for (int j = 1; j < 6; ++j) {    // rounded base
            const double a = M_PI * j / 6.0;
            pyr.push_back(base + nrm * (half * std::cos(a)) + dir * (0.25 * half * std::sin(a)));
        }
        for (int j = 6; j >= 1; --j) {   // right flank back to the papilla
            const double t = j / 6.0;
            pyr.push_back(apex + (base - apex) * t - nrm * (half * t + 0.12 * half * std::sin(M_PI * t)));
        }
        k.m_pyramids.push_back(std::move(pyr));
    }
    return k;
}

void KidneyShape::place(double cx, double cy, double mmPerPixel)
{
    m_cx = cx;
    m_cy = cy;
    m_mmPerPixel = mmPerPixel;
}

std::vector<cv::Point2d> KidneyShape::toImage(const std::vector<cv::Point2d>& local) const
{
    const double a = m_angleDeg * M_PI / 180;
    const double ca = std::cos(a), sa = std::sin(a);
    std::vector<cv::Point2d> out;
    out.reserve(local.size());
    for (const auto& p : local)
        out.emplace_back(m_cx + (p.x * ca + p.y * sa) / m_mmPerPixel, m_cy + (-p.x * sa + p.y * ca) / m_mmPerPixel);
    return out;
}

std::vector<std::vector<cv::Point2d>> KidneyShape::pyramids() const
{
    std::vector<std::vector<cv::Point2d>> out;
    for (const auto& p : m_pyramids)
        out.push_back(toImage(p));
    return out;
}

std::vector<cv::Point2d> KidneyShape::outlineOffset(double mm) const
{
    const size_t n = m_outline.size();
    std::vector<cv::Point2d> local(n);
    for (size_t i = 0; i < n; ++i) {
        const cv::Point2d t = m_outline[(i + 1) % n] - m_outline[(i + n - 1) % n];
        const double len = std::max(1e-9, std::sqrt(t.dot(t)));
        // counter-clockwise in (u, v) with v down: outward normal is (t.y, -t.x)
        local[i] = m_outline[i] + cv::Point2d(t.y, -t.x) * (mm / len);
    }
    return toImage(local);
}

RotatedBox KidneyShape::rotatedBox() const
{
    return RotatedBox{m_cx, m_cy, m_lengthMm / m_mmPerPixel, m_widthMm / m_mmPerPixel, m_angleDeg};
}

} // namespace ks::phantom
