#include "ResponseViewer.h"

#include "FilterMosaic.h"
#include "ResponsePatchPicker.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <opencv2/imgproc.hpp>

namespace ks::ui {

namespace {

QLabel* imageLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setAlignment(Qt::AlignCenter);
    label->setFrameShape(QFrame::StyledPanel);
    return label;
}

QPixmap scaled(const QImage& image, int side, bool smooth = true)
{
    if (image.isNull())
        return {};
    return QPixmap::fromImage(image.scaled(side, side, Qt::KeepAspectRatio,
                                           smooth ? Qt::SmoothTransformation : Qt::FastTransformation));
}

} // namespace

ResponseViewer::ResponseViewer(InterpretController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller ? controller : new InterpretController(this))
    , m_grid(new ResponseGridModel(this))
    , m_picker(new ResponsePatchPicker(this))
{
    auto* main = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    auto* openBundle = new QPushButton(tr("Open Bundle…"), this);
    auto* importCaffe = new QPushButton(tr("Import Caffe…"), this);
    m_models = new QLabel(tr("No network: open a model bundle or import a Caffe model"), this);
    top->addWidget(openBundle);
    top->addWidget(importCaffe);
    top->addWidget(m_models, 1);
    m_useDetection = new QPushButton(tr("Use Detection"), this);
    m_useDetection->setToolTip(tr("Take the current detection's box on this frame as the patch"));
    m_useDetection->setVisible(false);
    top->addWidget(m_useDetection);
    main->addLayout(top);

    auto* controls = new QHBoxLayout;
    m_layer = new QComboBox(this);
    m_layer->setMinimumContentsLength(12);
    m_sort = new QComboBox(this);
    m_sort->addItem(tr("Filter index"), int(ResponseGridModel::Sort::Filter));
    m_sort->addItem(tr("Similarity to phase congruency"), int(ResponseGridModel::Sort::PhaseNcc));
    m_sort->addItem(tr("Similarity to Frangi"), int(ResponseGridModel::Sort::FrangiNcc));
    m_sort->addItem(tr("Speckle index (lowest first)"), int(ResponseGridModel::Sort::Speckle));
    m_zoom = new QSlider(Qt::Horizontal, this);
    m_zoom->setRange(24, 192);
    m_zoom->setValue(m_tileSize);
    m_zoom->setMaximumWidth(160);
    m_compute = new QPushButton(tr("Compute"), this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(180);
    controls->addWidget(new QLabel(tr("Layer:"), this));
    controls->addWidget(m_layer);
    controls->addWidget(new QLabel(tr("Sort:"), this));
    controls->addWidget(m_sort);
    controls->addWidget(new QLabel(tr("Zoom:"), this));
    controls->addWidget(m_zoom);
    controls->addWidget(m_compute);
    controls->addWidget(m_cancel);
    controls->addWidget(m_progress);
    controls->addStretch(1);
    main->addLayout(controls);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    // Left: the frame with the patch, and the hand-crafted maps of the patch.
    auto* left = new QWidget(splitter);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_picker, 1);
    auto* refs = new QGridLayout;
    m_refPatch = imageLabel(left);
    m_refPhase = imageLabel(left);
    m_refFrangi = imageLabel(left);
    const QStringList captions{tr("Patch"), tr("Phase congruency"), tr("Frangi")};
    const QList<QLabel*> labels{m_refPatch, m_refPhase, m_refFrangi};
    for (int i = 0; i < 3; ++i) {
        refs->addWidget(new QLabel(captions[i], left), 0, i, Qt::AlignHCenter);
        refs->addWidget(labels[i], 1, i);
    }
    leftLayout->addLayout(refs);
    // Middle: one grid per network.
    auto* grids = new QWidget(splitter);
    m_gridsLayout = new QHBoxLayout(grids);
    m_gridsLayout->setContentsMargins(0, 0, 0, 0);
    // Right: the clicked filter.
    auto* detail = new QWidget(splitter);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detailImage = imageLabel(detail);
    m_detailImage->setFixedSize(220, 220);
    m_detailWeights = imageLabel(detail);
    m_detailWeights->setFixedSize(220, 140);
    m_detailText = new QLabel(tr("Click a filter to enlarge it"), detail);
    m_detailText->setWordWrap(true);
    m_detailText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailLayout->addWidget(new QLabel(tr("Response"), detail));
    detailLayout->addWidget(m_detailImage);
    detailLayout->addWidget(new QLabel(tr("Weights"), detail));
    detailLayout->addWidget(m_detailWeights);
    detailLayout->addWidget(m_detailText);
    detailLayout->addStretch(1);
    splitter->addWidget(left);
    splitter->addWidget(grids);
    splitter->addWidget(detail);
    // The grids get the room: the frame only serves to pick the patch.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    splitter->setStretchFactor(2, 0);
    splitter->setSizes({340, 900, 240});
    main->addWidget(splitter, 1);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    main->addWidget(m_status);

    connect(openBundle, &QPushButton::clicked, this, &ResponseViewer::openBundleDialog);
    connect(importCaffe, &QPushButton::clicked, this, &ResponseViewer::importCaffeDialog);
    connect(m_compute, &QPushButton::clicked, this, &ResponseViewer::compute);
    connect(m_useDetection, &QPushButton::clicked, this, &ResponseViewer::useDetection);
    connect(m_cancel, &QPushButton::clicked, m_controller, &InterpretController::cancel);
    connect(m_sort, &QComboBox::currentIndexChanged, this, [this] {
        m_grid->setSort(static_cast<ResponseGridModel::Sort>(m_sort->currentData().toInt()));
    });
    connect(m_zoom, &QSlider::valueChanged, this, &ResponseViewer::setTileSize);
    connect(m_picker, &ResponsePatchPicker::patchChanged, this, [this](const QRect& r) {
        m_status->setText(tr("Patch %1×%2 at (%3, %4) px, warped to 227×227")
                              .arg(r.width()).arg(r.height()).arg(r.x()).arg(r.y()));
    });
    connect(m_controller, &InterpretController::modelsChanged, this,
            [this](const QString&, const QStringList& labels, const QStringList& layers) { onModelsChanged(labels, layers); });
    connect(m_controller, &InterpretController::responsesReady, this, &ResponseViewer::onResult);
    connect(m_controller, &InterpretController::progressed, this, [this](double f, const QString& message) {
        m_progress->setValue(static_cast<int>(1000 * f));
        m_status->setText(message);
    });
    connect(m_controller, &InterpretController::failed, this, [this](const QString& message) {
        setBusy(false);
        m_status->setText(message);
    });
    connect(m_controller, &InterpretController::cancelled, this, [this] {
        setBusy(false);
        m_status->setText(tr("Cancelled"));
    });
    setBusy(false);
    if (!m_controller->modelLabels().isEmpty())
        onModelsChanged(m_controller->modelLabels(), m_controller->layers());
}

