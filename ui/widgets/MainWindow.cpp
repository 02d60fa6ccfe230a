#include "widgets/MainWindow.h"

#include "models/LoadController.h"
#include "models/PixelProbe.h"
#include "models/WindowPresets.h"
#include "widgets/AnnotationController.h"
#include "widgets/AnnotationDock.h"
#include "widgets/DetectionDock.h"
#include "widgets/FocusReturn.h"
#include "widgets/CineBar.h"
#include "widgets/ImageView.h"
#include "widgets/StudyBrowser.h"
#include "widgets/TagPanel.h"
#include "models/InterpretController.h"
#include "widgets/DetectionPanel.h"
#include "widgets/ReportDialog.h"
#include "widgets/ResponseViewer.h"
#include "widgets/WeightChangeView.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QProgressDialog>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace ks::ui {

MainWindow::MainWindow(std::unique_ptr<Settings> settings, LoadController* loader, QWidget* parent)
    : QMainWindow(parent),
      m_settings(settings ? std::move(settings) : std::make_unique<Settings>()),
      m_loader(loader ? loader : new LoadController(this)),
      m_view(new ImageView),
      m_cine(new CineBar),
      m_browser(new StudyBrowser),
      m_tags(new TagPanel),
      m_annotations(new AnnotationDock(m_view, this)),
      m_pixelLabel(new QLabel),
      m_calibrationLabel(new QLabel),
      m_zoomLabel(new QLabel),
      m_windowLabel(new QLabel),
      m_progress(new QProgressBar),
      m_cancelButton(new QToolButton)
{
    m_loader->setParent(this);
    setWindowTitle(QStringLiteral("KidneyScope"));
    setAcceptDrops(true);
    m_view->setAcceptDrops(false);
    m_view->viewport()->setAcceptDrops(false);

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_cine);
    m_cine->setVisible(false);
    setCentralWidget(central);
    m_view->clearImage(tr("Open a file, a folder or a DICOMDIR (File menu), drop one here, or open the demo study."));

    auto* browserDock = new QDockWidget(tr("Studies"), this);
    browserDock->setObjectName(QStringLiteral("studiesDock"));
    browserDock->setWidget(m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, browserDock);
    auto* tagDock = new QDockWidget(tr("DICOM tags"), this);
    tagDock->setObjectName(QStringLiteral("tagsDock"));
    tagDock->setWidget(m_tags);
    addDockWidget(Qt::RightDockWidgetArea, tagDock);
    resizeDocks({browserDock, tagDock}, {300, 400}, Qt::Horizontal);
    addDockWidget(Qt::RightDockWidgetArea, m_annotations);
    tabifyDockWidget(tagDock, m_annotations);
    connect(m_annotations, &AnnotationDock::message, this, [this](const QString& text, bool error) { showMessage(text, error); });

    createActions();
    createStatusBar();
    menuBar()->addMenu(tr("&Docks"))->addActions({browserDock->toggleViewAction(), tagDock->toggleViewAction()});
    m_annotations->addMenuAndToolBar(this);
    m_detection = new DetectionDock(m_view, m_annotations->controller()->session(), this);
    addDockWidget(Qt::RightDockWidgetArea, m_detection);
    m_detection->addMenuAndToolBar(this);
    connect(m_detection, &DetectionDock::message, this, [this](const QString& text, bool error) { showMessage(text, error); });
    connect(m_detection, &DetectionDock::openImageRequested, this, &MainWindow::openPath);
    createNetworkMenu();

    connect(m_browser, &StudyBrowser::instanceSelected, this, &MainWindow::onInstanceSelected);
    connect(m_loader, &LoadController::scanFinished, this, &MainWindow::onScanFinished);
    connect(m_loader, &LoadController::imageLoaded, this, &MainWindow::onImageLoaded);
    connect(m_loader, &LoadController::failed, this, &MainWindow::onFailed);
    connect(m_loader, &LoadController::imageFailed, this, [this](const QString& path, const QString& message) {
        showNoImage(message);
    });
    connect(m_loader, &LoadController::cancelled, this, [this] { showMessage(tr("Cancelled.")); });
    connect(m_loader, &LoadController::progress, this, [this](double f, const QString& msg) {
        m_progress->setValue(static_cast<int>(f * 1000));
        m_progress->setFormat(msg.isEmpty() ? QStringLiteral("%p%") : msg);
        if (m_demoDialog) {
            m_demoDialog->setValue(static_cast<int>(f * 1000));
            m_demoDialog->setLabelText(msg);
        }
    });
    // The progress bar appears only for work that lasts (no flicker on quick loads).
    auto* progressDelay = new QTimer(this);
    progressDelay->setSingleShot(true);
    progressDelay->setInterval(300);
    connect(progressDelay, &QTimer::timeout, this, [this] {
        m_progress->setVisible(m_loader->isBusy());
        m_cancelButton->setVisible(m_loader->isBusy());
    });
    connect(m_loader, &LoadController::busyChanged, this, [this, progressDelay](bool busy) {
        if (busy) {
            m_progress->setValue(0);
            progressDelay->start();
        } else {
            progressDelay->stop();
            m_progress->setVisible(false);
            m_cancelButton->setVisible(false);
        }
        if (!busy && m_demoDialog) {
            m_demoDialog->deleteLater();
            m_demoDialog = nullptr;
        }
    });

    connect(m_cine, &CineBar::frameChanged, m_view, &ImageView::setFrame);
    connect(m_view, &ImageView::frameChanged, m_cine, &CineBar::setFrame);
    connect(m_cine, &CineBar::speedChanged, this, [this](double f) { m_settings->setCineSpeed(f); });
    connect(m_cine, &CineBar::loopChanged, this, [this](bool loop) { m_settings->setCineLoop(loop); });
    m_cine->setSpeed(m_settings->cineSpeed());
    m_cine->setLoop(m_settings->cineLoop());

    connect(m_view, &ImageView::cursorMoved, this, &MainWindow::onCursorMoved);
    connect(m_view, &ImageView::cursorLeft, m_pixelLabel, &QLabel::clear);
    connect(m_view, &ImageView::zoomChanged, this, [this](double z) {
        m_zoomLabel->setText(tr("Zoom %1%%2").arg(z * 100, 0, 'f', 0).arg(m_view->isFitMode() ? tr(" (fit)") : QString()));
    });
    connect(m_view, &ImageView::windowChanged, this, &MainWindow::updateWindowLabel);

    restoreLayout();
    // The view holds the keys from the start (else window activation picks the first input field).
    m_view->setFocus(Qt::OtherFocusReason);
}

