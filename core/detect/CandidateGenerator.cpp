#include "CandidateGenerator.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

using nlohmann::json;

namespace ks::detect {

namespace {
/// Below this many training boxes the sample does not describe the size distribution: the
/// candidate range is widened to a tolerance interval and no size prior is kept.
constexpr size_t kMinPriorSizes = 20;

/// Two-sided normal tolerance factor: mean ± k·sd of n samples covers 95 % of the population
/// with 95 % confidence (Howe's approximation, Wilson–Hilferty for the chi-square quantile).
/// 0 for fewer than 3 samples.
double toleranceFactor(size_t n)
{
    if (n < 3)
        return 0;
    const double nu = static_cast<double>(n) - 1.0, z = 1.959964, zLow = -1.644854;
    const double a = 2.0 / (9.0 * nu);
    const double chi2 = nu * std::pow(1 - a + zLow * std::sqrt(a), 3);
    return z * std::sqrt(nu * (1 + 1.0 / static_cast<double>(n)) / chi2);
}

/// [lo, hi] widened to exp(mean ± k·sd) of log(values) where that is wider.
void widen(const std::vector<double>& values, double k, double& lo, double& hi)
{
    if (k <= 0 || values.size() < 3)
        return;
    double mean = 0, var = 0;
    for (double v : values)
        mean += std::log(v) / static_cast<double>(values.size());
    for (double v : values)
        var += (std::log(v) - mean) * (std::log(v) - mean) / static_cast<double>(values.size() - 1);
    lo = std::min(lo, std::exp(mean - k * std::sqrt(var)));
    hi = std::max(hi, std::exp(mean + k * std::sqrt(var)));
}

SizeRange spread(const std::vector<SizedBox>& boxes, bool mm, double margin)
{
    SizeRange r{1e300, 0, 1e300, 0, 1e300, 0};
    for (const auto& b : boxes) {
        const double w = b.box.width * (mm ? b.mmPerPixelX : 1.0);
        const double h = b.box.height * (mm ? b.mmPerPixelY : 1.0);
        r.wMin = std::min(r.wMin, w);
        r.wMax = std::max(r.wMax, w);
        r.hMin = std::min(r.hMin, h);
        r.hMax = std::max(r.hMax, h);
        r.aspectMin = std::min(r.aspectMin, h / w);
        r.aspectMax = std::max(r.aspectMax, h / w);
    }
    r.wMin /= 1 + margin;
    r.hMin /= 1 + margin;
    r.aspectMin /= 1 + margin;
    r.wMax *= 1 + margin;
    r.hMax *= 1 + margin;
    r.aspectMax *= 1 + margin;
    if (boxes.size() < kMinPriorSizes) {
        // Few boxes: their spread understates the population's (10 heads of a set of 50 cover
        // a third of its sizes); the tolerance interval of their log sizes does not.
        std::vector<double> w, h, aspect;
        for (const auto& b : boxes) {
            w.push_back(b.box.width * (mm ? b.mmPerPixelX : 1.0));
            h.push_back(b.box.height * (mm ? b.mmPerPixelY : 1.0));
            aspect.push_back(h.back() / w.back());
        }
        const double k = toleranceFactor(boxes.size());
        widen(w, k, r.wMin, r.wMax);
        widen(h, k, r.hMin, r.hMax);
        widen(aspect, k, r.aspectMin, r.aspectMax);
    }
    return r;
}

json rangeJson(const SizeRange& r)
{
    return {{"w", {r.wMin, r.wMax}}, {"h", {r.hMin, r.hMax}}, {"aspect", {r.aspectMin, r.aspectMax}}};
}

SizeRange rangeFrom(const json& j)
{
    SizeRange r;
    if (j.is_null())
        return r;
    r.wMin = j.at("w")[0];
    r.wMax = j.at("w")[1];
    r.hMin = j.at("h")[0];
    r.hMax = j.at("h")[1];
    r.aspectMin = j.at("aspect")[0];
    r.aspectMax = j.at("aspect")[1];
    return r;
}

std::string describe(const SizeRange& r, const char* unit)
{
    std::ostringstream s;
    s.precision(3);
    s << "width " << r.wMin << "-" << r.wMax << " " << unit << ", height " << r.hMin << "-" << r.hMax << " " << unit;
    return s.str();
}
} // namespace

SizeModel SizeModel::learn(const TargetPreset& preset, const std::vector<SizedBox>& boxes)
{
    std::vector<SizedBox> valid;
    for (const auto& b : boxes)
        if (!b.box.isEmpty())
            valid.push_back(b);
    if (valid.empty())
        throw Error("No training boxes to learn candidate sizes from", "Annotate at least one image");
    const double margin = preset.trainingMargin;
    SizeModel m;
    m.m_margin = margin;
    m.m_px = spread(valid, false, margin);
    for (const auto& b : valid) {
        m.m_pxSizes.emplace_back(b.box.width, b.box.height);
        if (b.mmPerPixelX > 0 && b.mmPerPixelY > 0)
            m.m_mmSizes.emplace_back(b.box.width * b.mmPerPixelX, b.box.height * b.mmPerPixelY);
    }
    if (valid.size() < kMinPriorSizes) {
        // Too few sizes for a prior: candidates of every size in the (widened) range.
        m.m_pxSizes.clear();
        m.m_mmSizes.clear();
    }
    const bool calibrated = std::all_of(valid.begin(), valid.end(),
                                        [](const SizedBox& b) { return b.mmPerPixelX > 0 && b.mmPerPixelY > 0; });
    if (calibrated) {
        SizeRange mm = spread(valid, true, margin);
        if (preset.hasSizes()) {
            const auto p = preset.axisAlignedRangeMm();
            SizeRange cut = mm;
            cut.wMin = std::max(mm.wMin, p[0]);
            cut.wMax = std::min(mm.wMax, p[1]);
            cut.hMin = std::max(mm.hMin, p[2]);
            cut.hMax = std::min(mm.hMax, p[3]);
            if (cut.isEmpty()) {
                SizeRange pr{p[0], p[1], p[2], p[3], 0, 1e9};
                throw Error("The training boxes (" + describe(mm, "mm") + ") do not overlap the sizes preset '"
                                + preset.name + "' allows (" + describe(pr, "mm") + ")",
                            "Use a preset for this structure, or the 'data' preset");
            }
            mm = cut;
        }
        m.m_mm = mm;
        // Few boxes and no clinical sizes: ten heads of one gestational age span a fraction of
        // the sizes in mm that the sonographer's zoom brings back to similar sizes in pixels (and
        // the reverse for a fixed zoom); cover both.
        m.m_unionPx = valid.size() < kMinPriorSizes && !preset.hasSizes();
    }
    return m;
}

SizeRange SizeModel::pixelRange(const Calibration& c) const
{
    if (hasMm() && c.isCalibrated()) {
        SizeRange r = m_mm;
        r.wMin /= c.mmPerPixelX;
        r.wMax /= c.mmPerPixelX;
        r.hMin /= c.mmPerPixelY;
        r.hMax /= c.mmPerPixelY;
        const double k = c.mmPerPixelX / c.mmPerPixelY; // aspect in pixels = aspect in mm * (dx/dy)
        r.aspectMin *= k;
        r.aspectMax *= k;
        if (m_unionPx) {
            r.wMin = std::min(r.wMin, m_px.wMin);
            r.wMax = std::max(r.wMax, m_px.wMax);
            r.hMin = std::min(r.hMin, m_px.hMin);
            r.hMax = std::max(r.hMax, m_px.hMax);
            r.aspectMin = std::min(r.aspectMin, m_px.aspectMin);
            r.aspectMax = std::max(r.aspectMax, m_px.aspectMax);
        }
        return r;
    }
    return m_px;
}

SizePrior SizeModel::prior(const Calibration& c) const
{
    SizePrior p;
    p.tolerance = m_margin;
    if (hasMm() && c.isCalibrated() && m_mmSizes.size() == m_pxSizes.size()) {
        for (const auto& [w, h] : m_mmSizes)
            p.sizes.emplace_back(w / c.mmPerPixelX, h / c.mmPerPixelY);
    } else {
        p.sizes = m_pxSizes;
    }
    return p;
}

bool SizePrior::admits(double w, double h) const
{
    const double k = 1 + tolerance;
    for (const auto& [tw, th] : sizes)
        if (w <= tw * k * (1 + 1e-9) && w * k * (1 + 1e-9) >= tw && h <= th * k * (1 + 1e-9) && h * k * (1 + 1e-9) >= th)
            return true;
    return false;
}

namespace {
json sizesJson(const std::vector<std::pair<double, double>>& sizes)
{
    json a = json::array();
    for (const auto& [w, h] : sizes)
        a.push_back({w, h});
    return a;
}

std::vector<std::pair<double, double>> sizesFrom(const json& a)
{
    std::vector<std::pair<double, double>> out;
    if (a.size() > 1000000)
        throw Error("The candidate size model lists too many training sizes", "Retrain the model", Error::Kind::Corrupt);
    for (const auto& e : a) {
        const double w = e.at(0).get<double>(), h = e.at(1).get<double>();
        if (!(w > 0) || !(h > 0) || !std::isfinite(w) || !std::isfinite(h))
            throw Error("The candidate size model has a training size that is not a positive number",
                        "Retrain the model", Error::Kind::Corrupt);
        out.emplace_back(w, h);
    }
    return out;
}
} // namespace

std::string SizeModel::toJson() const
{
    json j;
    j["mm"] = hasMm() ? rangeJson(m_mm) : json();
    j["px"] = rangeJson(m_px);
    j["training_sizes"] = {{"mm", sizesJson(m_mmSizes)}, {"px", sizesJson(m_pxSizes)}, {"margin", m_margin}};
    j["union_px"] = m_unionPx;
    return j.dump();
}

SizeModel SizeModel::fromJson(const std::string& text)
{
    try {
        const json j = parseUntrustedJson(text, "The candidate size model", "Retrain the model", Error::Kind::Corrupt);
        SizeModel m;
        m.m_mm = rangeFrom(j.at("mm"));
        m.m_px = rangeFrom(j.at("px"));
        m.m_unionPx = j.value("union_px", false); // bundles from before: the mm range alone
        if (j.contains("training_sizes")) { // models from before it have no prior
            const json& t = j.at("training_sizes");
            m.m_mmSizes = sizesFrom(t.at("mm"));
            m.m_pxSizes = sizesFrom(t.at("px"));
            m.m_margin = t.at("margin").get<double>();
            if (!(m.m_margin >= 0 && m.m_margin <= 5))
                throw Error("The candidate size model's margin is out of range", "Retrain the model",
                            Error::Kind::Corrupt);
        }
        return m;
    } catch (const json::exception& e) {
        throw Error("The candidate size model is malformed: " + jsonReason(e), "Retrain the model",
                    Error::Kind::Corrupt);
    }
}

std::vector<double> CandidateGenerator::geometricSteps(double lo, double hi, double ratio)
{
    if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi))
        return {};
    if (hi <= lo * 1.0001)
        return {lo};
    const double steps = std::ceil(std::log(hi / lo) / std::log(std::max(ratio, 1.001)) - 1e-9);
    const int n = static_cast<int>(std::clamp(steps, 1.0, static_cast<double>(kMaxSteps)));
    std::vector<double> out;
    for (int i = 0; i <= n; ++i)
        out.push_back(lo * std::pow(hi / lo, static_cast<double>(i) / n));
    return out;
}

