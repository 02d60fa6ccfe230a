#pragma once
/// \file AtomicFile.h
/// Writing a whole file so that a reader (or a crash) sees either the old or the new content,
/// never half of it: temporary file in the same folder, fsync, rename, fsync of the folder.

#include <string>

namespace ks::annotation {

/// Writes `path` with `content` atomically. The temporary file is "<path>.tmp-<pid>" and is
/// removed on failure. With `overwrite` false an existing `path` is never replaced (the file
/// appears with link(), which fails when the name exists, so there is no window for a race).
/// Never writes a project database file (ProjectFiles::isDatabaseFile). Thread-safe for
/// different paths.
/// \throws ks::Error (Io) naming the file and the system's reason (read-only folder, disk full);
///         InvalidInput for an existing file without `overwrite` or a database file
void writeFileAtomically(const std::string& path, const std::string& content, bool overwrite = true);

/// The whole content of a regular file (never a project database, FIFO or device).
/// \throws ks::Error (Io) naming the file when it cannot be read, InvalidInput for a file that
///         must not be read.
std::string readWholeFile(const std::string& path);

} // namespace ks::annotation
