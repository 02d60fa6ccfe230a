#pragma once
/// \file Backbone.h
/// Names of the CNN backbones and of the paper's adaptation modes (Ravishankar et al. 2016, 3.2).

#include <string>

namespace ks::cnn {

/// The network architecture behind the CNN features.
enum class Backbone {
    CaffeNet,   ///< BVLC reference CaffeNet, features = fc7 (4096), input 227×227
    SqueezeNet  ///< SqueezeNet v1.0, features = global average of fire9 (512), input 227×227
};

/// "caffenet" / "squeezenet".
std::string backboneName(Backbone backbone);
/// Parses "caffenet" / "squeezenet" (case-insensitive). Throws ks::Error on anything else.
Backbone parseBackbone(const std::string& name);

/// How much of the imported network is fine-tuned on the kidney patches (paper 3.2).
enum class Adaptation {
    NA, ///< zero adaptation: imported weights untouched
    PA, ///< partial: CaffeNet conv1–conv2 frozen (SqueezeNet: conv1 + fire2), the rest trained
    FA  ///< full: every layer trained
};

/// "na" / "pa" / "fa".
std::string adaptationName(Adaptation mode);
/// Parses "na" / "pa" / "fa" (case-insensitive). Throws ks::Error on anything else.
Adaptation parseAdaptation(const std::string& name);

/// The text every output shows when a network has no imported weights.
inline constexpr const char* kNoTransferText = "no ImageNet transfer";

} // namespace ks::cnn
