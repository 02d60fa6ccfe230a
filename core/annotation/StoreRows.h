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
    /// Columns of an annotation row, table alias "a", in annotationFromRow()'s order; the last
    /// one (index kAnnotationChecked) is the row checksum over all before it (RowChecksum.h).
    static const char* const kAnnotationColumns;
    static constexpr int kAnnotationChecked = 25;
    /// Columns of an image row, in imageFromRow()'s order; the last (index kImageChecked) is the
    /// row checksum.
    static const char* const kImageColumns;
    static constexpr int kImageChecked = 13;

    /// \throws ks::Error (Corrupt) when the row does not match its checksum
    static Annotation annotationFromRow(const Statement& s);
    /// \throws ks::Error (Corrupt) when the row does not match its checksum
    static ImageRecord imageFromRow(const Statement& s);
    /// Inserts (insert; with a.id when explicitId) or updates (by a.id) one annotation row and
    /// seals it (row checksum); the mm columns are computed from `image`'s pixel size (NULL when
    /// uncalibrated). Returns the row's id.
    static long long writeAnnotation(SqliteDb& db, const Annotation& a, const ImageRecord& image, bool insert,
                                bool explicitId);
    /// The annotation as JSON, for the audit log's before/after.
    static std::string toJson(const Annotation& a);
    /// ISO 8601 UTC with milliseconds: "2026-11-25T20:01:02.123Z".
    static std::string nowUtc();
};

} // namespace ks::annotation
