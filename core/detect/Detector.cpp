#include "Detector.h"

#include "common/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace ks::detect {

Detector::Detector(SizeModel sizes, CandidateConfig candidates)
    : m_sizes(std::move(sizes)), m_config(candidates)
{
}

void Detector::addFeatureSet(FeatureSet set)
{
    const std::string name = set.name;
    m_cache.clear();
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

std::vector<Box> Detector::regressBoxes(const cv::Mat& gray8, const Calibration& calibration,
                                       const std::vector<Box>& boxes)
{
    if (!hasBoxRegressor())
        throw Error("The model has no box regression", "Retrain it with this version");
    return m_regressor.refine(gray8, boxes, CandidateGenerator::region(gray8.cols, gray8.rows, calibration));
}

void Detector::judgePresence(const cv::Mat& gray8, Detection& d) const
{
    if (!hasPresence())
        return;
    d.novelty = m_presence.novelty(gray8, {d.box}).front();
    d.noveltyThreshold = m_presence.threshold();
    d.targetFound = d.novelty <= d.noveltyThreshold;
}

std::vector<float> Detector::cachedScores(const std::string& tag, FeatureExtractor& extractor,
                                          const GbmClassifier& gbm, const cv::Mat& gray8,
                                          const std::vector<Box>& boxes, Progress& progress)
{
    m_cache.useFrame(gray8);
    std::vector<float> out(boxes.size());
    std::vector<Box> missing;
    std::vector<size_t> where;
    for (size_t i = 0; i < boxes.size(); ++i) {
        if (const auto known = m_cache.find(tag, boxes[i])) {
            out[i] = *known;
        } else {
            missing.push_back(boxes[i]);
            where.push_back(i);
        }
    }
    if (!missing.empty()) {
        const auto fresh = gbm.predict(extractor.extract(gray8, missing, progress));
        for (size_t k = 0; k < missing.size(); ++k) {
            out[where[k]] = fresh[k];
            m_cache.store(tag, missing[k], fresh[k]);
        }
    }
    progress.step(1.0, "Scored");
    return out;
}

std::vector<Box> Detector::sweepCandidates(const cv::Mat& gray8, const Calibration& calibration) const
{
    return CandidateGenerator::forFrame(gray8.cols, gray8.rows, calibration, m_sizes, m_config);
}

std::vector<Box> Detector::neighbours(const Box& box, double shift, double scale, const Box& region)
{
    std::vector<Box> out;
    for (int sw = -1; sw <= 1; ++sw)
        for (int sh = -1; sh <= 1; ++sh) {
            const double w = box.width * std::pow(scale, sw), h = box.height * std::pow(scale, sh);
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    if (sw == 0 && sh == 0 && dx == 0 && dy == 0) continue;
                    // Sizes change about the centre; shifts are a fraction of the box's size.
                    Box b{box.x + 0.5 * (box.width - w) + dx * shift * box.width,
                          box.y + 0.5 * (box.height - h) + dy * shift * box.height, w, h};
                    if (b.x < region.x - 1e-9 || b.y < region.y - 1e-9 || b.right() > region.right() + 1e-9
                        || b.bottom() > region.bottom() + 1e-9)
                        continue;
                    out.push_back(b);
                }
        }
    return out;
}

std::vector<Box> Detector::candidates(const cv::Mat& gray8, const Calibration& calibration, Progress& progress)
{
    const bool refine = m_config.refineTop > 0 && hasFeatureSet("haar");
    if (!refine)
        return sweepCandidates(gray8, calibration);
    CandidateConfig coarse = m_config;
    coarse.targetCount = std::max(10, m_config.targetCount - m_config.refinementBoxes());
    std::vector<Box> boxes = CandidateGenerator::forFrame(gray8.cols, gray8.rows, calibration, m_sizes, coarse);
    if (boxes.empty())
        return boxes;
    const Box region = CandidateGenerator::region(gray8.cols, gray8.rows, calibration);
    FeatureSet& haar = featureSet("haar");
    SubProgress first(progress, 0.0, 0.7);
    const auto scores = cachedScores("haar", *haar.extractor, haar.gbm, gray8, boxes, first);
    std::vector<size_t> order(boxes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    std::vector<Box> picked;
    for (size_t i : order) {
        if (static_cast<int>(picked.size()) >= m_config.refineTop) break;
        if (std::all_of(picked.begin(), picked.end(), [&](const Box& p) { return iou(p, boxes[i]) < 0.5; }))
            picked.push_back(boxes[i]);
    }
    std::vector<Box> added;
    for (const auto& p : picked) {
        const auto n = neighbours(p, 0.04, 1.07, region);
        added.insert(added.end(), n.begin(), n.end());
    }
    if (!added.empty()) {
        // Round two around the best box of round one (or the best coarse box if it stays best).
        SubProgress second(progress, 0.7, 1.0);
        const auto addedScores = cachedScores("haar", *haar.extractor, haar.gbm, gray8, added, second);
        const size_t bestAdded = static_cast<size_t>(
            std::max_element(addedScores.begin(), addedScores.end()) - addedScores.begin());
        const Box centre = addedScores[bestAdded] > scores[order.front()] ? added[bestAdded] : boxes[order.front()];
        const auto fine = neighbours(centre, 0.02, 1.035, region);
        added.insert(added.end(), fine.begin(), fine.end());
    }
    boxes.insert(boxes.end(), added.begin(), added.end());
    progress.step(1.0, "Candidates refined");
    return boxes;
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
        const bool cascade = fs.hasExact() && m_hybrid.rowTop > 0;
        SubProgress fastProgress(sub, 0.0, cascade ? 0.3 : 1.0);
        if (sets[i] == "haar")
            out[sets[i]] = cachedScores("haar", *fs.extractor, fs.gbm, gray8, boxes, fastProgress);
        else // fast-path features depend on the whole box set (its scale levels): never cached
            out[sets[i]] = fs.gbm.predict(fs.extractor->extract(gray8, boxes, fastProgress));
        if (cascade) {
            SubProgress exactProgress(sub, 0.3, 1.0);
            out[sets[i]] = rescorePerPatch(fs, gray8, boxes, out[sets[i]], m_hybrid.rowTop, exactProgress);
        }
    }
    return out;
}

