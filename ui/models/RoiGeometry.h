#pragma once
/// \file RoiGeometry.h
/// Geometry of a ROI as the drawing tools see it: every ROI is a RotatedBox (angle 0 for an
/// axis-aligned box), with handles for resizing and rotating, and its size in mm or pixels with
/// the adult kidney range check. Pure functions on value types; thread-safe.

#include "annotation/ProjectTypes.h"
#include "common/Box.h"

#include <QPointF>
#include <QString>

#include <array>

namespace ks::ui {

/// Handles of a ROI. The 8 resize handles sit at the corners and edge centres in the box's own
/// (rotated) frame; the rotation handle sits above the top edge centre.
enum class RoiHandle { None = -1, TopLeft, Top, TopRight, Right, BottomRight, Bottom, BottomLeft, Left, Rotate };

/// Adult kidney size range (mm): length 75–140, width 35–70.
struct KidneyRange
{
    static constexpr double minLengthMm = 75, maxLengthMm = 140;
    static constexpr double minWidthMm = 35, maxWidthMm = 70;
};

/// Size of a ROI for display: length = the longer side, width = the shorter, in mm when the
/// image is calibrated, else in pixels.
struct RoiMeasure
{
    double length = 0;
    double width = 0;
    bool calibrated = false;
    /// True for a calibrated ROI whose label names a kidney and whose size is outside KidneyRange.
    bool outsideKidneyRange = false;

    /// "L 102.4 × W 45.0 mm" (one decimal in mm, none in pixels).
    QString text() const;
    /// The warning line, empty when in range: "outside adult kidney range (L 75–140, W 35–70 mm)".
    QString warning() const;
};

namespace RoiGeometry {

/// The ROI's geometry as a rotated box (angle 0 and box sides for an axis-aligned ROI).
RotatedBox fromAnnotation(const annotation::Annotation& a);
/// Writes `geometry` into `a`: a rotated ROI when `rotated` (its box becomes the rotated box's
/// bounding box: for a shape the user edited), else an axis-aligned box (the angle is ignored).
void toAnnotation(const RotatedBox& geometry, bool rotated, annotation::Annotation& a);
/// `a` moved by (dx, dy) pixels: its box and its rotated box (when it has one) shift by the
/// same offset and keep their sizes, so a stored box tighter than the rotated box's bounding box
/// (imported ground truth) stays as it was, only moved.
annotation::Annotation translated(const annotation::Annotation& a, double dx, double dy);

/// Scene (image pixel) position of a point given in the box's own frame (x along the length).
QPointF toScene(const RotatedBox& b, QPointF local);
/// Inverse of toScene().
QPointF toLocal(const RotatedBox& b, QPointF scene);
/// Scene position of a handle; the rotation handle is `rotateOffset` pixels above the top edge.
QPointF handlePosition(const RotatedBox& b, RoiHandle h, double rotateOffset);
/// True when `scene` lies inside the box grown by `tolerance` pixels on each side.
bool contains(const RotatedBox& b, QPointF scene, double tolerance = 0);

/// The box after dragging resize handle `h` to `scene`: the opposite handle stays put.
/// Sides never fall below `minSide` pixels.
RotatedBox resized(const RotatedBox& b, RoiHandle h, QPointF scene, double minSide = 1);
/// The box rotated so that its rotation handle points at `scene`; the angle is kept in (-90, 90].
RotatedBox rotatedTowards(const RotatedBox& b, QPointF scene);
/// A box whose long axis runs from `a` to `b`, `widthRatio` × its length wide.
RotatedBox fromAxis(QPointF a, QPointF b, double widthRatio);
/// The axis-aligned box spanned by two corners.
RotatedBox fromCorners(QPointF a, QPointF b);

/// Size of `b` on an image with the given pixel size (0 = uncalibrated); the range check
/// applies when `label` contains "kidney".
RoiMeasure measure(const RotatedBox& b, double mmPerPixelX, double mmPerPixelY, const QString& label);

} // namespace RoiGeometry
} // namespace ks::ui
