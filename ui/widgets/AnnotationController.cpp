#include "widgets/AnnotationController.h"

#include "models/AnnotationSession.h"
#include "widgets/ImageView.h"
#include "widgets/RoiItem.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QGraphicsLineItem>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPen>
#include <QUndoStack>

#include <cmath>

namespace ks::ui {

using annotation::Annotation;

const QString AnnotationController::layerName = QStringLiteral("annotations");

AnnotationController::AnnotationController(ImageView* view, AnnotationSession* session, QObject* parent)
    : QObject(parent), m_view(view), m_session(session ? session : new AnnotationSession(this)),
      m_layer(view->layer(layerName, 20)), m_crossH(new QGraphicsLineItem(m_layer)), m_crossV(new QGraphicsLineItem(m_layer))
{
    for (QGraphicsLineItem* line : {m_crossH, m_crossV}) {
        QPen pen(QColor(255, 255, 120, 170), 1, Qt::DashLine);
        pen.setCosmetic(true);
        line->setPen(pen);
        line->setZValue(5);
        line->setVisible(false);
    }
    createActions();
    m_view->viewport()->installEventFilter(this);
    m_view->installEventFilter(this);
    m_view->viewport()->setMouseTracking(true);

    connect(m_session, &AnnotationSession::imageChanged, this, &AnnotationController::reload);
    connect(m_session, &AnnotationSession::roiChanged, this, &AnnotationController::onRoiChanged);
    connect(m_session, &AnnotationSession::roiRemoved, this, [this](qint64 id) { onRoiRemoved(id); });
    connect(m_session, &AnnotationSession::authorChanged, this, &AnnotationController::reload);
    connect(m_session, &AnnotationSession::failed, this, [this](const QString& text) { Q_EMIT message(text, true); });
    connect(m_view, &ImageView::frameChanged, this, [this](int frame) {
        cancelDrag();
        m_session->setFrame(frame);
    });
    connect(m_view, &ImageView::zoomChanged, this, &AnnotationController::updateScreenScale);
    connect(m_view, &ImageView::toolChanged, this, [this](ImageView::Tool tool) {
        if (tool != ImageView::Tool::Pointer)
            setMode(Mode::Select);
    });
}

AnnotationController::~AnnotationController() = default;

void AnnotationController::createActions()
{
    auto make = [this](const QString& text, const QList<QKeySequence>& keys, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        m_view->addAction(a);
        return a;
    };
    m_drawBox = make(tr("Draw &Box"), {QKeySequence(Qt::Key_B)}, [this] { setMode(Mode::DrawBox); });
    m_drawRotated = make(tr("Draw &Rotated Box"), {QKeySequence(Qt::Key_O)}, [this] { setMode(Mode::DrawRotated); });
    m_select = make(tr("&Select / Edit ROIs"), {QKeySequence(Qt::Key_S)}, [this] { setMode(Mode::Select); });
    auto* group = new QActionGroup(this);
    for (QAction* a : {m_select, m_drawBox, m_drawRotated}) {
        a->setCheckable(true);
        group->addAction(a);
    }
    m_select->setChecked(true);
    m_drawBox->setToolTip(tr("Draw a box: drag from corner to corner (B)"));
    m_drawRotated->setToolTip(tr("Draw a rotated box: drag along the long axis, then adjust (O)"));
    m_delete = make(tr("&Delete ROI"), {QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)}, [this] { deleteSelected(); });
    m_undo = make(tr("&Undo"), {QKeySequence::Undo}, [this] { m_session->undoStack()->undo(); });
    m_redo = make(tr("&Redo"), {QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))},
                  [this] { m_session->undoStack()->redo(); });
    m_undo->setEnabled(false);
    m_redo->setEnabled(false);
    QUndoStack* stack = m_session->undoStack();
    connect(stack, &QUndoStack::canUndoChanged, m_undo, &QAction::setEnabled);
    connect(stack, &QUndoStack::canRedoChanged, m_redo, &QAction::setEnabled);
    connect(stack, &QUndoStack::undoTextChanged, m_undo, [this](const QString& t) { m_undo->setText(tr("&Undo %1").arg(t)); });
    connect(stack, &QUndoStack::redoTextChanged, m_redo, [this](const QString& t) { m_redo->setText(tr("&Redo %1").arg(t)); });
    m_toggle = make(tr("Show &ROIs"), {QKeySequence(Qt::Key_V)}, [this] { setOverlaysVisible(!m_overlaysVisible); });
    m_toggle->setCheckable(true);
    m_toggle->setChecked(true);
}

