#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"
#include "DetectOptions.h"

#include "common/Error.h"
#include "detect/Experiment.h"
#include "detect/RepeatedExperiment.h"

#include <ostream>

namespace ks::cli {

int experimentCommand(const std::vector<std::string>& argv, Io io)
{
    auto arity = trainOptionArity();
    arity["train"] = 1;
    arity["val"] = 1;
    arity["split"] = 1;
    arity["split-seed"] = 1;
    arity["out"] = 1;
    arity["no-model"] = 0;
    arity["repeats"] = 1;
    const Args a(argv, arity);
    if (!a.positional().empty())
        throw Error("Unexpected argument '" + a.positional().front() + "'",
                    "Usage: experiment --train TRAIN.json (--val VAL.json | --split FRACTION) --out DIR [options]\n"
                        + std::string(trainOptionHelp()));
    detect::ExperimentOptions o;
    o.train = trainConfigFrom(a, "haar,na,pa,fa,hybrid");
    o.trainJson = a.required("train");
    o.valJson = a.value("val");
    o.split = a.number("split", 0, 0.01, 0.99);
    if (!o.valJson.empty() && a.has("split"))
        throw Error("Give either --val or --split, not both");
    if (o.valJson.empty() && !a.has("split"))
        throw Error("No validation set", "Give --val VAL.json, or --split FRACTION to split --train by patient");
    o.splitSeed = static_cast<unsigned>(a.unsignedInteger("split-seed", 1, UINT32_MAX));
    o.category = a.value("category");
    o.outDir = a.required("out");
    o.saveModel = !a.has("no-model");
    ConsoleProgress progress(io.err, a.has("quiet"));
    if (a.has("repeats")) {
        const int repeats = a.integer("repeats", 3, 2, 100);
        const unsigned first = a.has("seed") ? static_cast<unsigned>(a.unsignedInteger("seed", 1, UINT32_MAX)) : 1u;
        const auto s = detect::RepeatedExperiment::run(o, repeats, first, progress);
        progress.finish();
        io.out << detect::RepeatedExperiment::table(s);
        io.out << "Results: " << o.outDir << "/repeats.json, " << o.outDir << "/repeats.md, " << o.outDir
               << "/seed-*/\n";
        return 0;
    }
    const auto r = detect::Experiment::run(o, progress);
    progress.finish();
    io.out << detect::Evaluation::table(r.evaluation, r.backboneTitle, r.transferNote);
    io.out << "Time: " << r.totalSeconds << " s (load " << r.loadSeconds << ", train " << r.trainSeconds << ", evaluate "
           << r.evaluateSeconds << "); peak memory " << static_cast<int>(r.peakMemoryMb) << " MB\n";
    io.out << "Results: " << o.outDir << "/results.json, " << o.outDir << "/report.md\n";
    return 0;
}

} // namespace ks::cli
