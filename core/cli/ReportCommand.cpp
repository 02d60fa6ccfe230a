#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"

#include "common/Error.h"

#include "annotation/ProjectFiles.h"
#include "interpret/HtmlReport.h"
#include "interpret/ReportBuilder.h"

#include <ostream>
#include <sstream>

namespace ks::cli {

/// report --model BUNDLE_DIR --study DIR_OR_COCO [--out report.html] [--patches N]
///        [--layers conv1,conv2] [--top N] [--threshold 0.4] [--max-images N] [--no-eval]
///        [--category NAME] [--quiet]
/// Writes the self-contained HTML interpretability report and prints its headline figures.
int reportCommand(const std::vector<std::string>& argv, Io io)
{
    const Args args(argv, {{"model", 1}, {"study", 1}, {"out", 1}, {"patches", 1}, {"layers", 1}, {"top", 1},
                           {"threshold", 1}, {"max-images", 1}, {"no-eval", 0}, {"category", 1}, {"quiet", 0}});
    if (!args.positional().empty())
        throw Error("Unexpected argument '" + args.positional().front() + "'",
                    "Usage: report --model BUNDLE_DIR --study DIR_OR_COCO [--out report.html] [--patches N]");
    interpret::ReportOptions o;
    o.bundleDir = args.required("model");
    o.study = args.required("study");
    o.category = args.value("category");
    o.patches = args.integer("patches", o.patches, 0, 1000);
    o.topFilters = args.integer("top", o.topFilters, 1, 1000);
    o.changeThreshold = args.number("threshold", o.changeThreshold, 0, 100);
    o.maxImages = args.integer("max-images", 0, 0, 1000000);
    o.evaluate = !args.has("no-eval");
    if (args.has("layers")) {
        std::stringstream ss(args.value("layers"));
        for (std::string l; std::getline(ss, l, ',');)
            if (!l.empty())
                o.layers.push_back(l);
    }
    const std::string out = args.value("out", "report.html");
    // Before the minutes of work: a report saved over project.sqlite would destroy the project.
    annotation::ProjectFiles::checkExportTarget(out, true);

    ConsoleProgress progress(io.err, args.has("quiet"));
    interpret::ReportSummary summary;
    const interpret::ReportData data = interpret::ReportBuilder::build(o, &summary, progress);
    interpret::HtmlReport::write(data, out);
    progress.finish();
    for (const auto& line : summary.lines)
        io.out << line << "\n";
    io.out << "Report written to " << out << "\n";
    return 0;
}

} // namespace ks::cli
