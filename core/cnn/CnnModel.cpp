#include "CnnModel.h"

#include "CnnModelImpl.h"
#include "FineTuner.h"
#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <thread>

namespace ks::cnn {

void configureTorchThreads()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const unsigned n = std::thread::hardware_concurrency();
        at::set_num_threads(n > 0 ? static_cast<int>(n) : 1);
    });
}

int torchThreadCount() { return at::get_num_threads(); }

cv::Mat ConvWeights::kernel(int out, int in) const
{
    if (out < 0 || out >= outChannels || in < 0 || in >= inChannelsPerGroup)
        throw Error("Kernel index out of range in layer " + layer);
    const size_t offset = (static_cast<size_t>(out) * inChannelsPerGroup + in) * kernelHeight * kernelWidth;
    return cv::Mat(kernelHeight, kernelWidth, CV_32F, const_cast<float*>(weights.data() + offset)).clone();
}

// ---- Impl ---------------------------------------------------------------------------------

ParamLayer* CnnModel::Impl::findLayer(const std::string& caffeName)
{
    for (auto& layer : net->layers())
        if (layer.caffeName == caffeName) return &layer;
    return nullptr;
}

const ParamLayer* CnnModel::Impl::findLayer(const std::string& caffeName) const
{
    return const_cast<Impl*>(this)->findLayer(caffeName);
}

torch::Tensor CnnModel::Impl::infer(const torch::Tensor& input, const std::string& blob) const
{
    torch::NoGradGuard noGrad;
    net->eval();
    return net->forwardTo(input, blob);
}

// ---- tensor helpers -----------------------------------------------------------------------

torch::Tensor patchesToTensor(const std::vector<cv::Mat>& patches, int size, const std::vector<bool>& flips)
{
    auto tensor = torch::empty({static_cast<int64_t>(patches.size()), 3, size, size}, torch::kFloat32);
    float* data = tensor.data_ptr<float>();
    const size_t plane = static_cast<size_t>(size) * size;
    cv::Mat resized, asFloat;
    for (size_t i = 0; i < patches.size(); ++i) {
        const cv::Mat& patch = patches[i];
        if (patch.empty() || (patch.type() != CV_8UC1 && patch.type() != CV_8UC3))
            throw Error("A CNN input patch is empty or not 8-bit grey/BGR", "", Error::Kind::Internal);
        if (patch.rows == size && patch.cols == size)
            resized = patch;
        else
            cv::resize(patch, resized, cv::Size(size, size), 0, 0, cv::INTER_LINEAR);
        if (i < flips.size() && flips[i]) cv::flip(resized, resized, 1);
        resized.convertTo(asFloat, CV_32F);
        for (int c = 0; c < 3; ++c) {
            cv::Mat channel(size, size, CV_32F, data + (i * 3 + c) * plane);
            if (asFloat.channels() == 1)
                asFloat.copyTo(channel);
            else
                cv::extractChannel(asFloat, channel, c);
            channel -= kMeanBgr[c];
        }
    }
    return tensor;
}

torch::Tensor patchesToConv1(BackboneNet& net, const std::vector<cv::Mat>& patches, int size,
                             const std::vector<bool>& flips)
{
    const bool grey = net.layers().front().pad == 0
                      && std::all_of(patches.begin(), patches.end(), [](const cv::Mat& p) { return p.type() == CV_8UC1; });
    if (!grey)
        return net.conv1Of(patchesToTensor(patches, size, flips));
    auto tensor = torch::empty({static_cast<int64_t>(patches.size()), 1, size, size}, torch::kFloat32);
    float* data = tensor.data_ptr<float>();
    const size_t plane = static_cast<size_t>(size) * size;
    cv::Mat resized;
    for (size_t i = 0; i < patches.size(); ++i) {
        const cv::Mat& patch = patches[i];
        if (patch.empty())
            throw Error("A CNN input patch is empty", "", Error::Kind::Internal);
        if (patch.rows == size && patch.cols == size)
            resized = patch;
        else
            cv::resize(patch, resized, cv::Size(size, size), 0, 0, cv::INTER_LINEAR);
        if (i < flips.size() && flips[i]) cv::flip(resized, resized, 1);
        cv::Mat channel(size, size, CV_32F, data + i * plane);
        resized.convertTo(channel, CV_32F);
    }
    return net.greyConv1(tensor);
}

