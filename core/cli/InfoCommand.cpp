#include "Command.h"

#include "Args.h"
#include "ConsoleProgress.h"

#include "common/Error.h"
#include "common/ImageLimits.h"
#include "dicom/DicomDirReader.h"
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

/// Exit status of `info` (documented in its usage text): 0 when what was asked for is readable;
/// 1 when a single file named on the command line is not a readable DICOM/image file or does not
/// decode, when a folder or DICOMDIR holds nothing readable, or when --decode was given and an
/// image failed to decode. The listing is printed first either way; the reason goes to stderr.
int exitStatus(const std::string& path, bool folderOrDir, const dicom::StudyTree& tree, const DecodeResults& decoded,
               std::ostream& err)
{
    std::string reason;
    size_t failed = 0;
    std::string firstFailure;
    for (const auto& [file, outcome] : decoded)
        if (outcome.rfind("FAILED", 0) == 0 && failed++ == 0)
            firstFailure = file + ": " + outcome.substr(8);
    if (tree.instanceCount() == 0) {
        reason = folderOrDir ? "found no readable DICOM or image file" : "is not a readable DICOM or image file";
        if (!tree.problems.empty())
            reason += " (" + tree.problems.front() + ")";
        else if (tree.skippedFiles > 0 && !folderOrDir)
            reason += " (neither DICOM nor PNG/JPEG/TIFF)";
    } else if (failed == 1 && !folderOrDir) {
        reason = "could not be decoded: " + decoded.begin()->second.substr(8);
    } else if (failed > 0) {
        reason = ": " + std::to_string(failed) + " image(s) could not be decoded; the first, " + firstFailure;
    }
    if (reason.empty())
        return 0;
    err << "kidneyscope-cli info: " << path << (reason.front() == ':' ? "" : " ") << reason << "\n";
    return 1;
}

} // namespace

int infoCommand(const std::vector<std::string>& argv, Io io)
{
    const Args args(argv, {{"json", 0}, {"decode", 0}, {"quiet", 0}, {"max-decoded-mb", 1}});
    if (args.positional().size() != 1)
        throw Error("info needs exactly one PATH (a file, a folder or a DICOMDIR)",
                    "Usage: kidneyscope-cli info PATH [--json] [--decode] [--quiet] [--max-decoded-mb N]; exits 1 "
                    "when the file is not readable (for a folder: when nothing in it is), or with --decode when an "
                    "image fails to decode");
    if (args.has("max-decoded-mb"))
        ImageLimits::setCurrent(
            ImageLimits::current().withMaxDecodedMb(args.number("max-decoded-mb", 1024)));
    const std::string path = args.positional().front();
    ConsoleProgress progress(io.err, args.has("quiet") || args.has("json"));
    const dicom::StudyTree tree = dicom::StudyScanner::scan(path, progress);
    progress.finish();

    // A single file is always decoded (so that e.g. JPEG 2000 says so); a folder with --decode.
    DecodeResults decoded;
    std::error_code ec;
    const bool folder = std::filesystem::is_directory(path, ec);
    const bool folderOrDir = folder || tree.instanceCount() > 1 || dicom::DicomDirReader::isDicomDir(path);
    const bool single = !folder && tree.instanceCount() == 1;
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
        // Paths need not be UTF-8; DICOM text already is (converted at the source).
        io.out << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
        printText(path, tree, decoded, io.out);
    }
    io.out.flush();
    return exitStatus(path, folderOrDir, tree, decoded, io.err);
}

} // namespace ks::cli
