#include "LayerResponses.h"

#include "cnn/CnnModel.h"
#include "common/Error.h"

#include <opencv2/imgproc.hpp>


namespace ks::interpret {

std::vector<cv::Mat> LayerResponses::responses(const cnn::CnnModel& model, const cv::Mat& patch8,
                                               const std::string& layer)
{
    if (patch8.empty())
        throw Error("Cannot compute responses of an empty patch", "Choose a box inside the image");
    std::vector<cv::Mat> maps = model.responseMaps(patch8, layer, true);
    for (auto& m : maps) {
        cv::Mat up;
        cv::resize(m, up, patch8.size(), 0, 0, cv::INTER_LINEAR);
        m = up;
    }
    return maps;
}

LayerResponseSet LayerResponses::analyse(const cnn::CnnModel& model, const std::string& modelLabel,
                                         const std::string& layer, const ReferenceMaps& reference,
                                         Progress& progress)
{
    progress.step(0.0, "Responses of " + modelLabel + " " + layer);
    const auto maps = responses(model, reference.input, layer);
    progress.step(0.5, "Measuring " + modelLabel + " " + layer);
    LayerResponseSet set = LayerResponseSet::measure(maps, modelLabel, layer, reference);
    progress.step(1.0, "Measured " + modelLabel + " " + layer);
    return set;
}

WeightSet LayerResponses::weightSet(const cnn::CnnModel& model)
{
    WeightSet set;
    for (const auto& name : model.convLayerNames()) {
        const cnn::ConvWeights w = model.convWeights(name);
        const int per = w.inChannelsPerGroup * w.kernelHeight * w.kernelWidth;
        if (per <= 0 || static_cast<std::size_t>(per) * static_cast<std::size_t>(w.outChannels) != w.weights.size())
            throw Error("Layer " + name + " has inconsistent weight sizes", {}, Error::Kind::Internal);
        auto& filters = set[name];
        for (int o = 0; o < w.outChannels; ++o)
            filters.push_back(cv::Mat(1, per, CV_32F, const_cast<float*>(w.weights.data()) + std::size_t(o) * per).clone());
    }
    return set;
}

} // namespace ks::interpret
