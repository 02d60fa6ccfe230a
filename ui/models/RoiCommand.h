#pragma once
/// \file RoiCommand.h
/// One undoable edit of a ROI in the project store: add (no `before`), remove (no `after`) or
/// change (both). The edit itself is made by AnnotationSession before the command is pushed, so
/// the first redo() does nothing; later redo()/undo() replay it through the store's reversible
/// calls (add ↔ remove, update ↔ update, remove ↔ restore with the same id).

#include "annotation/ProjectTypes.h"

#include <QUndoCommand>

#include <optional>

namespace ks::ui {

class AnnotationSession;

/// GUI thread only (it edits the session's store and emits its signals).
class RoiCommand : public QUndoCommand
{
public:
    /// Commands with this id merge when they change the same ROI (arrow-key nudges).
    static constexpr int nudgeId = 0x4b53;

    RoiCommand(AnnotationSession& session, std::optional<annotation::Annotation> before,
               std::optional<annotation::Annotation> after, const QString& text, bool mergeable = false);

    void redo() override;
    void undo() override;
    int id() const override { return m_mergeable ? nudgeId : -1; }
    bool mergeWith(const QUndoCommand* other) override;

    const std::optional<annotation::Annotation>& before() const { return m_before; }
    const std::optional<annotation::Annotation>& after() const { return m_after; }

private:
    AnnotationSession& m_session;
    std::optional<annotation::Annotation> m_before;
    std::optional<annotation::Annotation> m_after;
    bool m_mergeable;
    bool m_done = true; ///< the edit is already in the store (skip the first redo)
};

} // namespace ks::ui
