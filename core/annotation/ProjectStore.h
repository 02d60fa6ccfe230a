#pragma once
/// \file ProjectStore.h
/// A KidneyScope project: a folder holding project.sqlite, where every edit of an annotation is
/// its own committed transaction (there is no Save), with an append-only audit log of who did
/// what and when. Killing the process at any moment loses at most the edit in flight.
///
/// Undo/redo contract (for a QUndoStack in the UI): every edit is reversible by another call,
///  - add(a)            ↔ remove(id)
///  - update(after)     ↔ update(before)          (keep the value you had before the call)
///  - remove(id) → a    ↔ restore(a)              (restore re-inserts with the SAME id: ids are
///                                                  never reused, so the id is always free)
///  - submit/approve/reject ↔ update(before)       (status, reviewer and comment are fields)
/// Each of these is logged in the audit log; undo shows up there as the inverse edit.

#include "ProjectTypes.h"

#include "common/Image.h"
#include "common/Progress.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ks::annotation {

class SqliteDb;

/// One open project. Not thread-safe: use one object per thread (several objects, also in
/// several processes, may open the same project; SQLite serialises their writes). Every edit
/// reads what it changes inside its own BEGIN IMMEDIATE transaction, so concurrent writers
/// never overwrite each other with stale values. Nothing but SQLite opens the database files
/// (ProjectFiles.h); rows are checksummed and the audit log is a hash chain (RowChecksum.h).
class ProjectStore
{
public:
    /// Opens the project in `folder`, creating the folder and an empty project when `create`
    /// is true and the folder holds no project file at all (the new database appears
    /// atomically, complete). Checks the database (PRAGMA quick_check, every row's checksum,
    /// the newest audit entries' chain), migrates an older schema (after a backup into
    /// backups/) and makes the daily backup (ProjectBackup.h).
    /// \throws ks::Error: Io for a missing/read-only folder or disk full; Corrupt, naming the
    ///         newest backup, for a damaged database, also for an empty (0-byte), header-less or
    ///         missing project.sqlite in a folder that has project files; InvalidInput for a
    ///         database of another program; Unsupported for a newer schema. Nothing is ever
    ///         written to a file that is not ours, nor to a damaged one.
    explicit ProjectStore(const std::string& folder, bool create = true);
    ~ProjectStore();
    ProjectStore(ProjectStore&&) noexcept;
    ProjectStore& operator=(ProjectStore&&) noexcept;

    /// "project.sqlite"
    static const char* databaseFileName();
    /// True when `folder` holds a project database (it may still be damaged).
    static bool exists(const std::string& folder);
    const std::string& folder() const { return m_folder; }
    std::string databasePath() const;
    int schemaVersion() const;

    // --- author -------------------------------------------------------------------------
    /// The OS user's name (getpwuid, else $USER, else "unknown").
    static std::string defaultAuthor();
    /// Who edits from now on (recorded in annotations and the audit log). Default: defaultAuthor().
    /// \throws ks::Error for an empty name or a model author ("model:…" is reserved)
    void setAuthor(const std::string& author);
    const std::string& author() const { return m_author; }

    // --- labels -------------------------------------------------------------------------
    /// The project's label list in display order ("kidney" first in a new project).
    std::vector<std::string> labels() const;
    /// Adds a label at the end; does nothing when it exists. \throws ks::Error for an empty name
    void addLabel(const std::string& name);
    /// Removes an unused label. \throws ks::Error when annotations still use it
    void removeLabel(const std::string& name);

    // --- images -------------------------------------------------------------------------
    /// Registers one frame of an image file; returns its id. When (path, frame) is already
    /// registered, returns the existing id and changes nothing (checked inside the write
    /// transaction). sha256 is computed from the file when empty.
    /// \throws ks::Error (Io) when the file cannot be read; InvalidInput for a project database
    ///         file or a file that is not a regular file (FIFO, device)
    long long addImage(const ImageRecord& image);
    /// An ImageRecord for frame `frame` of a loaded image (path, SOP UID, size, calibration,
    /// patient); pass it to addImage(). The checksum is computed by addImage().
    static ImageRecord recordFor(const Image& image, int frame = 0);
    std::optional<ImageRecord> image(long long id) const;
    std::optional<ImageRecord> findImage(const std::string& path, int frame = 0) const;
    std::vector<ImageRecord> images() const;
    /// Changes an image's pixel size (mm/pixel) and recomputes the mm geometry of its ROIs.
    void setCalibration(long long imageId, double mmPerPixelX, double mmPerPixelY);
    /// Checks every registered file against its checksum: missing, changed or unreadable files
    /// are reported (never silently re-used). Reads each file once. Cancellable.
    std::vector<ImageCheck> verifyImages(Progress& progress = NullProgress::instance()) const;
    /// Points all frames of a moved file to `newPath` after checking that it is the same file
    /// (same sha256). \throws ks::Error when the content differs
    void relocateImage(long long imageId, const std::string& newPath);

