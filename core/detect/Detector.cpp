#include "Detector.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace ks::detect {

Detector::Detector(SizeModel sizes, CandidateConfig candidates)
    : m_sizes(std::move(sizes)), m_config(candidates)
{
}

void Detector::addFeatureSet(FeatureSet set)
{
    const std::string name = set.name;
    m_sets.erase(name);
    m_sets.emplace(name, std::move(set));
}

FeatureSet& Detector::featureSet(const std::string& name)
{
    auto it = m_sets.find(name);
    if (it == m_sets.end())
        throw Error("The model has no '" + name + "' classifier", "Train it (e.g. --methods " + name + ")");
    return it->second;
}

std::vector<std::string> Detector::featureSetNames() const
{
    std::vector<std::string> out;
    for (const auto& [name, set] : m_sets)
        out.push_back(name);
    return out;
}

std::vector<Method> Detector::methods() const
{
    std::vector<Method> out;
    for (Method m : {Method::Haar, Method::NA, Method::PA, Method::FA, Method::Hybrid}) {
        const auto sets = featureSetsOf(m);
        if (std::all_of(sets.begin(), sets.end(), [&](const std::string& s) { return m_sets.count(s) > 0; }))
            out.push_back(m);
    }
    return out;
}

std::vector<Box> Detector::candidates(const cv::Mat& gray8, const Calibration& calibration) const
{
    return CandidateGenerator::forFrame(gray8.cols, gray8.rows, calibration, m_sizes, m_config);
}

std::map<std::string, std::vector<float>> Detector::scoreSets(const cv::Mat& gray8, const std::vector<Box>& boxes,
                                                              const std::vector<std::string>& sets,
                                                              Progress& progress)
{
    std::map<std::string, std::vector<float>> out;
    for (size_t i = 0; i < sets.size(); ++i) {
        if (out.count(sets[i]))
            continue;
        FeatureSet& fs = featureSet(sets[i]);
        SubProgress sub(progress, static_cast<double>(i) / sets.size(), static_cast<double>(i + 1) / sets.size());
        const cv::Mat features = fs.extractor->extract(gray8, boxes, sub);
        out[sets[i]] = fs.gbm.predict(features);
    }
    return out;
}

std::vector<float> Detector::combine(Method method, const std::map<std::string, std::vector<float>>& setScores)
{
    const auto sets = featureSetsOf(method);
    std::vector<float> out;
    for (const auto& s : sets) {
        auto it = setScores.find(s);
        if (it == setScores.end())
            throw Error("No '" + s + "' scores for method " + methodName(method), {}, Error::Kind::Internal);
        if (out.empty())
            out = it->second;
        else
            for (size_t i = 0; i < out.size(); ++i)
                out[i] += it->second[i];
    }
    for (float& v : out)
        v /= static_cast<float>(sets.size());
    return out;
}

Detection Detector::detect(Method method, const cv::Mat& gray8, const Calibration& calibration, Progress& progress)
{
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& s : featureSetsOf(method))
        featureSet(s); // throws a clear error for an untrained method
    const auto boxes = candidates(gray8, calibration);
    if (boxes.empty())
        throw Error("The image (" + std::to_string(gray8.cols) + "×" + std::to_string(gray8.rows)
                        + " px) yields no candidate boxes",
                    "Check the image's calibration and the model's preset sizes");
    const auto scores = combine(method, scoreSets(gray8, boxes, featureSetsOf(method), progress));
    Detection d = choose(boxes, scores);
    d.method = methodName(method);
    d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return d;
}

Detection Detector::choose(const std::vector<Box>& boxes, const std::vector<float>& likelihoods)
{
    if (boxes.empty() || boxes.size() != likelihoods.size())
        throw Error("No scored candidates to choose from", {}, Error::Kind::Internal);
    Detection d;
    d.candidateCount = static_cast<int>(boxes.size());
    size_t best = 0;
    for (size_t i = 0; i < likelihoods.size(); ++i) {
        if (likelihoods[i] >= 0.5f)
            ++d.positiveCount;
        if (likelihoods[i] > likelihoods[best])
            best = i;
    }
    // The most likely positive is the most likely box overall; when no box is positive the most
    // likely one is returned and flagged.
    d.box = boxes[best];
    d.likelihood = likelihoods[best];
    d.lowConfidence = d.positiveCount == 0;
    return d;
}

cv::Mat Detector::likelihoodMap(cv::Size size, const std::vector<Box>& boxes, const std::vector<float>& likelihoods,
                                int cell)
{
    cell = std::max(1, cell);
    const int cw = (size.width + cell - 1) / cell, ch = (size.height + cell - 1) / cell;
    cv::Mat small(ch, cw, CV_32F, cv::Scalar(0));
    for (size_t i = 0; i < boxes.size() && i < likelihoods.size(); ++i) {
        const Box& b = boxes[i];
        // cells whose centre lies inside the box
        const int x0 = std::max(0, static_cast<int>(std::ceil(b.x / cell - 0.5)));
        const int y0 = std::max(0, static_cast<int>(std::ceil(b.y / cell - 0.5)));
        const int x1 = std::min(cw, static_cast<int>(std::ceil(b.right() / cell - 0.5)));
        const int y1 = std::min(ch, static_cast<int>(std::ceil(b.bottom() / cell - 0.5)));
        for (int y = y0; y < y1; ++y) {
            float* row = small.ptr<float>(y);
            for (int x = x0; x < x1; ++x)
                row[x] = std::max(row[x], likelihoods[i]);
        }
    }
    cv::Mat full;
    cv::resize(small, full, cv::Size(cw * cell, ch * cell), 0, 0, cv::INTER_NEAREST);
    return full(cv::Rect(0, 0, size.width, size.height)).clone();
}

} // namespace ks::detect
