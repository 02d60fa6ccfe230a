#pragma once
/// \file InterpretPdf.h
/// The HTML report as a PDF through Qt (QTextDocument printed on a QPdfWriter), with the
/// report's embedded "data:image/png;base64" images resolved.
#include <QString>

namespace ks::ui {

/// Stateless. Usable from any thread (QtGui painting on a QPdfWriter, no widgets).
class InterpretPdf
{
public:
    /// Writes `html` as an A4 PDF to `pdfPath`.
    /// \throws ks::Error when the file cannot be written.
    static void write(const QString& html, const QString& pdfPath);
};

} // namespace ks::ui