torch::Tensor frameToTensor(const cv::Mat& frame)
{
    std::vector<cv::Mat> one{frame};
    if (frame.rows == frame.cols) return patchesToTensor(one, frame.rows);
    // Non-square: same conversion without resizing.
    auto tensor = torch::empty({1, 3, frame.rows, frame.cols}, torch::kFloat32);
    float* data = tensor.data_ptr<float>();
    const size_t plane = static_cast<size_t>(frame.rows) * frame.cols;
    cv::Mat asFloat;
    frame.convertTo(asFloat, CV_32F);
    for (int c = 0; c < 3; ++c) {
        cv::Mat channel(frame.rows, frame.cols, CV_32F, data + c * plane);
        if (asFloat.channels() == 1)
            asFloat.copyTo(channel);
        else
            cv::extractChannel(asFloat, channel, c);
        channel -= kMeanBgr[c];
    }
    return tensor;
}

torch::Tensor matToTensor(const cv::Mat& blob)
{
    if (blob.empty() || blob.depth() != CV_32F || blob.channels() != 1)
        throw Error("The network input blob must be a non-empty single-channel CV_32F Mat",
                    "Build it with CnnModel::makeInputBlob or cv::dnn::blobFromImage");
    std::vector<int64_t> shape(blob.size.p, blob.size.p + blob.dims);
    cv::Mat contiguous = blob.isContinuous() ? blob : blob.clone();
    return torch::from_blob(contiguous.data, shape, torch::kFloat32).clone();
}

cv::Mat tensorToMat(const torch::Tensor& tensor)
{
    auto t = tensor.detach().to(torch::kFloat32).contiguous();
    std::vector<int> shape(t.sizes().begin(), t.sizes().end());
    if (shape.size() == 1) shape.insert(shape.begin(), 1);
    cv::Mat out(static_cast<int>(shape.size()), shape.data(), CV_32F);
    std::memcpy(out.data, t.data_ptr<float>(), t.numel() * sizeof(float));
    return out;
}

std::string shapeText(const std::vector<int64_t>& shape)
{
    std::string text;
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? "×" : "") + std::to_string(shape[i]);
    return text.empty() ? "(empty)" : text;
}

// ---- CnnModel -----------------------------------------------------------------------------

CnnModel::CnnModel(Backbone backbone, std::uint64_t seed)
    : m_impl(std::make_unique<Impl>())
{
    configureTorchThreads();
    m_impl->backbone = backbone;
    m_impl->seed = seed;
    torch::manual_seed(seed);
    if (backbone == Backbone::CaffeNet)
        m_impl->net = std::make_shared<CaffeNetNet>();
    else
        m_impl->net = std::make_shared<SqueezeNetNet>();
    m_impl->net->eval();
    m_impl->source = std::string(kNoTransferText) + " (random weights, seed " + std::to_string(seed) + ")";
}

CnnModel::~CnnModel() = default;
CnnModel::CnnModel(CnnModel&&) noexcept = default;
CnnModel& CnnModel::operator=(CnnModel&&) noexcept = default;

CnnModel::Impl& CnnModel::impl() { return *m_impl; }
const CnnModel::Impl& CnnModel::impl() const { return *m_impl; }

Backbone CnnModel::backbone() const { return m_impl->backbone; }
int CnnModel::inputSize() const { return 227; }
int CnnModel::featureDimension() const { return m_impl->backbone == Backbone::CaffeNet ? 4096 : 512; }
std::string CnnModel::featureName() const
{
    return m_impl->backbone == Backbone::CaffeNet ? "caffenet_fc7" : "squeezenet_pool";
}
bool CnnModel::hasImageNetTransfer() const { return m_impl->transfer; }
std::string CnnModel::weightsDescription() const { return m_impl->source; }
Adaptation CnnModel::adaptation() const { return m_impl->adaptation; }

