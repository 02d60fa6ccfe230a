#include "models/ScaleBar.h"

#include <cmath>

namespace ks::ui {

ScaleBar ScaleBar::choose(double mmPerImagePixel, double screenPerImagePixel, double maxScreenPixels)
{
    ScaleBar bar;
    if (!(mmPerImagePixel > 0) || !(screenPerImagePixel > 0) || !(maxScreenPixels > 0))
        return bar;
    const double screenPerMm = screenPerImagePixel / mmPerImagePixel;
    const double maxMm = maxScreenPixels / screenPerMm;
    // Largest 1/2/5 × 10^k not above maxMm.
    const double decade = std::pow(10.0, std::floor(std::log10(maxMm)));
    double length = decade;
    for (double m : {5.0, 2.0, 1.0}) {
        if (m * decade <= maxMm * (1 + 1e-9)) {
            length = m * decade;
            break;
        }
    }
    bar.lengthMm = length;
    bar.screenPixels = length * screenPerMm;
    if (length >= 10)
        bar.label = QStringLiteral("%1 cm").arg(length / 10, 0, 'g', 4);
    else if (length >= 1)
        bar.label = QStringLiteral("%1 mm").arg(length, 0, 'g', 4);
    else
        bar.label = QStringLiteral("%1 µm").arg(length * 1000, 0, 'g', 4);
    return bar;
}

} // namespace ks::ui
