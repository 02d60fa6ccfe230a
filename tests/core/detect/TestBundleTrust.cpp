// Model bundles from strangers: loading one never runs code from it, and a
// manifest or file that was changed, emptied, pointed elsewhere or blown up is refused before
// anything large is read.

#include "MaliciousTorchScript.h"
#include "SyntheticScene.h"

#include "cnn/CnnModel.h"
#include "detect/BundleFiles.h"
#include "detect/DetectorTrainer.h"
#include "detect/ModelBundle.h"
#include "common/Sha256.h"

#include "common/Error.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace ks;
using namespace ks::detect;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
std::string tmpDir(const std::string& name)
{
    const char* env = std::getenv("KS_TEST_TMP");
    const fs::path p = fs::path(env ? env : fs::temp_directory_path().string()) / ("bundle_trust_" + name);
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

std::string bytesOf(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json manifestOf(const std::string& dir)
{
    return json::parse(bytesOf(fs::path(dir) / "manifest.json"));
}

/// Writes a manifest and a checksum that fits it: what an attacker who edits a bundle does.
void writeSigned(const std::string& dir, const json& m)
{
    const std::string text = m.dump(2);
    std::ofstream(fs::path(dir) / "manifest.json", std::ios::trunc) << text;
    std::ofstream(fs::path(dir) / "manifest.sha256", std::ios::trunc) << Sha256::ofBytes(text) << "  manifest.json\n";
}

void listFile(json& m, const std::string& dir, const std::string& name)
{
    const std::string b = bytesOf(fs::path(dir) / name);
    m["files"][name] = {{"sha256", Sha256::ofBytes(b)}, {"bytes", b.size()}};
}

/// The error ModelBundle::load throws (empty when it loads).
Error loadError(const std::string& dir)
{
    try {
        ModelBundle::load(dir);
    } catch (const Error& e) {
        return e;
    }
    return Error("loaded without error", {});
}

#define REFUSED(dir, part)                                                                                  \
    do {                                                                                                    \
        const Error e_ = loadError(dir);                                                                    \
        QVERIFY2(e_.message().find(part) != std::string::npos, (std::string(part) + " | " + e_.fullText()).c_str()); \
    } while (0)
} // namespace

class TestBundleTrust : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Detector> m_detector;
    std::string m_good; ///< a saved Haar bundle, never modified

    /// A fresh copy of the good bundle.
    std::string copy(const std::string& name)
    {
        const std::string dir = tmpDir(name);
        fs::copy(m_good, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        untrusted::watchMaliciousCode();
        std::vector<AnnotatedFrame> train;
        for (unsigned i = 0; i < 6; ++i)
            train.push_back(test::syntheticScene(100 + i));
        TrainConfig c;
        c.preset = TargetPreset::load("kidney", {KS_SOURCE_DIR "/resources/presets"});
        c.candidates.targetCount = 300;
        c.haarCount = 200;
        c.methods = {Method::Haar};
        m_detector = std::make_unique<Detector>(DetectorTrainer::train(train, c));
        m_good = tmpDir("good");
        ModelBundle::save(*m_detector, m_good);
        QVERIFY(fs::is_regular_file(m_good + "/manifest.sha256"));
        QVERIFY(!ModelBundle::load(m_good).detector.methods().empty());
    }

    void maliciousTorchScriptRunsNothing()
    {
        // The payload works: torch::jit::load runs its code.
        const std::string payload = tmpDir("payload") + "/na.net";
        const std::string dropped = tmpDir("payload_drop") + "/written-by-the-bundle";
        untrusted::writeMaliciousTorchScript(payload, dropped);
        untrusted::maliciousRuns() = 0;
        torch::jit::load(payload);
        QCOMPARE(untrusted::maliciousRuns().load(), 1);
        QVERIFY(fs::exists(dropped)); // loading it writes a file
        fs::remove(dropped);
        untrusted::maliciousRuns() = 0;

        // (1) An old-style bundle (format 1, no manifest checksum) with a TorchScript network next
        //     to a Haar set, consistent checksums: refused, with a message saying what to do.
        {
            const std::string dir = copy("old_style");
            fs::copy_file(payload, dir + "/na.net");
            json m = manifestOf(dir);
            m["format_version"] = 1;
            m["feature_sets"]["na"] = m["feature_sets"]["haar"];
            m["feature_sets"]["na"].erase("feature_list");
            m["feature_sets"]["na"]["network"] = "na.net";
            m["feature_sets"]["na"]["backbone"] = "squeezenet";
            for (auto& [k, v] : m["files"].items())
                v = v["sha256"]; // format 1 listed bare checksums
            m["files"]["na.net"] = Sha256::ofBytes(bytesOf(dir + "/na.net"));
            std::ofstream(dir + "/manifest.json", std::ios::trunc) << m.dump(2);
            fs::remove(dir + "/manifest.sha256");
            const Error e = loadError(dir);
            QCOMPARE(e.kind(), Error::Kind::Unsupported);
            QVERIFY2(e.message().find("older KidneyScope") != std::string::npos, e.fullText().c_str());
            QVERIFY(e.fullText().find("Retrain") != std::string::npos);
            QVERIFY(e.fullText().find("--trust-torchscript") != std::string::npos);
        }
        // (2) The same in a current-format bundle whose manifest and checksums all fit.
        {
            const std::string dir = copy("net_in_v2");
            fs::copy_file(payload, dir + "/na.net");
            json m = manifestOf(dir);
            m["feature_sets"]["na"] = {{"gbm", "haar.gbm"}, {"network", "na.net"}, {"backbone", "squeezenet"}};
            listFile(m, dir, "na.net");
            writeSigned(dir, m);
            const Error e = loadError(dir);
            QCOMPARE(e.kind(), Error::Kind::Unsupported);
            QVERIFY2(e.message().find("TorchScript") != std::string::npos, e.fullText().c_str());
        }
        // (3) The payload under our weights name (.kst), checksums fitting: the data-only parser
        //     refuses the zip.
        {
            const std::string dir = copy("payload_as_kst");
            fs::copy_file(payload, dir + "/na.kst");
            fs::copy_file(dir + "/haar.gbm", dir + "/na.gbm");
            json m = manifestOf(dir);
            m["feature_sets"]["na"] = {{"gbm", "na.gbm"}, {"network", "na.kst"}, {"backbone", "squeezenet"}};
            listFile(m, dir, "na.kst");
            listFile(m, dir, "na.gbm");
            writeSigned(dir, m);
            REFUSED(dir, "run code");
        }
        QCOMPARE(untrusted::maliciousRuns().load(), 0); // nothing of the payload ran
        QVERIFY(!fs::exists(dropped));                   // and it wrote nothing
    }

    void torchScriptImportOnlyWhenTrusted()
    {
        // The one door for TorchScript: training with --torchscript FILE --trust-torchscript.
        const std::string payload = tmpDir("payload_train") + "/weights.pt";
        untrusted::writeMaliciousTorchScript(payload);
        untrusted::maliciousRuns() = 0;
        CnnConfig config;
        config.backbone = "squeezenet";
        config.torchscript = payload;
        CnnInfo info;
        const Error e = [&] {
            try {
                CnnBackend::train("na", config, {}, {}, info);
            } catch (const Error& err) {
                return err;
            }
            return Error("trained", {});
        }();
        QVERIFY2(e.fullText().find("--trust-torchscript") != std::string::npos, e.fullText().c_str());
        QCOMPARE(untrusted::maliciousRuns().load(), 0);
        // trusted: a real export imports (the user vouched for it)
        const std::string weights = tmpDir("trusted") + "/squeeze.pt";
        cnn::CnnModel(cnn::Backbone::SqueezeNet, 11).exportTorchScript(weights);
        config.torchscript = weights;
        config.trustTorchScript = true;
        const auto extractor = CnnBackend::train("na", config, {}, {}, info);
        QVERIFY(info.transfer);
        QCOMPARE(CnnBackend::model(*extractor)->weightsChecksum(), cnn::CnnModel(cnn::Backbone::SqueezeNet, 11).weightsChecksum());
    }

    void tamperedManifestIsRefused()
    {
        {   // a number edited, checksum left alone
            const std::string dir = copy("edited");
            json m = manifestOf(dir);
            m["candidates"]["target_count"] = 9999999;
            std::ofstream(dir + "/manifest.json", std::ios::trunc) << m.dump(2);
            const Error e = loadError(dir);
            QCOMPARE(e.kind(), Error::Kind::Corrupt);
            QVERIFY2(e.message().find("does not match its checksum in manifest.sha256") != std::string::npos,
                     e.fullText().c_str());
        }
        {   // a re-signed manifest with numbers out of range: refused, not cast
            const std::string dir = copy("numbers");
            json m = manifestOf(dir);
            m["candidates"]["target_count"] = 1e20;
            writeSigned(dir, m);
            REFUSED(dir, "target_count is 1e+20");
            m = manifestOf(m_good);
            m["candidates"]["scale_ratio"] = 0;
            writeSigned(dir, m);
            REFUSED(dir, "scale_ratio");
        }
        {   // the checksum file emptied
            const std::string dir = copy("empty_sha");
            std::ofstream(dir + "/manifest.sha256", std::ios::trunc) << "";
            REFUSED(dir, "not a SHA-256 line");
        }
        {   // `files` deleted (checksum recomputed): no longer disables the checks
            const std::string dir = copy("no_files");
            json m = manifestOf(dir);
            m.erase("files");
            writeSigned(dir, m);
            REFUSED(dir, "lists no files");
            m["files"] = json::object();
            writeSigned(dir, m);
            REFUSED(dir, "lists no files");
        }
        {   // more files than a bundle holds
            const std::string dir = copy("many");
            json m = manifestOf(dir);
            for (int i = 0; i < 70; ++i)
                m["files"]["extra" + std::to_string(i) + ".gbm"] = m["files"]["haar.gbm"];
            writeSigned(dir, m);
            REFUSED(dir, "more than the 64");
        }
        {   // four 1 GiB (sparse) networks: each under its cap, together over the bundle's, from stat alone
            const std::string dir = copy("total");
            json m = manifestOf(dir);
            for (int i = 0; i < 4; ++i) {
                const std::string name = "big" + std::to_string(i) + ".kst";
                QCOMPARE(::truncate((dir + "/" + name).c_str(), 0), -1); // does not exist yet
                std::ofstream(dir + "/" + name).close();
                QCOMPARE(::truncate((dir + "/" + name).c_str(), 1ll << 30), 0);
                m["files"][name] = {{"sha256", std::string(64, '0')}, {"bytes", 1ull << 30}};
            }
            writeSigned(dir, m);
            REFUSED(dir, "add up to more than");
        }
        {   // fuzz campaign: a re-signed manifest nesting 100000 deep crashed (stack) or took 2 GB; numbers
            // out of range and missing keys came out as raw nlohmann texts
            const std::string dir = copy("deep");
            const std::string text = manifestOf(dir).dump();
            const size_t at = text.find("\"sizes\":") + 8;
            const std::string deep = text.substr(0, at) + std::string(100000, '[') + std::string(100000, ']') + "," +
                                     "\"x\":" + text.substr(at);
            std::ofstream(fs::path(dir) / "manifest.json", std::ios::trunc) << deep;
            std::ofstream(fs::path(dir) / "manifest.sha256", std::ios::trunc) << Sha256::ofBytes(deep) << "  manifest.json\n";
            REFUSED(dir, "nested more than 64 levels deep");
            const std::string huge = text.substr(0, at) + "1e999,\"x\":" + text.substr(at);
            std::ofstream(fs::path(dir) / "manifest.json", std::ios::trunc) << huge;
            std::ofstream(fs::path(dir) / "manifest.sha256", std::ios::trunc) << Sha256::ofBytes(huge) << "  manifest.json\n";
            REFUSED(dir, "is not valid JSON: number overflow");
            json m = manifestOf(copy("no_key"));
            m["candidates"].erase("scale_ratio");
            const std::string noKey = copy("no_key");
            writeSigned(noKey, m);
            const Error e = loadError(noKey);
            QVERIFY2(e.message().find("json.exception") == std::string::npos, e.message().c_str());
            QVERIFY2(e.message().find("scale_ratio") != std::string::npos, e.message().c_str());
        }
        {   // an entry without its size
            const std::string dir = copy("no_size");
            json m = manifestOf(dir);
            m["files"]["haar.gbm"].erase("bytes");
            writeSigned(dir, m);
            REFUSED(dir, "lacks its sha256 or size");
        }
        // gbm pointing at /dev/zero, '../x', an absolute path: refused by name, nothing read
        for (const std::string target : {"/dev/zero", "../x", "/etc/passwd", "sub/haar.gbm", ".hidden.gbm"}) {
            const std::string dir = copy("pointed");
            json m = manifestOf(dir);
            m["feature_sets"]["haar"]["gbm"] = target;
            writeSigned(dir, m);
            REFUSED(dir, target);  // not covered by `files`, or not a plain name
            m["files"][target] = m["files"]["haar.gbm"];
            writeSigned(dir, m);
            REFUSED(dir, "'" + target + "'");
        }
        {   // a listed file that is a symlink escaping the folder
            const std::string dir = copy("symlink");
            const std::string outside = tmpDir("outside") + "/stolen.gbm";
            fs::copy_file(m_good + "/haar.gbm", outside);
            fs::remove(dir + "/haar.gbm");
            fs::create_symlink(outside, dir + "/haar.gbm");
            REFUSED(dir, "resolves outside the bundle folder");
            fs::remove(dir + "/haar.gbm");
            fs::create_symlink("/dev/zero", dir + "/haar.gbm");
            REFUSED(dir, "resolves outside the bundle folder");
        }
        {   // a FIFO in place of a listed file: refused without blocking
            const std::string dir = copy("fifo");
            fs::remove(dir + "/haar.gbm");
            QCOMPARE(::mkfifo((dir + "/haar.gbm").c_str(), 0600), 0);
            REFUSED(dir, "not a regular file");
        }
        {   // a 2 GiB (sparse) file listed with its true size: over the cap, from stat alone
            const std::string dir = copy("huge");
            const std::string big = dir + "/haar.gbm";
            QCOMPARE(::truncate(big.c_str(), 2ll << 30), 0);
            json m = manifestOf(dir);
            m["files"]["haar.gbm"]["bytes"] = 2ull << 30;
            writeSigned(dir, m);
            REFUSED(dir, "more than the 67108864");
            // listed with its old size: refused from stat too
            m["files"]["haar.gbm"]["bytes"] = fs::file_size(m_good + "/haar.gbm");
            writeSigned(dir, m);
            REFUSED(dir, "more than the 67108864");
        }
        {   // a listed file that grew by one byte
            const std::string dir = copy("grown");
            std::ofstream(dir + "/haar.gbm", std::ios::app | std::ios::binary) << 'x';
            REFUSED(dir, "another size");
        }
        {   // one byte of a listed file changed
            const std::string dir = copy("flipped");
            {
                std::fstream f(dir + "/haar_features.json", std::ios::in | std::ios::out | std::ios::binary);
                f.seekp(10);
                f.put('#');
            }
            REFUSED(dir, "does not match its checksum");
        }
        QVERIFY(!ModelBundle::load(m_good).detector.methods().empty()); // the original still loads
    }

    void fileNamesAreConfined()
    {
        const BundleFiles files(m_good);
        QVERIFY(files.check("haar.gbm", BundleFiles::kMaxDataBytes) > 0);
        for (const std::string bad : {"", "..", "../haar.gbm", "/etc/passwd", "a/b.gbm", "a\\b.gbm", ".x"})
            QVERIFY_THROWS_EXCEPTION(Error, files.check(bad, BundleFiles::kMaxDataBytes));
        QCOMPARE(BundleFiles::capFor("x.kst"), BundleFiles::kMaxWeightsBytes);
        QVERIFY_THROWS_EXCEPTION(Error, BundleFiles::capFor("x.net"));
        QVERIFY_THROWS_EXCEPTION(Error, BundleFiles::capFor("x.so"));
    }
};

QTEST_GUILESS_MAIN(TestBundleTrust)
#include "TestBundleTrust.moc"
