#include "widgets/RenderBenchmark.h"

#include "widgets/ImageView.h"

#include <QElapsedTimer>

#include <opencv2/imgproc.hpp>

namespace ks::ui {

namespace {

ks::Image syntheticImage(int type)
{
    ks::Image image;
    cv::Mat m(600, 800, type);
    cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(type == CV_16UC1 ? 4096 : 256));
    cv::GaussianBlur(m, m, cv::Size(5, 5), 2);
    image.frames = {m, m.clone()};
    image.frameTimeMs = 33;
    return image;
}

} // namespace

QString RenderBenchmark::run(int frames)
{
    QStringList lines;
    ImageView view;
    view.resize(1000, 750);
    view.show();
    const std::pair<const char*, int> formats[] = {{"grey8", CV_8UC1}, {"grey16", CV_16UC1}, {"rgb", CV_8UC3}};
    for (const auto& [name, type] : formats) {
        view.setImage(syntheticImage(type));
        view.viewport()->repaint();
        const Window base = view.window();
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < frames; ++i) {
            // A window/level drag step and a cine step: both invalidate the displayed image.
            view.setWindow(Window{base.center + (i % 50) - 25, base.width * (0.6 + 0.01 * (i % 40))});
            view.setFrame(i % 2);
            view.viewport()->repaint();
        }
        const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6 / frames;
        lines << QStringLiteral("%1 800x600: %2 ms/frame (%3 fps), view 1000x750")
                     .arg(QString::fromLatin1(name)).arg(ms, 0, 'f', 2).arg(1000.0 / ms, 0, 'f', 0);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace ks::ui
