#include "models/AnnotationSession.h"

#include "annotation/ProjectFiles.h"
#include "common/Error.h"
#include "models/RoiCommand.h"

#include <QDateTime>
#include <QFileInfo>
#include <QMetaObject>
#include <QUndoStack>

#include <algorithm>

namespace ks::ui {

using annotation::Annotation;

namespace {
QString describe(const std::exception& e)
{
    if (const auto* err = dynamic_cast<const ks::Error*>(&e))
        return QString::fromStdString(err->fullText());
    return QString::fromLocal8Bit(e.what());
}
} // namespace

AnnotationSession::AnnotationSession(QObject* parent)
    : QObject(parent), m_undo(new QUndoStack(this)),
      m_author(QString::fromStdString(annotation::ProjectStore::defaultAuthor()))
{
}

AnnotationSession::~AnnotationSession() = default;

void AnnotationSession::openProject(const QString& folder, bool create)
{
    auto store = std::make_unique<annotation::ProjectStore>(folder.toStdString(), create);
    store->setAuthor(m_author.toStdString());
    m_undo->clear();
    m_store = std::move(store);
    m_frameIds.clear();
    lookUpFrame(m_frame, false);
    Q_EMIT projectChanged();
    Q_EMIT labelsChanged();
    Q_EMIT imageChanged();
}

void AnnotationSession::closeProject()
{
    m_undo->clear();
    m_store.reset();
    m_frameIds.clear();
    Q_EMIT projectChanged();
    Q_EMIT labelsChanged();
    Q_EMIT imageChanged();
}

QString AnnotationSession::projectFolder() const
{
    return m_store ? QString::fromStdString(m_store->folder()) : QString();
}

void AnnotationSession::setAuthor(const QString& author)
{
    const QString name = author.trimmed().isEmpty() ? QString::fromStdString(annotation::ProjectStore::defaultAuthor())
                                                    : author.trimmed();
    if (name == m_author)
        return;
    if (annotation::isModelAuthor(name.toStdString())) {
        Q_EMIT failed(tr("“%1” names a model (ROIs a model made carry it); a person's name is needed. The author stays %2.")
                          .arg(name, m_author));
        return;
    }
    try {
        if (m_store)
            m_store->setAuthor(name.toStdString());
    } catch (const std::exception& e) {
        reportFailure(tr("The author stays %1").arg(m_author), e);
        return;
    }
    m_author = name;
    Q_EMIT authorChanged(name);
}

void AnnotationSession::setAuthorFilter(const QString& author)
{
    if (author == m_authorFilter)
        return;
    m_authorFilter = author;
    Q_EMIT imageChanged();
}

void AnnotationSession::setStatusFilter(std::optional<annotation::Status> status)
{
    if (status == m_statusFilter)
        return;
    m_statusFilter = status;
    Q_EMIT imageChanged();
}

void AnnotationSession::setImage(const QString& path, const ks::Image& image, int frame)
{
    m_hasImage = !image.isEmpty();
    m_path = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    m_frameIds.clear();
    m_record = {};
    m_record.path = m_path.toStdString();
    m_record.sopInstanceUid = image.meta.sopInstanceUid;
    m_record.width = image.width();
    m_record.height = image.height();
    m_record.patientId = image.meta.patientId;
    m_record.patientName = image.meta.patientName;
    m_record.patientBirthDate = image.meta.patientBirthDate;
    m_mmPerPixelX = image.calibration.isCalibrated() ? image.calibration.mmPerPixelX : 0;
    m_mmPerPixelY = image.calibration.isCalibrated() ? image.calibration.mmPerPixelY : 0;
    m_record.mmPerPixelX = m_mmPerPixelX;
    m_record.mmPerPixelY = m_mmPerPixelY;
    m_frameCount = image.frameCount();
    m_frame = std::clamp(frame, 0, std::max(0, m_frameCount - 1));
    lookUpFrame(m_frame, false);
    Q_EMIT imageChanged();
}

void AnnotationSession::clearImage()
{
    m_hasImage = false;
    m_path.clear();
    m_frameIds.clear();
    Q_EMIT imageChanged();
}

void AnnotationSession::setFrame(int frame)
{
    frame = std::clamp(frame, 0, std::max(0, m_frameCount - 1));
    if (frame == m_frame)
        return;
    m_frame = frame;
    lookUpFrame(m_frame, false);
    Q_EMIT imageChanged();
}

std::optional<long long> AnnotationSession::lookUpFrame(int frame, bool add)
{
    if (!canAddToProject())
        return std::nullopt;
    if (const auto known = m_frameIds.find(frame); known != m_frameIds.end())
        return known->second;
    try {
        if (auto known = m_store->findImage(m_record.path, frame)) {
            m_frameIds[frame] = known->id;
            // One checksum per file, shared by all its frames; only read for files in the project.
            if (m_record.sha256.empty())
                m_record.sha256 = fileChecksum();
            if (!known->sha256.empty() && known->sha256 != m_record.sha256)
                Q_EMIT failed(tr("%1 changed on disk since it was added to the project (checksum differs): its ROIs "
                                 "may not fit this content. Check the file, or run “kidneyscope-cli annotations verify”.")
                                  .arg(m_path));
            return known->id;
        }
        if (!add)
            return std::nullopt;
        if (m_record.sha256.empty())
            m_record.sha256 = fileChecksum();
        annotation::ImageRecord r = m_record;
        r.frame = frame;
        const long long id = m_store->addImage(r);
        m_frameIds[frame] = id;
        return id;
    } catch (const std::exception& e) {
        reportFailure(add ? tr("Could not add %1 to the project").arg(m_path)
                          : tr("Could not look up %1 in the project").arg(m_path), e);
        return std::nullopt;
    }
}

std::optional<long long> AnnotationSession::addCurrentFrame()
{
    if (!canAddToProject()) {
        Q_EMIT failed(!m_store    ? tr("No project is open. Open or create one (File → New Project…) to add images to it.")
                      : !m_hasImage ? tr("There is no image on screen to add. Open one first.")
                                    : tr("This image has no file, so it cannot be kept in a project. Save it as a file and open that."));
        return std::nullopt;
    }
    const bool had = currentImageId().has_value();
    const auto id = lookUpFrame(m_frame, true);
    if (id && !had)
        Q_EMIT framesAdded();
    return id;
}

int AnnotationSession::addAllFrames()
{
    if (!canAddToProject())
        return addCurrentFrame() ? 0 : -1; // reports why not
    int added = 0;
    bool ok = true;
    for (int f = 0; f < std::max(1, m_frameCount) && ok; ++f) {
        const bool had = lookUpFrame(f, false).has_value();
        ok = lookUpFrame(f, true).has_value();
        added += ok && !had ? 1 : 0;
    }
    if (added > 0)
        Q_EMIT framesAdded();
    return ok ? added : -1;
}

std::optional<long long> AnnotationSession::currentImageId() const
{
    if (!m_store || !m_hasImage)
        return std::nullopt;
    const auto it = m_frameIds.find(m_frame);
    return it == m_frameIds.end() ? std::nullopt : std::optional<long long>(it->second);
}

std::vector<Annotation> AnnotationSession::visibleAnnotations() const
{
    const auto image = currentImageId();
    if (!image)
        return {};
    annotation::AnnotationFilter filter;
    filter.imageId = *image;
    filter.author = m_authorFilter.toStdString();
    filter.status = m_statusFilter;
    try {
        return m_store->annotations(filter);
    } catch (const std::exception&) {
        return {};
    }
}

bool AnnotationSession::isVisible(const Annotation& a) const
{
    const auto image = currentImageId();
    return image && a.imageId == *image && (m_authorFilter.isEmpty() || a.author == m_authorFilter.toStdString())
        && (!m_statusFilter || a.status == *m_statusFilter);
}

std::optional<Annotation> AnnotationSession::annotation(long long id) const
{
    return m_store ? m_store->annotation(id) : std::nullopt;
}

QStringList AnnotationSession::labels() const
{
    QStringList out;
    if (m_store)
        for (const std::string& l : m_store->labels())
            out << QString::fromStdString(l);
    return out;
}

bool AnnotationSession::addLabel(const QString& name)
{
    if (!m_store) {
        Q_EMIT failed(tr("No project is open. Open or create one (File → New Project) to add labels."));
        return false;
    }
    try {
        m_store->addLabel(name.trimmed().toStdString());
    } catch (const std::exception& e) {
        reportFailure(tr("Could not add the label"), e);
        return false;
    }
    Q_EMIT labelsChanged();
    return true;
}

QStringList AnnotationSession::authorsOnImage() const
{
    QStringList out;
    if (const auto image = currentImageId())
        for (const std::string& a : m_store->authors(*image))
            out << QString::fromStdString(a);
    return out;
}

std::optional<Annotation> AnnotationSession::addRoi(Annotation a)
{
    if (!m_store) {
        Q_EMIT failed(tr("No project is open. Open or create one (File → New Project) before drawing."));
        return std::nullopt;
    }
    // Drawing on a frame not yet in the project adds that frame: the user asked for it by drawing.
    const auto image = currentImageId() ? currentImageId() : addCurrentFrame();
    if (!image)
        return std::nullopt;
    a.id = 0;
    a.imageId = *image;
    a.author = m_author.toStdString();
    a.source = annotation::Source::Manual;
    std::optional<Annotation> stored;
    execute(tr("Add %1").arg(QString::fromStdString(a.label)), std::nullopt, [&] {
        stored = m_store->add(a);
        return stored;
    });
    return stored;
}

bool AnnotationSession::updateRoi(const Annotation& before, const Annotation& after, const QString& text, bool mergeable)
{
    return execute(text, before, [&] { return std::optional<Annotation>(m_store->update(after)); }, mergeable);
}

bool AnnotationSession::removeRoi(long long id)
{
    const auto before = annotation(id);
    if (!before)
        return false;
    return execute(tr("Delete %1").arg(QString::fromStdString(before->label)), before, [&] {
        m_store->remove(id);
        return std::optional<Annotation>();
    });
}

bool AnnotationSession::submit(long long id)
{
    const auto before = annotation(id);
    return before && execute(tr("Submit"), before, [&] { return std::optional<Annotation>(m_store->submit(id)); });
}

bool AnnotationSession::approve(long long id, const QString& comment)
{
    const auto before = annotation(id);
    return before && execute(tr("Approve"), before, [&] {
        return std::optional<Annotation>(m_store->approve(id, comment.toStdString()));
    });
}

bool AnnotationSession::reject(long long id, const QString& comment)
{
    const auto before = annotation(id);
    return before && execute(tr("Reject"), before, [&] {
        return std::optional<Annotation>(m_store->reject(id, comment.toStdString()));
    });
}

bool AnnotationSession::execute(const QString& text, const std::optional<Annotation>& before,
                                const std::function<std::optional<Annotation>()>& edit, bool mergeable)
{
    if (!m_store) {
        Q_EMIT failed(tr("No project is open. Open or create one (File → New Project)."));
        return false;
    }
    std::optional<Annotation> after;
    try {
        after = edit();
        // Read back so that the command holds exactly what the store holds (times, mm values).
        if (after)
            after = m_store->annotation(after->id);
    } catch (const std::exception& e) {
        reportFailure(tr("%1 failed").arg(text), e);
        return false;
    }
    if (after)
        Q_EMIT roiChanged(*after);
    else if (before)
        Q_EMIT roiRemoved(before->id);
    m_undo->push(new RoiCommand(*this, before, after, text, mergeable));
    return true;
}

std::optional<Annotation> AnnotationSession::apply(const std::optional<Annotation>& from, const std::optional<Annotation>& to)
{
    if (!m_store)
        return std::nullopt;
    try {
        if (!to) {
            if (from) {
                m_store->remove(from->id);
                Q_EMIT roiRemoved(from->id);
            }
            return std::nullopt;
        }
        Annotation stored;
        if (!from)
            stored = to->id > 0 ? m_store->restore(*to) : m_store->add(*to);
        else
            stored = m_store->update(*to);
        if (auto read = m_store->annotation(stored.id))
            stored = *read;
        Q_EMIT roiChanged(stored);
        return stored;
    } catch (const std::exception& e) {
        reportFailure(tr("Undo/redo failed; the undo history was cleared and the view reloaded"), e);
        // The history no longer matches the store: drop it (after the running command returns).
        QMetaObject::invokeMethod(this, [this] {
            m_undo->clear();
            Q_EMIT imageChanged();
        }, Qt::QueuedConnection);
        return std::nullopt;
    }
}

std::string AnnotationSession::fileChecksum()
{
    const QFileInfo info(m_path);
    CachedChecksum& cached = m_checksums[m_path];
    const qint64 modified = info.lastModified().toMSecsSinceEpoch();
    if (cached.sha256.empty() || cached.size != info.size() || cached.modifiedMs != modified) {
        cached.sha256 = annotation::ProjectFiles::sha256OfFile(m_path.toStdString(), "The image");
        cached.size = info.size();
        cached.modifiedMs = modified;
    }
    return cached.sha256;
}

void AnnotationSession::reportFailure(const QString& what, const std::exception& e)
{
    Q_EMIT failed(QStringLiteral("%1: %2").arg(what, describe(e)));
}

} // namespace ks::ui