MainWindow::~MainWindow() = default;

void MainWindow::createNetworkMenu()
{
    m_interpret = new InterpretController(this);
    QMenu* network = menuBar()->addMenu(tr("&Network"));
    network->addAction(tr("&Response Viewer…"), this, &MainWindow::showResponseViewer);
    network->addAction(tr("&Weight Change (Table 2)…"), this, [this] {
        if (!m_weightChange) {
            m_weightChange = new WeightChangeView(m_interpret, this);
            m_weightChange->setWindowFlag(Qt::Window);
            m_weightChange->setWindowTitle(tr("What Fine-Tuning Changed"));
            m_weightChange->resize(1000, 700);
            FocusReturn::install(m_weightChange, m_view);
        }
        m_weightChange->show();
        m_weightChange->raise();
    });
    network->addSeparator();
    network->addAction(tr("Write &Report…"), this, [this] {
        // Its own worker thread: a long report does not supersede the viewer's work.
        auto* dialog = new ReportDialog(nullptr, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setStudy(m_openedPath);
        FocusReturn::install(dialog, m_view);
        dialog->show();
    });
    // The viewer follows the image and frame on screen while it is open.
    const auto follow = [this] {
        if (m_responses && m_responses->isVisible() && m_view->hasImage())
            m_responses->setImage(m_view->image().gray8(m_view->frame()));
    };
    connect(this, &MainWindow::imageShown, this, follow);
    connect(m_view, &ImageView::frameChanged, this, follow);
}

void MainWindow::showResponseViewer()
{
    if (!m_responses) {
        m_responses = new ResponseViewer(m_interpret, this);
        m_responses->setWindowFlag(Qt::Window);
        m_responses->setWindowTitle(tr("Inside the Network: Filter Responses"));
        m_responses->resize(1300, 800);
        FocusReturn::install(m_responses, m_view);
        // "Use Detection": the current method's box on the frame on screen.
        m_responses->setDetectionSource([this]() -> std::optional<QRect> {
            if (!m_detection || !m_detection->panel()->result())
                return std::nullopt;
            const MethodDetection* d = m_detection->panel()->result()->find(m_detection->panel()->currentMethod());
            if (!d)
                return std::nullopt;
            const Box& b = d->detection.box;
            return QRectF(b.x, b.y, b.width, b.height).toAlignedRect();
        });
    }
    if (m_view->hasImage())
        m_responses->setImage(m_view->image().gray8(m_view->frame()));
    m_responses->show();
    m_responses->raise();
}

QString MainWindow::demoFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/demo");
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);

    QAction* openFile = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open File…"),
                                        QKeySequence::Open, this, &MainWindow::openFileDialog);
    QAction* openFolder = file->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Folder…"),
                                          QKeySequence(tr("Ctrl+Shift+O")), this, &MainWindow::openFolderDialog);
    file->addAction(tr("Open &DICOMDIR…"), this, &MainWindow::openDicomDirDialog);
    file->addAction(tr("Open D&emo Study"), this, &MainWindow::openDemo);
    file->addSeparator();
    file->addActions(m_annotations->projectActions());
    m_recentMenu = file->addMenu(tr("&Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    toolbar->addActions({openFile, openFolder});
    toolbar->addSeparator();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = view->addAction(tr("Zoom &In"), QKeySequence(Qt::Key_Plus), m_view, &ImageView::zoomIn);
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), QKeySequence(Qt::Key_Minus), m_view, &ImageView::zoomOut);
    QAction* fit = view->addAction(tr("&Fit to Window"), QKeySequence(Qt::Key_0), m_view, &ImageView::fitToWindow);
    QAction* actual = view->addAction(tr("&Actual Size (1:1)"), QKeySequence(Qt::Key_1), m_view, &ImageView::actualSize);
    for (QAction* a : {zoomIn, zoomOut, fit, actual})
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut), m_view->addAction(a);
    // Short tool bar labels; the menus keep the full names.
    zoomIn->setIconText(tr("Zoom +"));
    zoomOut->setIconText(tr("Zoom −"));
    fit->setIconText(tr("Fit"));
    actual->setIconText(tr("1:1"));
    toolbar->addActions({zoomIn, zoomOut, fit, actual});
    toolbar->addSeparator();

    view->addSeparator();
    auto* tools = new QActionGroup(this);
    const std::pair<QString, ImageView::Tool> toolList[] = {{tr("&Pointer"), ImageView::Tool::Pointer},
                                                            {tr("&Hand (pan)"), ImageView::Tool::Pan},
                                                            {tr("&Window/Level"), ImageView::Tool::WindowLevel}};
    const QString toolShort[] = {tr("Pointer"), tr("Pan"), tr("W/L")};
    const char* toolKeys[] = {"Esc", "H", "W"};
    for (int i = 0; i < 3; ++i) {
        QAction* a = view->addAction(toolList[i].first);
        a->setCheckable(true);
        a->setChecked(i == 0);
        a->setShortcut(QKeySequence(QString::fromLatin1(toolKeys[i])));
        a->setIconText(toolShort[i]);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(QString(toolList[i].first).remove(QLatin1Char('&')), QString::fromLatin1(toolKeys[i])));
        tools->addAction(a);
        const ImageView::Tool tool = toolList[i].second;
        connect(a, &QAction::triggered, m_view, [this, tool] { m_view->setTool(tool); });
        toolbar->addAction(a);
    }

    QMenu* window = menuBar()->addMenu(tr("&Window/Level"));
    QAction* reset = window->addAction(tr("&Reset to File Default"), QKeySequence(Qt::Key_R), m_view, &ImageView::resetWindow);
    reset->setIconText(tr("Reset W/L"));
    toolbar->addAction(reset);
    window->addSeparator();
    for (const WindowPreset& preset : windowPresets()) {
        QAction* a = window->addAction(preset.name, m_view, [this, preset] { m_view->applyPreset(preset); });
        if (!preset.shortcut.isEmpty())
            a->setShortcut(QKeySequence(QStringLiteral("Ctrl+") + preset.shortcut));
    }

    QMenu* image = menuBar()->addMenu(tr("&Image"));
    image->addAction(tr("&Next Image"), QKeySequence(Qt::Key_PageDown), m_browser, [this] { m_browser->selectNext(1); });
    image->addAction(tr("&Previous Image"), QKeySequence(Qt::Key_PageUp), m_browser, [this] { m_browser->selectNext(-1); });
    image->addSeparator();
    QAction* play = image->addAction(tr("P&lay / Pause"), QKeySequence(Qt::Key_P), m_cine, &CineBar::togglePlay);
    image->addAction(tr("Next &Frame"), QKeySequence(Qt::Key_Period), m_cine, &CineBar::next);
    image->addAction(tr("Previous F&rame"), QKeySequence(Qt::Key_Comma), m_cine, &CineBar::previous);
    play->setIconText(tr("Play"));
    toolbar->addSeparator();
    toolbar->addAction(play);
}

