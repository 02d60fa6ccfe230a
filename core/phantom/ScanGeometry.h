#pragma once
/// \file ScanGeometry.h
/// A convex (curvilinear) probe's sector and how it lies in the displayed image.

#include "common/Box.h"

#include <opencv2/core.hpp>

namespace ks::phantom {

/// Sector geometry. Polar coordinates are measured from the virtual apex (the centre of the
/// probe's curvature): rho in mm (the skin line is rho = radiusMm), theta in radians, 0 straight
/// down, positive to the image's right. Image coordinates are continuous pixels (a pixel's centre
/// is at +0.5, as in ks::Box). Value type; thread-safe.
struct ScanGeometry
{
    int width = 800;            ///< image columns
    int height = 600;           ///< image rows
    double mmPerPixel = 0.25;   ///< square pixels
    double depthMm = 120;       ///< imaging depth below the skin line, mm
    double radiusMm = 50;       ///< probe radius of curvature, mm
    double halfAngleRad = 0.55; ///< half the sector's opening angle
    double apexX = 400;         ///< virtual apex, pixels (may lie above the image)
    double apexY = -150;

    /// Lays out a sector of the given depth, probe radius and half angle in a width×height image:
    /// the sector fills about `fovRows` rows below a top margin for text, and the pixel size
    /// follows (enlarged if the sector would be too wide).
    static ScanGeometry layout(int width, int height, double depthMm, double radiusMm,
                               double halfAngleRad, int fovRows);

    /// Image position (pixels) of polar (rho mm, theta rad).
    cv::Point2d toPixel(double rhoMm, double theta) const;
    /// Polar position of an image point: x = rho (mm), y = theta (rad).
    cv::Point2d toPolar(double x, double y) const;
    /// True when the image point lies in the sector.
    bool contains(double x, double y) const;
    /// Distance (mm) from an image point inside the sector to the sector's border (negative outside).
    double insideMarginMm(double x, double y) const;
    /// Tight axis-aligned box around the sector (pixels): the DICOM ultrasound region.
    Box fieldOfView() const;
    /// CV_8U mask (255 inside the sector) evaluated at pixel centres.
    cv::Mat fieldOfViewMask() const;
    /// Depth below the skin line along the central beam of an image row: y of depth d (mm).
    double rowOfDepth(double depthMm) const;
};

} // namespace ks::phantom
