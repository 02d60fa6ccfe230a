#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"

#include "common/Error.h"
#include "dicom/ImageLoader.h"
#include "dicom/StudyScanner.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>

namespace ks::cli {

namespace {

using dicom::InstanceInfo;
using nlohmann::json;

std::string mm(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string calibrationText(const Calibration& c)
{
    if (!c.isCalibrated())
        return "uncalibrated";
    std::string s = mm(c.mmPerPixelX) + (c.mmPerPixelX == c.mmPerPixelY ? "" : " x " + mm(c.mmPerPixelY))
                    + " mm/px from " + Calibration::sourceName(c.source);
    if (c.fieldOfView)
        s += ", field of view x " + mm(c.fieldOfView->x) + " y " + mm(c.fieldOfView->y) + " size "
             + mm(c.fieldOfView->width) + "x" + mm(c.fieldOfView->height) + " px";
    if (!c.uniform)
        s += ", NOT uniformly calibrated";
    return s;
}

json calibrationJson(const Calibration& c)
{
    json j = {{"calibrated", c.isCalibrated()},
              {"source", Calibration::sourceName(c.source)},
              {"mmPerPixelX", c.mmPerPixelX},
              {"mmPerPixelY", c.mmPerPixelY},
              {"uniform", c.uniform},
              {"description", c.description}};
    if (c.fieldOfView)
        j["fieldOfView"] = {{"x", c.fieldOfView->x}, {"y", c.fieldOfView->y},
                            {"width", c.fieldOfView->width}, {"height", c.fieldOfView->height}};
    else
        j["fieldOfView"] = nullptr;
    return j;
}

/// Decode outcome per instance path (only when decoding was asked for).
using DecodeResults = std::map<std::string, std::string>;

json instanceJson(const InstanceInfo& in, const DecodeResults& decoded)
{
    json j = {{"path", in.path},
              {"sopInstanceUid", in.sopInstanceUid},
              {"sopClassUid", in.sopClassUid},
              {"objectKind", in.objectKind},
              {"hasImage", in.hasImage},
              {"instanceNumber", in.instanceNumber},
              {"frames", in.frames},
              {"rows", in.rows},
              {"columns", in.columns},
              {"photometric", in.photometric},
              {"transferSyntax", in.transferSyntaxName},
              {"modality", in.modality},
              {"frameTimeMs", in.frameTimeMs},
              {"calibration", calibrationJson(in.calibration)}};
    if (auto it = decoded.find(in.path); it != decoded.end())
        j["decode"] = it->second;
    return j;
}

void printText(const std::string& path, const dicom::StudyTree& tree, const DecodeResults& decoded, std::ostream& out)
{
    size_t studies = 0, series = 0;
    for (const auto& p : tree.patients) {
        studies += p.studies.size();
        for (const auto& s : p.studies)
            series += s.series.size();
    }
    out << path << ": " << tree.patients.size() << " patient(s), " << studies << " study(ies), " << series
        << " series, " << tree.instanceCount() << " instance(s); " << tree.skippedFiles
        << " non-DICOM file(s) skipped, " << tree.problems.size() << " problem(s)\n";
    for (const auto& p : tree.patients) {
        out << "Patient \"" << p.patientName << "\" (ID " << (p.patientId.empty() ? "none" : p.patientId) << ")\n";
        for (const auto& s : p.studies) {
            out << "  Study " << (s.date.empty() ? "(no date)" : s.date) << " \"" << s.description << "\" "
                << s.studyInstanceUid << "\n";
            for (const auto& se : s.series) {
                out << "    Series " << se.number << " " << se.modality << " \"" << se.description << "\" ("
                    << se.instances.size() << " instance(s))\n";
                for (const auto& in : se.instances) {
                    out << "      [" << in.instanceNumber << "] " << in.path << "\n        " << in.objectKind;
                    if (in.hasImage) {
                        out << ", " << in.frames << " frame(s) " << in.columns << "x" << in.rows << ", "
                            << in.photometric;
                        if (in.frameTimeMs > 0)
                            out << ", " << mm(in.frameTimeMs) << " ms/frame";
                    }
                    out << ", " << in.transferSyntaxName << "\n";
                    if (in.hasImage)
                        out << "        calibration: " << calibrationText(in.calibration) << "\n"
                            << "          (" << in.calibration.description << ")\n";
                    if (auto it = decoded.find(in.path); it != decoded.end())
                        out << "        decode: " << it->second << "\n";
                }
            }
        }
    }
    for (const auto& problem : tree.problems)
        out << "Problem: " << problem << "\n";
}

} // namespace

int infoCommand(const std::vector<std::string>& argv, Io io)
{
    const Args args(argv, {{"json", 0}, {"decode", 0}, {"quiet", 0}});
    if (args.positional().size() != 1)
        throw Error("info needs exactly one PATH (a file, a folder or a DICOMDIR)",
                    "Usage: kidneyscope-cli info PATH [--json] [--decode] [--quiet]");
    const std::string path = args.positional().front();
    ConsoleProgress progress(io.err, args.has("quiet") || args.has("json"));
    const dicom::StudyTree tree = dicom::StudyScanner::scan(path, progress);
    progress.finish();

    // A single file is always decoded (so that e.g. JPEG 2000 says so); a folder with --decode.
    DecodeResults decoded;
    std::error_code ec;
    const bool single = !std::filesystem::is_directory(path, ec) && tree.instanceCount() == 1;
    if (single || args.has("decode")) {
        for (const auto& p : tree.patients)
            for (const auto& s : p.studies)
                for (const auto& se : s.series)
                    for (const auto& in : se.instances) {
                        if (!in.hasImage) {
                            decoded[in.path] = "no image (" + in.objectKind + ")";
                            continue;
                        }
                        try {
                            const Image im = dicom::ImageLoader::load(in.path);
                            decoded[in.path] = "OK, " + std::to_string(im.frameCount()) + " frame(s) "
                                               + std::to_string(im.width()) + "x" + std::to_string(im.height())
                                               + (im.isColor() ? " RGB" : " grey");
                        } catch (const Cancelled&) {
                            throw;
                        } catch (const Error& e) {
                            decoded[in.path] = "FAILED: " + e.fullText();
                        }
                    }
    }

    if (args.has("json")) {
        json patients = json::array();
        for (const auto& p : tree.patients) {
            json studies = json::array();
            for (const auto& s : p.studies) {
                json series = json::array();
                for (const auto& se : s.series) {
                    json instances = json::array();
                    for (const auto& in : se.instances)
                        instances.push_back(instanceJson(in, decoded));
                    series.push_back({{"seriesInstanceUid", se.seriesInstanceUid},
                                      {"description", se.description},
                                      {"modality", se.modality},
                                      {"number", se.number},
                                      {"instances", instances}});
                }
                studies.push_back({{"studyInstanceUid", s.studyInstanceUid},
                                   {"description", s.description},
                                   {"date", s.date},
                                   {"series", series}});
            }
            patients.push_back({{"patientId", p.patientId}, {"patientName", p.patientName}, {"studies", studies}});
        }
        const json out = {{"path", path},
                          {"instanceCount", tree.instanceCount()},
                          {"skippedFiles", tree.skippedFiles},
                          {"problems", tree.problems},
                          {"patients", patients}};
        io.out << out.dump(2) << "\n";
    } else {
        printText(path, tree, decoded, io.out);
    }
    return 0;
}

} // namespace ks::cli
