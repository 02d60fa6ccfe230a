#include "Calibration.h"

namespace ks {

std::string Calibration::sourceName(CalibrationSource s)
{
    switch (s) {
    case CalibrationSource::None: return "uncalibrated";
    case CalibrationSource::UltrasoundRegion: return "ultrasound region";
    case CalibrationSource::PixelSpacing: return "pixel spacing";
    case CalibrationSource::ImagerPixelSpacing: return "imager pixel spacing";
    case CalibrationSource::User: return "user";
    }
    return "unknown";
}

Calibration Calibration::user(double mmPerPixel)
{
    Calibration c;
    c.source = CalibrationSource::User;
    c.mmPerPixelX = c.mmPerPixelY = mmPerPixel;
    c.description = "pixel size given by the user";
    return c;
}

} // namespace ks
