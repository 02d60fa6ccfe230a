#pragma once
/// \file DetectionResult.h
/// What one detection request answers: per method the core Detection and its likelihood
/// heatmap as a colour-mapped QImage with alpha (made in the worker; the GUI thread only turns it
/// into a pixmap). Value types; thread-safe to copy (QImage is implicitly shared).
#include "detect/Detector.h"
#include "detect/Method.h"

#include <QColor>
#include <QImage>
#include <QMetaType>
#include <QString>

#include <vector>

namespace ks::ui {

struct MethodDetection
{
    detect::Method method = detect::Method::Haar;
    detect::Detection detection;   ///< box in image pixels
    QImage heatmap;                ///< ARGB32 of the frame's size; alpha grows with the likelihood
};

struct DetectionResult
{
    quint64 generation = 0;        ///< the request it answers (latest request wins)
    int frame = 0;                 ///< frame of the image it was computed on
    std::vector<MethodDetection> methods;
    double seconds = 0;            ///< wall time of the whole request
    const MethodDetection* find(detect::Method m) const
    {
        for (const auto& d : methods)
            if (d.method == m)
                return &d;
        return nullptr;
    }
};

/// Fixed colour per method (legend and boxes): Haar cyan, NA blue, PA violet, FA green, Hybrid yellow.
QColor methodColour(detect::Method m);
/// "Haar", "NA", "PA", "FA", "Hybrid".
QString methodLabel(detect::Method m);
/// All five methods in Table 1 order.
std::vector<detect::Method> allMethods();
/// The heatmap colour of a likelihood in [0, 1] (jet; the colour bar uses the same).
QColor heatmapColour(double likelihood);
/// Colour-maps a CV_32F likelihood map in [0, 1] into ARGB32 with alpha = 40 + 215·value where
/// value > 0.02 (transparent elsewhere). Thread-safe (no pixmaps).
QImage heatmapImage(const cv::Mat& likelihood);

} // namespace ks::ui

Q_DECLARE_METATYPE(ks::ui::DetectionResult)
