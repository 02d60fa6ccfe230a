#include "Evaluation.h"

#include "HybridWeight.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
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
    r.boxRegression = detector.hasBoxRegressor();
    r.presence = detector.hasPresence();
    if (hybrid && detector.hybridConfig().cvWeight >= 0)
        r.hybridWeight = detector.hybridConfig().cvWeight;
    std::map<Method, std::vector<float>> pooledScores;
    std::vector<bool> pooledLabels;
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
        io.candidates = static_cast<int>(boxes.size());
        io.oracle = CandidateDiagnosis::oracle(boxes, *f.truth);
        const auto labels = CandidateDiagnosis::labels(boxes, *f.truth, r.positiveDice);
        io.positives = static_cast<int>(std::count(labels.begin(), labels.end(), true));
        pooledLabels.insert(pooledLabels.end(), labels.begin(), labels.end());
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
                if (r.hybridWeight >= 0) {
                    // The same cascade's two halves, weighted (boxes it left out: Haar share only).
                    std::vector<float> cnn = stats.cnn;
                    for (float& v : cnn)
                        v = std::isfinite(v) ? v : 0.0f;
                    const auto weighted = HybridWeight::combine(scores.at("haar"), cnn, r.hybridWeight);
                    mo.weightedBox = Detector::choose(boxes, weighted).box;
                    mo.weightedDice = dice(mo.weightedBox, *f.truth);
                }
            } else {
                likelihoods = Detector::combine(m, scores);
                for (const auto& s : featureSetsOf(m))
                    seconds += setSeconds[s];
            }
            mo.detection = Detector::choose(boxes, likelihoods);
            mo.detection.method = methodName(m);
            mo.detection.seconds = seconds;
            detector.judgePresence(f.gray, mo.detection);
            mo.dice = dice(mo.detection.box, *f.truth);
            mo.oracleRank = CandidateDiagnosis::rank(likelihoods, io.oracle.index);
            mo.auc = CandidateDiagnosis::auc(likelihoods, labels);
            mo.cause = CandidateDiagnosis::cause(boxes, likelihoods, mo.dice, *f.truth, r.failureDice);
            auto& pooled = pooledScores[m];
            pooled.insert(pooled.end(), likelihoods.begin(), likelihoods.end());
            io.methods[m] = mo;
        }
        if (r.boxRegression) {
            // Every method's chosen box through the regression at once (beyond the paper).
            std::vector<Box> chosen;
            for (Method m : methods)
                chosen.push_back(io.methods[m].detection.box);
            const auto regressed = detector.regressBoxes(f.gray, f.calibration, chosen);
            for (size_t k = 0; k < methods.size(); ++k) {
                auto& mo = io.methods[methods[k]];
                mo.regressedBox = regressed[k];
                mo.regressedDice = dice(regressed[k], *f.truth);
            }
        }
        r.images.push_back(std::move(io));
    }
    for (const auto& io : r.images) {
        r.meanOracleDice += io.oracle.dice / static_cast<double>(r.images.size());
        r.meanCandidates += io.candidates / static_cast<double>(r.images.size());
        r.oracleFailures += io.oracle.dice < r.failureDice ? 1 : 0;
    }
    for (Method m : methods) {
        MethodSummary s;
        std::vector<int> ranks;
        int aucFrames = 0;
        for (const auto& io : r.images) {
            const auto& mo = io.methods.at(m);
            s.meanDice += mo.dice;
            s.regressedMeanDice += mo.regressedDice;
            s.regressedFailures += mo.regressedDice < r.failureDice ? 1 : 0;
            s.notFound += mo.detection.targetFound ? 0 : 1;
            s.weightedMeanDice += mo.weightedDice;
            s.weightedFailures += mo.weightedDice < r.failureDice ? 1 : 0;
            s.meanSeconds += mo.detection.seconds;
            s.failures += mo.dice < r.failureDice ? 1 : 0;
            s.lowConfidence += mo.detection.lowConfidence ? 1 : 0;
            s.meanCnnBoxes += mo.hybridCnnBoxes;
            s.exact += mo.hybridExact ? 1 : 0;
            s.coverageFailures += mo.cause == FailureCause::Coverage ? 1 : 0;
            s.scoringFailures += mo.cause == FailureCause::Scoring ? 1 : 0;
            s.choiceFailures += mo.cause == FailureCause::Choice ? 1 : 0;
            if (std::isfinite(mo.auc)) {
                s.meanImageAuc += mo.auc;
                ++aucFrames;
            }
            ranks.push_back(mo.oracleRank);
            ++s.n;
        }
        s.meanImageAuc = aucFrames ? s.meanImageAuc / aucFrames : std::nan("");
        std::sort(ranks.begin(), ranks.end());
        if (!ranks.empty())
            s.medianOracleRank = ranks.size() % 2 ? ranks[ranks.size() / 2]
                                                  : 0.5 * (ranks[ranks.size() / 2 - 1] + ranks[ranks.size() / 2]);
        s.auc = CandidateDiagnosis::auc(pooledScores[m], pooledLabels);
        s.meanDice /= s.n;
        s.regressedMeanDice /= s.n;
        s.weightedMeanDice /= s.n;
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
    char line[320];
    std::snprintf(line, sizeof line, "%-30s %9s %8s %4s %9s %8s %6s %7s %15s\n", "Method", "Mean Dice", "Failures",
                  "n", "Low conf.", "s/image", "AUC", "Rank", "cov/score/chc");
    out << line << std::string(102, '-') << "\n";
    for (Method m : r.methods) {
        const auto& s = r.summary.at(m);
        char causes[48];
        std::snprintf(causes, sizeof causes, "%d/%d/%d", s.coverageFailures, s.scoringFailures, s.choiceFailures);
        std::snprintf(line, sizeof line, "%-30s %9.3f %8d %4d %9d %8.3f %6.3f %7.1f %15s\n",
                      methodTitle(m, backboneTitle).c_str(), s.meanDice, s.failures, s.n, s.lowConfidence,
                      s.meanSeconds, s.auc, s.medianOracleRank, causes);
        out << line;
    }
    if (r.boxRegression)
        for (Method m : r.methods) {
            // Beyond the paper: the same choice, then the box regression.
            const auto& s = r.summary.at(m);
            const std::string title = methodTitle(m, backboneTitle) + " + BBR";
            std::snprintf(line, sizeof line, "%-30s %9.3f %8d %4d\n", title.c_str(), s.regressedMeanDice,
                          s.regressedFailures, s.n);
            out << line;
        }
    if (r.hybridWeight >= 0 && r.summary.count(Method::Hybrid)) {
        const auto& s = r.summary.at(Method::Hybrid);
        char title[64];
        std::snprintf(title, sizeof title, "Hybrid, CV weight %.1f", r.hybridWeight);
        std::snprintf(line, sizeof line, "%-30s %9.3f %8d %4d\n", title, s.weightedMeanDice, s.weightedFailures, s.n);
        out << line;
    }
    std::snprintf(line, sizeof line, "%-30s %9.3f %8d %4zu\n", "Candidate oracle", r.meanOracleDice, r.oracleFailures,
                  r.images.size());
    out << line;
    std::snprintf(line, sizeof line, "%.0f", r.meanCandidates);
    out << "Failures: Dice < " << r.failureDice << ". Candidate oracle: the best Dice any of the " << line
        << " candidates per image reaches. AUC: patch-level ROC AUC over all validation candidates (positive: Dice >= "
        << r.positiveDice << "). Rank: median rank of the oracle's candidate (1 = chosen). Failures by cause: "
           "coverage (no candidate reaches it), scoring (none that does is classified positive), choice (one is, "
           "another was more likely).";
    if (r.presence) {
        out << " No target found (the chosen box unlike every training target):";
        for (Method m : r.methods)
            out << " " << methodName(m) << " " << r.summary.at(m).notFound << "/" << r.summary.at(m).n;
        out << ".";
    }
    if (r.hybridWeight >= 0)
        out << " CV weight: beyond the paper, the hybrid's Haar share chosen by 3-fold cross-validation on the "
               "training images.";
    if (r.boxRegression)
        out << " + BBR: beyond the paper, the same choice refined by bounding-box regression on Haar features.";
    if (!note.empty())
        out << " " << note;
    out << "\n";
    return out.str();
}

