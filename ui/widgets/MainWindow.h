#pragma once
/// \file MainWindow.h
/// The viewer's main window: actions, menus, docks and the wiring between the pieces
/// (study browser, image view, cine bar, tag panel, background loader, settings).

#include "common/Image.h"
#include "dicom/StudyScanner.h"
#include "models/Settings.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;
class QProgressDialog;

namespace ks::ui {

class AnnotationDock;
class DetectionDock;
class CineBar;
class ImageView;
class InterpretController;
class LoadController;
class ResponseViewer;
class WeightChangeView;
class StudyBrowser;
class TagPanel;

/// GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// \param settings where layout, last folder and recent list persist (the application's
    ///        QSettings when null)
    /// \param loader background loader (a default one when null); the window takes ownership
    explicit MainWindow(std::unique_ptr<Settings> settings = nullptr, LoadController* loader = nullptr,
                        QWidget* parent = nullptr);
    ~MainWindow() override;

    ImageView* imageView() const { return m_view; }
    CineBar* cineBar() const { return m_cine; }
    StudyBrowser* studyBrowser() const { return m_browser; }
    TagPanel* tagPanel() const { return m_tags; }
    /// The annotation tools (dock, Annotate menu, project).
    AnnotationDock* annotationDock() const { return m_annotations; }
    /// Detection, training, models and evaluation (dock, Detection menu and tool bar).
    DetectionDock* detectionDock() const { return m_detection; }
    Settings& settings() const { return *m_settings; }
    /// Text of the last status message (errors included).
    QString lastMessage() const { return m_lastMessage; }
    /// The status bar's cursor readout: position, value and mm (empty off the image).
    QString pixelReadout() const;
    /// The Network menu's windows (null until first opened, or in builds without ks_interpret).
    ResponseViewer* responseViewer() const { return m_responses; }
    WeightChangeView* weightChangeView() const { return m_weightChange; }
    /// Opens the response viewer on the current frame (Network menu).
    void showResponseViewer();

    /// The folder `--demo` uses: AppLocalDataLocation/demo.
    static QString demoFolder();

public Q_SLOTS:
    /// Opens a file, folder or DICOMDIR in the background (added to the recent list).
    void openPath(const QString& path);
    /// Generates the demo study on first use (with a progress dialog), then opens it.
    void openDemo();
    void openFileDialog();
    void openFolderDialog();
    void openDicomDirDialog();

Q_SIGNALS:
    /// A study was scanned and shown in the browser.
    void studyOpened(const QString& path);
    /// An image is on screen.
    void imageShown(const QString& path);
    /// Opening or showing something failed; `message` says what and what to do.
    void openFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createStatusBar();
    void restoreLayout();
    void rebuildRecentMenu();
    void showMessage(const QString& text, bool error = false);
    void onScanFinished(const QString& path, const ks::dicom::StudyTree& tree);
    void onImageLoaded(const QString& path, const ks::Image& image);
    void onFailed(const QString& message);
    /// Removes the image (view, cine, tags, calibration, annotation tools) and shows `message`.
    void showNoImage(const QString& message);
    void onInstanceSelected(const QString& path, bool hasImage, const QString& objectKind);
    void onCursorMoved(QPointF imagePos);
    void updateWindowLabel();
    /// Network menu: response viewer, weight-change view, Write report….
    void createNetworkMenu();

    std::unique_ptr<Settings> m_settings;
    LoadController* m_loader;
    ImageView* m_view;
    CineBar* m_cine;
    StudyBrowser* m_browser;
    TagPanel* m_tags;
    AnnotationDock* m_annotations;
    DetectionDock* m_detection = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_pixelLabel;
    QLabel* m_calibrationLabel;
    QLabel* m_zoomLabel;
    QLabel* m_windowLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancelButton;
    QProgressDialog* m_demoDialog = nullptr;
    QString m_openedPath;     ///< what the user asked to open (selects that file after a scan)
    QString m_currentPath;    ///< the image on screen
    QString m_lastMessage;
    InterpretController* m_interpret = nullptr;
    ResponseViewer* m_responses = nullptr;
    WeightChangeView* m_weightChange = nullptr;
};

} // namespace ks::ui
