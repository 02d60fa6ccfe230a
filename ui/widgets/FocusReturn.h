#pragma once
/// \file FocusReturn.h
/// Gives the keyboard focus back to a widget (the image view) when a secondary window or dialog
/// is hidden or closed, so that the main window's single-key shortcuts (D, B, O, S, …) reach the
/// view again instead of whatever input field Qt would otherwise pick when the main window is
/// activated (closing the Evaluation window used to make D type into the Author field).

#include <QObject>
#include <QPointer>

class QWidget;

namespace ks::ui {

/// GUI thread only. Owned by the watched window (deleted with it).
class FocusReturn : public QObject
{
    Q_OBJECT
public:
    /// When `window` is hidden (closed, or a dialog finished), `target` gets the focus (also when
    /// its window is not active yet: Qt then gives it the focus on activation). Installing twice
    /// on the same window is harmless (one watcher).
    static void install(QWidget* window, QWidget* target);
    /// Gives `target` the focus now (for modal dialogs run with exec() or static helpers such as
    /// QFileDialog::getOpenFileName, which return when they are closed).
    static void restore(QWidget* target);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    FocusReturn(QWidget* window, QWidget* target);
    QPointer<QWidget> m_target;
};

} // namespace ks::ui
