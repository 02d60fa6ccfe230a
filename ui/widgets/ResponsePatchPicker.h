#pragma once
/// \file ResponsePatchPicker.h
/// The response viewer's image: the current frame scaled to fit, on which a rectangle is
/// dragged to choose the patch.
#include <QImage>
#include <QRect>
#include <QWidget>

#include <opencv2/core.hpp>

#include <optional>

namespace ks::ui {

/// GUI thread only.
class ResponsePatchPicker : public QWidget
{
    Q_OBJECT
public:
    explicit ResponsePatchPicker(QWidget* parent = nullptr);

    /// \param gray8 CV_8UC1 frame (copied); the patch is reset to the whole frame.
    void setImage(const cv::Mat& gray8);
    const cv::Mat& image() const { return m_gray; }
    /// The patch in image pixels (clipped to the frame; the whole frame when none was drawn).
    QRect patchRect() const { return m_patch; }
    void setPatchRect(const QRect& rect);

    QSize sizeHint() const override { return {320, 240}; }

Q_SIGNALS:
    void patchChanged(const QRect& rect);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRectF imageArea() const;
    QPointF toImage(QPointF widgetPos) const;

    cv::Mat m_gray;
    QImage m_shown;
    QRect m_patch;
    std::optional<QPointF> m_dragStart;
    QRectF m_drag;
};

} // namespace ks::ui
