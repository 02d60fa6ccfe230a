// CnnModel's weight import/export (Caffe through OpenCV dnn, trusted TorchScript, own data-only
// save/load through TensorArchive).
#include "CnnModel.h"

#include "CnnModelImpl.h"
#include "TensorArchive.h"
#include "common/Error.h"

#include <opencv2/dnn.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <torch/script.h>

#include <filesystem>
#include <map>

namespace ks::cnn {

namespace {

/// A regular file (not a FIFO, device or folder) of at most `maxBytes`, checked before any reader
/// sees it (the Caffe parser trusts lengths inside the file; the size bounds what it can read).
void requireFile(const std::string& path, const std::string& what, std::uintmax_t maxBytes = TensorArchive::kMaxFileBytes)
{
    std::error_code ec;
    if (path.empty() || !std::filesystem::is_regular_file(path, ec))
        throw Error("The " + what + " '" + path + "' does not exist or is not a file",
                    "Check the path", Error::Kind::Io);
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec || size > maxBytes)
        throw Error("The " + what + " '" + path + "' has " + std::to_string(size) + " bytes, more than the "
                        + std::to_string(maxBytes) + " allowed",
                    "Give the right file", Error::Kind::InvalidInput);
}

constexpr std::uintmax_t kMaxPrototxtBytes = 16u << 20;

/// Shape without leading 1s (old Caffe files store 1×1×out×in for fully connected weights).
std::vector<int64_t> squeezedShape(std::vector<int64_t> shape)
{
    while (shape.size() > 1 && shape.front() == 1)
        shape.erase(shape.begin());
    return shape;
}

std::vector<int64_t> matShape(const cv::Mat& m)
{
    return squeezedShape(std::vector<int64_t>(m.size.p, m.size.p + m.dims));
}

std::string archName(Backbone b) { return backboneName(b); }

} // namespace

void CnnModel::importCaffe(const std::string& prototxtPath, const std::string& caffemodelPath)
{
    requireFile(prototxtPath, "Caffe prototxt", kMaxPrototxtBytes);
    requireFile(caffemodelPath, "Caffe weights file");
    const std::string arch = backboneName(backbone());
    cv::dnn::Net caffe;
    try {
        caffe = cv::dnn::readNetFromCaffe(prototxtPath, caffemodelPath);
    } catch (const cv::Exception& e) {
        throw Error("Could not read the Caffe model " + prototxtPath + " + " + caffemodelPath + ": " + e.err,
                    "Give a deploy prototxt and the matching .caffemodel", Error::Kind::InvalidInput);
    }
    if (caffe.empty())
        throw Error("The Caffe model " + prototxtPath + " has no layers", "Give a deploy prototxt");

    // Collect and check everything first so that the model stays unchanged on error.
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const auto& layer : m_impl->net->layers()) {
        if (!layer.importable) continue;
        const int id = caffe.getLayerId(layer.caffeName);
        if (id < 0) {
            if (layer.classifier) continue;
            throw Error("The Caffe model has no layer '" + layer.caffeName + "' that the " + arch + " network needs",
                        "Use the " + arch + " deploy prototxt and caffemodel, or the other --backbone");
        }
        cv::Ptr<cv::dnn::Layer> caffeLayer = caffe.getLayer(id);
        if (caffeLayer->blobs.empty())
            throw Error("The Caffe layer '" + layer.caffeName + "' has no weights in " + caffemodelPath,
                        "Give the caffemodel that belongs to this prototxt");
        const cv::Mat& w = caffeLayer->blobs[0];
        const auto ours = squeezedShape(layer.weight.sizes().vec());
        const auto theirs = matShape(w);
        if (ours != theirs) {
            if (layer.classifier) continue; // another class count: keep ours, it only serves "prob"
            throw Error("Caffe layer '" + layer.caffeName + "' has weights of shape " + shapeText(theirs) +
                            " but the " + arch + " network expects " + shapeText(ours),
                        "The prototxt/caffemodel do not describe " + arch + ": use matching files or the other --backbone");
        }
        if (layer.isConv) {
            if (auto conv = caffeLayer.dynamicCast<cv::dnn::BaseConvolutionLayer>()) {
                const bool strideOk = conv->strides.empty() || conv->strides[0] == static_cast<size_t>(layer.stride);
                const bool padOk = conv->pads_begin.empty() || conv->pads_begin[0] == static_cast<size_t>(layer.pad);
                if (!strideOk || !padOk)
                    throw Error("Caffe layer '" + layer.caffeName + "' has stride " +
                                    (conv->strides.empty() ? std::string("?") : std::to_string(conv->strides[0])) +
                                    " and pad " +
                                    (conv->pads_begin.empty() ? std::string("?") : std::to_string(conv->pads_begin[0])) +
                                    " but the " + arch + " network expects stride " + std::to_string(layer.stride) +
                                    " and pad " + std::to_string(layer.pad),
                                "Use the " + arch + " deploy prototxt");
            }
        }
        torch::Tensor bias;
        if (caffeLayer->blobs.size() > 1) {
            const cv::Mat& b = caffeLayer->blobs[1];
            if (static_cast<int64_t>(b.total()) != layer.bias.size(0))
                throw Error("Caffe layer '" + layer.caffeName + "' has a bias of shape " + shapeText(matShape(b)) +
                                " but the " + arch + " network expects " + std::to_string(layer.bias.size(0)),
                            "Use matching prototxt/caffemodel files");
            bias = matToTensor(b.reshape(1, 1).clone()).flatten();
        } else {
            bias = torch::zeros_like(layer.bias);
        }
        copies.emplace_back(matToTensor(w).reshape(layer.weight.sizes()), bias);
    }
    torch::NoGradGuard noGrad;
    size_t i = 0;
    for (auto& layer : m_impl->net->layers()) {
        if (!layer.importable) continue;
        if (caffe.getLayerId(layer.caffeName) < 0) continue;
        if (layer.classifier && matShape(caffe.getLayer(caffe.getLayerId(layer.caffeName))->blobs[0]) !=
                                    squeezedShape(layer.weight.sizes().vec()))
            continue;
        layer.weight.copy_(copies[i].first);
        layer.bias.copy_(copies[i].second);
        ++i;
    }
    m_impl->transfer = true;
    m_impl->adaptation = Adaptation::NA;
    m_impl->source = "ImageNet weights imported from Caffe " + std::filesystem::path(caffemodelPath).filename().string();
}

