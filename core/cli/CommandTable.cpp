#include "Command.h"

#include "common/Error.h"

#include <ostream>

namespace ks::cli {

const std::vector<Command>& commandTable()
{
    static const std::vector<Command> table = {
        {"info", "info PATH [--json]", "what KidneyScope sees in a file or folder", infoCommand},
        {"bench-io", "bench-io [FOLDER]", "load+decode time per frame", benchIoCommand},
        {"phantom", "phantom --out DIR --count N --seed S [--preset NAME]",
         "generate synthetic kidney ultrasound with ground truth", phantomCommand},
        {"annotations", "annotations import|export|list|verify|review|agreement|bench --project DIR ...",
         "project annotations: COCO/CSV interchange", annotationsCommand},
        {"train", "train --train COCO.json --out MODEL_DIR ...", "train detector models", trainCommand},
        {"detect", "detect --model MODEL_DIR IMAGE [--json]", "detect the kidney in an image", detectCommand},
        {"evaluate", "evaluate --model MODEL_DIR --val COCO.json", "Table 1 on annotated images",
         evaluateCommand},
        {"experiment", "experiment --train TRAIN.json --val VAL.json --out DIR ...",
         "the paper's protocol end to end", experimentCommand},
        {"bench-detect", "bench-detect [--backbone caffenet|squeezenet] [--caffe PROTOTXT CAFFEMODEL]",
         "detection timing per stage",
         benchDetectCommand},
        {"bench-candidates", "bench-candidates --train TRAIN.json --val VAL.json [--preset P] [--candidates N] [--json]",
         "how well the candidates reach the truth (candidate oracle)", benchCandidatesCommand},
        {"bench-hybrid", "bench-hybrid --model MODEL_DIR --study COCO.json [--hybrid-top K] [--fast-full]",
         "hybrid Dice and time: per-patch path vs cascade", benchHybridCommand},
        {"report", "report --model MODEL_DIR --study DIR --out FILE.html", "interpretability report",
         reportCommand},
    };
    return table;
}

namespace {
void printHelp(std::ostream& out)
{
    out << "kidneyscope-cli: KidneyScope without a window\n\nUsage: kidneyscope-cli COMMAND [ARGS]\n\n";
    for (const auto& c : commandTable())
        out << "  " << c.synopsis << "\n      " << c.summary << "\n";
    out << "\nRun 'kidneyscope-cli COMMAND --help' for a command's options.\n";
}
} // namespace

int runCli(int argc, char** argv, std::ostream& out, std::ostream& err)
{
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h"
        || std::string(argv[1]) == "help") {
        printHelp(out);
        return argc < 2 ? 2 : 0;
    }
    const std::string name = argv[1];
    for (const auto& c : commandTable()) {
        if (name != c.name)
            continue;
        std::vector<std::string> args(argv + 2, argv + argc);
        if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
            out << "Usage: kidneyscope-cli " << c.synopsis << "\n" << c.summary << "\n";
            return 0;
        }
        try {
            const int rc = c.run(args, Io{out, err});
            out.flush();
            if (!out) { // e.g. stdout on a full disk: the results did not arrive
                err << "\nkidneyscope-cli " << name << ": the output could not be written\n";
                return rc == 0 ? 1 : rc;
            }
            return rc;
        } catch (const Cancelled&) {
            err << "\nCancelled.\n";
            return 130;
        } catch (const Error& e) {
            err << "\nkidneyscope-cli " << name << ": " << e.fullText() << "\n";
            return 1;
        } catch (const std::exception& e) {
            err << "\nkidneyscope-cli " << name << ": unexpected error: " << e.what() << "\n";
            return 1;
        } catch (...) {
            err << "\nkidneyscope-cli " << name << ": unexpected error of an unknown kind\n";
            return 1;
        }
    }
    err << "Unknown command '" << name << "'.\n\n";
    printHelp(err);
    return 2;
}

} // namespace ks::cli
