// kidneyscope-cli bench-candidates: how well the candidate sweep reaches the truth, without any
// features — the candidate oracle (best Dice of any candidate) per image and in total, the boxes
// per image and the time to make them, for the sizes learnt from a training COCO. (The
// coarse-to-fine refinement needs a trained Haar-GBM: `experiment` reports the oracle with it.)

#include "Command.h"

#include "Args.h"
#include "DetectOptions.h"

#include "common/Error.h"
#include "detect/CandidateDiagnosis.h"
#include "detect/Dataset.h"
#include "detect/Detector.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace ks::cli {

int benchCandidatesCommand(const std::vector<std::string>& argv, Io io)
{
    auto arity = trainOptionArity();
    arity["train"] = 1;
    arity["val"] = 1;
    arity["json"] = 0;
    arity["per-image"] = 0;
    const Args a(argv, arity);
    if (!a.positional().empty())
        throw Error("Unexpected argument '" + a.positional().front() + "'",
                    "Usage: bench-candidates --train TRAIN.json --val VAL.json [--preset NAME] [--candidates N] [--json]");
    const detect::TrainConfig config = trainConfigFrom(a, "haar");
    const auto train = detect::Dataset::loadCoco(a.required("train"), true, a.value("category"));
    const auto val = detect::Dataset::loadCoco(a.required("val"), true, a.value("category"));
    std::vector<detect::SizedBox> sized;
    for (const auto& f : train) {
        const bool cal = f.calibration.isCalibrated();
        sized.push_back({*f.truth, cal ? f.calibration.mmPerPixelX : 0.0, cal ? f.calibration.mmPerPixelY : 0.0});
    }
    const detect::Detector detector(detect::SizeModel::learn(config.preset, sized), config.candidates);

    double meanOracle = 0, meanCount = 0, seconds = 0;
    int below = 0, minCount = 1 << 30, maxCount = 0;
    nlohmann::json per = nlohmann::json::array();
    for (const auto& f : val) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto boxes = detector.sweepCandidates(f.gray, f.calibration);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const auto o = detect::CandidateDiagnosis::oracle(boxes, *f.truth);
        meanOracle += o.dice / static_cast<double>(val.size());
        meanCount += static_cast<double>(boxes.size()) / static_cast<double>(val.size());
        minCount = std::min(minCount, static_cast<int>(boxes.size()));
        maxCount = std::max(maxCount, static_cast<int>(boxes.size()));
        below += o.dice < config.labels.positiveDice ? 1 : 0;
        per.push_back({{"image", f.name}, {"candidates", boxes.size()}, {"oracle_dice", o.dice}});
    }
    if (a.has("json")) {
        nlohmann::json j{{"validation_images", val.size()}, {"train_images", train.size()},
                         {"mean_oracle_dice", meanOracle}, {"images_below_positive_dice", below},
                         {"mean_candidates", meanCount}, {"min_candidates", minCount}, {"max_candidates", maxCount},
                         {"seconds_per_image", seconds / static_cast<double>(val.size())}};
        if (a.has("per-image")) j["per_image"] = per;
        io.out << j.dump(2) << "\n";
        return 0;
    }
    char line[256];
    if (a.has("per-image"))
        for (const auto& p : per) {
            std::snprintf(line, sizeof line, "%-40s %6d %7.3f\n", p["image"].get<std::string>().c_str(),
                          p["candidates"].get<int>(), p["oracle_dice"].get<double>());
            io.out << line;
        }
    std::snprintf(line, sizeof line,
                  "bench-candidates: %zu validation images, sizes from %zu training boxes (preset %s)\n"
                  "  candidates per image   %.0f (min %d, max %d), %.1f ms per image\n"
                  "  candidate oracle       mean Dice %.3f; %d image(s) where no candidate reaches %.2g\n",
                  val.size(), train.size(), config.preset.name.c_str(), meanCount, minCount, maxCount,
                  1000 * seconds / static_cast<double>(val.size()), meanOracle, below, config.labels.positiveDice);
    io.out << line;
    return 0;
}

} // namespace ks::cli
