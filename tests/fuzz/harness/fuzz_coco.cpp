// libFuzzer harness: a COCO JSON through CocoDataset::load (file names resolved against the
// hc18 training folder of ../shared/realdata) and, when it loads, through the project import
// into a fresh project (image headers not read: the DICOM harnesses cover those).
#include "FuzzSupport.h"

#include "annotation/CocoDataset.h"
#include "annotation/ProjectExchange.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include <filesystem>

namespace {
std::string g_images;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    g_images = ks::fuzz::sharedDir() + "/realdata/hc18/train";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string json = ks::fuzz::scratchDir() + "/annotations.json";
    ks::fuzz::writeBytes(json, data, size);
    try {
        (void)ks::annotation::CocoDataset::load(json, g_images);
    } catch (const ks::Error&) {
        return 0;
    }
    const std::string project = ks::fuzz::scratchDir() + "/project";
    std::error_code ec;
    std::filesystem::remove_all(project, ec);
    try {
        ks::annotation::ProjectStore store(project, true);
        ks::annotation::ImportOptions options;
        options.imageRoot = g_images;
        options.readImageHeaders = false;
        (void)ks::annotation::ProjectExchange::importCoco(store, json, options);
    } catch (const ks::Error&) {
    }
    return 0;
}
