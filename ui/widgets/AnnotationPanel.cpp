#include "widgets/AnnotationPanel.h"

#include "models/AnnotationListModel.h"
#include "models/AnnotationSession.h"
#include "models/AnnotationSettings.h"
#include "widgets/AnnotationController.h"
#include "widgets/AuthorField.h"
#include "widgets/ImageView.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ks::ui {

AnnotationPanel::AnnotationPanel(AnnotationController* controller, AnnotationSettings* settings, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_settings(settings), m_model(new AnnotationListModel(this)),
      m_project(new QLabel), m_imageState(new QLabel), m_addToProject(new QAction(tr("Add to &Project"), this)),
      m_addAllFrames(new QAction(tr("Add All &Frames to Project"), this)), m_authorEdit(new AuthorField), m_filterBox(new QComboBox), m_statusBox(new QComboBox), m_labelBox(new QComboBox),
      m_addLabel(new QPushButton(tr("Add…"))), m_table(new QTableView), m_readout(new QLabel), m_warning(new QLabel),
      m_dice(new QLabel), m_review(new QLabel), m_comment(new QLineEdit), m_submit(new QPushButton(tr("Submit"))),
      m_approve(new QPushButton(tr("Approve"))), m_reject(new QPushButton(tr("Reject")))
{
    AnnotationSession* session = m_controller->session();
    if (m_settings && !m_settings->author().isEmpty())
        session->setAuthor(m_settings->author());

    m_project->setWordWrap(true);
    m_project->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_imageState->setWordWrap(true);
    m_addToProject->setToolTip(
        tr("Add the image on screen to the project (for a multi-frame file: the frame on screen), so that "
           "training, evaluation and batch detection use it. Opening or viewing a file never adds it; "
           "drawing a ROI or accepting a detection on an image adds that frame, since you asked for it."));
    m_addAllFrames->setToolTip(tr("Add every frame of the multi-frame file on screen to the project "
                                  "(batch detection then runs on each of them)."));
    connect(m_addToProject, &QAction::triggered, this, [this] { addToProject(false); });
    connect(m_addAllFrames, &QAction::triggered, this, [this] { addToProject(true); });
    auto* addButton = new QToolButton;
    addButton->setDefaultAction(m_addToProject);
    addButton->setToolButtonStyle(Qt::ToolButtonTextOnly);

    // Takes keys only when clicked into; the author changes only on Enter.
    m_authorEdit->setCommitted(session->author());
    m_authorEdit->setKeyTarget(m_controller->view());
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("QLabel { color: #c0392b; font-weight: bold; }"));
    m_dice->setWordWrap(true);
    m_review->setWordWrap(true);
    m_comment->setPlaceholderText(tr("Review comment (needed to reject)"));
    m_comment->setFocusPolicy(Qt::ClickFocus); // never the field window activation falls back to

    m_statusBox->addItem(tr("All states"), -1);
    for (auto s : {annotation::Status::Draft, annotation::Status::Submitted, annotation::Status::Approved, annotation::Status::Rejected})
        m_statusBox->addItem(QString::fromStdString(annotation::statusName(s)), static_cast<int>(s));

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* form = new QFormLayout;
    form->addRow(tr("Project"), m_project);
    auto* imageRow = new QHBoxLayout;
    imageRow->addWidget(m_imageState, 1);
    imageRow->addWidget(addButton);
    form->addRow(tr("Image"), imageRow);
    form->addRow(tr("Author"), m_authorEdit);
    auto* showRow = new QHBoxLayout;
    showRow->addWidget(m_filterBox, 1);
    showRow->addWidget(m_statusBox, 1);
    form->addRow(tr("Show"), showRow);
    auto* labelRow = new QHBoxLayout;
    labelRow->addWidget(m_labelBox, 1);
    labelRow->addWidget(m_addLabel);
    form->addRow(tr("Label"), labelRow);
    auto* reviewRow = new QHBoxLayout;
    reviewRow->addWidget(m_submit);
    reviewRow->addWidget(m_approve);
    reviewRow->addWidget(m_reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_readout);
    layout->addWidget(m_warning);
    layout->addWidget(m_dice);
    layout->addWidget(m_review);
    layout->addWidget(m_comment);
    layout->addLayout(reviewRow);

    connect(m_authorEdit, &AuthorField::confirmed, this, &AnnotationPanel::setAuthor);
    connect(m_authorEdit, &AuthorField::reverted, this, [this, session] {
        Q_EMIT message(tr("Author unchanged (%1): type the new name and press Enter to confirm it.").arg(session->author()), false);
    });
    connect(m_filterBox, &QComboBox::currentIndexChanged, this, [this, session] {
        if (!m_updating)
            session->setAuthorFilter(m_filterBox->currentData().toString());
    });
    connect(m_statusBox, &QComboBox::currentIndexChanged, this, [this, session] {
        const int s = m_statusBox->currentData().toInt();
        session->setStatusFilter(s < 0 ? std::nullopt : std::optional<annotation::Status>(static_cast<annotation::Status>(s)));
    });
    connect(m_labelBox, &QComboBox::currentTextChanged, this, [this](const QString& label) {
        if (!m_updating)
            m_controller->setCurrentLabel(label);
    });
    connect(m_addLabel, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Add Label"), tr("New label (e.g. left kidney):"), QLineEdit::Normal, {}, &ok);
        focusView();
        if (ok && !name.trimmed().isEmpty())
            addLabel(name);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        if (!m_updating && index.isValid())
            m_controller->select(m_model->data(index, AnnotationListModel::IdRole).toLongLong());
    });
    connect(m_submit, &QPushButton::clicked, this, &AnnotationPanel::submitSelected);
    connect(m_approve, &QPushButton::clicked, this, &AnnotationPanel::approveSelected);
    connect(m_reject, &QPushButton::clicked, this, &AnnotationPanel::rejectSelected);

    connect(session, &AnnotationSession::projectChanged, this, &AnnotationPanel::refresh);
    connect(session, &AnnotationSession::framesAdded, this, &AnnotationPanel::refresh);
    connect(session, &AnnotationSession::imageChanged, this, &AnnotationPanel::refresh);
    connect(session, &AnnotationSession::roiChanged, this, &AnnotationPanel::refresh);
    connect(session, &AnnotationSession::roiRemoved, this, &AnnotationPanel::refresh);
    connect(session, &AnnotationSession::labelsChanged, this, &AnnotationPanel::refreshLabels);
    connect(session, &AnnotationSession::authorChanged, m_authorEdit, &AuthorField::setCommitted);
    connect(m_controller, &AnnotationController::selectionChanged, this, [this](qint64 id) {
        m_updating = true;
        const int row = m_model->rowOf(id);
        if (row >= 0)
            m_table->selectRow(row);
        else
            m_table->clearSelection();
        if (auto* it = m_controller->item(id); it && m_labelBox->findText(m_controller->currentLabel()) >= 0)
            m_labelBox->setCurrentText(m_controller->currentLabel());
        m_updating = false;
        refreshReview();
    });
    connect(m_controller, &AnnotationController::readoutChanged, this, &AnnotationPanel::onReadout);
    refreshLabels();
    refresh();
}

