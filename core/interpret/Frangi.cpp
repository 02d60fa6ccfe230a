#include "Frangi.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace ks::interpret {

namespace {

/// Sampled 1-D Gaussian and its first and second derivatives, radius ceil(4σ).
void gaussianKernels(double sigma, cv::Mat& g0, cv::Mat& g1, cv::Mat& g2)
{
    const int radius = std::max(1, static_cast<int>(std::ceil(4 * sigma)));
    const int n = 2 * radius + 1;
    g0.create(n, 1, CV_32F);
    g1.create(n, 1, CV_32F);
    g2.create(n, 1, CV_32F);
    const double s2 = sigma * sigma;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const double x = i - radius;
        sum += std::exp(-x * x / (2 * s2));
    }
    for (int i = 0; i < n; ++i) {
        const double x = i - radius;
        const double g = std::exp(-x * x / (2 * s2)) / sum;
        g0.at<float>(i) = static_cast<float>(g);
        // Correlation kernels: the first derivative is flipped (odd), the second is even.
        g1.at<float>(i) = static_cast<float>(x / s2 * g);
        g2.at<float>(i) = static_cast<float>((x * x - s2) / (s2 * s2) * g);
    }
    // The sampled second derivative of a constant must be 0: remove its residual mean.
    g2 -= cv::mean(g2)[0];
}

} // namespace

Frangi::Frangi(FrangiParams params) : m_params(std::move(params))
{
    if (m_params.sigmas.empty() || m_params.beta <= 0)
        throw Error("Invalid Frangi parameters", "Give at least one sigma and beta > 0");
    for (double s : m_params.sigmas)
        if (!(s > 0))
            throw Error("Frangi scales must be positive (pixels)", "Use sigmas such as 1 2 3 4");
}

void Frangi::hessian(const cv::Mat& image32f, double sigma, cv::Mat& dxx, cv::Mat& dxy, cv::Mat& dyy)
{
    cv::Mat g0, g1, g2;
    gaussianKernels(sigma, g0, g1, g2);
    const double norm = sigma * sigma;
    cv::sepFilter2D(image32f, dxx, CV_32F, g2, g0, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
    cv::sepFilter2D(image32f, dyy, CV_32F, g0, g2, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
    cv::sepFilter2D(image32f, dxy, CV_32F, g1, g1, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
    dxx *= norm;
    dyy *= norm;
    dxy *= norm;
}

FrangiResult Frangi::compute(const cv::Mat& image) const
{
    if (image.empty() || image.channels() != 1)
        throw Error("Frangi vesselness needs a non-empty one-channel image",
                    "Convert colour images to grey first");
    cv::Mat f;
    image.convertTo(f, CV_32F);

    FrangiResult out;
    out.vesselness = cv::Mat::zeros(f.size(), CV_32F);
    out.scale = cv::Mat::zeros(f.size(), CV_32F);
    const double twoBeta2 = 2 * m_params.beta * m_params.beta;

    for (double sigma : m_params.sigmas) {
        cv::Mat dxx, dxy, dyy;
        hessian(f, sigma, dxx, dxy, dyy);
        cv::Mat l1(f.size(), CV_32F), l2(f.size(), CV_32F);  // |l1| <= |l2|
        double maxS = 0;
        for (int r = 0; r < f.rows; ++r)
            for (int c = 0; c < f.cols; ++c) {
                const double a = dxx.at<float>(r, c), b = dxy.at<float>(r, c), d = dyy.at<float>(r, c);
                const double mean = (a + d) / 2;
                const double root = std::sqrt((a - d) * (a - d) / 4 + b * b);
                double e1 = mean + root, e2 = mean - root;
                if (std::abs(e1) > std::abs(e2))
                    std::swap(e1, e2);
                l1.at<float>(r, c) = static_cast<float>(e1);
                l2.at<float>(r, c) = static_cast<float>(e2);
                maxS = std::max(maxS, std::sqrt(e1 * e1 + e2 * e2));
            }
        const double c = m_params.c > 0 ? m_params.c : std::max(maxS / 2, 1e-12);
        const double twoC2 = 2 * c * c;
        for (int r = 0; r < f.rows; ++r)
            for (int col = 0; col < f.cols; ++col) {
                const double e1 = l1.at<float>(r, col), e2 = l2.at<float>(r, col);
                // Bright ridges have a strongly negative λ2 across the line; dark ridges positive.
                if (e2 == 0 || (m_params.brightRidges ? e2 > 0 : e2 < 0))
                    continue;
                const double rb2 = (e1 * e1) / (e2 * e2);
                const double s2 = e1 * e1 + e2 * e2;
                const double v = std::exp(-rb2 / twoBeta2) * (1 - std::exp(-s2 / twoC2));
                if (v > out.vesselness.at<float>(r, col)) {
                    out.vesselness.at<float>(r, col) = static_cast<float>(v);
                    out.scale.at<float>(r, col) = static_cast<float>(sigma);
                }
            }
    }
    return out;
}

} // namespace ks::interpret