void MainWindow::createStatusBar()
{
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->setVisible(false);
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setVisible(false);
    connect(m_cancelButton, &QToolButton::clicked, m_loader, &LoadController::cancel);
    statusBar()->addPermanentWidget(m_pixelLabel);
    statusBar()->addPermanentWidget(m_calibrationLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
    statusBar()->addPermanentWidget(m_windowLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);
}

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(m_settings->windowGeometry()))
        resize(1360, 860);
    restoreState(m_settings->windowState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    m_settings->sync();
    QMainWindow::closeEvent(event);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_settings->recentPaths();
    for (const QString& path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openPath(path); });
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            m_settings->clearRecentPaths();
            rebuildRecentMenu();
        });
    }
}

void MainWindow::showMessage(const QString& text, bool error)
{
    m_lastMessage = text;
    statusBar()->setStyleSheet(error ? QStringLiteral("QStatusBar { color: #c0392b; }") : QString());
    statusBar()->showMessage(text, error ? 15000 : 6000);
}

void MainWindow::openFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image"), m_settings->lastFolder(),
        tr("DICOM and images (*.dcm *.DCM *.dicom *.png *.jpg *.jpeg *.tif *.tiff DICOMDIR *);;All files (*)"));
    FocusReturn::restore(m_view);
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::openFolderDialog()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Folder"), m_settings->lastFolder());
    FocusReturn::restore(m_view);
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::openDicomDirDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open DICOMDIR"), m_settings->lastFolder(),
                                                      tr("DICOMDIR (DICOMDIR dicomdir);;All files (*)"));
    FocusReturn::restore(m_view);
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::openPath(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        onFailed(tr("Cannot open %1: it does not exist. Check the path, or remove it from the recent list.").arg(path));
        m_settings->removeRecentPath(path);
        rebuildRecentMenu();
        return;
    }
    const QString absolute = info.absoluteFilePath();
    m_openedPath = absolute;
    m_settings->setLastFolder(info.isDir() ? absolute : info.absolutePath());
    m_settings->addRecentPath(absolute);
    rebuildRecentMenu();
    showMessage(tr("Opening %1…").arg(absolute));
    m_loader->requestScan(absolute);
}

