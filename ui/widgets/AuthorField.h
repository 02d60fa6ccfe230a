#pragma once
/// \file AuthorField.h
/// The Author line edit of the annotation dock, made so that it never takes keys the user did
/// not mean for it (after closing the Evaluation window the focus landed here
/// and D, meant as Detect, made the author "rootd"):
///  - it takes the focus only when clicked (Qt::ClickFocus: not by Tab, not by window activation);
///  - until the user clicked into it, a focus it got by itself hands every key to `keyTarget`
///    (the image view), so the window's single-key shortcuts (D, B, O, S, …) keep working;
///  - the name changes only when confirmed with Enter (confirmed()); Esc or leaving the field
///    puts the current author back (reverted()); both give the focus back to `keyTarget`.

#include <QLineEdit>
#include <QPointer>

namespace ks::ui {

/// GUI thread only.
class AuthorField : public QLineEdit
{
    Q_OBJECT
public:
    explicit AuthorField(QWidget* parent = nullptr);

    /// Where keys and the focus go when the field is not being typed in.
    void setKeyTarget(QWidget* target) { m_keyTarget = target; }
    /// The author in effect (shown whenever the field is not being edited).
    void setCommitted(const QString& author);
    QString committed() const { return m_committed; }
    /// True while the user is typing in the field (clicked into it).
    bool isEngaged() const { return m_engaged; }

Q_SIGNALS:
    /// Enter was pressed on `text` (trimmed; may equal the committed author).
    void confirmed(const QString& text);
    /// The field was left or Esc pressed with text other than the committed author, which is
    /// shown again.
    void reverted(const QString& discarded);

protected:
    bool event(QEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void revert();
    void giveBackFocus();

    QPointer<QWidget> m_keyTarget;
    QString m_committed;
    bool m_engaged = false;
};

} // namespace ks::ui
