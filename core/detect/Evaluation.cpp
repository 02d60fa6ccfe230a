#include "Evaluation.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>

using nlohmann::json;

namespace ks::detect {

namespace {
json boxJson(const Box& b)
{
    return {b.x, b.y, b.width, b.height};
}
} // namespace

EvaluationResult Evaluation::run(Detector& detector, const std::vector<AnnotatedFrame>& frames,
                                 const std::vector<Method>& methods, Progress& progress)
{
    if (frames.empty())
        throw Error("The evaluation set is empty", "Give a COCO file with annotated images");
    if (methods.empty())
        throw Error("No method to evaluate", "E.g. --methods haar");
    std::vector<std::string> sets; // scored on every box: the single methods' sets, and haar for the hybrid
    const bool hybrid = std::find(methods.begin(), methods.end(), Method::Hybrid) != methods.end();
    for (Method m : methods)
        for (const auto& s : featureSetsOf(m)) {
            if (!detector.hasFeatureSet(s))
                throw Error("The model was not trained for method '" + methodName(m) + "'",
                            "Train it with --methods including " + methodName(m));
            const bool needed = m != Method::Hybrid || s == "haar";
            if (needed && std::find(sets.begin(), sets.end(), s) == sets.end())
                sets.push_back(s);
        }
    EvaluationResult r;
    r.methods = methods;
    auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    for (size_t i = 0; i < frames.size(); ++i) {
        const AnnotatedFrame& f = frames[i];
        SubProgress sub(progress, static_cast<double>(i) / frames.size(), static_cast<double>(i + 1) / frames.size());
        sub.step(0, "Detecting in " + f.name);
        if (!f.truth)
            throw Error("Validation image '" + f.name + "' has no annotation", "Annotate it or leave it out");
        auto t0 = std::chrono::steady_clock::now();
        const auto boxes = detector.candidates(f.gray, f.calibration);
        if (boxes.empty())
            throw Error("Image '" + f.name + "' yields no candidate boxes", "Check its calibration and the preset");
        const double candSeconds = since(t0);
        const double steps = static_cast<double>(sets.size() + (hybrid ? 1 : 0));
        std::map<std::string, std::vector<float>> scores;
        std::map<std::string, double> setSeconds;
        for (size_t k = 0; k < sets.size(); ++k) {
            SubProgress ss(sub, k / steps, (k + 1) / steps);
            t0 = std::chrono::steady_clock::now();
            auto one = detector.scoreSets(f.gray, boxes, {sets[k]}, ss);
            scores[sets[k]] = std::move(one[sets[k]]);
            setSeconds[sets[k]] = since(t0);
        }
        ImageOutcome io;
        io.name = f.name;
        io.truth = *f.truth;
        for (Method m : methods) {
            MethodOutcome mo;
            double seconds = candSeconds;
            std::vector<float> likelihoods;
            if (m == Method::Hybrid) {
                SubProgress hs(sub, (steps - 1) / steps, 1.0);
                t0 = std::chrono::steady_clock::now();
                HybridStats stats;
                likelihoods = detector.scoreMethods(f.gray, boxes, {m}, hs, &stats, &scores).at(m);
                seconds += since(t0) + setSeconds["haar"];
                mo.hybridCnnBoxes = stats.cnnBoxes;
                mo.hybridExact = stats.exact;
            } else {
                likelihoods = Detector::combine(m, scores);
                for (const auto& s : featureSetsOf(m))
                    seconds += setSeconds[s];
            }
            mo.detection = Detector::choose(boxes, likelihoods);
            mo.detection.method = methodName(m);
            mo.detection.seconds = seconds;
            mo.dice = dice(mo.detection.box, *f.truth);
            io.methods[m] = mo;
        }
        r.images.push_back(std::move(io));
    }
    for (Method m : methods) {
        MethodSummary s;
        for (const auto& io : r.images) {
            const auto& mo = io.methods.at(m);
            s.meanDice += mo.dice;
            s.meanSeconds += mo.detection.seconds;
            s.failures += mo.dice < r.failureDice ? 1 : 0;
            s.lowConfidence += mo.detection.lowConfidence ? 1 : 0;
            s.meanCnnBoxes += mo.hybridCnnBoxes;
            s.exact += mo.hybridExact ? 1 : 0;
            ++s.n;
        }
        s.meanDice /= s.n;
        s.meanSeconds /= s.n;
        s.meanCnnBoxes /= s.n;
        r.summary[m] = s;
    }
    progress.step(1.0, "Evaluation done");
    return r;
}

std::string Evaluation::table(const EvaluationResult& r, const std::string& backboneTitle, const std::string& note)
{
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%-24s %12s %10s %6s %10s %10s\n", "Method", "Mean Dice", "Failures", "n",
                  "Low conf.", "s/image");
    out << line << std::string(77, '-') << "\n";
    for (Method m : r.methods) {
        const auto& s = r.summary.at(m);
        std::snprintf(line, sizeof line, "%-24s %12.3f %10d %6d %10d %10.3f\n", methodTitle(m, backboneTitle).c_str(),
                      s.meanDice, s.failures, s.n, s.lowConfidence, s.meanSeconds);
        out << line;
    }
    out << "Failures: Dice < " << r.failureDice << ".";
    if (!note.empty())
        out << " " << note;
    out << "\n";
    return out.str();
}

