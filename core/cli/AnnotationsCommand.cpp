#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"

#include "annotation/ProjectExchange.h"
#include "annotation/ProjectFiles.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>

#include <unistd.h>

namespace ks::cli {

namespace {

using namespace ks::annotation;
namespace fs = std::filesystem;

const char* const kUsage =
    "Usage:\n"
    "  kidneyscope-cli annotations import --project DIR [--study IMAGES_DIR] [--author NAME] [--no-headers] FILE.json\n"
    "  kidneyscope-cli annotations export --project DIR --format coco|csv --out FILE [--overwrite]\n"
    "                                     [--include-patient-data] [--include-identifiers]\n"
    "                                     [--status S] [--author NAME] [--label L]\n"
    "  kidneyscope-cli annotations list --project DIR [--status S] [--author NAME] [--label L]\n"
    "  kidneyscope-cli annotations verify --project DIR      (database damage; images moved or changed)\n"
    "  kidneyscope-cli annotations review --project DIR --id N submit|approve|reject [--comment TEXT] [--author NAME]\n"
    "  kidneyscope-cli annotations agreement --project DIR --authors A B   (inter-reader Dice per image;\n"
    "                                     model-made ROIs never count)\n"
    "  kidneyscope-cli annotations bench [--dir DIR] [--edits N]   (edit latency of a scratch project in DIR)\n"
    "The project (a folder with project.sqlite) is created by import when absent. Images in the JSON are\n"
    "resolved relative to the JSON's folder unless --study is given, and must lie inside that folder.\n"
    "Every open checks the database (row checksums, audit hash chain) and keeps daily backups in\n"
    "PROJECT/backups; verify checks everything. Exports leave out patient name, ID\n"
    "and birth date, and SOP Instance UIDs and absolute paths unless --include-identifiers is given; they\n"
    "are never written into a project folder, and an existing file is replaced only with --overwrite.\n";

std::string fmt(double v, const char* f = "%.1f")
{
    char buf[32];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

AnnotationFilter filterFrom(const Args& a)
{
    AnnotationFilter f;
    if (a.has("status"))
        f.status = statusFromName(a.value("status"));
    f.author = a.value("author");
    f.label = a.value("label");
    return f;
}

ProjectStore openExisting(const Args& a)
{
    return ProjectStore(a.required("project"), false);
}

int runImport(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"project", 1}, {"study", 1}, {"author", 1}, {"no-headers", 0}, {"quiet", 0}});
    if (a.positional().size() != 1)
        throw Error("annotations import needs exactly one COCO JSON file", "kidneyscope-cli annotations import "
                    "--project DIR [--study IMAGES_DIR] FILE.json");
    const std::string project = a.required("project");
    const bool created = !ProjectStore::exists(project);
    ProjectStore store(project, true);
    if (a.has("author"))
        store.setAuthor(a.value("author"));
    ImportOptions o;
    o.imageRoot = a.value("study");
    o.readImageHeaders = !a.has("no-headers");
    ConsoleProgress progress(io.err, a.has("quiet"));
    const ImportReport r = ProjectExchange::importCoco(store, a.positional().front(), o, progress);
    progress.finish();
    for (const std::string& w : r.warnings)
        io.err << "warning: " << w << "\n";
    io.out << (created ? "Created project " : "Project ") << store.folder() << "\n"
           << "Imported " << r.added << " annotation(s) on " << r.images << " image(s)";
    if (r.duplicates > 0)
        io.out << "; skipped " << r.duplicates << " already in the project";
    io.out << "\n";
    return 0;
}

