// kidneyscope-cli as a user meets it, in process: every user error exits non-zero with a message
// that names the option and its range; numbers never wrap around.

#include "cli/Args.h"
#include "cli/Command.h"

#include "common/Error.h"

#include <QtTest>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using namespace ks;

namespace {
struct Run
{
    int rc = 0;
    std::string out, err;
};

Run runCli(std::vector<std::string> words)
{
    words.insert(words.begin(), "kidneyscope-cli");
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(w.data());
    std::ostringstream out, err;
    Run r;
    r.rc = ks::cli::runCli(static_cast<int>(argv.size()), argv.data(), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.fullText();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}
} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void integersDoNotWrapAround()
    {
        const cli::Args a({"--n", "4294967306", "--m", "-3", "--big", "99999999999999999999999"},
                          {{"n", 1}, {"m", 1}, {"big", 1}});
        // 4294967306 = 2^32 + 10 used to become 10
        const std::string e = errorOf([&] { a.integer("n", 0); });
        QVERIFY2(contains(e, "--n must be between") && contains(e, "not 4294967306"), e.c_str());
        QVERIFY(contains(errorOf([&] { a.integer("big", 0); }), "99999999999999999999999"));
        QCOMPARE(a.integer("m", 0), -3);
        QVERIFY(contains(errorOf([&] { a.integer("m", 0, 0, 10); }), "--m must be between 0 and 10, not -3"));
        QCOMPARE(a.integer("absent", 7, 0, 10), 7);
        QVERIFY(contains(errorOf([&] { a.unsignedInteger("m", 0); }), "non-negative"));
    }

    void numbersAreFiniteAndInRange()
    {
        const cli::Args a({"--x", "1e400", "--y", "nan", "--z", "-0.5", "--w", "0.25", "--v", " 1"},
                          {{"x", 1}, {"y", 1}, {"z", 1}, {"w", 1}, {"v", 1}});
        QVERIFY(contains(errorOf([&] { a.number("x", 0); }), "finite"));
        QVERIFY(contains(errorOf([&] { a.number("y", 0); }), "finite"));
        QVERIFY(contains(errorOf([&] { a.number("z", 0, 0, 1); }), "--z must be between 0 and 1, not -0.5"));
        QCOMPARE(a.number("w", 0, 0, 1), 0.25);
        QVERIFY(!errorOf([&] { a.number("v", 0); }).empty());
    }

    void repeatedOptionsAreRefused()
    {
        const std::string e = errorOf([] { cli::Args({"--epochs", "5", "--epochs", "-1"}, {{"epochs", 1}}); });
        QVERIFY2(contains(e, "--epochs is given more than once"), e.c_str());
    }

    void optionValuesAreNotOptions()
    {
        const std::string e = errorOf([] { cli::Args({"--out", "--quiet"}, {{"out", 1}, {"quiet", 0}}); });
        QVERIFY2(contains(e, "not the option --quiet"), e.c_str());
        QCOMPARE(cli::Args({"--out=--odd"}, {{"out", 1}}).value("out"), std::string("--odd"));
        QCOMPARE(cli::Args({"--seed", "-1"}, {{"seed", 1}}).value("seed"), std::string("-1"));
    }

    void unsafeBundlesFailTheCommand()
    {
        // An old or altered bundle: detect and evaluate exit non-zero and say why.
        const std::string dir = QDir::tempPath().toStdString() + "/ks_cli_old_bundle";
        std::filesystem::create_directories(dir);
        std::ofstream(dir + "/manifest.json") << R"({"format": "kidneyscope-detector", "format_version": 1, "files": {}})";
        const Run r = runCli({"detect", "--model", dir, "img.png"});
        QCOMPARE(r.rc, 1);
        QVERIFY2(contains(r.err, "older KidneyScope") && contains(r.err, "Retrain"), r.err.c_str());
        QCOMPARE(runCli({"evaluate", "--model", dir, "--val", "v.json"}).rc, 1);
        std::filesystem::remove_all(dir);
    }

