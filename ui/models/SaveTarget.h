#pragma once
/// \file SaveTarget.h
/// Every file the GUI exports (evaluation CSV/PNG, batch detections, the report) goes through
/// here: a path inside a project folder or a project database is refused (a CSV saved over
/// project.sqlite destroyed the project), and the bytes are written all-or-nothing.

#include <QByteArray>
#include <QString>

namespace ks::ui {

/// Stateless; reentrant (any thread may call it, no Qt widgets involved).
class SaveTarget
{
public:
    /// Empty when `path` may be written (the save dialog already asked about replacing an existing
    /// file); otherwise what is wrong and what to do, for the status line or a message box.
    static QString refusal(const QString& path);

    /// refusal() first, then writes `bytes` through QSaveFile (the old file, if any, stays whole
    /// when writing fails). \throws ks::Error (InvalidInput or Io) saying what to do.
    static void write(const QString& path, const QByteArray& bytes);
};

} // namespace ks::ui
