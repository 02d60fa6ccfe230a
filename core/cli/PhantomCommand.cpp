#include "Args.h"
#include "Command.h"
#include "ConsoleProgress.h"

#include "common/Error.h"
#include "phantom/ContactSheet.h"
#include "phantom/StudyWriter.h"

#include <opencv2/imgcodecs.hpp>

#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <ostream>

namespace ks::cli {

/// `phantom --out DIR --count N --seed S [--preset easy|standard|hard] [--threads N]
///  [--contact-sheet FILE.png] [--sheet-boxes] [--no-text] [--quiet]`
int phantomCommand(const std::vector<std::string>& argv, Io io)
{
    const Args args(argv, {{"out", 1}, {"count", 1}, {"seed", 1}, {"preset", 1}, {"threads", 1},
                           {"contact-sheet", 1}, {"sheet-boxes", 0}, {"no-text", 0}, {"quiet", 0}});
    if (!args.positional().empty())
        throw Error("Unexpected argument '" + args.positional().front() + "'",
                    "Usage: phantom --out DIR --count N --seed S [--preset easy|standard|hard] [--threads N] "
                    "[--contact-sheet FILE.png]");
    const std::string out = args.required("out");
    const int count = args.integer("count", 12, 1, 100000);
    const std::uint64_t seed = args.unsignedInteger("seed", 1);
    phantom::PhantomParams params = phantom::PhantomParams::fromPreset(args.value("preset", "standard"));
    params.burnedInText = !args.has("no-text");
    const int threads = args.integer("threads", 0, 0, 1024);
    const std::string sheet = args.value("contact-sheet");

    ConsoleProgress progress(io.err, args.has("quiet"));
    const std::clock_t cpuStart = std::clock();
    const phantom::StudySummary s = phantom::StudyWriter::write(out, count, seed, params, threads, progress, !sheet.empty());
    progress.finish();
    const double cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;

    char line[256];
    std::snprintf(line, sizeof line,
                  "Generated %d phantom images (%s, seed %llu) in %.2f s wall: %.3f s per image, %d threads "
                  "(CPU %.2f s, %.3f s per image)\n",
                  count, params.preset.c_str(), static_cast<unsigned long long>(seed), s.seconds, s.seconds / count,
                  s.threads, cpu, cpu / count);
    io.out << line;
    io.out << "Folder: " << s.folder << "\nGround truth: " << s.annotationsPath << " (" << s.cutKidneys
           << " kidneys cut by the sector edge)\n";
    if (!sheet.empty()) {
        const std::vector<Box> boxes = args.has("sheet-boxes") ? s.boxes : std::vector<Box>{};
        const cv::Mat img = phantom::ContactSheet::compose(s.frames, 4, 400, boxes);
        if (!cv::imwrite(sheet, img))
            throw Error("Cannot write the contact sheet " + sheet, "Give a writable path ending in .png", Error::Kind::Io);
        io.out << "Contact sheet: " << sheet << "\n";
    }
    return 0;
}

} // namespace ks::cli
