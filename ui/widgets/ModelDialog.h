#pragma once
/// \file ModelDialog.h
/// Models of a project (PROJECT/models/*) with their manifests — date, data, methods,
/// metrics — and the choice of the active one (or any bundle folder on disk).
#include "models/ModelList.h"

#include <QDialog>

class QTableWidget;
class QPlainTextEdit;

namespace ks::ui {

/// GUI thread only.
class ModelDialog : public QDialog
{
    Q_OBJECT
public:
    /// \param modelsFolder a project's models folder (may be empty or missing)
    /// \param active the active bundle (highlighted)
    ModelDialog(const QString& modelsFolder, const QString& active, QWidget* parent = nullptr);
    /// The bundle chosen (empty until the user chose one).
    QString chosen() const { return m_chosen; }
    QTableWidget* table() const { return m_table; }

private:
    void choose(const QString& path);

    std::vector<ModelInfo> m_models;
    QTableWidget* m_table;
    QPlainTextEdit* m_manifest;
    QString m_chosen;
};

} // namespace ks::ui
