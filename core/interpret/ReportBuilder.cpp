#include "ReportBuilder.h"

#include "interpret/LayerResponses.h"
#include "interpret/WeightChange.h"

#include "cnn/CnnModel.h"
#include "common/Error.h"
#include "detect/Dataset.h"
#include "detect/Evaluation.h"
#include "detect/ModelBundle.h"
#include "common/Sha256.h"

#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>

namespace ks::interpret {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string fmt(double v, int digits = 3)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string nowUtc()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::string backboneTitle(const std::string& backbone)
{
    return backbone == "squeezenet" ? "SqueezeNet" : backbone == "caffenet" ? "CaffeNet" : backbone;
}

std::string compact(const json& j, std::size_t limit = 400)
{
    std::string s = j.is_string() ? j.get<std::string>() : j.dump();
    if (s.size() > limit)
        s = s.substr(0, limit) + " …";
    return s;
}

/// The box of `frame` warped to size×size (bilinear, edges replicated past the frame).
cv::Mat boxPatch(const cv::Mat& frame, const Box& box, int size)
{
    const double sx = size / std::max(box.width, 1e-6), sy = size / std::max(box.height, 1e-6);
    const cv::Matx23d m(sx, 0, -box.x * sx, 0, sy, -box.y * sy);
    cv::Mat out;
    cv::warpAffine(frame, out, m, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}

struct NamedModel
{
    std::string mode;   // "na", "pa", "fa"
    std::string label;  // "SqueezeNet FA"
    std::shared_ptr<const cnn::CnnModel> model; ///< the bundle's own (verified) network
};

} // namespace

std::string ReportBuilder::cocoPath(const std::string& study)
{
    const fs::path p(study);
    if (fs::is_regular_file(p))
        return p.string();
    if (fs::is_directory(p) && fs::is_regular_file(p / "annotations.json"))
        return (p / "annotations.json").string();
    throw Error("No annotated study at '" + study + "'",
                "Give a COCO JSON file or a folder with annotations.json (e.g. made by 'kidneyscope-cli phantom')");
}

ReportData ReportBuilder::build(const ReportOptions& o, ReportSummary* summary, Progress& progress)
{
    if (o.patches < 0 || o.topFilters < 1 || o.patchSize < 32)
        throw Error("Invalid report options", "Use --patches >= 0 and a patch size of at least 32 pixels");
    ReportData d;
    d.generated = nowUtc();
    ReportSummary sum;

    progress.step(0.0, "Loading the model bundle");
    detect::LoadedBundle bundle = detect::ModelBundle::load(o.bundleDir);
    d.manifestJson = bundle.manifestJson;
    const json manifest = json::parse(bundle.manifestJson);

    // The bundle's CNN networks, NA first (the imported weights every comparison starts from).
    std::vector<NamedModel> models;
    std::string backbone;
    if (manifest.contains("feature_sets"))
        for (const char* mode : {"na", "pa", "fa"}) {
            const auto it = manifest["feature_sets"].find(mode);
            if (it == manifest["feature_sets"].end() || !it->contains("network"))
                continue;
            backbone = it->value("backbone", std::string("caffenet"));
            NamedModel nm;
            nm.mode = mode;
            nm.label = backboneTitle(backbone) + " " + std::string(mode == std::string("na") ? "NA" : mode == std::string("pa") ? "PA" : "FA");
            // The network ModelBundle::load verified and parsed; never a second, unchecked read.
            nm.model = detect::CnnBackend::model(*bundle.detector.featureSet(mode).extractor);
            models.push_back(std::move(nm));
        }
    if (models.empty())
        d.notes.push_back("The bundle has no CNN network (trained with Haar only): no Table 2 and no response panels.");

    progress.step(0.05, "Loading the study");
    const std::string coco = cocoPath(o.study);
    std::vector<detect::AnnotatedFrame> frames;
    {
        SubProgress sub(progress, 0.05, 0.15);
        frames = detect::Dataset::loadCoco(coco, true, o.category, sub);
    }
    if (frames.empty())
        throw Error("The study has no annotated images", "Annotate the study first");

    // ---- Table 1 and per-image Dice ------------------------------------------------------------
    const std::string title = backboneTitle(backbone.empty() ? "caffenet" : backbone);
    if (o.evaluate) {
        std::vector<detect::AnnotatedFrame> evalFrames = frames;
        if (o.maxImages > 0 && static_cast<int>(evalFrames.size()) > o.maxImages) {
            std::vector<detect::AnnotatedFrame> picked;
            for (int i = 0; i < o.maxImages; ++i)
                picked.push_back(evalFrames[static_cast<std::size_t>(i) * evalFrames.size() / std::size_t(o.maxImages)]);
            evalFrames = std::move(picked);
        }
        SubProgress sub(progress, 0.15, 0.6);
        const auto methods = bundle.detector.methods();
        const detect::EvaluationResult r = detect::Evaluation::run(bundle.detector, evalFrames, methods, sub);
        d.table1.caption = "Detection on " + std::to_string(evalFrames.size()) + " frames (failure: Dice < "
            + fmt(r.failureDice, 2) + ")";
        d.table1.columns = {"Method", "Frames", "Mean Dice", "Failures", "Low confidence", "Seconds per frame"};
        for (auto m : r.methods) {
            const auto& s = r.summary.at(m);
            d.table1.rows.push_back({detect::methodTitle(m, title), std::to_string(s.n), fmt(s.meanDice),
                                     std::to_string(s.failures), std::to_string(s.lowConfidence), fmt(s.meanSeconds, 2)});
            sum.lines.push_back("Table 1 " + detect::methodTitle(m, title) + ": mean Dice " + fmt(s.meanDice) + ", failures "
                                + std::to_string(s.failures) + "/" + std::to_string(s.n));
        }
        d.perImageDice.columns = {"Image", "Truth box (x, y, w, h)"};
        for (auto m : r.methods)
            d.perImageDice.columns.push_back(detect::methodTitle(m, title));
        for (const auto& im : r.images) {
            std::vector<std::string> row{im.name, fmt(im.truth.x, 0) + ", " + fmt(im.truth.y, 0) + ", "
                                                      + fmt(im.truth.width, 0) + ", " + fmt(im.truth.height, 0)};
            for (auto m : r.methods) {
                const auto it = im.methods.find(m);
                row.push_back(it == im.methods.end() ? "" : fmt(it->second.dice) + (it->second.detection.lowConfidence ? " (low)" : ""));
            }
            d.perImageDice.rows.push_back(std::move(row));
        }
    } else {
        d.notes.push_back("Detection was not evaluated on the study (--no-eval); see the manifest's metrics.");
    }

    // ---- Table 2 ------------------------------------------------------------------------------
    progress.step(0.6, "Comparing weights");
    const NamedModel* na = models.empty() || models.front().mode != "na" ? nullptr : &models.front();
    if (na) {
        const WeightSet base = LayerResponses::weightSet(*na->model);
        for (const auto& m : models) {
            if (m.mode == "na")
                continue;
            WeightChangeTable t = WeightChange::compare(base, LayerResponses::weightSet(*m.model),
                                                        na->model->convLayerNames(), o.changeThreshold);
            const LayerChange* most = nullptr;
            // By median relative change: robust to single filters that were all-zero in NA
            // (their change is infinite) and informative when no filter passes the threshold.
            for (const auto& lc : t.layers)
                if (!most || lc.median > most->median || (lc.median == most->median && lc.changed > most->changed))
                    most = &lc;
            std::string counts;
            for (const auto& lc : t.layers)
                counts += (counts.empty() ? "" : ", ") + lc.layer + " " + std::to_string(lc.changed);
            if (most)
                sum.lines.push_back("Table 2 " + m.label + " vs NA: filters changed > " + fmt(100 * o.changeThreshold, 0)
                                    + " %: " + counts + "; most changed layer " + most->layer + " ("
                                    + std::to_string(most->changed) + "/" + std::to_string(most->filters)
                                    + " over the threshold, median change " + fmt(100 * most->median, 1) + " %)");
            d.table2.push_back({m.label + " vs " + na->label, std::move(t)});
        }
    } else if (!models.empty()) {
        d.notes.push_back("The bundle has no NA network: Table 2 needs the imported weights.");
    }

    // ---- Fig. 4 panels --------------------------------------------------------------------------
    std::vector<std::string> layers = o.layers;
    if (layers.empty() && !models.empty()) {
        // Fig. 4 shows layers 1 and 2: the first conv layer and the next one with a spatial
        // kernel (CaffeNet conv2; SqueezeNet's fire2 3×3 expand rather than its 1×1 squeeze).
        const auto& model = *models.front().model;
        const auto names = model.convLayerNames();
        if (!names.empty())
            layers.push_back(names.front());
        for (std::size_t i = 1; i < names.size(); ++i)
            if (model.convWeights(names[i]).kernelHeight > 1) {
                layers.push_back(names[i]);
                break;
            }
    }
    // Per model label and layer: sums over patches of the summary measures.
    struct Acc { double pc = 0, pcMax = 0, fr = 0, frMax = 0, si = 0, res = 0; int n = 0; };
    std::map<std::pair<std::string, std::string>, Acc> acc;
    std::vector<std::pair<std::string, std::string>> accOrder;
    const int patchCount = models.empty() ? 0 : std::min<int>(o.patches, static_cast<int>(frames.size()));
    double inputSi = 0;
    for (int p = 0; p < patchCount; ++p) {
        const auto& frame = frames[static_cast<std::size_t>(p) * frames.size() / std::size_t(patchCount)];
        progress.step(0.6 + 0.38 * p / std::max(1, patchCount), "Responses on " + frame.name);
        const cv::Mat patch = boxPatch(frame.gray, *frame.truth, o.patchSize);
        const ReferenceMaps ref = ReferenceMaps::compute(patch);
        inputSi += ref.inputSpeckle.speckleIndex;
        for (const auto& layer : layers) {
            ReportPanel panel;
            panel.caption = frame.name + ", ground-truth box, layer " + layer;
            panel.reference = ref;
            panel.topFilters = o.topFilters;
            for (const auto& m : models) {
                LayerResponseSet set = LayerResponses::analyse(*m.model, m.label, layer, ref);
                const auto key = std::make_pair(m.label, layer);
                if (!acc.count(key))
                    accOrder.push_back(key);
                Acc& a = acc[key];
                a.pc += set.meanNccPhase;
                a.pcMax += set.maxNccPhase;
                a.fr += set.meanNccFrangi;
                a.frMax += set.maxNccFrangi;
                a.si += set.meanSpeckleIndex;
                a.res += set.meanResidual;
                ++a.n;
                // Keep only the shown responses' images; the numbers are already summarised.
                const auto order = set.ranking();
                for (std::size_t k = static_cast<std::size_t>(o.topFilters); k < order.size(); ++k)
                    set.filters[static_cast<std::size_t>(order[k])].response.release();
                panel.models.push_back(std::move(set));
            }
            d.panels.push_back(std::move(panel));
        }
    }
    if (!acc.empty()) {
        d.measureSummary.caption = "Measures averaged over " + std::to_string(patchCount)
            + " patches (input speckle index " + fmt(inputSi / patchCount) + ")";
        d.measureSummary.columns = {"Model", "Layer", "Mean NCC PC", "Max NCC PC", "Mean NCC Frangi", "Max NCC Frangi",
                                    "Mean SI", "Mean residual"};
        for (const auto& key : accOrder) {
            const Acc& a = acc[key];
            d.measureSummary.rows.push_back({key.first, key.second, fmt(a.pc / a.n), fmt(a.pcMax / a.n), fmt(a.fr / a.n),
                                             fmt(a.frMax / a.n), fmt(a.si / a.n), fmt(a.res / a.n)});
            sum.lines.push_back("Responses " + key.first + " " + key.second + ": mean/max NCC PC " + fmt(a.pc / a.n) + "/"
                                + fmt(a.pcMax / a.n) + ", mean/max NCC Frangi " + fmt(a.fr / a.n) + "/" + fmt(a.frMax / a.n)
                                + ", mean speckle index " + fmt(a.si / a.n) + ", residual " + fmt(a.res / a.n));
        }
    }

    // ---- Configuration --------------------------------------------------------------------------
    std::string frameShas;
    for (const auto& f : frames)
        frameShas += f.sha256;
    d.configuration = {
        {"Bundle", fs::absolute(o.bundleDir).string()},
        {"Study (COCO)", fs::absolute(coco).string()},
        {"Study COCO sha256", Sha256::ofFile(coco)},
        {"Study frames", std::to_string(frames.size())},
        {"Study images sha256 (of the per-file digests in order)", Sha256::ofBytes(frameShas)},
        {"Report patches / layers / top filters", std::to_string(patchCount) + " / " + [&] {
             std::string s;
             for (const auto& l : layers)
                 s += (s.empty() ? "" : ",") + l;
             return s;
         }() + " / " + std::to_string(o.topFilters)},
        {"Table 2 threshold", fmt(100 * o.changeThreshold, 0) + " % (relative L2 norm)"},
        {"KidneyScope", detect::ModelBundle::appVersion()},
        {"OpenCV", CV_VERSION},
    };
    for (const auto& [k, v] : manifest.items())
        if (k != "files" && k != "feature_sets")
            d.configuration.push_back({"manifest: " + k, compact(v)});
    for (const auto& m : models)
        d.configuration.push_back({m.label + " weights", m.model->weightsDescription() + " (checksum " + m.model->weightsChecksum() + ")"});

    progress.step(1.0, "Report ready");
    if (summary)
        *summary = std::move(sum);
    return d;
}

} // namespace ks::interpret
