#pragma once
/// \file Box.h
/// Rectangles in image pixel coordinates (x right, y down; a pixel's centre is at +0.5).
/// Axis-aligned boxes are what the paper scores; rotated boxes are what a clinician draws.

#include <array>

namespace ks {

/// Axis-aligned rectangle in pixels. Value type; thread-safe.
struct Box
{
    double x = 0;      ///< left edge
    double y = 0;      ///< top edge
    double width = 0;
    double height = 0;

    double right() const { return x + width; }
    double bottom() const { return y + height; }
    double area() const { return width > 0 && height > 0 ? width * height : 0.0; }
    double centerX() const { return x + width / 2; }
    double centerY() const { return y + height / 2; }
    bool isEmpty() const { return !(width > 0 && height > 0); }
    bool contains(double px, double py) const { return px >= x && px < right() && py >= y && py < bottom(); }
    bool operator==(const Box& o) const = default;
};

/// Area of the overlap of two boxes (0 when disjoint).
double intersectionArea(const Box& a, const Box& b);

/// Dice coefficient 2|A∩B| / (|A|+|B|) in [0, 1]; 0 when both are empty.
double dice(const Box& a, const Box& b);

/// Intersection over union in [0, 1]; 0 when both are empty.
double iou(const Box& a, const Box& b);

/// A rectangle rotated about its centre. angleDeg is counter-clockwise on screen (y down,
/// so a positive angle lifts the right end), length runs along the rotated x axis.
struct RotatedBox
{
    double centerX = 0;
    double centerY = 0;
    double length = 0;   ///< along the long axis, pixels
    double width = 0;    ///< across, pixels
    double angleDeg = 0;

    /// Corners in order: (-l/2,-w/2), (l/2,-w/2), (l/2,w/2), (-l/2,w/2) rotated, in pixels.
    std::array<std::array<double, 2>, 4> corners() const;
    /// Tight axis-aligned box around the corners: what detection is scored against.
    Box boundingBox() const;
    bool operator==(const RotatedBox& o) const = default;
};

} // namespace ks
