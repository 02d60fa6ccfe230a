#include "models/TagTreeModel.h"

#include <algorithm>

namespace ks::ui {

TagTreeModel::TagTreeModel(QObject* parent)
    : QStandardItemModel(parent)
{
    setHorizontalHeaderLabels({tr("Tag"), tr("Name"), tr("VR"), tr("Value")});
}

void TagTreeModel::setTags(const std::vector<ks::TagEntry>& tags)
{
    removeRows(0, rowCount());
    m_count = 0;
    // parents[d] = the item that entries of depth d+1 attach to
    std::vector<QStandardItem*> parents;
    for (const auto& tag : tags) {
        QList<QStandardItem*> row;
        for (const std::string* text : {&tag.tag, &tag.name, &tag.vr, &tag.value}) {
            auto* item = new QStandardItem(QString::fromStdString(*text));
            item->setEditable(false);
            row << item;
        }
        row[ValueColumn]->setToolTip(QString::fromStdString(tag.value));
        const int depth = std::clamp(tag.depth, 0, static_cast<int>(parents.size()));
        parents.resize(static_cast<size_t>(depth));
        if (depth == 0)
            appendRow(row);
        else
            parents.back()->appendRow(row);
        parents.push_back(row.front());
        ++m_count;
    }
}

} // namespace ks::ui
