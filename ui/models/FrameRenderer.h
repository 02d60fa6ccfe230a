#pragma once
/// \file FrameRenderer.h
/// Turns a frame of a ks::Image into a displayable QImage through a cached 8-bit lookup table
/// (window/level). Only what changed is rebuilt: the LUT when the window changes, the QImage
/// when the frame or the LUT changes.

#include "common/Image.h"

#include <QImage>

#include <vector>

namespace ks::ui {

/// Display window in stored pixel values, as ks::Image::windowCenter/windowWidth (ks_dicom
/// converts the file's rescaled window to stored values; MONOCHROME1 is already inverted).
/// Output grey = clamp((v - (center - width/2)) / width, 0, 1) × 255.
struct Window
{
    double center = 127.5;
    double width = 255;
    bool operator==(const Window& o) const = default;
};

/// Not thread-safe; owned by one thread (the GUI thread in the viewer, any thread in benchmarks).
/// Returned QImages are implicitly shared copies: safe to keep, paint or convert to a pixmap.
class FrameRenderer
{
public:
    /// Replaces the image; the window returns to the image's default.
    void setImage(const ks::Image& image);
    const ks::Image& image() const { return m_image; }
    bool hasImage() const { return !m_image.isEmpty(); }

    /// Width is clamped to at least 1e-3.
    void setWindow(const Window& window);
    Window window() const { return m_window; }
    /// The file's window when it has one, else identity for 8-bit data, else the data range.
    Window defaultWindow() const { return m_default; }
    void resetWindow() { setWindow(m_default); }

    /// Smallest and largest stored value: 0..255 for 8-bit data, the first frame's range
    /// otherwise. Used to scale W/L presets and drag sensitivity.
    std::pair<double, double> dataRange() const { return m_range; }

    /// The frame through the current window, Format_Grayscale8 (monochrome) or Format_RGB888
    /// (colour; the window applies to each channel). Null QImage for a bad index or no image.
    QImage render(int frame);

    /// The current 256/65536-entry LUT (index = stored value, +32768 for signed 16-bit).
    const std::vector<uchar>& lut() const { return m_lut; }
    /// Number of LUT rebuilds so far (to check that caching works).
    int lutBuilds() const { return m_lutBuilds; }

private:
    void rebuildLut();

    ks::Image m_image;
    Window m_window;
    Window m_default;
    std::pair<double, double> m_range{0, 255};
    std::vector<uchar> m_lut;
    bool m_lutValid = false;
    int m_lutBuilds = 0;
    int m_cachedFrame = -1;
    QImage m_cached;
};

} // namespace ks::ui

#include <QMetaType>
Q_DECLARE_METATYPE(ks::ui::Window)
