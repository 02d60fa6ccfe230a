#include "StudyWriter.h"

#include "DemoStudy.h"

#include "PhantomGenerator.h"

#include "annotation/CocoDataset.h"
#include "common/Error.h"
#include "dicom/DicomWriter.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace ks::phantom {

namespace fs = std::filesystem;

namespace {
struct Written
{
    GroundTruth truth;   // mask released after writing
    int width = 0;
    int height = 0;
    double mmPerPixel = 0;
    double depthMm = 0;
    std::string preset;
    int shadows = 0;
    int sinusLikeBlobs = 0;
    bool gallbladder = false;
    cv::Mat frame;
};

std::string maskName(int index)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "gt/phantom_%04d_mask.png", index + 1);
    return buf;
}
} // namespace

std::string StudyWriter::fileName(int index)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "phantom_%04d.dcm", index + 1);
    return buf;
}

StudySummary StudyWriter::write(const std::string& folder, int count, std::uint64_t seed, const PhantomParams& params,
                                int threads, Progress& progress, bool keepFrames)
{
    if (count < 1)
        throw Error("Cannot make " + std::to_string(count) + " phantom images", "Ask for at least one image");
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    const fs::path root = fs::absolute(folder, ec).lexically_normal();
    fs::create_directories(root / "gt", ec);
    if (ec || !fs::is_directory(root / "gt"))
        throw Error("Cannot create the phantom folder " + (root / "gt").string() + ": " + ec.message(),
                    "Choose a folder you can write to", Error::Kind::Io);

    if (threads <= 0)
        threads = int(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::min(threads, count);

    const PhantomGenerator generator(seed, params);
    std::vector<Written> results(static_cast<size_t>(count));
    std::atomic<int> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;

    auto work = [&] {
        for (;;) {
            const int i = next.fetch_add(1);
            if (i >= count || stop)
                return;
            try {
                PhantomImage p = generator.generate(i);
                dicom::DicomWriter::write((root / fileName(i)).string(), p.image);
                const std::string mask = (root / maskName(i)).string();
                if (!cv::imwrite(mask, p.truth.mask))
                    throw Error("Cannot write " + mask, "Check that the folder is writable and the disk not full",
                                Error::Kind::Io);
                Written& w = results[size_t(i)];
                w.truth = p.truth;
                w.truth.mask = cv::Mat();
                w.width = p.image.width();
                w.height = p.image.height();
                w.mmPerPixel = p.drawn.geometry.mmPerPixel;
                w.depthMm = p.drawn.geometry.depthMm;
                w.shadows = int(p.drawn.ribs.size() + p.drawn.gasPockets.size());
                w.sinusLikeBlobs = int(p.drawn.sinusLikeBlobs.size());
                w.gallbladder = !p.drawn.gallbladder.empty();
                if (keepFrames)
                    w.frame = p.image.frames.front();
                ++done;
            } catch (...) {
                std::lock_guard<std::mutex> lock(failureMutex);
                if (!failure)
                    failure = std::current_exception();
                stop = true;
                return;
            }
        }
    };

    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(work);
    bool cancelled = false;
    while (done < count && !stop) {
        const int d = done;
        if (!progress.report(double(d) / count, "Phantom image " + std::to_string(std::min(d + 1, count)) + "/"
                                                    + std::to_string(count))) {
            cancelled = true;
            stop = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (cancelled)
        throw Cancelled();
    progress.step(1.0, "Writing ground truth");

    StudySummary summary;
    summary.folder = root.string();
    summary.annotationsPath = (root / "annotations.json").string();
    summary.threads = threads;
    annotation::CocoDataset coco;
    coco.categories = {"kidney"};
    nlohmann::json truth = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
        const Written& w = results[size_t(i)];
        const std::string path = (root / fileName(i)).string();
        summary.files.push_back(path);
        if (keepFrames)
            summary.frames.push_back(w.frame);
        summary.cutKidneys += w.truth.cutByFieldOfView ? 1 : 0;
        summary.boxes.push_back(w.truth.box);

        annotation::CocoImage im;
        im.id = i + 1;
        im.fileName = fileName(i);
        im.path = path;
        im.width = w.width;
        im.height = w.height;
        im.pixelSpacingMm = w.mmPerPixel;
        im.patientId = PhantomGenerator::patientId(i);
        coco.images.push_back(im);
        annotation::CocoAnnotation a;
        a.id = i + 1;
        a.imageId = i + 1;
        a.category = "kidney";
        a.box = w.truth.box;
        a.rotated = w.truth.rotated;
        a.author = DemoStudy::groundTruthAuthor();
        coco.annotations.push_back(a);

        const RotatedBox& r = w.truth.rotated;
        truth.push_back({{"image_id", i + 1},
                         {"file_name", fileName(i)},
                         {"mask", maskName(i)},
                         {"bbox", {w.truth.box.x, w.truth.box.y, w.truth.box.width, w.truth.box.height}},
                         {"rotated_box", {{"cx", r.centerX}, {"cy", r.centerY}, {"length", r.length},
                                          {"width", r.width}, {"angle_deg", r.angleDeg}}},
                         {"length_mm", w.truth.lengthMm},
                         {"width_mm", w.truth.widthMm},
                         {"angle_deg", w.truth.angleDeg},
                         {"cut_by_field_of_view", w.truth.cutByFieldOfView},
                         {"depth_mm", w.depthMm},
                         {"pixel_spacing_mm", w.mmPerPixel},
                         {"acoustic_shadows", w.shadows},
                         {"sinus_like_blobs", w.sinusLikeBlobs},
                         {"gallbladder", w.gallbladder}});
    }
    coco.save(summary.annotationsPath);
    nlohmann::json doc = {{"generator", "KidneyScope phantom"}, {"seed", seed}, {"preset", params.preset},
                          {"count", count}, {"images", truth}};
    const fs::path truthPath = root / "gt" / "truth.json";
    {
        std::ofstream out(truthPath);
        out << doc.dump(1) << "\n";
        if (!out)
            throw Error("Cannot write " + truthPath.string(), "Check that the disk is not full", Error::Kind::Io);
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace ks::phantom
