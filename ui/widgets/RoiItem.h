#pragma once
/// \file RoiItem.h
/// A ROI on the image: a (rotated) rectangle in image pixel coordinates with a label and size
/// readout next to it, drawn in the warning colour with a warning line when a kidney is outside
/// the adult range. When selected it shows 8 resize handles and a rotation handle, drawn at a
/// constant screen size whatever the zoom.

#include "annotation/ProjectTypes.h"
#include "common/Box.h"
#include "models/RoiGeometry.h"

#include <QGraphicsItem>

class QGraphicsSimpleTextItem;
class QGraphicsRectItem;

namespace ks::ui {

/// GUI thread only. Interaction is handled by AnnotationController; the item only draws.
class RoiItem : public QGraphicsItem
{
public:
    /// Screen pixels between the top edge and the rotation handle.
    static constexpr double rotateHandleOffsetPx = 24;
    /// Half the side of a handle square, screen pixels.
    static constexpr double handleRadiusPx = 4.5;

    /// `roi` as stored (id 0 for a ROI being drawn).
    explicit RoiItem(const annotation::Annotation& roi, QGraphicsItem* parent = nullptr);

    const annotation::Annotation& roi() const { return m_roi; }
    long long id() const { return m_roi.id; }
    /// Replaces the stored ROI (geometry, label, status) and redraws.
    void setRoi(const annotation::Annotation& roi);

    /// The geometry on screen (may differ from roi() while being dragged).
    const RotatedBox& geometry() const { return m_geometry; }
    bool isRotated() const { return m_rotated; }
    /// A new shape (drawn, resized or rotated by the user): the axis-aligned box on screen
    /// becomes the shape's bounding box (its sides when not rotated).
    void setGeometry(const RotatedBox& geometry, bool rotated);
    /// The stored ROI moved by (dx, dy) pixels: both its rotated box and its axis-aligned box
    /// shift, sizes unchanged (RoiGeometry::translated).
    void setOffset(double dx, double dy);
    /// roi() with the geometry on screen (rotated box and axis-aligned box).
    annotation::Annotation editedRoi() const;

    void setSelectedRoi(bool selected);
    bool isSelectedRoi() const { return m_selected; }
    /// Image pixel size for the readout (0 = uncalibrated).
    void setCalibration(double mmPerPixelX, double mmPerPixelY);
    /// Image pixels per screen pixel (1 / zoom), for handle sizes.
    void setScreenScale(double imagePixelsPerScreenPixel);
    /// Drawn dashed (another author's ROI).
    void setForeign(bool foreign);

    RoiMeasure measure() const;
    /// The label and readout text next to the ROI (and a short warning line when out of range;
    /// RoiMeasure::warning() has the range).
    QString readoutText() const;
    bool showsWarning() const { return measure().outsideKidneyRange; }
    /// The handle under `scene` within `tolerancePx` screen pixels (None when none; handles
    /// only when selected).
    RoiHandle handleAt(QPointF scene, double tolerancePx = 6) const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    void updateText();
    QColor colour() const;

    annotation::Annotation m_roi;
    RotatedBox m_geometry;
    bool m_rotated = false;
    Box m_box; ///< the axis-aligned box on screen
    bool m_selected = false;
    bool m_foreign = false;
    double m_mmPerPixelX = 0;
    double m_mmPerPixelY = 0;
    double m_screenScale = 1;
    QGraphicsRectItem* m_textBackground;
    QGraphicsSimpleTextItem* m_text;
};

} // namespace ks::ui
