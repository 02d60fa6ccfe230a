#include "widgets/StudyBrowser.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace ks::ui {

StudyBrowser::StudyBrowser(QWidget* parent)
    : QWidget(parent), m_model(new StudyTreeModel(this)), m_view(new QTreeView(this)), m_summary(new QLabel(this))
{
    m_view->setModel(m_model);
    m_view->setHeaderHidden(true);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Open a file, a folder or a DICOMDIR (File menu), or drop one here."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
}

void StudyBrowser::setStudyTree(const ks::dicom::StudyTree& tree, const QString& source)
{
    m_source = source;
    m_model->setStudyTree(tree);
    m_view->expandAll();
    m_summary->setText(summary());
    QStringList tips;
    for (const auto& p : tree.problems)
        tips << QString::fromStdString(p);
    m_summary->setToolTip(tips.join(QLatin1Char('\n')));
}

QString StudyBrowser::summary() const
{
    const auto& tree = m_model->studyTree();
    int series = 0;
    for (const auto& p : tree.patients)
        for (const auto& s : p.studies)
            series += static_cast<int>(s.series.size());
    auto count = [](int n, const QString& one, const QString& many) { return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many); };
    QStringList parts;
    parts << count(m_model->instanceCount(), tr("instance"), tr("instances")) + tr(" in ") + count(series, tr("series"), tr("series"));
    if (tree.skippedFiles > 0)
        parts << count(tree.skippedFiles, tr("non-DICOM file"), tr("non-DICOM files")) + tr(" skipped");
    if (!tree.problems.empty())
        parts << count(static_cast<int>(tree.problems.size()), tr("file"), tr("files")) + tr(" unreadable");
    return parts.join(QStringLiteral("; "));
}

void StudyBrowser::onCurrentChanged(const QModelIndex& index)
{
    if (!index.isValid() || index.data(StudyTreeModel::LevelRole).toInt() != static_cast<int>(StudyTreeModel::Level::Instance))
        return;
    Q_EMIT instanceSelected(index.data(StudyTreeModel::PathRole).toString(),
                            index.data(StudyTreeModel::HasImageRole).toBool(),
                            index.data(StudyTreeModel::ObjectKindRole).toString());
}

bool StudyBrowser::selectPath(const QString& path)
{
    const QModelIndex idx = m_model->findPath(path);
    if (!idx.isValid())
        return false;
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx);
    return true;
}

bool StudyBrowser::selectFirstImage()
{
    QModelIndex idx = m_model->firstImageInstance();
    if (!idx.isValid()) {
        const auto all = m_model->instanceIndexes();
        if (all.isEmpty())
            return false;
        idx = all.front();
    }
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx);
    return true;
}

bool StudyBrowser::selectNext(int step)
{
    const auto all = m_model->instanceIndexes();
    if (all.isEmpty())
        return false;
    const int current = static_cast<int>(all.indexOf(m_view->currentIndex()));
    const int n = static_cast<int>(all.size());
    const int target = current < 0 ? 0 : ((current + step) % n + n) % n;
    m_view->setCurrentIndex(all[target]);
    m_view->scrollTo(all[target]);
    return true;
}

} // namespace ks::ui
