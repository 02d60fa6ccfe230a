#pragma once
/// \file AnnotationPanel.h
/// The annotation dock: project, author and author filter, the label list (label for new ROIs
/// and of the selected one; labels can be added), the current frame's ROIs, the selected ROI's
/// size with the adult-range warning, inter-annotator Dice, and review (submit, approve,
/// reject with a comment). Everything it changes goes through the AnnotationController.
///
/// It also shows whether the image on screen is in the project and holds the "Add to Project"
/// actions (viewing never adds an image). The Author field (AuthorField) takes keys only when
/// clicked into and changes the author only when confirmed with Enter.

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace ks::ui {

class AnnotationController;
class AnnotationListModel;
class AnnotationSettings;
class AuthorField;

/// GUI thread only.
class AnnotationPanel : public QWidget
{
    Q_OBJECT
public:
    /// \param settings where the author name persists (not owned; may be null)
    explicit AnnotationPanel(AnnotationController* controller, AnnotationSettings* settings = nullptr,
                             QWidget* parent = nullptr);

    AnnotationListModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QComboBox* labelBox() const { return m_labelBox; }
    QComboBox* authorFilterBox() const { return m_filterBox; }
    QComboBox* statusFilterBox() const { return m_statusBox; }
    AuthorField* authorEdit() const { return m_authorEdit; }
    QLineEdit* commentEdit() const { return m_comment; }
    /// "Add to Project": adds the frame on screen (for the File and Annotate menus).
    QAction* addToProjectAction() const { return m_addToProject; }
    /// "Add All Frames to Project": every frame of a multi-frame file.
    QAction* addAllFramesAction() const { return m_addAllFrames; }
    /// "In project" / "Not in project …" for the image on screen.
    QString imageStateText() const;
    /// Text of the readout (selected ROI's size) and warning lines.
    QString readoutText() const;
    QString warningText() const;
    /// "Dice alice–bob 0.87 …" for the current frame; empty when fewer than two authors.
    QString diceText() const;

public Q_SLOTS:
    /// Adds `name` to the project's labels and makes it the label of new ROIs (the selected ROI
    /// keeps its label).
    void addLabel(const QString& name);
    void submitSelected();
    void approveSelected();
    void rejectSelected();
    /// `name` becomes the author (what Enter in the Author field does); kept in the settings.
    void setAuthor(const QString& name);

Q_SIGNALS:
    /// For the status bar; `error` marks failures.
    void message(const QString& text, bool error);

private:
    void refresh();
    void refreshLabels();
    void refreshAuthors();
    void refreshReview();
    void onReadout(const QString& text, const QString& warning);
    void refreshImageState();
    void addToProject(bool allFrames);
    void focusView();

    AnnotationController* m_controller;
    AnnotationSettings* m_settings;
    AnnotationListModel* m_model;
    QLabel* m_project;
    QLabel* m_imageState;
    QAction* m_addToProject;
    QAction* m_addAllFrames;
    AuthorField* m_authorEdit;
    QComboBox* m_filterBox;
    QComboBox* m_statusBox;
    QComboBox* m_labelBox;
    QPushButton* m_addLabel;
    QTableView* m_table;
    QLabel* m_readout;
    QLabel* m_warning;
    QLabel* m_dice;
    QLabel* m_review;
    QLineEdit* m_comment;
    QPushButton* m_submit;
    QPushButton* m_approve;
    QPushButton* m_reject;
    bool m_updating = false;
};

} // namespace ks::ui
