// Box geometry, Dice, progress nesting, image decoding limits and CLI argument parsing.
#include "cli/Args.h"
#include "common/Box.h"
#include "common/Error.h"
#include "common/Image.h"
#include "common/ImageLimits.h"
#include "common/Progress.h"
#include "common/Sha256.h"

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

using namespace ks;

class TestCommon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void diceOfHandComputedBoxes()
    {
        // 10×10 at origin vs 10×10 shifted by 5 in x: overlap 50, Dice = 100/200.
        QCOMPARE(dice(Box{0, 0, 10, 10}, Box{5, 0, 10, 10}), 0.5);
        QCOMPARE(dice(Box{0, 0, 10, 10}, Box{0, 0, 10, 10}), 1.0);
        QCOMPARE(dice(Box{0, 0, 10, 10}, Box{20, 20, 5, 5}), 0.0);
        // 4×4 inside 8×8: 2·16/(16+64) = 0.4
        QCOMPARE(dice(Box{2, 2, 4, 4}, Box{0, 0, 8, 8}), 0.4);
        QCOMPARE(iou(Box{0, 0, 10, 10}, Box{5, 0, 10, 10}), 50.0 / 150.0);
        QCOMPARE(dice(Box{}, Box{}), 0.0);
    }

    void rotatedBoundingBox()
    {
        RotatedBox r{50, 40, 20, 10, 0};
        QCOMPARE(r.boundingBox(), (Box{40, 35, 20, 10}));
        r.angleDeg = 90;
        const Box b = r.boundingBox();
        QVERIFY(std::abs(b.x - 45) < 1e-9 && std::abs(b.width - 10) < 1e-9);
        QVERIFY(std::abs(b.y - 30) < 1e-9 && std::abs(b.height - 20) < 1e-9);
        // 30°: width = l·cos + w·sin
        r.angleDeg = 30;
        const double expect = 20 * std::cos(M_PI / 6) + 10 * std::sin(M_PI / 6);
        QVERIFY(std::abs(r.boundingBox().width - expect) < 1e-9);
        // positive angle lifts the right end (screen y down)
        const auto c = r.corners();
        QVERIFY(c[1][1] < c[0][1]);
    }

    void subProgressMapsAndCancels()
    {
        struct Recorder : Progress
        {
            double last = -1;
            bool keepGoing = true;
            bool report(double f, const std::string&) override { last = f; return keepGoing; }
        } rec;
        SubProgress sub(rec, 0.5, 0.7);
        QVERIFY(sub.report(0.5, "half"));
        QCOMPARE(rec.last, 0.6);
        rec.keepGoing = false;
        QVERIFY_THROWS_EXCEPTION(Cancelled, sub.step(1.0, "end"));
    }

    void gray8ConvertsColourAndSixteenBit()
    {
        Image img;
        img.frames.push_back(cv::Mat(2, 2, CV_16UC1, cv::Scalar(1000)));
        img.frames[0].at<uint16_t>(0, 0) = 0;
        img.windowCenter = 500;
        img.windowWidth = 1000;
        const cv::Mat g = img.gray8(0);
        QCOMPARE(g.type(), CV_8UC1);
        QCOMPARE(int(g.at<uchar>(0, 0)), 0);
        QCOMPARE(int(g.at<uchar>(1, 1)), 255);
        QVERIFY_THROWS_EXCEPTION(Error, img.gray8(1));
    }

    void argsParseOptionsAndRejectUnknown()
    {
        const cli::Args a({"in.dcm", "--json", "--count", "5", "--caffe", "a.prototxt", "b.caffemodel"},
                          {{"json", 0}, {"count", 1}, {"caffe", 2}});
        QVERIFY(a.has("json"));
        QCOMPARE(a.integer("count", 0), 5);
        QCOMPARE(a.values("caffe").size(), size_t(2));
        QCOMPARE(a.positional().front(), std::string("in.dcm"));
        QVERIFY_THROWS_EXCEPTION(Error, cli::Args({"--bogus"}, {{"json", 0}}));
        QVERIFY_THROWS_EXCEPTION(Error, cli::Args({"--count"}, {{"count", 1}}));
        QVERIFY_THROWS_EXCEPTION(Error, cli::Args({"--count", "x"}, {{"count", 1}}).integer("count", 0));
    }

    void imageLimitsNameTheLimitAndNeverOverflow()
    {
        const ImageLimits l; // defaults: 64 Mpixel and 256 MiB per frame, 1 GiB and 100000 frames per file
        l.check("ok.dcm", 8192, 8192, 8, 1);
        l.check("cine.dcm", 800, 600, 24, 500); // 687 MiB
        auto message = [&](auto f) -> std::string {
            try {
                f();
            } catch (const Error& e) {
                if (e.kind() != Error::Kind::Unsupported || e.hint().empty())
                    return "(wrong kind or no hint) " + e.fullText();
                return e.fullText();
            }
            return "(accepted)";
        };
        QVERIFY(message([&] { l.check("a", 8193, 8192, 8, 1); }).find("per frame") != std::string::npos);
        QVERIFY(message([&] { l.check("a", 8193, 8192, 8, 1); }).find("KS_MAX_DECODED_MB") != std::string::npos);
        QVERIFY(message([&] { l.check("b", 8192, 8192, 48, 1); }).find("per frame") != std::string::npos);
        QVERIFY(message([&] { l.check("c", 800, 600, 24, 800); }).find("per file") != std::string::npos);
        QVERIFY(message([&] { l.check("d", 1, 1, 8, 100001); }).find("d declares 100001 frames") == 0);
        // Products that overflow 64 bits are refused, not wrapped round to something small.
        const ImageLimits huge = ImageLimits{}.withMaxDecodedMb(1048576);
        QVERIFY(message([&] { huge.check("e", 65535, 65535, 1ull << 40, 99999); }).find("e declares") == 0);
        QVERIFY(message([&] { huge.check("f", 1ull << 32, 1ull << 32, 8, 1); }).find("f declares") == 0);
        // Raising the per-file limit raises the per-frame bounds with it.
        const ImageLimits raised = ImageLimits{}.withMaxDecodedMb(4096);
        raised.check("g", 20000, 20000, 8, 1);
        QCOMPARE(raised.maxFileBytes, 4096ull << 20);
        QVERIFY_THROWS_EXCEPTION(Error, ImageLimits{}.withMaxDecodedMb(-5));
        QVERIFY_THROWS_EXCEPTION(Error, ImageLimits{}.withMaxDecodedMb(std::nan("")));
    }

    void sha256KnownVectorsFilesAndFifos()
    {
        // FIPS 180-4 vectors, in one call and fed in pieces across the 64-byte blocks.
        QCOMPARE(Sha256::ofBytes(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(Sha256::ofBytes("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string million(1000000, 'a');
        Sha256 h;
        for (size_t i = 0; i < million.size(); i += 999)
            h.update(million.data() + i, std::min<size_t>(999, million.size() - i));
        QCOMPARE(h.hexDigest(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        QVERIFY_THROWS_EXCEPTION(Error, h.hexDigest()); // spent
        const auto dir = std::filesystem::temp_directory_path() / ("ks_sha_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        std::ofstream((dir / "a.bin").string(), std::ios::binary) << million;
        QCOMPARE(Sha256::ofFile((dir / "a.bin").string()), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        // A FIFO with no writer would block a plain read forever: refused at once, as are folders.
        QCOMPARE(::mkfifo((dir / "pipe").c_str(), 0600), 0);
        try {
            Sha256::ofFile((dir / "pipe").string());
            QFAIL("a FIFO was hashed");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), Error::Kind::InvalidInput);
        }
        QVERIFY_THROWS_EXCEPTION(Error, Sha256::ofFile(dir.string()));
        try {
            Sha256::ofFile((dir / "missing").string());
            QFAIL("a missing file was hashed");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), Error::Kind::Io);
            QVERIFY(std::string(e.what()).find("missing") != std::string::npos);
        }
        std::filesystem::remove_all(dir);
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "TestCommon.moc"
