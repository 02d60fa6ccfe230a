#include "DetectOptions.h"

#include "common/Error.h"

#include <cstdint>
#include <filesystem>

namespace ks::cli {

std::map<std::string, int> trainOptionArity()
{
    return {{"preset", 1},  {"methods", 1},    {"caffe", 2},  {"backbone", 1}, {"candidates", 1}, {"haar", 1},
            {"seed", 1},    {"negatives", 1},  {"rounds", 1}, {"epochs", 1},   {"lr", 1},         {"per-patch", 0},
            {"category", 1}, {"quiet", 0}, {"hybrid-top", 1}, {"row-top", 1}, {"patch-positives", 1},
            {"candidate-layout", 1}, {"scale-ratio", 1}, {"refine-top", 1},
            {"torchscript", 1}, {"trust-torchscript", 0}};
}

const char* trainOptionHelp()
{
    return "  --preset NAME|FILE     target sizes (kidney, fetal_head, data = from the training boxes; default data)\n"
           "  --methods LIST         haar,na,pa,fa,hybrid (default haar)\n"
           "  --caffe PROTOTXT CAFFEMODEL   ImageNet weights for the CNN (without: no ImageNet transfer)\n"
           "  --torchscript FILE --trust-torchscript   pretrained weights as TorchScript instead; such a file\n"
           "                         is a program that runs while it loads: only for files you trust\n"
           "  --backbone NAME        caffenet | squeezenet (default caffenet)\n"
           "  --candidates N         candidate boxes per frame (default 2000)\n"
           "  --candidate-layout L   1 = every size of the range on a square grid (before);\n"
           "                         2 = sizes near a training box's, staggered rows (default)\n"
           "  --scale-ratio R        ratio between neighbouring candidate widths/heights (default 1.15)\n"
           "  --refine-top N         coarse-to-fine: refine around the Haar-GBM's N most likely boxes\n"
           "                         (default 3; 0 = the sweep alone)\n"
           "  --haar N               Haar features (default 2000)\n"
           "  --negatives R          negatives per positive (default 8)\n"
           "  --rounds N             boosting rounds (default 200, as the paper)\n"
           "  --epochs N --lr X      CNN fine-tuning (defaults 3, 0.001)\n"
           "  --per-patch            CNN features per warped patch as the paper (slow) instead of the fast path\n"
           "  --hybrid-top N         hybrid: only the Haar-GBM's top N candidates go through the CNN\n"
           "                         (per-patch features; default 32, 0 = all)\n"
           "  --row-top N            NA/PA/FA rows: their fast path ranks the candidates and the top N\n"
           "                         are decided with the paper's per-patch features (default 32;\n"
           "                         0 = the fast path decides)\n"
           "  --patch-positives N    per image, fine-tuning and per-patch features use up to N positives\n"
           "                         and 3× as many negatives (default 8, 0 = all labels)\n"
           "  --seed S               seed of labels, boosting and CNN (default: fixed)\n"
           "  --category NAME        annotation category to use (default: each image's first)\n"
           "  --quiet                no progress bar\n";
}

detect::TrainConfig trainConfigFrom(const Args& a, const std::string& defaultMethods)
{
    detect::TrainConfig c;
    c.preset = detect::TargetPreset::load(a.value("preset", "data"));
    c.methods = detect::parseMethods(a.value("methods", defaultMethods));
    c.candidates.targetCount = a.integer("candidates", c.candidates.targetCount, 10, kMaxCandidates);
    c.candidates.layout = a.integer("candidate-layout", c.candidates.layout, 1, 2);
    c.candidates.scaleRatio = a.number("scale-ratio", c.candidates.scaleRatio, 1.01, 2.0);
    c.candidates.refineTop = a.integer("refine-top", c.candidates.refineTop, 0, 20);
    c.haarCount = a.integer("haar", c.haarCount, 1, 20000);
    c.labels.negativeRatio = a.number("negatives", c.labels.negativeRatio, 0.01, 1000);
    c.gbm.rounds = a.integer("rounds", c.gbm.rounds, 1, 100000);
    if (a.has("seed")) {
        const auto s = static_cast<unsigned>(a.unsignedInteger("seed", 1, UINT32_MAX));
        c.labels.seed = s;
        c.gbm.seed = s;
        c.cnn.seed = s;
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
    if (a.has("torchscript")) {
        if (a.has("caffe"))
            throw Error("Give either --caffe or --torchscript, not both");
        c.cnn.torchscript = a.value("torchscript");
        if (!std::filesystem::is_regular_file(c.cnn.torchscript))
            throw Error("Weights file '" + c.cnn.torchscript + "' does not exist", "Give the TorchScript file",
                        Error::Kind::Io);
        if (!a.has("trust-torchscript"))
            throw Error("'" + c.cnn.torchscript + "' is TorchScript, a program that runs while it loads; "
                            "KidneyScope imports one only when you say you trust it",
                        "If you trust where the file came from, add --trust-torchscript; otherwise use --caffe "
                        "PROTOTXT CAFFEMODEL (data only)");
        c.cnn.trustTorchScript = true;
    } else if (a.has("trust-torchscript")) {
        throw Error("--trust-torchscript goes with --torchscript FILE");
    }
    c.cnn.epochs = a.integer("epochs", c.cnn.epochs, 1, 10000);
    c.cnn.learningRate = a.number("lr", c.cnn.learningRate, 1e-9, 10);
    c.cnn.fastPath = !a.has("per-patch");
    c.hybrid.cnnTop = a.integer("hybrid-top", c.hybrid.cnnTop, 0, kMaxCandidates);
    c.hybrid.rowTop = a.integer("row-top", c.hybrid.rowTop, 0, kMaxCandidates);
    c.cnn.patchPositives = a.integer("patch-positives", c.cnn.patchPositives, 0, 100000);
    return c;
}

} // namespace ks::cli
