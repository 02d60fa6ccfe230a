#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"

#include "common/Error.h"
#include "detect/Dataset.h"
#include "detect/Evaluation.h"
#include "detect/ModelBundle.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <ostream>

namespace ks::cli {

int evaluateCommand(const std::vector<std::string>& argv, Io io)
{
    const Args a(argv, {{"model", 1}, {"val", 1}, {"methods", 1}, {"csv", 1}, {"json", 0}, {"category", 1}, {"quiet", 0}});
    if (!a.positional().empty())
        throw Error("Unexpected argument '" + a.positional().front() + "'",
                    "Usage: evaluate --model MODEL_DIR --val COCO.json [--methods LIST] [--csv FILE] [--json]");
    auto bundle = detect::ModelBundle::load(a.required("model"));
    const auto methods = a.has("methods") ? detect::parseMethods(a.value("methods")) : bundle.detector.methods();
    ConsoleProgress progress(io.err, a.has("quiet"));
    SubProgress loading(progress, 0, 0.2), running(progress, 0.2, 1);
    const auto frames = detect::Dataset::loadCoco(a.required("val"), true, a.value("category"), loading);
    const auto r = detect::Evaluation::run(bundle.detector, frames, methods, running);
    progress.finish();
    if (a.has("csv")) {
        std::ofstream out(a.value("csv"));
        out << detect::Evaluation::csv(r);
        if (!out)
            throw Error("Cannot write '" + a.value("csv") + "'", "Check the folder and permissions", Error::Kind::Io);
    }
    const auto manifest = nlohmann::json::parse(bundle.manifestJson);
    std::string backbone = "caffenet", note;
    if (manifest.contains("cnn") && manifest["cnn"].is_object()) {
        backbone = manifest["cnn"].value("backbone", backbone);
        if (manifest["cnn"].value("weights", nlohmann::json()).is_string())
            note = "CNN: no ImageNet transfer.";
    }
    if (a.has("json")) {
        auto j = nlohmann::json::parse(detect::Evaluation::json(r));
        if (!note.empty())
            j["note"] = note;
        io.out << j.dump(2) << "\n";
    } else {
        io.out << detect::Evaluation::table(r, backbone == "squeezenet" ? "SqueezeNet" : "CaffeNet", note);
        if (a.has("csv"))
            io.out << "Per-image Dice: " << a.value("csv") << "\n";
    }
    return 0;
}

} // namespace ks::cli
