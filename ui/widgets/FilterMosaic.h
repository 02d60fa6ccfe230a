#pragma once
/// \file FilterMosaic.h
/// A conv layer's filters as one image: a grid of kernels, each min-max scaled on its own
/// (colour for three input channels, as conv1 sees BGR; the mean over input channels otherwise).
#include "cnn/CnnModel.h"

#include <QImage>
#include <QWidget>

class QLabel;

namespace ks::ui {

/// GUI thread only (render() itself is thread-safe).
class FilterMosaic : public QWidget
{
    Q_OBJECT
public:
    explicit FilterMosaic(QWidget* parent = nullptr);

    /// Shows `weights` under `title`, each kernel `scale` screen pixels per weight.
    void setWeights(const cnn::ConvWeights& weights, const QString& title, int scale = 4);
    void clear(const QString& title = {});
    QImage image() const { return m_image; }

    /// One kernel (output channel `filter`) as an RGB image, kernelWidth × kernelHeight pixels.
    static QImage kernelImage(const cnn::ConvWeights& weights, int filter);
    /// Every kernel in a grid of ceil(sqrt(n)) columns, each `scale` pixels per weight, 1-pixel
    /// gaps. Null for an empty layer.
    static QImage render(const cnn::ConvWeights& weights, int scale = 4);

private:
    QLabel* m_title;
    QLabel* m_picture;
    QImage m_image;
};

} // namespace ks::ui
