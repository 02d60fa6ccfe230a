#include "CnnBackend.h"

#include "ScaleAugmentation.h"

#include "common/Sha256.h"

#include "cnn/CnnFeatureExtractor.h"
#include "cnn/CnnModel.h"
#include "cnn/FineTuner.h"
#include "common/Error.h"

#include <cmath>
#include <cstdio>

namespace ks::detect {

namespace {
/// A CNN extractor that keeps its network, so that the bundle can save it.
class CnnFeatures : public FeatureExtractor
{
public:
    CnnFeatures(std::shared_ptr<cnn::CnnModel> model, bool fastPath)
        : m_model(std::move(model)),
          m_extractor(m_model, fastPath ? cnn::FeaturePath::Fast : cnn::FeaturePath::PerPatch)
    {
    }
    std::string name() const override { return m_extractor.name(); }
    int dimension() const override { return m_extractor.dimension(); }
    cv::Mat extract(const cv::Mat& gray8, const std::vector<Box>& boxes, Progress& progress) override
    {
        return m_extractor.extract(gray8, boxes, progress);
    }
    const cnn::CnnModel& model() const { return *m_model; }
    const std::shared_ptr<cnn::CnnModel>& sharedModel() const { return m_model; }

private:
    std::shared_ptr<cnn::CnnModel> m_model;
    cnn::CnnFeatureExtractor m_extractor;
};
} // namespace

std::unique_ptr<FeatureExtractor> CnnBackend::train(const std::string& mode, const CnnConfig& config,
                                                    const std::vector<AnnotatedFrame>& frames,
                                                    const std::vector<std::vector<LabelledBox>>& labels,
                                                    CnnInfo& info, Progress& progress)
{
    cnn::configureTorchThreads();
    const cnn::Adaptation adaptation = cnn::parseAdaptation(mode);
    auto model = std::make_shared<cnn::CnnModel>(cnn::parseBackbone(config.backbone), config.seed);
    info = CnnInfo{};
    info.backbone = config.backbone;
    info.fastPath = config.fastPath;
    if (!config.caffemodel.empty()) {
        progress.step(0, "Importing " + config.caffemodel);
        model->importCaffe(config.prototxt, config.caffemodel);
        info.weightsChecksum = Sha256::ofFile(config.caffemodel);
    } else if (!config.torchscript.empty()) {
        if (!config.trustTorchScript)
            throw Error("'" + config.torchscript + "' is TorchScript, a program that runs while it loads; "
                            "KidneyScope imports one only when you say you trust it",
                        "If you trust where the file came from, add --trust-torchscript; otherwise use --caffe "
                        "PROTOTXT CAFFEMODEL (data only)",
                        Error::Kind::InvalidInput);
        progress.step(0, "Importing " + config.torchscript + " (trusted TorchScript)");
        model->importTorchScriptTrusted(config.torchscript);
        info.weightsChecksum = Sha256::ofFile(config.torchscript);
    }
    if (adaptation == cnn::Adaptation::NA) {
        info.fineTuning = "none (NA: imported weights untouched)";
    } else {
        std::vector<cnn::LabelledPatch> patches;
        for (size_t i = 0; i < frames.size() && i < labels.size(); ++i)
            for (const auto& l : labels[i])
                patches.push_back(cnn::LabelledPatch{frames[i].gray, l.box, l.label, ScaleAugmentation::source(frames, i)});
        cnn::FineTuneOptions o;
        o.mode = adaptation;
        o.learningRate = config.learningRate;
        o.epochs = config.epochs;
        o.seed = config.seed;
        cnn::FineTuner tuner(o);
        if (config.onEpoch)
            tuner.setEpochCallback([&config, mode](const cnn::EpochStats& e) {
                config.onEpoch(mode, e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss, e.validationAccuracy);
            });
        const auto r = tuner.run(*model, patches, progress);
        info.fineTuning = mode + ": " + std::to_string(r.history.size()) + " epoch(s) on " + std::to_string(r.trainCount)
                          + " patches (" + std::to_string(r.validationCount) + " held out), best epoch "
                          + std::to_string(r.bestEpoch) + (r.stoppedEarly ? ", stopped early" : "");
        char rate[160];
        std::snprintf(rate, sizeof rate, "; %.0f s, %.1f GFLOP/s, %.2f cores busy", r.seconds, r.gflops(), r.busyCores());
        info.fineTuning += rate;
        info.fineTuneSeconds = r.seconds;
        info.fineTuneGflops = r.gflops();
        info.fineTuneBusyCores = r.busyCores();
    }
    info.weights = model->weightsDescription();
    info.transfer = model->hasImageNetTransfer();
    progress.step(1.0, "CNN " + mode + " ready");
    return std::make_unique<CnnFeatures>(std::move(model), config.fastPath);
}

std::unique_ptr<FeatureExtractor> CnnBackend::perPatchTwin(const FeatureExtractor& extractor)
{
    const auto* f = dynamic_cast<const CnnFeatures*>(&extractor);
    if (!f)
        throw Error("Only CNN feature extractors made by the detector have a per-patch twin", {}, Error::Kind::Internal);
    return std::make_unique<CnnFeatures>(f->sharedModel(), false);
}

std::string CnnBackend::save(const FeatureExtractor& extractor)
{
    const auto* f = dynamic_cast<const CnnFeatures*>(&extractor);
    if (!f)
        throw Error("Only CNN feature extractors made by the detector can be saved", {}, Error::Kind::Internal);
    return f->model().saveBytes();
}

std::unique_ptr<FeatureExtractor> CnnBackend::load(std::string_view bytes, const std::string& what,
                                                   const std::string& backbone, bool fastPath)
{
    cnn::configureTorchThreads();
    auto model = std::make_shared<cnn::CnnModel>(cnn::parseBackbone(backbone));
    model->loadBytes(bytes, what);
    return std::make_unique<CnnFeatures>(std::move(model), fastPath);
}

std::shared_ptr<const cnn::CnnModel> CnnBackend::model(const FeatureExtractor& extractor)
{
    const auto* f = dynamic_cast<const CnnFeatures*>(&extractor);
    if (!f)
        throw Error("Only CNN feature extractors made by the detector have a network", {}, Error::Kind::Internal);
    return f->sharedModel();
}

} // namespace ks::detect