    // --- annotations (each call is one committed transaction + one audit entry) ---------
    /// Inserts a new ROI (a.id is ignored); empty author = author(); an empty box with a `rotated`
    /// box becomes the rotated box's bounding box (a non-empty box is kept as given: imported
    /// ground truth may box the organ tighter than its rotated rectangle). Returns it as stored.
    /// Model-made ROIs (source FromModel) always carry a model author: a.author is kept when it
    /// is a modelAuthor(), an other name N becomes modelAuthor(N), an empty one
    /// modelAuthor("unnamed") – pass modelAuthor(<model name>) to name the model.
    /// \throws ks::Error for an unknown image or label, an empty box, a full disk
    Annotation add(const Annotation& a);
    /// Adds several ROIs in ONE transaction (all or none), one audit entry each with `action`
    /// (e.g. "import"). Same rules as add(). Returns them as stored, in order.
    std::vector<Annotation> addBatch(const std::vector<Annotation>& rois, const std::string& action = "add");
    struct BatchResult
    {
        std::vector<Annotation> added;   ///< as stored, in order
        int duplicates = 0;              ///< ROIs skipped as already there
    };
    /// As addBatch(), but skips a ROI equal (image, label, box, rotated box, author) to one in
    /// the project or earlier in the batch. The check runs inside the write transaction: the
    /// same file imported by two processes at once is added once.
    BatchResult addBatchUnique(const std::vector<Annotation>& rois, const std::string& action);
    /// Replaces the ROI with id a.id (all fields but createdAt). Returns it as stored.
    Annotation update(const Annotation& a);
    /// Deletes the ROI; returns it as it was (pass it to restore() to undo).
    Annotation remove(long long id);
    /// Re-inserts a removed ROI with its original id and created time. \throws ks::Error when the
    /// id is in use
    Annotation restore(const Annotation& a);
    std::optional<Annotation> annotation(long long id) const;
    /// ROIs matching the filter, by id.
    std::vector<Annotation> annotations(const AnnotationFilter& filter = {}) const;
    /// Distinct authors that have ROIs (on one image when given), models included.
    std::vector<std::string> authors(std::optional<long long> imageId = std::nullopt) const;
    /// Distinct human readers (authors of ROIs not made by a model) – the ones agreement
    /// statistics compare.
    std::vector<std::string> readers(std::optional<long long> imageId = std::nullopt) const;

    // --- review -------------------------------------------------------------------------
    /// draft or rejected → submitted.
    Annotation submit(long long id);
    /// submitted → approved; reviewer = author(). The comment is optional.
    Annotation approve(long long id, const std::string& comment = {});
    /// submitted → rejected; reviewer = author(). \throws ks::Error when the comment is empty
    Annotation reject(long long id, const std::string& comment);

    /// Inter-annotator Dice of two readers' boxes on one image: boxes are paired one-to-one by
    /// highest Dice (greedy), unpaired boxes count 0, the mean is over max(nA, nB).
    /// Model-made ROIs (source FromModel or a model author) never count: agreement is between
    /// people. Empty when either author has no such box on the image.
    std::optional<double> interAnnotatorDice(long long imageId, const std::string& authorA,
                                             const std::string& authorB) const;

    // --- audit --------------------------------------------------------------------------
    /// The audit log, oldest first (of one annotation when given).
    std::vector<AuditEntry> auditLog(std::optional<long long> annotationId = std::nullopt) const;

    /// Runs PRAGMA integrity_check and the full row/audit check (verifyIntegrity); "ok" when
    /// healthy, else what is damaged.
    std::string integrityCheck() const;
    /// Full check: PRAGMA integrity_check, every row checksum, the whole audit hash chain, and
    /// every annotation against its last audit entry.
    /// \throws ks::Error (Corrupt) naming the damage and the newest backup
    void verifyIntegrity() const;
    /// Caps the database at `pages` pages (PRAGMA max_page_count) for this connection, so that
    /// a full disk can be simulated in tests. Returns the cap in effect.
    long long setPageLimit(long long pages);

private:
    Annotation readAnnotation(long long id) const;
    Annotation requireAnnotation(long long id) const;
    ImageRecord requireImage(long long id) const;
    void checkLabel(const std::string& label) const;
    Annotation normalised(const Annotation& a) const;
    void writeAnnotation(const Annotation& a, bool insert, bool explicitId);
    void audit(const std::string& action, long long annotationId, const std::string& before,
               const std::string& after);
    Annotation changeStatus(long long id, Status from1, std::optional<Status> from2, Status to,
                            const std::string& comment, const std::string& action);

    std::string m_folder;
    std::string m_author;
    std::unique_ptr<SqliteDb> m_db;
};

} // namespace ks::annotation
