#include "CnnFeatureExtractor.h"

#include "CnnModelImpl.h"
#include "FineTuner.h"
#include "RoiPooling.h"
#include "common/Error.h"

#include <ATen/Parallel.h>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cmath>
#include <map>

namespace ks::cnn {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Rank-r factors of W (out×in) ≈ B·A by a randomised SVD (Halko et al. 2011, two power
/// iterations), seeded. A: r×in (Σ·Vᵀ), B: out×r (U).
std::pair<torch::Tensor, torch::Tensor> truncatedSvd(const torch::Tensor& w, int rank)
{
    torch::NoGradGuard noGrad;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(12345);
    const int64_t k = std::min<int64_t>(rank + 16, std::min(w.size(0), w.size(1)));
    auto omega = at::randn({w.size(1), k}, generator, torch::kFloat32);
    auto q = std::get<0>(torch::linalg_qr(w.matmul(omega)));
    for (int i = 0; i < 2; ++i) {
        auto z = std::get<0>(torch::linalg_qr(w.t().matmul(q)));
        q = std::get<0>(torch::linalg_qr(w.matmul(z)));
    }
    auto small = q.t().matmul(w); // k×in
    auto [u, s, vh] = torch::linalg_svd(small, false);
    const int64_t r = std::min<int64_t>(rank, s.size(0));
    auto b = q.matmul(u.slice(1, 0, r)).contiguous();                       // out×r
    auto a = (s.slice(0, 0, r).unsqueeze(1) * vh.slice(0, 0, r)).contiguous(); // r×in
    return {a, b};
}

} // namespace

struct CnnFeatureExtractor::FastState
{
    torch::Tensor fc6A, fc6B; ///< low-rank fc6 (undefined: exact)
    torch::Tensor fc7A, fc7B;
};

CnnFeatureExtractor::CnnFeatureExtractor(std::shared_ptr<const CnnModel> model, FeaturePath path,
                                         FastPathOptions options)
    : m_model(std::move(model)), m_path(path), m_options(options), m_fast(std::make_unique<FastState>())
{
    if (!m_model) throw Error("A CNN feature extractor needs a network", "", Error::Kind::Internal);
    configureTorchThreads();
    if (m_options.maxScales < 1) m_options.maxScales = 1;
    if (m_path == FeaturePath::Fast && m_model->backbone() == Backbone::CaffeNet) {
        auto* net = dynamic_cast<CaffeNetNet*>(m_model->impl().net.get());
        if (m_options.fc6Rank > 0)
            std::tie(m_fast->fc6A, m_fast->fc6B) = truncatedSvd(net->fc6->weight.detach(), m_options.fc6Rank);
        if (m_options.fc7Rank > 0)
            std::tie(m_fast->fc7A, m_fast->fc7B) = truncatedSvd(net->fc7->weight.detach(), m_options.fc7Rank);
    }
}

CnnFeatureExtractor::~CnnFeatureExtractor() = default;

std::string CnnFeatureExtractor::name() const { return m_model->featureName(); }
int CnnFeatureExtractor::dimension() const { return m_model->featureDimension(); }

cv::Mat CnnFeatureExtractor::extract(const cv::Mat& frame, const std::vector<Box>& boxes, Progress& progress)
{
    if (frame.empty() || (frame.type() != CV_8UC1 && frame.type() != CV_8UC3))
        throw Error("CNN features need a non-empty 8-bit grey or BGR frame", "Convert the frame to 8 bits first");
    m_times = {};
    const auto start = Clock::now();
    cv::Mat out = boxes.empty() ? cv::Mat(0, dimension(), CV_32F)
                  : m_path == FeaturePath::PerPatch ? extractPerPatch(frame, boxes, progress)
                                                    : extractFast(frame, boxes, progress);
    m_times.total = since(start);
    return out;
}

cv::Mat CnnFeatureExtractor::extractPerPatch(const cv::Mat& frame, const std::vector<Box>& boxes, Progress& progress)
{
    const auto& impl = m_model->impl();
    auto* caffeNet = dynamic_cast<CaffeNetNet*>(impl.net.get());
    cv::Mat out(static_cast<int>(boxes.size()), dimension(), CV_32F, cv::Scalar(0));
    torch::NoGradGuard noGrad;
    impl.net->eval();
    const int size = m_model->inputSize();
    const int batchSize = std::max(1, m_batchSize);
    for (size_t first = 0; first < boxes.size(); first += batchSize) {
        progress.step(double(first) / boxes.size(), "CNN features (per patch)");
        auto t = Clock::now();
        std::vector<cv::Mat> patches;
        std::vector<int> rows;
        for (size_t i = first; i < std::min(boxes.size(), first + batchSize); ++i) {
            if (boxes[i].isEmpty()) continue;
            patches.push_back(cropPatch(frame, boxes[i], size));
            rows.push_back(static_cast<int>(i));
        }
        if (patches.empty()) continue;
        m_times.prepare += since(t);
        t = Clock::now();
        // conv1 on the grey values once (not on three identical channels) where it is exact.
        auto conv1 = patchesToConv1(*impl.net, patches, size);
        torch::Tensor features;
        if (caffeNet) {
            auto pool5 = caffeNet->forwardTo(conv1, "pool5", true);
            m_times.conv += since(t);
            t = Clock::now();
            features = torch::relu(caffeNet->fc7(torch::relu(caffeNet->fc6(pool5.flatten(1)))));
            m_times.fc += since(t);
        } else {
            features = impl.net->forwardTo(conv1, impl.net->featureBlob(), true);
            m_times.conv += since(t);
        }
        features = features.contiguous();
        for (size_t r = 0; r < rows.size(); ++r)
            std::memcpy(out.ptr<float>(rows[r]), features[r].data_ptr<float>(), dimension() * sizeof(float));
    }
    progress.step(1.0, "CNN features (per patch)");
    return out;
}

cv::Mat CnnFeatureExtractor::extractFast(const cv::Mat& frame, const std::vector<Box>& boxes, Progress& progress)
{
    const auto& impl = m_model->impl();
    auto* caffeNet = dynamic_cast<CaffeNetNet*>(impl.net.get());
    const int dim = dimension();
    cv::Mat out(static_cast<int>(boxes.size()), dim, CV_32F, cv::Scalar(0));
    torch::NoGradGuard noGrad;
    impl.net->eval();

    // Scale levels an octave/2 apart per axis; a box's ideal level (lx, ly) makes it about
    // 227×227 px, as the per-patch warp does. The most used levels are run; other boxes take the
    // nearest of those.
    const int patch = m_model->inputSize();
    using Level = std::pair<int, int>;
    const Level none{INT32_MIN, INT32_MIN};
    std::vector<Level> boxLevel(boxes.size(), none);
    std::map<Level, int> counts;
    for (size_t i = 0; i < boxes.size(); ++i) {
        if (boxes[i].isEmpty()) continue;
        boxLevel[i] = {static_cast<int>(std::lround(2 * std::log2(patch / boxes[i].width))),
                       static_cast<int>(std::lround(2 * std::log2(patch / boxes[i].height)))};
        if (!m_options.anisotropic) {
            const int mean = static_cast<int>(std::lround(0.5 * (boxLevel[i].first + boxLevel[i].second)));
            boxLevel[i] = {mean, mean};
        }
        ++counts[boxLevel[i]];
    }
    std::vector<std::pair<int, Level>> ranked;
    for (const auto& [level, n] : counts) ranked.emplace_back(n, level);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<Level> levels;
    for (size_t i = 0; i < ranked.size() && static_cast<int>(levels.size()) < m_options.maxScales; ++i)
        levels.push_back(ranked[i].second);
    for (auto& level : boxLevel) {
        if (level == none) continue;
        Level best = levels.front();
        auto distance = [&level](const Level& l) {
            return std::abs(l.first - level.first) + std::abs(l.second - level.second);
        };
        for (const auto& l : levels)
            if (distance(l) < distance(best)) best = l;
        level = best;
    }

    const int channels = caffeNet ? 256 : 512;
    const int grid = 6;
    const int pooledDim = caffeNet ? channels * grid * grid : channels;
    std::vector<int> rows;
    cv::Mat pooled; // rows × pooledDim, in the order of `rows`
    for (size_t li = 0; li < levels.size(); ++li) {
        progress.step(0.8 * li / levels.size(), "CNN features (fast): convolutions");
        // The trunk needs at least one conv5 cell (67 px); memory bounds the largest side.
        const double scaleX = std::clamp(std::pow(2.0, levels[li].first / 2.0), 67.0 / frame.cols,
                                         std::min(m_options.maxUpscale, double(m_options.maxFrameSide) / frame.cols));
        const double scaleY = std::clamp(std::pow(2.0, levels[li].second / 2.0), 67.0 / frame.rows,
                                         std::min(m_options.maxUpscale, double(m_options.maxFrameSide) / frame.rows));
        auto t = Clock::now();
        cv::Mat resized;
        if (std::abs(scaleX - 1.0) < 1e-9 && std::abs(scaleY - 1.0) < 1e-9)
            resized = frame;
        else
            cv::resize(frame, resized, cv::Size(), scaleX, scaleY,
                       scaleX < 1 && scaleY < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        const double sx = double(resized.cols) / frame.cols, sy = double(resized.rows) / frame.rows;
        torch::Tensor input;
        const bool grey = resized.channels() == 1 && impl.net->layers().front().pad == 0;
        if (grey) {
            cv::Mat asFloat;
            resized.convertTo(asFloat, CV_32F);
            input = torch::from_blob(asFloat.data, {1, 1, asFloat.rows, asFloat.cols}, torch::kFloat32).clone();
        } else {
            input = frameToTensor(resized);
        }
        m_times.prepare += since(t);
        t = Clock::now();
        auto trunk = grey ? impl.net->forwardTo(impl.net->greyConv1(input), impl.net->trunkBlob(), true)
                          : impl.net->forwardTo(input, impl.net->trunkBlob()); // 1×C×h×w
        auto hwc = trunk[0].permute({1, 2, 0}).contiguous();
        m_times.conv += since(t);
        t = Clock::now();
        const int h = static_cast<int>(hwc.size(0)), w = static_cast<int>(hwc.size(1));
        const float* map = hwc.data_ptr<float>();
        std::vector<int> levelRows;
        for (size_t i = 0; i < boxes.size(); ++i)
            if (boxLevel[i] == levels[li]) levelRows.push_back(static_cast<int>(i));
        cv::Mat levelPooled(static_cast<int>(levelRows.size()), pooledDim, CV_32F);
        at::parallel_for(0, static_cast<int64_t>(levelRows.size()), 16, [&](int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; ++r) {
                const Box& b = boxes[levelRows[r]];
                const Box scaled{b.x * sx, b.y * sy, b.width * sx, b.height * sy};
                if (caffeNet)
                    roiMaxPool(map, h, w, channels, scaled, grid, levelPooled.ptr<float>(static_cast<int>(r)));
                else
                    roiAveragePool(map, h, w, channels, scaled, 12, levelPooled.ptr<float>(static_cast<int>(r)));
            }
        });
        pooled.push_back(levelPooled);
        rows.insert(rows.end(), levelRows.begin(), levelRows.end());
        m_times.pool += since(t);
    }

    progress.step(0.8, "CNN features (fast): fully connected layers");
    auto t = Clock::now();
    cv::Mat features = pooled;
    if (caffeNet && !pooled.empty()) {
        features = cv::Mat(pooled.rows, dim, CV_32F);
        const int chunk = 1024;
        for (int first = 0; first < pooled.rows; first += chunk) {
            const int n = std::min(chunk, pooled.rows - first);
            auto x = torch::from_blob(pooled.ptr<float>(first), {n, pooledDim}, torch::kFloat32);
            torch::Tensor fc6;
            if (m_fast->fc6A.defined())
                fc6 = torch::addmm(caffeNet->fc6->bias, x.matmul(m_fast->fc6A.t()), m_fast->fc6B.t());
            else
                fc6 = caffeNet->fc6(x);
            fc6 = torch::relu(fc6);
            torch::Tensor fc7;
            if (m_fast->fc7A.defined())
                fc7 = torch::addmm(caffeNet->fc7->bias, fc6.matmul(m_fast->fc7A.t()), m_fast->fc7B.t());
            else
                fc7 = caffeNet->fc7(fc6);
            fc7 = torch::relu(fc7).contiguous();
            std::memcpy(features.ptr<float>(first), fc7.data_ptr<float>(), static_cast<size_t>(n) * dim * sizeof(float));
        }
    }
    for (size_t r = 0; r < rows.size(); ++r)
        features.row(static_cast<int>(r)).copyTo(out.row(rows[r]));
    m_times.fc += since(t);
    progress.step(1.0, "CNN features (fast)");
    return out;
}

} // namespace ks::cnn
