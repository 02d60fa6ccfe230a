#include "DemoStudy.h"

#include "StudyWriter.h"

#include "annotation/CocoDataset.h"
#include "annotation/ProjectExchange.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include <filesystem>

namespace ks::phantom {

namespace fs = std::filesystem;

namespace {
constexpr int kDemoImages = 6;
constexpr std::uint64_t kDemoSeed = 2016;

bool complete(const fs::path& root)
{
    std::error_code ec;
    const fs::path json = root / "annotations.json";
    if (!fs::is_regular_file(json, ec))
        return false;
    try {
        const annotation::CocoDataset coco = annotation::CocoDataset::load(json.string());
        if (int(coco.images.size()) < kDemoImages)
            return false;
        for (const auto& im : coco.images)
            if (!fs::is_regular_file(im.path, ec))
                return false;
        return true;
    } catch (const Error&) {
        return false;
    }
}
} // namespace

std::string DemoStudy::ensure(const std::string& folder, Progress& progress)
{
    std::error_code ec;
    const fs::path root = fs::absolute(folder, ec).lexically_normal();
    if (ec)
        throw Error("Cannot use the demo folder " + folder + ": " + ec.message(), "Choose another folder", Error::Kind::Io);
    if (complete(root))
        return root.string();
    StudyWriter::write(root.string(), kDemoImages, kDemoSeed, PhantomParams::fromPreset("standard"), 0, progress);
    return root.string();
}

std::string DemoStudy::groundTruthAuthor()
{
    return "phantom ground truth";
}

std::string DemoStudy::ensureProject(const std::string& folder, Progress& progress)
{
    SubProgress study(progress, 0.0, 0.8);
    const fs::path root = ensure(folder, study);
    const fs::path project = root / "project";
    std::error_code ec;
    if (fs::exists(project / "project.sqlite", ec))
        return project.string();
    // Build the project beside its final place and rename it in, so that a crash or a cancel
    // never leaves a half-imported demo project behind.
    const fs::path scratch = root / "project.partial";
    fs::remove_all(scratch, ec);
    {
        annotation::ProjectStore store(scratch.string(), true);
        SubProgress import(progress, 0.8, 1.0);
        annotation::ProjectExchange::importCoco(store, (root / "annotations.json").string(), {}, import);
    }
    fs::rename(scratch, project, ec);
    if (ec)
        throw Error("Cannot create the demo project in " + project.string() + ": " + ec.message(),
                    "Check that the folder is writable", Error::Kind::Io);
    return project.string();
}

} // namespace ks::phantom
