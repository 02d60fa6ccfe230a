#include "InterpretWorker.h"

#include "DetectionWorker.h"
#include "InterpretPdf.h"

#include "common/Error.h"
#include "detect/CnnBackend.h"
#include "detect/ModelBundle.h"
#include "interpret/HtmlReport.h"
#include "interpret/LayerResponses.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ks::ui {

InterpretWorker::InterpretWorker(std::shared_ptr<std::atomic<quint64>> latest)
    : m_latest(std::move(latest))
    , m_bridge(new ProgressBridge(this))
{
}

std::string InterpretWorker::backboneTitle(const std::string& backbone)
{
    return backbone == "squeezenet" ? "SqueezeNet" : backbone == "caffenet" ? "CaffeNet" : backbone;
}

InterpretModelList InterpretWorker::loadBundle(const QString& dir)
{
    // Through ModelBundle::load only: the manifest's checksum, every file's checksum and size and
    // the confined file names are verified there, and the networks are read once, as data.
    detect::LoadedBundle bundle = detect::ModelBundle::load(dir.toStdString());
    const QJsonObject manifest = QJsonDocument::fromJson(QByteArray::fromStdString(bundle.manifestJson)).object();
    const QJsonObject sets = manifest.value(QStringLiteral("feature_sets")).toObject();
    InterpretModelList models;
    for (const char* mode : {"na", "pa", "fa"}) {
        const QJsonObject set = sets.value(QLatin1String(mode)).toObject();
        if (!set.contains(QStringLiteral("network")))
            continue;
        const std::string backbone = set.value(QStringLiteral("backbone")).toString(QStringLiteral("caffenet")).toStdString();
        InterpretModel m;
        m.mode = mode;
        std::string upper = mode;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        m.label = backboneTitle(backbone) + " " + upper;
        m.model = detect::CnnBackend::model(*bundle.detector.featureSet(mode).extractor);
        models.push_back(std::move(m));
    }
    if (models.empty())
        throw Error("The bundle '" + dir.toStdString() + "' has no CNN network (trained with Haar only)",
                    "Train with a CNN method (NA, PA or FA), or import a Caffe model instead");
    return models;
}

template <class F>
void InterpretWorker::guarded(quint64 generation, F&& work)
{
    if (generation != m_latest->load()) {
        Q_EMIT cancelled(generation);
        return;
    }
    m_bridge->reset();
    m_bridge->setCancelCondition([latest = m_latest, generation] { return latest->load() != generation; });
    try {
        work();
    } catch (const Cancelled&) {
        Q_EMIT cancelled(generation);
    } catch (const std::exception& e) {
        if (const auto* error = dynamic_cast<const Error*>(&e); error && error->kind() == Error::Kind::Cancelled)
            Q_EMIT cancelled(generation);
        else
            Q_EMIT failed(generation, errorText(e));
    }
}

void InterpretWorker::setModels(quint64 generation, InterpretModelList models, const QString& source)
{
    m_models = std::move(models);
    QStringList labels;
    for (const auto& m : m_models)
        labels << QString::fromStdString(m.label);
    QStringList layers;
    if (!m_models.empty())
        for (const auto& l : m_models.front().model->convLayerNames())
            layers << QString::fromStdString(l);
    Q_EMIT modelsLoaded(generation, source, labels, layers);
}

void InterpretWorker::loadBundleModels(quint64 generation, const QString& dir)
{
    guarded(generation, [&] {
        m_bridge->step(0.0, "Loading the bundle's networks");
        InterpretModelList models = loadBundle(dir);
        setModels(generation, std::move(models), QFileInfo(dir).fileName());
    });
}

void InterpretWorker::loadCaffe(quint64 generation, const QString& prototxt, const QString& caffemodel,
                                const QString& backbone)
{
    guarded(generation, [&] {
        m_bridge->step(0.0, "Importing the Caffe network");
        InterpretModel m;
        m.mode = "na";
        const std::string b = backbone.toStdString();
        m.label = backboneTitle(b) + " NA";
        auto net = std::make_shared<cnn::CnnModel>(cnn::parseBackbone(b));
        net->importCaffe(prototxt.toStdString(), caffemodel.toStdString());
        m.model = std::move(net);
        InterpretModelList models;
        models.push_back(std::move(m));
        setModels(generation, std::move(models), QFileInfo(caffemodel).fileName());
    });
}

