#pragma once
/// \file AtomicFile.h
/// Writing a whole file so that a reader (or a crash) sees either the old or the new content,
/// never half of it: temporary file in the same folder, fsync, rename, fsync of the folder.

#include <string>

namespace ks::annotation {

/// Replaces `path` with `content` atomically. The temporary file is "<path>.tmp-<pid>" and is
/// removed on failure. Thread-safe for different paths.
/// \throws ks::Error (Io) naming the file and the system's reason (read-only folder, disk full)
void writeFileAtomically(const std::string& path, const std::string& content);

/// The whole content of a file. \throws ks::Error (Io) naming the file when it cannot be read.
std::string readWholeFile(const std::string& path);

} // namespace ks::annotation
