#pragma once
/// \file AnnotationController.h
/// The drawing tools on an ImageView: draw axis-aligned boxes (drag corner to corner) or rotated
/// boxes (drag along the kidney's long axis; the width starts at 45 % of the length), select,
/// move, resize by 8 handles, rotate by the rotation handle, nudge with the arrow keys (Shift:
/// 10 px), delete, undo/redo. Edits happen only on purpose: a click (press and release without
/// moving QApplication::startDragDistance() pixels) selects and changes nothing; moving or
/// nudging a rotated ROI shifts its rotated box and its stored axis-aligned box alike (the
/// latter is re-derived from the rotated box only when the user resizes or rotates it). Every finished gesture is one edit in the project store (through
/// AnnotationSession). Left-button gestures only, with the view's Pointer tool: the wheel,
/// middle-drag, space-drag and right-drag keep zooming, panning and windowing while drawing.
///
/// Keys: B draw box, O draw rotated box, S or Esc select, Del delete, arrows nudge, V show/hide
/// the ROIs, Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo.

#include "models/RoiGeometry.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <optional>

class QAction;
class QGraphicsItem;
class QGraphicsLineItem;

namespace ks {
struct Image;
}

namespace ks::ui {

class AnnotationSession;
class ImageView;
class RoiItem;

/// GUI thread only.
class AnnotationController : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Select, DrawBox, DrawRotated };
    /// Name of the view layer holding the ROIs.
    static const QString layerName;
    /// Width of a new rotated box as a fraction of its length.
    static constexpr double rotatedWidthRatio = 0.45;
    /// Boxes smaller than this (pixels, either side) are not created.
    static constexpr double minSidePx = 3;

    /// Works on `view`; uses `session` (a new one owned by the controller when null).
    explicit AnnotationController(ImageView* view, AnnotationSession* session = nullptr, QObject* parent = nullptr);
    ~AnnotationController() override;

    AnnotationSession* session() const { return m_session; }
    ImageView* view() const { return m_view; }

    /// The image shown in the view (looked up in the open project, never added to it: drawing the
    /// first ROI on it adds its frame).
    void setImage(const QString& path, const ks::Image& image);
    void clearImage();

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);

    /// Label given to new ROIs ("kidney" by default).
    QString currentLabel() const { return m_label; }
    /// Sets the label for new ROIs and, when a ROI is selected and `relabelSelected`, relabels it
    /// (one undo step).
    void setCurrentLabel(const QString& label, bool relabelSelected = true);

    /// Id of the selected ROI, 0 when none.
    long long selectedId() const { return m_selected; }
    void select(long long id);
    RoiItem* item(long long id) const { return m_items.value(id, nullptr); }
    QList<RoiItem*> items() const { return m_items.values(); }

    bool overlaysVisible() const { return m_overlaysVisible; }
    void setOverlaysVisible(bool visible);

    bool deleteSelected();
    /// Moves the selected ROI by (dx, dy) pixels; consecutive nudges are one undo step.
    bool nudgeSelected(double dx, double dy);

    QAction* drawBoxAction() const { return m_drawBox; }
    QAction* drawRotatedAction() const { return m_drawRotated; }
    QAction* selectAction() const { return m_select; }
    QAction* deleteAction() const { return m_delete; }
    QAction* undoAction() const { return m_undo; }
    QAction* redoAction() const { return m_redo; }
    QAction* toggleOverlaysAction() const { return m_toggle; }
    QList<QAction*> actions() const;

Q_SIGNALS:
    void modeChanged(ks::ui::AnnotationController::Mode mode);
    /// 0 when nothing is selected.
    void selectionChanged(qint64 id);
    /// Size of the ROI being drawn or edited (or the selected one), e.g. "kidney  L 102.4 × W 45.0 mm";
    /// `warning` is the out-of-range text (empty when in range). Empty text: nothing selected.
    void readoutChanged(const QString& text, const QString& warning);
    /// A message for the status bar.
    void message(const QString& text, bool error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    enum class Drag { None, Draw, Move, Resize, Rotate };
    void createActions();
    void reload();
    void onRoiChanged(const annotation::Annotation& roi);
    void onRoiRemoved(long long id);
    RoiItem* addItem(const annotation::Annotation& roi);
    void updateScreenScale();
    void emitReadout(const RoiItem* item);
    RoiItem* itemAt(QPointF scene) const;
    bool mousePress(QPoint pos, Qt::KeyboardModifiers modifiers);
    void mouseMove(QPoint pos);
    void mouseRelease(QPoint pos);
    /// True once the cursor has moved at least QApplication::startDragDistance() screen pixels
    /// from the press (and ever after in this gesture): until then a press is a click.
    bool dragStarted(QPoint pos);
    void cancelDrag();
    bool keyPress(int key, Qt::KeyboardModifiers modifiers);
    bool wantsKey(int key, Qt::KeyboardModifiers modifiers) const;
    void updateCrosshair(std::optional<QPointF> scene);
    QPointF clampToImage(QPointF scene) const;

    ImageView* m_view;
    AnnotationSession* m_session;
    QGraphicsItem* m_layer;
    QHash<long long, RoiItem*> m_items;
    RoiItem* m_preview = nullptr;
    QGraphicsLineItem* m_crossH;
    QGraphicsLineItem* m_crossV;
    Mode m_mode = Mode::Select;
    QString m_label = QStringLiteral("kidney");
    long long m_selected = 0;
    bool m_overlaysVisible = true;
    bool m_spaceDown = false;

    Drag m_drag = Drag::None;
    RoiItem* m_dragItem = nullptr;
    RoiHandle m_handle = RoiHandle::None;
    QPointF m_pressScene;
    QPoint m_pressPos;          ///< viewport pixels
    bool m_dragStarted = false;
    RotatedBox m_startGeometry;

    QAction* m_drawBox = nullptr;
    QAction* m_drawRotated = nullptr;
    QAction* m_select = nullptr;
    QAction* m_delete = nullptr;
    QAction* m_undo = nullptr;
    QAction* m_redo = nullptr;
    QAction* m_toggle = nullptr;
};

} // namespace ks::ui
