#include "GbmClassifier.h"

#include "common/Error.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <limits>
#include <set>
#include <thread>

namespace ks::detect {

namespace {
void check(int rc, const char* what)
{
    if (rc != 0)
        throw Error(std::string("XGBoost failed to ") + what + ": " + XGBGetLastError(), {}, Error::Kind::Internal);
}

int threadCount(int requested)
{
    return requested > 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
}

struct Matrix
{
    DMatrixHandle h = nullptr;
    explicit Matrix(const cv::Mat& m)
    {
        cv::Mat c = m.isContinuous() ? m : m.clone();
        check(XGDMatrixCreateFromMat(c.ptr<float>(), c.rows, c.cols, std::numeric_limits<float>::quiet_NaN(), &h),
              "create a matrix");
    }
    ~Matrix() { XGDMatrixFree(h); }
};

void setParams(BoosterHandle b, const GbmParams& p)
{
    auto set = [&](const char* k, const std::string& v) { check(XGBoosterSetParam(b, k, v.c_str()), "set a parameter"); };
    set("objective", p.objective);
    set("max_depth", std::to_string(p.maxDepth));
    set("eta", std::to_string(p.eta));
    set("subsample", std::to_string(p.subsample));
    set("seed", std::to_string(p.seed));
    set("tree_method", "hist");
    set("nthread", std::to_string(threadCount(p.threads)));
    set("verbosity", "0");
}
} // namespace

GbmClassifier::~GbmClassifier()
{
    if (m_booster)
        XGBoosterFree(m_booster);
}

GbmClassifier::GbmClassifier(GbmClassifier&& o) noexcept
    : m_booster(o.m_booster), m_features(o.m_features), m_threads(o.m_threads)
{
    o.m_booster = nullptr;
}

GbmClassifier& GbmClassifier::operator=(GbmClassifier&& o) noexcept
{
    if (this != &o) {
        if (m_booster)
            XGBoosterFree(m_booster);
        m_booster = o.m_booster;
        m_features = o.m_features;
        m_threads = o.m_threads;
        o.m_booster = nullptr;
    }
    return *this;
}

void GbmClassifier::train(const cv::Mat& features, const std::vector<float>& labels, const GbmParams& params,
                          Progress& progress)
{
    if (features.rows == 0 || labels.empty())
        throw Error("No training samples for the classifier", "Give annotated training images");
    if (features.type() != CV_32F || features.rows != static_cast<int>(labels.size()))
        throw Error("Classifier features and labels disagree in size", {}, Error::Kind::Internal);
    const std::set<float> classes(labels.begin(), labels.end());
    if (params.objective == "binary:logistic" && classes.size() < 2)
        throw Error(std::string("The training samples are all ") + (*classes.begin() > 0.5f ? "positive" : "negative"),
                    "Check that the annotations match the images and the candidate sizes (preset)");
    if (m_booster) {
        XGBoosterFree(m_booster);
        m_booster = nullptr;
    }
    Matrix dtrain(features);
    check(XGDMatrixSetFloatInfo(dtrain.h, "label", labels.data(), labels.size()), "set labels");
    BoosterHandle b = nullptr;
    check(XGBoosterCreate(&dtrain.h, 1, &b), "create a booster");
    m_booster = b;
    m_features = features.cols;
    m_threads = params.threads;
    setParams(b, params);
    for (int r = 0; r < params.rounds; ++r) {
        progress.step(static_cast<double>(r) / params.rounds, "Boosting round " + std::to_string(r + 1));
        check(XGBoosterUpdateOneIter(b, r, dtrain.h), "train a round");
    }
    progress.step(1.0, "Boosting done");
}

std::vector<float> GbmClassifier::predict(const cv::Mat& features) const
{
    if (!m_booster)
        throw Error("The classifier is not trained", {}, Error::Kind::Internal);
    if (features.rows == 0)
        return {};
    if (features.cols != m_features || features.type() != CV_32F)
        throw Error("The classifier expects " + std::to_string(m_features) + " features, got "
                        + std::to_string(features.cols),
                    "The model and the feature extractor do not belong together", Error::Kind::Corrupt);
    Matrix d(features);
    bst_ulong len = 0;
    const float* out = nullptr;
    check(XGBoosterPredict(m_booster, d.h, 0, 0, 0, &len, &out), "predict");
    return std::vector<float>(out, out + len);
}

std::vector<char> GbmClassifier::save() const
{
    if (!m_booster)
        throw Error("The classifier is not trained", {}, Error::Kind::Internal);
    bst_ulong len = 0;
    const char* data = nullptr;
    check(XGBoosterSaveModelToBuffer(m_booster, R"({"format": "ubj"})", &len, &data), "save the model");
    return std::vector<char>(data, data + len);
}

GbmClassifier GbmClassifier::load(const std::vector<char>& bytes, int threads)
{
    GbmClassifier g;
    BoosterHandle b = nullptr;
    check(XGBoosterCreate(nullptr, 0, &b), "create a booster");
    g.m_booster = b;
    if (bytes.empty() || XGBoosterLoadModelFromBuffer(b, bytes.data(), bytes.size()) != 0)
        throw Error("The classifier model is damaged (XGBoost could not read it)", "Retrain the model",
                    Error::Kind::Corrupt);
    bst_ulong n = 0;
    check(XGBoosterGetNumFeature(b, &n), "read the feature count");
    g.m_features = static_cast<int>(n);
    g.m_threads = threads;
    check(XGBoosterSetParam(b, "nthread", std::to_string(threadCount(threads)).c_str()), "set threads");
    return g;
}

} // namespace ks::detect