namespace {
/// The sizes and grids of one sweep, without the boxes.
struct SweepPlan
{
    struct Cell
    {
        double w, h, sx, sy;
        long long nx, ny;
        long long nxOdd; ///< boxes on odd rows
        /// 0: odd rows as even ones; 1: odd rows half a step right, as many boxes, the pattern
        /// centred; 2: odd rows between the even ones' boxes (one fewer).
        int stagger;
    };
    std::vector<Cell> cells;
    double total = 0; ///< Σ nx·ny (a double: cannot overflow)
};

SweepPlan plan(const Box& region, const SizeRange& range, double strideFraction, double scaleRatio,
               const SizePrior& prior, bool staggered)
{
    SweepPlan p;
    if (region.isEmpty() || range.isEmpty() || !(strideFraction > 0) || !std::isfinite(strideFraction))
        return p;
    const double minSide = CandidateGenerator::kMinSide;
    if (range.wMax < minSide || range.hMax < minSide || region.width < minSide || region.height < minSide)
        return p;
    auto axis = [&](double lo, double hi, double extent) {
        return CandidateGenerator::geometricSteps(std::clamp(lo, minSide, extent), std::clamp(hi, minSide, extent),
                                                  scaleRatio);
    };
    const auto widths = axis(range.wMin, range.wMax, region.width);
    const auto heights = axis(range.hMin, range.hMax, region.height);
    for (double w : widths)
        for (double h : heights) {
            const double a = h / w;
            if (a < range.aspectMin * (1 - 1e-9) || a > range.aspectMax * (1 + 1e-9))
                continue;
            if (!prior.isEmpty() && !prior.admits(w, h))
                continue;
            const double sx = std::max(1.0, strideFraction * w), sy = std::max(1.0, strideFraction * h);
            const long long nx = static_cast<long long>(std::floor((region.width - w) / sx + 1e-9)) + 1;
            const long long ny = static_cast<long long>(std::floor((region.height - h) / sy + 1e-9)) + 1;
            // A shifted row fits when half a step is left over; else odd rows keep the even layout.
            const double slack = region.width - w - static_cast<double>(nx - 1) * sx;
            const int stagger = !staggered ? 0 : slack >= 0.5 * sx - 1e-9 ? 1 : nx > 1 ? 2 : 0;
            const long long nxOdd = stagger == 2 ? nx - 1 : nx;
            p.cells.push_back({w, h, sx, sy, nx, ny, nxOdd, stagger});
            p.total += static_cast<double>(nx) * static_cast<double>((ny + 1) / 2)
                       + static_cast<double>(nxOdd) * static_cast<double>(ny / 2);
        }
    return p;
}
} // namespace