void ResponseViewer::setImage(const cv::Mat& gray8)
{
    m_picker->setImage(gray8);
}

void ResponseViewer::setPatchRect(const QRect& rect)
{
    m_picker->setPatchRect(rect);
}

void ResponseViewer::setDetectionSource(std::function<std::optional<QRect>()> source)
{
    m_detectionSource = std::move(source);
    m_useDetection->setVisible(static_cast<bool>(m_detectionSource));
}

bool ResponseViewer::useDetection()
{
    const std::optional<QRect> box = m_detectionSource ? m_detectionSource() : std::nullopt;
    if (!box || box->isEmpty()) {
        m_status->setText(tr("No detection on this frame: run Detect first, or drag a rectangle"));
        return false;
    }
    m_picker->setPatchRect(*box);
    return true;
}

cv::Mat ResponseViewer::extractPatch(const cv::Mat& gray8, const QRect& rect, int side)
{
    if (gray8.empty() || rect.isEmpty())
        return {};
    const double sx = double(side) / rect.width(), sy = double(side) / rect.height();
    const cv::Matx23d m(sx, 0, -rect.x() * sx, 0, sy, -rect.y() * sy);
    cv::Mat out;
    cv::warpAffine(gray8, out, m, cv::Size(side, side), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}

cv::Mat ResponseViewer::patch() const
{
    return extractPatch(m_picker->image(), m_picker->patchRect());
}

QString ResponseViewer::layer() const
{
    return m_layer->currentText();
}

void ResponseViewer::setLayer(const QString& layer)
{
    m_layer->setCurrentText(layer);
}

void ResponseViewer::setSort(ResponseGridModel::Sort sort)
{
    m_sort->setCurrentIndex(m_sort->findData(int(sort)));
}

void ResponseViewer::setTileSize(int pixels)
{
    m_tileSize = pixels;
    if (m_zoom->value() != pixels)
        m_zoom->setValue(pixels);
    for (QListView* list : m_lists)
        list->setIconSize(QSize(pixels, pixels));
    showReference();
}

QString ResponseViewer::detailText() const
{
    return m_detailText->text();
}

QString ResponseViewer::statusText() const
{
    return m_status->text();
}

void ResponseViewer::compute()
{
    const cv::Mat p = patch();
    if (p.empty()) {
        m_status->setText(tr("No image: show one in the viewer, then choose a patch"));
        return;
    }
    if (m_layer->count() == 0) {
        m_status->setText(tr("No network: open a model bundle or import a Caffe model"));
        return;
    }
    setBusy(true);
    m_controller->computeResponses(p, layer());
}

void ResponseViewer::openBundleDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Model Bundle"));
    if (dir.isEmpty())
        return;
    setBusy(true);
    m_controller->loadBundle(dir);
}

