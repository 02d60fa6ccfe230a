#include "PhantomGenerator.h"

#include "CaseSampler.h"
#include "ImageFormation.h"
#include "ScreenOverlay.h"
#include "TissueRenderer.h"

#include <opencv2/imgproc.hpp>

#include <cstdio>

namespace ks::phantom {

PhantomGenerator::PhantomGenerator(std::uint64_t seed, PhantomParams params) : m_seed(seed), m_params(std::move(params))
{
}

std::string PhantomGenerator::patientId(int index)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "KS-PHANTOM-%04d", index + 1);
    return buf;
}

std::string PhantomGenerator::patientName(int index)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "PHANTOM^KIDNEY^%04d", index + 1);
    return buf;
}

std::string PhantomGenerator::uid(std::uint64_t seed, int index, int what)
{
    Rng rng = Rng::derive(seed, 100 + std::uint64_t(what), std::uint64_t(index));
    unsigned __int128 v = (static_cast<unsigned __int128>(rng.next()) << 64) | rng.next();
    v >>= 1;   // below 2^127: at most 39 digits, "2.25." + 39 = 44 characters
    std::string digits;
    do {
        digits.insert(digits.begin(), char('0' + int(v % 10)));
        v /= 10;
    } while (v != 0);
    return "2.25." + digits;
}

GroundTruth PhantomGenerator::truthOf(const PhantomCase& c) const
{
    GroundTruth t;
    t.mask = TissueRenderer::kidneyMask(c);
    const cv::Rect r = cv::boundingRect(t.mask);
    t.box = Box{double(r.x), double(r.y), double(r.width), double(r.height)};
    t.rotated = c.kidney.rotatedBox();
    t.lengthMm = c.kidney.lengthMm();
    t.widthMm = c.kidney.widthMm();
    t.angleDeg = c.kidney.angleDeg();
    t.cutByFieldOfView = c.cutByFieldOfView;
    return t;
}

PhantomImage PhantomGenerator::generate(int index) const
{
    PhantomImage out;
    out.drawn = CaseSampler::draw(m_seed, index, m_params);
    const PhantomCase& c = out.drawn;
    const ScanGeometry& g = c.geometry;

    const TissueMaps tissue = TissueRenderer::render(c, m_params);
    const ImageFormation formation(g);
    Rng speckle = Rng::derive(m_seed, 3, std::uint64_t(index));
    const cv::Mat env = formation.envelope(formation.toBeamGrid(tissue), c.acquisition, m_params.noiseDb, speckle);
    cv::Mat frame = formation.scanConvert(formation.logCompress(env, c.acquisition, m_params.speckleStrength));
    if (m_params.burnedInText)
        ScreenOverlay::draw(frame, g.fieldOfViewMask(), c, m_params.preset);

    out.truth = truthOf(c);

    Image& img = out.image;
    img.frames = {frame};
    img.calibration.source = CalibrationSource::UltrasoundRegion;
    img.calibration.mmPerPixelX = g.mmPerPixel;
    img.calibration.mmPerPixelY = g.mmPerPixel;
    img.calibration.fieldOfView = g.fieldOfView();
    img.calibration.description = "phantom convex sector";
    img.windowCenter = 127.5;
    img.windowWidth = 256;
    ImageMeta& m = img.meta;
    m.patientName = patientName(index);
    m.patientId = patientId(index);
    m.patientBirthDate = "19700101";
    m.studyInstanceUid = uid(m_seed, index, 0);
    m.seriesInstanceUid = uid(m_seed, index, 1);
    m.sopInstanceUid = uid(m_seed, index, 2);
    m.sopClassUid = "1.2.840.10008.5.1.4.1.1.6.1";
    m.modality = "US";
    m.photometric = "MONOCHROME2";
    m.studyDescription = "KidneyScope phantom (synthetic)";
    m.seriesDescription = "Long-axis kidney, " + m_params.preset + ", seed " + std::to_string(m_seed);
    char date[16];
    std::snprintf(date, sizeof date, "2016%02d%02d", 1 + index / 28 % 12, 1 + index % 28);
    m.studyDate = date;
    m.seriesNumber = 1;
    m.instanceNumber = 1;
    m.bitsStored = 8;
    return out;
}

} // namespace ks::phantom
