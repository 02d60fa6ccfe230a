#include "TrainData.h"

#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include "dicom/ImageLoader.h"

#include <map>

namespace ks::ui {

namespace {
std::map<long long, annotation::Annotation> truthPerImage(const annotation::ProjectStore& store,
                                                          const TrainDataFilter& filter)
{
    annotation::AnnotationFilter f;
    f.status = filter.status;
    f.author = filter.author;
    f.label = filter.label;
    std::map<long long, annotation::Annotation> truth;
    for (const auto& a : store.annotations(f)) {
        if (a.source == annotation::Source::FromModel)
            continue;
        auto it = truth.find(a.imageId);
        if (it == truth.end() || (a.status == annotation::Status::Approved && it->second.status != annotation::Status::Approved))
            truth[a.imageId] = a;
    }
    return truth;
}
} // namespace

int TrainData::count(const std::string& projectFolder, const TrainDataFilter& filter)
{
    annotation::ProjectStore store(projectFolder, false);
    return static_cast<int>(truthPerImage(store, filter).size());
}

std::vector<detect::AnnotatedFrame> TrainData::fromProject(const std::string& projectFolder,
                                                           const TrainDataFilter& filter, Progress& progress)
{
    annotation::ProjectStore store(projectFolder, false);
    const auto truth = truthPerImage(store, filter);
    if (truth.empty())
        throw Error("No image of the project has a ground-truth ROI that matches the filter.",
                    "Annotate some images, or relax the status/author filter.");
    std::vector<detect::AnnotatedFrame> frames;
    size_t i = 0;
    for (const auto& [imageId, roi] : truth) {
        const auto record = store.image(imageId);
        progress.step(double(i++) / truth.size(), "Reading " + (record ? record->path : std::string("image")));
        if (!record)
            continue;
        const Image image = dicom::ImageLoader::load(record->path);
        detect::AnnotatedFrame f;
        f.name = record->path + (image.frameCount() > 1 ? "#" + std::to_string(record->frame) : std::string());
        f.path = record->path;
        f.patientId = record->patientId;
        f.sha256 = record->sha256;
        f.gray = image.gray8(record->frame);
        f.calibration = image.calibration;
        if (record->isCalibrated() && !f.calibration.isCalibrated()) {
            f.calibration = Calibration::user(record->mmPerPixelX);
            f.calibration.mmPerPixelY = record->mmPerPixelY;
        }
        f.truth = roi.box;
        frames.push_back(std::move(f));
    }
    progress.step(1.0, "Images read");
    return frames;
}

} // namespace ks::ui
