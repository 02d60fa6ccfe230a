#pragma once
/// \file TagPanel.h
/// The DICOM tag dock: calibration summary (source, pixel size, field of view) above a
/// filterable tree of the data set, sequences nested.

#include "common/Image.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace ks::ui {

class TagTreeModel;

/// GUI thread only.
class TagPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TagPanel(QWidget* parent = nullptr);

    void setImage(const ks::Image& image);
    void clear();
    TagTreeModel* model() const { return m_model; }
    /// The calibration summary shown above the tags.
    QString calibrationText() const;

    /// "0.255 × 0.255 mm/pixel (ultrasound region); field of view 620×470 at (90, 60)" or
    /// "uncalibrated: measurements in pixels".
    static QString describeCalibration(const ks::Calibration& calibration);

private:
    TagTreeModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTreeView* m_view;
    QLineEdit* m_filter;
    QLabel* m_calibration;
};

} // namespace ks::ui