std::vector<float> Detector::rescorePerPatch(FeatureSet& fs, const cv::Mat& gray8, const std::vector<Box>& boxes,
                                             const std::vector<float>& fast, int top, Progress& progress)
{
    std::vector<size_t> order(boxes.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    const size_t n = std::min(boxes.size(), static_cast<size_t>(std::max(1, top)));
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(n), order.end(),
                      [&](size_t a, size_t b) { return fast[a] != fast[b] ? fast[a] > fast[b] : a < b; });
    std::vector<Box> some;
    for (size_t k = 0; k < n; ++k)
        some.push_back(boxes[order[k]]);
    const auto exact = cachedScores(fs.name + "/per-patch", *fs.exactExtractor, fs.exactGbm, gray8, some, progress);
    float lowest = 1.0f;
    for (float v : exact)
        lowest = std::min(lowest, v);
    // Boxes left out keep their order below every re-scored one.
    std::vector<float> out(boxes.size());
    for (size_t i = 0; i < boxes.size(); ++i)
        out[i] = 0.5f * lowest * std::clamp(fast[i], 0.0f, 1.0f);
    for (size_t k = 0; k < n; ++k)
        out[order[k]] = exact[k];
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

std::map<Method, std::vector<float>> Detector::scoreMethods(const cv::Mat& gray8, const std::vector<Box>& boxes,
                                                           const std::vector<Method>& methods, Progress& progress,
                                                           HybridStats* hybridStats,
                                                           std::map<std::string, std::vector<float>>* setScores)
{
    std::map<std::string, std::vector<float>> own;
    auto& scores = setScores ? *setScores : own;
    std::vector<std::string> sets;
    const bool hybrid = std::find(methods.begin(), methods.end(), Method::Hybrid) != methods.end();
    if (hybrid)
        sets.push_back("haar");
    for (Method m : methods)
        if (m != Method::Hybrid)
            for (const auto& s : featureSetsOf(m))
                if (std::find(sets.begin(), sets.end(), s) == sets.end())
                    sets.push_back(s);
    if (hybrid)
        featureSet("fa"); // an untrained hybrid fails before any work
    std::vector<std::string> missing;
    for (const auto& s : sets)
        if (!scores.count(s) || scores.at(s).size() != boxes.size())
            missing.push_back(s);
    const double split = hybrid ? 0.6 : 1.0;
    SubProgress setProgress(progress, 0.0, split);
    for (auto& [name, values] : scoreSets(gray8, boxes, missing, setProgress))
        scores[name] = std::move(values);
    std::map<Method, std::vector<float>> out;
    for (Method m : methods) {
        if (m != Method::Hybrid) {
            out[m] = combine(m, scores);
            continue;
        }
        SubProgress hybridProgress(progress, split, 1.0);
        const FeatureSet& fa = featureSet("fa");
        const auto known = scores.find("fa");
        if (m_hybrid.cnnTop <= 0 && !fa.hasExact() && known != scores.end() && known->second.size() == boxes.size()) {
            out[m] = combine(m, scores); // every box's FA score is there already
            if (hybridStats)
                *hybridStats = HybridStats{static_cast<int>(boxes.size()), true, !fa.cnn.fastPath, known->second};
            continue;
        }
        std::vector<float> hint;
        if (m_hybrid.cnnHint && m_hybrid.cnnTop > 0) {
            if (known != scores.end() && known->second.size() == boxes.size()) {
                hint = known->second; // the FA row's own likelihoods, already computed
            } else if (fa.hasExact()) {
                SubProgress fast(hybridProgress, 0.0, 0.3);
                hint = fa.gbm.predict(featureSet("fa").extractor->extract(gray8, boxes, fast));
            }
        }
        SubProgress cascade(hybridProgress, hint.empty() ? 0.0 : 0.3, 1.0);
        out[m] = scoreHybrid(gray8, boxes, scores.at("haar"), m_hybrid.cnnTop, false, cascade, hybridStats, hint);
    }
    return out;
}

std::vector<float> Detector::scoreHybrid(const cv::Mat& gray8, const std::vector<Box>& boxes,
                                         const std::vector<float>& haarScores, int top, bool bound, Progress& progress,
                                         HybridStats* stats, const std::vector<float>& cnnHint)
{
    if (haarScores.size() != boxes.size())
        throw Error("Hybrid scoring needs one Haar score per box", {}, Error::Kind::Internal);
    FeatureSet& fa = featureSet("fa");
    const bool exact = fa.hasExact();
    FeatureExtractor& extractor = exact ? *fa.exactExtractor : *fa.extractor;
    const GbmClassifier& gbm = exact ? fa.exactGbm : fa.gbm;
    std::vector<size_t> order(boxes.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return haarScores[a] > haarScores[b]; });
    const size_t first = top <= 0 ? boxes.size() : std::min(boxes.size(), static_cast<size_t>(top));
    if (cnnHint.size() == boxes.size() && first < boxes.size()) {
        // The first `first` boxes alternate between the two rankings (no box twice); the rest
        // follow in Haar order, so that the bound below still proves what it claims.
        std::vector<size_t> byHint(order.size());
        for (size_t i = 0; i < byHint.size(); ++i)
            byHint[i] = i;
        std::stable_sort(byHint.begin(), byHint.end(), [&](size_t a, size_t b) { return cnnHint[a] > cnnHint[b]; });
        std::vector<char> taken(boxes.size(), 0);
        std::vector<size_t> mixed;
        size_t h = 0, c = 0;
        while (mixed.size() < first) {
            const bool fromHaar = mixed.size() % 2 == 0;
            auto& k = fromHaar ? h : c;
            const auto& list = fromHaar ? order : byHint;
            while (k < list.size() && taken[list[k]])
                ++k;
            if (k < list.size()) {
                taken[list[k]] = 1;
                mixed.push_back(list[k]);
            }
        }
        for (size_t i : order)
            if (!taken[i])
                mixed.push_back(i);
        order = std::move(mixed);
    }
    std::vector<float> out(boxes.size());
    for (size_t i = 0; i < boxes.size(); ++i)
        out[i] = 0.5f * haarScores[i];
    if (stats)
        stats->cnn.assign(boxes.size(), std::numeric_limits<float>::quiet_NaN());
    float best = -1;
    size_t done = 0;
    const size_t chunk = 32;
    while (done < boxes.size()) {
        if (done >= first && (!bound || 0.5f * (haarScores[order[done]] + 1.0f) <= best))
            break; // the cascade is done, or no box left could win
        const size_t end = done < first ? first : std::min(boxes.size(), done + chunk);
        std::vector<Box> some;
        for (size_t k = done; k < end; ++k)
            some.push_back(boxes[order[k]]);
        SubProgress sub(progress, static_cast<double>(done) / boxes.size(), static_cast<double>(end) / boxes.size());
        const auto cnn = exact ? cachedScores("fa/per-patch", extractor, gbm, gray8, some, sub)
                               : gbm.predict(extractor.extract(gray8, some, sub));
        for (size_t k = done; k < end; ++k) {
            const size_t i = order[k];
            if (stats)
                stats->cnn[i] = cnn[k - done];
            out[i] = 0.5f * (haarScores[i] + cnn[k - done]);
            best = std::max(best, out[i]);
        }
        done = end;
    }
    if (stats) {
        stats->cnnBoxes = static_cast<int>(done);
        stats->exact = done >= boxes.size() || 0.5f * (haarScores[order[done]] + 1.0f) <= best;
        stats->perPatch = exact || !fa.cnn.fastPath;
    }
    progress.step(1.0, "Hybrid scored");
    return out;
}

Detection Detector::detect(Method method, const cv::Mat& gray8, const Calibration& calibration, Progress& progress,
                           std::vector<Box>* boxesOut, std::vector<float>* likelihoodsOut)
{
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& s : featureSetsOf(method))
        featureSet(s); // throws a clear error for an untrained method
    const auto boxes = candidates(gray8, calibration);
    if (boxes.empty())
        throw Error("The image (" + std::to_string(gray8.cols) + "×" + std::to_string(gray8.rows)
                        + " px) yields no candidate boxes",
                    "Check the image's calibration and the model's preset sizes");
    auto scores = scoreMethods(gray8, boxes, {method}, progress).at(method);
    Detection d = choose(boxes, scores);
    d.method = methodName(method);
    judgePresence(gray8, d);
    d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (likelihoodsOut)
        *likelihoodsOut = std::move(scores);
    if (boxesOut)
        *boxesOut = boxes;
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
