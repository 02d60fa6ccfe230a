// The report from a real (Haar-only, tiny) detector bundle and a study on disk: Table 1 and the
// per-image Dice come from an evaluation of the bundle; the configuration names the data.
#include "SyntheticScene.h"
#include "interpret/ReportBuilder.h"

#include "annotation/CocoDataset.h"
#include "common/Error.h"
#include "detect/DetectorTrainer.h"
#include "detect/Evaluation.h"
#include "detect/ModelBundle.h"
#include "detect/Dataset.h"
#include "detect/Experiment.h"
#include "common/Sha256.h"
#include "dicom/DicomWriter.h"
#include "interpret/HtmlReport.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace ks;
namespace fs = std::filesystem;

namespace {

/// The detector tests' synthetic scene, named as a PNG file (the report lists it by file name).
detect::AnnotatedFrame scene(unsigned seed)
{
    detect::AnnotatedFrame f = detect::test::syntheticScene(seed);
    f.name += ".png";
    return f;
}

std::string tmpDir(const std::string& name)
{
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path p = fs::path(env ? env : fs::temp_directory_path().string()) / ("interpret_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

std::string fileBytes(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

class TestReportBuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reportFromHaarBundle()
    {
        // A tiny Haar detector, saved as a bundle.
        std::vector<detect::AnnotatedFrame> train;
        for (unsigned i = 0; i < 8; ++i)
            train.push_back(scene(100 + i));
        detect::TrainConfig c;
        c.preset = detect::TargetPreset::load("kidney", {KS_SOURCE_DIR "/resources/presets"});
        c.candidates.targetCount = 400;
        c.haarCount = 300;
        c.methods = {detect::Method::Haar};
        detect::Detector detector = detect::DetectorTrainer::train(train, c);
        const std::string bundle = tmpDir("bundle");
        detect::ModelBundle::save(detector, bundle, R"({"seeds": {"split": 7}})");

        // A study on disk: PNG files and a COCO file.
        const std::string study = tmpDir("study");
        annotation::CocoDataset coco;
        coco.categories = {"kidney"};
        std::vector<detect::AnnotatedFrame> test;
        for (unsigned i = 0; i < 4; ++i) {
            detect::AnnotatedFrame f = scene(900 + i);
            const std::string path = study + "/" + f.name;
            QVERIFY(cv::imwrite(path, f.gray));
            annotation::CocoImage im;
            im.id = i + 1;
            im.fileName = f.name;
            im.path = path;
            im.width = f.gray.cols;
            im.height = f.gray.rows;
            im.pixelSpacingMm = 0.8;
            coco.images.push_back(im);
            annotation::CocoAnnotation an;
            an.id = i + 1;
            an.imageId = i + 1;
            an.category = "kidney";
            an.box = *f.truth;
            coco.annotations.push_back(an);
            test.push_back(f);
        }
        coco.save(study + "/annotations.json");

        interpret::ReportOptions o;
        o.bundleDir = bundle;
        o.study = study;  // the folder: annotations.json inside is found
        interpret::ReportSummary summary;
        const interpret::ReportData d = interpret::ReportBuilder::build(o, &summary);

        // Table 1 equals an evaluation of the same bundle on the same frames.
        const auto expected = detect::Evaluation::run(detector, test, {detect::Method::Haar});
        QCOMPARE(d.table1.rows.size(), std::size_t(1));
        QCOMPARE(d.table1.rows[0][1], std::string("4"));
        char mean[32];
        std::snprintf(mean, sizeof mean, "%.3f", expected.summary.at(detect::Method::Haar).meanDice);
        QCOMPARE(d.table1.rows[0][2], std::string(mean));
        QCOMPARE(d.perImageDice.rows.size(), std::size_t(4));
        QCOMPARE(d.perImageDice.rows[0][0], std::string("scene900.png"));
        QVERIFY(!summary.lines.empty());
        // No CNN in this bundle: said, and neither Table 2 nor panels.
        QVERIFY(d.table2.empty() && d.panels.empty());
        QVERIFY(!d.notes.empty() && d.notes[0].find("no CNN") != std::string::npos);
        // The configuration names the data by checksum and carries the manifest.
        bool cocoSha = false, seeds = false;
        for (const auto& [k, v] : d.configuration) {
            cocoSha |= k == "Study COCO sha256" && v == Sha256::ofFile(study + "/annotations.json");
            seeds |= k == "manifest: seeds" && v.find("\"split\":7") != std::string::npos;
        }
        QVERIFY(cocoSha);
        QVERIFY(seeds);
        QVERIFY(d.manifestJson.find("kidneyscope-detector") != std::string::npos);

        // Wrong inputs are errors that say what to give.
        o.study = tmpDir("empty");
        QVERIFY_THROWS_EXCEPTION(ks::Error, interpret::ReportBuilder::build(o));
        o.study = study;
        o.bundleDir = study;
        QVERIFY_THROWS_EXCEPTION(ks::Error, interpret::ReportBuilder::build(o));
    }

    void noPatientDataInBundleOrReport()
    {
        // Training DICOM files carry a patient name, ID and birth date (and the
        // COCO file the patient ID, as a project export writes it). Neither the bundle nor the
        // report may contain them.
        const std::vector<std::string> secrets{"DOE^JOHN", "PID12345", "19700101"};
        const std::string study = tmpDir("patient_study");
        annotation::CocoDataset coco;
        coco.categories = {"kidney"};
        for (unsigned i = 0; i < 8; ++i) {
            const detect::AnnotatedFrame f = detect::test::syntheticScene(300 + i);
            Image im;
            im.frames = {f.gray};
            im.calibration = f.calibration;
            im.meta.patientName = "DOE^JOHN";
            im.meta.patientId = i < 4 ? "PID12345" : "PID12345B";
            im.meta.patientBirthDate = "19700101";
            im.meta.modality = "US";
            const std::string name = "img" + std::to_string(i) + ".dcm";
            dicom::DicomWriter::write(study + "/" + name, im);
            QVERIFY(fileBytes(study + "/" + name).find("DOE^JOHN") != std::string::npos); // the data is there
            annotation::CocoImage ci;
            ci.id = i + 1;
            ci.fileName = name;
            ci.path = study + "/" + name;
            ci.width = f.gray.cols;
            ci.height = f.gray.rows;
            ci.patientId = im.meta.patientId;
            coco.images.push_back(ci);
            annotation::CocoAnnotation an;
            an.id = i + 1;
            an.imageId = i + 1;
            an.category = "kidney";
            an.box = *f.truth;
            coco.annotations.push_back(an);
        }
        coco.save(study + "/annotations.json");

        detect::TrainConfig c;
        c.preset = detect::TargetPreset::load("kidney", {KS_SOURCE_DIR "/resources/presets"});
        c.candidates.targetCount = 300;
        c.haarCount = 200;
        c.methods = {detect::Method::Haar};
        const auto all = detect::Dataset::loadCoco(study + "/annotations.json", true, {});
        QCOMPARE(all.front().patientId, std::string("PID12345"));
        const auto [train, val] = detect::Dataset::splitByPatient(all, 0.5, 1);
        detect::TrainReport report;
        detect::Detector detector = detect::DetectorTrainer::train(train, c, &report);
        const std::string bundle = tmpDir("patient_bundle");
        detect::ModelBundle::save(detector, bundle,
                                  detect::Experiment::provenance(c, train, val, "split by patient", report));

        interpret::ReportOptions o;
        o.bundleDir = bundle;
        o.study = study;
        const interpret::ReportData d = interpret::ReportBuilder::build(o);
        const std::string html = tmpDir("patient_report") + "/report.html";
        interpret::HtmlReport::write(d, html);

        std::vector<fs::path> outputs{html};
        for (const auto& e : fs::directory_iterator(bundle))
            outputs.push_back(e.path());
        QVERIFY(outputs.size() >= 4);
        for (const auto& p : outputs) {
            const std::string bytes = fileBytes(p);
            QVERIFY(!bytes.empty());
            for (const auto& secret : secrets)
                QVERIFY2(bytes.find(secret) == std::string::npos, (secret + " found in " + p.string()).c_str());
        }
        // What the manifest says instead: counts, not identities.
        const auto manifest = nlohmann::json::parse(fileBytes(fs::path(bundle) / "manifest.json"));
        QCOMPARE(manifest["training"]["patients"].get<int>(), 1);
        QCOMPARE(manifest["training"]["validation_patients"].get<int>(), 1);
        QCOMPARE(manifest["training"]["images"].size(), train.size());
    }
};

QTEST_GUILESS_MAIN(TestReportBuilder)
#include "TestReportBuilder.moc"
