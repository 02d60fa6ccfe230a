#include "DetectionPanel.h"

#include "ImageView.h"
#include "models/AnnotationSession.h"
#include "models/DetectionBatch.h"
#include "models/DetectionController.h"
#include "models/RoiCommand.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace ks::ui {

using detect::Method;

QString DetectionPanel::methodLayer(Method m)
{
    return QStringLiteral("detection.") + QString::fromStdString(detect::methodName(m));
}

DetectionPanel::DetectionPanel(ImageView* view, AnnotationSession* session, DetectionController* controller,
                               QWidget* parent)
    : QWidget(parent)
    , m_view(view)
    , m_session(session)
    , m_controller(controller)
{
    m_detectAction = new QAction(tr("&Detect"), this);
    m_detectAction->setShortcut(QKeySequence(Qt::Key_D));
    m_detectAction->setShortcutContext(Qt::WindowShortcut);
    m_detectAction->setToolTip(tr("Detect the kidney on the frame on screen (D)"));
    connect(m_detectAction, &QAction::triggered, this, &DetectionPanel::detect);
    m_acceptAction = new QAction(tr("&Accept as annotation"), this);
    m_acceptAction->setToolTip(tr("Keep the detection as an editable ROI marked from-model, with the model as its author "
                                  "(the audit log records you as who accepted it); adds this frame to the project. Undoable."));
    connect(m_acceptAction, &QAction::triggered, this, &DetectionPanel::acceptDetection);

    auto* layout = new QVBoxLayout(this);
    m_modelLabel = new QLabel(this);
    m_modelLabel->setWordWrap(true);
    layout->addWidget(m_modelLabel);
    auto* buttons = new QHBoxLayout;
    auto* detectButton = new QToolButton(this);
    detectButton->setDefaultAction(m_detectAction);
    auto* acceptButton = new QToolButton(this);
    acceptButton->setDefaultAction(m_acceptAction);
    buttons->addWidget(detectButton);
    buttons->addWidget(acceptButton);
    buttons->addStretch();
    layout->addLayout(buttons);
    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setVisible(false);
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setVisible(false);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancelButton);
    layout->addLayout(progressRow);
    m_resultLabel = new QLabel(tr("No detection yet."), this);
    m_resultLabel->setWordWrap(true);
    m_resultLabel->setTextFormat(Qt::RichText);
    m_resultLabel->setObjectName(QStringLiteral("detectionResult"));
    layout->addWidget(m_resultLabel);

    auto* form = new QFormLayout;
    m_methodBox = new QComboBox(this);
    for (auto m : allMethods())
        m_methodBox->addItem(methodLabel(m), static_cast<int>(m));
    form->addRow(tr("Method"), m_methodBox);
    layout->addLayout(form);

    auto* grid = new QGridLayout;
    m_truthCheck = new QCheckBox(tr("Ground truth"), this);
    m_truthCheck->setChecked(true);
    grid->addWidget(m_truthCheck, 0, 0, 1, 2);
    int i = 0;
    for (auto m : allMethods()) {
        auto* check = new QCheckBox(methodLabel(m), this);
        check->setChecked(true);
        QPalette p = check->palette();
        p.setColor(QPalette::WindowText, methodColour(m).darker(130));
        check->setPalette(p);
        m_methodChecks[m] = check;
        grid->addWidget(check, 1 + i / 3, i % 3);
        connect(check, &QCheckBox::toggled, this, [this, m](bool on) { setMethodVisible(m, on); });
        ++i;
    }
    m_heatmapCheck = new QCheckBox(tr("Likelihood heatmap"), this);
    m_heatmapCheck->setChecked(true);
    grid->addWidget(m_heatmapCheck, 3, 0, 1, 3);
    layout->addLayout(grid);
    auto* opacityRow = new QHBoxLayout;
    opacityRow->addWidget(new QLabel(tr("Opacity"), this));
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(55);
    opacityRow->addWidget(m_opacity, 1);
    layout->addLayout(opacityRow);
    layout->addStretch();

    connect(m_truthCheck, &QCheckBox::toggled, this, &DetectionPanel::setTruthVisible);
    connect(m_heatmapCheck, &QCheckBox::toggled, this, &DetectionPanel::setHeatmapVisible);
    connect(m_opacity, &QSlider::valueChanged, this, &DetectionPanel::setHeatmapOpacity);
    connect(m_methodBox, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(m_cancelButton, &QToolButton::clicked, m_controller, &DetectionController::cancel);

    connect(m_controller, &DetectionController::progressed, this, [this](double f, const QString& text) {
        m_progress->setValue(static_cast<int>(f * 1000));
        m_progress->setToolTip(text);
    });
    connect(m_controller, &DetectionController::finished, this, &DetectionPanel::onFinished);
    connect(m_controller, &DetectionController::failed, this, [this](const QString& text) {
        m_progress->setVisible(false);
        m_cancelButton->setVisible(false);
        m_resultLabel->setText(text.toHtmlEscaped());
        Q_EMIT message(text, true);
        updateEnabled();
    });
    connect(m_controller, &DetectionController::cancelled, this, [this] {
        m_progress->setVisible(false);
        m_cancelButton->setVisible(false);
        Q_EMIT message(tr("Detection cancelled"), false);
    });
    connect(m_controller, &DetectionController::modelChanged, this, [this] { clearResult(); updateEnabled(); });
    connect(m_view, &ImageView::frameChanged, this, &DetectionPanel::clearResult);
    if (m_session) {
        connect(m_session, &AnnotationSession::imageChanged, this, &DetectionPanel::clearResult);
        connect(m_session, &AnnotationSession::roiChanged, this, [this] { redraw(); });
        connect(m_session, &AnnotationSession::roiRemoved, this, [this] { redraw(); });
    }
    m_painterId = m_view->addForegroundPainter([this](QPainter& p, const QRect& r) { paintLegend(p, r); });
    updateEnabled();
}