QList<QAction*> AnnotationController::actions() const
{
    return {m_select, m_drawBox, m_drawRotated, m_delete, m_undo, m_redo, m_toggle};
}

void AnnotationController::setImage(const QString& path, const ks::Image& image)
{
    cancelDrag();
    m_session->setImage(path, image, m_view->frame());
}

void AnnotationController::clearImage()
{
    cancelDrag();
    m_session->clearImage();
}

void AnnotationController::setMode(Mode mode)
{
    if (mode != Mode::Select && m_view->tool() != ImageView::Tool::Pointer)
        m_view->setTool(ImageView::Tool::Pointer);
    const bool changed = mode != m_mode;
    m_mode = mode;
    (mode == Mode::Select ? m_select : mode == Mode::DrawBox ? m_drawBox : m_drawRotated)->setChecked(true);
    m_view->viewport()->setCursor(mode == Mode::Select ? Qt::ArrowCursor : Qt::CrossCursor);
    if (mode == Mode::Select)
        updateCrosshair(std::nullopt);
    if (changed)
        Q_EMIT modeChanged(mode);
}

void AnnotationController::setCurrentLabel(const QString& label, bool relabelSelected)
{
    if (label.isEmpty())
        return;
    m_label = label;
    RoiItem* it = relabelSelected ? item(m_selected) : nullptr;
    if (it && QString::fromStdString(it->roi().label) != label) {
        Annotation after = it->roi();
        after.label = label.toStdString();
        m_session->updateRoi(it->roi(), after, tr("Relabel as %1").arg(label));
    }
}

void AnnotationController::select(long long id)
{
    if (!m_items.contains(id))
        id = 0;
    if (id == m_selected)
        return;
    if (RoiItem* old = item(m_selected))
        old->setSelectedRoi(false);
    m_selected = id;
    RoiItem* it = item(id);
    if (it) {
        it->setSelectedRoi(true);
        m_label = QString::fromStdString(it->roi().label);
    }
    emitReadout(it);
    Q_EMIT selectionChanged(id);
}

void AnnotationController::setOverlaysVisible(bool visible)
{
    m_overlaysVisible = visible;
    m_view->setLayerVisible(layerName, visible);
    m_toggle->setChecked(visible);
    Q_EMIT message(visible ? tr("ROIs shown") : tr("ROIs hidden (V shows them)"), false);
}

bool AnnotationController::deleteSelected()
{
    if (!m_selected)
        return false;
    return m_session->removeRoi(m_selected);
}

bool AnnotationController::nudgeSelected(double dx, double dy)
{
    RoiItem* it = item(m_selected);
    if (!it)
        return false;
    // Both boxes move; the stored axis-aligned box keeps its size (not re-derived).
    return m_session->updateRoi(it->roi(), RoiGeometry::translated(it->roi(), dx, dy), tr("Nudge"), true);
}

void AnnotationController::reload()
{
    cancelDrag();
    const long long keep = m_selected;
    m_selected = 0;
    qDeleteAll(m_items);
    m_items.clear();
    for (const Annotation& a : m_session->visibleAnnotations())
        addItem(a);
    select(keep);
    if (!m_selected) {
        emitReadout(nullptr);
        Q_EMIT selectionChanged(0);
    }
}

RoiItem* AnnotationController::addItem(const Annotation& roi)
{
    auto* it = new RoiItem(roi, m_layer);
    it->setCalibration(m_session->mmPerPixelX(), m_session->mmPerPixelY());
    it->setScreenScale(1.0 / std::max(1e-6, m_view->zoom()));
    it->setForeign(roi.author != m_session->author().toStdString());
    if (roi.id)
        m_items.insert(roi.id, it);
    return it;
}

void AnnotationController::onRoiChanged(const Annotation& roi)
{
    RoiItem* it = item(roi.id);
    if (!m_session->isVisible(roi)) {
        if (it)
            onRoiRemoved(roi.id);
        return;
    }
    if (it == m_dragItem)
        cancelDrag();
    if (it)
        it->setRoi(roi);
    else
        addItem(roi);
    if (roi.id == m_selected)
        emitReadout(item(roi.id));
}

