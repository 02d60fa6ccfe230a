#pragma once
/// \file RepeatedExperiment.h
/// The protocol run with several seeds (labels' sampling, boosting's subsampling, the CNN's
/// initialisation, data order and augmentation; the data and the split stay the same): per
/// method the mean ± sample standard deviation of the mean Dice and of the failures, and whether
/// the hybrid's lead over the best single method exceeds the spread. Each run writes its own
/// outputs in OUT/seed-S; the summary goes to OUT/repeats.json and OUT/repeats.md.

#include "Experiment.h"

#include <map>
#include <string>
#include <vector>

namespace ks::detect {

/// Value type.
struct RepeatedSummary
{
    struct Row
    {
        double meanDice = 0, sdDice = 0;
        double meanFailures = 0, sdFailures = 0;
        std::vector<double> dice; ///< per seed
    };
    std::vector<unsigned> seeds;
    std::vector<Method> methods;
    std::map<Method, Row> rows;
    std::string backboneTitle;
    /// Hybrid minus the best single method's mean Dice, and whether it exceeds the larger of
    /// the two standard deviations (false without a hybrid).
    double hybridLead = 0;
    bool hybridLeadExceedsSpread = false;
    std::string bestSingle;  ///< method name of the best single row
};

/// Stateless.
class RepeatedExperiment
{
public:
    /// Runs Experiment::run with seeds firstSeed … firstSeed + repeats − 1 (options.train's seeds
    /// replaced; outDir/seed-S each). \throws as Experiment::run; ks::Error for repeats < 2.
    static RepeatedSummary run(const ExperimentOptions& options, int repeats, unsigned firstSeed = 1,
                               Progress& progress = NullProgress::instance());
    /// Aggregates finished runs (one per seed, same methods).
    static RepeatedSummary summarise(const std::vector<unsigned>& seeds, const std::vector<ExperimentResult>& runs);
    /// "Method  Dice mean ± sd  Failures mean ± sd" as aligned text, with the lead sentence.
    static std::string table(const RepeatedSummary& s);
    static std::string json(const RepeatedSummary& s);
};

} // namespace ks::detect