DetectionPanel::~DetectionPanel()
{
    if (m_view)
        m_view->removeForegroundPainter(m_painterId);
}

void DetectionPanel::setGroundTruth(std::optional<Box> truth)
{
    m_explicitTruth = truth;
    redraw();
}

std::optional<Box> DetectionPanel::groundTruth() const
{
    if (m_explicitTruth)
        return m_explicitTruth;
    if (!m_session || !m_session->hasProject() || !m_session->hasImage())
        return std::nullopt;
    std::optional<annotation::Annotation> best;
    for (const auto& a : m_session->visibleAnnotations()) {
        if (a.source == annotation::Source::FromModel)
            continue; // a model's own answer is not ground truth
        if (!best || (a.status == annotation::Status::Approved && best->status != annotation::Status::Approved))
            best = a;
    }
    return best ? std::optional<Box>(best->box) : std::nullopt;
}

Method DetectionPanel::currentMethod() const
{
    return static_cast<Method>(m_methodBox->currentData().toInt());
}

void DetectionPanel::setCurrentMethod(Method m)
{
    m_methodBox->setCurrentIndex(m_methodBox->findData(static_cast<int>(m)));
}

std::optional<double> DetectionPanel::currentDice() const
{
    const auto truth = groundTruth();
    if (!truth || !m_result)
        return std::nullopt;
    const auto* d = m_result->find(currentMethod());
    return d ? std::optional<double>(dice(d->detection.box, *truth)) : std::nullopt;
}

QString DetectionPanel::resultText() const
{
    return m_resultLabel->text();
}

void DetectionPanel::setTruthVisible(bool visible)
{
    m_truthCheck->setChecked(visible);
    m_view->setLayerVisible(truthLayer(), visible);
    m_view->viewport()->update();
}

void DetectionPanel::setMethodVisible(Method m, bool visible)
{
    m_methodChecks.at(m)->setChecked(visible);
    m_view->setLayerVisible(methodLayer(m), visible);
    m_view->viewport()->update();
}

