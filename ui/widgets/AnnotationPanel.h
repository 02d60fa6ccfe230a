#pragma once
/// \file AnnotationPanel.h
/// The annotation dock: project, author and author filter, the label list (label for new ROIs
/// and of the selected one; labels can be added), the current frame's ROIs, the selected ROI's
/// size with the adult-range warning, inter-annotator Dice, and review (submit, approve,
/// reject with a comment). Everything it changes goes through the AnnotationController.

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace ks::ui {

class AnnotationController;
class AnnotationListModel;
class AnnotationSettings;

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
    QLineEdit* authorEdit() const { return m_authorEdit; }
    QLineEdit* commentEdit() const { return m_comment; }
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

private:
    void refresh();
    void refreshLabels();
    void refreshAuthors();
    void refreshReview();
    void onReadout(const QString& text, const QString& warning);

    AnnotationController* m_controller;
    AnnotationSettings* m_settings;
    AnnotationListModel* m_model;
    QLabel* m_project;
    QLineEdit* m_authorEdit;
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
