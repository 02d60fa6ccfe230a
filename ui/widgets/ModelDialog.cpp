#include "ModelDialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ks::ui {

ModelDialog::ModelDialog(const QString& modelsFolder, const QString& active, QWidget* parent)
    : QDialog(parent)
    , m_models(modelsFolder.isEmpty() ? std::vector<ModelInfo>{} : ModelList::scan(modelsFolder))
{
    setWindowTitle(tr("Detection models"));
    resize(900, 520);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(modelsFolder.isEmpty()
                                     ? tr("No project is open: choose a bundle folder.")
                                     : tr("Models of the project (%1). Active: %2").arg(modelsFolder, active.isEmpty() ? tr("none") : active),
                                 this));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableWidget(int(m_models.size()), 5, splitter);
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Trained"), tr("Data"), tr("Feature sets"), tr("Metrics")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    for (int r = 0; r < int(m_models.size()); ++r) {
        const auto& m = m_models[r];
        const QStringList cells{m.name, m.date, m.data, m.featureSets.join(", "), m.metrics};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (m.path == active) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(r, c, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_manifest = new QPlainTextEdit(splitter);
    m_manifest->setReadOnly(true);
    layout->addWidget(splitter, 1);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) {
        m_manifest->setPlainText(row >= 0 && row < int(m_models.size()) ? m_models[row].manifestJson : QString());
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row) { choose(m_models[row].path); });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    auto* use = buttons->addButton(tr("Use selected"), QDialogButtonBox::AcceptRole);
    auto* browse = buttons->addButton(tr("Choose bundle folder…"), QDialogButtonBox::ActionRole);
    connect(use, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0)
            choose(m_models[row].path);
    });
    connect(browse, &QPushButton::clicked, this, [this, modelsFolder] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model bundle folder"), modelsFolder);
        if (!dir.isEmpty())
            choose(dir);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void ModelDialog::choose(const QString& path)
{
    m_chosen = path;
    accept();
}

} // namespace ks::ui