std::string Evaluation::csv(const EvaluationResult& r)
{
    std::ostringstream out;
    out << "image,truth_x,truth_y,truth_w,truth_h";
    for (Method m : r.methods) {
        const auto n = methodName(m);
        out << "," << n << "_x," << n << "_y," << n << "_w," << n << "_h," << n << "_dice," << n << "_likelihood,"
            << n << "_low_confidence";
    }
    out << "\n";
    auto quote = [](const std::string& s) {
        if (s.find_first_of(",\"\n") == std::string::npos)
            return s;
        std::string q = "\"";
        for (char c : s)
            q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    for (const auto& io : r.images) {
        out << quote(io.name) << "," << io.truth.x << "," << io.truth.y << "," << io.truth.width << "," << io.truth.height;
        for (Method m : r.methods) {
            const auto& mo = io.methods.at(m);
            const Box& b = mo.detection.box;
            char buf[160];
            std::snprintf(buf, sizeof buf, ",%.1f,%.1f,%.1f,%.1f,%.4f,%.4f,%d", b.x, b.y, b.width, b.height, mo.dice,
                          mo.detection.likelihood, mo.detection.lowConfidence ? 1 : 0);
            out << buf;
        }
        out << "\n";
    }
    return out.str();
}

std::string Evaluation::json(const EvaluationResult& r)
{
    nlohmann::json methods = nlohmann::json::object();
    for (Method m : r.methods) {
        const auto& s = r.summary.at(m);
        methods[methodName(m)] = {{"mean_dice", s.meanDice}, {"failures", s.failures}, {"n", s.n},
                                  {"low_confidence", s.lowConfidence}, {"seconds_per_image", s.meanSeconds}};
        if (m == Method::Hybrid)
            methods[methodName(m)]["cascade"] = {{"cnn_candidates_per_image", s.meanCnnBoxes},
                                                 {"provably_exhaustive_images", s.exact}};
    }
    nlohmann::json per = nlohmann::json::array();
    for (const auto& io : r.images) {
        nlohmann::json img{{"image", io.name}, {"truth", boxJson(io.truth)}};
        nlohmann::json d = nlohmann::json::object();
        for (Method m : r.methods) {
            const auto& mo = io.methods.at(m);
            d[methodName(m)] = {{"dice", mo.dice}, {"box", boxJson(mo.detection.box)},
                                {"likelihood", mo.detection.likelihood}, {"low_confidence", mo.detection.lowConfidence}};
        }
        img["methods"] = d;
        per.push_back(img);
    }
    return nlohmann::json{{"failure_dice", r.failureDice}, {"methods", methods}, {"per_image", per}}.dump(2);
}

} // namespace ks::detect
