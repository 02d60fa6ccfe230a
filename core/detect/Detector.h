#pragma once
/// \file Detector.h
/// Detection as in the paper: score every candidate with a feature set's GBM, keep those
/// classified positive (p ≥ 0.5), return the most likely; if none is positive, the best one
/// flagged low-confidence. Hybrid averages the Haar-GBM and FA-GBM likelihoods per candidate.

#include "BoxRegressor.h"
#include "CandidateGenerator.h"
#include "CnnBackend.h"
#include "GbmClassifier.h"
#include "Method.h"
#include "PatchScoreCache.h"
#include "TargetPresence.h"

#include "common/Box.h"
#include "common/Calibration.h"
#include "common/FeatureExtractor.h"
#include "common/Progress.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ks::detect {

/// The answer for one frame. Value type.
struct Detection
{
    Box box;                    ///< pixels
    double likelihood = 0;      ///< the GBM probability (hybrid: the mean of two)
    bool lowConfidence = false; ///< no candidate was classified positive
    std::string method;         ///< "haar", ..., "hybrid"
    int candidateCount = 0;
    int positiveCount = 0;      ///< candidates with likelihood ≥ 0.5
    double seconds = 0;         ///< wall time of candidates + features + scoring
    /// False when the detector has a target-presence model and the chosen box does not look like
    /// any training target ("no kidney found"); the box is still the method's choice.
    bool targetFound = true;
    double novelty = -1;        ///< TargetPresence::novelty of the box (-1: no presence model)
    double noveltyThreshold = -1;
};

/// A feature extractor and the GBM trained on its features.
struct FeatureSet
{
    std::string name;                            ///< "haar", "na", "pa", "fa"
    std::unique_ptr<FeatureExtractor> extractor;
    GbmClassifier gbm;
    CnnInfo cnn;                                 ///< provenance of a CNN set (empty for haar)
    /// Optional (CNN sets with fast-path features): the same network's per-patch features (the
    /// paper's: each box warped to the input size) and a GBM trained on them. The hybrid scores
    /// its CNN half with these when present.
    std::unique_ptr<FeatureExtractor> exactExtractor;
    GbmClassifier exactGbm;
    bool hasExact() const { return exactExtractor != nullptr && exactGbm.isTrained(); }
};

/// How the hybrid is scored. Value type.
struct HybridConfig
{
    /// Cascade: only the Haar-GBM's `cnnTop` most likely candidates go through the CNN; the
    /// others keep half their Haar likelihood (the hybrid's lower bound: they cannot be chosen).
    /// 0 = every candidate goes through the CNN.
    int cnnTop = 32;
    /// The single CNN rows (NA/PA/FA) with a per-patch GBM: their own fast-path (RoI-pooled)
    /// likelihoods rank every candidate, and the `rowTop` most likely go through the paper's
    /// per-patch features and GBM, which decide; the others are scaled below every re-scored box
    /// (they cannot be chosen). 0 = the fast-path likelihoods decide (bundles from before).
    int rowTop = 32;
    /// Beyond the paper: the Haar share of the hybrid likelihood chosen on the training split by
    /// cross-validation (HybridWeight); < 0: none learnt. Method::Hybrid keeps the paper's mean;
    /// the weighted hybrid is an extra Table 1 row.
    double cvWeight = -1;
    /// The cascade's `cnnTop` boxes alternate between the Haar-GBM's ranking and the FA set's
    /// own (fast-path, or its row cascade's) ranking, so that a region the CNN finds and Haar
    /// misses is scored by both halves; false: Haar's ranking alone (bundles from before).
    bool cnnHint = true;
};

/// What scoring the hybrid cost and whether its answer is provably the exhaustive one.
struct HybridStats
{
    int cnnBoxes = 0;        ///< candidates that went through the CNN
    /// True when no candidate left out of the CNN could have beaten the chosen one even with a
    /// CNN likelihood of 1: (haar + 1) / 2 ≤ the best hybrid likelihood found.
    bool exact = false;
    bool perPatch = false;   ///< the CNN half used per-patch (paper) features
    /// The CNN half's likelihood of every box (NaN for boxes the cascade left out).
    std::vector<float> cnn;
};

/// A trained detector: candidate sizes plus one FeatureSet per trained feature set. Move-only.
/// Not thread-safe (feature extractors keep state); use one per thread.
class Detector
{
public:
    Detector(SizeModel sizes, CandidateConfig candidates);

    void addFeatureSet(FeatureSet set);
    bool hasFeatureSet(const std::string& name) const { return m_sets.count(name) > 0; }
    FeatureSet& featureSet(const std::string& name);
    std::vector<std::string> featureSetNames() const;
    /// Methods whose feature sets are all present, in Table 1 order.
    std::vector<Method> methods() const;

    const SizeModel& sizes() const { return m_sizes; }
    const CandidateConfig& candidateConfig() const { return m_config; }
    void setCandidateConfig(const CandidateConfig& c) { m_config = c; }
    const HybridConfig& hybridConfig() const { return m_hybrid; }
    void setHybridConfig(const HybridConfig& c) { m_hybrid = c; }

    /// The optional box-regression stage (beyond the paper; BoxRegressor).
    bool hasBoxRegressor() const { return m_regressor.isTrained(); }
    void setBoxRegressor(BoxRegressor r) { m_regressor = std::move(r); }
    BoxRegressor& boxRegressor() { return m_regressor; }
    /// The optional "no target" decision (TargetPresence); detect() applies it.
    bool hasPresence() const { return m_presence.isTrained(); }
    void setPresence(TargetPresence p) { m_presence = std::move(p); }
    const TargetPresence& presence() const { return m_presence; }
    /// Sets d.targetFound / novelty from the presence model (no-op without one).
    void judgePresence(const cv::Mat& gray8, Detection& d) const;

