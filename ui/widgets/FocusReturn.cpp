#include "widgets/FocusReturn.h"

#include <QEvent>
#include <QWidget>

namespace ks::ui {

FocusReturn::FocusReturn(QWidget* window, QWidget* target) : QObject(window), m_target(target)
{
    window->installEventFilter(this);
}

void FocusReturn::install(QWidget* window, QWidget* target)
{
    if (!window || !target || window->findChild<FocusReturn*>(QString(), Qt::FindDirectChildrenOnly))
        return;
    new FocusReturn(window, target);
}

void FocusReturn::restore(QWidget* target)
{
    if (target)
        target->setFocus(Qt::OtherFocusReason);
}

bool FocusReturn::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parent() && event->type() == QEvent::Hide)
        restore(m_target);
    return false;
}

} // namespace ks::ui
