#include "LayerResponseSet.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ks::interpret {

namespace {

bool isConstant(const cv::Mat& m)
{
    double lo, hi;
    cv::minMaxLoc(m, &lo, &hi);
    return hi - lo <= 1e-9 * (1 + std::abs(hi));
}

} // namespace

std::vector<int> LayerResponseSet::ranking(bool byFrangi) const
{
    std::vector<int> order(filters.size());
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](int i) {
        const auto& f = filters[static_cast<std::size_t>(i)];
        if (isConstant(f.response))
            return -2.0;  // below any correlation
        return byFrangi ? f.nccFrangi : f.nccPhase;
    };
    std::vector<double> keys(filters.size());
    for (std::size_t i = 0; i < filters.size(); ++i)
        keys[i] = key(static_cast<int>(i));
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys[std::size_t(a)] > keys[std::size_t(b)]; });
    return order;
}

LayerResponseSet LayerResponseSet::measure(const std::vector<cv::Mat>& responses, const std::string& modelLabel,
                                           const std::string& layer, const ReferenceMaps& reference)
{
    LayerResponseSet set;
    set.model = modelLabel;
    set.layer = layer;
    int live = 0;
    double sumPc = 0, sumFr = 0, sumSi = 0, sumRes = 0;
    for (std::size_t i = 0; i < responses.size(); ++i) {
        FilterResponse fr;
        fr.filter = static_cast<int>(i);
        responses[i].convertTo(fr.response, CV_32F);
        if (fr.response.size() != reference.input.size())
            throw Error("A response map of " + layer + " does not have the patch's size", {}, Error::Kind::Internal);
        fr.nccPhase = ResponseMeasures::ncc(fr.response, reference.phase);
        fr.nccFrangi = ResponseMeasures::ncc(fr.response, reference.frangi);
        fr.speckle = ResponseMeasures::responseSpeckle(fr.response, reference.homogeneous);
        if (isConstant(fr.response)) {
            ++set.deadFilters;
        } else {
            ++live;
            sumPc += fr.nccPhase;
            sumFr += fr.nccFrangi;
            sumSi += fr.speckle.rectified.speckleIndex;
            sumRes += fr.speckle.residual;
            if (set.bestPhaseFilter < 0 || fr.nccPhase > set.maxNccPhase) {
                set.maxNccPhase = fr.nccPhase;
                set.bestPhaseFilter = fr.filter;
            }
            if (set.bestFrangiFilter < 0 || fr.nccFrangi > set.maxNccFrangi) {
                set.maxNccFrangi = fr.nccFrangi;
                set.bestFrangiFilter = fr.filter;
            }
        }
        set.filters.push_back(std::move(fr));
    }
    if (live > 0) {
        set.meanNccPhase = sumPc / live;
        set.meanNccFrangi = sumFr / live;
        set.meanSpeckleIndex = sumSi / live;
        set.meanResidual = sumRes / live;
    }
    return set;
}

} // namespace ks::interpret