void CnnModel::importTorchScriptTrusted(const std::string& path)
{
    requireFile(path, "TorchScript file");
    const std::string arch = backboneName(backbone());
    std::map<std::string, torch::Tensor> theirs;
    try {
        torch::jit::Module module = torch::jit::load(path);
        for (const auto& p : module.named_parameters(true))
            theirs[p.name] = p.value;
        for (const auto& b : module.named_buffers(true))
            theirs.emplace(b.name, b.value);
    } catch (const c10::Error& e) {
        throw Error("Could not read the TorchScript file " + path + ": " + e.what_without_backtrace(),
                    "Give a module saved with torch.jit.save / CnnModel::exportTorchScript", Error::Kind::InvalidInput);
    }
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies; // (ours, theirs)
    bool headCopied = false;
    for (const auto& p : m_impl->net->named_parameters(true)) {
        const bool isHead = p.key().rfind("fc8_ks.", 0) == 0;
        auto it = theirs.find(p.key());
        if (it == theirs.end()) {
            if (isHead || p.key().rfind("fc8.", 0) == 0 || p.key().rfind("conv_final.", 0) == 0) continue;
            throw Error("The TorchScript module has no parameter '" + p.key() + "' that the " + arch + " network needs",
                        "Export the module with the parameter names of CnnModel::parameterNames()");
        }
        if (it->second.sizes() != p.value().sizes())
            throw Error("TorchScript parameter '" + p.key() + "' has shape " + shapeText(it->second.sizes().vec()) +
                            " but the " + arch + " network expects " + shapeText(p.value().sizes().vec()),
                        "Use a module of the same architecture, or the other --backbone");
        headCopied = headCopied || isHead;
        copies.emplace_back(p.value(), it->second);
    }
    torch::NoGradGuard noGrad;
    for (auto& [ours, src] : copies)
        ours.copy_(src.to(torch::kFloat32));
    m_impl->transfer = true;
    m_impl->adaptation = Adaptation::NA;
    m_impl->source = "weights imported from TorchScript " + std::filesystem::path(path).filename().string();
}

