#include "widgets/RoiItem.h"

#include <QBrush>
#include <QFont>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPainter>
#include <QPen>

#include <algorithm>
#include <cmath>

namespace ks::ui {

namespace {
constexpr RoiHandle resizeHandles[] = {RoiHandle::TopLeft, RoiHandle::Top, RoiHandle::TopRight, RoiHandle::Right,
                                       RoiHandle::BottomRight, RoiHandle::Bottom, RoiHandle::BottomLeft, RoiHandle::Left};

QPolygonF polygon(const RotatedBox& b)
{
    QPolygonF p;
    for (const auto& c : b.corners())
        p << QPointF(c[0], c[1]);
    return p;
}
} // namespace

RoiItem::RoiItem(const annotation::Annotation& roi, QGraphicsItem* parent)
    : QGraphicsItem(parent), m_textBackground(new QGraphicsRectItem(this)), m_text(new QGraphicsSimpleTextItem(m_textBackground))
{
    // The readout keeps its screen size at any zoom.
    m_textBackground->setFlag(QGraphicsItem::ItemIgnoresTransformations);
    m_textBackground->setPen(Qt::NoPen);
    m_textBackground->setBrush(QColor(0, 0, 0, 150));
    QFont font = m_text->font();
    font.setPointSizeF(9);
    m_text->setFont(font);
    m_text->setPos(3, 1);
    setRoi(roi);
}

void RoiItem::setRoi(const annotation::Annotation& roi)
{
    m_roi = roi;
    setOffset(0, 0);
}

void RoiItem::setGeometry(const RotatedBox& geometry, bool rotated)
{
    annotation::Annotation a;
    RoiGeometry::toAnnotation(geometry, rotated, a);
    prepareGeometryChange();
    m_geometry = geometry;
    m_rotated = rotated;
    m_box = a.box;
    updateText();
    update();
}

void RoiItem::setOffset(double dx, double dy)
{
    const annotation::Annotation moved = RoiGeometry::translated(m_roi, dx, dy);
    prepareGeometryChange();
    m_geometry = RoiGeometry::fromAnnotation(moved);
    m_rotated = moved.rotated.has_value();
    m_box = moved.box;
    updateText();
    update();
}

annotation::Annotation RoiItem::editedRoi() const
{
    annotation::Annotation a = m_roi;
    a.box = m_box;
    if (m_rotated)
        a.rotated = m_geometry;
    else
        a.rotated.reset();
    return a;
}

void RoiItem::setSelectedRoi(bool selected)
{
    if (selected == m_selected)
        return;
    prepareGeometryChange();
    m_selected = selected;
    setZValue(selected ? 1 : 0);
    update();
}

void RoiItem::setCalibration(double mmPerPixelX, double mmPerPixelY)
{
    m_mmPerPixelX = mmPerPixelX;
    m_mmPerPixelY = mmPerPixelY;
    updateText();
    update();
}

void RoiItem::setScreenScale(double s)
{
    prepareGeometryChange();
    m_screenScale = s > 0 ? s : 1;
    updateText();
    update();
}

void RoiItem::setForeign(bool foreign)
{
    m_foreign = foreign;
    update();
}

RoiMeasure RoiItem::measure() const
{
    return RoiGeometry::measure(m_geometry, m_mmPerPixelX, m_mmPerPixelY, QString::fromStdString(m_roi.label));
}

QString RoiItem::readoutText() const
{
    const RoiMeasure m = measure();
    QString text = QStringLiteral("%1  %2").arg(QString::fromStdString(m_roi.label), m.text());
    if (m.outsideKidneyRange)
        text += QStringLiteral("\n⚠ outside adult kidney range");
    return text;
}

void RoiItem::updateText()
{
    m_text->setText(readoutText());
    m_text->setBrush(colour());
    m_textBackground->setRect(QRectF(QPointF(0, 0), m_text->boundingRect().size() + QSizeF(6, 2)));
    // Above the box's top-left corner (below it when there is no room above the image).
    const Box bb = m_geometry.boundingBox();
    const double textHeightImage = (m_text->boundingRect().height() + 4) * m_screenScale;
    m_textBackground->setPos(bb.x, bb.y >= textHeightImage ? bb.y - textHeightImage : bb.bottom() + 2 * m_screenScale);
}

QColor RoiItem::colour() const
{
    if (measure().outsideKidneyRange)
        return QColor(0xff, 0x5a, 0x36);
    if (QString::fromStdString(m_roi.label).contains(QStringLiteral("kidney"), Qt::CaseInsensitive))
        return QColor(0x3d, 0xdc, 0x84);
    return QColor(0x4f, 0xc3, 0xf7);
}

RoiHandle RoiItem::handleAt(QPointF scene, double tolerancePx) const
{
    if (!m_selected)
        return RoiHandle::None;
    const double tol = tolerancePx * m_screenScale;
    const QPointF rot = RoiGeometry::handlePosition(m_geometry, RoiHandle::Rotate, rotateHandleOffsetPx * m_screenScale);
    if (std::hypot(scene.x() - rot.x(), scene.y() - rot.y()) <= tol)
        return RoiHandle::Rotate;
    RoiHandle best = RoiHandle::None;
    double bestDistance = tol;
    for (RoiHandle h : resizeHandles) {
        const QPointF p = RoiGeometry::handlePosition(m_geometry, h, 0);
        const double d = std::max(std::abs(scene.x() - p.x()), std::abs(scene.y() - p.y()));
        if (d <= bestDistance)
            best = h, bestDistance = d;
    }
    return best;
}

QRectF RoiItem::boundingRect() const
{
    const Box bb = m_geometry.boundingBox();
    const double margin = (rotateHandleOffsetPx + 2 * handleRadiusPx + 4) * m_screenScale;
    return QRectF(bb.x, bb.y, bb.width, bb.height).adjusted(-margin, -margin, margin, margin);
}

QPainterPath RoiItem::shape() const
{
    QPainterPath path;
    path.addPolygon(polygon(m_geometry));
    path.closeSubpath();
    return path;
}

void RoiItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor c = colour();
    QPen pen(c, m_selected ? 2.5 : 1.6);
    pen.setCosmetic(true);
    if (m_foreign)
        pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(m_selected ? QColor(c.red(), c.green(), c.blue(), 30) : QColor(Qt::transparent));
    painter->drawPolygon(polygon(m_geometry));
    if (m_rotated) {
        // The long axis, so the orientation reads at a glance.
        QPen axis(c, 1, Qt::DotLine);
        axis.setCosmetic(true);
        painter->setPen(axis);
        painter->drawLine(RoiGeometry::toScene(m_geometry, {-m_geometry.length / 2, 0}),
                          RoiGeometry::toScene(m_geometry, {m_geometry.length / 2, 0}));
    }
    if (!m_selected)
        return;
    const double r = handleRadiusPx * m_screenScale;
    QPen handlePen(Qt::black, 1);
    handlePen.setCosmetic(true);
    const QPointF top = RoiGeometry::handlePosition(m_geometry, RoiHandle::Top, 0);
    const QPointF rot = RoiGeometry::handlePosition(m_geometry, RoiHandle::Rotate, rotateHandleOffsetPx * m_screenScale);
    QPen stem(c, 1);
    stem.setCosmetic(true);
    painter->setPen(stem);
    painter->drawLine(top, rot);
    painter->setPen(handlePen);
    painter->setBrush(Qt::white);
    for (RoiHandle h : resizeHandles) {
        const QPointF p = RoiGeometry::handlePosition(m_geometry, h, 0);
        painter->drawRect(QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r));
    }
    painter->setBrush(c);
    painter->drawEllipse(rot, r * 1.2, r * 1.2);
}

} // namespace ks::ui
