#pragma once
/// \file WindowPresets.h
/// Window/level presets, expressed relative to the image's displayable range so that they
/// suit 8-bit ultrasound and 16-bit data alike.

#include "models/FrameRenderer.h"

#include <QString>
#include <QList>

namespace ks::ui {

struct WindowPreset
{
    QString name;
    double centerFraction = 0.5; ///< centre as a fraction of the data range (0 = minimum)
    double widthFraction = 1.0;  ///< width as a fraction of the data range
    QString shortcut;            ///< e.g. "1"; empty for none

    /// The concrete window for data spanning [low, high].
    Window apply(double low, double high) const;
};

/// The built-in presets (full range, high/low contrast, brighter, darker). Thread-safe.
const QList<WindowPreset>& windowPresets();

} // namespace ks::ui
