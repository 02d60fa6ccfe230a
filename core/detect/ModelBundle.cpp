#include "ModelBundle.h"

#include "HaarFeatures.h"
#include "Sha256.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace ks::detect {

namespace {
void writeFile(const fs::path& p, const std::string& bytes)
{
    const fs::path tmp = p.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            throw Error("Cannot write '" + p.string() + "'", "Check free space and permissions", Error::Kind::Io);
    }
    std::error_code ec;
    fs::rename(tmp, p, ec);
    if (ec)
        throw Error("Cannot write '" + p.string() + "': " + ec.message(), "Check permissions", Error::Kind::Io);
}

std::string readFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw Error("The model bundle lacks '" + p.filename().string() + "'",
                    "The bundle is incomplete; copy it again or retrain", Error::Kind::Corrupt);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json candidateJson(const CandidateConfig& c)
{
    return {{"target_count", c.targetCount}, {"stride_fraction", c.strideFraction}, {"scale_ratio", c.scaleRatio}};
}
} // namespace

std::string ModelBundle::appVersion()
{
#ifdef KS_APP_VERSION
    return KS_APP_VERSION;
#else
    return "unknown";
#endif
}

void ModelBundle::save(Detector& detector, const std::string& dirName, const std::string& provenanceJson)
{
    const fs::path dir(dirName);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw Error("Cannot create the model folder '" + dirName + "'", "Check the path and permissions", Error::Kind::Io);
    json manifest = json::parse(provenanceJson.empty() ? "{}" : provenanceJson);
    if (!manifest.is_object())
        throw Error("Bundle provenance must be a JSON object", {}, Error::Kind::Internal);
    manifest["format"] = "kidneyscope-detector";
    manifest["format_version"] = kFormatVersion;
    manifest["app_version"] = appVersion();
    manifest["sizes"] = json::parse(detector.sizes().toJson());
    manifest["candidates"] = candidateJson(detector.candidateConfig());
    manifest["hybrid"] = {{"cnn_top", detector.hybridConfig().cnnTop}};
    json files = json::object();
    json sets = json::object();
    for (const auto& name : detector.featureSetNames()) {
        FeatureSet& fs = detector.featureSet(name);
        json s;
        const std::vector<char> gbm = fs.gbm.save();
        const std::string gbmFile = name + ".gbm";
        writeFile(dir / gbmFile, std::string(gbm.begin(), gbm.end()));
        s["gbm"] = gbmFile;
        s["features"] = fs.extractor->name();
        s["dimension"] = fs.extractor->dimension();
        if (auto* haar = dynamic_cast<HaarFeatures*>(fs.extractor.get())) {
            const std::string f = name + "_features.json";
            writeFile(dir / f, haar->toJson());
            s["feature_list"] = f;
            s["haar_count"] = haar->dimension() - 2;
        } else {
            const std::string f = name + ".net";
            CnnBackend::save(*fs.extractor, (dir / f).string());
            s["network"] = f;
            s["backbone"] = fs.cnn.backbone;
            s["weights"] = fs.cnn.weights;
            s["weights_sha256"] = fs.cnn.weightsChecksum.empty() ? json("no ImageNet transfer") : json(fs.cnn.weightsChecksum);
            s["imagenet_transfer"] = fs.cnn.transfer;
            s["fine_tuning"] = fs.cnn.fineTuning;
            s["fast_path"] = fs.cnn.fastPath;
            if (fs.hasExact()) {
                const std::vector<char> exact = fs.exactGbm.save();
                const std::string exactFile = name + "_per_patch.gbm";
                writeFile(dir / exactFile, std::string(exact.begin(), exact.end()));
                s["per_patch_gbm"] = exactFile;
            }
        }
        for (const char* key : {"gbm", "feature_list", "network", "per_patch_gbm"})
            if (s.contains(key))
                files[s[key].get<std::string>()] = Sha256::ofFile((dir / s[key].get<std::string>()).string());
        sets[name] = s;
    }
    manifest["feature_sets"] = sets;
    manifest["files"] = files;
    writeFile(dir / "manifest.json", manifest.dump(2));
}

