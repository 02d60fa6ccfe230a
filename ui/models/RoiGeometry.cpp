#include "models/RoiGeometry.h"

#include <algorithm>
#include <cmath>

namespace ks::ui {

QString RoiMeasure::text() const
{
    const int decimals = calibrated ? 1 : 0;
    return QStringLiteral("L %1 × W %2 %3")
        .arg(length, 0, 'f', decimals)
        .arg(width, 0, 'f', decimals)
        .arg(calibrated ? QStringLiteral("mm") : QStringLiteral("px"));
}

QString RoiMeasure::warning() const
{
    if (!outsideKidneyRange)
        return {};
    return QStringLiteral("outside adult kidney range (L %1–%2, W %3–%4 mm)")
        .arg(KidneyRange::minLengthMm)
        .arg(KidneyRange::maxLengthMm)
        .arg(KidneyRange::minWidthMm)
        .arg(KidneyRange::maxWidthMm);
}

namespace RoiGeometry {

namespace {
constexpr double degToRad = M_PI / 180.0;

/// Unit position of a resize handle in the box frame: (-1|0|1, -1|0|1).
QPointF handleUnit(RoiHandle h)
{
    switch (h) {
    case RoiHandle::TopLeft: return {-1, -1};
    case RoiHandle::Top: return {0, -1};
    case RoiHandle::TopRight: return {1, -1};
    case RoiHandle::Right: return {1, 0};
    case RoiHandle::BottomRight: return {1, 1};
    case RoiHandle::Bottom: return {0, 1};
    case RoiHandle::BottomLeft: return {-1, 1};
    case RoiHandle::Left: return {-1, 0};
    default: return {0, 0};
    }
}
} // namespace

RotatedBox fromAnnotation(const annotation::Annotation& a)
{
    if (a.rotated)
        return *a.rotated;
    return RotatedBox{a.box.centerX(), a.box.centerY(), a.box.width, a.box.height, 0};
}

void toAnnotation(const RotatedBox& g, bool rotated, annotation::Annotation& a)
{
    if (rotated) {
        a.rotated = g;
        a.box = g.boundingBox();
    } else {
        a.rotated.reset();
        a.box = Box{g.centerX - g.length / 2, g.centerY - g.width / 2, g.length, g.width};
    }
}

annotation::Annotation translated(const annotation::Annotation& a, double dx, double dy)
{
    annotation::Annotation out = a;
    out.box.x += dx;
    out.box.y += dy;
    if (out.rotated) {
        out.rotated->centerX += dx;
        out.rotated->centerY += dy;
    }
    return out;
}

// Same convention as RotatedBox::corners(): a positive angle lifts the right end (y down).
QPointF toScene(const RotatedBox& b, QPointF local)
{
    const double t = -b.angleDeg * degToRad, c = std::cos(t), s = std::sin(t);
    return {b.centerX + c * local.x() - s * local.y(), b.centerY + s * local.x() + c * local.y()};
}

QPointF toLocal(const RotatedBox& b, QPointF scene)
{
    const double t = -b.angleDeg * degToRad, c = std::cos(t), s = std::sin(t);
    const double dx = scene.x() - b.centerX, dy = scene.y() - b.centerY;
    return {c * dx + s * dy, -s * dx + c * dy};
}

QPointF handlePosition(const RotatedBox& b, RoiHandle h, double rotateOffset)
{
    if (h == RoiHandle::Rotate)
        return toScene(b, {0, -b.width / 2 - rotateOffset});
    const QPointF u = handleUnit(h);
    return toScene(b, {u.x() * b.length / 2, u.y() * b.width / 2});
}

bool contains(const RotatedBox& b, QPointF scene, double tolerance)
{
    const QPointF p = toLocal(b, scene);
    return std::abs(p.x()) <= b.length / 2 + tolerance && std::abs(p.y()) <= b.width / 2 + tolerance;
}

RotatedBox resized(const RotatedBox& b, RoiHandle h, QPointF scene, double minSide)
{
    const QPointF u = handleUnit(h);
    if (u.isNull())
        return b;
    const QPointF p = toLocal(b, scene);
    double cx = 0, cy = 0, length = b.length, width = b.width;
    if (u.x() != 0) {
        const double anchor = -u.x() * b.length / 2;
        // Dragging past the anchor is stopped at minSide rather than flipping the box.
        const double edge = u.x() > 0 ? std::max(p.x(), anchor + minSide) : std::min(p.x(), anchor - minSide);
        length = std::abs(edge - anchor);
        cx = (edge + anchor) / 2;
    }
    if (u.y() != 0) {
        const double anchor = -u.y() * b.width / 2;
        const double edge = u.y() > 0 ? std::max(p.y(), anchor + minSide) : std::min(p.y(), anchor - minSide);
        width = std::abs(edge - anchor);
        cy = (edge + anchor) / 2;
    }
    const QPointF c = toScene(b, {cx, cy});
    return RotatedBox{c.x(), c.y(), length, width, b.angleDeg};
}

RotatedBox rotatedTowards(const RotatedBox& b, QPointF scene)
{
    const double dx = scene.x() - b.centerX, dy = scene.y() - b.centerY;
    if (dx == 0 && dy == 0)
        return b;
    // The handle sits at local (0, -r): scene offset (-sin a, -cos a) · r.
    double angle = std::atan2(-dx, -dy) / degToRad;
    while (angle > 90)
        angle -= 180;
    while (angle <= -90)
        angle += 180;
    RotatedBox r = b;
    r.angleDeg = angle;
    return r;
}

RotatedBox fromAxis(QPointF a, QPointF b, double widthRatio)
{
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    const double length = std::hypot(dx, dy);
    double angle = length > 0 ? -std::atan2(dy, dx) / degToRad : 0;
    while (angle > 90)
        angle -= 180;
    while (angle <= -90)
        angle += 180;
    return RotatedBox{(a.x() + b.x()) / 2, (a.y() + b.y()) / 2, length, length * widthRatio, angle};
}

RotatedBox fromCorners(QPointF a, QPointF b)
{
    const double x0 = std::min(a.x(), b.x()), x1 = std::max(a.x(), b.x());
    const double y0 = std::min(a.y(), b.y()), y1 = std::max(a.y(), b.y());
    return RotatedBox{(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 0};
}

RoiMeasure measure(const RotatedBox& b, double sx, double sy, const QString& label)
{
    RoiMeasure m;
    m.calibrated = sx > 0 && sy > 0;
    double along = b.length, across = b.width;
    if (m.calibrated) {
        // A pixel step along a direction at angle t covers hypot(sx cos t, sy sin t) mm.
        const double t = b.angleDeg * degToRad, c = std::cos(t), s = std::sin(t);
        along = b.length * std::hypot(sx * c, sy * s);
        across = b.width * std::hypot(sx * s, sy * c);
    }
    m.length = std::max(along, across);
    m.width = std::min(along, across);
    if (m.calibrated && label.contains(QStringLiteral("kidney"), Qt::CaseInsensitive))
        m.outsideKidneyRange = m.length < KidneyRange::minLengthMm || m.length > KidneyRange::maxLengthMm
            || m.width < KidneyRange::minWidthMm || m.width > KidneyRange::maxWidthMm;
    return m;
}

} // namespace RoiGeometry
} // namespace ks::ui