int runExport(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"project", 1}, {"format", 1}, {"out", 1}, {"include-patient-data", 0},
                         {"include-identifiers", 0}, {"overwrite", 0}, {"force", 0},
                         {"status", 1}, {"author", 1}, {"label", 1}});
    const std::string format = a.required("format");
    if (format != "coco" && format != "csv")
        throw Error("Unknown export format '" + format + "'", "Use --format coco or --format csv");
    const std::string out = a.required("out");
    ExportOptions o;
    o.includePatientData = a.has("include-patient-data");
    o.includeIdentifiers = a.has("include-identifiers");
    o.overwrite = a.has("overwrite") || a.has("force");
    o.filter = filterFrom(a);
    if (fs::exists(fs::symlink_status(out)) && !o.overwrite && !ProjectFiles::isDatabaseFile(out))
        throw Error("The export target '" + fs::absolute(out).string() + "' already exists",
                    "Pass --overwrite to replace it, or choose another --out; nothing was written");
    ProjectFiles::checkExportTarget(out, o.overwrite);   // before the project is even opened
    const ProjectStore store = openExisting(a);
    const int n = format == "coco" ? ProjectExchange::exportCoco(store, out, o)
                                   : ProjectExchange::exportCsv(store, out, o);
    io.out << "Wrote " << n << " annotation(s) to " << fs::absolute(out).string()
           << (o.includePatientData ? " (with patient data)" : " (without patient data)") << "\n";
    if (!o.includeIdentifiers)
        io.out << "Image file names are relative to " << ProjectExchange::exportImageFolder(store, out)
               << " (give it as --study when importing the file again)\n";
    return 0;
}

int runList(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"project", 1}, {"status", 1}, {"author", 1}, {"label", 1}});
    const ProjectStore store = openExisting(a);
    std::map<long long, ImageRecord> images;
    for (const ImageRecord& im : store.images())
        images[im.id] = im;
    const auto rois = store.annotations(filterFrom(a));
    char line[512];
    std::snprintf(line, sizeof line, "%6s  %-24s %5s  %-14s %-28s %-15s %-12s %-10s\n", "id", "image", "frame", "label",
                  "box x,y,w,h (px)", "length x width", "author", "status");
    io.out << line;
    for (const Annotation& r : rois) {
        const ImageRecord& im = images.at(r.imageId);
        std::string file = fs::path(im.path).filename().string();
        if (file.size() > 24)
            file = file.substr(0, 21) + "...";
        const std::string box = fmt(r.box.x) + "," + fmt(r.box.y) + "," + fmt(r.box.width) + "," + fmt(r.box.height);
        const std::string size = r.lengthMm && r.widthMm
            ? fmt(*r.lengthMm) + " x " + fmt(*r.widthMm) + " mm"
            : (r.rotated ? fmt(r.rotated->length) + " x " + fmt(r.rotated->width) : fmt(r.box.width) + " x " +
                                                                                         fmt(r.box.height)) + " px";
        std::snprintf(line, sizeof line, "%6lld  %-24s %5d  %-14s %-28s %-15s %-12s %-10s\n", r.id, file.c_str(),
                      im.frame, r.label.c_str(), box.c_str(), size.c_str(), r.author.c_str(),
                      statusName(r.status).c_str());
        io.out << line;
    }
    io.out << rois.size() << " annotation(s) on " << images.size() << " image(s) in " << store.folder() << "\n";
    return 0;
}

int runVerify(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"project", 1}, {"quiet", 0}});
    const ProjectStore store = openExisting(a);
    // The database first: a damaged one throws Corrupt (exit 1 with the restore advice).
    store.verifyIntegrity();
    io.out << "Project database intact: every row matches its checksum and the audit log's hash chain\n";
    ConsoleProgress progress(io.err, a.has("quiet"));
    const auto checks = store.verifyImages(progress);
    progress.finish();
    int bad = 0;
    for (const ImageCheck& c : checks) {
        if (c.state == ImageCheck::State::Ok)
            continue;
        ++bad;
        io.out << "image " << c.imageId << " " << c.path << ": " << c.detail << "\n";
    }
    io.out << checks.size() - bad << " of " << checks.size() << " image(s) unchanged";
    if (bad)
        io.out << "; " << bad << " moved, changed or unreadable: their annotations must not be trusted until "
               << "the original file is back";
    io.out << "\n";
    return bad ? 1 : 0;
}

int runReview(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"project", 1}, {"id", 1}, {"comment", 1}, {"author", 1}});
    if (a.positional().size() != 1)
        throw Error("annotations review needs one action: submit, approve or reject");
    ProjectStore store = openExisting(a);
    if (a.has("author"))
        store.setAuthor(a.value("author"));
    const long long id = a.integer("id", 0);
    const std::string action = a.positional().front();
    Annotation r;
    if (action == "submit")
        r = store.submit(id);
    else if (action == "approve")
        r = store.approve(id, a.value("comment"));
    else if (action == "reject")
        r = store.reject(id, a.value("comment"));
    else
        throw Error("Unknown review action '" + action + "'", "Use submit, approve or reject");
    io.out << "Annotation " << r.id << " is " << statusName(r.status) << "\n";
    return 0;
}