void InterpretWorker::computeResponses(quint64 generation, const cv::Mat& patch8, const QString& layer)
{
    guarded(generation, [&] {
        if (m_models.empty())
            throw Error("No network to look inside", "Open a model bundle or import a Caffe model first");
        if (patch8.empty())
            throw Error("No patch chosen", "Show an image and drag a rectangle on it");
        ResponseResult r;
        r.generation = generation;
        r.layer = layer.toStdString();
        m_bridge->step(0.0, "Phase congruency and Frangi of the patch");
        r.reference = interpret::ReferenceMaps::compute(patch8);
        const double share = 0.8 / static_cast<double>(m_models.size());
        for (std::size_t i = 0; i < m_models.size(); ++i) {
            SubProgress sub(*m_bridge, 0.2 + share * i, 0.2 + share * (i + 1));
            r.sets.push_back(interpret::LayerResponses::analyse(*m_models[i].model, m_models[i].label, r.layer,
                                                                 r.reference, sub));
            r.weights.push_back(m_models[i].model->convWeights(r.layer));
        }
        m_bridge->step(1.0, "Responses ready");
        Q_EMIT responsesReady(r);
    });
}

void InterpretWorker::computeWeightChange(quint64 generation)
{
    guarded(generation, [&] {
        const auto na = std::find_if(m_models.begin(), m_models.end(), [](const InterpretModel& m) { return m.mode == "na"; });
        if (na == m_models.end())
            throw Error("No NA network loaded", "Table 2 compares fine-tuned networks with the imported (NA) one: open a bundle with NA");
        WeightChangeResult r;
        r.generation = generation;
        m_bridge->step(0.0, "Reading the NA weights");
        const interpret::WeightSet before = interpret::LayerResponses::weightSet(*na->model);
        const std::string first = na->model->convLayerNames().front();
        r.conv1Before = na->model->convWeights(first);
        for (const auto& m : m_models) {
            if (m.mode == "na")
                continue;
            m_bridge->step(m.mode == "pa" ? 0.3 : 0.6, "Comparing " + m.label + " with NA");
            auto table = interpret::WeightChange::compare(before, interpret::LayerResponses::weightSet(*m.model),
                                                          na->model->convLayerNames());
            if (m.mode == "pa")
                r.pa = std::move(table);
            else
                r.fa = std::move(table);
            if (m.mode == "fa" || !r.conv1After) {
                r.conv1After = m.model->convWeights(first);
                r.afterLabel = QString::fromStdString(m.mode == "fa" ? "FA" : "PA");
            }
        }
        if (!r.pa && !r.fa)
            throw Error("Only the NA network is loaded", "Open a bundle trained with PA or FA to see what fine-tuning changed");
        m_bridge->step(1.0, "Table 2 ready");
        Q_EMIT weightChangeReady(r);
    });
}

void InterpretWorker::writeReport(quint64 generation, const interpret::ReportOptions& options,
                                  const QString& htmlPath, const QString& pdfPath)
{
    guarded(generation, [&] {
        interpret::ReportSummary summary;
        interpret::ReportData data;
        {
            SubProgress sub(*m_bridge, 0.0, 0.9);
            data = interpret::ReportBuilder::build(options, &summary, sub);
        }
        m_bridge->step(0.9, "Writing the HTML report");
        const std::string html = interpret::HtmlReport::render(data);
        interpret::HtmlReport::write(data, htmlPath.toStdString());
        ReportOutcome out;
        out.generation = generation;
        out.htmlPath = htmlPath;
        if (!pdfPath.isEmpty()) {
            m_bridge->step(0.95, "Writing the PDF");
            InterpretPdf::write(QString::fromStdString(html), pdfPath);
            out.pdfPath = pdfPath;
        }
        for (const auto& line : summary.lines)
            out.summary << QString::fromStdString(line);
        m_bridge->step(1.0, "Report written");
        Q_EMIT reportWritten(out);
    });
}

} // namespace ks::ui
