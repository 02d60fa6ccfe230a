// computeCalibration: which ultrasound region applies, fallbacks, non-uniform calibration.
#include "dicom/UltrasoundCalibration.h"

#include <QtTest>

using namespace ks;
using namespace ks::dicom;

namespace {
UltrasoundRegion region(int dataType, long x0, long y0, long x1, long y1, double cm, int units = 3, int format = 1)
{
    UltrasoundRegion r;
    r.spatialFormat = format;
    r.dataType = dataType;
    r.minX0 = x0;
    r.minY0 = y0;
    r.maxX1 = x1;
    r.maxY1 = y1;
    r.unitsX = r.unitsY = units;
    r.deltaX = r.deltaY = cm;
    return r;
}
} // namespace

class TestCalibration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void largestTissueRegionApplies()
    {
        CalibrationInputs in;
        in.regions = {region(1, 0, 0, 99, 99, 0.02), region(1, 100, 0, 399, 299, 0.02),
                      region(3, 0, 300, 399, 399, 0.5, 4, 3)}; // spectral Doppler strip: ignored
        const Calibration c = computeCalibration(in);
        QCOMPARE(c.source, CalibrationSource::UltrasoundRegion);
        QCOMPARE(c.mmPerPixelX, 0.2);
        QCOMPARE(*c.fieldOfView, (Box{100, 0, 300, 300}));
        QVERIFY(c.uniform);
        QVERIFY(c.description.find("region 2 of 3") != std::string::npos);
    }

    void tissuePreferredOverLargerColourRegion()
    {
        CalibrationInputs in;
        in.regions = {region(2, 0, 0, 499, 499, 0.03), region(1, 10, 10, 109, 109, 0.03)};
        const Calibration c = computeCalibration(in);
        QCOMPARE(*c.fieldOfView, (Box{10, 10, 100, 100}));
        in.regions = {region(2, 0, 0, 499, 499, 0.03)};
        QCOMPARE(computeCalibration(in).source, CalibrationSource::UltrasoundRegion);
    }

    void disagreeingRegionsAreNotUniform()
    {
        CalibrationInputs in;
        in.regions = {region(1, 0, 0, 299, 299, 0.02), region(1, 300, 0, 599, 199, 0.04)};
        const Calibration c = computeCalibration(in);
        QVERIFY(!c.uniform);
        QCOMPARE(c.mmPerPixelX, 0.2); // the larger region applies
        QVERIFY(c.description.find("NOT uniformly") != std::string::npos);
    }

    void nonCmRegionsFallBackToPixelSpacing()
    {
        CalibrationInputs in;
        in.regions = {region(1, 0, 0, 99, 99, 0.02, /*units: seconds*/ 4)};
        in.pixelSpacing = {0.5, 0.25}; // row spacing (y), column spacing (x)
        Calibration c = computeCalibration(in);
        QCOMPARE(c.source, CalibrationSource::PixelSpacing);
        QCOMPARE(c.mmPerPixelX, 0.25);
        QCOMPARE(c.mmPerPixelY, 0.5);
        QVERIFY(!c.fieldOfView.has_value());
        in.pixelSpacing.clear();
        in.imagerPixelSpacing = {0.1, 0.1};
        QCOMPARE(computeCalibration(in).source, CalibrationSource::ImagerPixelSpacing);
        in.imagerPixelSpacing = {0.0, 0.1};
        c = computeCalibration(in);
        QVERIFY(!c.isCalibrated());
        QVERIFY(c.description.find("uncalibrated") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestCalibration)
#include "TestCalibration.moc"
