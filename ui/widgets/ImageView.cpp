#include "widgets/ImageView.h"

#include "models/ScaleBar.h"

#include <QGraphicsPixmapItem>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ks::ui {

namespace {

constexpr double kMinZoom = 1.0 / 32;
constexpr double kMaxZoom = 64;
constexpr double kZoomStep = 1.25;

/// An overlay layer: no content of its own, only children.
class LayerItem : public QGraphicsItem
{
public:
    LayerItem() { setFlag(ItemHasNoContents); }
    QRectF boundingRect() const override { return {}; }
    void paint(QPainter*, const QStyleOptionGraphicsItem*, QWidget*) override {}
};

} // namespace

ImageView::ImageView(QWidget* parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    m_imageItem = scene()->addPixmap(QPixmap());
    m_imageItem->setZValue(0);
    m_imageItem->setShapeMode(QGraphicsPixmapItem::BoundingRectShape);
    setBackgroundBrush(Qt::black);
    setFrameShape(QFrame::NoFrame);
    setAlignment(Qt::AlignCenter);
    setTransformationAnchor(QGraphicsView::NoAnchor);
    setResizeAnchor(QGraphicsView::NoAnchor);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The scale bar and messages are drawn in viewport coordinates: repaint everything.
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setContextMenuPolicy(Qt::NoContextMenu);
    setMinimumSize(200, 150);
}

void ImageView::setImage(const ks::Image& image)
{
    m_message.clear();
    m_renderer.setImage(image);
    m_frame = 0;
    scene()->setSceneRect(0, 0, image.width(), image.height());
    refresh();
    fitToWindow();
    Q_EMIT windowChanged(m_renderer.window());
    Q_EMIT frameChanged(m_frame);
}

void ImageView::clearImage(const QString& message)
{
    m_renderer.setImage(ks::Image{});
    m_frame = 0;
    m_message = message;
    m_displayed = QImage();
    m_imageItem->setPixmap(QPixmap());
    scene()->setSceneRect(0, 0, 1, 1);
    viewport()->update();
}

void ImageView::refresh()
{
    m_displayed = m_renderer.render(m_frame);
    // Only the GUI thread makes pixmaps; the renderer caches the QImage between paints.
    m_imageItem->setPixmap(QPixmap::fromImage(m_displayed));
    viewport()->update();
}

void ImageView::setFrame(int index)
{
    if (!hasImage())
        return;
    index = std::clamp(index, 0, frameCount() - 1);
    if (index == m_frame)
        return;
    m_frame = index;
    refresh();
    Q_EMIT frameChanged(m_frame);
}

void ImageView::setWindow(const Window& window)
{
    const Window before = m_renderer.window();
    m_renderer.setWindow(window);
    if (m_renderer.window() == before)
        return;
    if (hasImage())
        refresh();
    Q_EMIT windowChanged(m_renderer.window());
}

void ImageView::resetWindow() { setWindow(m_renderer.defaultWindow()); }

void ImageView::applyPreset(const WindowPreset& preset)
{
    const auto [low, high] = m_renderer.dataRange();
    setWindow(preset.apply(low, high));
}

double ImageView::zoom() const { return transform().m11(); }

void ImageView::applyZoom(double zoom, QPointF viewportAnchor)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    const QPointF anchorScene = mapToScene(viewportAnchor.toPoint());
    setTransform(QTransform::fromScale(zoom, zoom));
    // Keep the image point under the anchor where it was (within the scroll limits).
    const QPointF centreViewport = QRectF(viewport()->rect()).center();
    centerOn(anchorScene + (centreViewport - viewportAnchor) / zoom);
    updateSmoothing();
    Q_EMIT zoomChanged(zoom);
}

void ImageView::setZoom(double zoom, std::optional<QPointF> viewportAnchor)
{
    m_fitMode = false;
    applyZoom(zoom, viewportAnchor.value_or(QPointF(viewport()->rect().center())));
}

void ImageView::zoomIn() { setZoom(zoom() * kZoomStep); }
void ImageView::zoomOut() { setZoom(zoom() / kZoomStep); }

void ImageView::fitToWindow()
{
    m_fitMode = true;
    if (!hasImage())
        return;
    const QRectF r = scene()->sceneRect();
    const QSize v = viewport()->size();
    if (r.isEmpty() || v.isEmpty())
        return;
    const double z = std::clamp(std::min(v.width() / r.width(), v.height() / r.height()), kMinZoom, kMaxZoom);
    setTransform(QTransform::fromScale(z, z));
    centerOn(r.center());
    updateSmoothing();
    Q_EMIT zoomChanged(z);
}

void ImageView::actualSize() { setZoom(1.0); }

void ImageView::updateSmoothing()
{
    // Smooth when shrinking (no aliasing), nearest when enlarging (pixels stay visible).
    m_imageItem->setTransformationMode(zoom() < 1.0 ? Qt::SmoothTransformation : Qt::FastTransformation);
}

void ImageView::setTool(Tool tool)
{
    if (tool == m_tool)
        return;
    m_tool = tool;
    viewport()->setCursor(tool == Tool::Pan ? Qt::OpenHandCursor : tool == Tool::WindowLevel ? Qt::SizeAllCursor : Qt::ArrowCursor);
    Q_EMIT toolChanged(tool);
}

QGraphicsItem* ImageView::layer(const QString& name, qreal z)
{
    auto it = m_layers.find(name);
    if (it != m_layers.end())
        return it.value();
    auto* item = new LayerItem;
    item->setZValue(z);
    scene()->addItem(item);
    m_layers.insert(name, item);
    return item;
}

void ImageView::setLayerVisible(const QString& name, bool visible)
{
    if (auto it = m_layers.find(name); it != m_layers.end())
        it.value()->setVisible(visible);
}

