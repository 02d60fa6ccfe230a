// COCO reading (real HC18 ground truth), validation messages, rotated-box and extras round trip,
// atomic save.
#include "annotation/CocoDataset.h"
#include "common/Error.h"

#include "AnnotationTestUtil.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

#include <sys/stat.h>

using namespace ks;
using namespace ks::annotation;
namespace fs = std::filesystem;

namespace {

using test::scratch;

void writeText(const fs::path& p, const std::string& s)
{
    std::ofstream(p) << s;
}

/// The error message of loading `json`, or "" when it loads.
std::string loadError(const fs::path& dir, const std::string& json)
{
    writeText(dir / "bad.json", json);
    try {
        CocoDataset::load((dir / "bad.json").string());
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

} // namespace

class TestCocoDataset : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsRealHc18()
    {
        for (const char* split : {"train", "val"}) {
            const fs::path json = fs::path(KS_SHARED_DIR) / "realdata/hc18" / split / "annotations.json";
            const CocoDataset ds = CocoDataset::load(json.string());
            QCOMPARE(ds.images.size(), size_t(50));
            QCOMPARE(ds.annotations.size(), size_t(50));
            QCOMPARE(ds.categories, std::vector<std::string>{"fetal_head"});
            for (const CocoImage& im : ds.images) {
                QVERIFY2(fs::exists(im.path), im.path.c_str());
                QCOMPARE(fs::path(im.path).parent_path(), json.parent_path());
                QVERIFY(im.pixelSpacingMm && *im.pixelSpacingMm > 0.01 && *im.pixelSpacingMm < 1.0);
                QCOMPARE(im.width, 800);
                QCOMPARE(im.height, 540);
                QCOMPARE(ds.annotationsOf(im.id).size(), size_t(1));
            }
            for (const CocoAnnotation& a : ds.annotations) {
                QCOMPARE(a.category, std::string("fetal_head"));
                QVERIFY(a.box.width > 0 && a.box.right() <= 800 && a.box.bottom() <= 540);
                QVERIFY(!a.rotated);
            }
        }
    }

    void imageRootOverridesJsonFolder()
    {
        const fs::path json = fs::path(KS_SHARED_DIR) / "realdata/hc18/train/annotations.json";
        const CocoDataset ds = CocoDataset::load(json.string(), "/somewhere/else");
        QCOMPARE(ds.images.front().path, "/somewhere/else/" + ds.images.front().fileName);
    }

    void fileNamesStayInsideTheImageFolder()
    {
        // "../" and absolute file names were followed (/etc/shadow was hashed).
        const fs::path dir = scratch("coco-confined");
        fs::create_directories(dir / "study/sub");
        writeText(dir / "outside.dcm", "not ours");
        writeText(dir / "study/sub/in.dcm", "ours");
        fs::create_symlink(dir / "outside.dcm", dir / "study/link.dcm");
        QCOMPARE(::mkfifo((dir / "study/pipe.dcm").c_str(), 0600), 0);
        auto withName = [&](const std::string& name) {
            writeText(dir / "study/gt.json", R"({"images":[{"id":1,"file_name":")" + name +
                                                 R"("}],"annotations":[],"categories":[]})");
            try {
                CocoDataset::load((dir / "study/gt.json").string());
            } catch (const Error& e) {
                return (e.kind() == Error::Kind::InvalidInput ? "refused: " : "other: ") + e.message();
            }
            return std::string("loaded");
        };
        for (const std::string& bad : {std::string("../outside.dcm"), std::string("sub/../../outside.dcm"),
                                       (dir / "outside.dcm").string(), std::string("/etc/shadow"),
                                       std::string("link.dcm")}) {
            const std::string r = withName(bad);
            QVERIFY2(r.rfind("refused: ", 0) == 0 && r.find("images[0].file_name") != std::string::npos &&
                         r.find("outside the image folder") != std::string::npos,
                     (bad + " → " + r).c_str());
        }
        const std::string fifo = withName("pipe.dcm");   // refused before anything opens it
        QVERIFY2(fifo.rfind("refused: ", 0) == 0 && fifo.find("not a regular file") != std::string::npos, fifo.c_str());
        QCOMPARE(withName("sub/in.dcm"), std::string("loaded"));
        QCOMPARE(withName((dir / "study/sub/in.dcm").string()), std::string("loaded"));   // absolute, inside
        // With an images root, names are confined to that root instead.
        writeText(dir / "gt2.json", R"({"images":[{"id":1,"file_name":"../outside.dcm"}],"annotations":[]})");
        QVERIFY_THROWS_EXCEPTION(Error, CocoDataset::load((dir / "gt2.json").string(), (dir / "study").string()));
    }

    void saveThenLoadKeepsEverything()
    {
        const fs::path dir = scratch("coco-roundtrip");
        fs::create_directories(dir / "img");
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> u(0, 1);
        CocoDataset ds;
        ds.categories = {"kidney", "left_kidney"};
        for (int i = 0; i < 20; ++i) {
            CocoImage im;
            im.id = 100 + i;
            im.path = (dir / "img" / ("scan" + std::to_string(i) + ".dcm")).string();
            im.width = 640;
            im.height = 480;
            im.pixelSpacingMm = 0.1 + 0.01 * i;
            if (i % 3 == 0)
                im.pixelSpacingYMm = 0.2 + 0.01 * i;
            im.frame = i % 4;
            im.sopInstanceUid = "1.2.3." + std::to_string(i);
            im.patientId = "P" + std::to_string(i / 2);
            ds.images.push_back(im);
            RotatedBox rb{100 + 400 * u(rng), 100 + 250 * u(rng), 80 + 60 * u(rng), 40 + 20 * u(rng),
                          -25 + 40 * u(rng)};
            CocoAnnotation a;
            a.id = 1000 + i;
            a.imageId = im.id;
            a.category = i % 2 ? "kidney" : "right_kidney";
            a.rotated = rb;
            a.box = rb.boundingBox();
            a.author = i % 2 ? "alice" : "bob";
            a.status = "submitted";
            a.source = "manual";
            ds.annotations.push_back(a);
        }
        const fs::path out = dir / "annotations.json";
        ds.save(out.string());
        QVERIFY(!fs::exists(out.string() + ".tmp-" + std::to_string(::getpid())));

        const CocoDataset back = CocoDataset::load(out.string());
        QCOMPARE(back.jsonPath, out.string());
        QCOMPARE(back.categories, (std::vector<std::string>{"kidney", "left_kidney", "right_kidney"}));
        QCOMPARE(back.images.size(), ds.images.size());
        for (size_t i = 0; i < ds.images.size(); ++i) {
            const CocoImage& a = ds.images[i];
            const CocoImage& b = back.images[i];
            QCOMPARE(b.id, a.id);
            QCOMPARE(b.path, a.path);
            QCOMPARE(b.fileName, "img/scan" + std::to_string(i) + ".dcm");
            QCOMPARE(b.pixelSpacingMm, a.pixelSpacingMm);
            QCOMPARE(b.pixelSpacingYMm, a.pixelSpacingYMm);
            QCOMPARE(b.frame, a.frame);
            QCOMPARE(b.sopInstanceUid, a.sopInstanceUid);
            QCOMPARE(b.patientId, a.patientId);
        }
        QCOMPARE(back.annotations.size(), ds.annotations.size());
        for (size_t i = 0; i < ds.annotations.size(); ++i) {
            const CocoAnnotation& a = ds.annotations[i];
            const CocoAnnotation& b = back.annotations[i];
            QCOMPARE(b.id, a.id);
            QCOMPARE(b.imageId, a.imageId);
            QCOMPARE(b.category, a.category);
            QCOMPARE(b.box, a.box);           // exact: doubles are written round-trippably
            QVERIFY(b.rotated.has_value());
            QCOMPARE(*b.rotated, *a.rotated);
            QCOMPARE(b.author, a.author);
            QCOMPARE(b.status, a.status);
            QCOMPARE(b.source, a.source);
        }
    }

    void invalidFilesNameFileAndPath()
    {
        const fs::path dir = scratch("coco-invalid");
        const std::string head = R"({"categories":[{"id":1,"name":"kidney"}],)";
        const std::string img = R"({"id":1,"file_name":"a.dcm","width":10,"height":10})";
        struct Case { std::string json; std::string expect; };
        const std::vector<Case> cases = {
            {"{\"images\": [", "not valid JSON"},
            {"[1,2]", "at $"},
            {head + R"("annotations":[]})", "missing \"images\""},
            {head + R"("images":[{"id":1,"width":3}]})", "images[0]: missing \"file_name\""},
            {head + R"("images":[)" + img + R"(,{"id":1,"file_name":"b.dcm"}]})", "images[1].id: duplicate"},
            {head + R"("images":[{"id":1,"file_name":"a","pixel_spacing_mm":-1}]})", "images[0].pixel_spacing_mm"},
            {head + R"("images":[)" + img + R"(],"annotations":[{"id":1,"image_id":2,"category_id":1,"bbox":[0,0,1,1]}]})",
             "annotations[0].image_id: no image with id 2"},
            {head + R"("images":[)" + img + R"(],"annotations":[{"id":1,"image_id":1,"category_id":5,"bbox":[0,0,1,1]}]})",
             "annotations[0].category_id"},
            {head + R"("images":[)" + img + R"(],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1]}]})",
             "annotations[0].bbox: expected [x, y, width, height]"},
            {head + R"("images":[)" + img + R"(],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,"a",1,1]}]})",
             "annotations[0].bbox[1]: expected a number"},
            {head + R"("images":[)" + img + R"(],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1,1],"ks_rotated_box":{"cx":1}}]})",
             "annotations[0].ks_rotated_box: missing \"cy\""},
            // Fuzz campaign findings: a value nested 100000 deep overflowed the stack when the
            // error text printed it; a number out of double's range escaped as a raw nlohmann text.
            {head + R"("images":[{"id":1,"file_name":"a.dcm","width":)" + std::string(100000, '[') +
                 std::string(100000, ']') + "}]}",
             "nested more than 64 levels deep"},
            {head + R"("images":[)" + img + R"(],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,-1e999,1,1]}]})",
             "not valid JSON: number overflow"},
            {head + R"("images":[{"id":1,"file_name":"a.dcm","width":[[[[1]]]]}]})", "expected an integer, found an array of 1"},
        };
        for (const Case& c : cases) {
            const std::string msg = loadError(dir, c.json);
            QVERIFY2(msg.find(c.expect) != std::string::npos, (c.expect + " not in: " + msg).c_str());
            QVERIFY2(msg.find((dir / "bad.json").string()) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("json.exception") == std::string::npos, msg.c_str());
        }
        try {
            CocoDataset::load((dir / "missing.json").string());
            QFAIL("no error for a missing file");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), Error::Kind::Io);
        }
    }

    void saveIntoMissingFolderFailsCleanly()
    {
        CocoDataset ds;
        try {
            ds.save("/nonexistent-folder-ks/annotations.json");
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), Error::Kind::Io);
            QVERIFY(e.message().find("/nonexistent-folder-ks") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestCocoDataset)
#include "TestCocoDataset.moc"