void ResponseViewer::importCaffeDialog()
{
    const QString model = QFileDialog::getOpenFileName(this, tr("Caffe Weights"), {}, tr("Caffe models (*.caffemodel)"));
    if (model.isEmpty())
        return;
    QString prototxt = QFileInfo(model).dir().filePath(QStringLiteral("deploy.prototxt"));
    if (!QFileInfo::exists(prototxt))
        prototxt = QFileDialog::getOpenFileName(this, tr("Caffe Deploy Prototxt"), QFileInfo(model).path(), tr("Prototxt (*.prototxt)"));
    if (prototxt.isEmpty())
        return;
    const QString guess = model.contains(QStringLiteral("squeeze"), Qt::CaseInsensitive) ? QStringLiteral("squeezenet") : QStringLiteral("caffenet");
    bool ok = false;
    const QString backbone = QInputDialog::getItem(this, tr("Backbone"), tr("Architecture of the Caffe model:"),
                                                   {QStringLiteral("squeezenet"), QStringLiteral("caffenet")},
                                                   guess == QLatin1String("squeezenet") ? 0 : 1, false, &ok);
    if (!ok)
        return;
    setBusy(true);
    m_controller->loadCaffe(prototxt, model, backbone);
}

void ResponseViewer::onModelsChanged(const QStringList& labels, const QStringList& layers)
{
    setBusy(false);
    m_models->setText(tr("Networks: %1 (%2)").arg(labels.join(QStringLiteral(", ")), m_controller->source()));
    const QString previous = m_layer->currentText();
    m_layer->clear();
    m_layer->addItems(layers);
    if (layers.contains(previous))
        m_layer->setCurrentText(previous);
    m_grid->clear();
    rebuildGrids();
}

void ResponseViewer::onResult(const ResponseResult& result)
{
    setBusy(false);
    m_grid->setResult(result);
    rebuildGrids();
    showReference();
    if (m_grid->rowCount() > 0)
        showDetail(m_grid->index(0, 0));
    QStringList parts;
    for (const auto& s : result.sets)
        parts << tr("%1: mean NCC PC %2, Frangi %3, speckle index %4, %5 dead")
                     .arg(QString::fromStdString(s.model))
                     .arg(s.meanNccPhase, 0, 'f', 3)
                     .arg(s.meanNccFrangi, 0, 'f', 3)
                     .arg(s.meanSpeckleIndex, 0, 'f', 3)
                     .arg(s.deadFilters);
    m_status->setText(tr("%1 on the patch (input speckle index %2). %3")
                          .arg(QString::fromStdString(result.layer))
                          .arg(result.reference.inputSpeckle.speckleIndex, 0, 'f', 3)
                          .arg(parts.join(QStringLiteral("; "))));
    Q_EMIT responsesShown();
}

void ResponseViewer::rebuildGrids()
{
    while (QLayoutItem* item = m_gridsLayout->takeAt(0)) {
        if (item->widget())
            item->widget()->deleteLater();
        delete item;
    }
    m_lists.clear();
    for (int c = 0; c < m_grid->columnCount(); ++c) {
        auto* column = new QWidget;
        auto* layout = new QVBoxLayout(column);
        layout->setContentsMargins(0, 0, 0, 0);
        auto* header = new QLabel(QStringLiteral("<b>%1</b>").arg(m_grid->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString()), column);
        header->setAlignment(Qt::AlignHCenter);
        auto* list = new QListView(column);
        list->setViewMode(QListView::IconMode);
        list->setResizeMode(QListView::Adjust);
        list->setMovement(QListView::Static);
        list->setUniformItemSizes(true);
        list->setWrapping(true);
        list->setSpacing(2);
        list->setModel(m_grid);
        list->setModelColumn(c);
        list->setIconSize(QSize(m_tileSize, m_tileSize));
        list->setSelectionMode(QAbstractItemView::SingleSelection);
        connect(list, &QListView::clicked, this, &ResponseViewer::showDetail);
        layout->addWidget(header);
        layout->addWidget(list, 1);
        m_gridsLayout->addWidget(column, 1);
        m_lists.push_back(list);
    }
    if (m_lists.empty()) {
        auto* hint = new QLabel(tr("Choose a patch and a layer, then Compute"));
        hint->setAlignment(Qt::AlignCenter);
        m_gridsLayout->addWidget(hint, 1);
    }
}

void ResponseViewer::showReference()
{
    const auto& ref = m_grid->result().reference;
    const int side = std::max(96, m_tileSize * 3 / 2);
    m_refPatch->setPixmap(scaled(ResponseGridModel::greyImage(ref.input), side));
    m_refPhase->setPixmap(scaled(ResponseGridModel::greyImage(ref.phase), side));
    m_refFrangi->setPixmap(scaled(ResponseGridModel::greyImage(ref.frangi), side));
}

void ResponseViewer::showDetail(const QModelIndex& index)
{
    const interpret::FilterResponse* f = m_grid->filterAt(index);
    if (!f)
        return;
    m_detailImage->setPixmap(scaled(ResponseGridModel::greyImage(f->response), 200));
    const auto& weights = m_grid->result().weights;
    if (index.column() < static_cast<int>(weights.size()))
        m_detailWeights->setPixmap(scaled(FilterMosaic::kernelImage(weights[index.column()], f->filter), 120, false));
    m_detailText->setText(m_grid->data(index, Qt::ToolTipRole).toString());
}

void ResponseViewer::setBusy(bool busy)
{
    m_compute->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    if (!busy)
        m_progress->setValue(0);
}

} // namespace ks::ui
