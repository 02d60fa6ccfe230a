// COCO and CSV interchange of the project store: the round trip on the real HC18 ground truth
// and on a generated set with rotated boxes and extras, image resolution, CSV content, and the
// patient-data rule of exports.
#include "annotation/CocoDataset.h"
#include "annotation/ProjectExchange.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"
#include "annotation/Utf8Text.h"
#include "phantom/DemoStudy.h"
#include "phantom/StudyWriter.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <map>
#include <random>

using namespace ks;
using namespace ks::annotation;
using namespace ks::annotation::test;
namespace fs = std::filesystem;

namespace {

const fs::path kHc18Train = fs::path(KS_SHARED_DIR) / "realdata/hc18/train";

/// RFC 4180 rows (quoted fields, doubled quotes, CRLF).
std::vector<std::vector<std::string>> parseCsv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    if (rows.back().empty())
        rows.pop_back();
    return rows;
}

/// Boxes of a COCO file by resolved image path.
std::multimap<std::string, std::pair<std::string, Box>> boxesByPath(const CocoDataset& ds)
{
    std::map<long long, std::string> path;
    for (const CocoImage& im : ds.images)
        path[im.id] = im.path;
    std::multimap<std::string, std::pair<std::string, Box>> out;
    for (const CocoAnnotation& a : ds.annotations)
        out.emplace(path.at(a.imageId), std::make_pair(a.category, a.box));
    return out;
}

} // namespace

