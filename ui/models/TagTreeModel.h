#pragma once
/// \file TagTreeModel.h
/// The DICOM tag panel's model: one row per attribute, sequence items nested under their
/// sequence (from ks::TagEntry::depth). Columns: tag, name, VR, value.

#include "common/Image.h"

#include <QStandardItemModel>

namespace ks::ui {

/// GUI thread only.
class TagTreeModel : public QStandardItemModel
{
    Q_OBJECT
public:
    enum Column { TagColumn, NameColumn, VrColumn, ValueColumn, ColumnCount };

    explicit TagTreeModel(QObject* parent = nullptr);

    /// Replaces the content. An entry of depth d becomes a child of the nearest preceding
    /// entry of depth d-1; depths that jump by more than one are clamped.
    void setTags(const std::vector<ks::TagEntry>& tags);
    /// Number of entries at all depths.
    int entryCount() const { return m_count; }

private:
    int m_count = 0;
};

} // namespace ks::ui
