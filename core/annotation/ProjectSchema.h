#pragma once
/// \file ProjectSchema.h
/// The project database's schema, versioned with PRAGMA user_version, and the migrations
/// from every older version. Internal to ks_annotation (ProjectStore calls it).
///
/// History:
///  - v1: labels, images, annotations (geometry in px and mm, review), append-only audit_log.
///  - v2: annotations.source (manual/imported/from-model; v1 rows were all manual),
///        images.patient_name / patient_birth_date, an index for author/status filters.

namespace ks::annotation {

class SqliteDb;

/// Marks our databases (PRAGMA application_id, "KSco"): anything else is a foreign file.
constexpr int kProjectApplicationId = 0x4B53636F;
/// The version this build writes.
constexpr int kProjectSchemaVersion = 2;

/// Brings the database from its user_version up to `target` (default: current), one
/// transaction per step, so that an interrupted migration leaves a consistent older version.
/// A database at version 0 must be empty; it is created from scratch.
/// \throws ks::Error (Unsupported) when the database is newer than this build
void migrateProjectSchema(SqliteDb& db, int target = kProjectSchemaVersion);

} // namespace ks::annotation
