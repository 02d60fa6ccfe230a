#pragma once
/// \file ImageView.h
/// The central image view: a QGraphicsView whose scene coordinates are image pixel
/// coordinates (pixel (i, j) covers [i, i+1) × [j, j+1)). The frame is a pixmap item at z = 0;
/// other areas add overlays (annotations, detections, heatmaps) as items in named layers, so
/// they follow zoom, pan and cine without extra code.
///
/// Mouse: wheel zooms around the cursor; middle-drag, space+left-drag or the Pan tool pans;
/// right-drag or the Window/Level tool changes the window (horizontal = width, vertical = level).
/// Keys: + / - zoom, 0 fit, 1 actual size (1:1), R reset window, Left/Right previous/next frame.
/// With the Pointer tool, left-button events go to the scene items (drawing tools hook there).

#include "common/Image.h"
#include "models/FrameRenderer.h"
#include "models/WindowPresets.h"

#include <QGraphicsView>
#include <QHash>
#include <QMap>

#include <functional>

class QGraphicsPixmapItem;

namespace ks::ui {

/// GUI thread only.
class ImageView : public QGraphicsView
{
    Q_OBJECT
public:
    enum class Tool { Pointer, Pan, WindowLevel };

    explicit ImageView(QWidget* parent = nullptr);

    /// Shows `image` (frame 0, its default window, fitted to the view).
    void setImage(const ks::Image& image);
    /// Removes the image and shows `message` in the middle of the view (e.g. why there is no image).
    void clearImage(const QString& message = {});
    const ks::Image& image() const { return m_renderer.image(); }
    bool hasImage() const { return m_renderer.hasImage(); }
    QString message() const { return m_message; }

    int frame() const { return m_frame; }
    int frameCount() const { return image().frameCount(); }
    /// Shows frame `index` (clamped to the valid range).
    void setFrame(int index);

    Window window() const { return m_renderer.window(); }
    void setWindow(const Window& window);
    void resetWindow();
    void applyPreset(const WindowPreset& preset);

    /// Screen pixels per image pixel.
    double zoom() const;
    /// Sets the zoom (clamped to [1/32, 64]) keeping the image point under `viewportAnchor`
    /// (viewport coordinates) fixed; the viewport centre when not given. Leaves fit mode.
    void setZoom(double zoom, std::optional<QPointF> viewportAnchor = std::nullopt);
    void zoomIn();
    void zoomOut();
    /// Fits the whole image in the view and keeps it fitted when the view resizes.
    void fitToWindow();
    /// One image pixel per screen pixel.
    void actualSize();
    bool isFitMode() const { return m_fitMode; }

    Tool tool() const { return m_tool; }
    void setTool(Tool tool);

    /// A layer for overlays: an item without content at z-value `z` (> 0) whose children are
    /// drawn in image pixel coordinates. Created on first use; survives setImage().
    QGraphicsItem* layer(const QString& name, qreal z = 10);
    void setLayerVisible(const QString& name, bool visible);

    /// Paints fixed on screen (legends, colour bars) in viewport pixels, after the image, the
    /// layers and the scale bar; called on every repaint, in id order.
    using ForegroundPainter = std::function<void(QPainter& painter, const QRect& viewport)>;
    /// \return an id for removeForegroundPainter()
    int addForegroundPainter(ForegroundPainter painter);
    void removeForegroundPainter(int id);

    /// The frame as currently displayed (after the window), for tests and export.
    QImage displayedImage() const { return m_displayed; }
    QGraphicsPixmapItem* imageItem() const { return m_imageItem; }
    /// Image position under a viewport position.
    QPointF imagePosition(QPoint viewportPos) const { return mapToScene(viewportPos); }

Q_SIGNALS:
    void zoomChanged(double zoom);
    void windowChanged(const ks::ui::Window& window);
    void frameChanged(int frame);
    void toolChanged(ks::ui::ImageView::Tool tool);
    /// The cursor moved over the view; `imagePos` in image pixel coordinates.
    void cursorMoved(QPointF imagePos);
    void cursorLeft();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    enum class Drag { None, Pan, WindowLevel };
    void refresh();
    void applyZoom(double zoom, QPointF viewportAnchor);
    void updateSmoothing();
    void drawScaleBar(QPainter& painter);

    FrameRenderer m_renderer;
    QGraphicsPixmapItem* m_imageItem = nullptr;
    QHash<QString, QGraphicsItem*> m_layers;
    QMap<int, ForegroundPainter> m_foregroundPainters;
    int m_nextPainterId = 1;
    QImage m_displayed;
    QString m_message;
    int m_frame = 0;
    bool m_fitMode = true;
    Tool m_tool = Tool::Pointer;
    Drag m_drag = Drag::None;
    bool m_spaceDown = false;
    QPoint m_lastPos;
    Window m_dragStartWindow;
    QPoint m_dragStart;
};

} // namespace ks::ui
