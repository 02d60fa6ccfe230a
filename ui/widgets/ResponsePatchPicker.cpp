#include "ResponsePatchPicker.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace ks::ui {

ResponsePatchPicker::ResponsePatchPicker(QWidget* parent)
    : QWidget(parent)
{
    setMinimumSize(160, 120);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Drag a rectangle to choose the patch"));
}

void ResponsePatchPicker::setImage(const cv::Mat& gray8)
{
    m_gray = gray8.clone();
    m_shown = QImage(m_gray.cols, m_gray.rows, QImage::Format_Grayscale8);
    for (int y = 0; y < m_gray.rows; ++y)
        std::copy_n(m_gray.ptr<uchar>(y), m_gray.cols, m_shown.scanLine(y));
    setPatchRect({});
}

void ResponsePatchPicker::setPatchRect(const QRect& rect)
{
    const QRect frame(0, 0, m_gray.cols, m_gray.rows);
    QRect r = rect.isValid() ? rect.intersected(frame) : frame;
    if (r.width() < 4 || r.height() < 4)
        r = frame;
    m_patch = r;
    update();
    Q_EMIT patchChanged(m_patch);
}

QRectF ResponsePatchPicker::imageArea() const
{
    if (m_shown.isNull())
        return {};
    const QSizeF s = QSizeF(m_shown.size()).scaled(QSizeF(size()), Qt::KeepAspectRatio);
    return {(width() - s.width()) / 2, (height() - s.height()) / 2, s.width(), s.height()};
}

QPointF ResponsePatchPicker::toImage(QPointF p) const
{
    const QRectF a = imageArea();
    if (a.isEmpty())
        return {};
    return {(p.x() - a.x()) * m_shown.width() / a.width(), (p.y() - a.y()) * m_shown.height() / a.height()};
}

void ResponsePatchPicker::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(20, 20, 20));
    if (m_shown.isNull()) {
        p.setPen(Qt::lightGray);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("No image: show one in the viewer"));
        return;
    }
    const QRectF a = imageArea();
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(a, m_shown);
    const double sx = a.width() / m_shown.width(), sy = a.height() / m_shown.height();
    const auto toWidget = [&](const QRectF& r) { return QRectF(a.x() + r.x() * sx, a.y() + r.y() * sy, r.width() * sx, r.height() * sy); };
    p.setPen(QPen(QColor(255, 200, 0), 2));
    p.drawRect(m_dragStart ? toWidget(m_drag) : toWidget(QRectF(m_patch)));
}

void ResponsePatchPicker::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_shown.isNull())
        return;
    m_dragStart = toImage(event->position());
    m_drag = QRectF(*m_dragStart, QSizeF());
}

void ResponsePatchPicker::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_dragStart)
        return;
    m_drag = QRectF(*m_dragStart, toImage(event->position())).normalized();
    update();
}

void ResponsePatchPicker::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_dragStart || event->button() != Qt::LeftButton)
        return;
    m_dragStart.reset();
    setPatchRect(m_drag.toAlignedRect());
}

} // namespace ks::ui
