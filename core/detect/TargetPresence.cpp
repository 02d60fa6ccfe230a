#include "TargetPresence.h"

#include "BoxRegressor.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

using nlohmann::json;

namespace ks::detect {

namespace {
double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

json matJson(const cv::Mat& m)
{
    cv::Mat c = m.isContinuous() ? m : m.clone();
    return {{"rows", c.rows}, {"cols", c.cols}, {"data", std::vector<float>(c.ptr<float>(), c.ptr<float>() + c.total())}};
}

cv::Mat matFrom(const json& j, int cols, const char* what)
{
    const int rows = j.at("rows").get<int>(), c = j.at("cols").get<int>();
    const auto data = j.at("data").get<std::vector<float>>();
    if (rows < 1 || rows > 1000000 || c != cols || data.size() != static_cast<size_t>(rows) * static_cast<size_t>(c)
        || !std::all_of(data.begin(), data.end(), [](float v) { return std::isfinite(v); }))
        throw Error(std::string("The target-presence model's ") + what + " is malformed", "The bundle is damaged; retrain",
                    Error::Kind::Corrupt);
    return cv::Mat(rows, c, CV_32F, const_cast<float*>(data.data())).clone();
}
} // namespace

cv::Mat TargetPresence::standardised(const cv::Mat& gray8, const std::vector<Box>& boxes) const
{
    cv::Mat f = m_features->extract(gray8, BoxRegressor::withContext(boxes, m_config.context));
    if (m_mean.empty())
        return f;
    for (int r = 0; r < f.rows; ++r) {
        cv::Mat row = f.row(r);
        cv::subtract(row, m_mean, row);
        cv::multiply(row, m_scale, row);
    }
    return f;
}

void TargetPresence::project(const cv::Mat& z, cv::Mat& w, std::vector<double>& residual2) const
{
    const cv::Mat coords = z * m_basis.t(); // rows × K
    residual2.assign(static_cast<size_t>(z.rows), 0.0);
    for (int r = 0; r < z.rows; ++r) {
        const double total = z.row(r).dot(z.row(r)), inside = coords.row(r).dot(coords.row(r));
        residual2[static_cast<size_t>(r)] = std::max(0.0, total - inside);
    }
    w = coords.clone();
    for (int r = 0; r < w.rows; ++r)
        cv::divide(w.row(r), m_sigma, w.row(r));
}

double TargetPresence::distance(const cv::Mat& wRow, double residual2, int skipFrame) const
{
    double best = std::numeric_limits<double>::infinity();
    for (int t = 0; t < m_targets.rows; ++t)
        if (m_frameOf[static_cast<size_t>(t)] != skipFrame)
            best = std::min(best, cv::norm(wRow, m_targets.row(t), cv::NORM_L2SQR));
    // In the subspace: per component; off it: in units of the training targets' residual.
    return std::sqrt(best / m_targets.cols + residual2 / m_residualVar);
}

void TargetPresence::train(const std::vector<AnnotatedFrame>& frames, const PresenceConfig& config,
                           const std::vector<AnnotatedFrame>& negatives,
                           const std::vector<std::vector<Box>>& negativeBoxes)
{
    m_config = config;
    m_features = std::make_unique<HaarFeatures>(config.haarCount);
    m_mean = cv::Mat();
    BoxRegressorConfig near;
    near.boxesPerFrame = std::max(0, config.boxesPerFrame - 1);
    near.maxShift = 0.08;
    near.maxLogScale = 0.1;
    near.minIou = 0.7;
    cv::Mat f;
    std::vector<int> frameOf;
    int annotated = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
        if (!frames[i].truth || frames[i].truth->isEmpty())
            continue;
        std::vector<Box> boxes{*frames[i].truth};
        const auto more = BoxRegressor::jittered(*frames[i].truth, near, config.seed + static_cast<unsigned>(i));
        boxes.insert(boxes.end(), more.begin(), more.end());
        f.push_back(standardised(frames[i].gray, boxes));
        frameOf.insert(frameOf.end(), boxes.size(), annotated++);
    }
    if (annotated < 3) {
        m_features.reset();
        throw Error("Telling 'no target' apart needs at least 3 annotated training images", "Annotate more images");
    }
    m_mean.create(1, f.cols, CV_32F);
    m_scale.create(1, f.cols, CV_32F);
    for (int c = 0; c < f.cols; ++c) {
        cv::Scalar mu, s;
        cv::meanStdDev(f.col(c), mu, s);
        m_mean.at<float>(c) = static_cast<float>(mu[0]);
        m_scale.at<float>(c) = s[0] > 1e-6 ? static_cast<float>(1.0 / s[0]) : 0.0f;
    }
    for (int r = 0; r < f.rows; ++r) {
        cv::subtract(f.row(r), m_mean, f.row(r));
        cv::multiply(f.row(r), m_scale, f.row(r));
    }
    const int k = std::max(1, std::min({config.components, annotated - 1, f.cols}));
    const cv::PCA pca(f, cv::Mat(1, f.cols, CV_32F, cv::Scalar(0)), cv::PCA::DATA_AS_ROW, k);
    m_basis = pca.eigenvectors.clone();
    m_sigma.create(1, m_basis.rows, CV_32F);
    for (int c = 0; c < m_basis.rows; ++c)
        m_sigma.at<float>(c) = std::sqrt(std::max(1e-6f, pca.eigenvalues.at<float>(c) * f.rows / std::max(1, f.rows - 1)));
    std::vector<double> residual2;
    project(f, m_targets, residual2);
    m_frameOf = frameOf;
    m_residualVar = 0;
    for (double r : residual2)
        m_residualVar += r / static_cast<double>(residual2.size());
    m_residualVar = std::max(1e-6, m_residualVar);