void AnnotationController::onRoiRemoved(long long id)
{
    RoiItem* it = m_items.take(id);
    if (!it)
        return;
    if (it == m_dragItem)
        cancelDrag();
    if (id == m_selected) {
        m_selected = 0;
        emitReadout(nullptr);
        Q_EMIT selectionChanged(0);
    }
    delete it;
}

void AnnotationController::updateScreenScale()
{
    const double scale = 1.0 / std::max(1e-6, m_view->zoom());
    for (RoiItem* it : std::as_const(m_items))
        it->setScreenScale(scale);
    if (m_preview)
        m_preview->setScreenScale(scale);
}

void AnnotationController::emitReadout(const RoiItem* it)
{
    if (!it) {
        Q_EMIT readoutChanged({}, {});
        return;
    }
    const RoiMeasure m = it->measure();
    Q_EMIT readoutChanged(QStringLiteral("%1  %2").arg(QString::fromStdString(it->roi().label), m.text()), m.warning());
}

RoiItem* AnnotationController::itemAt(QPointF scene) const
{
    const double tolerance = 3.0 / std::max(1e-6, m_view->zoom());
    // The selected ROI first, then the smallest one under the cursor (nested boxes stay reachable).
    if (RoiItem* sel = item(m_selected); sel && RoiGeometry::contains(sel->geometry(), scene, tolerance))
        return sel;
    RoiItem* best = nullptr;
    for (RoiItem* it : std::as_const(m_items))
        if (RoiGeometry::contains(it->geometry(), scene, tolerance)
            && (!best || it->geometry().length * it->geometry().width < best->geometry().length * best->geometry().width))
            best = it;
    return best;
}

QPointF AnnotationController::clampToImage(QPointF p) const
{
    if (!m_view->hasImage())
        return p;
    return {std::clamp(p.x(), 0.0, double(m_view->image().width())), std::clamp(p.y(), 0.0, double(m_view->image().height()))};
}

bool AnnotationController::mousePress(QPoint pos, Qt::KeyboardModifiers)
{
    if (m_view->tool() != ImageView::Tool::Pointer || m_spaceDown || !m_view->hasImage() || !m_overlaysVisible)
        return false;
    const QPointF scene = m_view->imagePosition(pos);
    m_pressScene = scene;
    m_pressPos = pos;
    m_dragStarted = false;
    if (m_mode != Mode::Select) {
        if (!m_session->canAddToProject()) {
            Q_EMIT message(m_session->hasProject() ? tr("This image has no file, so its ROIs cannot be kept in a project.")
                                                   : tr("Open or create a project first (File → New Project…): every ROI is saved in it."),
                           true);
            return true;
        }
        Annotation a;
        a.label = m_label.toStdString();
        m_pressScene = clampToImage(scene);
        m_preview = addItem(a);
        m_preview->setGeometry(RotatedBox{m_pressScene.x(), m_pressScene.y(), 0, 0, 0}, m_mode == Mode::DrawRotated);
        m_drag = Drag::Draw;
        return true;
    }
    if (RoiItem* sel = item(m_selected)) {
        const RoiHandle h = sel->handleAt(scene);
        if (h != RoiHandle::None) {
            m_drag = h == RoiHandle::Rotate ? Drag::Rotate : Drag::Resize;
            m_dragItem = sel;
            m_handle = h;
            m_startGeometry = sel->geometry();
            return true;
        }
    }
    RoiItem* hit = itemAt(scene);
    select(hit ? hit->id() : 0);
    if (!hit)
        return false;
    m_drag = Drag::Move;
    m_dragItem = hit;
    m_startGeometry = hit->geometry();
    return true;
}

