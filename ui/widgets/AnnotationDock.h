#pragma once
/// \file AnnotationDock.h
/// Puts the annotation tools into a main window: the Annotations dock (AnnotationPanel), the
/// Annotate menu and tool bar with the controller's actions, and New/Open Project and Add to
/// Project for the File menu. The project is a folder; every edit is saved in it at once (there
/// is no Save). Viewing an image never adds it to the project (AnnotationSession).

#include <QDockWidget>

#include <memory>

class QMainWindow;

namespace ks::ui {

class AnnotationController;
class AnnotationPanel;
class AnnotationSettings;
class ImageView;

/// GUI thread only.
class AnnotationDock : public QDockWidget
{
    Q_OBJECT
public:
    /// Tools on `view`; the caller adds the dock to `window`.
    AnnotationDock(ImageView* view, QMainWindow* window);
    ~AnnotationDock() override;

    AnnotationController* controller() const { return m_controller; }
    AnnotationPanel* panel() const { return m_panel; }
    /// "New Project…", "Open Project…", "Add to Project" and "Add All Frames to Project", for the
    /// File menu.
    QList<QAction*> projectActions() const;
    /// Adds the Annotate menu (after the window's other menus) and tool bar to `window`.
    void addMenuAndToolBar(QMainWindow* window);

public Q_SLOTS:
    /// Opens (with `create`, creates) the project in `folder`; reports failures through message().
    bool openProject(const QString& folder, bool create);
    void newProjectDialog();
    void openProjectDialog();

Q_SIGNALS:
    /// For the status bar; `error` marks failures (their text says what to do).
    void message(const QString& text, bool error);

private:
    std::unique_ptr<AnnotationSettings> m_settings;
    AnnotationController* m_controller;
    AnnotationPanel* m_panel;
    QAction* m_newProject;
    QAction* m_openProject;
};

} // namespace ks::ui
