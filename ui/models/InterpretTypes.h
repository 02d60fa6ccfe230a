#pragma once
/// \file InterpretTypes.h
/// Values that travel between the interpretability worker thread and the GUI: the networks
/// to look inside, layer responses of one patch, Table 2 and the report job's outcome.
#include "cnn/CnnModel.h"
#include "interpret/LayerResponseSet.h"
#include "interpret/ReferenceMaps.h"
#include "interpret/WeightChange.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ks::ui {

/// One network of a bundle (or imported from Caffe). The model is only used by the worker
/// thread once handed over (CnnModel is not synchronised).
struct InterpretModel
{
    std::string mode;   ///< "na", "pa" or "fa"
    std::string label;  ///< "SqueezeNet FA"
    std::shared_ptr<const cnn::CnnModel> model;
};
using InterpretModelList = std::vector<InterpretModel>;

/// Every filter's response of one layer on one patch, for each model, with the hand-crafted
/// maps of the same patch and the layer's weights per model (same order as `sets`).
struct ResponseResult
{
    quint64 generation = 0;
    std::string layer;
    interpret::ReferenceMaps reference;
    std::vector<interpret::LayerResponseSet> sets;
    std::vector<cnn::ConvWeights> weights;
};

/// Table 2 of the loaded networks against their NA network, with conv1 before (NA) and after
/// fine-tuning (FA, else PA) for the mosaic. Tables use threshold 0.4; the changes per filter
/// are kept so that a view can recount at any threshold.
struct WeightChangeResult
{
    quint64 generation = 0;
    std::optional<interpret::WeightChangeTable> pa;
    std::optional<interpret::WeightChangeTable> fa;
    std::optional<cnn::ConvWeights> conv1Before;
    std::optional<cnn::ConvWeights> conv1After;
    QString afterLabel;  ///< "FA" or "PA"
};

/// What the report action wrote.
struct ReportOutcome
{
    quint64 generation = 0;
    QString htmlPath;
    QString pdfPath;
    QStringList summary;
};

} // namespace ks::ui

Q_DECLARE_METATYPE(ks::ui::ResponseResult)
Q_DECLARE_METATYPE(ks::ui::WeightChangeResult)
Q_DECLARE_METATYPE(ks::ui::ReportOutcome)