void AnnotationController::mouseMove(QPoint pos)
{
    const QPointF scene = m_view->imagePosition(pos);
    updateCrosshair(m_mode != Mode::Select ? std::optional<QPointF>(scene) : std::nullopt);
    switch (m_drag) {
    case Drag::None:
        if (m_mode == Mode::Select && m_view->tool() == ImageView::Tool::Pointer && !m_spaceDown) {
            const RoiItem* sel = item(m_selected);
            const RoiHandle h = sel ? sel->handleAt(scene) : RoiHandle::None;
            m_view->viewport()->setCursor(h == RoiHandle::Rotate ? Qt::CrossCursor
                                          : h != RoiHandle::None ? Qt::SizeAllCursor
                                          : itemAt(scene)        ? Qt::OpenHandCursor
                                                                 : Qt::ArrowCursor);
        } else if (m_mode != Mode::Select && !m_spaceDown) {
            m_view->viewport()->setCursor(Qt::CrossCursor);
        }
        return;
    case Drag::Draw: {
        const QPointF p = clampToImage(scene);
        m_preview->setGeometry(m_mode == Mode::DrawRotated ? RoiGeometry::fromAxis(m_pressScene, p, rotatedWidthRatio)
                                                           : RoiGeometry::fromCorners(m_pressScene, p),
                               m_mode == Mode::DrawRotated);
        emitReadout(m_preview);
        return;
    }
    case Drag::Move:
        if (!dragStarted(pos))
            return;
        m_dragItem->setOffset(scene.x() - m_pressScene.x(), scene.y() - m_pressScene.y());
        break;
    case Drag::Resize:
        if (!dragStarted(pos))
            return;
        m_dragItem->setGeometry(RoiGeometry::resized(m_startGeometry, m_handle, scene, 1), m_dragItem->isRotated());
        break;
    case Drag::Rotate:
        if (!dragStarted(pos))
            return;
        // Rotating an axis-aligned box makes it a rotated one.
        m_dragItem->setGeometry(RoiGeometry::rotatedTowards(m_startGeometry, scene), true);
        break;
    }
    emitReadout(m_dragItem);
}

void AnnotationController::mouseRelease(QPoint pos)
{
    mouseMove(pos);
    const Drag drag = m_drag;
    m_drag = Drag::None;
    if (drag == Drag::Draw) {
        const RotatedBox g = m_preview->geometry();
        Annotation a = m_preview->editedRoi();
        delete m_preview;
        m_preview = nullptr;
        if (g.length < minSidePx || g.width < minSidePx) {
            Q_EMIT message(tr("Box too small: drag across the structure (at least %1 pixels each way).").arg(minSidePx), false);
            emitReadout(item(m_selected));
            return;
        }
        const bool inProject = m_session->currentImageId().has_value();
        if (auto stored = m_session->addRoi(a)) {
            select(stored->id);
            Q_EMIT message(inProject ? tr("Added %1 (saved in the project)").arg(QString::fromStdString(stored->label))
                                     : tr("Added %1 and this frame to the project (saved)").arg(QString::fromStdString(stored->label)),
                           false);
        }
        return;
    }
    RoiItem* it = m_dragItem;
    m_dragItem = nullptr;
    if (!it)
        return;
    if (!m_dragStarted) {
        // A click (no movement past the drag distance) selects; it never edits.
        it->setRoi(it->roi());
        return;
    }
    const Annotation before = it->roi();
    const Annotation after = it->editedRoi();
    if (after.sameContent(before))
        return;
    const QString text = drag == Drag::Move ? tr("Move") : drag == Drag::Resize ? tr("Resize") : tr("Rotate");
    if (!m_session->updateRoi(before, after, text))
        it->setRoi(before);
}

bool AnnotationController::dragStarted(QPoint pos)
{
    if (!m_dragStarted && (pos - m_pressPos).manhattanLength() >= QApplication::startDragDistance())
        m_dragStarted = true;
    return m_dragStarted;
}

void AnnotationController::cancelDrag()
{
    if (m_preview) {
        delete m_preview;
        m_preview = nullptr;
    }
    if (m_dragItem)
        m_dragItem->setRoi(m_dragItem->roi());
    m_dragItem = nullptr;
    m_drag = Drag::None;
}

void AnnotationController::updateCrosshair(std::optional<QPointF> scene)
{
    const bool show = scene && m_view->hasImage() && m_overlaysVisible;
    m_crossH->setVisible(show);
    m_crossV->setVisible(show);
    if (!show)
        return;
    const double w = m_view->image().width(), h = m_view->image().height();
    m_crossH->setLine(0, scene->y(), w, scene->y());
    m_crossV->setLine(scene->x(), 0, scene->x(), h);
}