void MainWindow::openDemo()
{
    const QString folder = demoFolder();
    m_openedPath = folder;
    if (!m_demoDialog) {
        m_demoDialog = new QProgressDialog(tr("Preparing the demo study…"), tr("Cancel"), 0, 1000, this);
        m_demoDialog->setWindowTitle(tr("Demo study"));
        m_demoDialog->setWindowModality(Qt::WindowModal);
        m_demoDialog->setMinimumDuration(400);
        m_demoDialog->setAutoClose(false);
        m_demoDialog->setAutoReset(false);
        connect(m_demoDialog, &QProgressDialog::canceled, m_loader, &LoadController::cancel);
        FocusReturn::install(m_demoDialog, m_view);
    }
    showMessage(tr("Preparing the demo study in %1…").arg(folder));
    m_loader->requestDemo(folder);
}

void MainWindow::onScanFinished(const QString& path, const ks::dicom::StudyTree& tree)
{
    m_browser->setStudyTree(tree, path);
    QString message = tr("%1: %2").arg(QFileInfo(path).fileName(), m_browser->summary());
    if (!tree.problems.empty())
        message += QStringLiteral(" — ") + QString::fromStdString(tree.problems.front());
    showMessage(message, m_browser->model()->instanceCount() == 0);
    Q_EMIT studyOpened(path);
    // The demo study comes with its ground-truth project: open it so the boxes show at once.
    if (QDir(path) == QDir(demoFolder()) && QFileInfo::exists(path + QStringLiteral("/project/project.sqlite")))
        m_annotations->openProject(path + QStringLiteral("/project"), false);
    if (m_browser->model()->instanceCount() == 0) {
        showNoImage(tr("Nothing to show in %1: no DICOM or image files were found.").arg(path));
        return;
    }
    if (!(QFileInfo(m_openedPath).isFile() && m_browser->selectPath(m_openedPath)))
        m_browser->selectFirstImage();
}

