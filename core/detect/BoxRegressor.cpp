#include "BoxRegressor.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ks::detect {

namespace {
Box boxAround(double cx, double cy, double w, double h)
{
    return {cx - w / 2, cy - h / 2, w, h};
}
} // namespace

std::vector<Box> BoxRegressor::jittered(const Box& truth, const BoxRegressorConfig& c, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> shift(-c.maxShift, c.maxShift), scale(-c.maxLogScale, c.maxLogScale);
    std::vector<Box> out;
    // Bounded tries: a tight minIou with a wide jitter must not loop for ever.
    for (int tries = 0; tries < 20 * c.boxesPerFrame && static_cast<int>(out.size()) < c.boxesPerFrame; ++tries) {
        const double w = truth.width * std::exp(scale(rng)), h = truth.height * std::exp(scale(rng));
        const double cx = truth.centerX() + shift(rng) * w, cy = truth.centerY() + shift(rng) * h;
        const Box b = boxAround(cx, cy, w, h);
        if (iou(b, truth) >= c.minIou)
            out.push_back(b);
    }
    return out;
}

std::array<float, 4> BoxRegressor::targets(const Box& b, const Box& t)
{
    return {static_cast<float>((t.centerX() - b.centerX()) / b.width),
            static_cast<float>((t.centerY() - b.centerY()) / b.height),
            static_cast<float>(std::log(t.width / b.width)), static_cast<float>(std::log(t.height / b.height))};
}

Box BoxRegressor::applyTargets(const Box& b, std::array<float, 4> t, const BoxRegressorConfig& c)
{
    // No correction beyond what training showed (a far-off box is not pulled anywhere wild).
    const double reach = c.maxShift * std::exp(c.maxLogScale);
    const double dx = std::clamp<double>(t[0], -reach, reach), dy = std::clamp<double>(t[1], -reach, reach);
    const double lw = std::clamp<double>(t[2], -c.maxLogScale, c.maxLogScale);
    const double lh = std::clamp<double>(t[3], -c.maxLogScale, c.maxLogScale);
    const double w = b.width * std::exp(lw), h = b.height * std::exp(lh);
    return boxAround(b.centerX() + dx * b.width, b.centerY() + dy * b.height, w, h);
}

std::vector<Box> BoxRegressor::withContext(const std::vector<Box>& boxes, double context)
{
    std::vector<Box> out;
    out.reserve(boxes.size());
    for (const Box& b : boxes)
        out.push_back(boxAround(b.centerX(), b.centerY(), context * b.width, context * b.height));
    return out;
}

void BoxRegressor::train(const std::vector<AnnotatedFrame>& frames, const BoxRegressorConfig& config,
                         Progress& progress)
{
    m_config = config;
    m_features = std::make_unique<HaarFeatures>(config.haarCount, config.haarGrid);
    cv::Mat all;
    std::array<std::vector<float>, 4> y;
    SubProgress featuring(progress, 0.0, 0.4);
    for (size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        featuring.step(static_cast<double>(i) / frames.size(), "Box regression features of " + f.name);
        if (!f.truth || f.truth->isEmpty())
            continue;
        const auto boxes = jittered(*f.truth, config, config.seed + static_cast<unsigned>(i));
        if (boxes.empty())
            continue;
        all.push_back(m_features->extract(f.gray, withContext(boxes, m_config.context)));
        for (const Box& b : boxes) {
            const auto t = targets(b, *f.truth);
            for (int k = 0; k < 4; ++k)
                y[k].push_back(t[k]);
        }
    }
    if (all.rows == 0) {
        m_features.reset();
        throw Error("No annotated training frame for the box regression", "Annotate the training images");
    }
    GbmParams gp;
    gp.objective = "reg:squarederror";
    gp.maxDepth = 3;
    gp.rounds = 150;
    gp.eta = 0.15;
    gp.subsample = 0.8;
    gp.seed = config.seed;
    gp.threads = config.threads;
    for (int k = 0; k < 4; ++k) {
        SubProgress boost(progress, 0.4 + 0.15 * k, 0.55 + 0.15 * k);
        m_models[k].train(all, y[k], gp, boost);
    }
    progress.step(1.0, "Box regression trained");
}

std::vector<Box> BoxRegressor::refine(const cv::Mat& gray8, const std::vector<Box>& boxes, const Box& region)
{
    if (!isTrained())
        throw Error("The box regression is not trained", {}, Error::Kind::Internal);
    if (boxes.empty())
        return {};
    const cv::Mat features = m_features->extract(gray8, withContext(boxes, m_config.context));
    std::array<std::vector<float>, 4> t;
    for (int k = 0; k < 4; ++k)
        t[k] = m_models[k].predict(features);
    std::vector<Box> out;
    for (size_t i = 0; i < boxes.size(); ++i) {
        Box b = applyTargets(boxes[i], {t[0][i], t[1][i], t[2][i], t[3][i]}, m_config);
        // Inside the region, as every candidate is (a box larger than it is shrunk to it).
        b.width = std::min(b.width, region.width);
        b.height = std::min(b.height, region.height);
        b.x = std::clamp(b.x, region.x, region.right() - b.width);
        b.y = std::clamp(b.y, region.y, region.bottom() - b.height);
        out.push_back(b);
    }
    return out;
}

std::string BoxRegressor::featuresJson() const
{
    if (!isTrained())
        throw Error("The box regression is not trained", {}, Error::Kind::Internal);
    return m_features->toJson();
}

std::array<std::vector<char>, 4> BoxRegressor::models() const
{
    if (!isTrained())
        throw Error("The box regression is not trained", {}, Error::Kind::Internal);
    return {m_models[0].save(), m_models[1].save(), m_models[2].save(), m_models[3].save()};
}

BoxRegressor BoxRegressor::restore(const BoxRegressorConfig& config, const std::string& featuresJson,
                                   const std::array<std::vector<char>, 4>& models)
{
    BoxRegressor r;
    r.m_config = config;
    r.m_features = std::make_unique<HaarFeatures>(HaarFeatures::fromJson(featuresJson));
    for (int k = 0; k < 4; ++k) {
        r.m_models[k] = GbmClassifier::load(models[k]);
        if (r.m_models[k].featureCount() != r.m_features->dimension())
            throw Error("The box regression's models do not fit its features", "The bundle is damaged; retrain",
                        Error::Kind::Corrupt);
    }
    return r;
}

} // namespace ks::detect