QString AnnotationPanel::readoutText() const { return m_readout->text(); }
QString AnnotationPanel::imageStateText() const { return m_imageState->text(); }

void AnnotationPanel::refreshImageState()
{
    AnnotationSession* session = m_controller->session();
    const bool inProject = session->currentImageId().has_value();
    const bool multi = session->frameCount() > 1;
    QString text;
    if (!session->hasImage())
        text = tr("none on screen");
    else if (!session->hasProject())
        text = tr("not in a project (no project open)");
    else if (!session->canAddToProject())
        text = tr("not in the project (it has no file, so it cannot be added)");
    else if (inProject)
        text = multi ? tr("frame %1 of %2 is in the project").arg(session->frame() + 1).arg(session->frameCount())
                     : tr("in the project");
    else
        text = multi ? tr("frame %1 of %2 is not in the project (only viewed)").arg(session->frame() + 1).arg(session->frameCount())
                     : tr("not in the project (only viewed)");
    m_imageState->setText(text);
    m_imageState->setStyleSheet(session->hasImage() && session->hasProject() && !inProject
                                    ? QStringLiteral("QLabel { color: #b9770e; }") : QString());
    m_addToProject->setEnabled(session->canAddToProject() && !inProject);
    m_addAllFrames->setEnabled(session->canAddToProject() && multi);
}

void AnnotationPanel::addToProject(bool allFrames)
{
    AnnotationSession* session = m_controller->session();
    const QString file = QFileInfo(session->imagePath()).fileName();
    if (allFrames) {
        const int added = session->addAllFrames();
        if (added >= 0)
            Q_EMIT message(added == 0 ? tr("All %1 frames of %2 were already in the project.").arg(session->frameCount()).arg(file)
                                      : tr("Added %1 frame(s) of %2 to the project.").arg(added).arg(file),
                           false);
    } else {
        const bool had = session->currentImageId().has_value();
        if (session->addCurrentFrame())
            Q_EMIT message(had ? tr("%1 is already in the project.").arg(file)
                           : session->frameCount() > 1 ? tr("Added frame %1 of %2 to the project.").arg(session->frame() + 1).arg(file)
                                                       : tr("Added %1 to the project.").arg(file),
                           false);
    }
    refreshImageState();
    focusView();
}

void AnnotationPanel::setAuthor(const QString& name)
{
    AnnotationSession* session = m_controller->session();
    const QString before = session->author();
    session->setAuthor(name);
    m_authorEdit->setCommitted(session->author());
    if (m_settings)
        m_settings->setAuthor(session->author());
    if (session->author() != before)
        Q_EMIT message(tr("Author: %1 (recorded with every edit from now on)").arg(session->author()), false);
}

void AnnotationPanel::focusView()
{
    if (ImageView* view = m_controller->view(); view && view->isVisible())
        view->setFocus(Qt::OtherFocusReason);
}

