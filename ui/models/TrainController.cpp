#include "TrainController.h"

#include "DetectionWorker.h"
#include "common/Error.h"
#include "detect/Dataset.h"
#include "detect/Evaluation.h"
#include "detect/Experiment.h"
#include "detect/ModelBundle.h"

#include <QDateTime>
#include <QDir>
#include <QThread>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace ks::ui {

namespace fs = std::filesystem;

TrainController::TrainController(QObject* parent)
    : QObject(parent)
    , m_bridge(new ProgressBridge(this))
{
    connect(m_bridge, &ProgressBridge::progressed, this, &TrainController::progressed);
}

TrainController::~TrainController()
{
    cancel();
    wait(-1);
}

bool TrainController::start(TrainRequest request)
{
    if (isRunning()) {
        Q_EMIT failed(tr("A training run is in progress. Wait for it or cancel it."));
        return false;
    }
    m_bridge->reset();
    m_thread = QThread::create([this, request = std::move(request)]() mutable { run(std::move(request)); });
    m_thread->setObjectName(QStringLiteral("training"));
    connect(m_thread, &QThread::finished, this, [this, thread = m_thread] {
        thread->deleteLater();
        if (m_thread == thread)
            m_thread = nullptr;
    });
    m_thread->start(QThread::LowPriority);
    return true;
}

bool TrainController::wait(int ms)
{
    if (!m_thread)
        return true;
    QThread* thread = m_thread;
    const bool done = ms < 0 ? thread->wait() : thread->wait(QDeadlineTimer(ms));
    return done;
}

void TrainController::cancel()
{
    m_bridge->cancel();
}

void TrainController::run(TrainRequest request)
{
    // Results go to the GUI thread through queued calls on this object.
    auto post = [this](auto&& f) { QMetaObject::invokeMethod(this, std::forward<decltype(f)>(f), Qt::QueuedConnection); };
    fs::path temporary;
    try {
        if (request.modelsFolder.isEmpty())
            throw Error("No folder for the trained model was given.", "Open a project or choose a models folder.");
        std::vector<detect::AnnotatedFrame> frames = std::move(request.frames);
        SubProgress reading(*m_bridge, 0.0, 0.1);
        if (!request.projectFolder.empty())
            frames = TrainData::fromProject(request.projectFolder, request.filter, reading);
        std::vector<detect::AnnotatedFrame> train = frames, validation;
        if (request.trainFraction < 1.0)
            std::tie(train, validation) = detect::Dataset::splitByPatient(frames, request.trainFraction, request.seed);
        request.config.cnn.onEpoch = [post, this](const std::string& mode, int epoch, double tl, double ta, double vl,
                                                  double va) {
            post([this, m = QString::fromStdString(mode), epoch, tl, ta, vl, va] {
                Q_EMIT epochFinished(m, epoch, tl, ta, vl, va);
            });
        };
        SubProgress training(*m_bridge, 0.1, 0.85);
        detect::TrainReport report;
        auto detector = std::make_shared<detect::Detector>(
            detect::DetectorTrainer::train(train, request.config, &report, training));
        m_bridge->step(0.85, "Saving the model");
        const fs::path models = request.modelsFolder.toStdString();
        fs::create_directories(models);
        const std::string stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")).toStdString();
        temporary = models / (".training-" + stamp);
        // The CLI's provenance (images by sha256 only: no file path, UID or patient data), plus what the GUI adds about the split and where the data came from.
        const std::string splitText = request.trainFraction < 1.0
                                          ? "by patient, train fraction " + std::to_string(request.trainFraction)
                                          : "all frames train";
        nlohmann::json provenance =
            nlohmann::json::parse(detect::Experiment::provenance(request.config, train, validation, splitText, report));
        provenance["trained_at"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
        provenance["split"] = {{"train", train.size()}, {"validation", validation.size()},
                               {"train_fraction", request.trainFraction}, {"seed", request.seed}};
        if (!request.projectFolder.empty())
            provenance["data"] = {{"project", fs::path(request.projectFolder).lexically_normal().filename().string()},
                                  {"author", request.filter.author},
                                  {"status", request.filter.status ? annotation::statusName(*request.filter.status) : ""}};
        detect::ModelBundle::save(*detector, temporary.string(), provenance.dump());
        m_bridge->step(0.88, "Saving the model");
        fs::path final = models / stamp;
        for (int i = 2; fs::exists(final); ++i)
            final = models / (stamp + "-" + std::to_string(i));
        fs::rename(temporary, final);
        temporary.clear();
        // Table 1 on the validation split before the detector goes to the GUI thread (it is not
        // thread-safe); a cancel from here on keeps the saved model and skips the table.
        QString table, summary;
        if (!validation.empty()) {
            SubProgress evaluating(*m_bridge, 0.88, 1.0);
            evaluating.step(0, "Evaluating on the validation split");
            try {
                const auto result = detect::Evaluation::run(*detector, validation, request.config.methods, evaluating);
                const std::string backbone = request.config.cnn.backbone == "squeezenet" ? "SqueezeNet" : "CaffeNet";
                table = QString::fromStdString(detect::Evaluation::table(result, backbone));
                const detect::Method best = request.config.methods.back();
                const auto& s = result.summary.at(best);
                summary = QStringLiteral("%1 on %2 validation image(s): mean Dice %3, %4 failure(s)")
                              .arg(QString::fromStdString(detect::methodTitle(best, backbone)))
                              .arg(s.n)
                              .arg(s.meanDice, 0, 'f', 3)
                              .arg(s.failures);
            } catch (const Cancelled&) {
                summary = QStringLiteral("Validation skipped (cancelled); the model is saved.");
            }
        }
        m_bridge->report(1.0, "Training done");
        auto valid = std::make_shared<std::vector<detect::AnnotatedFrame>>(std::move(validation));
        post([this, dir = QString::fromStdString(final.string()), detector, valid] { Q_EMIT finished(dir, detector, valid); });
        if (!summary.isEmpty())
            post([this, table, summary] { Q_EMIT evaluated(table, summary); });
    } catch (const Cancelled&) {
        post([this] { Q_EMIT cancelled(); });
    } catch (const std::exception& e) {
        post([this, text = errorText(e)] { Q_EMIT failed(text); });
    }
    if (!temporary.empty()) {
        std::error_code ec;
        fs::remove_all(temporary, ec);
    }
}

} // namespace ks::ui

namespace ks::ui {

bool TrainController::isRunning() const
{
    return m_thread != nullptr && !m_thread->isFinished();
}

} // namespace ks::ui
