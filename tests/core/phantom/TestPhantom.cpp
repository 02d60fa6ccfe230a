// The kidney phantom: determinism, ground truth vs rendered anatomy, parameter ranges,
// DICOM round trip through our loader, and Rayleigh speckle statistics.
#include "annotation/CocoDataset.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"
#include "dicom/ImageLoader.h"
#include "phantom/CaseSampler.h"
#include "phantom/DemoStudy.h"
#include "phantom/ImageFormation.h"
#include "phantom/PhantomGenerator.h"
#include "phantom/StudyWriter.h"
#include "phantom/TissueRenderer.h"

#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace ks;
using namespace ks::phantom;
namespace fs = std::filesystem;

namespace {
std::string scratch(const std::string& name)
{
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path root = fs::path(env && *env ? env : fs::temp_directory_path().string()) / "phantom" / name;
    fs::remove_all(root);
    fs::create_directories(root);
    return root.string();
}

std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Mean/std of a CV_32F region.
double meanOverStd(const cv::Mat& region)
{
    cv::Scalar mean, sd;
    cv::meanStdDev(region, mean, sd);
    return mean[0] / sd[0];
}

double envelopeRatio(double density, std::uint64_t seed)
{
    const ScanGeometry g = ScanGeometry::layout(800, 600, 120, 50, 30 * M_PI / 180, 510);
    const ImageFormation f(g);
    const TissueMaps maps = TissueMaps::uniform(f.gridSize(), 0.0, density, 0.0, 0.0);
    Acquisition a;
    a.compensationDbPerMm = 0;
    a.tgcErrorDb.clear();
    Rng rng(seed);
    const cv::Mat env = f.envelope(maps, a, -INFINITY, rng, -INFINITY);
    // a homogeneous region away from the borders: 40..100 mm deep, the central half of the beams
    const int r0 = int(40 / f.sampleMm()), r1 = int(100 / f.sampleMm());
    return meanOverStd(env(cv::Range(r0, r1), cv::Range(env.cols / 4, 3 * env.cols / 4)));
}
} // namespace

