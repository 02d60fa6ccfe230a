/// kidneyscope: the viewer. Thin: application identity (for QSettings and the data folder),
/// command line, main window.
///
///   kidneyscope [PATH]                 open a file, folder or DICOMDIR
///   kidneyscope --demo                 open the demo study (generated on first run)
///   kidneyscope --screenshot FILE ...  save the main window as PNG once the image shows, then quit
///   kidneyscope --bench-render [N]     print ms/frame of the display path on 800×600 frames

#include "cnn/BlasTuning.h"
#include "widgets/MainWindow.h"
#include "widgets/RenderBenchmark.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>

int main(int argc, char* argv[])
{
    ks::cnn::BlasTuning::reexecIfGeneric(argv); // before any thread exists
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("KidneyScope"));
    QApplication::setApplicationName(QStringLiteral("KidneyScope"));
    QApplication::setApplicationVersion(QStringLiteral(KS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.kidneyscope.KidneyScope"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("org.kidneyscope.KidneyScope")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KidneyScope: kidney ultrasound viewer"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo study (generated on first run)."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                       QStringLiteral("Save the main window as PNG to <file> once an image is shown (or opening failed), then quit."),
                                       QStringLiteral("file"));
    const QCommandLineOption settingsFile(QStringLiteral("settings"),
                                          QStringLiteral("Keep settings in the INI <file> instead of the user's settings."),
                                          QStringLiteral("file"));
    const QCommandLineOption bench(QStringLiteral("bench-render"),
                                   QStringLiteral("Print the display time per 800x600 frame over <n> frames, then quit."),
                                   QStringLiteral("n"));
    parser.addOptions({demo, screenshot, settingsFile, bench});
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("A DICOM file, image, folder or DICOMDIR to open."), QStringLiteral("[path]"));
    parser.process(app);

    if (parser.isSet(bench)) {
        bool ok = false;
        const int n = parser.value(bench).toInt(&ok);
        const QString result = ks::ui::RenderBenchmark::run(ok && n > 0 ? n : 300);
        std::printf("%s\n", qPrintable(result));
        return 0;
    }

    std::unique_ptr<ks::ui::Settings> settings;
    if (parser.isSet(settingsFile))
        settings = std::make_unique<ks::ui::Settings>(parser.value(settingsFile));
    ks::ui::MainWindow window(std::move(settings));
    window.show();

    int exitCode = 0;
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        auto save = [&window, &app, &exitCode, file](int code) {
            QTimer::singleShot(600, &window, [&window, &app, &exitCode, file, code] {
                exitCode = code;
                if (!window.grab().save(file)) {
                    std::fprintf(stderr, "kidneyscope: cannot write the screenshot %s\n", qPrintable(file));
                    exitCode = 1;
                }
                app.quit();
            });
        };
        QObject::connect(&window, &ks::ui::MainWindow::imageShown, &window, [save] { save(0); });
        QObject::connect(&window, &ks::ui::MainWindow::openFailed, &window, [save](const QString& message) {
            std::fprintf(stderr, "kidneyscope: %s\n", qPrintable(message));
            save(1);
        });
        QTimer::singleShot(120000, &window, [save] {
            std::fprintf(stderr, "kidneyscope: no image after 120 s\n");
            save(2);
        });
    }

    const QStringList paths = parser.positionalArguments();
    if (parser.isSet(demo))
        window.openDemo();
    else if (!paths.isEmpty())
        window.openPath(paths.front());
    else if (parser.isSet(screenshot))
        QTimer::singleShot(0, &window, [&window] { Q_EMIT window.imageShown(QString()); });

    const int rc = app.exec();
    return exitCode != 0 ? exitCode : rc;
}
