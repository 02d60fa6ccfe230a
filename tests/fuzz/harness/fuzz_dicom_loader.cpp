// libFuzzer harness: one DICOM (or raster) file through what `kidneyscope-cli info FILE` does —
// the study scanner's header read, then the image loader's full decode and the stored values.
// ks::Error is the expected way to refuse an input; anything else escaping is a finding.
#include "FuzzSupport.h"

#include "common/Error.h"
#include "dicom/ImageLoader.h"
#include "dicom/StudyScanner.h"

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ks::fuzz::scratchDir();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = ks::fuzz::scratchDir() + "/input.dcm";
    ks::fuzz::writeBytes(path, data, size);
    try {
        (void)ks::dicom::StudyScanner::scan(path);
    } catch (const ks::Error&) {
    }
    try {
        (void)ks::dicom::ImageLoader::hasDicomPreamble(path);
        const ks::Image image = ks::dicom::ImageLoader::load(path);
        (void)image.frameCount();
    } catch (const ks::Error&) {
        return 0;
    }
    try {
        (void)ks::dicom::ImageLoader::loadStoredValues(path);
    } catch (const ks::Error&) {
    }
    return 0;
}
