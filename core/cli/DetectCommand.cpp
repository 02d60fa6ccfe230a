#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"
#include "DetectOptions.h"

#include "common/Error.h"
#include "common/Image.h"
#include "detect/ModelBundle.h"
#include "dicom/ImageLoader.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <ostream>

namespace ks::cli {

namespace {
std::string transferText(const detect::Detector& d, detect::Method m)
{
    for (const auto& s : detect::featureSetsOf(m))
        if (s != "haar" && !const_cast<detect::Detector&>(d).featureSet(s).cnn.transfer)
            return "no ImageNet transfer";
    return {};
}
} // namespace

int detectCommand(const std::vector<std::string>& argv, Io io)
{
    const Args a(argv, {{"model", 1}, {"method", 1}, {"json", 0}, {"frame", 1}, {"pixel-size", 1}, {"map", 1},
                        {"quiet", 0}, {"hybrid-top", 1}});
    if (a.positional().size() != 1)
        throw Error("Give exactly one image", "Usage: detect --model MODEL_DIR IMAGE [--method haar] [--json]");
    // Every option is checked before anything is read.
    std::optional<double> pixelSize;
    if (a.has("pixel-size"))
        pixelSize = a.number("pixel-size", 0, 1e-6, 1e3);
    const int frame = a.integer("frame", 0, 0, 1000000);
    std::optional<detect::HybridConfig> hybrid;
    if (a.has("hybrid-top")) {
        hybrid.emplace();
        hybrid->cnnTop = a.integer("hybrid-top", hybrid->cnnTop, 0, kMaxCandidates);
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto bundle = detect::ModelBundle::load(a.required("model"));
    const auto available = bundle.detector.methods();
    detect::Method method = available.empty() ? detect::Method::Haar : available.back(); // hybrid when trained
    if (a.has("method"))
        method = detect::parseMethod(a.value("method"));
    for (const auto& set : detect::featureSetsOf(method))
        bundle.detector.featureSet(set); // an untrained method fails before the image is read
    ConsoleProgress progress(io.err, a.has("quiet") || a.has("json"));
    const Image img = dicom::ImageLoader::load(a.positional().front(), NullProgress::instance(), pixelSize);
    const cv::Mat gray = img.gray8(frame);
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (hybrid)
        bundle.detector.setHybridConfig(*hybrid);
    std::vector<Box> boxes;
    std::vector<float> scores;
    const auto d = bundle.detector.detect(method, gray, img.calibration, progress, &boxes, &scores);
    progress.finish();
    if (a.has("map")) {
        cv::Mat map = detect::Detector::likelihoodMap(gray.size(), boxes, scores);
        cv::Mat map8;
        map.convertTo(map8, CV_8U, 255.0);
        cv::Mat colour;
        cv::applyColorMap(map8, colour, cv::COLORMAP_JET);
        if (!cv::imwrite(a.value("map"), colour))
            throw Error("Cannot write the likelihood map '" + a.value("map") + "'", "Use a .png path in a writable folder",
                        Error::Kind::Io);
    }
    const Calibration& c = img.calibration;
    const std::string note = transferText(bundle.detector, method);
    if (a.has("json")) {
        nlohmann::json j{{"image", a.positional().front()},
                         {"method", d.method},
                         {"box_px", {{"x", d.box.x}, {"y", d.box.y}, {"width", d.box.width}, {"height", d.box.height}}},
                         {"likelihood", d.likelihood},
                         {"low_confidence", d.lowConfidence},
                         {"candidates", d.candidateCount},
                         {"positive_candidates", d.positiveCount},
                         {"target_found", d.targetFound},
                         {"timing_s", {{"detect", d.seconds}, {"load", loadSeconds}}}};
        if (c.isCalibrated())
            j["box_mm"] = {{"x", d.box.x * c.mmPerPixelX}, {"y", d.box.y * c.mmPerPixelY},
                           {"width", d.box.width * c.mmPerPixelX}, {"height", d.box.height * c.mmPerPixelY}};
        else
            j["box_mm"] = nullptr;
        if (d.novelty >= 0)
            j["novelty"] = {{"value", d.novelty}, {"threshold", d.noveltyThreshold}};
        if (!note.empty())
            j["note"] = note;
        io.out << j.dump(2) << "\n";
    } else {
        char line[256];
        if (!d.targetFound) {
            std::snprintf(line, sizeof line,
                          "NO TARGET FOUND: the most likely box looks like none of the training targets (novelty %.2f, "
                          "threshold %.2f); it is shown for reference only\n",
                          d.novelty, d.noveltyThreshold);
            io.out << line;
        }
        std::snprintf(line, sizeof line, "Box: x %.1f, y %.1f, %.1f × %.1f px", d.box.x, d.box.y, d.box.width, d.box.height);
        io.out << line;
        if (c.isCalibrated()) {
            std::snprintf(line, sizeof line, " (%.1f × %.1f mm)", d.box.width * c.mmPerPixelX, d.box.height * c.mmPerPixelY);
            io.out << line;
        } else {
            io.out << " (uncalibrated: no mm)";
        }
        std::snprintf(line, sizeof line, "\nLikelihood: %.3f%s\nMethod: %s\nCandidates: %d (%d positive)\nTime: %.3f s (+ %.3f s loading)\n",
                      d.likelihood, d.lowConfidence ? " (LOW CONFIDENCE: no candidate classified positive)" : "",
                      d.method.c_str(), d.candidateCount, d.positiveCount, d.seconds, loadSeconds);
        io.out << line;
        if (!note.empty())
            io.out << "Note: " << note << "\n";
    }
    return 0;
}

} // namespace ks::cli
