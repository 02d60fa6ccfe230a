#pragma once
/// \file WeightChangeModel.h
/// Table 2 of the paper as an item model: per conv layer, the filters whose weights changed by
/// more than the threshold (relative L2 norm against NA) for PA and FA, out of the layer's
/// filters, with a Total row. The threshold can change without recomputing the weights.
#include "InterpretTypes.h"

#include <QAbstractTableModel>

namespace ks::ui {

/// GUI thread only.
class WeightChangeModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { LayerColumn, FiltersColumn, PaColumn, FaColumn, PaMedianColumn, FaMedianColumn, ColumnCount };

    explicit WeightChangeModel(QObject* parent = nullptr);

    /// Either table may be missing (a bundle without PA or FA); both must list the same layers
    /// when present.
    void setTables(const std::optional<interpret::WeightChangeTable>& pa,
                   const std::optional<interpret::WeightChangeTable>& fa);
    /// Relative change (0.4 = 40 %) above which a filter counts as changed.
    void setThreshold(double threshold);
    double threshold() const { return m_threshold; }

    /// Layers in table order (without the Total row).
    QStringList layers() const;
    /// Filters of `layer` changed above the threshold (-1 when that table is missing).
    int changed(int layer, bool fa) const;
    int filters(int layer) const;
    bool hasPa() const { return m_pa.has_value(); }
    bool hasFa() const { return m_fa.has_value(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const interpret::WeightChangeTable* reference() const;

    std::optional<interpret::WeightChangeTable> m_pa, m_fa;
    double m_threshold = 0.4;
};

} // namespace ks::ui