bool AnnotationController::wantsKey(int key, Qt::KeyboardModifiers modifiers) const
{
    switch (key) {
    case Qt::Key_Escape:
        return m_view->tool() == ImageView::Tool::Pointer && (m_drag != Drag::None || m_mode != Mode::Select || m_selected);
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down: return m_selected && m_drag == Drag::None && !(modifiers & Qt::ControlModifier);
    default: return false;
    }
}

bool AnnotationController::keyPress(int key, Qt::KeyboardModifiers modifiers)
{
    const bool ctrl = modifiers & Qt::ControlModifier;
    if (!wantsKey(key, modifiers)) {
        // The tool keys, when no shortcut took them (e.g. the view without a window's actions).
        if (ctrl && key == Qt::Key_Z)
            (modifiers & Qt::ShiftModifier) ? m_session->undoStack()->redo() : m_session->undoStack()->undo();
        else if (ctrl && key == Qt::Key_Y)
            m_session->undoStack()->redo();
        else if (ctrl || (modifiers & Qt::AltModifier))
            return false;
        else if (key == Qt::Key_B)
            setMode(Mode::DrawBox);
        else if (key == Qt::Key_O)
            setMode(Mode::DrawRotated);
        else if (key == Qt::Key_S)
            setMode(Mode::Select);
        else if (key == Qt::Key_Delete || key == Qt::Key_Backspace)
            return deleteSelected();
        else if (key == Qt::Key_V)
            setOverlaysVisible(!m_overlaysVisible);
        else
            return false;
        return true;
    }
    if (key == Qt::Key_Escape) {
        if (m_drag != Drag::None)
            cancelDrag(), emitReadout(item(m_selected));
        else if (m_mode != Mode::Select)
            setMode(Mode::Select);
        else
            select(0);
        return true;
    }
    const double step = (modifiers & Qt::ShiftModifier) ? 10 : 1;
    const double dx = key == Qt::Key_Left ? -step : key == Qt::Key_Right ? step : 0;
    const double dy = key == Qt::Key_Up ? -step : key == Qt::Key_Down ? step : 0;
    nudgeSelected(dx, dy);
    return true;
}

bool AnnotationController::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport()) {
        switch (event->type()) {
        case QEvent::MouseButtonPress: {
            auto* e = static_cast<QMouseEvent*>(event);
            if (e->button() == Qt::LeftButton && m_drag == Drag::None && mousePress(e->position().toPoint(), e->modifiers())) {
                m_view->setFocus();
                return true;
            }
            return false;
        }
        case QEvent::MouseMove: {
            auto* e = static_cast<QMouseEvent*>(event);
            mouseMove(e->position().toPoint());
            // Let the view see moves too (cursor readout, middle-drag pan) unless we are dragging.
            return m_drag != Drag::None && (e->buttons() & Qt::LeftButton);
        }
        case QEvent::MouseButtonRelease: {
            auto* e = static_cast<QMouseEvent*>(event);
            if (e->button() == Qt::LeftButton && m_drag != Drag::None) {
                mouseRelease(e->position().toPoint());
                return true;
            }
            return false;
        }
        case QEvent::Leave:
            updateCrosshair(std::nullopt);
            return false;
        default:
            return false;
        }
    }
    if (watched == m_view) {
        if (event->type() == QEvent::ShortcutOverride) {
            auto* e = static_cast<QKeyEvent*>(event);
            if (wantsKey(e->key(), e->modifiers())) {
                e->accept();
                return true;
            }
        } else if (event->type() == QEvent::KeyPress) {
            auto* e = static_cast<QKeyEvent*>(event);
            if (e->key() == Qt::Key_Space && !e->isAutoRepeat())
                m_spaceDown = true;
            return !e->isAutoRepeat() || e->key() != Qt::Key_Space ? keyPress(e->key(), e->modifiers()) : false;
        } else if (event->type() == QEvent::KeyRelease) {
            auto* e = static_cast<QKeyEvent*>(event);
            if (e->key() == Qt::Key_Space && !e->isAutoRepeat())
                m_spaceDown = false;
        } else if (event->type() == QEvent::FocusOut) {
            m_spaceDown = false;
        }
    }
    return false;
}

} // namespace ks::ui
