#pragma once
/// \file RenderBenchmark.h
/// Measures the viewer's display path (window change → LUT → QImage → pixmap → paint) on
/// synthetic 800×600 frames, for `kidneyscope --bench-render`.

#include <QString>

namespace ks::ui {

class RenderBenchmark
{
public:
    /// Renders `frames` frames per pixel format (8-bit grey, 16-bit grey, RGB) through an
    /// ImageView of 1000×750, changing the window before each, and returns one line per format:
    /// "grey8 800x600: 1.23 ms/frame (813 fps)". Needs a QApplication; GUI thread.
    static QString run(int frames = 300);
};

} // namespace ks::ui
