#include "ModelBundle.h"

#include "BundleFiles.h"
#include "HaarFeatures.h"
#include "common/Sha256.h"

#include "common/Error.h"
#include "common/UntrustedJson.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
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

/// "<64 hex>  manifest.json\n", as sha256sum writes it (so `sha256sum -c manifest.sha256` works).
std::string checksumLine(const std::string& manifestBytes)
{
    return Sha256::ofBytes(manifestBytes) + "  manifest.json\n";
}

bool isHex64(const std::string& s)
{
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

[[noreturn]] void tampered(const std::string& what)
{
    throw Error("The model bundle " + what + " (tampered or damaged)", "Use an intact copy of the bundle or retrain",
                Error::Kind::Corrupt);
}

/// Verifies manifest.sha256 against manifest.json's bytes and returns the parsed manifest;
/// nothing of the manifest is parsed before its checksum matches.
json verifiedManifest(const BundleFiles& files, const std::string& dirName)
{
    if (!files.exists("manifest.json"))
        throw Error("'" + dirName + "' is not a model bundle (no manifest.json)",
                    "Give a folder written by 'kidneyscope-cli train'");
    if (!files.exists("manifest.sha256"))
        throw Error("The model bundle '" + dirName + "' has no manifest checksum (manifest.sha256): it was written by "
                        "an older KidneyScope, whose bundles hold TorchScript networks that can run code while they "
                        "load, or its checksum was removed",
                    "Retrain the model with this version, or re-import the weights with --torchscript FILE "
                    "--trust-torchscript if you trust where they came from",
                    Error::Kind::Unsupported);
    const std::string line = files.read("manifest.sha256", BundleFiles::kMaxChecksumBytes);
    const std::string bytes = files.read("manifest.json", BundleFiles::kMaxManifestBytes);
    const std::string want = line.substr(0, std::min<std::size_t>(line.size(), 64));
    if (!isHex64(want))
        tampered("checksum file manifest.sha256 is not a SHA-256 line");
    if (Sha256::ofBytes(bytes) != want)
        tampered("manifest.json does not match its checksum in manifest.sha256");
    return parseUntrustedJson(bytes, "The model manifest", "Retrain the model, or ask for the bundle again",
                              Error::Kind::Corrupt);
}

/// Verifies every file the manifest lists (size from stat first, then the SHA-256 of the bytes
/// read) and returns their bytes by name. Missing or empty `files` is refused.
std::map<std::string, std::string> verifiedFiles(const BundleFiles& files, const json& m)
{
    if (!m.contains("files") || !m["files"].is_object() || m["files"].empty())
        tampered("manifest lists no files with their checksums");
    const json& list = m["files"];
    if (list.size() > BundleFiles::kMaxFiles)
        tampered("manifest lists " + std::to_string(list.size()) + " files, more than the "
                 + std::to_string(BundleFiles::kMaxFiles) + " a bundle may hold");
    std::map<std::string, std::uint64_t> sizes;
    std::uint64_t total = 0;
    for (const auto& [name, entry] : list.items()) {
        if (!entry.is_object() || !entry.contains("sha256") || !entry.contains("bytes") || !entry["sha256"].is_string()
            || !entry["bytes"].is_number_unsigned() || !isHex64(entry["sha256"].get<std::string>()))
            tampered("manifest's entry for '" + name + "' lacks its sha256 or size");
        const std::uint64_t cap = BundleFiles::capFor(name);
        const auto bytes = entry["bytes"].get<std::uint64_t>();
        if (bytes > cap)
            tampered("manifest gives '" + name + "' " + std::to_string(bytes) + " bytes, more than the "
                     + std::to_string(cap) + " allowed");
        if (files.check(name, cap) != bytes)
            tampered("file '" + name + "' has another size than manifest.json says");
        sizes[name] = bytes;
        total += bytes;
        if (total > BundleFiles::kMaxTotalBytes)
            tampered("files add up to more than the " + std::to_string(BundleFiles::kMaxTotalBytes)
                     + " bytes a bundle may hold");
    }
    std::map<std::string, std::string> out;
    for (const auto& [name, bytes] : sizes) {
        std::string content = files.read(name, bytes);
        if (Sha256::ofBytes(content) != list[name]["sha256"].get<std::string>())
            throw Error("'" + name + "' in the model bundle does not match its checksum in manifest.json (tampered or damaged)",
                        "Use an intact copy of the bundle or retrain", Error::Kind::Corrupt);
        out.emplace(name, std::move(content));
    }
    return out;
}

/// A manifest number within [lo, hi] (no silent casts of out-of-range values).
double bounded(const json& v, double lo, double hi, const std::string& what)
{
    if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
        throw Error("The model manifest's " + what + " is " + v.dump() + ", outside " + json(lo).dump() + "–"
                        + json(hi).dump(),
                    "The bundle is damaged; retrain", Error::Kind::Corrupt);
    return v.get<double>();
}

/// The verified bytes of a file the manifest refers to (moved out: each is parsed once).
std::string take(std::map<std::string, std::string>& verified, const json& set, const char* key)
{
    const std::string name = set.at(key).get<std::string>();
    BundleFiles::capFor(name); // an old .net network gets its own message
    const auto it = verified.find(name);
    if (it == verified.end())
        tampered("refers to '" + name + "', which its files list does not cover");
    std::string bytes = std::move(it->second);
    verified.erase(it);
    return bytes;
}

json candidateJson(const CandidateConfig& c)
{
    return {{"target_count", c.targetCount}, {"stride_fraction", c.strideFraction}, {"scale_ratio", c.scaleRatio},
            {"layout", c.layout}, {"refine_top", c.refineTop}};
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
    manifest["hybrid"] = {{"cnn_top", detector.hybridConfig().cnnTop}, {"row_top", detector.hybridConfig().rowTop}};
    manifest["hybrid"]["cnn_hint"] = detector.hybridConfig().cnnHint;
    if (detector.hybridConfig().cvWeight >= 0)
        manifest["hybrid"]["cv_weight"] = detector.hybridConfig().cvWeight;
    json files = json::object();
    json sets = json::object();
    auto put = [&](const std::string& file, const std::string& bytes) {
        writeFile(dir / file, bytes);
        files[file] = {{"sha256", Sha256::ofBytes(bytes)}, {"bytes", bytes.size()}};
    };
    for (const auto& name : detector.featureSetNames()) {
        FeatureSet& fs = detector.featureSet(name);
        json s;
        const std::vector<char> gbm = fs.gbm.save();
        const std::string gbmFile = name + ".gbm";
        put(gbmFile, std::string(gbm.begin(), gbm.end()));
        s["gbm"] = gbmFile;
        s["features"] = fs.extractor->name();
        s["dimension"] = fs.extractor->dimension();
        if (auto* haar = dynamic_cast<HaarFeatures*>(fs.extractor.get())) {
            const std::string f = name + "_features.json";
            put(f, haar->toJson());
            s["feature_list"] = f;
            s["haar_count"] = haar->dimension() - 2;
        } else {
            const std::string f = name + ".kst";
            put(f, CnnBackend::save(*fs.extractor));
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
                put(exactFile, std::string(exact.begin(), exact.end()));
                s["per_patch_gbm"] = exactFile;
            }
        }
        sets[name] = s;
    }
    manifest["feature_sets"] = sets;
    if (detector.hasBoxRegressor()) {
        const BoxRegressor& r = detector.boxRegressor();
        const auto models = r.models();
        json names = json::array();
        for (size_t k = 0; k < models.size(); ++k) {
            const std::string file = "box_regression_" + std::to_string(k) + ".gbm";
            put(file, std::string(models[k].begin(), models[k].end()));
            names.push_back(file);
        }
        put("box_regression_features.json", r.featuresJson());
        const auto& c = r.config();
        manifest["box_regression"] = {{"models", names}, {"feature_list", "box_regression_features.json"},
                                      {"context", c.context}, {"max_shift", c.maxShift},
                                      {"max_log_scale", c.maxLogScale}};
    }
    if (detector.hasPresence()) {
        put("presence.json", detector.presence().toJson());
        manifest["presence"] = {{"model", "presence.json"}, {"threshold", detector.presence().threshold()}};
    }
    manifest["files"] = files;
    const std::string text = manifest.dump(2);
    // The checksum last: a bundle whose writing stopped half-way does not verify.
    fs::remove(dir / "manifest.sha256", ec);
    writeFile(dir / "manifest.json", text);
    writeFile(dir / "manifest.sha256", checksumLine(text));
}