    void trainOptionsHaveRanges()
    {
        const std::vector<std::string> base{"train", "--train", "nonexistent.json", "--out", "nowhere", "--quiet"};
        const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
            {{"--candidates", "4294967306"}, "--candidates must be between 10 and 100000, not 4294967306"},
            {{"--epochs", "-1"}, "--epochs must be between 1 and"},
            {{"--lr", "-1"}, "--lr must be between"},
            {{"--lr", "0"}, "--lr must be between"},
            {{"--haar", "0"}, "--haar must be between"},
            {{"--rounds", "-5"}, "--rounds must be between"},
            {{"--negatives", "inf"}, "--negatives expects a finite number"},
            {{"--seed", "-1"}, "--seed expects a non-negative whole number"},
            {{"--hybrid-top", "-1"}, "--hybrid-top must be between 0 and"},
            {{"--patch-positives", "-2"}, "--patch-positives must be between 0 and"},
            {{"--split", "1.5"}, "--split must be between"},
        };
        for (const auto& [extra, message] : cases) {
            auto words = base;
            words.insert(words.end(), extra.begin(), extra.end());
            const Run r = runCli(words);
            QVERIFY2(r.rc != 0, message.c_str());
            QVERIFY2(contains(r.err, message), (message + " | got: " + r.err).c_str());
        }
    }

    void torchScriptNeedsTrust()
    {
        const std::string file = QDir::tempPath().toStdString() + "/ks_cli_weights.pt";
        std::ofstream(file) << "PK";
        const Run r = runCli({"train", "--train", "t.json", "--out", "o", "--methods", "na", "--torchscript", file});
        QVERIFY(r.rc != 0);
        QVERIFY2(contains(r.err, "runs while it loads") && contains(r.err, "--trust-torchscript"), r.err.c_str());
        QVERIFY(contains(runCli({"train", "--train", "t.json", "--out", "o", "--trust-torchscript"}).err,
                         "goes with --torchscript"));
        std::remove(file.c_str());
    }

    void otherCommandsHaveRanges()
    {
        const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
            {{"phantom", "--out", "x", "--count", "4294967306"}, "--count must be between 1 and 100000"},
            {{"phantom", "--out", "x", "--threads", "-1"}, "--threads must be between 0"},
            {{"phantom", "--out", "x", "--seed", "-4"}, "--seed expects a non-negative"},
            {{"detect", "--model", "m", "--frame", "-1", "img.png"}, "--frame must be between 0"},
            {{"detect", "--model", "m", "--pixel-size", "-0.1", "img.png"}, "--pixel-size must be between"},
            {{"detect", "--model", "m", "--hybrid-top", "4294967306", "img.png"}, "--hybrid-top must be between"},
            {{"report", "--model", "m", "--study", "s", "--patches", "-1"}, "--patches must be between 0"},
            {{"report", "--model", "m", "--study", "s", "--threshold", "nan"}, "--threshold expects a finite"},
            {{"experiment", "--train", "t", "--split", "0", "--out", "o"}, "--split must be between"},
            {{"experiment", "--train", "t", "--split", "0.5", "--split-seed", "-1", "--out", "o"}, "--split-seed"},
            {{"bench-hybrid", "--model", "m", "--study", "s", "--max-images", "0"}, "--max-images must be between 1"},
        };
        for (const auto& [words, message] : cases) {
            const Run r = runCli(words);
            QVERIFY2(r.rc != 0, message.c_str());
            QVERIFY2(contains(r.err, message), (message + " | got: " + r.err).c_str());
        }
    }

    void everyUserErrorExitsNonZero()
    {
        QCOMPARE(runCli({}).rc, 2);
        QCOMPARE(runCli({"frobnicate"}).rc, 2);
        QVERIFY(runCli({"train"}).rc != 0);                              // missing --train
        QVERIFY(runCli({"train", "--bogus"}).rc != 0);                   // unknown option
        QVERIFY(runCli({"detect", "--model"}).rc != 0);                  // option without its value
        QVERIFY(runCli({"detect", "--model", "/nonexistent", "x.png"}).rc != 0);
        QVERIFY(runCli({"evaluate", "--model", "/nonexistent", "--val", "v.json"}).rc != 0);
        QVERIFY(runCli({"report", "--model", "/nonexistent", "--study", "/nonexistent"}).rc != 0);
        QCOMPARE(runCli({"train", "--help"}).rc, 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