std::size_t CandidateGenerator::sweepCount(const Box& region, const SizeRange& range, double strideFraction,
                                           double scaleRatio, const SizePrior& prior, bool staggered)
{
    const double total = plan(region, range, strideFraction, scaleRatio, prior, staggered).total;
    return total > 1e18 ? static_cast<std::size_t>(1e18) : static_cast<std::size_t>(total);
}

std::vector<Box> CandidateGenerator::sweep(const Box& region, const SizeRange& range, double strideFraction,
                                           double scaleRatio, const SizePrior& prior, bool staggered)
{
    const SweepPlan p = plan(region, range, strideFraction, scaleRatio, prior, staggered);
    if (p.total > static_cast<double>(kMaxBoxes)) {
        std::ostringstream s;
        s.precision(3);
        s << "Candidate sizes of width " << range.wMin << "-" << range.wMax << " px and height " << range.hMin << "-"
          << range.hMax << " px give " << p.total << " boxes on a " << region.width << " x " << region.height
          << " px region, more than the " << kMaxBoxes << " allowed";
        throw Error(s.str(), "Check the training boxes (a tiny or huge one widens the sizes) or use a target preset");
    }
    std::vector<Box> out;
    out.reserve(static_cast<std::size_t>(p.total));
    for (const auto& c : p.cells) {
        // centre the grid in the region
        const double x0 = region.x + (region.width - c.w - static_cast<double>(c.nx - 1) * c.sx) / 2;
        const double y0 = region.y + (region.height - c.h - static_cast<double>(c.ny - 1) * c.sy) / 2;
        // Staggered: odd rows start half a step right of even ones; with as many boxes on both,
        // the whole pattern is centred.
        const double xEven =
            c.stagger == 1 ? region.x + (region.width - c.w - (static_cast<double>(c.nx) - 0.5) * c.sx) / 2 : x0;
        for (long long iy = 0; iy < c.ny; ++iy) {
            const bool odd = c.stagger != 0 && (iy % 2) == 1;
            const double xs = odd ? xEven + 0.5 * c.sx : xEven;
            const long long n = odd ? c.nxOdd : c.nx;
            for (long long ix = 0; ix < n; ++ix)
                out.push_back(Box{xs + static_cast<double>(ix) * c.sx, y0 + static_cast<double>(iy) * c.sy, c.w, c.h});
        }
    }
    return out;
}

