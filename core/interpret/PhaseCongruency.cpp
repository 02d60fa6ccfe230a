#include "PhaseCongruency.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace ks::interpret {

namespace {

constexpr double kEpsilon = 1e-4;  // Kovesi's epsilon; the input is normalised so it is relative

/// Frequency coordinate of DFT index i of n samples, unshifted layout (DC at 0), in cycles per
/// pixel, as Kovesi's filtergrid (odd sizes use n - 1 so that the range is symmetric).
double frequency(int i, int n)
{
    const int shifted = i < (n + 1) / 2 ? i : i - n;
    return n % 2 == 0 ? double(shifted) / n : double(shifted) / std::max(1, n - 1);
}

double medianOf(const cv::Mat& m)
{
    std::vector<float> v;
    v.reserve(m.total());
    for (int r = 0; r < m.rows; ++r) {
        const float* p = m.ptr<float>(r);
        v.insert(v.end(), p, p + m.cols);
    }
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

} // namespace

PhaseCongruency::PhaseCongruency(PhaseCongruencyParams params) : m_params(params)
{
    const auto& p = m_params;
    if (p.nscale < 2 || p.norient < 1 || p.minWaveLength < 2 || p.mult <= 1 || p.sigmaOnf <= 0
        || p.sigmaOnf >= 1 || p.g <= 0)
        throw Error("Invalid phase congruency parameters",
                    "Use nscale >= 2, norient >= 1, minWaveLength >= 2, mult > 1, 0 < sigmaOnf < 1, g > 0");
}

PhaseCongruencyResult PhaseCongruency::compute(const cv::Mat& image) const
{
    if (image.empty() || image.channels() != 1)
        throw Error("Phase congruency needs a non-empty one-channel image",
                    "Convert colour images to grey first");
    const auto& p = m_params;
    const int rows = image.rows, cols = image.cols;

    // Normalise (zero mean, unit std): PC ignores gain and offset, and epsilon becomes relative.
    cv::Mat f;
    image.convertTo(f, CV_32F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(f, mean, stddev);
    f = (f - mean[0]) / (stddev[0] > 0 ? stddev[0] : 1.0);

    // Reflect-pad by the largest wavelength so that the image border is not an edge.
    const double maxWave = p.minWaveLength * std::pow(p.mult, p.nscale - 1);
    const int margin = static_cast<int>(std::ceil(maxWave));
    const int R = cv::getOptimalDFTSize(rows + 2 * margin);
    const int C = cv::getOptimalDFTSize(cols + 2 * margin);
    const int top = (R - rows) / 2, left = (C - cols) / 2;
    cv::Mat padded;
    cv::copyMakeBorder(f, padded, top, R - rows - top, left, C - cols - left, cv::BORDER_REFLECT);

    cv::Mat spectrum;
    cv::dft(padded, spectrum, cv::DFT_COMPLEX_OUTPUT);

    // Filter grid: radius (cycles/pixel) and polar angle, Kovesi's conventions (y up).
    cv::Mat radius(R, C, CV_32F), sinTheta(R, C, CV_32F), cosTheta(R, C, CV_32F), lowPass(R, C, CV_32F);
    for (int r = 0; r < R; ++r) {
        const double v = frequency(r, R);
        for (int c = 0; c < C; ++c) {
            const double u = frequency(c, C);
            double rad = std::sqrt(u * u + v * v);
            const double theta = std::atan2(-v, u);
            sinTheta.at<float>(r, c) = static_cast<float>(std::sin(theta));
            cosTheta.at<float>(r, c) = static_cast<float>(std::cos(theta));
            lowPass.at<float>(r, c) = static_cast<float>(1.0 / (1.0 + std::pow(rad / 0.45, 2 * 15)));
            if (r == 0 && c == 0)
                rad = 1;  // avoid log(0); the DC term is zeroed below
            radius.at<float>(r, c) = static_cast<float>(rad);
        }
    }

    std::vector<cv::Mat> logGabor(p.nscale);
    const double logSigma2 = 2 * std::pow(std::log(p.sigmaOnf), 2);
    for (int s = 0; s < p.nscale; ++s) {
        const double fo = 1.0 / (p.minWaveLength * std::pow(p.mult, s));
        cv::Mat lg(R, C, CV_32F);
        for (int r = 0; r < R; ++r)
            for (int c = 0; c < C; ++c) {
                const double l = std::log(radius.at<float>(r, c) / fo);
                lg.at<float>(r, c) = static_cast<float>(std::exp(-(l * l) / logSigma2) * lowPass.at<float>(r, c));
            }
        lg.at<float>(0, 0) = 0;
        logGabor[s] = lg;
    }

    const cv::Mat zero = cv::Mat::zeros(R, C, CV_32F);
    cv::Mat pcMax = zero.clone(), pcSum = zero.clone();
    cv::Mat covx2 = zero.clone(), covy2 = zero.clone(), covxy = zero.clone();
    cv::Mat energyV1 = zero.clone(), energyV2 = zero.clone(), energyV3 = zero.clone();

    std::vector<cv::Mat> evenParts(p.nscale), oddParts(p.nscale);
    for (int o = 0; o < p.norient; ++o) {
        const double angle = o * CV_PI / p.norient;
        const double ca = std::cos(angle), sa = std::sin(angle);
        // Angular spread: raised cosine of the angular distance, scaled to the orientation count.
        cv::Mat spread(R, C, CV_32F);
        for (int r = 0; r < R; ++r)
            for (int c = 0; c < C; ++c) {
                const double st = sinTheta.at<float>(r, c), ct = cosTheta.at<float>(r, c);
                const double ds = st * ca - ct * sa, dc = ct * ca + st * sa;
                const double dtheta = std::min(std::abs(std::atan2(ds, dc)) * p.norient / 2, CV_PI);
                spread.at<float>(r, c) = static_cast<float>((std::cos(dtheta) + 1) / 2);
            }

        cv::Mat sumE = zero.clone(), sumO = zero.clone(), sumAn = zero.clone(), maxAn;
        double tau = 0;
        for (int s = 0; s < p.nscale; ++s) {
            cv::Mat filter = logGabor[s].mul(spread);
            cv::Mat filter2, product, eo;
            cv::merge(std::vector<cv::Mat>{filter, filter}, filter2);
            cv::multiply(spectrum, filter2, product);
            cv::idft(product, eo, cv::DFT_SCALE | cv::DFT_COMPLEX_OUTPUT);
            std::vector<cv::Mat> parts;
            cv::split(eo, parts);
            cv::Mat an;
            cv::magnitude(parts[0], parts[1], an);
            sumAn += an;
            sumE += parts[0];
            sumO += parts[1];
            evenParts[s] = parts[0];
            oddParts[s] = parts[1];
            if (s == 0) {
                // Rayleigh model: the median of the smallest-scale amplitude is σ·sqrt(ln 4).
                tau = medianOf(sumAn) / std::sqrt(std::log(4.0));
                maxAn = an.clone();
            } else {
                maxAn = cv::max(maxAn, an);
            }
        }

        energyV1 += sumE;
        energyV2 += ca * sumO;
        energyV3 += sa * sumO;

        cv::Mat xEnergy;
        cv::magnitude(sumE, sumO, xEnergy);
        xEnergy += kEpsilon;
        const cv::Mat meanE = sumE / xEnergy, meanO = sumO / xEnergy;
        cv::Mat energy = zero.clone();
        for (int s = 0; s < p.nscale; ++s) {
            const cv::Mat& e = evenParts[s];
            const cv::Mat& od = oddParts[s];
            energy += e.mul(meanE) + od.mul(meanO) - cv::abs(e.mul(meanO) - od.mul(meanE));
        }

        double threshold = p.noiseThreshold;
        if (threshold < 0) {
            const double totalTau = tau * (1 - std::pow(1 / p.mult, p.nscale)) / (1 - 1 / p.mult);
            const double noiseMean = totalTau * std::sqrt(CV_PI / 2);
            const double noiseSigma = totalTau * std::sqrt((4 - CV_PI) / 2);
            threshold = noiseMean + p.k * noiseSigma;
        }
        energy = cv::max(energy - threshold, 0.0);

        // Frequency spread weighting: penalise responses concentrated at a single scale.
        cv::Mat width = (sumAn / (maxAn + kEpsilon) - 1.0) / (p.nscale - 1);
        cv::Mat weight;
        cv::exp((p.cutOff - width) * p.g, weight);
        weight = 1.0 / (1.0 + weight);

        cv::Mat pc = weight.mul(energy) / (sumAn + kEpsilon);
        pcSum += pc;
        pcMax = cv::max(pcMax, pc);
        const cv::Mat covx = pc * ca, covy = pc * sa;
        covx2 += covx.mul(covx);
        covy2 += covy.mul(covy);
        covxy += covx.mul(covy);
    }

    covx2 /= p.norient / 2.0;
    covy2 /= p.norient / 2.0;
    covxy *= 4.0 / p.norient;
    cv::Mat denom;
    cv::magnitude(covxy, covx2 - covy2, denom);
    denom += kEpsilon;

    const cv::Rect roi(left, top, cols, rows);
    PhaseCongruencyResult out;
    out.pcMax = cv::min(pcMax(roi), 1.0);
    out.pcMean = cv::min(pcSum(roi) / p.norient, 1.0);
    out.edgeMoment = cv::Mat((covy2 + covx2 + denom) / 2)(roi).clone();
    out.cornerMoment = cv::Mat((covy2 + covx2 - denom) / 2)(roi).clone();
    cv::Mat orient(rows, cols, CV_32F);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            double a = std::atan2(energyV3.at<float>(r + top, c + left), energyV2.at<float>(r + top, c + left));
            if (a < 0)
                a += CV_PI;
            if (a >= CV_PI)
                a -= CV_PI;
            orient.at<float>(r, c) = static_cast<float>(a);
        }
    out.orientation = orient;
    return out;
}

} // namespace ks::interpret
