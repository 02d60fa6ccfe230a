#pragma once
/// \file ProjectOpener.h
/// Opens a project folder's database safely: creates a new project (complete, atomically, only
/// in a folder without any project file), or identifies an existing file through SQLite alone
/// (never another open(): ProjectFiles.h) before writing anything to it (foreign, damaged,
/// emptied, newer, read-only), checks it (quick_check, row checksums), switches it to WAL,
/// migrates it and makes the daily backup. Internal to ks_annotation (ProjectStore's constructor).

#include <memory>
#include <string>

namespace ks::annotation {

class SqliteDb;

/// Stateless; thread-safe.
class ProjectOpener
{
public:
    /// \param folder absolute, normalised project folder
    /// \throws ks::Error as documented for ProjectStore::ProjectStore
    static std::unique_ptr<SqliteDb> open(const std::string& folder, bool create);
};

} // namespace ks::annotation