void DetectionPanel::setHeatmapVisible(bool visible)
{
    m_heatmapCheck->setChecked(visible);
    m_view->setLayerVisible(heatmapLayer(), visible);
    m_view->viewport()->update();
}

void DetectionPanel::setHeatmapOpacity(int percent)
{
    m_opacity->setValue(percent);
    m_view->layer(heatmapLayer(), 5)->setOpacity(percent / 100.0);
}

bool DetectionPanel::isTruthVisible() const { return m_view->layer(truthLayer(), 30)->isVisible(); }
bool DetectionPanel::isMethodVisible(Method m) const { return m_view->layer(methodLayer(m), 31)->isVisible(); }
bool DetectionPanel::isHeatmapVisible() const { return m_view->layer(heatmapLayer(), 5)->isVisible(); }

void DetectionPanel::detect()
{
    if (!m_view->hasImage()) {
        Q_EMIT message(tr("There is no image to detect on. Open an image first."), true);
        return;
    }
    if (!m_controller->hasModel()) {
        Q_EMIT message(tr("No detection model is active. Choose one (Models → Choose model folder) or train one."), true);
        return;
    }
    const auto& image = m_view->image();
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_cancelButton->setVisible(true);
    m_controller->detect(image.gray8(m_view->frame()), image.calibration, m_view->frame());
}

void DetectionPanel::onFinished(const DetectionResult& result)
{
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);
    if (result.frame != m_view->frame())
        return;
    m_result = result;
    // Show the best method the model has: the combo's choice when present, else Hybrid → Haar.
    if (!m_result->find(currentMethod())) {
        for (auto m : {Method::Hybrid, Method::FA, Method::PA, Method::NA, Method::Haar})
            if (m_result->find(m)) {
                setCurrentMethod(m);
                break;
            }
    }
    redraw();
    updateEnabled();
    Q_EMIT detectionShown();
}

void DetectionPanel::clearResult()
{
    m_result.reset();
    if (!m_view->hasImage())
        m_explicitTruth.reset();
    m_resultLabel->setText(tr("No detection yet."));
    redraw();
    updateEnabled();
}

void DetectionPanel::clearLayer(const QString& name)
{
    for (QGraphicsItem* child : m_view->layer(name)->childItems())
        delete child;
}

namespace {
QGraphicsRectItem* boxItem(const Box& b, const QPen& pen, QGraphicsItem* parent)
{
    auto* item = new QGraphicsRectItem(QRectF(b.x, b.y, b.width, b.height), parent);
    item->setPen(pen);
    item->setBrush(Qt::NoBrush);
    return item;
}

/// A label fixed in screen size at image point `at`; `above` puts it just above that point.
void labelItem(const QString& text, const QColor& colour, QPointF at, QGraphicsItem* parent, bool above = false)
{
    auto* label = new QGraphicsSimpleTextItem(text, parent);
    label->setBrush(colour);
    label->setFlag(QGraphicsItem::ItemIgnoresTransformations);
    label->setPos(at);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    if (above) // the item's own transform stays in screen pixels under ItemIgnoresTransformations
        label->setTransform(QTransform::fromTranslate(0, -label->boundingRect().height()));
}
} // namespace

void DetectionPanel::drawTruth()
{
    clearLayer(truthLayer());
    const auto truth = groundTruth();
    if (!truth || !m_view->hasImage())
        return;
    QPen pen(QColor(255, 60, 60), 2);
    pen.setCosmetic(true);
    auto* item = boxItem(*truth, pen, m_view->layer(truthLayer(), 30));
    labelItem(tr("truth"), QColor(255, 60, 60), QPointF(truth->x, truth->bottom()), item);
}

