// libFuzzer harness: the input as manifest.json of a real model bundle (its classifier and
// feature files beside it), loaded with ModelBundle::load and, when it loads, run on a small
// frame; manifest.sha256 is rewritten to match each input. The bundle comes from $KS_FUZZ_BUNDLE (a folder written by `kidneyscope-cli train`)
// or is trained here once on synthetic frames (Haar only). With $KS_FUZZ_SEED_DIR set, the
// bundle's own manifest is written there as the seed.
#include "FuzzSupport.h"

#include "common/Calibration.h"
#include "common/Error.h"
#include "detect/DetectorTrainer.h"
#include "detect/ModelBundle.h"
#include "common/Sha256.h"

#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {
std::string g_bundle;
cv::Mat g_frame;

cv::Mat syntheticFrame(int i, ks::Box* truth)
{
    cv::Mat img(96, 96, CV_8UC1);
    cv::randu(img, 0, 60);
    const int x = 12 + (i * 7) % 30, y = 14 + (i * 11) % 28, w = 36 + i % 5, h = 28 + i % 4;
    cv::ellipse(img, cv::Point(x + w / 2, y + h / 2), cv::Size(w / 2, h / 2), 0, 0, 360, cv::Scalar(200), -1);
    if (truth)
        *truth = ks::Box{double(x), double(y), double(w), double(h)};
    return img;
}

void trainBundle(const std::string& dir)
{
    std::vector<ks::detect::AnnotatedFrame> frames;
    for (int i = 0; i < 6; ++i) {
        ks::detect::AnnotatedFrame f;
        f.name = "synthetic" + std::to_string(i);
        ks::Box b;
        f.gray = syntheticFrame(i, &b);
        f.truth = b;
        frames.push_back(f);
    }
    ks::detect::TrainConfig c;
    c.candidates.targetCount = 40;
    c.haarCount = 20;
    c.gbm.rounds = 5;
    c.gbm.threads = 1;
    ks::detect::Detector d = ks::detect::DetectorTrainer::train(frames, c);
    ks::detect::ModelBundle::save(d, dir, "{}");
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    g_bundle = ks::fuzz::scratchDir() + "/bundle";
    const char* given = std::getenv("KS_FUZZ_BUNDLE");
    try {
        if (given && *given)
            ks::fuzz::copyTree(given, g_bundle);
        else
            trainBundle(g_bundle);
    } catch (const ks::Error& e) {
        std::fprintf(stderr, "fuzz_manifest: cannot make the bundle: %s\n", e.what());
        std::abort();
    }
    if (const char* seeds = std::getenv("KS_FUZZ_SEED_DIR"); seeds && *seeds) {
        std::error_code ec;
        fs::create_directories(seeds, ec);
        fs::copy_file(g_bundle + "/manifest.json", std::string(seeds) + "/manifest.json",
                      fs::copy_options::overwrite_existing, ec);
    }
    g_frame = syntheticFrame(3, nullptr);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ks::fuzz::writeBytes(g_bundle + "/manifest.json", data, size);
    // Re-signed like a bundle made to attack: the parser behind the checksum gate is the target.
    const std::string line =
        ks::Sha256::ofBytes(std::string_view(reinterpret_cast<const char*>(data), size)) + "  manifest.json\n";
    ks::fuzz::writeBytes(g_bundle + "/manifest.sha256", reinterpret_cast<const uint8_t*>(line.data()), line.size());
    try {
        ks::detect::LoadedBundle b = ks::detect::ModelBundle::load(g_bundle);
        (void)b.detector.detect(ks::detect::Method::Haar, g_frame, ks::Calibration{});
    } catch (const ks::Error&) {
    }
    return 0;
}
