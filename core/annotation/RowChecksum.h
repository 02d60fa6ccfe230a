#pragma once
/// \file RowChecksum.h
/// Integrity of the project's rows: every row of labels, images and annotations carries a
/// SHA-256 of its canonical content (column "checksum"), and the audit log is a hash chain
/// (each entry's checksum covers its content and the previous entry's checksum). A byte that
/// changed on disk, or a row changed by another program, no longer matches and is reported as
/// damage (Error::Kind::Corrupt) instead of being shown. Internal to ks_annotation.
///
/// Canonical content: the table name, then per column a type tag and the value as SQLite
/// returns it ("i<decimal>;", "r<shortest round-trip double>;", "t<bytes>:<text>",
/// "b<bytes>:<blob>", "n;"). The annotation and image checksums cover exactly the columns of
/// StoreRows::kAnnotationColumns / kImageColumns before "checksum"; a schema step that adds a
/// column must extend those lists and reseal all rows.

#include <optional>
#include <string>

namespace ks::annotation {

class SqliteDb;
class Statement;

/// Builder of one canonical row text. Not synchronised (a value); static members are stateless.
class RowChecksum
{
public:
    explicit RowChecksum(const std::string& table);
    RowChecksum& add(long long v);
    RowChecksum& add(double v);
    RowChecksum& add(const std::string& v);
    RowChecksum& addNull();
    /// Adds columns [0, count) of the statement's current row.
    RowChecksum& addColumns(const Statement& s, int count);
    /// SHA-256 (hex) of the canonical text.
    std::string hex() const;

    /// Recomputes and stores the checksum of one row (inside the caller's transaction).
    static void sealAnnotation(SqliteDb& db, long long id);
    static void sealImage(SqliteDb& db, long long id);
    static void sealLabel(SqliteDb& db, const std::string& name);
    /// Seals every row of every table and rebuilds the audit chain (schema migration only: the
    /// caller has lifted the audit log's no-update trigger inside its transaction).
    static void sealAll(SqliteDb& db);

    /// Checksum of an audit entry chained to the previous entry's checksum ("" for the first).
    static std::string auditChecksum(const std::string& previous, long long id, const std::string& at,
                                     const std::string& who, const std::string& action,
                                     std::optional<long long> annotationId, const std::string& before,
                                     const std::string& after);

    /// Throws ks::Error (Corrupt, with restore advice for `folder`) when the row just read by
    /// `s` (columns [0, count) plus its checksum in column `count`) does not match.
    static void verifyRow(const Statement& s, const std::string& table, int count, const std::string& what);

    /// Checks every row of labels, images and annotations, and the audit chain: the newest 256
    /// entries, or all of them and the agreement of every annotation with its last audit entry
    /// when `full`. \throws ks::Error (Corrupt) naming the damaged rows and the newest backup.
    static void verify(SqliteDb& db, bool full);

private:
    std::string m_text;
};

} // namespace ks::annotation
