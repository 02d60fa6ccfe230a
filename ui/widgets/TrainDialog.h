#pragma once
/// \file TrainDialog.h
/// The Train dialog: which project images (status, author), the split by patient, the
/// methods, the backbone and Caffe weights, the hyperparameters (defaults: TrainConfig's, i.e.
/// the paper's), then a progress panel (stage, bar, ETA) and a live loss/accuracy chart while
/// TrainController runs. Cancel stops the run; the previous model stays active.
#include "models/TrainController.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

class QChart;
class QLineSeries;
class QValueAxis;

namespace ks::ui {

/// GUI thread only. The dialog does not own the controller.
class TrainDialog : public QDialog
{
    Q_OBJECT
public:
    /// \param projectFolder the open project (its images are the data; the bundle goes to
    ///        projectFolder/models)
    TrainDialog(TrainController* controller, const QString& projectFolder, QWidget* parent = nullptr);

    /// The request the current settings describe (frames are read by the controller).
    TrainRequest request() const;
    QLabel* stageLabel() const { return m_stage; }
    /// Table 1 on the validation split once training is done (hidden before).
    QPlainTextEdit* tableView() const { return m_table; }
    QProgressBar* progressBar() const { return m_progress; }
    QLineSeries* lossSeries() const { return m_loss; }
    QLineSeries* accuracySeries() const { return m_accuracy; }

public Q_SLOTS:
    void startTraining();
    /// Cancels a run, or closes the dialog when none runs.
    void cancelOrClose();

Q_SIGNALS:
    void trained(const QString& bundleFolder);

private:
    void updateCount();
    void setRunning(bool running);
    void onEpoch(const QString& mode, int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                 double validationAccuracy);

    TrainController* m_controller;
    QString m_project;
    QComboBox* m_status;
    QLineEdit* m_author;
    QLabel* m_count;
    QDoubleSpinBox* m_trainFraction;
    QSpinBox* m_seed;
    std::vector<std::pair<detect::Method, QCheckBox*>> m_methods;
    QComboBox* m_preset;
    QComboBox* m_backbone;
    QLineEdit* m_prototxt;
    QLineEdit* m_caffemodel;
    QSpinBox* m_candidates;
    QSpinBox* m_haarCount;
    QSpinBox* m_rounds;
    QSpinBox* m_depth;
    QDoubleSpinBox* m_eta;
    QDoubleSpinBox* m_learningRate;
    QSpinBox* m_epochs;
    QLabel* m_stage;
    QLabel* m_etaLabel;
    QPlainTextEdit* m_table;
    QProgressBar* m_progress;
    QPushButton* m_trainButton;
    QPushButton* m_cancelButton;
    QChart* m_chart;
    QLineSeries* m_loss;
    QLineSeries* m_accuracy;
    QValueAxis* m_xAxis;
    int m_epochIndex = 0;
};

} // namespace ks::ui
