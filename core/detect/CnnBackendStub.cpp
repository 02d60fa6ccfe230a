// Compiled instead of CnnBackend.cpp in the standalone libFuzzer build (tests/fuzz, which sets
// KS_DETECT_WITHOUT_CNN: no LibTorch under the sanitizers); every function throws a clear error.
#include "CnnBackend.h"

#include "common/Error.h"

namespace ks::detect {

namespace {
[[noreturn]] void unavailable()
{
    throw Error("The CNN methods (na, pa, fa, hybrid) are not available in this build",
                "Use --methods haar, or build KidneyScope with ks_cnn", Error::Kind::Unsupported);
}
} // namespace

std::unique_ptr<FeatureExtractor> CnnBackend::train(const std::string&, const CnnConfig&,
                                                    const std::vector<AnnotatedFrame>&,
                                                    const std::vector<std::vector<LabelledBox>>&, CnnInfo&, Progress&)
{
    unavailable();
}

std::unique_ptr<FeatureExtractor> CnnBackend::perPatchTwin(const FeatureExtractor&)
{
    unavailable();
}

std::string CnnBackend::save(const FeatureExtractor&)
{
    unavailable();
}

std::unique_ptr<FeatureExtractor> CnnBackend::load(std::string_view, const std::string&, const std::string&, bool)
{
    unavailable();
}

std::shared_ptr<const cnn::CnnModel> CnnBackend::model(const FeatureExtractor&)
{
    unavailable();
}

} // namespace ks::detect
