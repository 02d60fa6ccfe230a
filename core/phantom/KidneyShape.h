#pragma once
/// \file KidneyShape.h
/// A long-axis kidney: an irregular smooth outline (a randomly perturbed, slightly bean-like
/// ellipse), its renal sinus and its medullary pyramids, placed in the image.

#include "Rng.h"

#include "common/Box.h"

#include <opencv2/core.hpp>

#include <vector>

namespace ks::phantom {

/// Shapes are kept in the kidney's own frame in mm (u along the long axis, v across, centred on
/// the tight rotated box) and mapped to image pixels by place(). Value type; thread-safe.
class KidneyShape
{
public:
    /// Draws a random outline whose rotated box is exactly lengthMm × widthMm.
    static KidneyShape draw(Rng& rng, double lengthMm, double widthMm, double angleDeg);

    double lengthMm() const { return m_lengthMm; }
    double widthMm() const { return m_widthMm; }
    /// Orientation in ks::RotatedBox's convention (positive lifts the right end on screen).
    double angleDeg() const { return m_angleDeg; }

    /// Puts the rotated box's centre at (cx, cy) pixels with `mmPerPixel` square pixels.
    void place(double cx, double cy, double mmPerPixel);
    double centerX() const { return m_cx; }
    double centerY() const { return m_cy; }

    /// Outline, sinus and pyramids in image pixels (continuous coordinates).
    std::vector<cv::Point2d> outline() const { return toImage(m_outline); }
    std::vector<cv::Point2d> sinus() const { return toImage(m_sinus); }
    std::vector<std::vector<cv::Point2d>> pyramids() const;
    /// The outline offset outward by `mm` along its normals (for fat and capsule), pixels.
    std::vector<cv::Point2d> outlineOffset(double mm) const;

    /// The true rotated box in pixels.
    RotatedBox rotatedBox() const;

private:
    std::vector<cv::Point2d> toImage(const std::vector<cv::Point2d>& local) const;

    double m_lengthMm = 0;
    double m_widthMm = 0;
    double m_angleDeg = 0;
    double m_cx = 0;
    double m_cy = 0;
    double m_mmPerPixel = 1;
    std::vector<cv::Point2d> m_outline;                 // local mm
    std::vector<cv::Point2d> m_sinus;                   // local mm
    std::vector<std::vector<cv::Point2d>> m_pyramids;   // local mm
};

} // namespace ks::phantom
