#include "ResponseGridModel.h"

#include <QIcon>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ks::ui {

namespace {
constexpr int kTileSide = 128;  ///< cached tile resolution (pixels); views scale it with their icon size
}

ResponseGridModel::ResponseGridModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ResponseGridModel::setResult(const ResponseResult& result)
{
    beginResetModel();
    m_result = result;
    m_tiles.clear();
    reorder();
    endResetModel();
}

void ResponseGridModel::clear()
{
    setResult({});
}

void ResponseGridModel::setSort(Sort sort)
{
    if (sort == m_sort)
        return;
    beginResetModel();
    m_sort = sort;
    reorder();
    endResetModel();
}

double ResponseGridModel::measure(const interpret::FilterResponse& f, Sort sort)
{
    switch (sort) {
    case Sort::PhaseNcc: return f.nccPhase;
    case Sort::FrangiNcc: return f.nccFrangi;
    case Sort::Speckle: return f.speckle.rectified.speckleIndex;
    case Sort::Filter: break;
    }
    return f.filter;
}

bool ResponseGridModel::isDead(int column, int filterIndex) const
{
    double lo = 0, hi = 0;
    cv::minMaxLoc(m_result.sets[column].filters[filterIndex].response, &lo, &hi);
    return !(hi > lo);
}

void ResponseGridModel::reorder()
{
    m_order.assign(m_result.sets.size(), {});
    for (std::size_t c = 0; c < m_result.sets.size(); ++c) {
        const auto& filters = m_result.sets[c].filters;
        auto& order = m_order[c];
        order.resize(filters.size());
        std::iota(order.begin(), order.end(), 0);
        if (m_sort == Sort::Filter)
            continue;
        // Live filters by the measure (descending NCC, ascending speckle), dead ones last.
        const bool ascending = m_sort == Sort::Speckle;
        std::vector<char> dead(filters.size());
        for (std::size_t i = 0; i < filters.size(); ++i)
            dead[i] = isDead(static_cast<int>(c), static_cast<int>(i));
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            if (dead[a] != dead[b])
                return !dead[a];
            const double ma = measure(filters[a], m_sort), mb = measure(filters[b], m_sort);
            return ascending ? ma < mb : ma > mb;
        });
    }
}

const interpret::FilterResponse* ResponseGridModel::filterAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.column() >= static_cast<int>(m_order.size()))
        return nullptr;
    const auto& order = m_order[index.column()];
    if (index.row() >= static_cast<int>(order.size()))
        return nullptr;
    return &m_result.sets[index.column()].filters[order[index.row()]];
}

QImage ResponseGridModel::greyImage(const cv::Mat& image)
{
    if (image.empty())
        return {};
    cv::Mat f, g;
    image.convertTo(f, CV_32F);
    double lo = 0, hi = 0;
    cv::minMaxLoc(f, &lo, &hi);
    if (hi > lo)
        f.convertTo(g, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));
    else
        g = cv::Mat::zeros(f.size(), CV_8U);
    QImage out(g.cols, g.rows, QImage::Format_Grayscale8);
    for (int y = 0; y < g.rows; ++y)
        std::copy_n(g.ptr<uchar>(y), g.cols, out.scanLine(y));
    return out;
}

QImage ResponseGridModel::tileImage(const cv::Mat& response, int side)
{
    if (response.empty())
        return {};
    cv::Mat small;
    cv::resize(response, small, cv::Size(side, side), 0, 0, cv::INTER_AREA);
    return greyImage(small);
}

int ResponseGridModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    int rows = 0;
    for (const auto& order : m_order)
        rows = std::max(rows, static_cast<int>(order.size()));
    return rows;
}

int ResponseGridModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_result.sets.size());
}

QVariant ResponseGridModel::data(const QModelIndex& index, int role) const
{
    const interpret::FilterResponse* f = filterAt(index);
    if (!f)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("#%1").arg(f->filter);
    case Qt::DecorationRole: {
        auto& tile = m_tiles[{index.column(), f->filter}];
        if (tile.isNull())
            tile = QPixmap::fromImage(tileImage(f->response, kTileSide));
        return QIcon(tile);
    }
    case Qt::ToolTipRole:
        return tr("%1 %2 filter %3\nNCC with phase congruency %4\nNCC with Frangi %5\n"
                  "speckle index %6 (input %7), residual %8")
            .arg(QString::fromStdString(m_result.sets[index.column()].model), QString::fromStdString(m_result.layer))
            .arg(f->filter)
            .arg(f->nccPhase, 0, 'f', 3)
            .arg(f->nccFrangi, 0, 'f', 3)
            .arg(f->speckle.rectified.speckleIndex, 0, 'f', 3)
            .arg(m_result.reference.inputSpeckle.speckleIndex, 0, 'f', 3)
            .arg(f->speckle.residual, 0, 'f', 3);
    case FilterRole:
        return f->filter;
    case MeasureRole:
        return measure(*f, m_sort);
    case DeadRole: {
        double lo = 0, hi = 0;
        cv::minMaxLoc(f->response, &lo, &hi);
        return !(hi > lo);
    }
    default:
        return {};
    }
}

QVariant ResponseGridModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal && section >= 0 && section < static_cast<int>(m_result.sets.size()))
        return QString::fromStdString(m_result.sets[section].model);
    if (orientation == Qt::Vertical)
        return section + 1;
    return {};
}

} // namespace ks::ui
