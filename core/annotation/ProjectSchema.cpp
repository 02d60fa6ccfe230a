#include "ProjectSchema.h"

#include "ProjectBackup.h"
#include "RowChecksum.h"
#include "SqliteDb.h"

#include "common/Error.h"

#include <filesystem>
#include <string>

namespace ks::annotation {

namespace {

// v0 → v1: the first schema. Never edit a step once released: add a new one.
const char* const kToV1 = R"sql(
CREATE TABLE labels (
    name TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0),
    position INTEGER NOT NULL DEFAULT 0
);
INSERT INTO labels(name, position) VALUES ('kidney', 0);

CREATE TABLE images (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL,
    frame INTEGER NOT NULL DEFAULT 0 CHECK (frame >= 0),
    sop_instance_uid TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    mm_per_pixel_x REAL NOT NULL DEFAULT 0,
    mm_per_pixel_y REAL NOT NULL DEFAULT 0,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    patient_id TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    UNIQUE (path, frame)
);

CREATE TABLE annotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE RESTRICT,
    label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE ON DELETE RESTRICT,
    x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
    x_mm REAL, y_mm REAL, w_mm REAL, h_mm REAL,
    rot_cx REAL, rot_cy REAL, rot_length REAL, rot_width REAL, rot_angle_deg REAL,
    length_mm REAL, width_mm REAL,
    author TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
    reviewer TEXT NOT NULL DEFAULT '',
    review_comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    CHECK (w > 0 AND h > 0)
);
CREATE INDEX annotations_by_image ON annotations(image_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    annotation_id INTEGER,
    before TEXT NOT NULL DEFAULT '',
    after TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// v1 → v2
const char* const kToV2 = R"sql(
ALTER TABLE annotations ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'
    CHECK (source IN ('manual', 'imported', 'from-model'));
ALTER TABLE images ADD COLUMN patient_name TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN patient_birth_date TEXT NOT NULL DEFAULT '';
CREATE INDEX annotations_by_author_status ON annotations(author, status);
)sql";

// v2 → v3: row checksums (sealed in C++ by RowChecksum::sealAll, then the trigger is back).
const char* const kToV3 = R"sql(
ALTER TABLE labels ADD COLUMN checksum TEXT;
ALTER TABLE images ADD COLUMN checksum TEXT;
ALTER TABLE annotations ADD COLUMN checksum TEXT;
DROP TRIGGER audit_log_no_update;
ALTER TABLE audit_log ADD COLUMN checksum TEXT;
)sql";
const char* const kAuditNoUpdate = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

const char* const kSteps[] = {kToV1, kToV2, kToV3};
static_assert(sizeof(kSteps) / sizeof(kSteps[0]) == kProjectSchemaVersion);

} // namespace

namespace {

void refuseNewer(SqliteDb& db, int version)
{
    if (version > kProjectSchemaVersion)
        throw Error("The project '" + db.path() + "' was written by a newer KidneyScope (schema version " +
                        std::to_string(version) + ", this build knows " +
                        std::to_string(kProjectSchemaVersion) + ")",
                    "Open it with a newer KidneyScope; this version does not change it",
                    Error::Kind::Unsupported);
}

} // namespace

void migrateProjectSchema(SqliteDb& db, int target)
{
    const int seen = static_cast<int>(db.scalarInt("PRAGMA user_version"));
    refuseNewer(db, seen);
    if (seen >= target)
        return;
    // SQLite's backup API cannot copy from a connection inside a write transaction: back up
    // first (a redundant copy when another process migrates meanwhile is harmless).
    if (seen > 0)
        ProjectBackup::create(db, std::filesystem::path(db.path()).parent_path().string(),
                              "before-v" + std::to_string(target));
    Transaction t(db);
    // Re-read under the write lock: another process may have migrated meanwhile.
    const int version = static_cast<int>(db.scalarInt("PRAGMA user_version"));
    refuseNewer(db, version);
    if (version >= target)
        return;
    for (int v = version; v < target; ++v) {
        if (v == 0)
            db.exec("PRAGMA application_id = " + std::to_string(kProjectApplicationId));
        db.exec(kSteps[v]);
        if (v == 2) {
            RowChecksum::sealAll(db);
            db.exec(kAuditNoUpdate);
        }
    }
    db.exec("PRAGMA user_version = " + std::to_string(target));
    t.commit();
}

} // namespace ks::annotation
