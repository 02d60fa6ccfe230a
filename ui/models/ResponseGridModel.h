#pragma once
/// \file ResponseGridModel.h
/// The response viewer's grid: one column per network (NA, PA, FA), one tile per filter of
/// the layer. Each column is ordered on its own by the chosen measure, so row r of a column is
/// that network's r-th filter in that order.
#include "InterpretTypes.h"

#include <QAbstractTableModel>
#include <QPixmap>

#include <map>

namespace ks::ui {

/// GUI thread only (tiles are pixmaps, made lazily and cached).
class ResponseGridModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Sort {
        Filter,      ///< filter index
        PhaseNcc,    ///< NCC with phase congruency, highest first
        FrangiNcc,   ///< NCC with Frangi vesselness, highest first
        Speckle      ///< speckle index of the rectified response, lowest first
    };
    enum Role {
        FilterRole = Qt::UserRole + 1,  ///< int: the tile's filter index in its layer
        MeasureRole,                    ///< double: the sort measure of the tile (filter index for Sort::Filter)
        DeadRole                        ///< bool: the response is constant (dead filter)
    };

    explicit ResponseGridModel(QObject* parent = nullptr);

    void setResult(const ResponseResult& result);
    void clear();
    const ResponseResult& result() const { return m_result; }
    bool isEmpty() const { return m_result.sets.empty(); }

    void setSort(Sort sort);
    Sort sort() const { return m_sort; }
    /// The measure a sort uses for one filter.
    static double measure(const interpret::FilterResponse& filter, Sort sort);

    /// The filter response behind a cell (nullptr outside the grid or past a column's filters).
    const interpret::FilterResponse* filterAt(const QModelIndex& index) const;
    /// The response of a filter, min-max scaled to grey, `side` pixels square.
    static QImage tileImage(const cv::Mat& response, int side);
    /// A one-channel map (any depth) as a grey QImage, min-max scaled (constant → black).
    static QImage greyImage(const cv::Mat& image);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void reorder();
    bool isDead(int column, int filterIndex) const;

    ResponseResult m_result;
    Sort m_sort = Sort::Filter;
    std::vector<std::vector<int>> m_order;  ///< per column: indices into sets[c].filters
    mutable std::map<std::pair<int, int>, QPixmap> m_tiles;  ///< (column, filter index) → tile
};

} // namespace ks::ui
