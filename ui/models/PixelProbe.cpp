#include "models/PixelProbe.h"

#include <cmath>

namespace ks::ui {

QString PixelReading::text() const
{
    if (!inside)
        return {};
    QString s = QStringLiteral("x %1  y %2   value %3").arg(x).arg(y).arg(value);
    if (xMm && yMm) {
        s += QStringLiteral("   %1 mm, %2 mm").arg(*xMm, 0, 'f', 1).arg(*yMm, 0, 'f', 1);
        if (!insideFieldOfView)
            s += QStringLiteral(" (outside the field of view)");
    }
    return s;
}

PixelReading PixelProbe::read(const ks::Image& image, int frame, QPointF imagePos)
{
    PixelReading r;
    if (image.isEmpty() || frame < 0 || frame >= image.frameCount())
        return r;
    const int x = static_cast<int>(std::floor(imagePos.x()));
    const int y = static_cast<int>(std::floor(imagePos.y()));
    if (x < 0 || y < 0 || x >= image.width() || y >= image.height())
        return r;
    r.inside = true;
    r.x = x;
    r.y = y;
    const cv::Mat& m = image.frames[static_cast<size_t>(frame)];
    const double slope = image.rescaleSlope == 0 ? 1.0 : image.rescaleSlope;
    auto modality = [&](double stored) {
        const double v = stored * slope + image.rescaleIntercept;
        return v == std::floor(v) ? QString::number(static_cast<long long>(v)) : QString::number(v, 'g', 6);
    };
    if (m.channels() == 3 && m.depth() == CV_8U) {
        const cv::Vec3b p = m.at<cv::Vec3b>(y, x);
        r.value = QStringLiteral("RGB %1, %2, %3").arg(p[0]).arg(p[1]).arg(p[2]);
    } else if (m.channels() == 1) {
        double stored = 0;
        switch (m.depth()) {
        case CV_8U: stored = m.at<uchar>(y, x); break;
        case CV_16U: stored = m.at<ushort>(y, x); break;
        case CV_16S: stored = m.at<short>(y, x); break;
        case CV_32S: stored = m.at<int>(y, x); break;
        case CV_32F: stored = m.at<float>(y, x); break;
        case CV_64F: stored = m.at<double>(y, x); break;
        default: break;
        }
        r.value = modality(stored);
    } else {
        r.value = QStringLiteral("?");
    }
    const ks::Calibration& cal = image.calibration;
    if (cal.isCalibrated()) {
        r.xMm = imagePos.x() * cal.mmPerPixelX;
        r.yMm = imagePos.y() * cal.mmPerPixelY;
        if (cal.fieldOfView)
            r.insideFieldOfView = cal.fieldOfView->contains(imagePos.x(), imagePos.y());
    }
    return r;
}

} // namespace ks::ui
