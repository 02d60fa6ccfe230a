#pragma once
/// \file Settings.h
/// Typed access to the viewer's persistent settings (QSettings underneath), so that keys and
/// defaults live in one place.

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <memory>

namespace ks::ui {

/// Not thread-safe: use from the GUI thread (or one thread per instance).
class Settings
{
public:
    /// The application's settings (organisation/application names set on QCoreApplication).
    Settings();
    /// Settings in an INI file at `iniPath` (tests, portable installs).
    explicit Settings(const QString& iniPath);

    /// Most-recently-used paths kept in the recent menu.
    static constexpr int maxRecent = 10;

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    /// QMainWindow::saveState(): dock and toolbar layout.
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    /// Folder the open dialogs start in; the home folder when unset.
    QString lastFolder() const;
    void setLastFolder(const QString& folder);

    /// Recently opened files/folders, newest first, at most maxRecent, no duplicates.
    QStringList recentPaths() const;
    /// Moves `path` to the front of the recent list (adds it when new).
    void addRecentPath(const QString& path);
    void removeRecentPath(const QString& path);
    void clearRecentPaths();

    /// Cine speed factor (1 = the file's frame rate).
    double cineSpeed() const;
    void setCineSpeed(double factor);
    bool cineLoop() const;
    void setCineLoop(bool loop);

    /// Writes pending changes to storage.
    void sync();

private:
    void setRecentPaths(const QStringList& paths);
    std::unique_ptr<QSettings> m_settings;
};

} // namespace ks::ui
