#pragma once
/// \file ProjectSchema.h
/// The project database's schema, versioned with PRAGMA user_version, and the migrations
/// from every older version. Internal to ks_annotation (ProjectStore calls it).
///
/// History:
///  - v1: labels, images, annotations (geometry in px and mm, review), append-only audit_log.
///  - v2: annotations.source (manual/imported/from-model; v1 rows were all manual),
///        images.patient_name / patient_birth_date, an index for author/status filters.
///  - v3: a "checksum" column in labels, images, annotations (SHA-256 of the row) and audit_log
///        (a hash chain), see RowChecksum.h; existing rows are sealed by the migration.

namespace ks::annotation {

class SqliteDb;

/// Marks our databases (PRAGMA application_id, "KSco"): anything else is a foreign file.
constexpr int kProjectApplicationId = 0x4B53636F;
/// The version this build writes.
constexpr int kProjectSchemaVersion = 3;

/// Brings the database from its user_version up to `target` (default: current) in ONE
/// BEGIN IMMEDIATE transaction that re-reads the version inside it: of several processes
/// opening an old or new project at once, one migrates and the others find it done (no
/// "table already exists"). An interrupted migration leaves the older version. A database
/// above version 0 is first copied into backups/ (ProjectBackup, "before-v<target>", taken
/// just before the transaction: the backup API cannot read inside a write transaction).
/// A database at version 0 must be empty; it is created from scratch.
/// \throws ks::Error (Unsupported) when the database is newer than this build
void migrateProjectSchema(SqliteDb& db, int target = kProjectSchemaVersion);

} // namespace ks::annotation
