#pragma once
/// \file StudyBrowser.h
/// The study browser dock: patient → study → series → instance tree with a one-line summary
/// of the scan (instances, skipped non-DICOM files, unreadable files).

#include "models/StudyTreeModel.h"

#include <QWidget>

class QLabel;
class QTreeView;

namespace ks::ui {

/// GUI thread only.
class StudyBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit StudyBrowser(QWidget* parent = nullptr);

    /// Shows `tree`, expanded. `source` is the opened path (for the summary line).
    void setStudyTree(const ks::dicom::StudyTree& tree, const QString& source);
    StudyTreeModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// "4 instances in 2 series; 3 non-DICOM files skipped; 1 file unreadable".
    QString summary() const;

    /// Selects the instance with this path (emits instanceSelected). False when absent.
    bool selectPath(const QString& path);
    /// Selects the first instance with an image. False when there is none.
    bool selectFirstImage();
    /// Moves the selection to the next/previous instance (wrapping). False when none.
    bool selectNext(int step = 1);

Q_SIGNALS:
    /// The user (or select*) made an instance current.
    void instanceSelected(const QString& path, bool hasImage, const QString& objectKind);

private:
    void onCurrentChanged(const QModelIndex& index);

    StudyTreeModel* m_model;
    QTreeView* m_view;
    QLabel* m_summary;
    QString m_source;
};

} // namespace ks::ui