class TestProjectExchange : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hc18RoundTrip()
    {
        const fs::path dir = scratch("exchange-hc18");
        ProjectStore store((dir / "project").string());
        const ImportReport r = ProjectExchange::importCoco(store, (kHc18Train / "annotations.json").string());
        QCOMPARE(r.images, 50);
        QCOMPARE(r.added, 50);
        QCOMPARE(r.duplicates, 0);
        QVERIFY(std::find(store.labels().begin(), store.labels().end(), "fetal_head") != store.labels().end());
        const CocoDataset original = CocoDataset::load((kHc18Train / "annotations.json").string());
        for (const ImageRecord& im : store.images()) {
            // The DICOM header gave the SOP Instance UID; the COCO file's spacing is kept.
            QVERIFY2(!im.sopInstanceUid.empty(), im.path.c_str());
            QVERIFY(im.isCalibrated());
            QCOMPARE(im.width, 800);
            QCOMPARE(im.sha256.size(), size_t(64));
        }
        for (const Annotation& a : store.annotations()) {
            QCOMPARE(a.source, Source::Imported);
            QVERIFY(a.boxMm.has_value());
        }
        QCOMPARE(store.auditLog().size(), size_t(50 + 1));   // one per ROI + the new label
        QCOMPARE(store.auditLog().back().action, std::string("import"));

        fs::create_directories(dir / "out");
        QCOMPARE(ProjectExchange::exportCoco(store, (dir / "out/annotations.json").string()), 50);
        // No absolute paths in the export: names relative to the images' folder, given back on import.
        QCOMPARE(ProjectExchange::exportImageFolder(store, (dir / "out/annotations.json").string()), kHc18Train.string());
        const CocoDataset exported = CocoDataset::load((dir / "out/annotations.json").string(), kHc18Train.string());
        QCOMPARE(boxesByPath(exported), boxesByPath(original));
        std::map<std::string, std::optional<double>> spacing;
        for (const CocoImage& im : original.images)
            spacing[im.path] = im.pixelSpacingMm;
        for (const CocoImage& im : exported.images)
            QCOMPARE(im.pixelSpacingMm, spacing.at(im.path));

        // Importing the same file again adds nothing.
        const ImportReport again = ProjectExchange::importCoco(store, (kHc18Train / "annotations.json").string());
        QCOMPARE(again.added, 0);
        QCOMPARE(again.duplicates, 50);
        QCOMPARE(store.annotations().size(), size_t(50));
    }

    void imagesResolvedAgainstStudyFolder()
    {
        const fs::path dir = scratch("exchange-study");
        fs::copy_file(kHc18Train / "annotations.json", dir / "copy.json");
        ProjectStore store((dir / "project").string());
        // Relative to the JSON's folder the images are missing: a clear error, nothing written.
        std::string msg;
        try {
            ProjectExchange::importCoco(store, (dir / "copy.json").string());
        } catch (const Error& e) {
            msg = e.fullText();
        }
        QVERIFY2(msg.find("--study") != std::string::npos && msg.find("missing") != std::string::npos, msg.c_str());
        QVERIFY(store.images().empty() && store.annotations().empty());

        ImportOptions o;
        o.imageRoot = kHc18Train.string();
        o.readImageHeaders = false;
        QCOMPARE(ProjectExchange::importCoco(store, (dir / "copy.json").string(), o).added, 50);
        QCOMPARE(fs::path(store.images().front().path).parent_path(), kHc18Train);
        QVERIFY(store.images().front().sopInstanceUid.empty());   // headers were not read
    }

    void pixelSizeFromDicomHeaderWhenJsonHasNone()
    {
        const fs::path dir = scratch("exchange-header");
        CocoDataset ds = CocoDataset::load((kHc18Train / "annotations.json").string());
        std::map<std::string, double> truth;
        for (CocoImage& im : ds.images) {
            truth[im.path] = *im.pixelSpacingMm;
            im.pixelSpacingMm.reset();
        }
        ds.images.resize(10);
        ds.annotations.resize(10);
        for (CocoImage& im : ds.images)
            im.path.clear();   // written as the bare file name, resolved against the study below
        ds.save((dir / "nospacing.json").string());
        ProjectStore store((dir / "project").string());
        ImportOptions o;
        o.imageRoot = kHc18Train.string();
        const ImportReport r = ProjectExchange::importCoco(store, (dir / "nospacing.json").string(), o);
        QCOMPARE(r.added, 10);
        for (const ImageRecord& im : store.images()) {
            QVERIFY2(im.isCalibrated(), im.path.c_str());
            // SequenceOfUltrasoundRegions carries the same pixel size (in cm) as the JSON.
            QVERIFY2(std::abs(im.mmPerPixelX - truth.at(im.path)) < 1e-6 * truth.at(im.path), im.path.c_str());
        }
    }

    void generatedRotatedRoundTrip()
    {
        const fs::path dir = scratch("exchange-rotated");
        fs::create_directories(dir / "study/sub");
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> u(0, 1);
        CocoDataset ds;
        ds.categories = {"kidney", "left_kidney", "right_kidney"};
        const char* statuses[] = {"draft", "submitted", "approved", "rejected"};
        for (int i = 0; i < 12; ++i) {
            CocoImage im;
            im.id = 500 + i;
            im.path = (dir / "study/sub" / ("img" + std::to_string(i) + ".png")).string();
            writeBytes(im.path, "not really an image " + std::to_string(i));
            im.width = 600;
            im.height = 400;
            im.pixelSpacingMm = 0.15 + 0.01 * i;
            if (i % 2)
                im.pixelSpacingYMm = 0.3;
            im.frame = i % 3;
            ds.images.push_back(im);
            for (int k = 0; k < 2; ++k) {
                CocoAnnotation a;
                a.id = 10 * i + k + 1;
                a.imageId = im.id;
                a.category = ds.categories[(i + k) % 3];
                a.rotated = RotatedBox{150 + 300 * u(rng), 120 + 160 * u(rng), 90 + 50 * u(rng), 40 + 25 * u(rng),
                                       -25 + 40 * u(rng)};
                a.box = a.rotated->boundingBox();
                a.author = k ? "alice" : "bob";
                a.status = statuses[(i + k) % 4];
                a.source = k ? "manual" : "from-model";
                ds.annotations.push_back(a);
            }
        }
        ds.save((dir / "study/gt.json").string());

        ProjectStore store((dir / "project").string());
        const ImportReport r = ProjectExchange::importCoco(store, (dir / "study/gt.json").string());
        QCOMPARE(r.added, 24);
        QVERIFY(!r.warnings.empty());   // the fake PNGs have no readable header
        ProjectExchange::exportCoco(store, (dir / "out.json").string());
        const CocoDataset back = CocoDataset::load((dir / "out.json").string());
        QCOMPARE(back.annotations.size(), ds.annotations.size());

        std::map<std::string, const CocoImage*> origImage;
        for (const CocoImage& im : ds.images)
            origImage[im.path + "#" + std::to_string(im.frame)] = &im;
        std::map<long long, std::string> backKey;
        for (const CocoImage& im : back.images) {
            const std::string key = im.path + "#" + std::to_string(im.frame);
            QVERIFY2(origImage.count(key), key.c_str());
            const CocoImage& o = *origImage.at(key);
            QCOMPARE(im.pixelSpacingMm, o.pixelSpacingMm);
            QCOMPARE(im.pixelSpacingYMm, o.pixelSpacingYMm);
            QCOMPARE(im.width, o.width);
            backKey[im.id] = key;
        }
        // Match ROIs by (image, author): each image has one per author.
        std::map<std::string, const CocoAnnotation*> orig;
        for (const CocoAnnotation& a : ds.annotations)
        {
            const CocoImage& im = ds.images[size_t(a.imageId - 500)];
            orig[im.path + "#" + std::to_string(im.frame) + "|" + a.author] = &a;
        }
        for (const CocoAnnotation& b : back.annotations) {
            // A model-made ROI's author names the model ("model:<name>"), never a person.
            QCOMPARE(isModelAuthor(b.author), b.source == "from-model");
            const std::string author = isModelAuthor(b.author) ? b.author.substr(6) : b.author;
            const CocoAnnotation& a = *orig.at(backKey.at(b.imageId) + "|" + author);
            QCOMPARE(b.category, a.category);
            QVERIFY(b.rotated.has_value());
            QCOMPARE(*b.rotated, *a.rotated);
            QCOMPARE(b.box, a.box);
            QCOMPARE(b.status, a.status);
            QCOMPARE(b.source, a.source);
        }
    }

    void phantomGroundTruthRoundTrip()
    {
        // The demo study: phantom DICOMs whose ground truth has rotated kidney boxes.
        const fs::path dir = scratch("exchange-phantom");
        const std::string study = phantom::DemoStudy::ensure((dir / "demo").string());
        const CocoDataset truth = CocoDataset::load(study + "/annotations.json");
        QVERIFY(!truth.annotations.empty());
        ProjectStore store((dir / "project").string());
        const ImportReport r = ProjectExchange::importCoco(store, study + "/annotations.json");
        QCOMPARE(r.added, int(truth.annotations.size()));
        for (const ImageRecord& im : store.images())
            QVERIFY2(!im.sopInstanceUid.empty() && im.isCalibrated(), im.path.c_str());
        ProjectExchange::exportCoco(store, (dir / "out.json").string());
        const CocoDataset back = CocoDataset::load((dir / "out.json").string());
        QCOMPARE(boxesByPath(back), boxesByPath(truth));
        std::map<std::string, std::optional<RotatedBox>> rotated;
        std::map<long long, std::string> truthPath, backPath;
        for (const CocoImage& im : truth.images)
            truthPath[im.id] = im.path;
        for (const CocoImage& im : back.images)
            backPath[im.id] = im.path;
        for (const CocoAnnotation& a : truth.annotations)
            rotated[truthPath.at(a.imageId)] = a.rotated;
        for (const CocoAnnotation& a : back.annotations)
            QCOMPARE(a.rotated, rotated.at(backPath.at(a.imageId)));
    }

    void defaultExportsCarryNoIdentifiersAndValidUtf8()
    {
        // No patient data, SOP Instance UIDs or absolute paths in a
        // default export of a project built from DICOMs with patient data; Latin-1 text that
        // reached the store undecoded is written as valid UTF-8.
        const fs::path dir = scratch("exchange-privacy");
        const auto study = phantom::StudyWriter::write((dir / "study").string(), 2, 11, phantom::PhantomParams{}, 1);
        ProjectStore store((dir / "project").string());
        ProjectExchange::importCoco(store, study.annotationsPath);   // reads the DICOM headers
        std::vector<std::string> secrets = {"19700101", (dir / "study").string(), dir.string()};
        for (const ImageRecord& im : store.images()) {
            QVERIFY(!im.patientName.empty() && !im.patientId.empty() && !im.sopInstanceUid.empty());
            secrets.insert(secrets.end(), {im.patientName, im.patientId, im.sopInstanceUid});
        }
        store.setAuthor("J\xf6rg");   // ISO_IR 100 bytes
        Annotation a;
        a.imageId = store.images().front().id;
        a.box = Box{5, 5, 50, 40};
        a.reviewComment = "M\xfcller: fine";
        store.add(a);

        fs::create_directories(dir / "out");
        const std::string json = (dir / "out/rois.json").string(), csv = (dir / "out/rois.csv").string();
        QCOMPARE(ProjectExchange::exportCoco(store, json), 3);
        QCOMPARE(ProjectExchange::exportCsv(store, csv), 3);
        for (const std::string& file : {json, csv}) {
            const std::string bytes = readBytes(file);
            for (const std::string& secret : secrets)
                QVERIFY2(bytes.find(secret) == std::string::npos, (file + " holds '" + secret + "'").c_str());
            QVERIFY2(isValidUtf8(bytes), file.c_str());
            QVERIFY2(bytes.find("J\xc3\xb6rg") != std::string::npos, file.c_str());   // "Jörg"
        }
        QVERIFY(readBytes(csv).find("M\xc3\xbcller: fine") != std::string::npos);
        const CocoDataset back = CocoDataset::load(json, ProjectExchange::exportImageFolder(store, json));
        QCOMPARE(back.images.size(), size_t(2));
        for (const CocoImage& im : back.images)
            QVERIFY2(fs::exists(im.path), im.path.c_str());   // names resolve against the images' folder

        // The search finds them when they are asked for.
        ExportOptions all;
        all.includePatientData = all.includeIdentifiers = true;
        ProjectExchange::exportCsv(store, (dir / "out/all.csv").string(), all);
        const std::string full = readBytes(dir / "out/all.csv");
        QVERIFY(full.find(store.images().front().patientName) != std::string::npos);
        QVERIFY(full.find(store.images().front().sopInstanceUid) != std::string::npos);
        QVERIFY(isValidUtf8(full));
    }

    void csvContentAndPatientData()
    {
        const fs::path dir = scratch("exchange-csv");
        writeBytes(dir / "a.dcm", "image a");
        ProjectStore store((dir / "project").string());
        store.setAuthor("alice");
        ImageRecord im;
        im.path = (dir / "a.dcm").string();
        im.sopInstanceUid = "1.2.826.0.1.3680043.2.1";
        im.mmPerPixelX = 0.25;
        im.mmPerPixelY = 0.5;
        im.patientId = "PID-SECRET-7";
        im.patientName = "Doe^Jane";
        im.patientBirthDate = "19700101";
        const long long imageId = store.addImage(im);
        Annotation a;
        a.imageId = imageId;
        a.box = Box{10, 20, 100, 60};
        const long long plainId = store.add(a).id;
        Annotation r;
        r.imageId = imageId;
        r.rotated = RotatedBox{200, 100, 80, 40, 0};
        r.reviewComment = "said \"fine\", then, later: no";
        store.add(r);

        ExportOptions opt;
        QCOMPARE(ProjectExchange::exportCsv(store, (dir / "rois.csv").string(), opt), 2);
        const std::string text = readBytes(dir / "rois.csv");
        QVERIFY(text.find("PID-SECRET") == std::string::npos);
        QVERIFY(text.find("Doe^Jane") == std::string::npos);
        const auto rows = parseCsv(text);
        QCOMPARE(rows.size(), size_t(3));
        const auto header = ProjectExchange::csvColumns(false);
        QCOMPARE(rows[0], header);
        auto col = [&](const std::vector<std::string>& row, const std::string& name) {
            return row.at(size_t(std::find(header.begin(), header.end(), name) - header.begin()));
        };
        const auto& p = rows[1];
        QCOMPARE(col(p, "file"), std::string("a.dcm"));   // relative to the CSV's folder, not absolute
        QVERIFY(std::find(header.begin(), header.end(), "sop_instance_uid") == header.end());
        QVERIFY(text.find(im.sopInstanceUid) == std::string::npos);
        QVERIFY(text.find(dir.string()) == std::string::npos);
        QCOMPARE(col(p, "frame"), std::string("0"));
        QCOMPARE(col(p, "label"), std::string("kidney"));
        QCOMPARE(std::stod(col(p, "x_px")), 10.0);
        QCOMPARE(std::stod(col(p, "width_px")), 100.0);
        QCOMPARE(std::stod(col(p, "x_mm")), 2.5);
        QCOMPARE(std::stod(col(p, "y_mm")), 10.0);
        QCOMPARE(std::stod(col(p, "width_mm")), 25.0);
        QCOMPARE(std::stod(col(p, "height_mm")), 30.0);
        QCOMPARE(col(p, "rot_cx_px"), std::string());
        QCOMPARE(col(p, "author"), std::string("alice"));
        QCOMPARE(col(p, "status"), std::string("draft"));
        QCOMPARE(col(p, "annotation_id"), std::to_string(plainId));
        const auto& q = rows[2];
        QCOMPARE(std::stod(col(q, "rot_length_px")), 80.0);
        QCOMPARE(std::stod(col(q, "length_mm")), 20.0);   // along x at 0°: 80 × 0.25
        QCOMPARE(std::stod(col(q, "across_mm")), 20.0);   // 40 × 0.5
        QCOMPARE(col(q, "review_comment"), r.reviewComment);

        {
            ExportOptions ids;
            ids.includeIdentifiers = true;
            ProjectExchange::exportCsv(store, (dir / "rois-ids.csv").string(), ids);
            const auto withIds = parseCsv(readBytes(dir / "rois-ids.csv"));
            QCOMPARE(withIds[0], ProjectExchange::csvColumns(false, true));
            QCOMPARE(withIds[1][0], im.path);
            QCOMPARE(withIds[1][1], im.sopInstanceUid);
        }

        opt.includePatientData = true;
        ProjectExchange::exportCsv(store, (dir / "rois-patient.csv").string(), opt);
        const auto withPatient = parseCsv(readBytes(dir / "rois-patient.csv"));
        QCOMPARE(withPatient[0], ProjectExchange::csvColumns(true));
        QCOMPARE(withPatient[1].back(), std::string("19700101"));
        QCOMPARE(withPatient[1][withPatient[1].size() - 3], std::string("PID-SECRET-7"));

        // COCO follows the same rule.
        ProjectExchange::exportCoco(store, (dir / "plain.json").string());
        QVERIFY(readBytes(dir / "plain.json").find("PID-SECRET") == std::string::npos);
        ProjectExchange::exportCoco(store, (dir / "patient.json").string(), opt);
        const CocoDataset withIds = CocoDataset::load((dir / "patient.json").string());
        QCOMPARE(withIds.images.front().patientId, std::string("PID-SECRET-7"));
        QCOMPARE(withIds.images.front().patientName, std::string("Doe^Jane"));

        // Filters apply to exports.
        opt.filter.status = Status::Approved;
        QCOMPARE(ProjectExchange::exportCsv(store, (dir / "none.csv").string(), opt), 0);
    }
};

QTEST_GUILESS_MAIN(TestProjectExchange)
#include "TestProjectExchange.moc"
