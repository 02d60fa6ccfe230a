#pragma once
/// \file PhaseCongruency.h
/// Phase congruency after Kovesi (phasecong3): a log-Gabor filter bank over scales and
/// orientations applied in the frequency domain, noise compensation from a Rayleigh model of
/// the smallest-scale amplitude, and a sigmoid weighting for frequency spread. Contrast- and
/// brightness-invariant feature map that peaks on edges and lines alike.

#include <opencv2/core.hpp>

namespace ks::interpret {

/// Kovesi's parameters (defaults are his standard values). Wavelengths are in pixels.
struct PhaseCongruencyParams
{
    int nscale = 4;              ///< number of wavelet scales
    int norient = 6;             ///< number of filter orientations over [0, π)
    double minWaveLength = 3;    ///< wavelength of the smallest-scale filter (pixels)
    double mult = 2.1;           ///< scaling factor between successive filters
    double sigmaOnf = 0.55;      ///< log-Gabor bandwidth: σ of the Gaussian over log frequency / f0
    double k = 2;                ///< noise threshold in standard deviations of the noise energy
    double cutOff = 0.5;         ///< frequency spread below which PC is penalised (0..1)
    double g = 10;               ///< sharpness of the frequency-spread sigmoid
    /// Noise estimate: < 0 uses the median of the smallest-scale amplitude (Rayleigh model,
    /// Kovesi's default); >= 0 is a fixed energy threshold in image intensity units.
    double noiseThreshold = -1;
};

/// All outputs have the input's size, CV_32F.
struct PhaseCongruencyResult
{
    cv::Mat pcMax;        ///< max over orientations of the per-orientation PC, in [0, 1] (the map we compare to)
    cv::Mat pcMean;       ///< mean over orientations of the per-orientation PC, in [0, 1]
    cv::Mat edgeMoment;   ///< Kovesi's maximum moment M (edge strength), about [0, 1]
    cv::Mat cornerMoment; ///< Kovesi's minimum moment m (corner strength), about [0, 1]
    cv::Mat orientation;  ///< orientation of the feature in radians [0, π), from the energy vector
};

/// Stateless; compute() is thread-safe.
class PhaseCongruency
{
public:
    explicit PhaseCongruency(PhaseCongruencyParams params = {});

    /// \param image one-channel image of any depth (converted to float); intensity units arbitrary
    /// The image is reflect-padded to an FFT-friendly size so that its borders do not produce
    /// spurious edges (no wrap-around). \throws ks::Error for an empty or multi-channel image
    /// or invalid parameters.
    PhaseCongruencyResult compute(const cv::Mat& image) const;

    /// Shortcut: compute(image).pcMax.
    cv::Mat magnitude(const cv::Mat& image) const { return compute(image).pcMax; }

    const PhaseCongruencyParams& params() const { return m_params; }

private:
    PhaseCongruencyParams m_params;
};

} // namespace ks::interpret
