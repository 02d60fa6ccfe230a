#include "ResponseMeasures.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ks::interpret {

namespace {

cv::Mat toFloat(const cv::Mat& m)
{
    cv::Mat f;
    m.convertTo(f, CV_64F);
    return f;
}

void checkMask(const cv::Mat& image, const cv::Mat& mask)
{
    if (!mask.empty() && (mask.size() != image.size() || mask.type() != CV_8UC1))
        throw Error("The mask must be CV_8UC1 and the size of the image");
}

} // namespace

double ResponseMeasures::ncc(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask)
{
    if (a.size() != b.size() || a.channels() != 1 || b.channels() != 1 || a.empty())
        throw Error("Cross-correlation needs two non-empty one-channel images of the same size");
    checkMask(a, mask);
    const cv::Mat fa = toFloat(a), fb = toFloat(b);
    cv::Scalar ma, sa, mb, sb;
    cv::meanStdDev(fa, ma, sa, mask);
    cv::meanStdDev(fb, mb, sb, mask);
    if (sa[0] <= 1e-12 * (1 + std::abs(ma[0])) || sb[0] <= 1e-12 * (1 + std::abs(mb[0])))
        return 0;
    const cv::Mat prod = (fa - ma[0]).mul(fb - mb[0]);
    const double cov = cv::mean(prod, mask)[0];
    return std::clamp(cov / (sa[0] * sb[0]), -1.0, 1.0);
}

SpeckleStats ResponseMeasures::speckle(const cv::Mat& image, const cv::Mat& mask)
{
    if (image.empty() || image.channels() != 1)
        throw Error("Speckle statistics need a non-empty one-channel image");
    checkMask(image, mask);
    SpeckleStats s;
    s.pixels = mask.empty() ? static_cast<int>(image.total()) : cv::countNonZero(mask);
    if (s.pixels == 0)
        return s;
    cv::Scalar m, sd;
    cv::meanStdDev(toFloat(image), m, sd, mask);
    s.mean = m[0];
    s.stddev = sd[0];
    s.speckleIndex = s.mean != 0 ? s.stddev / std::abs(s.mean) : 0;
    s.enl = s.stddev > 0 ? (s.mean / s.stddev) * (s.mean / s.stddev) : 0;
    return s;
}

cv::Mat ResponseMeasures::homogeneousMask(const cv::Mat& image, double fraction, double smoothSigma)
{
    if (image.empty() || image.channels() != 1)
        throw Error("A homogeneous-region mask needs a non-empty one-channel image");
    fraction = std::clamp(fraction, 0.01, 1.0);
    cv::Mat f, smooth, gx, gy, grad;
    image.convertTo(f, CV_32F);
    cv::GaussianBlur(f, smooth, cv::Size(), smoothSigma, smoothSigma, cv::BORDER_REFLECT);
    cv::Sobel(smooth, gx, CV_32F, 1, 0);
    cv::Sobel(smooth, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, grad);
    cv::GaussianBlur(grad, grad, cv::Size(), smoothSigma, smoothSigma, cv::BORDER_REFLECT);

    std::vector<float> bright(smooth.begin<float>(), smooth.end<float>());
    std::nth_element(bright.begin(), bright.begin() + bright.size() / 2, bright.end());
    const float minBright = 0.5f * bright[bright.size() / 2];

    std::vector<float> candidates;
    for (int r = 0; r < f.rows; ++r)
        for (int c = 0; c < f.cols; ++c)
            if (smooth.at<float>(r, c) >= minBright && smooth.at<float>(r, c) > 0)
                candidates.push_back(grad.at<float>(r, c));
    cv::Mat mask = cv::Mat::zeros(f.size(), CV_8U);
    if (candidates.empty())
        return mask;
    const std::size_t k = std::min(candidates.size() - 1,
                                   static_cast<std::size_t>(fraction * static_cast<double>(candidates.size())));
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end());
    const float limit = candidates[k];
    for (int r = 0; r < f.rows; ++r)
        for (int c = 0; c < f.cols; ++c)
            if (smooth.at<float>(r, c) >= minBright && smooth.at<float>(r, c) > 0 && grad.at<float>(r, c) <= limit)
                mask.at<uchar>(r, c) = 255;
    return mask;
}

ResponseMeasures::ResponseSpeckle ResponseMeasures::responseSpeckle(const cv::Mat& response,
                                                                    const cv::Mat& homogeneous)
{
    if (response.empty() || response.channels() != 1)
        throw Error("Speckle of a response needs a non-empty one-channel response");
    checkMask(response, homogeneous);
    cv::Mat f;
    response.convertTo(f, CV_64F);
    ResponseSpeckle out;
    out.rectified = speckle(cv::max(f, 0.0), homogeneous);
    cv::Scalar m, sdAll, sdHom;
    cv::meanStdDev(f, m, sdAll);
    cv::meanStdDev(f, m, sdHom, homogeneous);
    out.residual = sdAll[0] > 0 ? sdHom[0] / sdAll[0] : 0;
    return out;
}

} // namespace ks::interpret
