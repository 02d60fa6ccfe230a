/// The kidneyscope executable end to end (offscreen): --screenshot opens a path, waits for the
/// image, saves the window and quits; a bad path exits non-zero with the message; --help works.

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestUiApp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void help();
    void screenshotOfDicom();
    void screenshotOfMissingPath();

private:
    /// Runs kidneyscope with `args` (and a private settings file); returns the exit code.
    int run(const QStringList& args, QString* output = nullptr);
    QTemporaryDir m_dir;
};

int TestUiApp::run(const QStringList& args, QString* output)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(KS_GUI_EXECUTABLE),
                  QStringList{QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("s.ini"))} + args);
    if (!process.waitForFinished(90000)) {
        process.kill();
        process.waitForFinished();
        return -1;
    }
    if (output)
        *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
}

void TestUiApp::help()
{
    QString out;
    QCOMPARE(run({QStringLiteral("--help")}, &out), 0);
    QVERIFY(out.contains(QStringLiteral("--demo")));
    QVERIFY(out.contains(QStringLiteral("--screenshot")));
}

void TestUiApp::screenshotOfDicom()
{
    const QString file = QStringLiteral(KS_SHARED_DIR "/dicom/us/OBXXXX1A.dcm");
    if (!QFile::exists(file))
        QSKIP("shared DICOM data not present");
    const QString png = m_dir.filePath(QStringLiteral("shot.png"));
    QString out;
    QCOMPARE(run({QStringLiteral("--screenshot"), png, file}, &out), 0);
    const QImage shot(png);
    QVERIFY2(!shot.isNull(), qPrintable(out));
    QVERIFY(shot.width() >= 800 && shot.height() >= 500);
    // The ultrasound image is there: the centre of the window is not one flat colour.
    QSet<QRgb> colours;
    for (int y = shot.height() / 3; y < 2 * shot.height() / 3; y += 7)
        for (int x = shot.width() / 3; x < 2 * shot.width() / 3; x += 7)
            colours.insert(shot.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

void TestUiApp::screenshotOfMissingPath()
{
    const QString png = m_dir.filePath(QStringLiteral("missing.png"));
    QString out;
    const int code = run({QStringLiteral("--screenshot"), png, m_dir.filePath(QStringLiteral("no-such-folder"))}, &out);
    QCOMPARE(code, 1);
    QVERIFY2(out.contains(QStringLiteral("does not exist")), qPrintable(out));
    QVERIFY(QFile::exists(png)); // the window is still saved, showing the message
}

QTEST_GUILESS_MAIN(TestUiApp)
#include "TestUiApp.moc"
