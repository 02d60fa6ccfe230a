#pragma once
/// \file AnnotationListModel.h
/// A table of ROIs for the annotation panel: id, label, author, status, length and width
/// (mm when calibrated, else pixels), with the out-of-range warning as a red row.

#include "annotation/ProjectTypes.h"

#include <QAbstractTableModel>

#include <vector>

namespace ks::ui {

/// GUI thread only.
class AnnotationListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, LabelColumn, AuthorColumn, StatusColumn, LengthColumn, WidthColumn, ColumnCount };
    /// Qt::UserRole on any column: the ROI's id (qint64).
    static constexpr int IdRole = Qt::UserRole;

    explicit AnnotationListModel(QObject* parent = nullptr);

    /// Replaces the rows; `mmPerPixelX/Y` of their image (0 = uncalibrated).
    void setAnnotations(std::vector<annotation::Annotation> rois, double mmPerPixelX, double mmPerPixelY);
    /// Row of ROI `id`, -1 when absent.
    int rowOf(long long id) const;
    const annotation::Annotation& at(int row) const { return m_rois.at(static_cast<size_t>(row)); }
    int count() const { return static_cast<int>(m_rois.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<annotation::Annotation> m_rois;
    double m_mmPerPixelX = 0;
    double m_mmPerPixelY = 0;
};

} // namespace ks::ui
