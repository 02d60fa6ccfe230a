#pragma once
/// \file PixelProbe.h
/// What the status bar says about the pixel under the cursor: position, value, and physical
/// position when the image is calibrated.

#include "common/Image.h"

#include <QPointF>
#include <QString>

#include <optional>

namespace ks::ui {

struct PixelReading
{
    bool inside = false;   ///< false when the position is outside the image
    int x = 0;             ///< pixel column (a pixel covers [x, x+1))
    int y = 0;             ///< pixel row
    QString value;         ///< "87" (grey; modality value when rescaled) or "RGB 12, 40, 200"
    std::optional<double> xMm; ///< x, y × mm per pixel (origin at the image's top-left corner)
    std::optional<double> yMm;
    bool insideFieldOfView = true; ///< false when calibrated with a field of view that excludes the point

    /// "x 120  y 45   value 87   12.3 mm, 4.5 mm" (or "uncalibrated").
    QString text() const;
};

/// Stateless; thread-safe for distinct images.
class PixelProbe
{
public:
    /// \param imagePos position in image pixel coordinates (scene coordinates of the view)
    static PixelReading read(const ks::Image& image, int frame, QPointF imagePos);
};

} // namespace ks::ui
