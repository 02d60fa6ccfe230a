#include "FilterMosaic.h"

#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ks::ui {

FilterMosaic::FilterMosaic(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_picture(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_picture, 1);
    m_picture->setAlignment(Qt::AlignLeft | Qt::AlignTop);
}

void FilterMosaic::setWeights(const cnn::ConvWeights& weights, const QString& title, int scale)
{
    m_title->setText(title);
    m_image = render(weights, scale);
    m_picture->setPixmap(QPixmap::fromImage(m_image));
}

void FilterMosaic::clear(const QString& title)
{
    m_title->setText(title);
    m_image = {};
    m_picture->clear();
}

QImage FilterMosaic::kernelImage(const cnn::ConvWeights& w, int filter)
{
    const int kh = w.kernelHeight, kw = w.kernelWidth, in = w.inChannelsPerGroup;
    if (filter < 0 || filter >= w.outChannels || kh <= 0 || kw <= 0 || in <= 0)
        return {};
    const float* base = w.weights.data() + static_cast<std::size_t>(filter) * in * kh * kw;
    const bool colour = in == 3;
    // Channel values per pixel: BGR for colour kernels, else the mean over input channels.
    std::vector<float> values(static_cast<std::size_t>(kh) * kw * (colour ? 3 : 1), 0.f);
    for (int c = 0; c < in; ++c)
        for (int i = 0; i < kh * kw; ++i) {
            const float v = base[static_cast<std::size_t>(c) * kh * kw + i];
            if (colour)
                values[static_cast<std::size_t>(i) * 3 + c] = v;
            else
                values[i] += v / in;
        }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const float range = *hi - *lo;
    const auto to8 = [&](float v) { return range > 0 ? static_cast<int>(std::lround(255.f * (v - *lo) / range)) : 128; };
    QImage out(kw, kh, QImage::Format_RGB32);
    for (int y = 0; y < kh; ++y)
        for (int x = 0; x < kw; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * kw + x;
            if (colour)
                out.setPixel(x, y, qRgb(to8(values[i * 3 + 2]), to8(values[i * 3 + 1]), to8(values[i * 3])));
            else {
                const int g = to8(values[i]);
                out.setPixel(x, y, qRgb(g, g, g));
            }
        }
    return out;
}

QImage FilterMosaic::render(const cnn::ConvWeights& w, int scale)
{
    const int n = w.outChannels;
    if (n <= 0 || w.kernelWidth <= 0)
        return {};
    scale = std::max(1, scale);
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    const int rows = (n + cols - 1) / cols;
    const int cw = w.kernelWidth * scale + 1, ch = w.kernelHeight * scale + 1;
    QImage out(cols * cw + 1, rows * ch + 1, QImage::Format_RGB32);
    out.fill(QColor(40, 40, 40));
    QPainter p(&out);
    for (int f = 0; f < n; ++f) {
        const QImage k = kernelImage(w, f);
        p.drawImage(QRect(1 + (f % cols) * cw, 1 + (f / cols) * ch, cw - 1, ch - 1), k);
    }
    return out;
}

} // namespace ks::ui
