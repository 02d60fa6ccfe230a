#pragma once
/// \file Method.h
/// The paper's detection methods (Table 1) and the feature sets each one needs.

#include <string>
#include <vector>

namespace ks::detect {

enum class Method {
    Haar,   ///< Haar features + GBM (baseline)
    NA,     ///< CNN features, imported weights untouched, + GBM
    PA,     ///< CNN features after partial fine-tuning, + GBM
    FA,     ///< CNN features after full fine-tuning, + GBM
    Hybrid  ///< mean of the Haar-GBM and FA-GBM likelihoods per candidate
};

/// "haar", "na", "pa", "fa", "hybrid".
std::string methodName(Method m);
/// Table 1 column: "Haar", "CaffeNet_NA", ..., "Haar + CaffeNet_FA" (backbone spelled as given).
std::string methodTitle(Method m, const std::string& backboneTitle = "CaffeNet");
/// Parses one name (case-insensitive). \throws ks::Error listing the valid names.
Method parseMethod(const std::string& name);
/// Parses "haar,na,hybrid". \throws ks::Error on an unknown or empty list.
std::vector<Method> parseMethods(const std::string& list);
/// Feature sets ("haar", "na", "pa", "fa") a method scores with.
std::vector<std::string> featureSetsOf(Method m);
/// True for the methods that need a CNN.
bool needsCnn(Method m);

} // namespace ks::detect
