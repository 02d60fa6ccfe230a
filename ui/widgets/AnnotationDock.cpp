#include "widgets/AnnotationDock.h"

#include "annotation/ProjectStore.h"
#include "common/Error.h"
#include "models/AnnotationSession.h"
#include "models/AnnotationSettings.h"
#include "widgets/AnnotationController.h"
#include "widgets/AnnotationPanel.h"
#include "widgets/FocusReturn.h"
#include "widgets/ImageView.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QToolBar>

namespace ks::ui {

AnnotationDock::AnnotationDock(ImageView* view, QMainWindow* window)
    : QDockWidget(tr("Annotations"), window), m_settings(std::make_unique<AnnotationSettings>()),
      m_controller(new AnnotationController(view, nullptr, this)), m_panel(new AnnotationPanel(m_controller, m_settings.get()))
{
    setObjectName(QStringLiteral("annotationsDock"));
    setWidget(m_panel);
    connect(m_controller, &AnnotationController::message, this, &AnnotationDock::message);
    connect(m_panel, &AnnotationPanel::message, this, &AnnotationDock::message);

    m_newProject = new QAction(tr("&New Project…"), this);
    m_newProject->setToolTip(tr("Create an annotation project in a folder (edits are saved as they happen)"));
    connect(m_newProject, &QAction::triggered, this, &AnnotationDock::newProjectDialog);
    m_openProject = new QAction(tr("Open &Project…"), this);
    connect(m_openProject, &QAction::triggered, this, &AnnotationDock::openProjectDialog);
}

AnnotationDock::~AnnotationDock() = default;

QList<QAction*> AnnotationDock::projectActions() const
{
    return {m_newProject, m_openProject, m_panel->addToProjectAction(), m_panel->addAllFramesAction()};
}

void AnnotationDock::addMenuAndToolBar(QMainWindow* window)
{
    QMenu* menu = window->menuBar()->addMenu(tr("&Annotate"));
    menu->addActions(projectActions());
    menu->addSeparator();
    menu->addActions(m_controller->actions());
    menu->addSeparator();
    menu->addAction(toggleViewAction());

    QToolBar* toolbar = window->addToolBar(tr("Annotate"));
    toolbar->setObjectName(QStringLiteral("annotateToolbar"));
    toolbar->addActions({m_controller->selectAction(), m_controller->drawBoxAction(), m_controller->drawRotatedAction(),
                         m_controller->deleteAction(), m_controller->undoAction(), m_controller->redoAction()});
}

bool AnnotationDock::openProject(const QString& folder, bool create)
{
    try {
        m_controller->session()->openProject(folder, create);
    } catch (const ks::Error& e) {
        Q_EMIT message(tr("Could not open the project %1: %2").arg(folder, QString::fromStdString(e.fullText())), true);
        return false;
    } catch (const std::exception& e) {
        Q_EMIT message(tr("Could not open the project %1: %2").arg(folder, QString::fromLocal8Bit(e.what())), true);
        return false;
    }
    m_settings->setLastProject(folder);
    show();
    Q_EMIT message(tr("Project %1 open: every edit is saved as you make it.").arg(folder), false);
    return true;
}

void AnnotationDock::newProjectDialog()
{
    const QString start = m_settings->lastProject().isEmpty() ? QDir::homePath() : m_settings->lastProject();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("New Project: choose or create an empty folder"), start);
    FocusReturn::restore(m_controller->view());
    if (folder.isEmpty())
        return;
    if (annotation::ProjectStore::exists(folder.toStdString()))
        Q_EMIT message(tr("%1 already holds a project; it was opened.").arg(folder), false);
    openProject(folder, true);
}

void AnnotationDock::openProjectDialog()
{
    const QString start = m_settings->lastProject().isEmpty() ? QDir::homePath() : m_settings->lastProject();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Project folder"), start);
    FocusReturn::restore(m_controller->view());
    if (folder.isEmpty())
        return;
    if (!annotation::ProjectStore::exists(folder.toStdString())) {
        Q_EMIT message(tr("%1 holds no KidneyScope project (no %2). Use File → New Project… to create one.")
                           .arg(folder, QString::fromLatin1(annotation::ProjectStore::databaseFileName())),
                       true);
        return;
    }
    openProject(folder, false);
}

} // namespace ks::ui