    /// The chosen `boxes` refined by the box regression, inside the frame's candidate region.
    /// \throws ks::Error when the detector has no box regression
    std::vector<Box> regressBoxes(const cv::Mat& gray8, const Calibration& calibration, const std::vector<Box>& boxes);

    /// Candidate boxes of a frame (its field of view, sizes converted with its calibration): the
    /// sweep, then — with a Haar set and candidateConfig().refineTop > 0 — the coarse-to-fine
    /// refinement around the Haar-GBM's most likely boxes (CandidateConfig). Deterministic.
    std::vector<Box> candidates(const cv::Mat& gray8, const Calibration& calibration,
                                Progress& progress = NullProgress::instance());
    /// The sweep alone (what training labels are drawn from).
    std::vector<Box> sweepCandidates(const cv::Mat& gray8, const Calibration& calibration) const;
    /// Local neighbours of `box`: shifts of {-1, 0, 1}·shift·size per axis and sizes ×scale^{-1,0,1}
    /// per axis, the box itself left out, clipped to `region` (80 boxes or fewer).
    static std::vector<Box> neighbours(const Box& box, double shift, double scale, const Box& region);

    /// GBM likelihood of every box for each requested feature set (each computed once). A CNN
    /// set with a per-patch GBM is scored as a cascade (HybridConfig::rowTop).
    std::map<std::string, std::vector<float>> scoreSets(const cv::Mat& gray8, const std::vector<Box>& boxes,
                                                        const std::vector<std::string>& sets,
                                                        Progress& progress = NullProgress::instance());
    /// Likelihoods of a method from per-set scores (hybrid: the mean of haar and fa).
    static std::vector<float> combine(Method method, const std::map<std::string, std::vector<float>>& setScores);

    /// Likelihoods of every requested method for every box: the single methods from their sets'
    /// scores (scoreSets), the hybrid through scoreHybrid() with hybridConfig().cnnTop.
    /// \param setScores optional, in and out: per-set scores on these boxes already computed
    ///        (not recomputed) and, on return, every set scored on all boxes (haar when the
    ///        hybrid is asked for).
    std::map<Method, std::vector<float>> scoreMethods(const cv::Mat& gray8, const std::vector<Box>& boxes,
                                                      const std::vector<Method>& methods,
                                                      Progress& progress = NullProgress::instance(),
                                                      HybridStats* hybridStats = nullptr,
                                                      std::map<std::string, std::vector<float>>* setScores = nullptr);

    /// The hybrid's likelihood of every box, given the Haar-GBM's: candidates in decreasing Haar
    /// order go through the FA network (per-patch features when the set has them) in chunks —
    /// the first `top` of them (top ≤ 0: all). With `bound`, chunks continue until no remaining
    /// candidate could beat the best one even with a CNN likelihood of 1; the chosen box is then
    /// exactly the one an exhaustive evaluation would choose, at a fraction of its cost. Boxes
    /// not evaluated get haar / 2.
    /// \param cnnHint optional (empty: none): a ranking of the boxes by the CNN half (e.g. the FA
    ///        set's fast-path likelihoods); the first `top` boxes then alternate between the Haar
    ///        ranking and this one. The bound's proof holds either way.
    std::vector<float> scoreHybrid(const cv::Mat& gray8, const std::vector<Box>& boxes,
                                   const std::vector<float>& haarScores, int top, bool bound,
                                   Progress& progress = NullProgress::instance(), HybridStats* stats = nullptr,
                                   const std::vector<float>& cnnHint = {});

    /// Full detection on one frame. \throws ks::Error when the method was not trained or the
    /// frame yields no candidates (frame smaller than the smallest box).
    /// \param boxes, likelihoods optional: receive the candidates and their likelihoods (e.g. for
    ///        likelihoodMap())
    Detection detect(Method method, const cv::Mat& gray8, const Calibration& calibration,
                     Progress& progress = NullProgress::instance(), std::vector<Box>* boxes = nullptr,
                     std::vector<float>* likelihoods = nullptr);

    /// The paper's decision rule on scored boxes. \throws ks::Error (Internal) when empty.
    static Detection choose(const std::vector<Box>& boxes, const std::vector<float>& likelihoods);

    /// Per pixel, the maximum likelihood of the candidates covering it (0 where none), CV_32F of
    /// `size`. Computed on cells of `cell` pixels and scaled up (nearest), so that it stays cheap.
    static cv::Mat likelihoodMap(cv::Size size, const std::vector<Box>& boxes, const std::vector<float>& likelihoods,
                                 int cell = 4);

private:
    /// The row cascade: the `top` boxes most likely by `fast` re-scored with the set's per-patch
    /// features and GBM.
    std::vector<float> rescorePerPatch(FeatureSet& fs, const cv::Mat& gray8, const std::vector<Box>& boxes,
                                       const std::vector<float>& fast, int top, Progress& progress);
    /// gbm.predict(extractor.extract(gray8, boxes)) for an extractor whose features of a box do
    /// not depend on the other boxes (Haar, per-patch CNN): boxes already scored under `tag` on
    /// this frame come from m_cache, the others are computed in one call and kept.
    std::vector<float> cachedScores(const std::string& tag, FeatureExtractor& extractor, const GbmClassifier& gbm,
                                    const cv::Mat& gray8, const std::vector<Box>& boxes, Progress& progress);

    SizeModel m_sizes;
    CandidateConfig m_config;
    HybridConfig m_hybrid;
    std::map<std::string, FeatureSet> m_sets;
    BoxRegressor m_regressor;
    TargetPresence m_presence;
    PatchScoreCache m_cache; ///< per-box scores on the frame seen last (cleared when a set changes)
};

} // namespace ks::detect
