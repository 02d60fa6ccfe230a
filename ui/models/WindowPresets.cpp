#include "models/WindowPresets.h"

namespace ks::ui {

Window WindowPreset::apply(double low, double high) const
{
    const double range = high > low ? high - low : 1.0;
    return Window{low + centerFraction * range, widthFraction * range};
}

const QList<WindowPreset>& windowPresets()
{
    static const QList<WindowPreset> presets{
        {QStringLiteral("Full range"), 0.5, 1.0, QStringLiteral("1")},
        {QStringLiteral("High contrast"), 0.5, 0.5, QStringLiteral("2")},
        {QStringLiteral("Low contrast"), 0.5, 1.5, QStringLiteral("3")},
        {QStringLiteral("Brighter"), 0.35, 1.0, QStringLiteral("4")},
        {QStringLiteral("Darker"), 0.65, 1.0, QStringLiteral("5")},
    };
    return presets;
}

} // namespace ks::ui
