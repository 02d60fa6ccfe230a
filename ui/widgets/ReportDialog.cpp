#include "ReportDialog.h"

#include "models/SaveTarget.h"

#include <QDir>

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include <functional>

namespace ks::ui {

namespace {

QWidget* withBrowse(QLineEdit* edit, QWidget* parent, std::function<QString()> browse)
{
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* button = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(edit, 1);
    layout->addWidget(button);
    QObject::connect(button, &QPushButton::clicked, edit, [edit, browse] {
        const QString path = browse();
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

} // namespace

ReportDialog::ReportDialog(InterpretController* controller, QWidget* parent)
    : QDialog(parent)
    , m_controller(controller ? controller : new InterpretController(this))
    , m_bundle(new QLineEdit(this))
    , m_study(new QLineEdit(this))
    , m_output(new QLineEdit(this))
    , m_patches(new QSpinBox(this))
    , m_layers(new QLineEdit(this))
    , m_maxImages(new QSpinBox(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Write Report"));
    auto* form = new QFormLayout;
    form->addRow(tr("Model bundle:"), withBrowse(m_bundle, this, [this] {
                     return QFileDialog::getExistingDirectory(this, tr("Model Bundle"), m_bundle->text());
                 }));
    form->addRow(tr("Annotated study:"), withBrowse(m_study, this, [this] {
                     return QFileDialog::getOpenFileName(this, tr("COCO Annotations"), m_study->text(), tr("COCO JSON (*.json)"));
                 }));
    form->addRow(tr("HTML report:"), withBrowse(m_output, this, [this] {
                     return QFileDialog::getSaveFileName(this, tr("Report"), m_output->text(), tr("HTML (*.html)"));
                 }));
    m_patches->setRange(0, 20);
    m_patches->setValue(2);
    form->addRow(tr("Fig. 4 patches:"), m_patches);
    m_layers->setPlaceholderText(tr("first two conv layers"));
    m_layers->setToolTip(tr("Conv layers to analyse, separated by commas (e.g. conv1, fire2/expand3x3)"));
    form->addRow(tr("Layers:"), m_layers);
    m_maxImages->setRange(0, 100000);
    m_maxImages->setSpecialValueText(tr("all"));
    form->addRow(tr("Evaluate at most:"), m_maxImages);

    m_progress->setRange(0, 1000);
    m_status->setWordWrap(true);
    m_status->setText(tr("The PDF is written beside the HTML file."));
    m_write = new QPushButton(tr("Write"), this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    auto* close = new QPushButton(tr("Close"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_write);
    buttons->addWidget(m_cancel);
    buttons->addWidget(close);
    auto* main = new QVBoxLayout(this);
    main->addLayout(form);
    main->addWidget(m_progress);
    main->addWidget(m_status);
    main->addLayout(buttons);

    connect(m_write, &QPushButton::clicked, this, &ReportDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &ReportDialog::cancel);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_controller, &InterpretController::progressed, this, [this](double f, const QString& message) {
        if (!m_running)
            return;
        m_progress->setValue(static_cast<int>(1000 * f));
        m_status->setText(message);
    });
    connect(m_controller, &InterpretController::reportWritten, this, [this](const ReportOutcome& out) {
        if (!m_running)
            return;
        setRunning(false);
        m_progress->setValue(1000);
        m_status->setText(tr("Written <a href=\"%1\">%2</a> and <a href=\"%3\">%4</a>.<br>%5")
                              .arg(QUrl::fromLocalFile(out.htmlPath).toString(), out.htmlPath.toHtmlEscaped(),
                                   QUrl::fromLocalFile(out.pdfPath).toString(), out.pdfPath.toHtmlEscaped(),
                                   out.summary.join(QStringLiteral("<br>")).toHtmlEscaped().replace(QStringLiteral("&lt;br&gt;"), QStringLiteral("<br>"))));
        Q_EMIT written(out.htmlPath, out.pdfPath);
    });
    connect(m_controller, &InterpretController::failed, this, [this](const QString& message) {
        if (!m_running)
            return;
        setRunning(false);
        m_status->setText(message.toHtmlEscaped());
    });
    connect(m_controller, &InterpretController::cancelled, this, [this] {
        if (!m_running)
            return;
        setRunning(false);
        m_progress->setValue(0);
        m_status->setText(tr("Cancelled; nothing was written."));
    });
    m_status->setOpenExternalLinks(true);
    setRunning(false);
    resize(560, 0);
}

void ReportDialog::setBundle(const QString& dir) { m_bundle->setText(dir); }
void ReportDialog::setStudy(const QString& path) { m_study->setText(path); }
void ReportDialog::setOutput(const QString& htmlPath) { m_output->setText(htmlPath); }
QString ReportDialog::htmlPath() const { return m_output->text().trimmed(); }
QString ReportDialog::statusText() const { return m_status->text(); }

QString ReportDialog::pdfPath() const
{
    const QFileInfo info(htmlPath());
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".pdf"));
}

interpret::ReportOptions ReportDialog::options() const
{
    interpret::ReportOptions o;
    o.bundleDir = m_bundle->text().trimmed().toStdString();
    o.study = m_study->text().trimmed().toStdString();
    o.patches = m_patches->value();
    o.maxImages = m_maxImages->value();
    for (const QString& layer : m_layers->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!layer.trimmed().isEmpty())
            o.layers.push_back(layer.trimmed().toStdString());
    return o;
}

void ReportDialog::start()
{
    if (m_bundle->text().trimmed().isEmpty() || m_study->text().trimmed().isEmpty() || htmlPath().isEmpty()) {
        m_status->setText(tr("Choose a model bundle, an annotated study (COCO JSON or its folder) and the HTML file."));
        return;
    }
    for (const QString& target : {htmlPath(), pdfPath()})
        if (const QString why = SaveTarget::refusal(target); !why.isEmpty()) {
            m_status->setText(why);
            return;
        }
    setRunning(true);
    m_progress->setValue(0);
    m_controller->writeReport(options(), htmlPath(), pdfPath());
}

void ReportDialog::cancel()
{
    if (m_running)
        m_controller->cancel();
}

void ReportDialog::setRunning(bool running)
{
    m_running = running;
    m_write->setEnabled(!running);
    m_cancel->setEnabled(running);
}

} // namespace ks::ui
