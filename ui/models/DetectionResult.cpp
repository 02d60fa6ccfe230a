#include "DetectionResult.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>

namespace ks::ui {

namespace {
const std::array<QRgb, 256>& jet()
{
    static const std::array<QRgb, 256> table = [] {
        cv::Mat ramp(1, 256, CV_8U);
        for (int i = 0; i < 256; ++i)
            ramp.at<uchar>(0, i) = static_cast<uchar>(i);
        cv::Mat colours;
        cv::applyColorMap(ramp, colours, cv::COLORMAP_JET);
        std::array<QRgb, 256> t{};
        for (int i = 0; i < 256; ++i) {
            const auto bgr = colours.at<cv::Vec3b>(0, i);
            t[i] = qRgb(bgr[2], bgr[1], bgr[0]);
        }
        return t;
    }();
    return table;
}
} // namespace

QColor methodColour(detect::Method m)
{
    switch (m) {
    case detect::Method::Haar: return QColor(0, 220, 255);
    case detect::Method::NA: return QColor(60, 120, 255);
    case detect::Method::PA: return QColor(200, 90, 255);
    case detect::Method::FA: return QColor(40, 230, 90);
    case detect::Method::Hybrid: return QColor(255, 230, 0);
    }
    return Qt::white;
}

QString methodLabel(detect::Method m)
{
    switch (m) {
    case detect::Method::Haar: return QStringLiteral("Haar");
    case detect::Method::NA: return QStringLiteral("NA");
    case detect::Method::PA: return QStringLiteral("PA");
    case detect::Method::FA: return QStringLiteral("FA");
    case detect::Method::Hybrid: return QStringLiteral("Hybrid");
    }
    return {};
}

std::vector<detect::Method> allMethods()
{
    using detect::Method;
    return {Method::Haar, Method::NA, Method::PA, Method::FA, Method::Hybrid};
}

QColor heatmapColour(double likelihood)
{
    return QColor(jet()[std::clamp(static_cast<int>(likelihood * 255.0 + 0.5), 0, 255)]);
}

QImage heatmapImage(const cv::Mat& likelihood)
{
    CV_Assert(likelihood.type() == CV_32F);
    QImage out(likelihood.cols, likelihood.rows, QImage::Format_ARGB32);
    const auto& table = jet();
    for (int y = 0; y < likelihood.rows; ++y) {
        const float* in = likelihood.ptr<float>(y);
        auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
        for (int x = 0; x < likelihood.cols; ++x) {
            const float v = std::clamp(in[x], 0.0f, 1.0f);
            if (v <= 0.02f) {
                line[x] = qRgba(0, 0, 0, 0);
                continue;
            }
            const QRgb c = table[static_cast<int>(v * 255.0f + 0.5f)];
            line[x] = qRgba(qRed(c), qGreen(c), qBlue(c), static_cast<int>(40 + 215 * v));
        }
    }
    return out;
}

} // namespace ks::ui
