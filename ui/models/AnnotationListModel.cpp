#include "models/AnnotationListModel.h"

#include "models/RoiGeometry.h"

#include <QBrush>
#include <QColor>

namespace ks::ui {

AnnotationListModel::AnnotationListModel(QObject* parent) : QAbstractTableModel(parent) {}

void AnnotationListModel::setAnnotations(std::vector<annotation::Annotation> rois, double mmPerPixelX, double mmPerPixelY)
{
    beginResetModel();
    m_rois = std::move(rois);
    m_mmPerPixelX = mmPerPixelX;
    m_mmPerPixelY = mmPerPixelY;
    endResetModel();
}

int AnnotationListModel::rowOf(long long id) const
{
    for (size_t i = 0; i < m_rois.size(); ++i)
        if (m_rois[i].id == id)
            return static_cast<int>(i);
    return -1;
}

int AnnotationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

int AnnotationListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AnnotationListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= count())
        return {};
    const annotation::Annotation& a = at(index.row());
    if (role == IdRole)
        return QVariant::fromValue<qint64>(a.id);
    const RoiMeasure m = RoiGeometry::measure(RoiGeometry::fromAnnotation(a), m_mmPerPixelX, m_mmPerPixelY,
                                              QString::fromStdString(a.label));
    if (role == Qt::ForegroundRole && m.outsideKidneyRange)
        return QBrush(QColor(0xc0, 0x39, 0x2b));
    if (role == Qt::ToolTipRole)
        return m.outsideKidneyRange ? m.warning() : m.text();
    if (role != Qt::DisplayRole)
        return {};
    const int decimals = m.calibrated ? 1 : 0;
    switch (index.column()) {
    case IdColumn: return QVariant::fromValue<qint64>(a.id);
    case LabelColumn: return QString::fromStdString(a.label) + (a.rotated ? QStringLiteral(" ⟲") : QString());
    case AuthorColumn: return QString::fromStdString(a.author);
    case StatusColumn: return QString::fromStdString(annotation::statusName(a.status));
    case LengthColumn: return QString::number(m.length, 'f', decimals);
    case WidthColumn: return QString::number(m.width, 'f', decimals);
    default: return {};
    }
}

QVariant AnnotationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const bool mm = m_mmPerPixelX > 0 && m_mmPerPixelY > 0;
    switch (section) {
    case IdColumn: return tr("#");
    case LabelColumn: return tr("Label");
    case AuthorColumn: return tr("Author");
    case StatusColumn: return tr("Status");
    case LengthColumn: return mm ? tr("L (mm)") : tr("L (px)");
    case WidthColumn: return mm ? tr("W (mm)") : tr("W (px)");
    default: return {};
    }
}

} // namespace ks::ui
