#include "ImageFormation.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace ks::phantom {

namespace {
constexpr double kSparkleProbability = 0.002;

/// Gaussian kernel (1 × n, CV_32F) with unit energy: filtering white complex noise keeps its power.
cv::Mat unitEnergyGaussian(double sigma)
{
    sigma = std::max(sigma, 0.3);
    const int half = std::max(1, int(std::ceil(3 * sigma)));
    cv::Mat k(1, 2 * half + 1, CV_32F);
    double energy = 0;
    for (int i = -half; i <= half; ++i) {
        const double v = std::exp(-0.5 * i * i / (sigma * sigma));
        k.at<float>(0, i + half) = float(v);
        energy += v * v;
    }
    k /= std::sqrt(energy);
    return k;
}
} // namespace

ImageFormation::ImageFormation(const ScanGeometry& geometry) : m_geometry(geometry)
{
    m_sampleMm = 0.6 * geometry.mmPerPixel;
    m_beamRad = 0.8 * geometry.mmPerPixel / (geometry.radiusMm + geometry.depthMm);
    m_samples = int(std::ceil(geometry.depthMm / m_sampleMm));
    m_beams = int(std::ceil(2 * geometry.halfAngleRad / m_beamRad));
}

TissueMaps ImageFormation::toBeamGrid(const TissueMaps& image) const
{
    cv::Mat mapX(m_samples, m_beams, CV_32F), mapY(m_samples, m_beams, CV_32F);
    for (int i = 0; i < m_samples; ++i)
        for (int j = 0; j < m_beams; ++j) {
            const double rho = m_geometry.radiusMm + (i + 0.5) * m_sampleMm;
            const double theta = -m_geometry.halfAngleRad + (j + 0.5) * m_beamRad;
            const cv::Point2d p = m_geometry.toPixel(rho, theta);
            mapX.at<float>(i, j) = float(p.x - 0.5);   // remap samples pixel centres at integers
            mapY.at<float>(i, j) = float(p.y - 0.5);
        }
    TissueMaps out;
    cv::remap(image.echoDb, out.echoDb, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::remap(image.density, out.density, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::remap(image.sparkle, out.sparkle, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::remap(image.attenuation, out.attenuation, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}

cv::Mat ImageFormation::envelope(const TissueMaps& maps, const Acquisition& a, double noiseDb, Rng& rng,
                                 double clutterDb) const
{
    const int rows = maps.echoDb.rows, cols = maps.echoDb.cols;
    const double axialSigma = a.axialSigmaMm / m_sampleMm;
    std::vector<double> lateralSigma(static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i) {
        const double depth = (i + 0.5) * m_sampleMm;
        const double defocus = std::abs(depth - a.focusMm) / std::max(1.0, a.focusMm);
        const double sigmaMm = (a.lateralSigmaMm + a.lateralGrowthPerMm * depth) * (1 + 0.15 * defocus);
        lateralSigma[size_t(i)] = sigmaMm / ((m_geometry.radiusMm + depth) * m_beamRad);
    }
    const double noise = std::isfinite(noiseDb) ? std::pow(10.0, noiseDb / 20) : 0.0;
    const double clutter = std::isfinite(clutterDb) ? std::pow(10.0, clutterDb / 20) : 0.0;

    // Scatterers (IQ), attenuated by the tissue in front of them along their beam.
    cv::Mat field(rows, cols, CV_32FC2);
    std::vector<double> attenuationDb(size_t(cols), 0.0);
    for (int i = 0; i < rows; ++i) {
        const float* echo = maps.echoDb.ptr<float>(i);
        const float* density = maps.density.ptr<float>(i);
        const float* sparkle = maps.sparkle.ptr<float>(i);
        const float* att = maps.attenuation.ptr<float>(i);
        auto* out = field.ptr<cv::Vec2f>(i);
        // a lone scatterer's peak after the unit-energy PSF is about 1/sqrt(cells per PSF)
        const double sparkleGain = std::sqrt(2 * M_PI * std::max(axialSigma, 0.3) * std::max(lateralSigma[size_t(i)], 0.3));
        for (int j = 0; j < cols; ++j) {
            // the echo from this cell is attenuated by the tissue in front of it only
            const double before = attenuationDb[size_t(j)];
            attenuationDb[size_t(j)] += double(att[j]) * m_sampleMm;
            const double g1 = rng.normal(), g2 = rng.normal();
            const double u = rng.uniform();
            const double v = rng.uniform();
            const double p = std::clamp(double(density[j]), 1e-3, 1.0);
            double amp = std::pow(10.0, (double(echo[j]) - before) / 20) * M_SQRT1_2;
            double re = 0, im = 0;
            if (p >= 0.999 || u < p) {
                const double scale = amp / std::sqrt(p);
                re = g1 * scale;
                im = g2 * scale;
            }
            if (sparkle[j] > 0 && v < kSparkleProbability) {
                const double s = sparkle[j] * sparkleGain * std::pow(10.0, -before / 20);
                const double phase = 2 * M_PI * (u * 7.0 - std::floor(u * 7.0));
                re += s * std::cos(phase);
                im += s * std::sin(phase);
            }
            out[j] = cv::Vec2f(float(re), float(im));
        }
    }
    if (clutter > 0) {
        for (int i = 0; i < rows; ++i) {
            const double depth = (i + 0.5) * m_sampleMm;
            const double level = clutter * std::exp(-depth / 45.0) * M_SQRT1_2;
            auto* out = field.ptr<cv::Vec2f>(i);
            for (int j = 0; j < cols; ++j)
                out[j] += cv::Vec2f(float(rng.normal() * level), float(rng.normal() * level));
        }
    }
    if (noise > 0) {
        for (int i = 0; i < rows; ++i) {
            auto* out = field.ptr<cv::Vec2f>(i);
            for (int j = 0; j < cols; ++j)
                out[j] += cv::Vec2f(float(rng.normal() * noise * M_SQRT1_2), float(rng.normal() * noise * M_SQRT1_2));
        }
    }

    // PSF: axial (constant) then lateral (widening with depth), both unit energy.
    cv::Mat axial;
    const cv::Mat ka = unitEnergyGaussian(axialSigma);
    cv::sepFilter2D(field, axial, CV_32F, cv::Mat(1, 1, CV_32F, cv::Scalar(1)), ka.t(), cv::Point(-1, -1), 0,
                    cv::BORDER_REFLECT_101);
    cv::Mat env(rows, cols, CV_32F);
    cv::Mat rowOut;
    for (int i = 0; i < rows; ++i) {
        const double depth = (i + 0.5) * m_sampleMm;
        cv::filter2D(axial.row(i), rowOut, CV_32F, unitEnergyGaussian(lateralSigma[size_t(i)]), cv::Point(-1, -1), 0,
                     cv::BORDER_REFLECT_101);
        // TGC: nominal compensation plus slider errors (linear between evenly spaced knots).
        double tgc = a.compensationDbPerMm * depth + a.gainDb;
        if (!a.tgcErrorDb.empty()) {
            const double t = std::clamp(depth / m_geometry.depthMm, 0.0, 1.0) * double(a.tgcErrorDb.size() - 1);
            const size_t k = std::min(size_t(t), a.tgcErrorDb.size() - 1);
            const size_t k1 = std::min(k + 1, a.tgcErrorDb.size() - 1);
            tgc += a.tgcErrorDb[k] + (t - double(k)) * (a.tgcErrorDb[k1] - a.tgcErrorDb[k]);
        }
        const float gain = float(std::pow(10.0, tgc / 20));
        const auto* in = rowOut.ptr<cv::Vec2f>(0);
        float* e = env.ptr<float>(i);
        for (int j = 0; j < cols; ++j)
            e[j] = gain * std::sqrt(in[j][0] * in[j][0] + in[j][1] * in[j][1]);
    }
    return env;
}

cv::Mat ImageFormation::logCompress(const cv::Mat& envelope, const Acquisition& a, double speckleStrength) const
{
    cv::Mat db(envelope.size(), CV_32F);
    for (int i = 0; i < envelope.rows; ++i) {
        const float* e = envelope.ptr<float>(i);
        float* d = db.ptr<float>(i);
        for (int j = 0; j < envelope.cols; ++j)
            d[j] = float(20 * std::log10(std::max(double(e[j]), 1e-6)));
    }
    const double s = std::clamp(speckleStrength, 0.0, 1.0);
    if (s < 1) {
        cv::Mat smooth;
        cv::GaussianBlur(db, smooth, cv::Size(0, 0), 2.0, 1.6, cv::BORDER_REFLECT_101);
        cv::addWeighted(db, s, smooth, 1 - s, 0, db);
    }
    // Mean log envelope of liver speckle is -2.5 dB (Rayleigh): put it at liverGray.
    const double offset = a.liverGray * a.dynamicRangeDb / 255 + 2.5;
    cv::Mat gray;
    db.convertTo(gray, CV_32F, 255 / a.dynamicRangeDb, offset * 255 / a.dynamicRangeDb);
    cv::max(gray, 0.0, gray);
    cv::min(gray, 255.0, gray);
    return gray;
}

cv::Mat ImageFormation::scanConvert(const cv::Mat& beamGray) const
{
    const ScanGeometry& g = m_geometry;
    cv::Mat mapX(g.height, g.width, CV_32F), mapY(g.height, g.width, CV_32F);
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x) {
            const cv::Point2d p = g.toPolar(x + 0.5, y + 0.5);
            mapX.at<float>(y, x) = float((p.y + g.halfAngleRad) / m_beamRad - 0.5);
            mapY.at<float>(y, x) = float((p.x - g.radiusMm) / m_sampleMm - 0.5);
        }
    cv::Mat img;
    cv::remap(beamGray, img, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::Mat out;
    img.convertTo(out, CV_8U);
    out.setTo(cv::Scalar(0), ~g.fieldOfViewMask());
    return out;
}

} // namespace ks::phantom
