#include "WeightChangeView.h"

#include "FilterMosaic.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

namespace ks::ui {

WeightChangeView::WeightChangeView(InterpretController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller ? controller : new InterpretController(this))
    , m_model(new WeightChangeModel(this))
{
    auto* main = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setRange(0.1, 500);
    m_threshold->setDecimals(1);
    m_threshold->setSingleStep(5);
    m_threshold->setSuffix(QStringLiteral(" %"));
    m_threshold->setValue(40);
    m_threshold->setToolTip(tr("A filter counts as changed when ‖w_ft − w_NA‖ / ‖w_NA‖ exceeds this"));
    m_compute = new QPushButton(tr("Compare with NA"), this);
    controls->addWidget(new QLabel(tr("Changed above:"), this));
    controls->addWidget(m_threshold);
    controls->addWidget(m_compute);
    controls->addStretch(1);
    main->addLayout(controls);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* upper = new QSplitter(Qt::Horizontal, splitter);
    m_table = new QTableView(upper);
    m_table->setModel(m_model);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_chart = new QChartView(new QChart, upper);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumSize(320, 240);
    auto* mosaics = new QWidget;
    auto* mosaicLayout = new QHBoxLayout(mosaics);
    m_before = new FilterMosaic(mosaics);
    m_after = new FilterMosaic(mosaics);
    mosaicLayout->addWidget(m_before);
    mosaicLayout->addWidget(m_after);
    mosaicLayout->addStretch(1);
    auto* scroll = new QScrollArea(splitter);
    scroll->setWidget(mosaics);
    scroll->setWidgetResizable(true);
    main->addWidget(splitter, 1);
    m_status = new QLabel(tr("Open a bundle with NA and PA/FA networks, then Compare with NA"), this);
    m_status->setWordWrap(true);
    main->addWidget(m_status);

    connect(m_compute, &QPushButton::clicked, this, &WeightChangeView::compute);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this](double percent) {
        m_model->setThreshold(percent / 100.0);
        rebuildChart();
    });
    connect(m_controller, &InterpretController::weightChangeReady, this, &WeightChangeView::setResult);
    connect(m_controller, &InterpretController::progressed, this,
            [this](double, const QString& message) { m_status->setText(message); });
    connect(m_controller, &InterpretController::failed, this, [this](const QString& message) {
        m_compute->setEnabled(true);
        m_status->setText(message);
    });
    connect(m_controller, &InterpretController::cancelled, this, [this] { m_compute->setEnabled(true); });
    rebuildChart();
}

void WeightChangeView::setThresholdPercent(double percent)
{
    m_threshold->setValue(percent);
}

QString WeightChangeView::statusText() const
{
    return m_status->text();
}

QList<double> WeightChangeView::barValues(int set) const
{
    return set == 0 || set == 1 ? m_bars[set] : QList<double>{};
}

void WeightChangeView::compute()
{
    m_compute->setEnabled(false);
    m_controller->computeWeightChange();
}

void WeightChangeView::setResult(const WeightChangeResult& result)
{
    m_compute->setEnabled(true);
    m_model->setTables(result.pa, result.fa);
    m_model->setThreshold(m_threshold->value() / 100.0);
    rebuildChart();
    if (result.conv1Before)
        m_before->setWeights(*result.conv1Before, tr("%1 before fine-tuning (NA)").arg(QString::fromStdString(result.conv1Before->layer)));
    else
        m_before->clear();
    if (result.conv1After)
        m_after->setWeights(*result.conv1After, tr("%1 after fine-tuning (%2)").arg(QString::fromStdString(result.conv1After->layer), result.afterLabel));
    else
        m_after->clear();
    m_status->setText(tr("Table 2: filters whose weights changed by more than the threshold (relative L2 norm) against NA."));
}

void WeightChangeView::rebuildChart()
{
    QChart* chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
        chart->removeAxis(axis);
    m_bars[0].clear();
    m_bars[1].clear();
    const QStringList layers = m_model->layers();
    chart->setTitle(tr("Filters changed > %1 % per layer").arg(m_threshold->value(), 0, 'f', 0));
    if (layers.isEmpty())
        return;
    auto* series = new QBarSeries;
    double top = 1;
    for (int s = 0; s < 2; ++s) {
        if (!(s == 0 ? m_model->hasPa() : m_model->hasFa()))
            continue;
        auto* set = new QBarSet(s == 0 ? QStringLiteral("PA") : QStringLiteral("FA"));
        for (int l = 0; l < layers.size(); ++l) {
            const double v = m_model->changed(l, s == 1);
            *set << v;
            m_bars[s] << v;
            top = std::max(top, v);
        }
        series->append(set);
    }
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(layers);
    x->setLabelsAngle(layers.size() > 6 ? -60 : 0);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = new QValueAxis;
    y->setRange(0, top);
    y->setLabelFormat(QStringLiteral("%d"));
    y->setTitleText(tr("filters"));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
}

} // namespace ks::ui
