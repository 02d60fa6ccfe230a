#pragma once
/// \file SqliteDb.h
/// A thin RAII layer over the SQLite C API for the project store: connection, prepared
/// statements, transactions, and translation of SQLite result codes into ks::Error with a
/// user's message (disk full, read-only, corrupt, locked). Internal to ks_annotation.

#include "ProjectFiles.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ks::annotation {

/// One connection. Not thread-safe: use from one thread at a time (SQLite serialises
/// connections of different processes through its file locks).
class SqliteDb
{
public:
    /// Opens (creating when `create`) the database file. Does not touch the content yet. The
    /// file is entered in ProjectFiles' registry of open databases while the connection lives.
    SqliteDb(const std::string& path, bool create);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }

    /// Runs one or more statements without results. \throws ks::Error via fail()
    void exec(const std::string& sql);
    /// First column of the first row as integer (0 when there is no row).
    long long scalarInt(const std::string& sql);
    /// First column of the first row as text ("" when there is no row).
    std::string scalarText(const std::string& sql);
    long long lastInsertId() const;
    int changes() const;

    /// Throws the ks::Error for SQLite result `rc` during `what` (e.g. "saving the annotation").
    [[noreturn]] void fail(int rc, const std::string& what) const;

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
    ProjectFiles::FileKey m_key;
};

/// A prepared statement; bind with 1-based indices. Not thread-safe.
class Statement
{
public:
    Statement(SqliteDb& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, long long value);
    Statement& bind(int index, int value) { return bind(index, static_cast<long long>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const std::string& value);
    Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
    Statement& bindNull(int index);
    Statement& bind(int index, const std::optional<double>& value);

    /// Advances; true while a row is available. \throws ks::Error naming `what` on failure.
    bool step(const std::string& what = "reading the project");
    /// Runs a statement that returns no rows.
    void run(const std::string& what = "saving to the project") { while (step(what)) {} }
    /// Makes the statement ready to be bound and run again (bindings are kept until rebound).
    void reset();

    long long columnInt(int index) const;
    double columnDouble(int index) const;
    std::optional<double> columnOptDouble(int index) const;
    std::string columnText(int index) const;
    /// Raw bytes of a BLOB (or TEXT) column.
    std::string columnBlob(int index) const;
    /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
    int columnType(int index) const;
    int columnCount() const;
    bool isNull(int index) const;
    SqliteDb& db() const { return m_db; }

private:
    SqliteDb& m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

/// BEGIN IMMEDIATE … COMMIT; rolls back in the destructor unless commit() succeeded.
class Transaction
{
public:
    explicit Transaction(SqliteDb& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    /// \throws ks::Error (e.g. disk full); the transaction is then rolled back.
    void commit();

private:
    SqliteDb& m_db;
    bool m_done = false;
};

} // namespace ks::annotation
