// libFuzzer harness: the input as a DICOMDIR inside a private copy of the shared DICOMDIR test
// tree (../shared/dicom/other/dicomdirtests), so that intact records still reach real files.
#include "FuzzSupport.h"

#include "common/Error.h"
#include "dicom/DicomDirReader.h"

#include <string>
#include <vector>

namespace {
std::string g_tree;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    g_tree = ks::fuzz::scratchDir() + "/dicomdirtests";
    ks::fuzz::copyTree(ks::fuzz::sharedDir() + "/dicom/other/dicomdirtests", g_tree);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = g_tree + "/DICOMDIR-fuzz";
    ks::fuzz::writeBytes(path, data, size);
    try {
        (void)ks::dicom::DicomDirReader::isDicomDir(path);
        std::vector<std::string> problems;
        (void)ks::dicom::DicomDirReader::read(path, problems);
    } catch (const ks::Error&) {
    }
    return 0;
}