void DetectionPanel::redraw()
{
    m_view->layer(heatmapLayer(), 5)->setOpacity(m_opacity->value() / 100.0);
    drawTruth();
    clearLayer(heatmapLayer());
    for (auto m : allMethods())
        clearLayer(methodLayer(m));
    if (!m_result) {
        m_view->viewport()->update();
        return;
    }
    const auto truth = groundTruth();
    const auto& calibration = m_view->image().calibration;
    QStringList lines;
    for (const auto& md : m_result->methods) {
        const auto& d = md.detection;
        const QColor colour = methodColour(md.method);
        QPen pen(d.lowConfidence ? QColor(255, 140, 0) : colour, md.method == currentMethod() ? 3 : 2);
        pen.setCosmetic(true);
        if (d.lowConfidence || !d.targetFound)
            pen.setStyle(Qt::DashLine);
        auto* item = boxItem(d.box, pen, m_view->layer(methodLayer(md.method), 31));
        QString tag = QStringLiteral("%1 %2").arg(methodLabel(md.method)).arg(d.likelihood, 0, 'f', 2);
        if (d.lowConfidence)
            tag += tr(" low confidence");
        if (!d.targetFound)
            tag += tr(" — no target found");
        labelItem(tag, pen.color(), QPointF(d.box.x, d.box.y), item, true);
        if (md.method == currentMethod() && !md.heatmap.isNull()) {
            auto* heat = new QGraphicsPixmapItem(QPixmap::fromImage(md.heatmap), m_view->layer(heatmapLayer(), 5));
            heat->setShapeMode(QGraphicsPixmapItem::BoundingRectShape);
        }
        QString line = QStringLiteral("<b style='color:%1'>%2</b>: likelihood %3")
                           .arg(colour.darker(120).name(), methodLabel(md.method))
                           .arg(d.likelihood, 0, 'f', 3);
        if (calibration.isCalibrated())
            line += tr(", %1 × %2 mm")
                        .arg(d.box.width * calibration.mmPerPixelX, 0, 'f', 1)
                        .arg(d.box.height * calibration.mmPerPixelY, 0, 'f', 1);
        else
            line += tr(", %1 × %2 px (uncalibrated)").arg(d.box.width, 0, 'f', 0).arg(d.box.height, 0, 'f', 0);
        if (truth)
            line += tr(", Dice %1").arg(dice(d.box, *truth), 0, 'f', 3);
        if (d.lowConfidence)
            line += tr(" — <span style='color:#d07000'>low confidence (no candidate ≥ 0.5)</span>");
        if (!d.targetFound)
            line += tr(" — <span style='color:#b00000'><b>no target found</b>: the box looks like none of the "
                       "training targets (novelty %1 &gt; %2); shown for reference only</span>")
                        .arg(d.novelty, 0, 'f', 2)
                        .arg(d.noveltyThreshold, 0, 'f', 2);
        lines << line;
    }
    lines << tr("%1 candidates, %2 s").arg(m_result->methods.front().detection.candidateCount).arg(m_result->seconds, 0, 'f', 2);
    m_resultLabel->setText(lines.join(QStringLiteral("<br>")));
    m_view->viewport()->update();
}

void DetectionPanel::updateEnabled()
{
    m_detectAction->setEnabled(true);
    m_acceptAction->setEnabled(m_result.has_value() && m_session && m_session->hasProject());
    m_modelLabel->setText(m_controller->hasModel()
                              ? tr("Model: %1 (%2)").arg(m_controller->modelName(), m_controller->modelMethods().join(", "))
                              : tr("No model: choose one in the Models menu or train one."));
    for (auto& [m, check] : m_methodChecks)
        check->setEnabled(m_controller->modelMethods().contains(methodLabel(m)));
}

