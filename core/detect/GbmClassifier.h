#pragma once
/// \file GbmClassifier.h
/// Gradient-boosted trees (XGBoost C API) with the paper's settings: max depth 2, 200 rounds,
/// shrinkage 0.5, subsample 0.5, binary logistic.

#include "common/Progress.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace ks::detect {

/// Value type.
struct GbmParams
{
    int maxDepth = 2;
    int rounds = 200;
    double eta = 0.5;         ///< shrinkage
    double subsample = 0.5;   ///< row sampling per round
    unsigned seed = 20160413; ///< XGBoost's seed (subsampling)
    int threads = 0;          ///< 0: all hardware threads
    /// XGBoost objective: "binary:logistic" (the paper's classifier) or "reg:squarederror"
    /// (regression, e.g. BoxRegressor; labels are then any finite targets and predict() returns them).
    std::string objective = "binary:logistic";
};

/// One binary classifier on one feature set. Move-only. Not thread-safe: one thread at a time
/// per instance (XGBoost itself uses `threads` threads inside each call).
class GbmClassifier
{
public:
    GbmClassifier() = default;
    ~GbmClassifier();
    GbmClassifier(GbmClassifier&& other) noexcept;
    GbmClassifier& operator=(GbmClassifier&& other) noexcept;
    GbmClassifier(const GbmClassifier&) = delete;
    GbmClassifier& operator=(const GbmClassifier&) = delete;

    /// \param features rows = samples, CV_32F
    /// \param labels   1 positive, 0 negative, one per row (regression: the targets)
    /// \throws ks::Error when the set is empty, has one class only (classification) or sizes disagree;
    ///         ks::Cancelled when progress cancels (checked every round)
    void train(const cv::Mat& features, const std::vector<float>& labels, const GbmParams& params = {},
               Progress& progress = NullProgress::instance());

    /// Probability of the positive class for each row of `features` (CV_32F, featureCount() columns).
    std::vector<float> predict(const cv::Mat& features) const;

    bool isTrained() const { return m_booster != nullptr; }
    int featureCount() const { return m_features; }

    /// The model as bytes (XGBoost UBJSON); load() of them predicts identically.
    std::vector<char> save() const;
    /// \throws ks::Error (Corrupt) when the bytes are not an XGBoost model
    static GbmClassifier load(const std::vector<char>& bytes, int threads = 0);

private:
    void* m_booster = nullptr;
    int m_features = 0;
    int m_threads = 0;
};

} // namespace ks::detect
