#include "widgets/TagPanel.h"

#include "models/TagTreeModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace ks::ui {

TagPanel::TagPanel(QWidget* parent)
    : QWidget(parent),
      m_model(new TagTreeModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTreeView(this)),
      m_filter(new QLineEdit(this)),
      m_calibration(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->header()->moveSection(TagTreeModel::VrColumn, TagTreeModel::ValueColumn); // value before VR
    m_filter->setPlaceholderText(tr("Filter tags (name, number or value)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_view->expandAll();
    });
    m_calibration->setWordWrap(true);
    m_calibration->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_calibration);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    clear();
}

QString TagPanel::describeCalibration(const ks::Calibration& cal)
{
    if (!cal.isCalibrated()) {
        QString text = tr("Uncalibrated: measurements are in pixels.");
        QString why = QString::fromStdString(cal.description);
        if (why.startsWith(QStringLiteral("uncalibrated: "), Qt::CaseInsensitive))
            why = why.mid(14);
        if (!why.isEmpty())
            text += QStringLiteral(" (") + why + QLatin1Char(')');
        return text;
    }
    QString text = tr("%1 × %2 mm/pixel (%3)")
                       .arg(cal.mmPerPixelX, 0, 'f', 4)
                       .arg(cal.mmPerPixelY, 0, 'f', 4)
                       .arg(QString::fromStdString(ks::Calibration::sourceName(cal.source)));
    if (cal.fieldOfView) {
        const ks::Box& f = *cal.fieldOfView;
        text += tr("; field of view %1×%2 px at (%3, %4)").arg(f.width).arg(f.height).arg(f.x).arg(f.y);
    }
    if (!cal.uniform)
        text += tr("; NOT uniformly calibrated");
    if (!cal.description.empty())
        text += QStringLiteral(". ") + QString::fromStdString(cal.description);
    return text;
}

void TagPanel::setImage(const ks::Image& image)
{
    m_model->setTags(image.tags);
    m_view->expandToDepth(0);
    // Keep the value visible in a narrow dock: tag and VR fit their text, the name is capped.
    m_view->resizeColumnToContents(0);
    m_view->resizeColumnToContents(2);
    m_view->setColumnWidth(3, 220);
    m_view->resizeColumnToContents(1);
    m_view->setColumnWidth(1, std::min(m_view->columnWidth(1), 150));
    const auto& meta = image.meta;
    QString head = QStringLiteral("<b>%1</b> %2×%3, %4 frame(s)").arg(
        QString::fromStdString(meta.modality.empty() ? std::string("Image") : meta.modality)).arg(image.width()).arg(image.height()).arg(image.frameCount());
    if (!meta.photometric.empty())
        head += QStringLiteral(", ") + QString::fromStdString(meta.photometric).toHtmlEscaped();
    if (!meta.transferSyntaxName.empty())
        head += QStringLiteral(", ") + QString::fromStdString(meta.transferSyntaxName).toHtmlEscaped();
    m_calibration->setText(head + QStringLiteral("<br>") + describeCalibration(image.calibration).toHtmlEscaped());
}

void TagPanel::clear()
{
    m_model->setTags({});
    m_calibration->setText(tr("No image"));
}

QString TagPanel::calibrationText() const { return m_calibration->text(); }

} // namespace ks::ui
