#pragma once
/// \file DetectionPanel.h
/// One-click detection on the image on screen: the Detect action (shortcut D), the result
/// (box, likelihood, method, length × width in mm when calibrated, Dice with the ground truth),
/// overlays in ImageView layers (ground truth, one layer per method, likelihood heatmap with an
/// opacity slider, legend and colour bar painted fixed on screen), and "Accept as annotation"
/// (an undoable, from-model ROI through the annotation session, authored by the model:
/// DetectionBatch::authorFor(); the accepting reader is recorded in the audit log).
#include "common/Box.h"
#include "models/DetectionResult.h"

#include <QPointer>
#include <QWidget>

#include <map>
#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QGraphicsItem;
class QLabel;
class QProgressBar;
class QSlider;
class QToolButton;

namespace ks::ui {

class AnnotationSession;
class DetectionController;
class ImageView;

/// GUI thread only.
class DetectionPanel : public QWidget
{
    Q_OBJECT
public:
    /// \param session may be null (no ground truth from a project, no Accept)
    DetectionPanel(ImageView* view, AnnotationSession* session, DetectionController* controller,
                   QWidget* parent = nullptr);
    ~DetectionPanel() override;

    QAction* detectAction() const { return m_detectAction; }
    QAction* acceptAction() const { return m_acceptAction; }
    DetectionController* controller() const { return m_controller; }

    /// Ground truth for the frame on screen when no project holds one (tests, studies with a
    /// known box); cleared when the image changes. Pixels.
    void setGroundTruth(std::optional<Box> truth);
    /// The truth drawn and scored: the explicit one, else the project's ROI on this frame.
    std::optional<Box> groundTruth() const;

    /// The last result for the frame on screen (empty after the frame or image changed).
    const std::optional<DetectionResult>& result() const { return m_result; }
    /// The method whose result is shown first, whose heatmap is drawn and which Accept uses.
    detect::Method currentMethod() const;
    void setCurrentMethod(detect::Method m);
    /// Dice of the current method's box with groundTruth(); empty without either.
    std::optional<double> currentDice() const;
    /// Summary line shown under the Detect button.
    QString resultText() const;

    // Overlay toggles (each its own ImageView layer).
    void setTruthVisible(bool visible);
    void setMethodVisible(detect::Method m, bool visible);
    void setHeatmapVisible(bool visible);
    /// 0..100 %.
    void setHeatmapOpacity(int percent);
    bool isTruthVisible() const;
    bool isMethodVisible(detect::Method m) const;
    bool isHeatmapVisible() const;

    /// Layer names in the ImageView.
    static QString truthLayer() { return QStringLiteral("detection.truth"); }
    static QString heatmapLayer() { return QStringLiteral("detection.heatmap"); }
    static QString methodLayer(detect::Method m);

public Q_SLOTS:
    /// Detects on the frame on screen (no-op with a message when nothing is shown).
    void detect();
    /// Adds the current method's box as a from-model ROI authored by the model (undoable); a frame
    /// not yet in the project is added first. \return success
    bool acceptDetection();
    /// Drops the result and redraws the truth (frame or image changed).
    void clearResult();

Q_SIGNALS:
    void message(const QString& text, bool error);
    /// A result is on screen.
    void detectionShown();

private:
    void onFinished(const DetectionResult& result);
    void redraw();
    void drawTruth();
    void clearLayer(const QString& name);
    void updateEnabled();
    void paintLegend(QPainter& painter, const QRect& viewport);

    QPointer<ImageView> m_view; ///< may be destroyed before the panel (main window teardown)
    AnnotationSession* m_session;
    DetectionController* m_controller;
    QAction* m_detectAction;
    QAction* m_acceptAction;
    QLabel* m_modelLabel;
    QLabel* m_resultLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancelButton;
    QComboBox* m_methodBox;
    QCheckBox* m_truthCheck;
    std::map<detect::Method, QCheckBox*> m_methodChecks;
    QCheckBox* m_heatmapCheck;
    QSlider* m_opacity;
    std::optional<Box> m_explicitTruth;
    std::optional<DetectionResult> m_result;
    int m_painterId = 0;
};

} // namespace ks::ui