class TestPhantom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void presetsAndErrors()
    {
        QVERIFY(PhantomParams::fromPreset("easy").contrast > PhantomParams::fromPreset("hard").contrast);
        QVERIFY(PhantomParams::fromPreset("easy").distractorRate < PhantomParams::fromPreset("hard").distractorRate);
        QVERIFY_THROWS_EXCEPTION(ks::Error, PhantomParams::fromPreset("nightmare"));
        QVERIFY_THROWS_EXCEPTION(ks::Error, StudyWriter::write(scratch("zero"), 0, 1, PhantomParams{}));
    }

    void speckleEnvelopeIsRayleigh()
    {
        // Fully developed speckle: mean/std of a Rayleigh envelope = sqrt(pi/(4-pi)) = 1.913.
        const double rayleigh = std::sqrt(M_PI / (4 - M_PI));
        const double dense = envelopeRatio(1.0, 11);
        QVERIFY2(std::abs(dense - rayleigh) < 0.15 * rayleigh, qPrintable(QString::number(dense)));
        // Few scatterers per resolution cell: not fully developed, the envelope is spikier.
        const double sparse = envelopeRatio(0.01, 11);
        QVERIFY2(sparse < dense - 0.2, qPrintable(QString("sparse %1 dense %2").arg(sparse).arg(dense)));
    }

    void rangesOver200Draws()
    {
        const PhantomParams params = PhantomParams::fromPreset("standard");
        double minL = 1e9, maxL = 0, minA = 1e9, maxA = -1e9, minD = 1e9, maxD = 0;
        int cut = 0, blobs = 0, shadows = 0;
        for (int i = 0; i < 200; ++i) {
            const PhantomCase c = CaseSampler::draw(42, i, params);
            const double L = c.kidney.lengthMm(), W = c.kidney.widthMm(), A = c.kidney.angleDeg();
            QVERIFY(L >= 75 && L <= 140);
            QVERIFY(W >= 35 && W <= 70);
            QVERIFY(A >= -25 && A <= 15);
            const ScanGeometry& g = c.geometry;
            QVERIFY(g.depthMm >= 90 && g.depthMm <= 160);
            QVERIFY2(g.mmPerPixel >= 0.18 && g.mmPerPixel <= 0.36, qPrintable(QString::number(g.mmPerPixel)));
            // The drawn outline really has the stated length and width (measured in its own frame).
            const auto outline = c.kidney.outline();
            const double a = A * M_PI / 180;
            double u0 = 1e9, u1 = -1e9, v0 = 1e9, v1 = -1e9;
            for (const auto& p : outline) {
                const double dx = (p.x - c.kidney.centerX()) * g.mmPerPixel, dy = (p.y - c.kidney.centerY()) * g.mmPerPixel;
                const double u = dx * std::cos(a) - dy * std::sin(a), v = dx * std::sin(a) + dy * std::cos(a);
                u0 = std::min(u0, u), u1 = std::max(u1, u), v0 = std::min(v0, v), v1 = std::max(v1, v);
            }
            QVERIFY2(std::abs((u1 - u0) - L) < 1e-6 * L && std::abs((v1 - v0) - W) < 1e-6 * W,
                     qPrintable(QString("%1 vs %2, %3 vs %4").arg(u1 - u0).arg(L).arg(v1 - v0).arg(W)));
            // Not a perfect ellipse: the outline departs from the ellipse with the same axes.
            double worst = 0;
            for (const auto& p : outline) {
                const double dx = (p.x - c.kidney.centerX()) * g.mmPerPixel, dy = (p.y - c.kidney.centerY()) * g.mmPerPixel;
                const double u = dx * std::cos(a) - dy * std::sin(a), v = dx * std::sin(a) + dy * std::cos(a);
                worst = std::max(worst, std::abs(std::hypot(u / (L / 2), v / (W / 2)) - 1));
            }
            QVERIFY(worst > 0.02);
            // Cut flag agrees with the geometry.
            bool outside = false;
            for (const auto& p : outline)
                outside = outside || !g.contains(p.x, p.y);
            QCOMPARE(c.cutByFieldOfView, outside);
            minL = std::min(minL, L), maxL = std::max(maxL, L);
            minA = std::min(minA, A), maxA = std::max(maxA, A);
            minD = std::min(minD, g.depthMm), maxD = std::max(maxD, g.depthMm);
            cut += c.cutByFieldOfView;
            blobs += !c.sinusLikeBlobs.empty();
            shadows += !c.ribs.empty() || !c.gasPockets.empty();
        }
        // The ranges are covered, not just respected.
        QVERIFY(minL < 85 && maxL > 130);
        QVERIFY(minA < -20 && maxA > 10);
        QVERIFY(minD < 100 && maxD > 150);
        QVERIFY2(cut >= 6 && cut <= 60, qPrintable(QString::number(cut)));
        QVERIFY2(blobs >= 80, qPrintable(QString::number(blobs)));   // the paper's failure case, often
        QVERIFY2(shadows >= 40, qPrintable(QString::number(shadows)));
    }

    void ribsCastShadows()
    {
        // Shadows come from attenuation accumulated along each beam: below a rib the image is
        // much darker than at the same depth beside it.
        const PhantomParams params = PhantomParams::fromPreset("hard");
        int checked = 0;
        for (int i = 0; i < 60 && checked < 2; ++i) {
            const PhantomCase c = CaseSampler::draw(3, i, params);
            if (c.ribs.size() != 1)
                continue;
            const Rib& rib = c.ribs.front();
            const ScanGeometry& g = c.geometry;
            const double rho = g.radiusMm + rib.depthMm + 25;
            const double side = (rib.halfWidthMm + 8) / rho;
            if (std::abs(rib.theta) + side > g.halfAngleRad * 0.95)
                continue;
            const cv::Mat img = PhantomGenerator(3, params).generate(i).image.frames[0];
            auto meanAt = [&](double theta) {
                const cv::Point2d p = g.toPixel(rho, theta);
                return cv::mean(img(cv::Rect(int(p.x) - 4, int(p.y) - 4, 9, 9)))[0];
            };
            const double below = meanAt(rib.theta);
            const double beside = (meanAt(rib.theta - side) + meanAt(rib.theta + side)) / 2;
            QVERIFY2(beside > below + 20, qPrintable(QString("below %1 beside %2").arg(below).arg(beside)));
            ++checked;
        }
        QVERIFY(checked >= 1);
    }

    void groundTruthAgreesWithAnatomy()
    {
        const PhantomParams params = PhantomParams::fromPreset("standard");
        const PhantomGenerator gen(5, params);
        int checkedCut = 0, checkedWhole = 0;
        for (int i = 0; i < 40 && (checkedCut < 2 || checkedWhole < 4); ++i) {
            const PhantomCase c = CaseSampler::draw(5, i, params);
            if (c.cutByFieldOfView ? checkedCut >= 2 : checkedWhole >= 4)
                continue;
            const GroundTruth t = gen.truthOf(c);
            const cv::Rect r = cv::boundingRect(t.mask);
            QCOMPARE(t.box, (Box{double(r.x), double(r.y), double(r.width), double(r.height)}));
            const Box fov = c.geometry.fieldOfView();
            QVERIFY(t.box.x >= fov.x && t.box.y >= fov.y && t.box.right() <= fov.right() && t.box.bottom() <= fov.bottom());
            // The mask is the kidney's outline: whole when not cut, clipped by the sector when cut.
            cv::Mat whole(t.mask.size(), CV_8U, cv::Scalar(0));
            TissueRenderer::fillPolygon(whole, c.kidney.outline());
            const int wholeArea = cv::countNonZero(whole), visible = cv::countNonZero(t.mask);
            if (c.cutByFieldOfView) {
                QVERIFY(visible < wholeArea);
                ++checkedCut;
            } else {
                QCOMPARE(visible, wholeArea);
                // the rotated box (true size) encloses the whole kidney
                const Box rb = t.rotated.boundingBox();
                QVERIFY(rb.x <= t.box.x + 1 && rb.y <= t.box.y + 1 && rb.right() >= t.box.right() - 1
                        && rb.bottom() >= t.box.bottom() - 1);
                ++checkedWhole;
            }
            // The rendered tissue changes at the mask's border: hypoechoic cortex just inside,
            // bright capsule and perirenal fat just outside.
            const TissueMaps maps = TissueRenderer::render(c, params);
            cv::Mat grown, shrunk;
            const cv::Mat k = cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5});
            cv::dilate(t.mask, grown, k);
            cv::erode(t.mask, shrunk, k);
            const cv::Mat fov8 = c.geometry.fieldOfViewMask();
            const double inside = cv::mean(maps.echoDb, (t.mask - shrunk) & fov8)[0];
            const double outside = cv::mean(maps.echoDb, (grown - t.mask) & fov8)[0];
            QVERIFY2(outside > inside + 4, qPrintable(QString("inside %1 outside %2").arg(inside).arg(outside)));
        }
        QCOMPARE(checkedWhole, 4);
        QVERIFY(checkedCut >= 1);
    }

    void sameSeedSameBytes()
    {
        const PhantomParams params = PhantomParams::fromPreset("hard");
        const PhantomImage a = PhantomGenerator(9, params).generate(3);
        const PhantomImage b = PhantomGenerator(9, params).generate(3);
        QCOMPARE(cv::norm(a.image.frames[0], b.image.frames[0], cv::NORM_INF), 0.0);
        const PhantomImage c = PhantomGenerator(10, params).generate(3);
        QVERIFY(cv::norm(a.image.frames[0], c.image.frames[0], cv::NORM_L1) > 0);

        // Whole studies: byte-identical files whatever the thread count.
        const std::string one = scratch("det1"), two = scratch("det2");
        const StudySummary s1 = StudyWriter::write(one, 3, 9, params, 1);
        const StudySummary s2 = StudyWriter::write(two, 3, 9, params, 3);
        QCOMPARE(s1.files.size(), size_t(3));
        for (const std::string rel : {"phantom_0001.dcm", "phantom_0003.dcm", "gt/phantom_0002_mask.png",
                                      "annotations.json", "gt/truth.json"}) {
            const std::string x = bytesOf(one + "/" + rel), y = bytesOf(two + "/" + rel);
            QVERIFY2(!x.empty() && x == y, rel.c_str());
        }
    }

    void dicomReadsBackCalibrated()
    {
        const std::string dir = scratch("dicom");
        const PhantomParams params = PhantomParams::fromPreset("standard");
        const StudySummary s = StudyWriter::write(dir, 2, 77, params, 2, NullProgress::instance(), true);
        const PhantomGenerator gen(77, params);
        for (int i = 0; i < 2; ++i) {
            const PhantomImage expected = gen.generate(i);
            const Image img = dicom::ImageLoader::load(s.files[size_t(i)]);
            QCOMPARE(img.meta.modality, std::string("US"));
            QCOMPARE(img.meta.sopClassUid, std::string("1.2.840.10008.5.1.4.1.1.6.1"));
            QCOMPARE(img.meta.photometric, std::string("MONOCHROME2"));
            QCOMPARE(img.meta.patientId, PhantomGenerator::patientId(i));
            QCOMPARE(img.meta.patientName, PhantomGenerator::patientName(i));
            QCOMPARE(img.calibration.source, CalibrationSource::UltrasoundRegion);
            const double px = expected.drawn.geometry.mmPerPixel;
            QVERIFY(std::abs(img.calibration.mmPerPixelX - px) < 1e-6 && std::abs(img.calibration.mmPerPixelY - px) < 1e-6);
            QVERIFY(img.calibration.fieldOfView.has_value());
            const Box fov = expected.drawn.geometry.fieldOfView();
            QVERIFY(std::abs(img.calibration.fieldOfView->x - fov.x) <= 1 && std::abs(img.calibration.fieldOfView->width - fov.width) <= 1);
            QVERIFY(std::abs(img.calibration.fieldOfView->y - fov.y) <= 1 && std::abs(img.calibration.fieldOfView->height - fov.height) <= 1);
            QCOMPARE(cv::norm(img.gray8(), expected.image.frames[0], cv::NORM_INF), 0.0);
            QCOMPARE(cv::norm(img.gray8(), s.frames[size_t(i)], cv::NORM_INF), 0.0);
        }
        // COCO ground truth: relative names, pixel spacing, the same boxes as the generator's.
        const annotation::CocoDataset coco = annotation::CocoDataset::load(s.annotationsPath);
        QCOMPARE(coco.images.size(), size_t(2));
        QCOMPARE(coco.images[1].fileName, std::string("phantom_0002.dcm"));
        QCOMPARE(fs::path(coco.images[1].path), fs::path(s.files[1]));
        QVERIFY(coco.images[1].pixelSpacingMm.has_value());
        QCOMPARE(coco.images[1].patientId, std::string("KS-PHANTOM-0002"));
        const auto ann = coco.annotationsOf(coco.images[1].id);
        QCOMPARE(ann.size(), size_t(1));
        QCOMPARE(ann[0].box, s.boxes[1]);
        QVERIFY(ann[0].rotated.has_value());
        const cv::Mat mask = cv::imread(dir + "/gt/phantom_0002_mask.png", cv::IMREAD_GRAYSCALE);
        const cv::Rect r = cv::boundingRect(mask);
        QCOMPARE(ann[0].box, (Box{double(r.x), double(r.y), double(r.width), double(r.height)}));
    }

    void demoStudyIsMadeOnce()
    {
        const std::string dir = scratch("demo");
        const std::string path = DemoStudy::ensure(dir + "/study");
        QVERIFY(fs::is_regular_file(path + "/annotations.json"));
        const auto stamp = fs::last_write_time(path + "/phantom_0001.dcm");
        QCOMPARE(DemoStudy::ensure(dir + "/study"), path);
        QCOMPARE(fs::last_write_time(path + "/phantom_0001.dcm"), stamp);
        // An incomplete study is regenerated.
        fs::remove(path + "/phantom_0002.dcm");
        DemoStudy::ensure(dir + "/study");
        QVERIFY(fs::is_regular_file(path + "/phantom_0002.dcm"));
    }

    void demoProjectHoldsTheGroundTruth()
    {
        const std::string dir = scratch("demoproject");
        const std::string project = DemoStudy::ensureProject(dir + "/study");
        const auto coco = annotation::CocoDataset::load(dir + "/study/annotations.json");
        annotation::Annotation edited;
        {
            annotation::ProjectStore store(project, false);
            const auto rois = store.annotations();
            QCOMPARE(rois.size(), coco.annotations.size());
            QCOMPARE(store.images().size(), coco.images.size());
            for (const auto& roi : rois) {
                QCOMPARE(roi.author, DemoStudy::groundTruthAuthor());
                const auto image = store.image(roi.imageId);
                QVERIFY(image.has_value());
                const auto it = std::find_if(coco.images.begin(), coco.images.end(),
                                             [&](const auto& im) { return im.path == image->path; });
                QVERIFY(it != coco.images.end());
                QCOMPARE(roi.box, coco.annotationsOf(it->id).front().box);
                QVERIFY(image->mmPerPixelX > 0); // calibrated from the phantom's ultrasound region
            }
            // A user's edit in the demo project survives the next ensureProject().
            edited = rois.front();
            edited.box.x += 3;
            store.setAuthor("clinician");
            store.update(edited);
        }
        QCOMPARE(DemoStudy::ensureProject(dir + "/study"), project);
        annotation::ProjectStore again(project, false);
        const auto kept = again.annotation(edited.id);
        QVERIFY(kept.has_value());
        QCOMPARE(kept->box.x, edited.box.x);
        QCOMPARE(again.annotations().size(), coco.annotations.size());
        QVERIFY(!fs::exists(dir + "/study/project.partial"));
    }
};

QTEST_GUILESS_MAIN(TestPhantom)
#include "TestPhantom.moc"
