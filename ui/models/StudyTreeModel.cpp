#include "models/StudyTreeModel.h"

#include <QFileInfo>

#include <algorithm>
#include <functional>

namespace ks::ui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString orDash(const std::string& s, const char* fallback) { return s.empty() ? QString::fromUtf8(fallback) : q(s); }

QStandardItem* makeItem(const QString& text, StudyTreeModel::Level level, const QString& uid)
{
    auto* item = new QStandardItem(text);
    item->setEditable(false);
    item->setData(static_cast<int>(level), StudyTreeModel::LevelRole);
    item->setData(uid, StudyTreeModel::UidRole);
    return item;
}

QString instanceText(const ks::dicom::InstanceInfo& inst)
{
    QString text = QFileInfo(q(inst.path)).fileName();
    if (inst.instanceNumber > 0)
        text = QStringLiteral("#%1  %2").arg(inst.instanceNumber).arg(text);
    if (!inst.hasImage)
        return text + QStringLiteral("  (%1, no image)").arg(orDash(inst.objectKind, "not an image"));
    QStringList detail;
    if (inst.columns > 0 && inst.rows > 0)
        detail << QStringLiteral("%1×%2").arg(inst.columns).arg(inst.rows);
    if (inst.frames > 1)
        detail << QStringLiteral("%1 frames").arg(inst.frames);
    return detail.isEmpty() ? text : text + QStringLiteral("  (") + detail.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QString instanceTip(const ks::dicom::InstanceInfo& inst)
{
    QStringList lines{q(inst.path)};
    lines << QStringLiteral("Object: %1").arg(orDash(inst.objectKind, "unknown"));
    if (!inst.modality.empty())
        lines << QStringLiteral("Modality: %1").arg(q(inst.modality));
    if (inst.hasImage) {
        lines << QStringLiteral("Size: %1×%2, %3 frame(s)").arg(inst.columns).arg(inst.rows).arg(std::max(1, inst.frames));
        if (!inst.photometric.empty())
            lines << QStringLiteral("Photometric: %1").arg(q(inst.photometric));
    }
    if (!inst.transferSyntaxName.empty())
        lines << QStringLiteral("Transfer syntax: %1").arg(q(inst.transferSyntaxName));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

StudyTreeModel::StudyTreeModel(QObject* parent)
    : QStandardItemModel(parent)
{
    setHorizontalHeaderLabels({tr("Study")});
}

void StudyTreeModel::setStudyTree(const ks::dicom::StudyTree& tree)
{
    clear();
    setHorizontalHeaderLabels({tr("Study")});
    m_tree = tree;
    m_instanceCount = 0;
    // DICOM patients first, in scan order; plain images (PNG/JPEG/TIFF, no SOP class) last.
    auto isPlain = [](const ks::dicom::PatientNode& p) {
        for (const auto& st : p.studies)
            for (const auto& se : st.series)
                for (const auto& i : se.instances)
                    if (!i.sopClassUid.empty())
                        return false;
        return true;
    };
    std::vector<const ks::dicom::PatientNode*> patients;
    for (const auto& p : tree.patients)
        patients.push_back(&p);
    std::stable_partition(patients.begin(), patients.end(), [&](auto* p) { return !isPlain(*p); });
    for (const auto* patientPtr : patients) {
        const auto& patient = *patientPtr;
        QString name = orDash(patient.patientName, "(no name)");
        if (!patient.patientId.empty())
            name += QStringLiteral("  [%1]").arg(q(patient.patientId));
        QStandardItem* patientItem = makeItem(name, Level::Patient, q(patient.patientId));
        for (const auto& study : patient.studies) {
            QString text = orDash(study.description, "(no description)");
            if (!study.date.empty()) {
                QString date = q(study.date);
                if (date.size() == 8) // DICOM DA: YYYYMMDD
                    date = date.left(4) + QLatin1Char('-') + date.mid(4, 2) + QLatin1Char('-') + date.mid(6, 2);
                text = date + QStringLiteral("  ") + text;
            }
            QStandardItem* studyItem = makeItem(text, Level::Study, q(study.studyInstanceUid));
            std::vector<const ks::dicom::SeriesNode*> series;
            for (const auto& s : study.series)
                series.push_back(&s);
            std::stable_sort(series.begin(), series.end(), [](auto* a, auto* b) { return a->number < b->number; });
            for (const auto* s : series) {
                QString seriesText = s->number > 0 ? QStringLiteral("Series %1").arg(s->number) : QStringLiteral("Series");
                if (!s->modality.empty())
                    seriesText += QStringLiteral(" %1").arg(q(s->modality));
                if (!s->description.empty())
                    seriesText += QStringLiteral(": %1").arg(q(s->description));
                QStandardItem* seriesItem = makeItem(seriesText, Level::Series, q(s->seriesInstanceUid));
                std::vector<const ks::dicom::InstanceInfo*> instances;
                for (const auto& i : s->instances)
                    instances.push_back(&i);
                std::stable_sort(instances.begin(), instances.end(), [](auto* a, auto* b) {
                    return a->instanceNumber != b->instanceNumber ? a->instanceNumber < b->instanceNumber : a->path < b->path;
                });
                for (const auto* inst : instances) {
                    QStandardItem* item = makeItem(instanceText(*inst), Level::Instance, q(inst->sopInstanceUid));
                    item->setData(q(inst->path), PathRole);
                    item->setData(inst->hasImage, HasImageRole);
                    item->setData(q(inst->objectKind), ObjectKindRole);
                    item->setToolTip(instanceTip(*inst));
                    if (!inst->hasImage)
                        item->setForeground(QColor(128, 128, 128));
                    seriesItem->appendRow(item);
                    ++m_instanceCount;
                }
                studyItem->appendRow(seriesItem);
            }
            patientItem->appendRow(studyItem);
        }
        appendRow(patientItem);
    }
}

QList<QModelIndex> StudyTreeModel::instanceIndexes() const
{
    QList<QModelIndex> result;
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        for (int r = 0; r < rowCount(parent); ++r) {
            const QModelIndex idx = index(r, 0, parent);
            if (idx.data(LevelRole).toInt() == static_cast<int>(Level::Instance))
                result << idx;
            else
                walk(idx);
        }
    };
    walk(QModelIndex());
    return result;
}

QModelIndex StudyTreeModel::firstImageInstance() const
{
    for (const QModelIndex& idx : instanceIndexes())
        if (idx.data(HasImageRole).toBool())
            return idx;
    return {};
}

QModelIndex StudyTreeModel::findPath(const QString& path) const
{
    for (const QModelIndex& idx : instanceIndexes())
        if (idx.data(PathRole).toString() == path)
            return idx;
    return {};
}

} // namespace ks::ui
