#pragma once
/// \file PhantomCase.h
/// Everything random about one phantom image, drawn before any pixel is made: scan geometry,
/// kidney, surrounding anatomy, distractors and scanner settings. Rendering it is deterministic.

#include "KidneyShape.h"
#include "ScanGeometry.h"

#include <cstdint>
#include <vector>

namespace ks::phantom {

/// An ellipse in image pixels (semi-axes a along angleDeg, b across; angle clockwise on screen
/// as in cv::ellipse).
struct Ellipse
{
    cv::Point2d center;
    double a = 0;
    double b = 0;
    double angleDeg = 0;
};

/// A rib's bony surface (bright arc, full shadow below).
struct Rib
{
    double theta = 0;       ///< beam angle of its centre, radians
    double halfWidthMm = 0; ///< half its width across the beams, mm
    double depthMm = 0;     ///< depth of its surface below the skin line, mm
};

/// Scanner settings that shape brightness and resolution.
struct Acquisition
{
    std::vector<double> tgcErrorDb;   ///< slider errors at evenly spaced depths from skin to full depth
    double gainDb = 0;                ///< overall gain error
    double compensationDbPerMm = 0.33;///< what the TGC assumes (tissue differs: imperfect TGC)
    double focusMm = 70;              ///< transmit focus depth below the skin, mm
    double axialSigmaMm = 0.25;       ///< axial PSF (Gaussian envelope) standard deviation, mm
    double lateralSigmaMm = 0.45;     ///< lateral PSF standard deviation at the skin line, mm
    double lateralGrowthPerMm = 0.0065;///< lateral PSF widening per mm of depth
    double dynamicRangeDb = 60;
    double liverGray = 100;           ///< grey level of liver speckle near the skin
    double frequencyMHz = 3.5;
};

/// One drawn case. Value type; thread-safe.
struct PhantomCase
{
    std::uint64_t seed = 0;
    int index = 0;
    ScanGeometry geometry;
    KidneyShape kidney;
    bool cutByFieldOfView = false;    ///< part of the kidney lies outside the sector
    double subcutaneousMm = 10;       ///< skin and fat thickness
    double muscleMm = 8;              ///< abdominal wall muscle below it
    double perirenalFatMm = 3;
    double hepatorenalGapMm = 1.5;
    double liverTipX = 0;             ///< pixels: the liver ends (caudally) here
    double liverTipDepthMm = 30;
    bool hasDiaphragm = true;
    std::vector<cv::Point2d> diaphragm;   ///< polyline, pixels, from the upper left downwards
    double diaphragmThicknessMm = 2.5;
    double bowelBottomDepthMm = 60;   ///< bowel loops occupy the caudal region above this depth
    std::vector<Ellipse> vessels;     ///< hepatic/portal veins (dark, some with bright walls)
    std::vector<bool> vesselWalls;
    std::vector<Ellipse> gallbladder; ///< zero or one
    std::vector<Ellipse> sinusLikeBlobs; ///< bright bowel/fat blobs that imitate a renal sinus
    std::vector<bool> blobRims;       ///< the blob has a dark rim (pseudo-kidney sign)
    std::vector<Rib> ribs;
    std::vector<Ellipse> gasPockets;  ///< bright bowel gas with a dirty shadow
    Acquisition acquisition;
};

} // namespace ks::phantom
