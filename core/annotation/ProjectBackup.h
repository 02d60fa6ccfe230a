#pragma once
/// \file ProjectBackup.h
/// Rolling automatic backups of a project database in "<project>/backups", made with SQLite's
/// online backup API (a consistent copy of the database as this connection sees it, never a
/// file copy: nothing but SQLite opens the database file). Taken before a schema migration
/// ("before-v<N>") and at most once a day on open ("daily"), only after the project passed its
/// integrity checks; the newest 3 of each kind are kept. Internal to ks_annotation.

#include <string>

namespace ks::annotation {

class SqliteDb;

/// Stateless; safe from several processes at once (unique temporary names, atomic rename).
class ProjectBackup
{
public:
    /// How many backups of one kind are kept.
    static constexpr int kKeep = 3;

    /// Copies the database of `db` into "<folder>/backups/project-<UTC time>-<kind>.sqlite" and
    /// removes the oldest of that kind beyond kKeep. Returns the backup's path.
    /// \throws ks::Error (Io) when the copy cannot be written (nothing is removed then)
    static std::string create(SqliteDb& db, const std::string& folder, const std::string& kind);
    /// Makes a "daily" backup when the newest one is more than 24 hours old (or there is none)
    /// and the project holds any image or annotation. A failure is not fatal (returns "").
    static std::string dailyIfDue(SqliteDb& db, const std::string& folder);
};

} // namespace ks::annotation
