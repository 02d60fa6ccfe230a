#include "WeightChangeModel.h"

#include <algorithm>

namespace ks::ui {

WeightChangeModel::WeightChangeModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void WeightChangeModel::setTables(const std::optional<interpret::WeightChangeTable>& pa,
                                  const std::optional<interpret::WeightChangeTable>& fa)
{
    beginResetModel();
    m_pa = pa;
    m_fa = fa;
    endResetModel();
}

void WeightChangeModel::setThreshold(double threshold)
{
    m_threshold = threshold;
    Q_EMIT headerDataChanged(Qt::Horizontal, PaColumn, FaColumn);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const interpret::WeightChangeTable* WeightChangeModel::reference() const
{
    return m_fa ? &*m_fa : m_pa ? &*m_pa : nullptr;
}

QStringList WeightChangeModel::layers() const
{
    QStringList out;
    if (const auto* t = reference())
        for (const auto& l : t->layers)
            out << QString::fromStdString(l.layer);
    return out;
}

int WeightChangeModel::filters(int layer) const
{
    const auto* t = reference();
    return t && layer >= 0 && layer < static_cast<int>(t->layers.size()) ? t->layers[layer].filters : 0;
}

int WeightChangeModel::changed(int layer, bool fa) const
{
    const auto& table = fa ? m_fa : m_pa;
    if (!table || layer < 0 || layer >= static_cast<int>(table->layers.size()))
        return -1;
    const auto& changes = table->layers[layer].changes;
    return static_cast<int>(std::count_if(changes.begin(), changes.end(), [this](double c) { return c > m_threshold; }));
}

int WeightChangeModel::rowCount(const QModelIndex& parent) const
{
    const auto* t = reference();
    return parent.isValid() || !t ? 0 : static_cast<int>(t->layers.size()) + 1;
}

int WeightChangeModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WeightChangeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::TextAlignmentRole && role != Qt::UserRole))
        return {};
    if (role == Qt::TextAlignmentRole)
        return index.column() == LayerColumn ? int(Qt::AlignLeft | Qt::AlignVCenter) : int(Qt::AlignRight | Qt::AlignVCenter);
    const int layerCount = rowCount() - 1;
    const bool total = index.row() == layerCount;
    const auto count = [&](bool fa) -> QVariant {
        if (!(fa ? m_fa : m_pa))
            return role == Qt::UserRole ? QVariant(-1) : QVariant(QStringLiteral("–"));
        int sum = 0;
        for (int l = total ? 0 : index.row(); l < (total ? layerCount : index.row() + 1); ++l)
            sum += changed(l, fa);
        return sum;
    };
    const auto median = [&](bool fa) -> QVariant {
        const auto& table = fa ? m_fa : m_pa;
        if (!table || total)
            return QStringLiteral("–");
        return QStringLiteral("%1 %").arg(100.0 * table->layers[index.row()].median, 0, 'f', 1);
    };
    switch (index.column()) {
    case LayerColumn:
        return total ? tr("Total") : QString::fromStdString(reference()->layers[index.row()].layer);
    case FiltersColumn: {
        int sum = 0;
        for (int l = total ? 0 : index.row(); l < (total ? layerCount : index.row() + 1); ++l)
            sum += filters(l);
        return sum;
    }
    case PaColumn: return count(false);
    case FaColumn: return count(true);
    case PaMedianColumn: return median(false);
    case FaMedianColumn: return median(true);
    default: return {};
    }
}

QVariant WeightChangeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const QString pct = QString::number(100.0 * m_threshold, 'f', 0);
    switch (section) {
    case LayerColumn: return tr("Layer");
    case FiltersColumn: return tr("Filters");
    case PaColumn: return tr("PA changed > %1 %").arg(pct);
    case FaColumn: return tr("FA changed > %1 %").arg(pct);
    case PaMedianColumn: return tr("PA median change");
    case FaMedianColumn: return tr("FA median change");
    default: return {};
    }
}

} // namespace ks::ui
