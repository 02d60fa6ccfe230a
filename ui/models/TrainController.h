#pragma once
/// \file TrainController.h
/// Trains a detector in a background thread: (project frames →) split by patient → train →
/// save the bundle into a temporary folder → rename it into the models folder on success →
/// with a validation split, Table 1 of the trained methods on it (evaluated()).
/// Cancel stops at the core's next progress report (well under a second) and removes the
/// temporary folder, so the previous model and its bundle stay untouched.
#include "ProgressBridge.h"
#include "TrainData.h"
#include "detect/DetectorTrainer.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QThread;

namespace ks::ui {

/// Everything a training run needs. Value type.
struct TrainRequest
{
    std::vector<detect::AnnotatedFrame> frames; ///< used when projectFolder is empty
    std::string projectFolder;                  ///< read frames from this project (in the thread)
    TrainDataFilter filter;
    detect::TrainConfig config;
    double trainFraction = 0.8;                 ///< share of patients in train (1 = no validation)
    unsigned seed = 1;
    QString modelsFolder;                       ///< the bundle goes to modelsFolder/<yyyyMMdd-HHmmss>
};

/// GUI thread only; signals arrive on the GUI thread.
class TrainController : public QObject
{
    Q_OBJECT
public:
    explicit TrainController(QObject* parent = nullptr);
    ~TrainController() override;

    /// Starts a run. \return false (with failed()) when one is running already.
    bool start(TrainRequest request);
    bool isRunning() const;
    /// Blocks until the thread has ended (tests, shutdown); false on timeout.
    bool wait(int ms);

public Q_SLOTS:
    /// Asks the run to stop; cancelled() follows once it has.
    void cancel();

Q_SIGNALS:
    /// `stage` is the core's current message.
    void progressed(double fraction, const QString& stage, double etaSeconds);
    /// One fine-tuning epoch of a CNN set (for the loss/accuracy chart).
    void epochFinished(const QString& mode, int epoch, double trainLoss, double trainAccuracy,
                       double validationLoss, double validationAccuracy);
    /// The bundle folder, the trained detector (hand it to DetectionController) and the
    /// validation frames (for the evaluation view).
    void finished(const QString& bundleFolder, std::shared_ptr<ks::detect::Detector> detector,
                  std::shared_ptr<std::vector<ks::detect::AnnotatedFrame>> validation);
    /// Table 1 on the validation split (Evaluation::table), after finished(); not emitted
    /// without a validation split. `summary` is one line (e.g. for a status bar).
    void evaluated(const QString& table, const QString& summary);
    void failed(const QString& message);
    void cancelled();

private:
    void run(TrainRequest request);

    QThread* m_thread = nullptr;
    ProgressBridge* m_bridge;
};

} // namespace ks::ui