void MainWindow::onInstanceSelected(const QString& path, bool hasImage, const QString& objectKind)
{
    m_cine->pause();
    if (!hasImage) {
        const QString kind = objectKind.isEmpty() ? tr("not an image") : objectKind;
        showNoImage(tr("%1 is a %2: it holds no image to show.").arg(QFileInfo(path).fileName(), kind));
        showMessage(tr("%1: %2, no image").arg(QFileInfo(path).fileName(), kind));
        return;
    }
    showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    m_loader->requestImage(path);
}

void MainWindow::onImageLoaded(const QString& path, const ks::Image& image)
{
    m_currentPath = path;
    m_view->setImage(image);
    m_annotations->controller()->setImage(path, image);
    m_tags->setImage(image);
    m_cine->setFrameCount(image.frameCount());
    m_cine->setFrameTimeMs(image.frameTimeMs);
    m_cine->setVisible(image.frameCount() > 1);
    const ks::Calibration& cal = image.calibration;
    if (cal.isCalibrated())
        m_calibrationLabel->setText(tr("%1 mm/px (%2)").arg(cal.mmPerPixelX, 0, 'f', 4).arg(QString::fromStdString(ks::Calibration::sourceName(cal.source))));
    else
        m_calibrationLabel->setText(tr("uncalibrated"));
    m_calibrationLabel->setToolTip(TagPanel::describeCalibration(cal));
    QString summary = tr("%1: %2×%3").arg(QFileInfo(path).fileName()).arg(image.width()).arg(image.height());
    if (image.frameCount() > 1)
        summary += tr(", %1 frames at %2 ms").arg(image.frameCount()).arg(image.frameTimeMs);
    showMessage(summary);
    setWindowTitle(QStringLiteral("%1 — KidneyScope").arg(QFileInfo(path).fileName()));
    Q_EMIT imageShown(path);
}

void MainWindow::showNoImage(const QString& message)
{
    m_currentPath.clear();
    m_cine->pause();
    m_cine->setVisible(false);
    m_tags->clear();
    m_calibrationLabel->clear();
    m_calibrationLabel->setToolTip(QString());
    m_pixelLabel->clear();
    m_view->clearImage(message);
    m_annotations->controller()->clearImage();
}

void MainWindow::onFailed(const QString& message)
{
    showMessage(message, true);
    if (!m_view->hasImage())
        showNoImage(message);
    Q_EMIT openFailed(message);
}

void MainWindow::onCursorMoved(QPointF imagePos)
{
    m_pixelLabel->setText(PixelProbe::read(m_view->image(), m_view->frame(), imagePos).text());
}

QString MainWindow::pixelReadout() const { return m_pixelLabel->text(); }

void MainWindow::updateWindowLabel()
{
    // Shown in modality units (the file's convention); the view works in stored values.
    const Window w = m_view->window();
    const ks::Image& image = m_view->image();
    const double slope = image.rescaleSlope == 0 ? 1.0 : image.rescaleSlope;
    m_windowLabel->setText(tr("W %1  L %2").arg(w.width * std::abs(slope), 0, 'g', 5)
                               .arg(w.center * slope + image.rescaleIntercept, 0, 'g', 5));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        for (const QUrl& url : event->mimeData()->urls())
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            openPath(url.toLocalFile());
            return;
        }
}

} // namespace ks::ui
