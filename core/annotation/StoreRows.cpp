#include "StoreRows.h"

#include "RowChecksum.h"
#include "SqliteDb.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ks::annotation {

/// ISO 8601 UTC with milliseconds: "2026-11-25T20:01:02.123Z".
std::string StoreRows::nowUtc()
{
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

std::string StoreRows::toJson(const Annotation& a)
{
    nlohmann::json j = {{"id", a.id}, {"image_id", a.imageId}, {"label", a.label},
                        {"bbox", {a.box.x, a.box.y, a.box.width, a.box.height}},
                        {"author", a.author}, {"status", statusName(a.status)},
                        {"reviewer", a.reviewer}, {"review_comment", a.reviewComment},
                        {"source", sourceName(a.source)}, {"created_at", a.createdAt},
                        {"modified_at", a.modifiedAt}};
    if (a.rotated)
        j["rotated"] = {{"cx", a.rotated->centerX}, {"cy", a.rotated->centerY}, {"length", a.rotated->length},
                        {"width", a.rotated->width}, {"angle_deg", a.rotated->angleDeg}};
    // Replace, not throw on, text that is not UTF-8 (a Latin-1 name must not block an edit).
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* const StoreRows::kAnnotationColumns =
    "a.id, a.image_id, a.label, a.x, a.y, a.w, a.h, a.x_mm, a.y_mm, a.w_mm, a.h_mm, a.rot_cx, a.rot_cy, "
    "a.rot_length, a.rot_width, a.rot_angle_deg, a.length_mm, a.width_mm, a.author, a.status, a.reviewer, "
    "a.review_comment, a.source, a.created_at, a.modified_at, a.checksum";

Annotation StoreRows::annotationFromRow(const Statement& s)
{
    RowChecksum::verifyRow(s, "annotations", kAnnotationChecked, "annotation " + std::to_string(s.columnInt(0)));
    Annotation a;
    a.id = s.columnInt(0);
    a.imageId = s.columnInt(1);
    a.label = s.columnText(2);
    a.box = Box{s.columnDouble(3), s.columnDouble(4), s.columnDouble(5), s.columnDouble(6)};
    if (!s.isNull(7))
        a.boxMm = Box{s.columnDouble(7), s.columnDouble(8), s.columnDouble(9), s.columnDouble(10)};
    if (!s.isNull(11))
        a.rotated = RotatedBox{s.columnDouble(11), s.columnDouble(12), s.columnDouble(13), s.columnDouble(14),
                               s.columnDouble(15)};
    a.lengthMm = s.columnOptDouble(16);
    a.widthMm = s.columnOptDouble(17);
    a.author = s.columnText(18);
    a.status = statusFromName(s.columnText(19));
    a.reviewer = s.columnText(20);
    a.reviewComment = s.columnText(21);
    a.source = sourceFromName(s.columnText(22));
    a.createdAt = s.columnText(23);
    a.modifiedAt = s.columnText(24);
    return a;
}

const char* const StoreRows::kImageColumns =
    "id, path, frame, sop_instance_uid, sha256, mm_per_pixel_x, mm_per_pixel_y, width, height, patient_id, "
    "patient_name, patient_birth_date, added_at, checksum";

ImageRecord StoreRows::imageFromRow(const Statement& s)
{
    RowChecksum::verifyRow(s, "images", kImageChecked, "image record " + std::to_string(s.columnInt(0)));
    ImageRecord im;
    im.id = s.columnInt(0);
    im.path = s.columnText(1);
    im.frame = static_cast<int>(s.columnInt(2));
    im.sopInstanceUid = s.columnText(3);
    im.sha256 = s.columnText(4);
    im.mmPerPixelX = s.columnDouble(5);
    im.mmPerPixelY = s.columnDouble(6);
    im.width = static_cast<int>(s.columnInt(7));
    im.height = static_cast<int>(s.columnInt(8));
    im.patientId = s.columnText(9);
    im.patientName = s.columnText(10);
    im.patientBirthDate = s.columnText(11);
    im.addedAt = s.columnText(12);
    return im;
}
long long StoreRows::writeAnnotation(SqliteDb& db, const Annotation& a, const ImageRecord& im, bool insert,
                                bool explicitId)
{
    std::optional<double> xMm, yMm, wMm, hMm, lengthMm, widthMm;
    if (im.isCalibrated()) {
        const double sx = im.mmPerPixelX, sy = im.mmPerPixelY;
        xMm = a.box.x * sx;
        yMm = a.box.y * sy;
        wMm = a.box.width * sx;
        hMm = a.box.height * sy;
        if (a.rotated) {
            const double t = a.rotated->angleDeg * M_PI / 180.0;
            lengthMm = a.rotated->length * std::hypot(std::cos(t) * sx, std::sin(t) * sy);
            widthMm = a.rotated->width * std::hypot(std::sin(t) * sx, std::cos(t) * sy);
        } else {
            lengthMm = wMm;
            widthMm = hMm;
        }
    }
    const std::string sql = insert
        ? std::string("INSERT INTO annotations(image_id, label, x, y, w, h, x_mm, y_mm, w_mm, h_mm, rot_cx, rot_cy, "
                      "rot_length, rot_width, rot_angle_deg, length_mm, width_mm, author, status, reviewer, "
                      "review_comment, source, created_at, modified_at") + (explicitId ? ", id" : "") +
              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
              "?20, ?21, ?22, ?23, ?24" + (explicitId ? ", ?25" : "") + ")"
        : "UPDATE annotations SET image_id = ?1, label = ?2, x = ?3, y = ?4, w = ?5, h = ?6, x_mm = ?7, y_mm = ?8, "
          "w_mm = ?9, h_mm = ?10, rot_cx = ?11, rot_cy = ?12, rot_length = ?13, rot_width = ?14, "
          "rot_angle_deg = ?15, length_mm = ?16, width_mm = ?17, author = ?18, status = ?19, reviewer = ?20, "
          "review_comment = ?21, source = ?22, created_at = ?23, modified_at = ?24 WHERE id = ?25";
    Statement s(db, sql);
    s.bind(1, a.imageId).bind(2, a.label).bind(3, a.box.x).bind(4, a.box.y).bind(5, a.box.width)
        .bind(6, a.box.height).bind(7, xMm).bind(8, yMm).bind(9, wMm).bind(10, hMm);
    if (a.rotated)
        s.bind(11, a.rotated->centerX).bind(12, a.rotated->centerY).bind(13, a.rotated->length)
            .bind(14, a.rotated->width).bind(15, a.rotated->angleDeg);
    else
        s.bindNull(11).bindNull(12).bindNull(13).bindNull(14).bindNull(15);
    s.bind(16, lengthMm).bind(17, widthMm).bind(18, a.author).bind(19, statusName(a.status))
        .bind(20, a.reviewer).bind(21, a.reviewComment).bind(22, sourceName(a.source))
        .bind(23, a.createdAt).bind(24, a.modifiedAt);
    if (!insert || explicitId)
        s.bind(25, a.id);
    s.run("saving the annotation");
    const long long id = insert && !explicitId ? db.lastInsertId() : a.id;
    RowChecksum::sealAnnotation(db, id);
    return id;
}

} // namespace ks::annotation
