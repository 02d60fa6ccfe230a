#pragma once
/// \file StoreRows.h
/// Mapping between the project database's rows and our value types: column lists, reading a
/// row, writing an annotation (with its mm geometry from the image's pixel size), the audit
/// log's JSON and timestamps. Internal to ks_annotation.

#include "ProjectTypes.h"

#include <string>

namespace ks::annotation {

class SqliteDb;
class Statement;

/// Stateless; thread-safe.
class StoreRows
{
public:
    /// Columns of an annotation row, table alias "a", in annotationFromRow()'s order.
    static const char* const kAnnotationColumns;
    /// Columns of an image row, in imageFromRow()'s order.
    static const char* const kImageColumns;

    static Annotation annotationFromRow(const Statement& s);
    static ImageRecord imageFromRow(const Statement& s);
    /// Inserts (insert; with a.id when explicitId) or updates (by a.id) one annotation row; the
    /// mm columns are computed from `image`'s pixel size (NULL when uncalibrated).
    static void writeAnnotation(SqliteDb& db, const Annotation& a, const ImageRecord& image, bool insert,
                                bool explicitId);
    /// The annotation as JSON, for the audit log's before/after.
    static std::string toJson(const Annotation& a);
    /// ISO 8601 UTC with milliseconds: "2026-11-25T20:01:02.123Z".
    static std::string nowUtc();
};

} // namespace ks::annotation
