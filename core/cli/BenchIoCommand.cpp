#include "Command.h"

#include "Args.h"

#include "common/Error.h"
#include "common/ImageLimits.h"
#include "dicom/ImageLoader.h"
#include "dicom/StudyScanner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>

namespace ks::cli {

int benchIoCommand(const std::vector<std::string>& argv, Io io)
{
    const Args args(argv, {{"repeats", 1}, {"max-decoded-mb", 1}});
    if (args.positional().size() != 1)
        throw Error("bench-io needs the FOLDER (or file) to time",
                    "Usage: kidneyscope-cli bench-io FOLDER [--repeats N] [--max-decoded-mb N], e.g. bench-io "
                    "../shared/dicom/us");
    if (args.has("max-decoded-mb"))
        ImageLimits::setCurrent(
            ImageLimits::current().withMaxDecodedMb(args.number("max-decoded-mb", 1024)));
    const int repeats = args.integer("repeats", 5);
    if (repeats < 1 || repeats > 1000)
        throw Error("--repeats must be between 1 and 1000", "e.g. --repeats 5");
    const dicom::StudyTree tree = dicom::StudyScanner::scan(args.positional().front());

    std::vector<dicom::InstanceInfo> files;
    for (const auto& p : tree.patients)
        for (const auto& s : p.studies)
            for (const auto& se : s.series)
                for (const auto& in : se.instances)
                    if (in.hasImage)
                        files.push_back(in);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    if (files.empty())
        throw Error("No images found in " + args.positional().front(), "Give a folder with DICOM or PNG/JPEG/TIFF images");

    char line[512];
    std::snprintf(line, sizeof line, "%-34s %6s %10s %-14s %-52s %11s %11s %9s\n", "file", "frames", "size",
                  "photometric", "transfer syntax", "ms/file", "ms/frame", "MPix/s");
    io.out << "load+decode time, median of " << repeats << " run(s), one thread\n" << line;
    for (const auto& in : files) {
        std::vector<double> ms;
        std::string error;
        Image image;
        for (int r = 0; r < repeats && error.empty(); ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            try {
                image = dicom::ImageLoader::load(in.path);
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& e) {
                error = e.message();
            }
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        const std::string name = std::filesystem::path(in.path).filename().string();
        if (!error.empty()) {
            std::snprintf(line, sizeof line, "%-34s %6d %10s %-14s %-52s  not decodable: %s\n", name.c_str(), in.frames,
                          (std::to_string(in.columns) + "x" + std::to_string(in.rows)).c_str(), in.photometric.c_str(),
                          in.transferSyntaxName.c_str(), error.c_str());
            io.out << line;
            continue;
        }
        std::sort(ms.begin(), ms.end());
        const double median = ms[ms.size() / 2];
        const double perFrame = median / std::max(1, image.frameCount());
        const double mpix = double(image.width()) * image.height() * image.frameCount() / (median * 1000.0);
        std::snprintf(line, sizeof line, "%-34s %6d %10s %-14s %-52s %11.2f %11.2f %9.1f\n", name.c_str(),
                      image.frameCount(), (std::to_string(image.width()) + "x" + std::to_string(image.height())).c_str(),
                      in.photometric.c_str(), in.transferSyntaxName.c_str(), median, perFrame, mpix);
        io.out << line;
    }
    if (tree.skippedFiles > 0 || !tree.problems.empty())
        io.out << tree.skippedFiles << " non-DICOM file(s) skipped, " << tree.problems.size() << " unreadable\n";
    return 0;
}

} // namespace ks::cli
