#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"
#include "DetectOptions.h"

#include "common/Error.h"
#include "detect/Dataset.h"
#include "detect/Experiment.h"
#include "detect/ModelBundle.h"

#include <filesystem>
#include <ostream>

namespace ks::cli {

int trainCommand(const std::vector<std::string>& argv, Io io)
{
    auto arity = trainOptionArity();
    arity["train"] = 1;
    arity["out"] = 1;
    arity["split"] = 1;
    const Args a(argv, arity);
    if (!a.positional().empty())
        throw Error("Unexpected argument '" + a.positional().front() + "'", "Usage: train --train COCO.json --out MODEL_DIR");
    const std::string trainJson = a.required("train");
    const std::string out = a.required("out");
    detect::TrainConfig config = trainConfigFrom(a);
    const double splitFraction = a.number("split", 0.8, 0.01, 0.99);
    ConsoleProgress progress(io.err, a.has("quiet"));
    SubProgress loading(progress, 0, 0.1), training(progress, 0.1, 1.0);
    auto frames = detect::Dataset::loadCoco(trainJson, true, a.value("category"), loading);
    std::vector<detect::AnnotatedFrame> held;
    std::string split = "all of " + std::filesystem::path(trainJson).filename().string();
    if (a.has("split")) {
        const double f = splitFraction;
        std::tie(frames, held) = detect::Dataset::splitByPatient(frames, f, config.labels.seed);
        split = "split by patient: " + std::to_string(f) + " for training";
    }
    detect::TrainReport report;
    detect::Detector detector = detect::DetectorTrainer::train(frames, config, &report, training);
    detect::ModelBundle::save(detector, out, detect::Experiment::provenance(config, frames, held, split, report));
    progress.finish();
    io.out << "Trained " << frames.size() << " images (" << report.positives << " positive, " << report.negatives
           << " negative samples; " << static_cast<int>(report.meanCandidates + 0.5) << " candidates per image, "
           << static_cast<int>(report.coverage * 100 + 0.5) << " % of images with a candidate of Dice >= 0.8)\n";
    for (const auto& [set, sec] : report.seconds)
        io.out << "  " << set << ": " << sec << " s\n";
    const std::string note = detect::Experiment::transferNote(config);
    if (!note.empty())
        io.out << note << "\n";
    io.out << "Model: " << out << "\n";
    return 0;
}

} // namespace ks::cli
