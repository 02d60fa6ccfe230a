#pragma once
/// \file DetectOptions.h
/// Options shared by the detector commands (train, evaluate, experiment): how they map onto
/// ks::detect::TrainConfig. Owned by the detect area.

#include "Args.h"

#include "detect/DetectorTrainer.h"

#include <map>
#include <string>

namespace ks::cli {

/// Upper bound of --candidates and --hybrid-top (candidate boxes per frame).
inline constexpr int kMaxCandidates = 100000;

/// The arities of the training options, to merge into a command's own.
std::map<std::string, int> trainOptionArity();
/// Builds the training configuration from parsed options. \throws ks::Error on bad values,
/// naming the option and its allowed range (--candidates 10–100000, --haar 1–20000, --epochs
/// 1–10000, --lr 1e-9–10, --negatives 0.01–1000, --rounds 1–100000, --seed 0–4294967295, ...).
detect::TrainConfig trainConfigFrom(const Args& args, const std::string& defaultMethods = "haar");
/// Help text of the training options.
const char* trainOptionHelp();

} // namespace ks::cli
