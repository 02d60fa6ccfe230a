#include "Networks.h"

#include "CnnModelImpl.h"

#include "common/Error.h"

#include <algorithm>

namespace ks::cnn {

namespace F = torch::nn::functional;

torch::Tensor caffeLrn(const torch::Tensor& x, int size, double alpha, double beta, double k)
{
    const int before = (size - 1) / 2;
    const int after = size - 1 - before;
    // N×1×C×H×W so that a 3-D average pool slides along the channels only.
    auto squared = x.pow(2).unsqueeze(1);
    squared = torch::constant_pad_nd(squared, {0, 0, 0, 0, before, after});
    auto mean = torch::avg_pool3d(squared, {size, 1, 1}, {1, 1, 1}).squeeze(1);
    return x * (mean * alpha + k).pow(-beta);
}

static torch::Tensor maxPoolCaffe(const torch::Tensor& x)
{
    return torch::max_pool2d(x, {3, 3}, {2, 2}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
}

torch::Tensor BackboneNet::head(const torch::Tensor& features)
{
    return m_head(F::dropout(features, F::DropoutFuncOptions().p(0.5).training(is_training())));
}

torch::Tensor BackboneNet::greyConv1(const torch::Tensor& grey)
{
    // Differentiable in conv1's parameters: d/dW_c of (ΣW_c)*g − Σ W_c·m_c is dy*(g − m_c), the
    // gradient of the replicated input. Without gradients (inference) no graph is recorded.
    const ParamLayer& conv1 = m_layers.front();
    const auto& w = conv1.weight;
    auto mean = torch::tensor({kMeanBgr[0], kMeanBgr[1], kMeanBgr[2]}).view({1, 3, 1, 1});
    auto folded = w.sum(1, /*keepdim=*/true);
    auto bias = conv1.bias - (w * mean).sum({1, 2, 3});
    return torch::conv2d(grey, folded, bias, conv1.stride, conv1.pad);
}

torch::Tensor BackboneNet::conv1Of(const torch::Tensor& input)
{
    const ParamLayer& conv1 = m_layers.front();
    return torch::conv2d(input, conv1.weight, conv1.bias, conv1.stride, conv1.pad, 1, conv1.groups);
}

static std::string torchNameOf(std::string name)
{
    std::replace(name.begin(), name.end(), '/', '_');
    return name;
}

torch::nn::Conv2d BackboneNet::addConv(const std::string& caffeName, int in, int out, int kernel,
                                       int stride, int pad, int groups, bool classifier)
{
    auto conv = register_module(torchNameOf(caffeName),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(pad).groups(groups)));
    ParamLayer layer;
    layer.caffeName = caffeName;
    layer.torchName = torchNameOf(caffeName);
    layer.isConv = true;
    layer.stride = stride;
    layer.pad = pad;
    layer.groups = groups;
    layer.weight = conv->weight;
    layer.bias = conv->bias;
    layer.classifier = classifier;
    m_layers.push_back(layer);
    return conv;
}

torch::nn::Linear BackboneNet::addLinear(const std::string& caffeName, int in, int out, bool importable,
                                         bool classifier)
{
    auto linear = register_module(torchNameOf(caffeName), torch::nn::Linear(in, out));
    ParamLayer layer;
    layer.caffeName = caffeName;
    layer.torchName = torchNameOf(caffeName);
    layer.weight = linear->weight;
    layer.bias = linear->bias;
    layer.importable = importable;
    layer.classifier = classifier;
    m_layers.push_back(layer);
    return linear;
}

void BackboneNet::checkBlob(const std::string& stop) const
{
    const auto names = blobNames();
    if (std::find(names.begin(), names.end(), stop) == names.end()) {
        std::string list;
        for (const auto& n : names)
            list += (list.empty() ? "" : ", ") + n;
        throw Error("Unknown layer '" + stop + "'", "Known layers: " + list);
    }
}

// ---- CaffeNet -----------------------------------------------------------------------------

CaffeNetNet::CaffeNetNet()
{
    m_conv1 = addConv("conv1", 3, 96, 11, 4);
    m_conv2 = addConv("conv2", 96, 256, 5, 1, 2, 2);
    m_conv3 = addConv("conv3", 256, 384, 3, 1, 1);
    m_conv4 = addConv("conv4", 384, 384, 3, 1, 1, 2);
    m_conv5 = addConv("conv5", 384, 256, 3, 1, 1, 2);
    fc6 = addLinear("fc6", 256 * 6 * 6, 4096);
    fc7 = addLinear("fc7", 4096, 4096);
    m_fc8 = addLinear("fc8", 4096, 1000, true, true);
    m_head = addLinear("fc8_ks", 4096, 2, false);
}

std::vector<std::string> CaffeNetNet::blobNames() const
{
    return {"conv1", "pool1", "norm1", "conv2", "pool2", "norm2", "conv3", "conv4", "conv5", "pool5",
            "fc6", "fc7", "fc8", "prob", "fc8_ks"};
}

torch::Tensor CaffeNetNet::forwardTo(torch::Tensor x, const std::string& stop, bool fromConv1)
{
    checkBlob(stop);
    x = torch::relu(fromConv1 ? x : m_conv1(x));
    if (stop == "conv1") return x;
    x = maxPoolCaffe(x);
    if (stop == "pool1") return x;
    x = caffeLrn(x);
    if (stop == "norm1") return x;
    x = torch::relu(m_conv2(x));
    if (stop == "conv2") return x;
    x = maxPoolCaffe(x);
    if (stop == "pool2") return x;
    x = caffeLrn(x);
    if (stop == "norm2") return x;
    x = torch::relu(m_conv3(x));
    if (stop == "conv3") return x;
    x = torch::relu(m_conv4(x));
    if (stop == "conv4") return x;
    x = torch::relu(m_conv5(x));
    if (stop == "conv5") return x;
    x = maxPoolCaffe(x);
    if (stop == "pool5") return x;
    x = torch::relu(fc6(x.flatten(1)));
    if (stop == "fc6") return x;
    x = F::dropout(x, F::DropoutFuncOptions().p(0.5).training(is_training()));
    x = torch::relu(fc7(x));
    if (stop == "fc7") return x;
    if (stop == "fc8_ks") return head(x);
    x = m_fc8(F::dropout(x, F::DropoutFuncOptions().p(0.5).training(is_training())));
    if (stop == "fc8") return x;
    return torch::softmax(x, 1); // "prob"
}

// ---- SqueezeNet ---------------------------------------------------------------------------

SqueezeNetNet::SqueezeNetNet()
{
    m_conv1 = addConv("conv1", 3, 96, 7, 2);
    addFire("fire2", 96, 16, 64, 64);
    addFire("fire3", 128, 16, 64, 64);
    addFire("fire4", 128, 32, 128, 128);
    addFire("fire5", 256, 32, 128, 128);
    addFire("fire6", 256, 48, 192, 192);
    addFire("fire7", 384, 48, 192, 192);
    addFire("fire8", 384, 64, 256, 256);
    addFire("fire9", 512, 64, 256, 256);
    m_convFinal = addConv("conv_final", 512, 1000, 1, 1, 1, 1, true);
    m_head = addLinear("fc8_ks", 512, 2, false);
}

void SqueezeNetNet::addFire(const std::string& name, int in, int s, int e1, int e3)
{
    Fire fire;
    fire.name = name;
    fire.squeeze = addConv(name + "/conv1x1_1", in, s, 1);
    fire.expand1 = addConv(name + "/conv1x1_2", s, e1, 1);
    fire.expand3 = addConv(name + "/conv3x3_2", s, e3, 3, 1, 1);
    m_fires.push_back(fire);
}

std::vector<std::string> SqueezeNetNet::partialFrozen() const
{
    return {"conv1", "fire2/conv1x1_1", "fire2/conv1x1_2", "fire2/conv3x3_2"};
}

std::vector<std::string> SqueezeNetNet::blobNames() const
{
    std::vector<std::string> names{"conv1", "pool1"};
    for (const auto& fire : m_fires) {
        for (const char* part : {"/conv1x1_1", "/conv1x1_2", "/conv3x3_2", "/concat"})
            names.push_back(fire.name + part);
        if (fire.name == "fire4") names.push_back("pool4");
        if (fire.name == "fire8") names.push_back("pool8");
    }
    names.insert(names.end(), {"pool_fire9", "conv_final", "pool_final", "prob", "fc8_ks"});
    return names;
}

bool SqueezeNetNet::runFire(Fire& fire, torch::Tensor& x, const std::string& stop)
{
    auto s = torch::relu(fire.squeeze(x));
    if (stop == fire.name + "/conv1x1_1") { x = s; return true; }
    auto e1 = torch::relu(fire.expand1(s));
    if (stop == fire.name + "/conv1x1_2") { x = e1; return true; }
    auto e3 = torch::relu(fire.expand3(s));
    if (stop == fire.name + "/conv3x3_2") { x = e3; return true; }
    x = torch::cat({e1, e3}, 1);
    return stop == fire.name + "/concat";
}

torch::Tensor SqueezeNetNet::forwardTo(torch::Tensor x, const std::string& stop, bool fromConv1)
{
    checkBlob(stop);
    x = torch::relu(fromConv1 ? x : m_conv1(x));
    if (stop == "conv1") return x;
    x = maxPoolCaffe(x);
    if (stop == "pool1") return x;
    for (auto& fire : m_fires) {
        if (runFire(fire, x, stop)) return x;
        if (fire.name == "fire4" || fire.name == "fire8") {
            x = maxPoolCaffe(x);
            if (stop == (fire.name == "fire4" ? "pool4" : "pool8")) return x;
        }
    }
    if (stop == "pool_fire9") return x.mean({2, 3});
    if (stop == "fc8_ks") return head(x.mean({2, 3}));
    x = F::dropout(x, F::DropoutFuncOptions().p(0.5).training(is_training()));
    x = torch::relu(m_convFinal(x));
    if (stop == "conv_final") return x;
    x = x.mean({2, 3}, /*keepdim=*/true);
    if (stop == "pool_final") return x;
    return torch::softmax(x.flatten(1), 1); // "prob"
}

} // namespace ks::cnn
