#pragma once
/// \file ScaleBar.h
/// Chooses the length of the scale bar drawn over a calibrated image: a round physical length
/// (1, 2 or 5 × 10^k mm) whose on-screen length fits the space given.

#include <QString>

namespace ks::ui {

struct ScaleBar
{
    double lengthMm = 0;      ///< physical length; 0 when nothing fits
    double screenPixels = 0;  ///< on-screen length in device-independent pixels
    QString label;            ///< "1 cm", "5 mm", "20 cm"

    bool isValid() const { return lengthMm > 0; }

    /// \param mmPerImagePixel physical size of one image pixel (mm, > 0)
    /// \param screenPerImagePixel view zoom: screen pixels per image pixel (> 0)
    /// \param maxScreenPixels longest bar allowed on screen
    /// \return the longest round length whose bar is at most maxScreenPixels and at least
    ///         maxScreenPixels / 5 long; invalid when the inputs are not positive
    static ScaleBar choose(double mmPerImagePixel, double screenPerImagePixel, double maxScreenPixels);
};

} // namespace ks::ui
