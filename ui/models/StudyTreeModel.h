#pragma once
/// \file StudyTreeModel.h
/// The study browser's model: patient → study → series → instance, built from a
/// ks::dicom::StudyTree. Instances without an image (SR, waveform, RT) are listed with what they are.

#include "dicom/StudyScanner.h"

#include <QStandardItemModel>

namespace ks::ui {

/// GUI thread only (a Qt item model).
class StudyTreeModel : public QStandardItemModel
{
    Q_OBJECT
public:
    enum class Level { Patient, Study, Series, Instance };

    enum Role {
        LevelRole = Qt::UserRole + 1, ///< int(Level)
        PathRole,                     ///< QString, absolute file path (instances only)
        HasImageRole,                 ///< bool (instances only)
        ObjectKindRole,               ///< QString "image", "structured report", ... (instances only)
        UidRole                       ///< study/series/SOP instance UID, patient ID for patients
    };

    explicit StudyTreeModel(QObject* parent = nullptr);

    /// Replaces the content with `tree`. Patients and studies keep the scanner's order, except
    /// that patients holding only non-DICOM images (no SOP class) come last; series are ordered
    /// by number, instances by instance number (then path).
    void setStudyTree(const ks::dicom::StudyTree& tree);
    const ks::dicom::StudyTree& studyTree() const { return m_tree; }

    /// Number of instance rows.
    int instanceCount() const { return m_instanceCount; }
    /// Index of the first instance that has an image (invalid when none).
    QModelIndex firstImageInstance() const;
    /// Index of the instance with this path (invalid when absent).
    QModelIndex findPath(const QString& path) const;
    /// Instance indexes in display order (for next/previous image).
    QList<QModelIndex> instanceIndexes() const;

private:
    ks::dicom::StudyTree m_tree;
    int m_instanceCount = 0;
};

} // namespace ks::ui
