#include "RepeatedExperiment.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ks::detect {

namespace {
std::pair<double, double> meanSd(const std::vector<double>& v)
{
    double mean = 0;
    for (double x : v) mean += x / static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    return {mean, v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0};
}
} // namespace

RepeatedSummary RepeatedExperiment::summarise(const std::vector<unsigned>& seeds, const std::vector<ExperimentResult>& runs)
{
    RepeatedSummary s;
    s.seeds = seeds;
    if (runs.empty()) return s;
    s.methods = runs.front().evaluation.methods;
    s.backboneTitle = runs.front().backboneTitle;
    for (Method m : s.methods) {
        RepeatedSummary::Row row;
        std::vector<double> failures;
        for (const auto& r : runs) {
            row.dice.push_back(r.evaluation.summary.at(m).meanDice);
            failures.push_back(r.evaluation.summary.at(m).failures);
        }
        std::tie(row.meanDice, row.sdDice) = meanSd(row.dice);
        std::tie(row.meanFailures, row.sdFailures) = meanSd(failures);
        s.rows[m] = row;
    }
    if (s.rows.count(Method::Hybrid)) {
        const RepeatedSummary::Row* best = nullptr;
        for (Method m : s.methods)
            if (m != Method::Hybrid && (!best || s.rows.at(m).meanDice > best->meanDice)) {
                best = &s.rows.at(m);
                s.bestSingle = methodName(m);
            }
        if (best) {
            const auto& h = s.rows.at(Method::Hybrid);
            s.hybridLead = h.meanDice - best->meanDice;
            s.hybridLeadExceedsSpread = s.hybridLead > std::max(h.sdDice, best->sdDice);
        }
    }
    return s;
}

RepeatedSummary RepeatedExperiment::run(const ExperimentOptions& options, int repeats, unsigned firstSeed, Progress& progress)
{
    if (repeats < 2)
        throw Error("--repeats needs at least 2 runs", "E.g. --repeats 3");
    std::vector<unsigned> seeds;
    std::vector<ExperimentResult> runs;
    for (int k = 0; k < repeats; ++k) {
        const unsigned seed = firstSeed + static_cast<unsigned>(k);
        ExperimentOptions o = options;
        o.train.labels.seed = seed;
        o.train.gbm.seed = seed;
        o.train.cnn.seed = seed;
        o.outDir = (std::filesystem::path(options.outDir) / ("seed-" + std::to_string(seed))).string();
        SubProgress sub(progress, static_cast<double>(k) / repeats, static_cast<double>(k + 1) / repeats);
        runs.push_back(Experiment::run(o, sub));
        seeds.push_back(seed);
    }
    RepeatedSummary s = summarise(seeds, runs);
    const std::filesystem::path out(options.outDir);
    std::ofstream(out / "repeats.json") << json(s) << "\n";
    std::ofstream(out / "repeats.md") << "# Repeated experiment\n\n```\n" << table(s) << "```\n";
    return s;
}

std::string RepeatedExperiment::table(const RepeatedSummary& s)
{
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%-24s %20s %20s\n", "Method", "Mean Dice (± sd)", "Failures (± sd)");
    out << line << std::string(66, '-') << "\n";
    for (Method m : s.methods) {
        const auto& r = s.rows.at(m);
        char dice[48], fail[48];
        std::snprintf(dice, sizeof dice, "%.3f ± %.3f", r.meanDice, r.sdDice);
        std::snprintf(fail, sizeof fail, "%.1f ± %.1f", r.meanFailures, r.sdFailures);
        std::snprintf(line, sizeof line, "%-24s %20s %20s\n", methodTitle(m, s.backboneTitle).c_str(), dice, fail);
        out << line;
    }
    out << s.seeds.size() << " seeds (" << (s.seeds.empty() ? 0u : s.seeds.front()) << "…"
        << (s.seeds.empty() ? 0u : s.seeds.back()) << "); same data and split.";
    if (s.rows.count(Method::Hybrid) && !s.bestSingle.empty()) {
        std::snprintf(line, sizeof line, " The hybrid's lead over the best single row (%s) is %+.3f, %s the spread.",
                      s.bestSingle.c_str(), s.hybridLead, s.hybridLeadExceedsSpread ? "larger than" : "within");
        out << line;
    }
    out << "\n";
    return out.str();
}

std::string RepeatedExperiment::json(const RepeatedSummary& s)
{
    nlohmann::json rows = nlohmann::json::object();
    for (Method m : s.methods) {
        const auto& r = s.rows.at(m);
        rows[methodName(m)] = {{"mean_dice", r.meanDice}, {"sd_dice", r.sdDice}, {"mean_failures", r.meanFailures},
                               {"sd_failures", r.sdFailures}, {"dice_per_seed", r.dice}};
    }
    return nlohmann::json{{"seeds", s.seeds}, {"methods", rows}, {"hybrid_lead", s.hybridLead},
                          {"hybrid_lead_exceeds_spread", s.hybridLeadExceedsSpread}, {"best_single", s.bestSingle}}
        .dump(2);
}

} // namespace ks::detect
