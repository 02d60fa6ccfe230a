#include "Backbone.h"

#include "common/Error.h"

#include <algorithm>
#include <cctype>

namespace ks::cnn {

static std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string backboneName(Backbone backbone)
{
    return backbone == Backbone::CaffeNet ? "caffenet" : "squeezenet";
}

Backbone parseBackbone(const std::string& name)
{
    const auto n = lower(name);
    if (n == "caffenet") return Backbone::CaffeNet;
    if (n == "squeezenet") return Backbone::SqueezeNet;
    throw Error("Unknown backbone '" + name + "'", "Use caffenet or squeezenet");
}

std::string adaptationName(Adaptation mode)
{
    switch (mode) {
    case Adaptation::NA: return "na";
    case Adaptation::PA: return "pa";
    case Adaptation::FA: return "fa";
    }
    return "na";
}

Adaptation parseAdaptation(const std::string& name)
{
    const auto n = lower(name);
    if (n == "na") return Adaptation::NA;
    if (n == "pa") return Adaptation::PA;
    if (n == "fa") return Adaptation::FA;
    throw Error("Unknown adaptation mode '" + name + "'", "Use na, pa or fa");
}

} // namespace ks::cnn
