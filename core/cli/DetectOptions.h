#pragma once
/// \file DetectOptions.h
/// Options shared by the detector commands (train, evaluate, experiment): how they map onto
/// ks::detect::TrainConfig. Owned by the detect area.

#include "Args.h"

#include "detect/DetectorTrainer.h"

#include <map>
#include <string>

namespace ks::cli {

/// The arities of the training options, to merge into a command's own.
std::map<std::string, int> trainOptionArity();
/// Builds the training configuration from parsed options. \throws ks::Error on bad values.
detect::TrainConfig trainConfigFrom(const Args& args, const std::string& defaultMethods = "haar");
/// Help text of the training options.
const char* trainOptionHelp();

} // namespace ks::cli