bool DetectionPanel::acceptDetection()
{
    if (!m_result || !m_session) {
        Q_EMIT message(tr("There is no detection to accept. Press Detect (D) first."), true);
        return false;
    }
    const auto* found = m_result->find(currentMethod());
    const MethodDetection d = found ? *found : m_result->methods.front(); // a copy: the result may be cleared below
    if (!m_session->hasProject()) {
        Q_EMIT message(tr("Open or create a project (File → New Project) to keep detections as annotations."), true);
        return false;
    }
    // Accepting is the user asking to keep this frame's detection: a frame not yet in the
    // project is added (as drawing a ROI does).
    const bool inProject = m_session->currentImageId().has_value();
    const auto imageId = inProject ? m_session->currentImageId() : m_session->addCurrentFrame();
    if (!imageId)
        return false; // the session reported why
    // The model stays the author (source from-model): the reader's decision to keep it is in the
    // audit log ("who" = the session's author) and in any later review (reviewer), so that
    // agreement between readers never counts a model's box as a reader's.
    annotation::Annotation a;
    a.imageId = *imageId;
    a.author = DetectionBatch::authorFor(m_controller->modelName(), d.method).toStdString();
    a.box = d.detection.box;
    a.source = annotation::Source::FromModel;
    const auto labels = m_session->labels();
    a.label = labels.contains(QStringLiteral("kidney")) || labels.isEmpty() ? "kidney" : labels.front().toStdString();
    const auto stored = m_session->apply(std::nullopt, a);
    if (!stored)
        return false;
    m_session->undoStack()->push(new RoiCommand(*m_session, std::nullopt, stored,
                                                tr("Accept %1 detection").arg(methodLabel(d.method))));
    Q_EMIT message(tr("Detection accepted as annotation #%1 by %2%3 (undo with Ctrl+Z)")
                       .arg(stored->id)
                       .arg(QString::fromStdString(stored->author), inProject ? QString() : tr("; this frame was added to the project")),
                   false);
    return true;
}

void DetectionPanel::paintLegend(QPainter& painter, const QRect& viewport)
{
    if (!m_result || !m_view->hasImage())
        return;
    painter.save();
    QFont f = painter.font();
    f.setPointSizeF(9);
    painter.setFont(f);
    const QFontMetrics fm(f);
    const int line = fm.height() + 2;
    std::vector<std::pair<QString, QColor>> rows;
    if (isTruthVisible() && groundTruth())
        rows.emplace_back(tr("ground truth"), QColor(255, 60, 60));
    for (const auto& md : m_result->methods)
        if (isMethodVisible(md.method))
            rows.emplace_back(methodLabel(md.method)
                                  + (!md.detection.targetFound   ? tr(" (no target)")
                                     : md.detection.lowConfidence ? tr(" (low conf.)")
                                                                  : QString()),
                              md.detection.lowConfidence ? QColor(255, 140, 0) : methodColour(md.method));
    const bool bar = isHeatmapVisible() && m_result->find(currentMethod());
    const int width = 150;
    const int height = 8 + line * int(rows.size()) + (bar ? 44 : 0);
    const QRect box(viewport.right() - width - 10, viewport.top() + 10, width, height);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 170));
    painter.drawRoundedRect(box, 4, 4);
    int y = box.top() + 4;
    for (const auto& [text, colour] : rows) {
        painter.setPen(QPen(colour, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(box.left() + 6, y + 3, 14, line - 8);
        painter.setPen(Qt::white);
        painter.drawText(box.left() + 26, y + fm.ascent() + 1, text);
        y += line;
    }
    if (bar) {
        painter.setPen(Qt::white);
        painter.drawText(box.left() + 6, y + fm.ascent(), tr("%1 likelihood").arg(methodLabel(currentMethod())));
        y += line;
        const QRect ramp(box.left() + 6, y, width - 12, 10);
        for (int x = 0; x < ramp.width(); ++x) {
            painter.setPen(heatmapColour(double(x) / (ramp.width() - 1)));
            painter.drawLine(ramp.left() + x, ramp.top(), ramp.left() + x, ramp.bottom());
        }
        painter.setPen(Qt::white);
        painter.drawText(ramp.left(), ramp.bottom() + fm.ascent() + 1, QStringLiteral("0"));
        painter.drawText(ramp.right() - fm.horizontalAdvance(QStringLiteral("1")), ramp.bottom() + fm.ascent() + 1,
                         QStringLiteral("1"));
    }
    painter.restore();
}

} // namespace ks::ui
