#include "models/AnnotationSettings.h"

#include <QSettings>

namespace ks::ui {

AnnotationSettings::AnnotationSettings() : m_settings(std::make_unique<QSettings>()) {}

AnnotationSettings::AnnotationSettings(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

AnnotationSettings::~AnnotationSettings() = default;

QString AnnotationSettings::author() const
{
    return m_settings->value(QStringLiteral("annotation/author")).toString();
}

void AnnotationSettings::setAuthor(const QString& author)
{
    m_settings->setValue(QStringLiteral("annotation/author"), author.trimmed());
}

QString AnnotationSettings::lastProject() const
{
    return m_settings->value(QStringLiteral("annotation/lastProject")).toString();
}

void AnnotationSettings::setLastProject(const QString& folder)
{
    m_settings->setValue(QStringLiteral("annotation/lastProject"), folder);
}

} // namespace ks::ui