int runAgreement(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"project", 1}, {"authors", 2}});
    const auto authors = a.values("authors");
    if (authors.size() != 2)
        throw Error("annotations agreement needs --authors A B");
    for (const std::string& who : authors)
        if (isModelAuthor(who))
            throw Error("'" + who + "' is a model, not a reader",
                        "Agreement compares people; compare a model with readers through detection evaluation");
    const ProjectStore store = openExisting(a);
    double sum = 0;
    int n = 0;
    for (const ImageRecord& im : store.images()) {
        const auto d = store.interAnnotatorDice(im.id, authors[0], authors[1]);
        if (!d)
            continue;
        io.out << fs::path(im.path).filename().string() << " frame " << im.frame << ": Dice " << fmt(*d, "%.3f") << "\n";
        sum += *d;
        ++n;
    }
    if (n == 0)
        io.out << "No image has boxes from both " << authors[0] << " and " << authors[1]
               << " (model-made ROIs do not count)\n";
    else
        io.out << "Mean inter-annotator Dice over " << n << " image(s): " << fmt(sum / n, "%.3f") << "\n";
    return 0;
}

int runBench(const std::vector<std::string>& words, Io io)
{
    const Args a(words, {{"dir", 1}, {"edits", 1}});
    const int edits = a.integer("edits", 200);
    if (edits < 1 || edits > 100000)
        throw Error("--edits must be between 1 and 100000");
    const fs::path root = a.value("dir", fs::temp_directory_path().string());
    const fs::path dir = root / ("ks-annotation-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    struct Cleanup
    {
        fs::path dir;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{dir};
    {
        std::ofstream(dir / "image.bin") << "bench image";
    }
    ProjectStore store((dir / "project").string());
    ImageRecord im;
    im.path = (dir / "image.bin").string();
    im.mmPerPixelX = im.mmPerPixelY = 0.2;
    const long long imageId = store.addImage(im);

    using Clock = std::chrono::steady_clock;
    auto report = [&](const char* what, std::vector<double> ms) {
        std::sort(ms.begin(), ms.end());
        io.out << what << ": median " << fmt(ms[ms.size() / 2], "%.2f") << " ms, 95th percentile "
               << fmt(ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], "%.2f") << " ms over " << ms.size() << "\n";
    };
    std::vector<double> addMs, updateMs, removeMs;
    std::vector<Annotation> added;
    for (int i = 0; i < edits; ++i) {
        Annotation r;
        r.imageId = imageId;
        r.box = Box{double(i % 500), 10, 400, 250};
        const auto t0 = Clock::now();
        added.push_back(store.add(r));
        addMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    for (Annotation& r : added) {
        r.box.y += 1;
        const auto t0 = Clock::now();
        store.update(r);
        updateMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    const auto q0 = Clock::now();
    const size_t listed = store.annotations().size();
    const double listMs = std::chrono::duration<double, std::milli>(Clock::now() - q0).count();
    for (const Annotation& r : added) {
        const auto t0 = Clock::now();
        store.remove(r.id);
        removeMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    io.out << "Project store on " << root.string() << " (WAL, synchronous=FULL: one fsync per edit)\n";
    report("add   ", addMs);
    report("update", updateMs);
    report("delete", removeMs);
    io.out << "query all " << listed << " annotations: " << fmt(listMs, "%.2f") << " ms\n";
    return 0;
}

} // namespace

int annotationsCommand(const std::vector<std::string>& args, Io io)
{
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        (args.empty() ? io.err : io.out) << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "import")
        return runImport(rest, io);
    if (sub == "export")
        return runExport(rest, io);
    if (sub == "list")
        return runList(rest, io);
    if (sub == "verify")
        return runVerify(rest, io);
    if (sub == "review")
        return runReview(rest, io);
    if (sub == "agreement")
        return runAgreement(rest, io);
    if (sub == "bench")
        return runBench(rest, io);
    io.err << "Unknown annotations action '" << sub << "'.\n" << kUsage;
    return 2;
}

} // namespace ks::cli
