#pragma once
/// \file ImageFormation.h
/// B-mode image formation on the beam grid of a convex probe: complex (IQ) scatterers with
/// tissue-dependent density and amplitude, depth attenuation (shadows arise from the
/// cumulative attenuation along each beam), convolution with a Gaussian PSF whose lateral width
/// grows with depth, electronic noise, imperfect TGC, envelope detection, log compression and
/// scan conversion to the displayed sector.

#include "PhantomCase.h"
#include "Rng.h"
#include "ScanGeometry.h"
#include "TissueMaps.h"

namespace ks::phantom {

/// The beam grid: rows = depth samples (sampleMm apart from the skin line), columns = beams
/// (beamRad apart from the sector's left edge). Immutable after construction; thread-safe.
class ImageFormation
{
public:
    explicit ImageFormation(const ScanGeometry& geometry);

    cv::Size gridSize() const { return {m_beams, m_samples}; }
    double sampleMm() const { return m_sampleMm; }
    double beamRad() const { return m_beamRad; }

    /// Resamples image-space tissue maps onto the beam grid (bilinear).
    TissueMaps toBeamGrid(const TissueMaps& image) const;

    /// Envelope (linear amplitude, CV_32F, beam grid) before log compression. Fully developed
    /// speckle (density 1, no sparkle) has a Rayleigh envelope. `noiseDb` is the electronic
    /// noise level relative to liver at the skin, `clutterDb` the level of reverberation haze at
    /// the skin (decaying with depth, not shadowed); use -inf for none.
    cv::Mat envelope(const TissueMaps& beamMaps, const Acquisition& acquisition, double noiseDb, Rng& rng,
                     double clutterDb = -30) const;

    /// Log compression to grey levels (CV_32F, 0..255 before rounding) with a speckle reduction
    /// blend: 1 = raw speckle, 0 = fully smoothed.
    cv::Mat logCompress(const cv::Mat& envelope, const Acquisition& acquisition, double speckleStrength) const;

    /// Scan conversion of a beam-grid grey image to the displayed image (CV_8U, black outside
    /// the sector).
    cv::Mat scanConvert(const cv::Mat& beamGray) const;

private:
    ScanGeometry m_geometry;
    double m_sampleMm;
    double m_beamRad;
    int m_samples;
    int m_beams;
};

} // namespace ks::phantom
