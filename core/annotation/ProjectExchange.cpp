#include "ProjectExchange.h"

#include "AtomicFile.h"
#include "CocoDataset.h"
#include "ProjectFiles.h"
#include "ProjectStore.h"
#include "Utf8Text.h"

#include "common/Error.h"
#include "dicom/StudyScanner.h"

#include <charconv>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace ks::annotation {

namespace fs = std::filesystem;

namespace {

/// Shortest text that reads back as the same double.
std::string num(double v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string optNum(const std::optional<double>& v) { return v ? num(*v) : std::string(); }

std::string csvField(const std::string& text)
{
    const std::string s = validUtf8(text);
    if (s.find_first_of(",\"\r\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// Header facts of an image file through ks_dicom's scanner (no pixel decoding); empty when
/// the file has none. The birth date is not in the scanner's tree and stays empty.
std::optional<ImageRecord> readHeader(const std::string& path, std::string& problem)
{
    try {
        const dicom::StudyTree tree = dicom::StudyScanner::scan(path);
        for (const dicom::PatientNode& p : tree.patients)
            for (const dicom::StudyNode& st : p.studies)
                for (const dicom::SeriesNode& se : st.series)
                    for (const dicom::InstanceInfo& in : se.instances) {
                        ImageRecord r;
                        r.sopInstanceUid = in.sopInstanceUid;
                        r.width = in.columns;
                        r.height = in.rows;
                        if (in.calibration.isCalibrated()) {
                            r.mmPerPixelX = in.calibration.mmPerPixelX;
                            r.mmPerPixelY = in.calibration.mmPerPixelY;
                        }
                        r.patientId = p.patientId;
                        r.patientName = p.patientName;
                        return r;
                    }
        problem = tree.problems.empty() ? "no DICOM header" : tree.problems.front();
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        problem = e.message();
    }
    return std::nullopt;
}

bool isInside(const fs::path& path, const fs::path& folder)
{
    const fs::path rel = path.lexically_relative(folder);
    return !rel.empty() && *rel.begin() != "..";
}

/// `path` relative to `folder` (which holds it).
std::string relativeName(const std::string& path, const std::string& folder)
{
    return fs::path(path).lexically_relative(folder).generic_string();
}

} // namespace

std::string ProjectExchange::exportImageFolder(const ProjectStore& store, const std::string& exportPath)
{
    const fs::path own = fs::absolute(exportPath).lexically_normal().parent_path();
    const auto images = store.images();
    bool allInside = true;
    for (const ImageRecord& im : images)
        allInside = allInside && isInside(im.path, own);
    if (allInside || images.empty())
        return own.string();
    fs::path common = fs::path(images.front().path).parent_path();
    for (const ImageRecord& im : images)
        while (!isInside(im.path, common) && common.has_relative_path())
            common = common.parent_path();
    return common.string();
}

ImportReport ProjectExchange::importCoco(ProjectStore& store, const std::string& jsonPath,
                                         const ImportOptions& options, Progress& progress)
{
    const CocoDataset ds = CocoDataset::load(jsonPath, options.imageRoot);
    ImportReport report;

    // Every image must be there before anything is written: a half import helps nobody.
    std::vector<std::string> missing;
    for (const CocoImage& im : ds.images)
        if (std::error_code ec; !fs::is_regular_file(im.path, ec))
            missing.push_back(im.path);
    for (const CocoImage& im : ds.images)
        ProjectFiles::refuseDatabaseFile(im.path, "The image of '" + ds.jsonPath + "'");
    if (!missing.empty())
        throw Error(std::to_string(missing.size()) + " image(s) of '" + ds.jsonPath + "' are missing, e.g. '" +
                        missing.front() + "'",
                    "Give the folder that holds the images (--study DIR in the CLI)", Error::Kind::Io);

    for (const std::string& name : ds.categories)
        store.addLabel(name);

    std::map<long long, long long> imageIds;   // COCO id → store id
    for (size_t i = 0; i < ds.images.size(); ++i) {
        const CocoImage& ci = ds.images[i];
        progress.step(0.9 * double(i) / double(ds.images.size()), "Registering " + fs::path(ci.path).filename().string());
        ImageRecord r;
        if (options.readImageHeaders && !store.findImage(ci.path, ci.frame)) {
            std::string problem;
            if (auto h = readHeader(ci.path, problem))
                r = *h;
            else
                report.warnings.push_back(fs::path(ci.path).filename().string() + ": header not read (" + problem + ")");
        }
        r.path = ci.path;
        r.frame = ci.frame;
        if (ci.pixelSpacingMm) {
            r.mmPerPixelX = *ci.pixelSpacingMm;
            r.mmPerPixelY = ci.pixelSpacingYMm.value_or(*ci.pixelSpacingMm);
        }
        if (ci.width > 0 && ci.height > 0) {
            r.width = ci.width;
            r.height = ci.height;
        }
        if (!ci.sopInstanceUid.empty())
            r.sopInstanceUid = ci.sopInstanceUid;
        if (!ci.patientId.empty())
            r.patientId = ci.patientId;
        if (!ci.patientName.empty())
            r.patientName = ci.patientName;
        if (!ci.patientBirthDate.empty())
            r.patientBirthDate = ci.patientBirthDate;
        if (!r.isCalibrated())
            report.warnings.push_back(fs::path(ci.path).filename().string() + ": no pixel size, measurements in pixels");
        imageIds[ci.id] = store.addImage(r);
        ++report.images;
    }

    std::vector<Annotation> batch;
    for (const CocoAnnotation& ca : ds.annotations) {
        Annotation a;
        a.imageId = imageIds.at(ca.imageId);
        a.label = ca.category;
        a.box = ca.box;
        a.rotated = ca.rotated;
        a.author = ca.author.empty() ? store.author() : ca.author;
        a.status = ca.status.empty() ? options.defaultStatus : statusFromName(ca.status);
        a.source = ca.source.empty() ? Source::Imported : sourceFromName(ca.source);
        batch.push_back(a);
    }
    progress.step(0.9, "Saving " + std::to_string(batch.size()) + " annotation(s)");
    // Duplicates are skipped inside the write transaction: two imports of one file at once add it once.
    const ProjectStore::BatchResult saved = store.addBatchUnique(batch, "import");
    report.added = static_cast<int>(saved.added.size());
    report.duplicates = saved.duplicates;
    progress.step(1.0, "Imported " + std::to_string(report.added) + " annotation(s)");
    return report;
}

int ProjectExchange::exportCoco(const ProjectStore& store, const std::string& jsonPath, const ExportOptions& options)
{
    ProjectFiles::checkExportTarget(jsonPath, options.overwrite);
    const std::string imageFolder = exportImageFolder(store, jsonPath);
    CocoDataset ds;
    ds.categories = store.labels();
    for (const ImageRecord& im : store.images()) {
        CocoImage ci;
        ci.id = im.id;
        ci.fileName = relativeName(im.path, imageFolder);   // ci.path stays empty: save() writes fileName
        ci.frame = im.frame;
        ci.width = im.width;
        ci.height = im.height;
        if (im.isCalibrated()) {
            ci.pixelSpacingMm = im.mmPerPixelX;
            if (im.mmPerPixelY != im.mmPerPixelX)
                ci.pixelSpacingYMm = im.mmPerPixelY;
        }
        if (options.includeIdentifiers)
            ci.sopInstanceUid = im.sopInstanceUid;
        if (options.includePatientData) {
            ci.patientId = im.patientId;
            ci.patientName = im.patientName;
            ci.patientBirthDate = im.patientBirthDate;
        }
        ds.images.push_back(ci);
    }
    for (const Annotation& a : store.annotations(options.filter)) {
        CocoAnnotation ca;
        ca.id = a.id;
        ca.imageId = a.imageId;
        ca.category = a.label;
        ca.box = a.box;
        ca.rotated = a.rotated;
        ca.author = a.author;
        ca.status = statusName(a.status);
        ca.source = sourceName(a.source);
        ds.annotations.push_back(ca);
    }
    ds.save(jsonPath, options.overwrite);
    return static_cast<int>(ds.annotations.size());
}

std::vector<std::string> ProjectExchange::csvColumns(bool includePatientData, bool includeIdentifiers)
{
    std::vector<std::string> c = {"file", "frame", "label",
                                  "x_px", "y_px", "width_px", "height_px",
                                  "x_mm", "y_mm", "width_mm", "height_mm",
                                  "rot_cx_px", "rot_cy_px", "rot_length_px", "rot_width_px", "rot_angle_deg",
                                  "length_mm", "across_mm",
                                  "author", "status", "reviewer", "review_comment", "source",
                                  "annotation_id", "image_id", "created_at", "modified_at"};
    if (includeIdentifiers)
        c.insert(c.begin() + 1, "sop_instance_uid");
    if (includePatientData)
        c.insert(c.end(), {"patient_id", "patient_name", "patient_birth_date"});
    return c;
}

int ProjectExchange::exportCsv(const ProjectStore& store, const std::string& csvPath, const ExportOptions& options)
{
    ProjectFiles::checkExportTarget(csvPath, options.overwrite);
    const std::string imageFolder = exportImageFolder(store, csvPath);
    std::map<long long, ImageRecord> images;
    for (const ImageRecord& im : store.images())
        images[im.id] = im;
    std::ostringstream out;
    const auto columns = csvColumns(options.includePatientData, options.includeIdentifiers);
    for (size_t i = 0; i < columns.size(); ++i)
        out << (i ? "," : "") << columns[i];
    out << "\r\n";
    int rows = 0;
    for (const Annotation& a : store.annotations(options.filter)) {
        const ImageRecord& im = images.at(a.imageId);
        std::vector<std::string> f = {options.includeIdentifiers ? im.path : relativeName(im.path, imageFolder),
                                      std::to_string(im.frame), a.label,
                                      num(a.box.x), num(a.box.y), num(a.box.width), num(a.box.height)};
        if (options.includeIdentifiers)
            f.insert(f.begin() + 1, im.sopInstanceUid);
        if (a.boxMm)
            f.insert(f.end(), {num(a.boxMm->x), num(a.boxMm->y), num(a.boxMm->width), num(a.boxMm->height)});
        else
            f.insert(f.end(), 4, std::string());
        if (a.rotated)
            f.insert(f.end(), {num(a.rotated->centerX), num(a.rotated->centerY), num(a.rotated->length),
                               num(a.rotated->width), num(a.rotated->angleDeg)});
        else
            f.insert(f.end(), 5, std::string());
        f.insert(f.end(), {optNum(a.lengthMm), optNum(a.widthMm), a.author, statusName(a.status), a.reviewer,
                           a.reviewComment, sourceName(a.source), std::to_string(a.id), std::to_string(a.imageId),
                           a.createdAt, a.modifiedAt});
        if (options.includePatientData)
            f.insert(f.end(), {im.patientId, im.patientName, im.patientBirthDate});
        for (size_t i = 0; i < f.size(); ++i)
            out << (i ? "," : "") << csvField(f[i]);
        out << "\r\n";
        ++rows;
    }
    writeFileAtomically(csvPath, out.str(), options.overwrite);
    return rows;
}

} // namespace ks::annotation
