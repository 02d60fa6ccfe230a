#include "widgets/AuthorField.h"

#include <QCoreApplication>
#include <QFocusEvent>
#include <QKeyEvent>
#include <QMouseEvent>

namespace ks::ui {

AuthorField::AuthorField(QWidget* parent) : QLineEdit(parent)
{
    setFocusPolicy(Qt::ClickFocus);
    setToolTip(tr("Recorded with every edit (the OS user when empty). Click to change it and press Enter to confirm; "
                  "Esc or leaving the field keeps the current author."));
    connect(this, &QLineEdit::returnPressed, this, [this] {
        Q_EMIT confirmed(text().trimmed()); // the receiver calls setCommitted() with the author in effect
        m_engaged = false;
        setText(m_committed);
        giveBackFocus();
    });
}

void AuthorField::setCommitted(const QString& author)
{
    m_committed = author;
    if (!m_engaged)
        setText(author);
}

bool AuthorField::event(QEvent* event)
{
    if (event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (!m_engaged) {
            // The window's shortcuts win, and the keys go to the view: the user did not choose to
            // type here.
            key->ignore();
            giveBackFocus();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            key->accept(); // Esc reverts the field rather than choosing the Pointer tool
            return true;
        }
    }
    return QLineEdit::event(event);
}

void AuthorField::focusInEvent(QFocusEvent* event)
{
    const Qt::FocusReason r = event->reason();
    // Back from a popup or another window, typing goes on; any other focus that was not a click
    // (or Tab, or its buddy shortcut) is not the user choosing to type here.
    const bool returning = m_engaged && (r == Qt::PopupFocusReason || r == Qt::ActiveWindowFocusReason);
    m_engaged = returning || r == Qt::MouseFocusReason || r == Qt::TabFocusReason || r == Qt::BacktabFocusReason
        || r == Qt::ShortcutFocusReason;
    QLineEdit::focusInEvent(event);
}

void AuthorField::focusOutEvent(QFocusEvent* event)
{
    QLineEdit::focusOutEvent(event);
    // A popup (the context menu) or another window taking the focus is not leaving the field.
    if (event->reason() == Qt::PopupFocusReason || event->reason() == Qt::ActiveWindowFocusReason)
        return;
    if (m_engaged)
        revert();
    m_engaged = false;
}

void AuthorField::mousePressEvent(QMouseEvent* event)
{
    m_engaged = true; // clicked into, also when it already had the focus
    QLineEdit::mousePressEvent(event);
}

void AuthorField::keyPressEvent(QKeyEvent* event)
{
    if (!m_engaged) {
        // A focus that arrived by itself: the key belongs to the view.
        QWidget* target = m_keyTarget;
        giveBackFocus();
        if (target)
            QCoreApplication::sendEvent(target, event);
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        revert();
        giveBackFocus();
        return;
    }
    QLineEdit::keyPressEvent(event);
}

void AuthorField::revert()
{
    const QString typed = text().trimmed();
    setText(m_committed);
    if (typed != m_committed)
        Q_EMIT reverted(typed);
}

void AuthorField::giveBackFocus()
{
    m_engaged = false;
    if (m_keyTarget && m_keyTarget->isVisible())
        m_keyTarget->setFocus(Qt::OtherFocusReason);
}

} // namespace ks::ui