LoadedBundle ModelBundle::load(const std::string& dirName)
{
    const BundleFiles bundleFiles(dirName);
    json m = verifiedManifest(bundleFiles, dirName);
    try {
        if (!m.is_object() || m.value("format", std::string()) != "kidneyscope-detector")
            throw Error("'" + dirName + "' is not a KidneyScope detector bundle", "Give a folder written by 'kidneyscope-cli train'");
        const int version = static_cast<int>(bounded(m.at("format_version"), 1, 1000, "format_version"));
        if (version != kFormatVersion)
            throw Error("The model bundle has format version " + std::to_string(version) + " (written by KidneyScope "
                            + m.value("app_version", std::string("?")) + "); this KidneyScope reads version "
                            + std::to_string(kFormatVersion),
                        "Retrain the model with this version", Error::Kind::Unsupported);
        // Every file is checked (names, sizes, checksums) before any of them is parsed.
        std::map<std::string, std::string> verified = verifiedFiles(bundleFiles, m);
        CandidateConfig cc;
        const json& c = m.at("candidates");
        cc.targetCount = static_cast<int>(bounded(c.at("target_count"), 0, 100000, "candidates.target_count"));
        cc.strideFraction = bounded(c.at("stride_fraction"), 1e-3, 10, "candidates.stride_fraction");
        cc.scaleRatio = bounded(c.at("scale_ratio"), 1.001, 10, "candidates.scale_ratio");
        // Bundles from before the layout was recorded swept the full square grid (layout 1).
        cc.layout = c.contains("layout") ? static_cast<int>(bounded(c.at("layout"), 1, 2, "candidates.layout")) : 1;
        cc.refineTop = c.contains("refine_top") ? static_cast<int>(bounded(c.at("refine_top"), 0, 100, "candidates.refine_top")) : 0;
        LoadedBundle out{Detector(SizeModel::fromJson(m.at("sizes").dump()), cc), m.dump(2)};
        HybridConfig hybrid;
        if (m.contains("hybrid") && m.at("hybrid").contains("cnn_top"))
            hybrid.cnnTop = static_cast<int>(bounded(m.at("hybrid").at("cnn_top"), 0, 100000, "hybrid.cnn_top"));
        // Bundles written before the row cascade scored the single CNN rows with the fast path.
        hybrid.rowTop = 0;
        if (m.contains("hybrid") && m.at("hybrid").contains("row_top"))
            hybrid.rowTop = static_cast<int>(bounded(m.at("hybrid").at("row_top"), 0, 100000, "hybrid.row_top"));
        // Bundles from before the hint ranked the cascade by Haar alone.
        hybrid.cnnHint = m.contains("hybrid") && m.at("hybrid").value("cnn_hint", false);
        if (m.contains("hybrid") && m.at("hybrid").contains("cv_weight"))
            hybrid.cvWeight = bounded(m.at("hybrid").at("cv_weight"), 0, 1, "hybrid.cv_weight");
        out.detector.setHybridConfig(hybrid);
        for (const auto& [name, s] : m.at("feature_sets").items()) {
            FeatureSet fs;
            fs.name = name;
            const std::string gbm = take(verified, s, "gbm");
            fs.gbm = GbmClassifier::load(std::vector<char>(gbm.begin(), gbm.end()));
            if (s.contains("feature_list")) {
                fs.extractor = std::make_unique<HaarFeatures>(
                    HaarFeatures::fromJson(take(verified, s, "feature_list")));
            } else {
                fs.cnn.backbone = s.at("backbone");
                fs.cnn.weights = s.value("weights", std::string());
                fs.cnn.transfer = s.value("imagenet_transfer", false);
                fs.cnn.fineTuning = s.value("fine_tuning", std::string());
                fs.cnn.fastPath = s.value("fast_path", true);
                const auto sha = s.value("weights_sha256", std::string());
                fs.cnn.weightsChecksum = sha == "no ImageNet transfer" ? "" : sha;
                const std::string network = s.at("network").get<std::string>();
                fs.extractor = CnnBackend::load(take(verified, s, "network"), network, fs.cnn.backbone, fs.cnn.fastPath);
                if (s.contains("per_patch_gbm")) {
                    const std::string exact = take(verified, s, "per_patch_gbm");
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
        // Optional (bundles from before it have none): the box-regression stage.
        if (m.contains("box_regression")) {
            const json& b = m.at("box_regression");
            BoxRegressorConfig rc;
            rc.context = bounded(b.at("context"), 1.0, 4.0, "box_regression.context");
            rc.maxShift = bounded(b.at("max_shift"), 0.0, 1.0, "box_regression.max_shift");
            rc.maxLogScale = bounded(b.at("max_log_scale"), 0.0, 1.0, "box_regression.max_log_scale");
            const json& names = b.at("models");
            if (!names.is_array() || names.size() != 4)
                tampered("box_regression lists " + names.dump() + " instead of four models");
            std::array<std::vector<char>, 4> models;
            for (size_t k = 0; k < 4; ++k) {
                const std::string bytes = take(verified, json{{"m", names[k]}}, "m");
                models[k].assign(bytes.begin(), bytes.end());
            }
            out.detector.setBoxRegressor(BoxRegressor::restore(rc, take(verified, b, "feature_list"), models));
        }
        if (m.contains("presence"))
            out.detector.setPresence(TargetPresence::fromJson(take(verified, m.at("presence"), "model")));
        return out;
    } catch (const json::exception& e) {
        throw Error("The model manifest is malformed: " + jsonReason(e), "Retrain the model", Error::Kind::Corrupt);
    }
}

} // namespace ks::detect
