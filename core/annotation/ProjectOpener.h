#pragma once
/// \file ProjectOpener.h
/// Opens a project folder's database safely: creates a new project, or identifies an existing
/// file before writing anything to it (foreign, damaged, newer, read-only), then switches it to
/// WAL and migrates it. Internal to ks_annotation (ProjectStore's constructor).

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