int ImageView::addForegroundPainter(ForegroundPainter painter)
{
    const int id = m_nextPainterId++;
    m_foregroundPainters.insert(id, std::move(painter));
    viewport()->update();
    return id;
}

void ImageView::removeForegroundPainter(int id)
{
    if (m_foregroundPainters.remove(id) > 0)
        viewport()->update();
}

void ImageView::wheelEvent(QWheelEvent* event)
{
    if (!hasImage())
        return;
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    m_fitMode = false;
    applyZoom(zoom() * std::pow(kZoomStep, steps), event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent* event)
{
    m_lastPos = event->position().toPoint();
    m_dragStart = m_lastPos;
    const bool left = event->button() == Qt::LeftButton;
    if (event->button() == Qt::MiddleButton || (left && (m_spaceDown || m_tool == Tool::Pan))) {
        m_drag = Drag::Pan;
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton || (left && m_tool == Tool::WindowLevel)) {
        m_drag = Drag::WindowLevel;
        m_dragStartWindow = window();
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void ImageView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    const QPoint delta = pos - m_lastPos;
    m_lastPos = pos;
    if (m_drag == Drag::Pan) {
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        m_fitMode = false;
    } else if (m_drag == Drag::WindowLevel) {
        // One viewport width of drag spans the whole data range.
        const auto [low, high] = m_renderer.dataRange();
        const double perPixel = (high - low) / std::max(200, viewport()->width() / 2);
        const QPoint total = pos - m_dragStart;
        Window w = m_dragStartWindow;
        w.width = std::max(1e-3, w.width + total.x() * perPixel);
        w.center = w.center + total.y() * perPixel;
        setWindow(w);
    } else {
        QGraphicsView::mouseMoveEvent(event);
    }
    Q_EMIT cursorMoved(mapToScene(pos));
}

void ImageView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_drag != Drag::None) {
        m_drag = Drag::None;
        viewport()->setCursor(m_tool == Tool::Pan ? Qt::OpenHandCursor : m_tool == Tool::WindowLevel ? Qt::SizeAllCursor : Qt::ArrowCursor);
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void ImageView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); return;
    case Qt::Key_Minus: zoomOut(); return;
    case Qt::Key_0: fitToWindow(); return;
    case Qt::Key_1: actualSize(); return;
    case Qt::Key_R: resetWindow(); return;
    case Qt::Key_Right: setFrame(m_frame + 1); return;
    case Qt::Key_Left: setFrame(m_frame - 1); return;
    case Qt::Key_Space:
        if (!event->isAutoRepeat()) {
            m_spaceDown = true;
            viewport()->setCursor(Qt::OpenHandCursor);
        }
        return;
    default: break;
    }
    QGraphicsView::keyPressEvent(event);
}

void ImageView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = false;
        viewport()->setCursor(m_tool == Tool::Pan ? Qt::OpenHandCursor : m_tool == Tool::WindowLevel ? Qt::SizeAllCursor : Qt::ArrowCursor);
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void ImageView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitMode)
        fitToWindow();
}

void ImageView::leaveEvent(QEvent* event)
{
    QGraphicsView::leaveEvent(event);
    Q_EMIT cursorLeft();
}

void ImageView::drawForeground(QPainter* painter, const QRectF& rect)
{
    QGraphicsView::drawForeground(painter, rect);
    painter->save();
    painter->resetTransform();
    painter->setRenderHint(QPainter::Antialiasing);
    if (!hasImage()) {
        if (!m_message.isEmpty()) {
            painter->setPen(QColor(220, 220, 220));
            const QRect box = viewport()->rect().adjusted(40, 40, -40, -40);
            painter->drawText(box, Qt::AlignCenter | Qt::TextWordWrap, m_message);
        }
    } else {
        drawScaleBar(*painter);
    }
    for (const ForegroundPainter& paint : m_foregroundPainters) {
        painter->save();
        paint(*painter, viewport()->rect());
        painter->restore();
    }
    painter->restore();
}

void ImageView::drawScaleBar(QPainter& painter)
{
    const ks::Calibration& cal = image().calibration;
    const QRect v = viewport()->rect();
    QFont font = painter.font();
    font.setPointSizeF(std::max(8.0, font.pointSizeF()));
    painter.setFont(font);
    const int margin = 14;
    if (!cal.isCalibrated()) {
        const QString text = tr("uncalibrated");
        const QRect box = painter.fontMetrics().boundingRect(text).adjusted(-6, -3, 6, 3);
        const QRect placed = box.translated(v.right() - margin - box.right(), v.bottom() - margin - box.bottom());
        painter.fillRect(placed, QColor(0, 0, 0, 160));
        painter.setPen(QColor(255, 200, 80));
        painter.drawText(placed, Qt::AlignCenter, text);
        return;
    }
    const ScaleBar bar = ScaleBar::choose(cal.mmPerPixelX, zoom(), std::min(220.0, v.width() * 0.3));
    if (!bar.isValid())
        return;
    const int length = static_cast<int>(std::lround(bar.screenPixels));
    const int x1 = v.right() - margin;
    const int x0 = x1 - length;
    const int y = v.bottom() - margin;
    painter.fillRect(QRect(x0 - 6, y - 26, length + 12, 34), QColor(0, 0, 0, 140));
    painter.setPen(QPen(Qt::white, 2));
    painter.drawLine(x0, y, x1, y);
    painter.drawLine(x0, y - 5, x0, y + 1);
    painter.drawLine(x1, y - 5, x1, y + 1);
    painter.drawText(QRect(x0, y - 24, length, 18), Qt::AlignCenter, bar.label);
}

} // namespace ks::ui
