#pragma once
/// \file AnnotationSession.h
/// The drawing tools' link to the project store: the open project, the image and frame on
/// screen, the author and author filter, and the undo stack. Showing an image never adds it to
/// the project: only addCurrentFrame()/addAllFrames() (the "Add to Project" action) and adding a
/// ROI on it (the user asked for it by drawing: that frame only) register it. Every edit goes to the store at once as its own committed transaction and is
/// pushed as a RoiCommand, so undo/redo also go through the store (nothing waits for a Save).

#include "annotation/ProjectStore.h"
#include "common/Image.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <optional>

class QUndoStack;

namespace ks::ui {

/// GUI thread only. Edits report failures (store errors, e.g. a full disk or a read-only
/// project) through failed() and return false/empty; they never throw.
class AnnotationSession : public QObject
{
    Q_OBJECT
public:
    explicit AnnotationSession(QObject* parent = nullptr);
    ~AnnotationSession() override;

    /// Opens (or with `create`, creates) the project in `folder` and finds the image on screen in
    /// it (without adding it). Clears the undo stack. \throws ks::Error from ProjectStore (message + hint)
    void openProject(const QString& folder, bool create);
    void closeProject();
    bool hasProject() const { return m_store != nullptr; }
    QString projectFolder() const;
    /// The open store. Precondition: hasProject().
    annotation::ProjectStore& store() const { return *m_store; }
    QUndoStack* undoStack() const { return m_undo; }

    /// Who edits (recorded in the store); ProjectStore::defaultAuthor() until set.
    void setAuthor(const QString& author);
    QString author() const { return m_author; }
    /// Only this author's ROIs are shown (all when empty).
    void setAuthorFilter(const QString& author);
    QString authorFilter() const { return m_authorFilter; }
    /// Only ROIs in this review state are shown (all when empty).
    void setStatusFilter(std::optional<annotation::Status> status);
    std::optional<annotation::Status> statusFilter() const { return m_statusFilter; }

    /// The image on screen (`path` absolute, may be empty for an image without a file, which can
    /// then not be added). Looks the frame up in the open project and reports a file that changed
    /// since it was added (failed()); adds nothing.
    void setImage(const QString& path, const ks::Image& image, int frame = 0);
    void clearImage();
    bool hasImage() const { return m_hasImage; }
    QString imagePath() const { return m_path; }
    int frame() const { return m_frame; }
    int frameCount() const { return m_frameCount; }
    /// Shows `frame` of the current image (looked up, not added).
    void setFrame(int frame);
    /// Store id of the frame on screen; empty without project or image, or when the frame is not
    /// in the project.
    std::optional<long long> currentImageId() const;
    /// True when the image on screen can be added: a project is open and the image has a file.
    bool canAddToProject() const { return m_store && m_hasImage && !m_path.isEmpty(); }
    /// Adds the frame on screen to the project (nothing when it is already there); its id, empty
    /// after a failure (reported through failed()). Not undoable: undoing a ROI keeps the frame.
    std::optional<long long> addCurrentFrame();
    /// Adds every frame of the file on screen; the number of frames newly added, -1 on failure.
    int addAllFrames();
    /// Pixel size of the image on screen (0 when uncalibrated).
    double mmPerPixelX() const { return m_mmPerPixelX; }
    double mmPerPixelY() const { return m_mmPerPixelY; }

    /// The current frame's ROIs that pass the author filter, by id.
    std::vector<annotation::Annotation> visibleAnnotations() const;
    /// True when `a` is on the current frame and passes the author filter.
    bool isVisible(const annotation::Annotation& a) const;
    std::optional<annotation::Annotation> annotation(long long id) const;

    QStringList labels() const;
    bool addLabel(const QString& name);
    /// Authors with ROIs on the current frame.
    QStringList authorsOnImage() const;

    // --- undoable edits -----------------------------------------------------------------
    /// Adds a manual ROI on the current frame (imageId and author filled in); the stored ROI.
    /// A frame not yet in the project is added first (addCurrentFrame()).
    std::optional<annotation::Annotation> addRoi(annotation::Annotation a);
    /// Replaces `before` by `after` (same id). Consecutive `mergeable` edits of one ROI are one
    /// undo step (each is still committed on its own).
    bool updateRoi(const annotation::Annotation& before, const annotation::Annotation& after,
                   const QString& text, bool mergeable = false);
    bool removeRoi(long long id);
    bool submit(long long id);
    bool approve(long long id, const QString& comment);
    bool reject(long long id, const QString& comment);

    /// Used by RoiCommand: turns the store from `from` into `to` (add/restore, update or remove)
    /// and emits roiChanged/roiRemoved. Returns `to` as stored; empty after a failure.
    std::optional<annotation::Annotation> apply(const std::optional<annotation::Annotation>& from,
                                                const std::optional<annotation::Annotation>& to);

Q_SIGNALS:
    void projectChanged();
    /// The frame on screen or a filter changed: reload the ROIs.
    void imageChanged();
    /// Frames of the image on screen were added to the project (Add to Project, or the first ROI
    /// drawn on a frame); the ROIs on screen are unchanged.
    void framesAdded();
    /// A ROI was added, changed or restored (possibly not on the current frame).
    void roiChanged(const ks::annotation::Annotation& roi);
    void roiRemoved(qint64 id);
    void labelsChanged();
    void authorChanged(const QString& author);
    /// Something the user did could not be done; `message` says what and what to do.
    void failed(const QString& message);

private:
    bool execute(const QString& text, const std::optional<annotation::Annotation>& before,
                 const std::function<std::optional<annotation::Annotation>()>& edit, bool mergeable = false);
    /// Finds the frame on screen in the project (m_frameIds); adds it when `add`. Its id.
    std::optional<long long> lookUpFrame(int frame, bool add);
    void reportFailure(const QString& what, const std::exception& e);
    /// sha256 of the file at m_path, cached by (size, modification time) so that showing an
    /// image again does not re-read it.
    std::string fileChecksum();

    std::unique_ptr<annotation::ProjectStore> m_store;
    QUndoStack* m_undo;
    QString m_author;
    QString m_authorFilter;
    std::optional<annotation::Status> m_statusFilter;
    bool m_hasImage = false;
    QString m_path;
    annotation::ImageRecord m_record; ///< template for registering frames of the image on screen
    int m_frameCount = 0;
    int m_frame = 0;
    double m_mmPerPixelX = 0;
    double m_mmPerPixelY = 0;
    std::map<int, long long> m_frameIds;
    struct CachedChecksum
    {
        qint64 size = -1;
        qint64 modifiedMs = 0;
        std::string sha256;
    };
    std::map<QString, CachedChecksum> m_checksums;
};

} // namespace ks::ui