std::vector<Box> CandidateGenerator::generate(const Box& region, const SizeRange& range, const CandidateConfig& config,
                                              const SizePrior& givenPrior)
{
    const bool staggered = config.layout >= 2;
    const SizePrior prior = config.layout >= 2 ? givenPrior : SizePrior{};
    if (config.targetCount <= 0)
        return sweep(region, range, config.strideFraction, config.scaleRatio, prior, staggered);
    // The count falls monotonically (up to rounding) with the stride: bisect on log(stride),
    // counting without making boxes.
    double lo = 0.01, hi = 1.0;
    auto count = [&](double f) { return sweepCount(region, range, f, config.scaleRatio, prior, staggered); };
    if (count(hi) >= static_cast<size_t>(config.targetCount))
        return sweep(region, range, hi, config.scaleRatio, prior, staggered);
    for (int i = 0; i < 30; ++i) {
        const double mid = std::sqrt(lo * hi);
        if (count(mid) > static_cast<size_t>(config.targetCount))
            lo = mid;
        else
            hi = mid;
        if (hi / lo < 1.01)
            break;
    }
    return sweep(region, range, hi, config.scaleRatio, prior, staggered);
}

Box CandidateGenerator::region(int width, int height, const Calibration& calibration)
{
    Box region{0, 0, static_cast<double>(width), static_cast<double>(height)};
    if (calibration.fieldOfView && !calibration.fieldOfView->isEmpty()) {
        const Box& f = *calibration.fieldOfView;
        const double x0 = std::max(0.0, f.x), y0 = std::max(0.0, f.y);
        const double x1 = std::min<double>(width, f.right()), y1 = std::min<double>(height, f.bottom());
        if (x1 > x0 && y1 > y0)
            region = Box{x0, y0, x1 - x0, y1 - y0};
    }
    return region;
}

std::vector<Box> CandidateGenerator::forFrame(int width, int height, const Calibration& calibration,
                                              const SizeModel& sizes, const CandidateConfig& config)
{
    return generate(region(width, height, calibration), sizes.pixelRange(calibration), config, sizes.prior(calibration));
}

} // namespace ks::detect
