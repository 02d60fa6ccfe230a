#pragma once
/// \file ResponseViewer.h
/// Inside the network (paper Fig. 4 with measures): a patch of the current image, the
/// responses of every filter of a layer for NA, PA and FA side by side, phase congruency and
/// Frangi of the same patch beside them, one zoom for all tiles, a click enlarges a filter and
/// shows its weights, and the tiles sort by similarity to phase congruency or Frangi or by
/// speckle index. Work runs in the InterpretController's thread with progress and cancel.
#include "models/InterpretController.h"
#include "models/ResponseGridModel.h"

#include <QWidget>

#include <opencv2/core.hpp>

#include <functional>
#include <optional>

class QComboBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QSlider;
class QHBoxLayout;

namespace ks::ui {

class ResponsePatchPicker;

/// GUI thread only.
class ResponseViewer : public QWidget
{
    Q_OBJECT
public:
    /// \param controller shared with the weight-change view (a private one when null)
    explicit ResponseViewer(InterpretController* controller = nullptr, QWidget* parent = nullptr);

    InterpretController* controller() const { return m_controller; }
    ResponseGridModel* gridModel() const { return m_grid; }
    ResponsePatchPicker* picker() const { return m_picker; }

    /// The frame to pick patches from (CV_8UC1, copied); the patch becomes the whole frame.
    void setImage(const cv::Mat& gray8);
    /// The patch in image pixels (e.g. the current detection's box).
    void setPatchRect(const QRect& rect);
    /// Where "Use Detection" takes the current detection's box (image pixels; empty when there
    /// is none on the frame). The button shows only once a source is set.
    void setDetectionSource(std::function<std::optional<QRect>()> source);
    /// Makes the current detection the patch. \return false (with a message) when there is none.
    bool useDetection();
    /// The chosen patch warped to the network's 227×227 input (empty without an image).
    cv::Mat patch() const;
    /// Warps `rect` of `gray8` to side × side (bilinear, edges replicated), as the report's panels.
    static cv::Mat extractPatch(const cv::Mat& gray8, const QRect& rect, int side = 227);

    QString layer() const;
    void setLayer(const QString& layer);
    void setSort(ResponseGridModel::Sort sort);
    /// Tile side in screen pixels, shared by all grids and the reference maps.
    void setTileSize(int pixels);
    int tileSize() const { return m_tileSize; }
    /// Shows filter `row` of model `column` (grid cell) enlarged, with its weights.
    void showDetail(const QModelIndex& index);
    QString detailText() const;
    QString statusText() const;

public Q_SLOTS:
    /// Starts computing the responses of the chosen layer on the patch.
    void compute();
    void openBundleDialog();
    void importCaffeDialog();

Q_SIGNALS:
    /// Responses shown (after compute()).
    void responsesShown();

private:
    void onModelsChanged(const QStringList& labels, const QStringList& layers);
    void onResult(const ResponseResult& result);
    void rebuildGrids();
    void setBusy(bool busy);
    void showReference();

    InterpretController* m_controller;
    ResponseGridModel* m_grid;
    ResponsePatchPicker* m_picker;
    QLabel* m_models;
    QPushButton* m_useDetection;
    std::function<std::optional<QRect>()> m_detectionSource;
    QComboBox* m_layer;
    QComboBox* m_sort;
    QSlider* m_zoom;
    QPushButton* m_compute;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_refPatch;
    QLabel* m_refPhase;
    QLabel* m_refFrangi;
    QHBoxLayout* m_gridsLayout;
    std::vector<QListView*> m_lists;
    QLabel* m_detailImage;
    QLabel* m_detailWeights;
    QLabel* m_detailText;
    int m_tileSize = 64;
};

} // namespace ks::ui
