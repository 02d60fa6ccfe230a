#include "ProjectStore.h"

#include "ProjectFiles.h"
#include "ProjectOpener.h"
#include "RowChecksum.h"
#include "common/Sha256.h"
#include "SqliteDb.h"
#include "StoreRows.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include <pwd.h>
#include <unistd.h>

namespace ks::annotation {

namespace fs = std::filesystem;


ProjectStore::ProjectStore(const std::string& folder, bool create)
    : m_folder(fs::absolute(folder).lexically_normal().string()), m_author(defaultAuthor()),
      m_db(ProjectOpener::open(m_folder, create))
{
}

ProjectStore::~ProjectStore() = default;
ProjectStore::ProjectStore(ProjectStore&&) noexcept = default;
ProjectStore& ProjectStore::operator=(ProjectStore&&) noexcept = default;

const char* ProjectStore::databaseFileName() { return "project.sqlite"; }

bool ProjectStore::exists(const std::string& folder)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(folder) / databaseFileName(), ec);
}

std::string ProjectStore::databasePath() const { return (fs::path(m_folder) / databaseFileName()).string(); }

int ProjectStore::schemaVersion() const { return static_cast<int>(m_db->scalarInt("PRAGMA user_version")); }

std::string ProjectStore::defaultAuthor()
{
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    if (const char* user = std::getenv("USER"); user && *user)
        return user;
    return "unknown";
}

void ProjectStore::setAuthor(const std::string& author)
{
    if (author.empty())
        throw Error("The author name is empty", "Give a name or initials");
    if (isModelAuthor(author))
        throw Error("The author name '" + author + "' is reserved for ROIs made by a model",
                    "Give a person's name or initials");
    m_author = author;
}

std::vector<std::string> ProjectStore::labels() const
{
    std::vector<std::string> out;
    Statement s(*m_db, "SELECT name FROM labels ORDER BY position, name");
    while (s.step())
        out.push_back(s.columnText(0));
    return out;
}