QString AnnotationPanel::warningText() const { return m_warning->text(); }
QString AnnotationPanel::diceText() const { return m_dice->text(); }

void AnnotationPanel::onReadout(const QString& text, const QString& warning)
{
    m_readout->setText(text);
    m_warning->setText(warning.isEmpty() ? QString() : QStringLiteral("⚠ ") + warning);
    m_warning->setVisible(!warning.isEmpty());
}

void AnnotationPanel::refresh()
{
    AnnotationSession* session = m_controller->session();
    m_project->setText(session->hasProject() ? session->projectFolder()
                                             : tr("none — File → New Project… or Open Project…"));
    refreshImageState();
    m_updating = true;
    m_model->setAnnotations(session->visibleAnnotations(), session->mmPerPixelX(), session->mmPerPixelY());
    const int row = m_model->rowOf(m_controller->selectedId());
    if (row >= 0)
        m_table->selectRow(row);
    m_updating = false;
    refreshAuthors();
    refreshReview();
}

void AnnotationPanel::refreshLabels()
{
    AnnotationSession* session = m_controller->session();
    QStringList labels = session->labels();
    if (labels.isEmpty())
        labels << QStringLiteral("kidney");
    m_updating = true;
    m_labelBox->clear();
    m_labelBox->addItems(labels);
    m_labelBox->setCurrentText(labels.contains(m_controller->currentLabel()) ? m_controller->currentLabel() : labels.front());
    m_updating = false;
    if (!labels.contains(m_controller->currentLabel()))
        m_controller->setCurrentLabel(labels.front());
    m_addLabel->setEnabled(session->hasProject());
}

void AnnotationPanel::refreshAuthors()
{
    AnnotationSession* session = m_controller->session();
    QStringList authors;
    if (session->hasProject())
        for (const std::string& a : session->store().authors())
            authors << QString::fromStdString(a);
    const QString filter = session->authorFilter();
    m_updating = true;
    m_filterBox->clear();
    m_filterBox->addItem(tr("All authors"), QString());
    for (const QString& a : authors)
        m_filterBox->addItem(a, a);
    if (!filter.isEmpty() && !authors.contains(filter))
        m_filterBox->addItem(filter, filter);
    m_filterBox->setCurrentIndex(std::max(0, m_filterBox->findData(filter)));
    m_updating = false;

    // Inter-annotator agreement on this frame, for every pair of authors.
    QStringList lines;
    const auto image = session->currentImageId();
    const QStringList onImage = session->authorsOnImage();
    for (int i = 0; image && i < onImage.size(); ++i)
        for (int j = i + 1; j < onImage.size(); ++j)
            if (auto d = session->store().interAnnotatorDice(*image, onImage[i].toStdString(), onImage[j].toStdString()))
                lines << tr("Dice %1–%2: %3").arg(onImage[i], onImage[j]).arg(*d, 0, 'f', 3);
    m_dice->setText(lines.join(QLatin1Char('\n')));
    m_dice->setVisible(!lines.isEmpty());
}

void AnnotationPanel::refreshReview()
{
    const long long id = m_controller->selectedId();
    const int row = m_model->rowOf(id);
    const bool has = row >= 0;
    if (!has) {
        m_review->setText(tr("Select a ROI to review it."));
    } else {
        const auto& a = m_model->at(row);
        QString text = tr("#%1 by %2: %3").arg(a.id).arg(QString::fromStdString(a.author), QString::fromStdString(annotation::statusName(a.status)));
        if (!a.reviewer.empty())
            text += tr(" by %1").arg(QString::fromStdString(a.reviewer));
        if (!a.reviewComment.empty())
            text += tr(" — “%1”").arg(QString::fromStdString(a.reviewComment));
        m_review->setText(text);
    }
    const auto status = has ? m_model->at(row).status : annotation::Status::Draft;
    m_submit->setEnabled(has && (status == annotation::Status::Draft || status == annotation::Status::Rejected));
    m_approve->setEnabled(has && status == annotation::Status::Submitted);
    m_reject->setEnabled(has && status == annotation::Status::Submitted);
}

void AnnotationPanel::addLabel(const QString& name)
{
    if (!m_controller->session()->addLabel(name))
        return;
    m_updating = true;
    m_labelBox->setCurrentText(name.trimmed());
    m_updating = false;
    m_controller->setCurrentLabel(name.trimmed(), false);
}

void AnnotationPanel::submitSelected()
{
    if (m_controller->selectedId())
        m_controller->session()->submit(m_controller->selectedId());
}

void AnnotationPanel::approveSelected()
{
    if (m_controller->selectedId() && m_controller->session()->approve(m_controller->selectedId(), m_comment->text()))
        m_comment->clear();
}

void AnnotationPanel::rejectSelected()
{
    if (m_controller->selectedId() && m_controller->session()->reject(m_controller->selectedId(), m_comment->text()))
        m_comment->clear();
}

} // namespace ks::ui
