#include "DetectOptions.h"

#include "common/Error.h"

#include <filesystem>

namespace ks::cli {

std::map<std::string, int> trainOptionArity()
{
    return {{"preset", 1},  {"methods", 1},    {"caffe", 2},  {"backbone", 1}, {"candidates", 1}, {"haar", 1},
            {"seed", 1},    {"negatives", 1},  {"rounds", 1}, {"epochs", 1},   {"lr", 1},         {"per-patch", 0},
            {"category", 1}, {"quiet", 0}, {"hybrid-top", 1}, {"patch-positives", 1}};
}

const char* trainOptionHelp()
{
    return "  --preset NAME|FILE     target sizes (kidney, fetal_head, data = from the training boxes; default data)\n"
           "  --methods LIST         haar,na,pa,fa,hybrid (default haar)\n"
           "  --caffe PROTOTXT CAFFEMODEL   ImageNet weights for the CNN (without: no ImageNet transfer)\n"
           "  --backbone NAME        caffenet | squeezenet (default caffenet)\n"
           "  --candidates N         candidate boxes per frame (default 2000)\n"
           "  --haar N               Haar features (default 2000)\n"
           "  --negatives R          negatives per positive (default 8)\n"
           "  --rounds N             boosting rounds (default 200, as the paper)\n"
           "  --epochs N --lr X      CNN fine-tuning (defaults 5, 0.001)\n"
           "  --per-patch            CNN features per warped patch as the paper (slow) instead of the fast path\n"
           "  --hybrid-top N         hybrid: only the Haar-GBM's top N candidates go through the CNN\n"
           "                         (per-patch features; default 32, 0 = all)\n"
           "  --patch-positives N    per image, fine-tuning and per-patch features use up to N positives\n"
           "                         and 3× as many negatives (default 16, 0 = all labels)\n"
           "  --seed S               seed of labels, boosting and CNN (default: fixed)\n"
           "  --category NAME        annotation category to use (default: each image's first)\n"
           "  --quiet                no progress bar\n";
}

detect::TrainConfig trainConfigFrom(const Args& a, const std::string& defaultMethods)
{
    detect::TrainConfig c;
    c.preset = detect::TargetPreset::load(a.value("preset", "data"));
    c.methods = detect::parseMethods(a.value("methods", defaultMethods));
    c.candidates.targetCount = a.integer("candidates", c.candidates.targetCount);
    if (c.candidates.targetCount < 10)
        throw Error("--candidates must be at least 10", "The paper's setting is about 2000");
    c.haarCount = a.integer("haar", c.haarCount);
    if (c.haarCount < 1 || c.haarCount > 20000)
        throw Error("--haar must be between 1 and 20000", "The paper uses 2000");
    c.labels.negativeRatio = a.number("negatives", c.labels.negativeRatio);
    if (!(c.labels.negativeRatio > 0))
        throw Error("--negatives must be positive");
    c.gbm.rounds = a.integer("rounds", c.gbm.rounds);
    if (c.gbm.rounds < 1)
        throw Error("--rounds must be at least 1");
    if (a.has("seed")) {
        const int s = a.integer("seed", 1);
        c.labels.seed = static_cast<unsigned>(s);
        c.gbm.seed = static_cast<unsigned>(s);
        c.cnn.seed = static_cast<unsigned>(s);
    }
    c.cnn.backbone = a.value("backbone", "caffenet");
    if (c.cnn.backbone != "caffenet" && c.cnn.backbone != "squeezenet")
        throw Error("Unknown backbone '" + c.cnn.backbone + "'", "Use caffenet or squeezenet");
    if (a.has("caffe")) {
        const auto v = a.values("caffe");
        c.cnn.prototxt = v.at(0);
        c.cnn.caffemodel = v.at(1);
        for (const auto& f : v)
            if (!std::filesystem::is_regular_file(f))
                throw Error("Weights file '" + f + "' does not exist", "Give the deploy prototxt and the .caffemodel",
                            Error::Kind::Io);
    }
    c.cnn.epochs = a.integer("epochs", c.cnn.epochs);
    c.cnn.learningRate = a.number("lr", c.cnn.learningRate);
    c.cnn.fastPath = !a.has("per-patch");
    c.hybrid.cnnTop = a.integer("hybrid-top", c.hybrid.cnnTop);
    if (c.hybrid.cnnTop < 0)
        throw Error("--hybrid-top must be 0 (all candidates) or more");
    c.cnn.patchPositives = a.integer("patch-positives", c.cnn.patchPositives);
    if (c.cnn.patchPositives < 0)
        throw Error("--patch-positives must be 0 (all labels) or more");
    return c;
}

} // namespace ks::cli
