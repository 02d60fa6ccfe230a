#include "models/RoiCommand.h"

#include "models/AnnotationSession.h"

namespace ks::ui {

RoiCommand::RoiCommand(AnnotationSession& session, std::optional<annotation::Annotation> before,
                       std::optional<annotation::Annotation> after, const QString& text, bool mergeable)
    : QUndoCommand(text), m_session(session), m_before(std::move(before)), m_after(std::move(after)),
      m_mergeable(mergeable)
{
}

void RoiCommand::redo()
{
    if (m_done) {
        m_done = false;
        return;
    }
    if (auto stored = m_session.apply(m_before, m_after))
        m_after = stored;
}

void RoiCommand::undo()
{
    m_session.apply(m_after, m_before);
}

bool RoiCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = dynamic_cast<const RoiCommand*>(other);
    if (!o || o->id() != id() || !m_after || !o->m_after || !o->m_before || o->m_before->id != m_after->id)
        return false;
    m_after = o->m_after;
    return true;
}

} // namespace ks::ui
