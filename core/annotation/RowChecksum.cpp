#include "RowChecksum.h"

#include "ProjectFiles.h"
#include "common/Sha256.h"
#include "SqliteDb.h"
#include "StoreRows.h"

#include "common/Error.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <vector>

namespace ks::annotation {

namespace {

std::string folderOf(const SqliteDb& db) { return std::filesystem::path(db.path()).parent_path().string(); }

[[noreturn]] void damaged(const SqliteDb& db, const std::vector<std::string>& problems, size_t total)
{
    std::string list;
    for (size_t i = 0; i < problems.size(); ++i)
        list += (i ? "; " : "") + problems[i];
    if (total > problems.size())
        list += "; and " + std::to_string(total - problems.size()) + " more";
    throw Error("The project '" + folderOf(db) + "' is damaged: " + list +
                    " (changed on disk or by another program since KidneyScope saved it)",
                ProjectFiles::restoreAdvice(folderOf(db)), Error::Kind::Corrupt);
}

/// Collects the first few problems, counts all.
struct Problems
{
    std::vector<std::string> first;
    size_t total = 0;
    void add(const std::string& p)
    {
        if (first.size() < 5)
            first.push_back(p);
        ++total;
    }
};

/// True when every field of the audit log's JSON (written by this or an older version, which may
/// have had fewer fields) has the same value in the row's JSON.
bool agrees(const std::string& audited, const std::string& row)
{
    const auto a = nlohmann::json::parse(audited, nullptr, false);
    const auto r = nlohmann::json::parse(row, nullptr, false);
    if (a.is_discarded() || r.is_discarded() || !a.is_object() || !r.is_object())
        return audited == row;
    for (const auto& [key, value] : a.items())
        if (r.contains(key) && r[key] != value)
            return false;
    return true;
}

} // namespace

RowChecksum::RowChecksum(const std::string& table) { add(table); }

RowChecksum& RowChecksum::add(long long v)
{
    m_text += 'i' + std::to_string(v) + ';';
    return *this;
}

RowChecksum& RowChecksum::add(double v)
{
    char buf[40];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    m_text += 'r';
    m_text.append(buf, r.ptr);
    m_text += ';';
    return *this;
}

RowChecksum& RowChecksum::add(const std::string& v)
{
    m_text += 't' + std::to_string(v.size()) + ':' + v;
    return *this;
}

RowChecksum& RowChecksum::addNull()
{
    m_text += "n;";
    return *this;
}

RowChecksum& RowChecksum::addColumns(const Statement& s, int count)
{
    for (int i = 0; i < count; ++i) {
        switch (s.columnType(i)) {
        case SQLITE_INTEGER: add(s.columnInt(i)); break;
        case SQLITE_FLOAT: add(s.columnDouble(i)); break;
        case SQLITE_TEXT: add(s.columnText(i)); break;
        case SQLITE_NULL: addNull(); break;
        default: {
            const std::string b = s.columnBlob(i);
            m_text += 'b' + std::to_string(b.size()) + ':' + b;
        }
        }
    }
    return *this;
}

std::string RowChecksum::hex() const { return Sha256::ofBytes(m_text); }

void RowChecksum::sealAnnotation(SqliteDb& db, long long id)
{
    std::string sum;
    {
        Statement s(db, std::string("SELECT ") + StoreRows::kAnnotationColumns + " FROM annotations a WHERE a.id = ?1");
        s.bind(1, id);
        if (!s.step())
            return;
        sum = RowChecksum("annotations").addColumns(s, StoreRows::kAnnotationChecked).hex();
    }
    Statement u(db, "UPDATE annotations SET checksum = ?1 WHERE id = ?2");
    u.bind(1, sum).bind(2, id).run("sealing the annotation");
}

void RowChecksum::sealImage(SqliteDb& db, long long id)
{
    std::string sum;
    {
        Statement s(db, std::string("SELECT ") + StoreRows::kImageColumns + " FROM images WHERE id = ?1");
        s.bind(1, id);
        if (!s.step())
            return;
        sum = RowChecksum("images").addColumns(s, StoreRows::kImageChecked).hex();
    }
    Statement u(db, "UPDATE images SET checksum = ?1 WHERE id = ?2");
    u.bind(1, sum).bind(2, id).run("sealing the image record");
}

void RowChecksum::sealLabel(SqliteDb& db, const std::string& name)
{
    std::string sum;
    {
        Statement s(db, "SELECT name, position FROM labels WHERE name = ?1");
        s.bind(1, name);
        if (!s.step())
            return;
        sum = RowChecksum("labels").addColumns(s, 2).hex();
    }
    Statement u(db, "UPDATE labels SET checksum = ?1 WHERE name = ?2");
    u.bind(1, sum).bind(2, name).run("sealing the label");
}

std::string RowChecksum::auditChecksum(const std::string& previous, long long id, const std::string& at,
                                       const std::string& who, const std::string& action,
                                       std::optional<long long> annotationId, const std::string& before,
                                       const std::string& after)
{
    RowChecksum c("audit_log");
    c.add(previous).add(id).add(at).add(who).add(action);
    if (annotationId)
        c.add(*annotationId);
    else
        c.addNull();
    return c.add(before).add(after).hex();
}

void RowChecksum::sealAll(SqliteDb& db)
{
    std::vector<std::string> names;
    std::vector<long long> images, annotations;
    {
        Statement s(db, "SELECT name FROM labels");
        while (s.step())
            names.push_back(s.columnText(0));
    }
    {
        Statement s(db, "SELECT id FROM images");
        while (s.step())
            images.push_back(s.columnInt(0));
    }
    {
        Statement s(db, "SELECT id FROM annotations");
        while (s.step())
            annotations.push_back(s.columnInt(0));
    }
    for (const std::string& n : names)
        sealLabel(db, n);
    for (long long id : images)
        sealImage(db, id);
    for (long long id : annotations)
        sealAnnotation(db, id);
    std::vector<std::pair<long long, std::string>> chain;
    {
        Statement s(db, "SELECT id, at, who, action, annotation_id, before, after FROM audit_log ORDER BY id");
        std::string previous;
        while (s.step()) {
            std::optional<long long> annotationId;
            if (!s.isNull(4))
                annotationId = s.columnInt(4);
            previous = auditChecksum(previous, s.columnInt(0), s.columnText(1), s.columnText(2), s.columnText(3),
                                     annotationId, s.columnText(5), s.columnText(6));
            chain.emplace_back(s.columnInt(0), previous);
        }
    }
    Statement u(db, "UPDATE audit_log SET checksum = ?1 WHERE id = ?2");
    for (const auto& [id, sum] : chain) {
        u.bind(1, sum).bind(2, id).run("sealing the audit log");
        u.reset();
    }
}

void RowChecksum::verifyRow(const Statement& s, const std::string& table, int count, const std::string& what)
{
    if (s.isNull(count) || RowChecksum(table).addColumns(s, count).hex() != s.columnText(count))
        damaged(s.db(), {what + " does not match its checksum"}, 1);
}

void RowChecksum::verify(SqliteDb& db, bool full)
{
    Problems p;
    {
        Statement s(db, "SELECT name, position, checksum FROM labels ORDER BY rowid");
        while (s.step())
            if (s.isNull(2) || RowChecksum("labels").addColumns(s, 2).hex() != s.columnText(2))
                p.add("label '" + s.columnText(0) + "' does not match its checksum");
    }
    {
        Statement s(db, std::string("SELECT ") + StoreRows::kImageColumns + " FROM images ORDER BY id");
        while (s.step())
            if (s.isNull(StoreRows::kImageChecked) ||
                RowChecksum("images").addColumns(s, StoreRows::kImageChecked).hex() !=
                    s.columnText(StoreRows::kImageChecked))
                p.add("image record " + std::to_string(s.columnInt(0)) + " does not match its checksum");
    }
    std::map<long long, std::string> rows;   // annotation id → JSON as stored (full check only)
    {
        Statement s(db, std::string("SELECT ") + StoreRows::kAnnotationColumns + " FROM annotations a ORDER BY a.id");
        while (s.step()) {
            if (s.isNull(StoreRows::kAnnotationChecked) ||
                RowChecksum("annotations").addColumns(s, StoreRows::kAnnotationChecked).hex() !=
                    s.columnText(StoreRows::kAnnotationChecked)) {
                p.add("annotation " + std::to_string(s.columnInt(0)) + " does not match its checksum");
                continue;
            }
            if (full) {
                try {
                    rows[s.columnInt(0)] = StoreRows::toJson(StoreRows::annotationFromRow(s));
                } catch (const Error& e) {
                    p.add("annotation " + std::to_string(s.columnInt(0)) + " cannot be read (" + e.message() + ")");
                }
            }
        }
    }
    {
        const long long last = db.scalarInt("SELECT coalesce(max(id), 0) FROM audit_log");
        const long long first = full ? 0 : std::max(0LL, last - 256);
        std::string previous;
        if (first > 0) {
            Statement s(db, "SELECT checksum FROM audit_log WHERE id <= ?1 ORDER BY id DESC LIMIT 1");
            s.bind(1, first);
            if (s.step())
                previous = s.columnText(0);
        }
        std::map<long long, std::string> lastAfter;   // annotation id → its last audited state
        Statement s(db, "SELECT id, at, who, action, annotation_id, before, after, checksum FROM audit_log "
                        "WHERE id > ?1 ORDER BY id");
        s.bind(1, first);
        while (s.step()) {
            std::optional<long long> annotationId;
            if (!s.isNull(4))
                annotationId = s.columnInt(4);
            const std::string sum = auditChecksum(previous, s.columnInt(0), s.columnText(1), s.columnText(2),
                                                  s.columnText(3), annotationId, s.columnText(5), s.columnText(6));
            if (sum != s.columnText(7))
                p.add("audit log entry " + std::to_string(s.columnInt(0)) + " does not match the log's hash chain");
            previous = s.columnText(7);
            if (annotationId)
                lastAfter[*annotationId] = s.columnText(6);
        }
        if (full) {
            // Every annotation must be as its last audit entry left it, and none may be missing.
            for (const auto& [id, after] : lastAfter) {
                const auto it = rows.find(id);
                if (after.empty() && it != rows.end())
                    p.add("annotation " + std::to_string(id) + " exists although the audit log deleted it");
                else if (!after.empty() && it == rows.end())
                    p.add("annotation " + std::to_string(id) + " is missing although the audit log kept it");
                else if (!after.empty() && !agrees(after, it->second))
                    p.add("annotation " + std::to_string(id) + " differs from its last audit log entry");
            }
        }
    }
    if (p.total > 0)
        damaged(db, p.first, p.total);
}

} // namespace ks::annotation
