// `kidneyscope-cli info` on untrusted input: --json always parses
// (Latin-1 and invalid bytes included), and the exit status says whether the input was readable.
#include "../dicom/RawDicom.h"

#include "cli/Command.h"
#include "common/ImageLimits.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace ks;
namespace fs = std::filesystem;

namespace {

struct Run
{
    int rc = 0;
    std::string out, err;
};

Run info(std::vector<std::string> words)
{
    words.insert(words.begin(), {"kidneyscope-cli", "info"});
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(w.data());
    std::ostringstream out, err;
    Run r;
    r.rc = cli::runCli(static_cast<int>(argv.size()), argv.data(), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::string tmpDir(const std::string& name)
{
    const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString() + "/" + name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string image(const std::string& path, const std::string& charset, const std::string& name, size_t pixelBytes = 64)
{
    auto elements = test::imageHeader(8, 8, 0, charset, name);
    elements.push_back(test::nativePixels(std::vector<uint8_t>(pixelBytes, 9)));
    test::writeBytes(path, test::part10(test::kExplicitLittle, elements));
    return path;
}

} // namespace

class TestInfoCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { ImageLimits::setCurrent(ImageLimits{}); }

    void jsonParsesWithLatin1AndInvalidBytes()
    {
        const std::string dir = tmpDir("info-json");
        const Run latin1 = info({"--json", image(dir + "/latin1.dcm", "ISO_IR 100", "M\xFCller^J\xFCrgen")});
        QCOMPARE(latin1.rc, 0);
        const auto j = nlohmann::json::parse(latin1.out); // threw type_error 316 on the old output
        QCOMPARE(j["patients"][0]["patientName"].get<std::string>(), std::string("M\xC3\xBCller^J\xC3\xBCrgen"));
        // No character set declared: the bytes are not UTF-8, the output still is.
        const Run raw = info({"--json", image(dir + "/raw.dcm", {}, "M\xFCller")});
        QCOMPARE(raw.rc, 0);
        QCOMPARE(nlohmann::json::parse(raw.out)["patients"][0]["patientName"].get<std::string>(),
                 std::string("M\xEF\xBF\xBDller"));
        // A file name that is not UTF-8.
        const Run name = info({"--json", image(dir + "/n\xE9.dcm", {}, "A^B")});
        QCOMPARE(name.rc, 0);
        QVERIFY(nlohmann::json::parse(name.out)["instanceCount"].get<int>() == 1);
    }

    void exitStatusSaysWhetherTheInputWasReadable()
    {
        const std::string dir = tmpDir("info-exit");
        const std::string good = image(dir + "/good.dcm", {}, "A^B");
        QCOMPARE(info({"--quiet", good}).rc, 0);
        // Not an image at all.
        std::ofstream(dir + "/notes.txt") << "some text that is not an image";
        Run r = info({"--quiet", dir + "/notes.txt"});
        QCOMPARE(r.rc, 1);
        QVERIFY2(r.err.find("not a readable DICOM or image file") != std::string::npos, r.err.c_str());
        // DICOM whose pixel data is truncated: listed, then exit 1 naming the reason.
        const std::string bad = image(dir + "/bad.dcm", {}, "A^B", 10);
        r = info({"--quiet", bad});
        QCOMPARE(r.rc, 1);
        QVERIFY2(r.out.find("decode: FAILED") != std::string::npos, r.out.c_str());
        QVERIFY2(r.err.find("truncated") != std::string::npos, r.err.c_str());
        // An image object whose Rows are 0 (a fuzzed mutant): listed as an image, fails to decode, exit 1.
        auto zeroRows = test::imageHeader(0, 8);
        zeroRows.push_back(test::nativePixels(std::vector<uint8_t>(64, 1)));
        test::writeBytes(dir + "/rows0.dcm", test::part10(test::kExplicitLittle, zeroRows));
        r = info({"--quiet", dir + "/rows0.dcm"});
        QCOMPARE(r.rc, 1);
        QVERIFY2(r.err.find("no valid Rows") != std::string::npos, r.err.c_str());
        // A folder with one good and one bad file: readable (0); with --decode the failure counts (1).
        fs::create_directories(dir + "/folder");
        fs::copy_file(good, dir + "/folder/good.dcm");
        fs::copy_file(bad, dir + "/folder/bad.dcm");
        QCOMPARE(info({"--quiet", dir + "/folder"}).rc, 0);
        r = info({"--quiet", "--decode", dir + "/folder"});
        QCOMPARE(r.rc, 1);
        QVERIFY2(r.err.find("1 image(s) could not be decoded") != std::string::npos, r.err.c_str());
        // A folder with nothing readable.
        fs::create_directories(dir + "/empty");
        std::ofstream(dir + "/empty/readme.txt") << "nothing to see";
        QCOMPARE(info({"--quiet", dir + "/empty"}).rc, 1);
        // A FIFO: refused at once (the old code blocked in open()).
        const std::string fifo = dir + "/pipe";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        r = info({"--quiet", fifo});
        QCOMPARE(r.rc, 1);
        QVERIFY2(r.err.find("FIFO") != std::string::npos, r.err.c_str());
    }

    void maxDecodedMbOption()
    {
        const std::string dir = tmpDir("info-limit");
        // 2048 × 2048 = 4 MiB of pixels; refused under a 2 MiB limit, read under the default.
        auto elements = test::imageHeader(2048, 2048);
        elements.push_back(test::nativePixels(std::vector<uint8_t>(2048 * 2048, 3)));
        test::writeBytes(dir + "/big.dcm", test::part10(test::kExplicitLittle, elements));
        QCOMPARE(info({"--quiet", dir + "/big.dcm"}).rc, 0);
        const Run r = info({"--quiet", "--max-decoded-mb", "2", dir + "/big.dcm"});
        QCOMPARE(r.rc, 1);
        QVERIFY2(r.err.find("more than KidneyScope decodes") != std::string::npos, r.err.c_str());
        QVERIFY(info({"--max-decoded-mb", "0", dir + "/big.dcm"}).rc != 0);
    }
};

QTEST_GUILESS_MAIN(TestInfoCommand)
#include "TestInfoCommand.moc"
