#pragma once
/// \file WeightChangeView.h
/// What fine-tuning changed (paper Table 2): per conv layer the filters whose weights moved
/// by more than a threshold (spin box, default 40 %) for PA and FA, a bar chart per layer, and
/// conv1's filters before (NA) and after fine-tuning side by side.
#include "models/InterpretController.h"
#include "models/WeightChangeModel.h"

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTableView;

class QChartView;

namespace ks::ui {

class FilterMosaic;

/// GUI thread only.
class WeightChangeView : public QWidget
{
    Q_OBJECT
public:
    /// \param controller shared with the response viewer (a private one when null)
    explicit WeightChangeView(InterpretController* controller = nullptr, QWidget* parent = nullptr);

    InterpretController* controller() const { return m_controller; }
    WeightChangeModel* model() const { return m_model; }
    /// Threshold in percent (relative L2 change of a filter's weights).
    void setThresholdPercent(double percent);
    /// Shows a result (as computed by the controller).
    void setResult(const WeightChangeResult& result);
    /// Bar values of the chart: per layer, the percentage of its filters changed above the
    /// threshold for PA (set 0) or FA (set 1); empty when that network is missing.
    QList<double> barValues(int set) const;
    FilterMosaic* mosaicBefore() const { return m_before; }
    FilterMosaic* mosaicAfter() const { return m_after; }
    QString statusText() const;

public Q_SLOTS:
    void compute();

private:
    void rebuildChart();

    InterpretController* m_controller;
    WeightChangeModel* m_model;
    QDoubleSpinBox* m_threshold;
    QPushButton* m_compute;
    QTableView* m_table;
    QChartView* m_chart;
    FilterMosaic* m_before;
    FilterMosaic* m_after;
    QLabel* m_status;
    QList<double> m_bars[2];
};

} // namespace ks::ui
