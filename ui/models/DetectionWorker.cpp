#include "DetectionWorker.h"

#include "common/Error.h"
#include "detect/ModelBundle.h"

#include <QElapsedTimer>

#include <set>

namespace ks::ui {

QString errorText(const std::exception& e)
{
    if (const auto* error = dynamic_cast<const Error*>(&e))
        return QString::fromStdString(error->fullText());
    return QString::fromUtf8(e.what());
}

DetectionWorker::DetectionWorker(std::shared_ptr<std::atomic<quint64>> latest)
    : m_latest(std::move(latest))
    , m_bridge(new ProgressBridge(this))
{
}

void DetectionWorker::loadModel(const QString& dir)
{
    try {
        auto loaded = detect::ModelBundle::load(dir.toStdString());
        install(std::make_shared<detect::Detector>(std::move(loaded.detector)), dir,
                QString::fromStdString(loaded.manifestJson));
    } catch (const std::exception& e) {
        Q_EMIT failed(0, tr("Cannot load the model %1: %2").arg(dir, errorText(e)));
    }
}

void DetectionWorker::setDetector(std::shared_ptr<detect::Detector> detector, const QString& name)
{
    install(std::move(detector), name, QString());
}

void DetectionWorker::install(std::shared_ptr<detect::Detector> detector, const QString& name, const QString& manifest)
{
    m_detector = std::move(detector);
    QStringList methods;
    for (auto m : m_detector->methods())
        methods << methodLabel(m);
    Q_EMIT modelLoaded(name, manifest, methods);
}

void DetectionWorker::detect(quint64 generation, int frame, const cv::Mat& gray8, const Calibration& calibration,
                             const std::vector<detect::Method>& requested)
{
    if (generation != m_latest->load())
        return; // a newer request is queued behind this one
    if (!m_detector) {
        Q_EMIT failed(generation, tr("No detection model is active. Choose one (Models → Choose model folder) or train one."));
        return;
    }
    std::vector<detect::Method> methods;
    for (auto m : m_detector->methods())
        if (requested.empty() || std::find(requested.begin(), requested.end(), m) != requested.end())
            methods.push_back(m);
    if (methods.empty()) {
        Q_EMIT failed(generation, tr("The active model was not trained for the requested methods."));
        return;
    }
    m_bridge->reset();
    m_bridge->setCancelCondition([latest = m_latest, generation] { return latest->load() != generation; });
    QElapsedTimer clock;
    clock.start();
    try {
        m_bridge->step(0.0, "Candidates");
        const auto boxes = m_detector->candidates(gray8, calibration);
        if (boxes.empty())
            throw Error("The frame yields no candidate boxes (it is smaller than the smallest box).",
                        "Check the calibration or use a model trained for this kind of image.");
        SubProgress scoring(*m_bridge, 0.05, 0.9);
        const auto scores = m_detector->scoreMethods(gray8, boxes, methods, scoring);
        DetectionResult result;
        result.generation = generation;
        result.frame = frame;
        for (size_t i = 0; i < methods.size(); ++i) {
            m_bridge->step(0.9 + 0.1 * double(i) / methods.size(), "Heatmap");
            const auto& likelihoods = scores.at(methods[i]);
            MethodDetection md;
            md.method = methods[i];
            md.detection = detect::Detector::choose(boxes, likelihoods);
            md.detection.method = detect::methodName(methods[i]);
            md.detection.candidateCount = static_cast<int>(boxes.size());
            m_detector->judgePresence(gray8, md.detection);
            md.heatmap = heatmapImage(detect::Detector::likelihoodMap(gray8.size(), boxes, likelihoods));
            result.methods.push_back(std::move(md));
        }
        result.seconds = clock.elapsed() / 1000.0;
        m_bridge->report(1.0, "Detection done");
        Q_EMIT finished(result);
    } catch (const Cancelled&) {
        Q_EMIT cancelled(generation);
    } catch (const std::exception& e) {
        Q_EMIT failed(generation, errorText(e));
    }
}

} // namespace ks::ui
