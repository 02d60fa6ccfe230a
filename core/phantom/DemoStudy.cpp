#include "DemoStudy.h"

#include "StudyWriter.h"

#include "annotation/CocoDataset.h"
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

} // namespace ks::phantom
