#include "DetectionBatch.h"

#include "DetectionWorker.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"
#include "detect/ModelBundle.h"

#include "dicom/ImageLoader.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <map>
#include <sstream>

namespace ks::ui {

DetectionBatch::DetectionBatch(QObject* parent)
    : QObject(parent)
    , m_bridge(new ProgressBridge(this))
{
    connect(m_bridge, &ProgressBridge::progressed, this, &DetectionBatch::progressed);
}

DetectionBatch::~DetectionBatch()
{
    cancel();
    wait(-1);
}

bool DetectionBatch::wait(int ms)
{
    if (!m_thread)
        return true;
    return ms < 0 ? m_thread->wait() : m_thread->wait(QDeadlineTimer(ms));
}

QString DetectionBatch::authorFor(const QString& bundle, detect::Method method)
{
    const QString name = QFileInfo(QDir::cleanPath(bundle)).fileName();
    return QString::fromStdString(annotation::modelAuthor(
        (name.isEmpty() ? QStringLiteral("unnamed") : name).toStdString() + "/" + detect::methodName(method)));
}

bool DetectionBatch::start(const QString& projectFolder, const QString& bundle, detect::Method method)
{
    if (isRunning()) {
        Q_EMIT failed(tr("A batch detection is in progress. Wait for it or cancel it."));
        return false;
    }
    m_bridge->reset();
    const std::string folder = projectFolder.toStdString(), bundleDir = bundle.toStdString();
    const std::string author = authorFor(bundle, method).toStdString();
    m_thread = QThread::create([this, folder, bundleDir, method, author] {
        auto post = [this](auto&& f) { QMetaObject::invokeMethod(this, std::forward<decltype(f)>(f), Qt::QueuedConnection); };
        try {
            if (bundleDir.empty())
                throw Error("No detection model is active.", "Choose one (Detection → Models…) or train one.");
            auto loaded = detect::ModelBundle::load(bundleDir);
            annotation::ProjectStore store(folder, false);
            const auto images = store.images();
            if (images.empty())
                throw Error("The project has no images.",
                            "Add images to it first (Annotate → Add to Project, or draw a ROI on an image).");
            std::vector<annotation::Annotation> rois;
            std::ostringstream csv;
            csv << "path,frame,x,y,width,height,likelihood,low_confidence,method\n";
            int lowConfidence = 0;
            std::map<std::string, Image> cache; // frames of one file are read once
            for (size_t i = 0; i < images.size(); ++i) {
                const auto& record = images[i];
                m_bridge->step(double(i) / images.size(), "Detecting " + record.path);
                if (!cache.count(record.path)) {
                    cache.clear();
                    cache[record.path] = dicom::ImageLoader::load(record.path);
                }
                const Image& image = cache[record.path];
                Calibration calibration = image.calibration;
                if (record.isCalibrated() && !calibration.isCalibrated()) {
                    calibration = Calibration::user(record.mmPerPixelX);
                    calibration.mmPerPixelY = record.mmPerPixelY;
                }
                SubProgress one(*m_bridge, double(i) / images.size(), double(i + 1) / images.size());
                const auto d = loaded.detector.detect(method, image.gray8(record.frame), calibration, one);
                csv << '"' << record.path << "\"," << record.frame << ',' << d.box.x << ',' << d.box.y << ','
                    << d.box.width << ',' << d.box.height << ',' << d.likelihood << ',' << (d.lowConfidence ? 1 : 0) << ','
                    << detect::methodName(method) << '\n';
                // No candidate was classified positive (an echocardiogram, a frame without the
                // organ): the guess is reported in the CSV but never stored as a ROI that looks
                // like a finding.
                if (d.lowConfidence) {
                    ++lowConfidence;
                    continue;
                }
                annotation::Annotation a;
                a.imageId = record.id;
                a.box = d.box;
                a.source = annotation::Source::FromModel;
                a.author = author;
                rois.push_back(a);
            }
            m_bridge->step(1.0, "Storing the detections");
            const auto stored = store.addBatch(rois, "batch-detect");
            post([this, n = int(stored.size()), lowConfidence, text = QString::fromStdString(csv.str())] {
                Q_EMIT finished(n, lowConfidence, text);
            });
        } catch (const Cancelled&) {
            post([this] { Q_EMIT cancelled(); });
        } catch (const std::exception& e) {
            post([this, text = errorText(e)] { Q_EMIT failed(text); });
        }
    });
    connect(m_thread, &QThread::finished, this, [this, thread = m_thread] {
        thread->deleteLater();
        if (m_thread == thread)
            m_thread = nullptr;
    });
    m_thread->start(QThread::LowPriority);
    return true;
}

} // namespace ks::ui

namespace ks::ui {

bool DetectionBatch::isRunning() const
{
    return m_thread != nullptr && !m_thread->isFinished();
}

} // namespace ks::ui
