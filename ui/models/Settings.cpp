#include "models/Settings.h"

#include <QDir>

namespace ks::ui {

namespace {
const char* const kGeometry = "window/geometry";
const char* const kState = "window/state";
const char* const kLastFolder = "files/lastFolder";
const char* const kRecent = "files/recent";
const char* const kCineSpeed = "cine/speed";
const char* const kCineLoop = "cine/loop";
} // namespace

Settings::Settings()
    : m_settings(std::make_unique<QSettings>())
{
}

Settings::Settings(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

QByteArray Settings::windowGeometry() const { return m_settings->value(kGeometry).toByteArray(); }
void Settings::setWindowGeometry(const QByteArray& geometry) { m_settings->setValue(kGeometry, geometry); }
QByteArray Settings::windowState() const { return m_settings->value(kState).toByteArray(); }
void Settings::setWindowState(const QByteArray& state) { m_settings->setValue(kState, state); }

QString Settings::lastFolder() const
{
    const QString folder = m_settings->value(kLastFolder).toString();
    return folder.isEmpty() || !QDir(folder).exists() ? QDir::homePath() : folder;
}

void Settings::setLastFolder(const QString& folder) { m_settings->setValue(kLastFolder, folder); }

QStringList Settings::recentPaths() const
{
    QStringList paths = m_settings->value(kRecent).toStringList();
    paths.removeAll(QString());
    paths.removeDuplicates();
    while (paths.size() > maxRecent)
        paths.removeLast();
    return paths;
}

void Settings::setRecentPaths(const QStringList& paths) { m_settings->setValue(kRecent, paths); }

void Settings::addRecentPath(const QString& path)
{
    if (path.isEmpty())
        return;
    QStringList paths = recentPaths();
    paths.removeAll(path);
    paths.prepend(path);
    while (paths.size() > maxRecent)
        paths.removeLast();
    setRecentPaths(paths);
}

void Settings::removeRecentPath(const QString& path)
{
    QStringList paths = recentPaths();
    paths.removeAll(path);
    setRecentPaths(paths);
}

void Settings::clearRecentPaths() { m_settings->remove(kRecent); }

double Settings::cineSpeed() const
{
    const double speed = m_settings->value(kCineSpeed, 1.0).toDouble();
    return speed > 0 ? speed : 1.0;
}

void Settings::setCineSpeed(double factor) { m_settings->setValue(kCineSpeed, factor); }
bool Settings::cineLoop() const { return m_settings->value(kCineLoop, true).toBool(); }
void Settings::setCineLoop(bool loop) { m_settings->setValue(kCineLoop, loop); }
void Settings::sync() { m_settings->sync(); }

} // namespace ks::ui