void CnnModel::exportTorchScript(const std::string& path) const
{
    auto unit = std::make_shared<torch::jit::CompilationUnit>();
    torch::jit::Module root(c10::QualifiedName("__torch__.ks." + archName(backbone())), unit, true);
    for (const auto& layer : m_impl->net->layers()) {
        torch::jit::Module sub(c10::QualifiedName("__torch__.ks." + layer.torchName), unit, true);
        sub.register_parameter("weight", layer.weight.detach().clone(), false);
        sub.register_parameter("bias", layer.bias.detach().clone(), false);
        root.register_module(layer.torchName, sub);
    }
    try {
        root.save(path);
    } catch (const c10::Error& e) {
        throw Error("Could not write " + path + ": " + e.what_without_backtrace(), "Check the folder", Error::Kind::Io);
    }
}

namespace {
/// Every parameter and buffer of a network by its module path ("conv1.weight").
std::vector<std::pair<std::string, torch::Tensor>> stateOf(BackboneNet& net)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : net.named_parameters(true))
        out.emplace_back(p.key(), p.value());
    for (const auto& b : net.named_buffers(true))
        out.emplace_back(b.key(), b.value());
    return out;
}
} // namespace

std::string CnnModel::saveBytes() const
{
    std::vector<NamedTensor> tensors;
    for (const auto& [name, t] : stateOf(*m_impl->net)) {
        const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        NamedTensor nt;
        nt.name = name;
        nt.shape = c.sizes().vec();
        nt.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        tensors.push_back(std::move(nt));
    }
    return TensorArchive::encode({{"ks_backbone", backboneName(backbone())},
                                  {"ks_transfer", m_impl->transfer ? "true" : "false"},
                                  {"ks_source", m_impl->source},
                                  {"ks_adaptation", adaptationName(m_impl->adaptation)}},
                                 tensors);
}

void CnnModel::save(const std::string& path) const
{
    TensorArchive::writeFile(path, saveBytes());
}

void CnnModel::load(const std::string& path)
{
    requireFile(path, "network weights file");
    loadBytes(TensorArchive::readFile(path), path);
}

void CnnModel::loadBytes(std::string_view bytes, const std::string& what)
{
    const TensorArchive::Contents c = TensorArchive::decode(bytes, "The network weights " + what);
    for (const char* key : {"ks_backbone", "ks_transfer", "ks_source", "ks_adaptation"})
        if (!c.meta.count(key))
            throw Error("The network weights " + what + " lack KidneyScope's '" + key + "' entry",
                        "Train or export them again", Error::Kind::Corrupt);
    const std::string& theirs = c.meta.at("ks_backbone");
    if (theirs != backboneName(backbone()))
        throw Error("The network weights in " + what + " are for " + theirs + ", not " + backboneName(backbone()),
                    "Use --backbone " + theirs);
    const Adaptation adaptation = parseAdaptation(c.meta.at("ks_adaptation"));
    // Load into a fresh network first so that a failure leaves this model unchanged.
    auto fresh = m_impl->backbone == Backbone::CaffeNet ? std::shared_ptr<BackboneNet>(std::make_shared<CaffeNetNet>())
                                                        : std::shared_ptr<BackboneNet>(std::make_shared<SqueezeNetNet>());
    std::map<std::string, const NamedTensor*> byName;
    for (const auto& t : c.tensors)
        byName[t.name] = &t;
    const auto state = stateOf(*fresh);
    if (state.size() != c.tensors.size())
        throw Error("The network weights " + what + " hold " + std::to_string(c.tensors.size()) + " tensors; the "
                        + backboneName(backbone()) + " network has " + std::to_string(state.size()),
                    "Train or export them again", Error::Kind::Corrupt);
    torch::NoGradGuard noGrad;
    for (const auto& [name, t] : state) {
        const auto it = byName.find(name);
        if (it == byName.end())
            throw Error("The network weights " + what + " lack '" + name + "'", "Train or export them again",
                        Error::Kind::Corrupt);
        if (it->second->shape != t.sizes().vec())
            throw Error("'" + name + "' in " + what + " has shape " + shapeText(it->second->shape) + " but the "
                            + backboneName(backbone()) + " network expects " + shapeText(t.sizes().vec()),
                        "Train or export them again", Error::Kind::Corrupt);
        const torch::Tensor src = torch::from_blob(const_cast<float*>(it->second->values.data()), t.sizes(),
                                                   torch::kFloat32);
        t.copy_(src);
    }
    fresh->eval();
    m_impl->net = fresh;
    m_impl->transfer = c.meta.at("ks_transfer") == "true";
    m_impl->source = c.meta.at("ks_source");
    m_impl->adaptation = adaptation;
}

} // namespace ks::cnn