void ProjectStore::addLabel(const std::string& name)
{
    if (name.empty())
        throw Error("The label name is empty", "Give the structure's name, e.g. left_kidney");
    Transaction t(*m_db);
    Statement s(*m_db, "INSERT OR IGNORE INTO labels(name, position) "
                       "VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM labels))");
    s.bind(1, name).run("adding a label");
    if (m_db->changes() > 0) {
        RowChecksum::sealLabel(*m_db, name);
        audit("add-label", 0, "", nlohmann::json{{"label", name}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    t.commit();
}

void ProjectStore::removeLabel(const std::string& name)
{
    Transaction t(*m_db);
    Statement used(*m_db, "SELECT count(*) FROM annotations WHERE label = ?1");
    used.bind(1, name).step();
    if (used.columnInt(0) > 0)
        throw Error("The label '" + name + "' is used by " + std::to_string(used.columnInt(0)) + " annotation(s)",
                    "Relabel or delete those annotations first");
    Statement s(*m_db, "DELETE FROM labels WHERE name = ?1");
    s.bind(1, name).run("removing a label");
    if (m_db->changes() > 0)
        audit("remove-label", 0, nlohmann::json{{"label", name}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "");
    t.commit();
}

long long ProjectStore::addImage(const ImageRecord& in)
{
    if (in.path.empty())
        throw Error("An image needs a file path", "Register images that were loaded from a file");
    const std::string path = fs::absolute(in.path).lexically_normal().string();
    ProjectFiles::refuseDatabaseFile(path, "The image");
    if (const auto existing = findImage(path, in.frame))
        return existing->id;
    if (in.frame < 0)
        throw Error("Frame index " + std::to_string(in.frame) + " of '" + path + "' is negative");
    const std::string sha = in.sha256.empty() ? ProjectFiles::sha256OfFile(path, "The image") : in.sha256;
    Transaction t(*m_db);
    // Again under the write lock: another process may have registered it meanwhile.
    {
        Statement again(*m_db, "SELECT id FROM images WHERE path = ?1 AND frame = ?2");
        again.bind(1, path).bind(2, in.frame);
        if (again.step())
            return again.columnInt(0);
    }
    Statement s(*m_db, "INSERT INTO images(path, frame, sop_instance_uid, sha256, mm_per_pixel_x, mm_per_pixel_y, "
                       "width, height, patient_id, patient_name, patient_birth_date, added_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    s.bind(1, path).bind(2, in.frame).bind(3, in.sopInstanceUid).bind(4, sha)
        .bind(5, std::max(0.0, in.mmPerPixelX)).bind(6, std::max(0.0, in.mmPerPixelY))
        .bind(7, in.width).bind(8, in.height).bind(9, in.patientId).bind(10, in.patientName)
        .bind(11, in.patientBirthDate).bind(12, StoreRows::nowUtc());
    s.run("registering an image");
    const long long id = m_db->lastInsertId();
    RowChecksum::sealImage(*m_db, id);
    t.commit();
    return id;
}

ImageRecord ProjectStore::recordFor(const Image& image, int frame)
{
    if (frame < 0 || (image.frameCount() > 0 && frame >= image.frameCount()))
        throw Error("Frame " + std::to_string(frame) + " does not exist in '" + image.meta.sourcePath + "'");
    ImageRecord r;
    r.path = image.meta.sourcePath;
    r.frame = frame;
    r.sopInstanceUid = image.meta.sopInstanceUid;
    r.width = image.width();
    r.height = image.height();
    if (image.calibration.isCalibrated()) {
        r.mmPerPixelX = image.calibration.mmPerPixelX;
        r.mmPerPixelY = image.calibration.mmPerPixelY;
    }
    r.patientId = image.meta.patientId;
    r.patientName = image.meta.patientName;
    r.patientBirthDate = image.meta.patientBirthDate;
    return r;
}

std::optional<ImageRecord> ProjectStore::image(long long id) const
{
    Statement s(*m_db, std::string("SELECT ") + StoreRows::kImageColumns + " FROM images WHERE id = ?1");
    s.bind(1, id);
    if (!s.step())
        return std::nullopt;
    return StoreRows::imageFromRow(s);
}

std::optional<ImageRecord> ProjectStore::findImage(const std::string& path, int frame) const
{
    Statement s(*m_db, std::string("SELECT ") + StoreRows::kImageColumns + " FROM images WHERE path = ?1 AND frame = ?2");
    s.bind(1, fs::absolute(path).lexically_normal().string()).bind(2, frame);
    if (!s.step())
        return std::nullopt;
    return StoreRows::imageFromRow(s);
}

std::vector<ImageRecord> ProjectStore::images() const
{
    std::vector<ImageRecord> out;
    Statement s(*m_db, std::string("SELECT ") + StoreRows::kImageColumns + " FROM images ORDER BY id");
    while (s.step())
        out.push_back(StoreRows::imageFromRow(s));
    return out;
}

ImageRecord ProjectStore::requireImage(long long id) const
{
    auto im = image(id);
    if (!im)
        throw Error("There is no image with id " + std::to_string(id) + " in the project",
                    "Register the image first");
    return *im;
}

void ProjectStore::setCalibration(long long imageId, double mmPerPixelX, double mmPerPixelY)
{
    if (!(mmPerPixelX >= 0 && mmPerPixelY >= 0))
        throw Error("A pixel size must be >= 0 mm (0 = uncalibrated)");
    Transaction t(*m_db);
    requireImage(imageId);
    const auto rois = annotations(AnnotationFilter{imageId, {}, {}, {}});
    Statement s(*m_db, "UPDATE images SET mm_per_pixel_x = ?1, mm_per_pixel_y = ?2 WHERE id = ?3");
    s.bind(1, mmPerPixelX).bind(2, mmPerPixelY).bind(3, imageId).run("changing the calibration");
    RowChecksum::sealImage(*m_db, imageId);
    for (const Annotation& a : rois)
        writeAnnotation(a, false, false);   // recomputes the mm columns
    audit("calibrate", 0, "", nlohmann::json{{"image_id", imageId}, {"mm_per_pixel", {mmPerPixelX, mmPerPixelY}}}.dump());
    t.commit();
}

std::vector<ImageCheck> ProjectStore::verifyImages(Progress& progress) const
{
    const auto all = images();
    std::map<std::string, std::pair<ImageCheck::State, std::string>> byPath;
    std::vector<ImageCheck> out;
    for (size_t i = 0; i < all.size(); ++i) {
        const ImageRecord& im = all[i];
        progress.step(double(i) / std::max<size_t>(all.size(), 1), "Checking " + fs::path(im.path).filename().string());
        auto it = byPath.find(im.path + "\n" + im.sha256);
        if (it == byPath.end()) {
            std::pair<ImageCheck::State, std::string> r{ImageCheck::State::Ok, ""};
            std::error_code ec;
            if (!fs::exists(im.path, ec)) {
                r = {ImageCheck::State::Missing, "the file is not there any more (moved or deleted)"};
            } else {
                try {
                    if (ProjectFiles::sha256OfFile(im.path, "The image") != im.sha256)
                        r = {ImageCheck::State::Changed, "the file's content changed since it was annotated"};
                } catch (const Error& e) {
                    r = {ImageCheck::State::Unreadable, e.message()};
                }
            }
            it = byPath.emplace(im.path + "\n" + im.sha256, r).first;
        }
        out.push_back(ImageCheck{im.id, im.path, it->second.first, it->second.second});
    }
    progress.step(1.0, "Checked " + std::to_string(all.size()) + " image(s)");
    return out;
}

void ProjectStore::relocateImage(long long imageId, const std::string& newPath)
{
    const ImageRecord im = requireImage(imageId);
    const std::string path = fs::absolute(newPath).lexically_normal().string();
    ProjectFiles::refuseDatabaseFile(path, "The image");
    if (ProjectFiles::sha256OfFile(path, "The image") != im.sha256)
        throw Error("'" + path + "' is not the file that was annotated as '" + im.path + "' (different content)",
                    "Pick the original file; annotations are never moved onto a different image");
    Transaction t(*m_db);
    std::vector<long long> moved;
    {
        Statement ids(*m_db, "SELECT id FROM images WHERE path = ?1");
        ids.bind(1, im.path);
        while (ids.step())
            moved.push_back(ids.columnInt(0));
    }
    Statement s(*m_db, "UPDATE images SET path = ?1 WHERE path = ?2");
    s.bind(1, path).bind(2, im.path).run("moving an image");
    for (long long id : moved)
        RowChecksum::sealImage(*m_db, id);
    audit("relocate", 0, nlohmann::json{{"path", im.path}}.dump(), nlohmann::json{{"path", path}}.dump());
    t.commit();
}

void ProjectStore::checkLabel(const std::string& label) const
{
    Statement s(*m_db, "SELECT 1 FROM labels WHERE name = ?1");
    s.bind(1, label);
    if (!s.step())
        throw Error("The label '" + label + "' is not in the project's label list",
                    "Add it to the project's labels first");
}

Annotation ProjectStore::normalised(const Annotation& in) const
{
    Annotation a = in;
    if (a.rotated) {
        if (!(a.rotated->length > 0 && a.rotated->width > 0))
            throw Error("A rotated box needs a length and a width > 0 pixels");
        if (a.box.isEmpty())
            a.box = a.rotated->boundingBox();
    }
    if (!(a.box.width > 0 && a.box.height > 0) || !std::isfinite(a.box.x) || !std::isfinite(a.box.y))
        throw Error("An annotation box needs a width and a height > 0 pixels", "Draw a larger box");
    if (a.source == Source::FromModel)
        a.author = modelAuthor(a.author);   // "" → model:unnamed; a name N → model:N
    else if (a.author.empty())
        a.author = m_author;
    requireImage(a.imageId);
    checkLabel(a.label);
    return a;
}

void ProjectStore::writeAnnotation(const Annotation& a, bool insert, bool explicitId)
{
    StoreRows::writeAnnotation(*m_db, a, requireImage(a.imageId), insert, explicitId);
}

void ProjectStore::audit(const std::string& action, long long annotationId, const std::string& before,
                         const std::string& after)
{
    // Inside the caller's write transaction: the id and the chain's previous link are stable.
    long long id = 1;
    std::string previous;
    {
        Statement last(*m_db, "SELECT id, checksum FROM audit_log ORDER BY id DESC LIMIT 1");
        if (last.step()) {
            id = last.columnInt(0) + 1;
            previous = last.columnText(1);
        }
    }
    const std::string at = StoreRows::nowUtc();
    const std::optional<long long> target = annotationId > 0 ? std::optional<long long>(annotationId) : std::nullopt;
    Statement s(*m_db, "INSERT INTO audit_log(id, at, who, action, annotation_id, before, after, checksum) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, id).bind(2, at).bind(3, m_author).bind(4, action);
    if (target)
        s.bind(5, *target);
    else
        s.bindNull(5);
    s.bind(6, before).bind(7, after)
        .bind(8, RowChecksum::auditChecksum(previous, id, at, m_author, action, target, before, after))
        .run("writing the audit log");
}

Annotation ProjectStore::add(const Annotation& in)
{
    Transaction t(*m_db);
    Annotation a = normalised(in);
    a.createdAt = a.modifiedAt = StoreRows::nowUtc();
    a.id = StoreRows::writeAnnotation(*m_db, a, requireImage(a.imageId), true, false);
    const Annotation stored = readAnnotation(a.id);
    audit("add", a.id, "", StoreRows::toJson(stored));
    t.commit();
    return stored;
}

std::vector<Annotation> ProjectStore::addBatch(const std::vector<Annotation>& rois, const std::string& action)
{
    Transaction t(*m_db);
    std::vector<Annotation> checked;
    checked.reserve(rois.size());
    for (const Annotation& in : rois)
        checked.push_back(normalised(in));
    std::vector<Annotation> out;
    out.reserve(rois.size());
    const std::string now = StoreRows::nowUtc();
    for (Annotation& a : checked) {
        a.createdAt = a.modifiedAt = now;
        const long long id = StoreRows::writeAnnotation(*m_db, a, requireImage(a.imageId), true, false);
        out.push_back(readAnnotation(id));
        audit(action, out.back().id, "", StoreRows::toJson(out.back()));
    }
    t.commit();
    return out;
}

namespace {

bool sameRoi(const Annotation& a, const Annotation& b)
{
    return a.imageId == b.imageId && a.label == b.label && a.box == b.box && a.rotated == b.rotated &&
           a.author == b.author;
}

} // namespace

ProjectStore::BatchResult ProjectStore::addBatchUnique(const std::vector<Annotation>& rois, const std::string& action)
{
    BatchResult result;
    Transaction t(*m_db);   // the duplicate check and the inserts see one state of the project
    std::vector<Annotation> unique;
    std::map<long long, std::vector<Annotation>> existing;   // image id → its ROIs
    for (const Annotation& in : rois) {
        const Annotation a = normalised(in);
        auto it = existing.find(a.imageId);
        if (it == existing.end())
            it = existing.emplace(a.imageId, annotations(AnnotationFilter{a.imageId, {}, {}, {}})).first;
        const bool duplicate = std::any_of(it->second.begin(), it->second.end(),
                                           [&](const Annotation& e) { return sameRoi(e, a); });
        if (duplicate) {
            ++result.duplicates;
            continue;
        }
        it->second.push_back(a);
        unique.push_back(a);
    }
    const std::string now = StoreRows::nowUtc();
    for (Annotation& a : unique) {
        a.createdAt = a.modifiedAt = now;
        const long long id = StoreRows::writeAnnotation(*m_db, a, requireImage(a.imageId), true, false);
        result.added.push_back(readAnnotation(id));
        audit(action, id, "", StoreRows::toJson(result.added.back()));
    }
    t.commit();
    return result;
}

Annotation ProjectStore::update(const Annotation& in)
{
    Transaction t(*m_db);
    const Annotation before = requireAnnotation(in.id);
    Annotation a = normalised(in);
    a.createdAt = before.createdAt;
    a.modifiedAt = StoreRows::nowUtc();
    writeAnnotation(a, false, false);
    const Annotation stored = readAnnotation(a.id);
    audit("update", a.id, StoreRows::toJson(before), StoreRows::toJson(stored));
    t.commit();
    return stored;
}

Annotation ProjectStore::remove(long long id)
{
    Transaction t(*m_db);
    const Annotation before = requireAnnotation(id);
    Statement s(*m_db, "DELETE FROM annotations WHERE id = ?1");
    s.bind(1, id).run("deleting the annotation");
    audit("delete", id, StoreRows::toJson(before), "");
    t.commit();
    return before;
}

Annotation ProjectStore::restore(const Annotation& in)
{
    if (in.id <= 0)
        throw Error("Only an annotation returned by remove() can be restored (it has no id)");
    Transaction t(*m_db);
    if (annotation(in.id))
        throw Error("Annotation " + std::to_string(in.id) + " already exists; it cannot be restored twice");
    Annotation a = normalised(in);
    if (a.createdAt.empty())
        a.createdAt = StoreRows::nowUtc();
    a.modifiedAt = StoreRows::nowUtc();
    writeAnnotation(a, true, true);
    const Annotation stored = readAnnotation(a.id);
    audit("restore", a.id, "", StoreRows::toJson(stored));
    t.commit();
    return stored;
}

Annotation ProjectStore::readAnnotation(long long id) const
{
    Statement s(*m_db, std::string("SELECT ") + StoreRows::kAnnotationColumns + " FROM annotations a WHERE a.id = ?1");
    s.bind(1, id);
    if (!s.step())
        throw Error("There is no annotation with id " + std::to_string(id), "It may have been deleted");
    return StoreRows::annotationFromRow(s);
}

Annotation ProjectStore::requireAnnotation(long long id) const { return readAnnotation(id); }

std::optional<Annotation> ProjectStore::annotation(long long id) const
{
    Statement s(*m_db, std::string("SELECT ") + StoreRows::kAnnotationColumns + " FROM annotations a WHERE a.id = ?1");
    s.bind(1, id);
    if (!s.step())
        return std::nullopt;
    return StoreRows::annotationFromRow(s);
}

std::vector<Annotation> ProjectStore::annotations(const AnnotationFilter& f) const
{
    std::string sql = std::string("SELECT ") + StoreRows::kAnnotationColumns + " FROM annotations a WHERE 1";
    if (f.imageId)
        sql += " AND a.image_id = ?1";
    if (f.status)
        sql += " AND a.status = ?2";
    if (!f.author.empty())
        sql += " AND a.author = ?3";
    if (!f.label.empty())
        sql += " AND a.label = ?4";
    sql += " ORDER BY a.id";
    Statement s(*m_db, sql);
    if (f.imageId)
        s.bind(1, *f.imageId);
    if (f.status)
        s.bind(2, statusName(*f.status));
    if (!f.author.empty())
        s.bind(3, f.author);
    if (!f.label.empty())
        s.bind(4, f.label);
    std::vector<Annotation> out;
    while (s.step())
        out.push_back(StoreRows::annotationFromRow(s));
    return out;
}

std::vector<std::string> ProjectStore::authors(std::optional<long long> imageId) const
{
    Statement s(*m_db, imageId ? "SELECT DISTINCT author FROM annotations WHERE image_id = ?1 ORDER BY author"
                               : "SELECT DISTINCT author FROM annotations ORDER BY author");
    if (imageId)
        s.bind(1, *imageId);
    std::vector<std::string> out;
    while (s.step())
        out.push_back(s.columnText(0));
    return out;
}

std::vector<std::string> ProjectStore::readers(std::optional<long long> imageId) const
{
    const std::string sql = std::string("SELECT DISTINCT author FROM annotations WHERE source != 'from-model' "
                                        "AND substr(author, 1, ") + std::to_string(std::string(kModelAuthorPrefix).size()) +
                            ") != '" + kModelAuthorPrefix + "'" + (imageId ? " AND image_id = ?1" : "") + " ORDER BY author";
    Statement s(*m_db, sql);
    if (imageId)
        s.bind(1, *imageId);
    std::vector<std::string> out;
    while (s.step())
        out.push_back(s.columnText(0));
    return out;
}

Annotation ProjectStore::changeStatus(long long id, Status from1, std::optional<Status> from2, Status to,
                                      const std::string& comment, const std::string& action)
{
    Transaction t(*m_db);
    Annotation a = requireAnnotation(id);
    if (a.status != from1 && (!from2 || a.status != *from2))
        throw Error("Annotation " + std::to_string(id) + " is " + statusName(a.status) + " and cannot be " +
                        (action == "submit" ? std::string("submitted") : action + "d"),
                    action == "submit" ? "Only draft or rejected annotations can be submitted"
                                       : "Only submitted annotations can be reviewed");
    const Annotation before = a;
    a.status = to;
    if (to == Status::Submitted) {
        a.reviewer.clear();
    } else {
        a.reviewer = m_author;
        a.reviewComment = comment;
    }
    a.modifiedAt = StoreRows::nowUtc();
    writeAnnotation(a, false, false);
    const Annotation stored = readAnnotation(id);
    audit(action, id, StoreRows::toJson(before), StoreRows::toJson(stored));
    t.commit();
    return stored;
}

Annotation ProjectStore::submit(long long id)
{
    return changeStatus(id, Status::Draft, Status::Rejected, Status::Submitted, {}, "submit");
}

Annotation ProjectStore::approve(long long id, const std::string& comment)
{
    return changeStatus(id, Status::Submitted, std::nullopt, Status::Approved, comment, "approve");
}

Annotation ProjectStore::reject(long long id, const std::string& comment)
{
    if (comment.empty())
        throw Error("A rejection needs a comment", "Say what is wrong so that the author can fix it");
    return changeStatus(id, Status::Submitted, std::nullopt, Status::Rejected, comment, "reject");
}

std::optional<double> ProjectStore::interAnnotatorDice(long long imageId, const std::string& authorA,
                                                       const std::string& authorB) const
{
    auto byReader = [&](const std::string& author) {
        std::vector<Annotation> out;
        for (const Annotation& r : annotations(AnnotationFilter{imageId, {}, author, {}}))
            if (r.source != Source::FromModel && !isModelAuthor(r.author))
                out.push_back(r);
        return out;
    };
    const auto a = byReader(authorA);
    const auto b = byReader(authorB);
    if (a.empty() || b.empty())
        return std::nullopt;
    struct Pair { double dice; size_t i, j; };
    std::vector<Pair> pairs;
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t j = 0; j < b.size(); ++j)
            pairs.push_back({dice(a[i].box, b[j].box), i, j});
    std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.dice > y.dice; });
    std::vector<bool> usedA(a.size()), usedB(b.size());
    double sum = 0;
    for (const Pair& p : pairs) {
        if (usedA[p.i] || usedB[p.j])
            continue;
        usedA[p.i] = usedB[p.j] = true;
        sum += p.dice;
    }
    return sum / double(std::max(a.size(), b.size()));
}

std::vector<AuditEntry> ProjectStore::auditLog(std::optional<long long> annotationId) const
{
    Statement s(*m_db, annotationId ? "SELECT id, at, who, action, annotation_id, before, after FROM audit_log "
                                      "WHERE annotation_id = ?1 ORDER BY id"
                                    : "SELECT id, at, who, action, annotation_id, before, after FROM audit_log ORDER BY id");
    if (annotationId)
        s.bind(1, *annotationId);
    std::vector<AuditEntry> out;
    while (s.step())
        out.push_back(AuditEntry{s.columnInt(0), s.columnText(1), s.columnText(2), s.columnText(3), s.columnInt(4),
                                 s.columnText(5), s.columnText(6)});
    return out;
}

std::string ProjectStore::integrityCheck() const
{
    try {
        verifyIntegrity();
    } catch (const Error& e) {
        if (e.kind() != Error::Kind::Corrupt)
            throw;
        return e.message();
    }
    return "ok";
}

void ProjectStore::verifyIntegrity() const
{
    const std::string check = m_db->scalarText("PRAGMA integrity_check");
    if (check != "ok")
        throw Error("The project '" + m_folder + "' is damaged: the database's structure is broken (" + check + ")",
                    ProjectFiles::restoreAdvice(m_folder), Error::Kind::Corrupt);
    RowChecksum::verify(*m_db, true);
}

long long ProjectStore::setPageLimit(long long pages)
{
    return m_db->scalarInt("PRAGMA max_page_count = " + std::to_string(pages));
}

} // namespace ks::annotation
