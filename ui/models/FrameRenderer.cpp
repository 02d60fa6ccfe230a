#include "models/FrameRenderer.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace ks::ui {

namespace {

/// Stored-value offset that maps the data type onto LUT indexes.
int lutOffset(int depth) { return depth == CV_16S ? 32768 : 0; }
int lutSize(int depth) { return depth == CV_8U ? 256 : 65536; }

} // namespace

void FrameRenderer::setImage(const ks::Image& image)
{
    m_image = image;
    m_cachedFrame = -1;
    m_cached = QImage();
    m_lutValid = false;
    m_range = {0, 255};
    if (image.isEmpty()) {
        m_default = Window{};
        m_window = m_default;
        return;
    }
    const cv::Mat& first = image.frames.front();
    if (first.depth() != CV_8U) {
        double lo = 0, hi = 0;
        cv::minMaxLoc(first.reshape(1), &lo, &hi);
        m_range = {lo, hi > lo ? hi : lo + 1};
    }
    if (image.windowWidth > 0)
        m_default = Window{image.windowCenter, image.windowWidth};
    else
        m_default = Window{(m_range.first + m_range.second) / 2, m_range.second - m_range.first};
    m_window = m_default;
}

void FrameRenderer::setWindow(const Window& window)
{
    Window w = window;
    w.width = std::max(w.width, 1e-3);
    if (w == m_window)
        return;
    m_window = w;
    m_lutValid = false;
}

void FrameRenderer::rebuildLut()
{
    const int depth = m_image.frames.front().depth();
    const int size = lutSize(depth);
    const int offset = lutOffset(depth);
    const double low = m_window.center - m_window.width / 2;
    const double scale = 255.0 / m_window.width;
    m_lut.resize(static_cast<size_t>(size));
    for (int i = 0; i < size; ++i) {
        const double out = (i - offset - low) * scale;
        m_lut[static_cast<size_t>(i)] = static_cast<uchar>(std::clamp(std::lround(out), 0L, 255L));
    }
    m_lutValid = true;
    ++m_lutBuilds;
    m_cachedFrame = -1;
}

QImage FrameRenderer::render(int frame)
{
    if (m_image.isEmpty() || frame < 0 || frame >= m_image.frameCount())
        return {};
    if (!m_lutValid)
        rebuildLut();
    if (frame == m_cachedFrame && !m_cached.isNull())
        return m_cached;

    const cv::Mat& src = m_image.frames[static_cast<size_t>(frame)];
    const int depth = src.depth();
    const int channels = src.channels();
    QImage out;
    if (channels == 3 && depth == CV_8U) {
        out = QImage(src.cols, src.rows, QImage::Format_RGB888);
        cv::Mat dst(src.rows, src.cols, CV_8UC3, out.bits(), static_cast<size_t>(out.bytesPerLine()));
        cv::LUT(src, cv::Mat(1, 256, CV_8U, m_lut.data()), dst);
    } else if (channels == 1 && depth == CV_8U) {
        out = QImage(src.cols, src.rows, QImage::Format_Grayscale8);
        cv::Mat dst(src.rows, src.cols, CV_8UC1, out.bits(), static_cast<size_t>(out.bytesPerLine()));
        cv::LUT(src, cv::Mat(1, 256, CV_8U, m_lut.data()), dst);
    } else if (channels == 1 && (depth == CV_16U || depth == CV_16S)) {
        out = QImage(src.cols, src.rows, QImage::Format_Grayscale8);
        const uchar* lut = m_lut.data() + lutOffset(depth);
        for (int y = 0; y < src.rows; ++y) {
            uchar* dst = out.scanLine(y);
            if (depth == CV_16U) {
                const ushort* row = src.ptr<ushort>(y);
                for (int x = 0; x < src.cols; ++x)
                    dst[x] = lut[row[x]];
            } else {
                const short* row = src.ptr<short>(y);
                for (int x = 0; x < src.cols; ++x)
                    dst[x] = lut[row[x]];
            }
        }
    } else {
        // Unusual layouts (float, 4 channels): show the core's 8-bit grey rendering.
        const cv::Mat grey = m_image.gray8(frame);
        out = QImage(grey.cols, grey.rows, QImage::Format_Grayscale8);
        cv::Mat dst(grey.rows, grey.cols, CV_8UC1, out.bits(), static_cast<size_t>(out.bytesPerLine()));
        grey.copyTo(dst);
    }
    m_cachedFrame = frame;
    m_cached = out;
    return out;
}

} // namespace ks::ui
