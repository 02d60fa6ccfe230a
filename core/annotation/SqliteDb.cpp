#include "SqliteDb.h"

#include "common/Error.h"

#include <sqlite3.h>

#include <filesystem>

namespace ks::annotation {

SqliteDb::SqliteDb(const std::string& path, bool create) : m_path(path)
{
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        // The handle must be closed even on failure; build the error first.
        try {
            fail(rc, "opening the project database");
        } catch (...) {
            sqlite3_close(m_db);
            m_db = nullptr;
            throw;
        }
    }
    sqlite3_extended_result_codes(m_db, 1);
    m_key = ProjectFiles::registerOpen(path);
}

SqliteDb::~SqliteDb()
{
    if (m_db)
        sqlite3_close_v2(m_db);
    ProjectFiles::unregisterOpen(m_key);
}

void SqliteDb::exec(const std::string& sql)
{
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK)
        fail(rc, "updating the project database");
}

long long SqliteDb::scalarInt(const std::string& sql)
{
    Statement s(*this, sql);
    return s.step() ? s.columnInt(0) : 0;
}

std::string SqliteDb::scalarText(const std::string& sql)
{
    Statement s(*this, sql);
    return s.step() ? s.columnText(0) : std::string();
}

long long SqliteDb::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }

int SqliteDb::changes() const { return sqlite3_changes(m_db); }

void SqliteDb::fail(int rc, const std::string& what) const
{
    const std::string detail = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    const std::string where = " while " + what + " ('" + m_path + "')";
    switch (rc & 0xff) {
    case SQLITE_FULL:
        throw Error("The disk is full" + where + "; the last edit was not saved",
                    "Free some disk space; everything saved before is safe", Error::Kind::Io);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        throw Error("The project cannot be written" + where + ": " + detail,
                    "Make the project folder writable, or copy the project to a folder you may write to",
                    Error::Kind::Io);
    case SQLITE_CANTOPEN:
        throw Error("The project database cannot be opened" + where + ": " + detail,
                    "Check that the project folder exists and is readable and writable", Error::Kind::Io);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        throw Error("The project database is damaged or is not a database" + where + ": " + detail,
                    ProjectFiles::restoreAdvice(std::filesystem::path(m_path).parent_path().string()),
                    Error::Kind::Corrupt);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw Error("The project is busy in another program" + where,
                    "Close the other KidneyScope window that has this project open, then try again",
                    Error::Kind::Io);
    case SQLITE_IOERR:
        throw Error("The disk reported an error" + where + ": " + detail,
                    "Check the disk (is it full, removed or failing?); everything saved before is safe",
                    Error::Kind::Io);
    case SQLITE_CONSTRAINT:
        throw Error("The edit breaks a rule of the project" + where + ": " + detail,
                    "Check the values (label in the project's list, image registered)",
                    Error::Kind::InvalidInput);
    default:
        throw Error("Database error" + where + ": " + detail, {}, Error::Kind::Internal);
    }
}

Statement::Statement(SqliteDb& db, std::string_view sql) : m_db(db)
{
    const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        db.fail(rc, "preparing a query");
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::bind(int index, long long value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, const std::string& value)
{
    sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Statement& Statement::bind(int index, const std::optional<double>& value)
{
    return value ? bind(index, *value) : bindNull(index);
}

bool Statement::step(const std::string& what)
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_db.fail(rc, what);
}

void Statement::reset() { sqlite3_reset(m_stmt); }

long long Statement::columnInt(int index) const { return sqlite3_column_int64(m_stmt, index); }

double Statement::columnDouble(int index) const { return sqlite3_column_double(m_stmt, index); }

std::optional<double> Statement::columnOptDouble(int index) const
{
    if (isNull(index))
        return std::nullopt;
    return columnDouble(index);
}

std::string Statement::columnText(int index) const
{
    const auto* p = sqlite3_column_text(m_stmt, index);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(m_stmt, index)) : std::string();
}

std::string Statement::columnBlob(int index) const
{
    const auto* p = static_cast<const char*>(sqlite3_column_blob(m_stmt, index));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, index))) : std::string();
}

int Statement::columnType(int index) const { return sqlite3_column_type(m_stmt, index); }

int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }

bool Statement::isNull(int index) const { return sqlite3_column_type(m_stmt, index) == SQLITE_NULL; }

Transaction::Transaction(SqliteDb& db) : m_db(db)
{
    // IMMEDIATE takes the write lock now, so a busy project fails here and not halfway.
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_done && !sqlite3_get_autocommit(m_db.handle()))
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace ks::annotation
