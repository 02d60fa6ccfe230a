#include "Dataset.h"

#include "Labeler.h"
#include "common/Sha256.h"

#include "annotation/CocoDataset.h"
#include "common/Error.h"
#include "common/Image.h"
#include "dicom/ImageLoader.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace ks::detect {

std::vector<AnnotatedFrame> Dataset::loadCoco(const std::string& jsonPath, bool requireTruth,
                                              const std::string& category, Progress& progress)
{
    const auto coco = annotation::CocoDataset::load(jsonPath);
    if (coco.images.empty())
        throw Error("'" + jsonPath + "' lists no images", "Give a COCO file with annotated images");
    std::vector<AnnotatedFrame> out;
    const size_t n = coco.images.size();
    for (size_t i = 0; i < n; ++i) {
        const auto& ci = coco.images[i];
        progress.step(static_cast<double>(i) / n, "Loading " + ci.fileName);
        AnnotatedFrame f;
        f.name = ci.fileName + (ci.frame > 0 ? "#" + std::to_string(ci.frame) : "");
        f.path = ci.path;
        f.patientId = ci.patientId;
        for (const auto& a : coco.annotationsOf(ci.id))
            if (category.empty() || a.category == category) {
                f.truth = a.box;
                break;
            }
        if (requireTruth && !f.truth)
            throw Error("Image '" + ci.fileName + "' in '" + jsonPath + "' has no annotation"
                            + (category.empty() ? "" : " of category '" + category + "'"),
                        "Annotate it or remove it from the COCO file");
        const Image img = dicom::ImageLoader::load(ci.path, NullProgress::instance(), ci.pixelSpacingMm);
        f.gray = img.gray8(ci.frame);
        if (f.truth) // refused here, naming the COCO file, before any training or evaluation sizes from it
            try {
                Labeler::checkTruth(*f.truth, f.gray.cols, f.gray.rows, f.name);
            } catch (const Error& e) {
                throw Error(e.message() + " in '" + jsonPath + "'", e.hint());
            }
        f.calibration = img.calibration;
        if (!f.calibration.isCalibrated() && ci.pixelSpacingMm && *ci.pixelSpacingMm > 0) {
            const auto fov = f.calibration.fieldOfView;
            f.calibration = Calibration::user(*ci.pixelSpacingMm);
            f.calibration.fieldOfView = fov;
        }
        f.sha256 = Sha256::ofFile(ci.path);
        out.push_back(std::move(f));
    }
    progress.step(1.0, "Loaded " + std::to_string(n) + " images");
    return out;
}

std::pair<std::vector<AnnotatedFrame>, std::vector<AnnotatedFrame>>
Dataset::splitByPatient(const std::vector<AnnotatedFrame>& frames, double trainFraction, unsigned seed)
{
    if (!(trainFraction > 0 && trainFraction < 1))
        throw Error("The split fraction must lie between 0 and 1", "E.g. --split 0.5 trains on half the patients");
    std::vector<std::string> patients;
    std::set<std::string> seen;
    auto key = [](const AnnotatedFrame& f) { return f.patientId.empty() ? "image:" + f.name : "patient:" + f.patientId; };
    for (const auto& f : frames)
        if (seen.insert(key(f)).second)
            patients.push_back(key(f));
    std::mt19937 rng(seed);
    std::shuffle(patients.begin(), patients.end(), rng);
    const size_t nTrain = static_cast<size_t>(std::lround(trainFraction * patients.size()));
    if (nTrain == 0 || nTrain >= patients.size())
        throw Error("Splitting " + std::to_string(patients.size()) + " patients at " + std::to_string(trainFraction)
                        + " leaves one side empty",
                    "Use more images or a fraction nearer 0.5");
    const std::set<std::string> train(patients.begin(), patients.begin() + nTrain);
    std::pair<std::vector<AnnotatedFrame>, std::vector<AnnotatedFrame>> out;
    for (const auto& f : frames)
        (train.count(key(f)) ? out.first : out.second).push_back(f);
    return out;
}

} // namespace ks::detect