    // Leave one frame out: how far an unseen frame's target lies from the others'.
    std::vector<double> own;
    for (int r = 0; r < m_targets.rows; ++r)
        if (r == 0 || frameOf[static_cast<size_t>(r)] != frameOf[static_cast<size_t>(r - 1)]) // each frame's truth
            own.push_back(distance(m_targets.row(r), residual2[static_cast<size_t>(r)], frameOf[static_cast<size_t>(r)]));
    const double oneClass = quantile(own, config.quantile) * config.margin;
    m_threshold = oneClass;
    std::vector<double> novel;
    for (size_t i = 0; i < negatives.size() && i < negativeBoxes.size(); ++i)
        for (double d : novelty(negatives[i].gray, negativeBoxes[i]))
            novel.push_back(d);
    if (!novel.empty()) {
        // Known absent images: the threshold between the targets' spread and theirs, never
        // tighter than the targets' own quantile (unseen kidneys must pass).
        const double low = quantile(own, config.quantile), high = quantile(novel, 1.0 - config.quantile);
        m_threshold = high > low ? std::sqrt(low * high) : oneClass;
    }
}

std::vector<double> TargetPresence::novelty(const cv::Mat& gray8, const std::vector<Box>& boxes) const
{
    if (!isTrained())
        throw Error("The target-presence model is not trained", {}, Error::Kind::Internal);
    if (boxes.empty())
        return {};
    cv::Mat w;
    std::vector<double> residual2;
    project(standardised(gray8, boxes), w, residual2);
    std::vector<double> out;
    for (int r = 0; r < w.rows; ++r)
        out.push_back(distance(w.row(r), residual2[static_cast<size_t>(r)]));
    return out;
}

bool TargetPresence::present(const cv::Mat& gray8, const Box& box) const
{
    return novelty(gray8, {box}).front() <= m_threshold;
}

std::string TargetPresence::toJson() const
{
    if (!isTrained())
        throw Error("The target-presence model is not trained", {}, Error::Kind::Internal);
    cv::Mat frames(1, static_cast<int>(m_frameOf.size()), CV_32F);
    for (size_t i = 0; i < m_frameOf.size(); ++i)
        frames.at<float>(static_cast<int>(i)) = static_cast<float>(m_frameOf[i]);
    return json{{"features", json::parse(m_features->toJson())}, {"context", m_config.context},
                {"mean", matJson(m_mean)}, {"scale", matJson(m_scale)}, {"basis", matJson(m_basis)},
                {"sigma", matJson(m_sigma)}, {"targets", matJson(m_targets)}, {"target_frames", matJson(frames)},
                {"residual_var", m_residualVar}, {"threshold", m_threshold}}
        .dump();
}

TargetPresence TargetPresence::fromJson(const std::string& text)
{
    const json j = parseUntrustedJson(text, "The target-presence model", "Retrain the model", Error::Kind::Corrupt);
    try {
        TargetPresence p;
        p.m_features = std::make_unique<HaarFeatures>(HaarFeatures::fromJson(j.at("features").dump()));
        p.m_config.context = j.at("context").get<double>();
        const int d = p.m_features->dimension();
        p.m_mean = matFrom(j.at("mean"), d, "mean");
        p.m_scale = matFrom(j.at("scale"), d, "scale");
        p.m_basis = matFrom(j.at("basis"), d, "basis");
        const int k = p.m_basis.rows;
        p.m_sigma = matFrom(j.at("sigma"), k, "sigma");
        p.m_targets = matFrom(j.at("targets"), k, "targets");
        const cv::Mat frames = matFrom(j.at("target_frames"), p.m_targets.rows, "target frames");
        for (int i = 0; i < frames.cols; ++i)
            p.m_frameOf.push_back(static_cast<int>(frames.at<float>(i)));
        p.m_residualVar = j.at("residual_var").get<double>();
        p.m_threshold = j.at("threshold").get<double>();
        if (p.m_sigma.rows != 1 || p.m_mean.rows != 1 || p.m_scale.rows != 1 || !(p.m_config.context >= 1 && p.m_config.context <= 4) || !(p.m_residualVar > 0)
            || !(p.m_threshold > 0) || !std::isfinite(p.m_threshold) || cv::countNonZero(p.m_sigma <= 0) > 0)
            throw Error("The target-presence model holds values out of range", "The bundle is damaged; retrain",
                        Error::Kind::Corrupt);
        return p;
    } catch (const json::exception& e) {
        throw Error(std::string("The target-presence model is malformed: ") + e.what(), "The bundle is damaged; retrain",
                    Error::Kind::Corrupt);
    }
}

} // namespace ks::detect