LoadedBundle ModelBundle::load(const std::string& dirName)
{
    const fs::path dir(dirName);
    if (!fs::is_directory(dir))
        throw Error("Model folder '" + dirName + "' does not exist", "Give a folder written by 'kidneyscope-cli train'",
                    Error::Kind::Io);
    if (!fs::is_regular_file(dir / "manifest.json"))
        throw Error("'" + dirName + "' is not a model bundle (no manifest.json)",
                    "Give a folder written by 'kidneyscope-cli train'");
    json m;
    try {
        m = json::parse(readFile(dir / "manifest.json"));
    } catch (const json::exception& e) {
        throw Error("The model manifest is damaged: " + std::string(e.what()), "Retrain the model", Error::Kind::Corrupt);
    }
    try {
        if (m.value("format", std::string()) != "kidneyscope-detector")
            throw Error("'" + dirName + "' is not a KidneyScope detector bundle", "Give a folder written by 'kidneyscope-cli train'");
        const int version = m.at("format_version").get<int>();
        if (version != kFormatVersion)
            throw Error("The model bundle has format version " + std::to_string(version) + " (written by KidneyScope "
                            + m.value("app_version", std::string("?")) + "); this KidneyScope reads version "
                            + std::to_string(kFormatVersion),
                        "Retrain the model with this version", Error::Kind::Unsupported);
        for (const auto& [file, sha] : m.at("files").items()) {
            const fs::path p = dir / file;
            if (!fs::is_regular_file(p))
                throw Error("The model bundle lacks '" + file + "'", "The bundle is incomplete; copy it again or retrain",
                            Error::Kind::Corrupt);
            if (Sha256::ofFile(p.string()) != sha.get<std::string>())
                throw Error("'" + file + "' in the model bundle does not match its checksum in manifest.json (tampered or damaged)",
                            "Use an intact copy of the bundle or retrain", Error::Kind::Corrupt);
        }
        CandidateConfig cc;
        const json& c = m.at("candidates");
        cc.targetCount = c.at("target_count");
        cc.strideFraction = c.at("stride_fraction");
        cc.scaleRatio = c.at("scale_ratio");
        LoadedBundle out{Detector(SizeModel::fromJson(m.at("sizes").dump()), cc), m.dump(2)};
        HybridConfig hybrid;
        if (m.contains("hybrid"))
            hybrid.cnnTop = m.at("hybrid").value("cnn_top", hybrid.cnnTop);
        out.detector.setHybridConfig(hybrid);
        for (const auto& [name, s] : m.at("feature_sets").items()) {
            FeatureSet fs;
            fs.name = name;
            const std::string gbm = readFile(dir / s.at("gbm").get<std::string>());
            fs.gbm = GbmClassifier::load(std::vector<char>(gbm.begin(), gbm.end()));
            if (s.contains("feature_list")) {
                fs.extractor = std::make_unique<HaarFeatures>(
                    HaarFeatures::fromJson(readFile(dir / s.at("feature_list").get<std::string>())));
            } else {
                fs.cnn.backbone = s.at("backbone");
                fs.cnn.weights = s.value("weights", std::string());
                fs.cnn.transfer = s.value("imagenet_transfer", false);
                fs.cnn.fineTuning = s.value("fine_tuning", std::string());
                fs.cnn.fastPath = s.value("fast_path", true);
                const auto sha = s.value("weights_sha256", std::string());
                fs.cnn.weightsChecksum = sha == "no ImageNet transfer" ? "" : sha;
                fs.extractor = CnnBackend::load((dir / s.at("network").get<std::string>()).string(), fs.cnn.backbone,
                                                 fs.cnn.fastPath);
                if (s.contains("per_patch_gbm")) {
                    const std::string exact = readFile(dir / s.at("per_patch_gbm").get<std::string>());
                    fs.exactGbm = GbmClassifier::load(std::vector<char>(exact.begin(), exact.end()));
                    fs.exactExtractor = CnnBackend::perPatchTwin(*fs.extractor);
                    if (fs.exactGbm.featureCount() != fs.exactExtractor->dimension())
                        throw Error("The '" + name + "' per-patch classifier does not fit its network",
                                    "The bundle is damaged; retrain", Error::Kind::Corrupt);
                }
            }
            if (fs.extractor->dimension() != fs.gbm.featureCount())
                throw Error("The '" + name + "' classifier expects " + std::to_string(fs.gbm.featureCount())
                                + " features but its extractor gives " + std::to_string(fs.extractor->dimension()),
                            "The bundle is damaged; retrain", Error::Kind::Corrupt);
            out.detector.addFeatureSet(std::move(fs));
        }
        return out;
    } catch (const json::exception& e) {
        throw Error("The model manifest is malformed: " + std::string(e.what()), "Retrain the model", Error::Kind::Corrupt);
    }
}

} // namespace ks::detect
