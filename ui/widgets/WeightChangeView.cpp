#include "WeightChangeView.h"

#include "FilterMosaic.h"

#include <QBarCategoryAxis>
#include <QHorizontalBarSeries>
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
    upper->setSizes({560, 440});
    splitter->setSizes({520, 240});
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
    chart->setTitle(tr("Share of each layer's filters changed > %1 %").arg(m_threshold->value(), 0, 'f', 0));
    if (layers.isEmpty())
        return;
    // Horizontal bars: layer names stay readable for SqueezeNet's 26 conv layers; shares make
    // layers of different widths comparable (the table keeps the counts).
    auto* series = new QHorizontalBarSeries;
    for (int s = 0; s < 2; ++s) {
        if (!(s == 0 ? m_model->hasPa() : m_model->hasFa()))
            continue;
        auto* set = new QBarSet(s == 0 ? QStringLiteral("PA") : QStringLiteral("FA"));
        for (int l = 0; l < layers.size(); ++l) {
            const int filters = m_model->filters(l);
            m_bars[s] << (filters > 0 ? 100.0 * m_model->changed(l, s == 1) / filters : 0.0);
        }
        // Horizontal categories run bottom-up: feed them last layer first so conv1 is on top.
        for (auto it = m_bars[s].crbegin(); it != m_bars[s].crend(); ++it)
            *set << *it;
        series->append(set);
    }
    chart->addSeries(series);
    // Network order from the top (see above).
    auto* y = new QBarCategoryAxis;
    y->append(QStringList(layers.crbegin(), layers.crend()));
    QFont small = y->labelsFont();
    small.setPointSizeF(layers.size() > 12 ? 6.5 : 8.5);
    y->setLabelsFont(small);
    y->setTruncateLabels(false);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    // Room for every layer name (they elide otherwise).
    m_chart->setMinimumHeight(std::min(900, 140 + 13 * static_cast<int>(layers.size())));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    auto* x = new QValueAxis;
    x->setRange(0, 100);
    x->setLabelFormat(QStringLiteral("%d %%"));
    x->setTitleText(tr("filters changed"));
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
}

} // namespace ks::ui
