#pragma once
/// \file AnnotationSettings.h
/// Persistent settings of the annotation tools: the author name and the last project folder.

#include <QString>

#include <memory>

class QSettings;

namespace ks::ui {

/// GUI thread only.
class AnnotationSettings
{
public:
    /// The application's settings (QSettings with the application's names).
    AnnotationSettings();
    /// Settings in an INI file at `iniPath` (tests).
    explicit AnnotationSettings(const QString& iniPath);
    ~AnnotationSettings();

    /// Who edits; empty means the OS user (ProjectStore::defaultAuthor()).
    QString author() const;
    void setAuthor(const QString& author);
    QString lastProject() const;
    void setLastProject(const QString& folder);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace ks::ui