std::string Evaluation::csv(const EvaluationResult& r)
{
    std::ostringstream out;
    out << "image,truth_x,truth_y,truth_w,truth_h,candidates,oracle_dice";
    for (Method m : r.methods) {
        const auto n = methodName(m);
        out << "," << n << "_x," << n << "_y," << n << "_w," << n << "_h," << n << "_dice," << n << "_likelihood,"
            << n << "_low_confidence," << n << "_oracle_rank," << n << "_auc," << n << "_failure_cause";
        if (r.boxRegression)
            out << "," << n << "_bbr_x," << n << "_bbr_y," << n << "_bbr_w," << n << "_bbr_h," << n << "_bbr_dice";
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
        out << quote(io.name) << "," << io.truth.x << "," << io.truth.y << "," << io.truth.width << "," << io.truth.height
            << "," << io.candidates;
        char oracle[32];
        std::snprintf(oracle, sizeof oracle, ",%.4f", io.oracle.dice);
        out << oracle;
        for (Method m : r.methods) {
            const auto& mo = io.methods.at(m);
            const Box& b = mo.detection.box;
            char buf[200];
            std::snprintf(buf, sizeof buf, ",%.1f,%.1f,%.1f,%.1f,%.4f,%.4f,%d,%d,", b.x, b.y, b.width, b.height, mo.dice,
                          mo.detection.likelihood, mo.detection.lowConfidence ? 1 : 0, mo.oracleRank);
            out << buf;
            if (std::isfinite(mo.auc)) {
                std::snprintf(buf, sizeof buf, "%.4f", mo.auc);
                out << buf;
            }
            out << "," << failureCauseName(mo.cause);
            if (r.boxRegression) {
                const Box& g = mo.regressedBox;
                std::snprintf(buf, sizeof buf, ",%.1f,%.1f,%.1f,%.1f,%.4f", g.x, g.y, g.width, g.height, mo.regressedDice);
                out << buf;
            }
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
        auto finite = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
        methods[methodName(m)] = {{"mean_dice", s.meanDice}, {"failures", s.failures}, {"n", s.n},
                                  {"low_confidence", s.lowConfidence}, {"seconds_per_image", s.meanSeconds},
                                  {"auc", finite(s.auc)}, {"mean_image_auc", finite(s.meanImageAuc)},
                                  {"median_oracle_rank", s.medianOracleRank},
                                  {"failure_causes", {{"coverage", s.coverageFailures}, {"scoring", s.scoringFailures},
                                                      {"choice", s.choiceFailures}}}};
        if (r.presence)
            methods[methodName(m)]["no_target_found"] = s.notFound;
        if (r.boxRegression)
            methods[methodName(m)]["box_regression"] = {{"mean_dice", s.regressedMeanDice},
                                                        {"failures", s.regressedFailures}};
        if (m == Method::Hybrid && r.hybridWeight >= 0)
            methods[methodName(m)]["cv_weight"] = {{"weight", r.hybridWeight}, {"mean_dice", s.weightedMeanDice},
                                                   {"failures", s.weightedFailures}};
        if (m == Method::Hybrid)
            methods[methodName(m)]["cascade"] = {{"cnn_candidates_per_image", s.meanCnnBoxes},
                                                 {"provably_exhaustive_images", s.exact}};
    }
    nlohmann::json per = nlohmann::json::array();
    for (const auto& io : r.images) {
        nlohmann::json img{{"image", io.name}, {"truth", boxJson(io.truth)}, {"candidates", io.candidates},
                           {"oracle_dice", io.oracle.dice}, {"positive_candidates", io.positives}};
        nlohmann::json d = nlohmann::json::object();
        for (Method m : r.methods) {
            const auto& mo = io.methods.at(m);
            d[methodName(m)] = {{"dice", mo.dice}, {"box", boxJson(mo.detection.box)},
                                {"likelihood", mo.detection.likelihood}, {"low_confidence", mo.detection.lowConfidence},
                                {"oracle_rank", mo.oracleRank},
                                {"auc", std::isfinite(mo.auc) ? nlohmann::json(mo.auc) : nlohmann::json(nullptr)},
                                {"failure_cause", failureCauseName(mo.cause)},
                                {"target_found", mo.detection.targetFound}};
            if (r.boxRegression)
                d[methodName(m)]["box_regression"] = {{"dice", mo.regressedDice}, {"box", boxJson(mo.regressedBox)}};
        }
        img["methods"] = d;
        per.push_back(img);
    }
    return nlohmann::json{{"failure_dice", r.failureDice},
                          {"candidate_oracle", {{"mean_dice", r.meanOracleDice}, {"failures", r.oracleFailures},
                                                {"mean_candidates", r.meanCandidates}}},
                          {"methods", methods},
                          {"per_image", per}}
        .dump(2);
}

} // namespace ks::detect