std::string CnnModel::weightsChecksum() const
{
    std::uint64_t hash = 1469598103934665603ULL;
    for (const auto& layer : m_impl->net->layers()) {
        for (const auto& t : {layer.weight, layer.bias}) {
            if (!t.defined()) continue;
            auto c = t.detach().contiguous();
            const auto* bytes = static_cast<const unsigned char*>(c.data_ptr());
            const size_t n = c.numel() * c.element_size();
            for (size_t i = 0; i < n; ++i) {
                hash ^= bytes[i];
                hash *= 1099511628211ULL;
            }
        }
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

std::vector<std::string> CnnModel::parameterNames() const
{
    std::vector<std::string> names;
    for (const auto& p : m_impl->net->named_parameters(true))
        names.push_back(p.key());
    return names;
}

cv::Mat CnnModel::makeInputBlob(const std::vector<cv::Mat>& patches) const
{
    return tensorToMat(patchesToTensor(patches, inputSize()));
}

cv::Mat CnnModel::forwardBlob(const cv::Mat& blob, const std::string& layer) const
{
    const std::string stop = layer.empty() ? m_impl->net->classBlob() : layer;
    try {
        return tensorToMat(m_impl->infer(matToTensor(blob), stop));
    } catch (const c10::Error& e) {
        throw Error("The network could not run on this input: " + std::string(e.what_without_backtrace()),
                    "Give an N×3×227×227 blob", Error::Kind::InvalidInput);
    }
}

cv::Mat CnnModel::features(const std::vector<cv::Mat>& patches) const
{
    if (patches.empty()) return cv::Mat(0, featureDimension(), CV_32F);
    auto out = m_impl->infer(patchesToTensor(patches, inputSize()), m_impl->net->featureBlob());
    return tensorToMat(out).reshape(1, static_cast<int>(patches.size()));
}

cv::Mat CnnModel::positiveProbability(const std::vector<cv::Mat>& patches) const
{
    if (patches.empty()) return cv::Mat(0, 1, CV_32F);
    auto logits = m_impl->infer(patchesToTensor(patches, inputSize()), "fc8_ks");
    auto p = torch::softmax(logits, 1).select(1, 1).contiguous();
    return tensorToMat(p).reshape(1, static_cast<int>(patches.size()));
}

std::vector<std::string> CnnModel::convLayerNames() const
{
    std::vector<std::string> names;
    for (const auto& layer : m_impl->net->layers())
        if (layer.isConv) names.push_back(layer.caffeName);
    return names;
}

ConvWeights CnnModel::convWeights(const std::string& name) const
{
    const ParamLayer* layer = m_impl->findLayer(name);
    if (!layer || !layer->isConv)
        throw Error("No convolution layer named '" + name + "' in " + backboneName(backbone()),
                    "Use one of CnnModel::convLayerNames()");
    ConvWeights w;
    w.layer = name;
    auto weight = layer->weight.detach().contiguous();
    w.outChannels = static_cast<int>(weight.size(0));
    w.inChannelsPerGroup = static_cast<int>(weight.size(1));
    w.kernelHeight = static_cast<int>(weight.size(2));
    w.kernelWidth = static_cast<int>(weight.size(3));
    w.groups = layer->groups;
    w.stride = layer->stride;
    w.pad = layer->pad;
    w.weights.assign(weight.data_ptr<float>(), weight.data_ptr<float>() + weight.numel());
    auto bias = layer->bias.detach().contiguous();
    w.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
    return w;
}

std::vector<cv::Mat> CnnModel::responseMaps(const cv::Mat& image, const std::string& layer,
                                            bool resizeToInput) const
{
    if (image.empty() || (image.type() != CV_8UC1 && image.type() != CV_8UC3))
        throw Error("Response maps need an 8-bit grey or BGR image", "Convert the frame to 8 bits first");
    const auto input = resizeToInput ? patchesToTensor({image}, inputSize()) : frameToTensor(image);
    torch::Tensor out;
    try {
        out = m_impl->infer(input, layer).contiguous();
    } catch (const c10::Error& e) {
        throw Error("Layer '" + layer + "' cannot run on an image of this size",
                    "Use a convolutional layer, or resizeToInput");
    }
    if (out.dim() != 4)
        throw Error("Layer '" + layer + "' has no spatial maps", "Use a convolutional layer (convLayerNames())");
    std::vector<cv::Mat> maps;
    const int h = static_cast<int>(out.size(2)), w = static_cast<int>(out.size(3));
    for (int64_t c = 0; c < out.size(1); ++c)
        maps.push_back(cv::Mat(h, w, CV_32F, out[0][c].data_ptr<float>()).clone());
    return maps;
}

} // namespace ks::cnn
