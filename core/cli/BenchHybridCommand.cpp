// kidneyscope-cli bench-hybrid: the hybrid (Haar + CNN_FA) of a trained model on annotated
// images, three ways, with the Dice and the time of each:
//  - per-patch path (the paper): every candidate warped through the whole network. Its answer is
//    computed exactly but cheaply by branch and bound (candidates in decreasing Haar order until
//    none left could win even with a CNN likelihood of 1); its time is what scoring every
//    candidate costs at the measured per-patch rate.
//  - cascade (the product's hybrid): only the Haar-GBM's top K candidates through the CNN, with
//    the same per-patch features and classifier; timed end to end.
//  - optionally (--fast-full) the RoI-pooled fast path over every candidate with its own GBM.
#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"

#include "cnn/CnnModel.h"
#include "common/Error.h"
#include "detect/Dataset.h"
#include "detect/Evaluation.h"
#include "detect/ModelBundle.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <thread>

namespace ks::cli {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string fmt(const char* format, double a, double b = 0, double c = 0)
{
    char text[256]; // formats here hold a short sentence around three numbers
    std::snprintf(text, sizeof text, format, a, b, c);
    return text;
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}
} // namespace

int benchHybridCommand(const std::vector<std::string>& argv, Io io)
{
    const Args a(argv, {{"model", 1}, {"study", 1}, {"max-images", 1}, {"hybrid-top", 1}, {"fast-full", 0},
                        {"quiet", 0}});
    const int maxImagesOption = a.integer("max-images", 0, 1, 1000000);
    auto bundle = detect::ModelBundle::load(a.required("model"));
    detect::Detector& detector = bundle.detector;
    if (!detector.hasFeatureSet("haar") || !detector.hasFeatureSet("fa"))
        throw Error("The model has no hybrid (it needs the haar and fa classifiers)",
                    "Train it with --methods including hybrid");
    const bool perPatch = detector.featureSet("fa").hasExact() || !detector.featureSet("fa").cnn.fastPath;
    if (!perPatch)
        throw Error("The model's FA classifier has no per-patch (paper) features to compare with",
                    "Retrain it with this version and --methods including hybrid");
    std::vector<int> tops;
    {
        std::string list = a.value("hybrid-top", std::to_string(detector.hybridConfig().cnnTop));
        size_t at = 0;
        while (at <= list.size()) {
            const size_t comma = std::min(list.find(',', at), list.size());
            const std::string word = list.substr(at, comma - at);
            char* end = nullptr;
            const long v = std::strtol(word.c_str(), &end, 10);
            if (word.empty() || *end != '\0' || v < 1 || v > 100000)
                throw Error("--hybrid-top takes cascade sizes of at least 1, comma-separated", "e.g. --hybrid-top 16,32,48");
            tops.push_back(static_cast<int>(v));
            at = comma + 1;
        }
    }
    ConsoleProgress progress(io.err, a.has("quiet"));
    auto frames = detect::Dataset::loadCoco(a.required("study"), true, {}, progress);
    progress.finish();
    const int maxImages = a.has("max-images") ? maxImagesOption : static_cast<int>(frames.size());
    if (static_cast<int>(frames.size()) > maxImages)
        frames.resize(static_cast<size_t>(maxImages));
    cnn::configureTorchThreads();
    const bool fastFull = a.has("fast-full");
    io.out << "bench-hybrid: " << frames.size() << " annotated image(s), model " << a.value("model") << " ("
           << detector.featureSet("fa").cnn.backbone << ", " << detector.featureSet("fa").cnn.weights << "), "
           << cnn::torchThreadCount() << " torch thread(s), " << std::thread::hardware_concurrency()
           << " hardware thread(s)\n";
    io.out << "  image                           boxes   per-patch Dice (boxes scored)";
    for (int k : tops)
        io.out << fmt("  top-%-4.0f Dice  s    ", k);
    io.out << (fastFull ? "  fast-full Dice  s" : "") << "\n";

    std::vector<double> refDice, refTime, perBox, fastDice, fastTime;
    std::vector<std::vector<double>> dices(tops.size()), times(tops.size());
    std::vector<int> same(tops.size()), exact(tops.size());
    double boxesTotal = 0;
    for (const auto& f : frames) {
        auto t = Clock::now();
        const auto boxes = detector.candidates(f.gray, f.calibration);
        if (boxes.empty())
            throw Error("Image '" + f.name + "' yields no candidate boxes", "Check its calibration and the preset");
        const auto haar = detector.scoreSets(f.gray, boxes, {"haar"}).at("haar");
        const double haarSeconds = since(t);
        boxesTotal += static_cast<double>(boxes.size());
        // Cascades, end to end from the Haar scores on (candidates and Haar counted once).
        std::vector<detect::Detection> chosen;
        double cnnSeconds = 0, cnnBoxes = 0;
        for (size_t k = 0; k < tops.size(); ++k) {
            t = Clock::now();
            detect::HybridStats st;
            const auto scores = detector.scoreHybrid(f.gray, boxes, haar, tops[k], false, NullProgress::instance(), &st);
            chosen.push_back(detect::Detector::choose(boxes, scores));
            const double s = since(t);
            times[k].push_back(haarSeconds + s);
            cnnSeconds += s;
            cnnBoxes += st.cnnBoxes;
            exact[k] += st.exact ? 1 : 0;
            dices[k].push_back(ks::dice(chosen.back().box, *f.truth));
        }
        perBox.push_back(cnnSeconds / std::max(1.0, cnnBoxes));
        // Per-patch reference: the exhaustive answer, by branch and bound.
        detect::HybridStats refStats;
        const auto reference = detector.scoreHybrid(f.gray, boxes, haar, tops.front(), true, NullProgress::instance(), &refStats);
        const detect::Detection dr = detect::Detector::choose(boxes, reference);
        refTime.push_back(haarSeconds + perBox.back() * static_cast<double>(boxes.size()));
        refDice.push_back(ks::dice(dr.box, *f.truth));
        std::string line = "  " + f.name.substr(0, 30);
        line += std::string(std::max<size_t>(1, 32 - std::min<size_t>(30, f.name.size())), ' ');
        line += fmt("%5.0f   %14.3f (%5.0f)   ", static_cast<double>(boxes.size()), refDice.back(), refStats.cnnBoxes);
        for (size_t k = 0; k < tops.size(); ++k) {
            same[k] += chosen[k].box == dr.box ? 1 : 0;
            line += fmt("  %9.3f %6.3f     ", dices[k].back(), times[k].back());
        }
        if (fastFull) {
            t = Clock::now();
            auto sets = detector.scoreSets(f.gray, boxes, {"fa"});
            sets["haar"] = haar;
            const detect::Detection df = detect::Detector::choose(boxes, detect::Detector::combine(detect::Method::Hybrid, sets));
            fastTime.push_back(since(t) + haarSeconds);
            fastDice.push_back(ks::dice(df.box, *f.truth));
            line += fmt("  %9.3f %6.3f", fastDice.back(), fastTime.back());
        }
        io.out << line << "\n" << std::flush;
    }
    const double n = static_cast<double>(frames.size());
    auto failures = [](const std::vector<double>& d) {
        return static_cast<double>(std::count_if(d.begin(), d.end(), [](double x) { return x < 0.8; }));
    };
    io.out << "Summary over " << frames.size() << " image(s), " << fmt("%.0f", boxesTotal / n) << " candidates per image:\n";
    io.out << fmt("  per-patch path (paper): mean Dice %.3f, failures %.0f, %.2f s per image", mean(refDice),
                  failures(refDice), mean(refTime))
           << fmt(" (estimated: every candidate at the measured %.1f ms per patch)\n", 1000 * mean(perBox));
    bool met = false;
    for (size_t k = 0; k < tops.size(); ++k) {
        const double speed = mean(refTime) / mean(times[k]);
        const double diff = mean(dices[k]) - mean(refDice);
        const bool ok = mean(times[k]) < 1.0 && speed >= 20 && std::abs(diff) <= 0.01;
        met = met || ok;
        io.out << fmt("  cascade top %-4.0f:      mean Dice %.3f, failures %.0f", tops[k], mean(dices[k]),
                      failures(dices[k]))
               << fmt(", %.3f s per image (measured), %.1f× faster, Dice %+.4f", mean(times[k]), speed, diff)
               << fmt("; same box as per-patch on %.0f of %.0f images (provably on %.0f)", same[k], n, exact[k])
               << (ok ? "  [goal met]" : "") << "\n";
    }
    if (fastFull)
        io.out << fmt("  RoI-pooled fast path, every candidate: mean Dice %.3f, failures %.0f, %.3f s per image\n",
                      mean(fastDice), failures(fastDice), mean(fastTime));
    io.out << "  goal: hybrid < 1 s, ≥ 20× faster than per-patch, mean Dice within 0.01 — " << (met ? "met" : "not met")
           << " here\n";
    return 0;
}

} // namespace ks::cli
