#include "SaveTarget.h"

#include "annotation/ProjectFiles.h"
#include "common/Error.h"

#include <QObject>
#include <QSaveFile>

namespace ks::ui {

QString SaveTarget::refusal(const QString& path)
{
    if (path.trimmed().isEmpty())
        return QObject::tr("No file chosen. Choose where to save.");
    try {
        annotation::ProjectFiles::checkExportTarget(path.toStdString(), true);
    } catch (const Error& e) {
        return QString::fromStdString(e.fullText());
    }
    return {};
}

void SaveTarget::write(const QString& path, const QByteArray& bytes)
{
    if (const QString why = refusal(path); !why.isEmpty())
        throw Error(why.toStdString(), {}, Error::Kind::InvalidInput);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        throw Error("Cannot write " + path.toStdString() + ": " + out.errorString().toStdString(),
                    "Choose a folder you can write to", Error::Kind::Io);
    if (out.write(bytes) != bytes.size() || !out.commit())
        throw Error("Writing " + path.toStdString() + " failed: " + out.errorString().toStdString(),
                    "Check the free disk space; nothing was replaced", Error::Kind::Io);
}

} // namespace ks::ui
