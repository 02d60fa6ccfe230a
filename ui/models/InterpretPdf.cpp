#include "InterpretPdf.h"

#include "common/Error.h"

#include <QByteArray>
#include <QFile>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>
#include <QUrl>

namespace ks::ui {

namespace {

/// Resolves data: URLs (the report embeds every image as base64 PNG).
class DataUriDocument : public QTextDocument
{
protected:
    QVariant loadResource(int type, const QUrl& name) override
    {
        if (type == QTextDocument::ImageResource && name.scheme() == QLatin1String("data")) {
            const QString text = name.toString(QUrl::FullyEncoded);
            const qsizetype comma = text.indexOf(QLatin1Char(','));
            if (comma > 0) {
                const QByteArray bytes = QByteArray::fromBase64(text.mid(comma + 1).toLatin1());
                QImage image;
                if (image.loadFromData(bytes))
                    return image;
            }
        }
        return QTextDocument::loadResource(type, name);
    }
};

} // namespace

void InterpretPdf::write(const QString& html, const QString& pdfPath)
{
    {
        QFile probe(pdfPath);
        if (!probe.open(QIODevice::WriteOnly))
            throw Error("Cannot write the PDF '" + pdfPath.toStdString() + "': " + probe.errorString().toStdString(),
                        "Choose a writable folder for the report", Error::Kind::Io);
    }
    QPdfWriter writer(pdfPath);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(150);
    writer.setTitle(QStringLiteral("KidneyScope interpretability report"));
    writer.setCreator(QStringLiteral("KidneyScope"));
    DataUriDocument doc;
    doc.setDefaultStyleSheet(QStringLiteral("img { max-width: 100%; } table { border-collapse: collapse; }"));
    doc.setHtml(html);
    doc.print(&writer);
}

} // namespace ks::ui
