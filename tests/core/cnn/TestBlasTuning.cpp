// BlasTuning: the SGEMM self-check passes with the kernels in use, OpenBLAS is the BLAS this build
// runs on (libopenblas0-openmp is a dependency), and the CLI re-executed under the tuned kernels
// (when this CPU gets any) still computes the same CNN output as a run with them switched off.

#include "cnn/BlasTuning.h"

#include <QProcess>
#include <QtTest>

using namespace ks::cnn;

class TestBlasTuning : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void selfCheckAndCore()
    {
        QVERIFY(BlasTuning::selfCheck());
        QVERIFY2(!BlasTuning::coreName().empty(), "LibTorch does not run on OpenBLAS: install libopenblas0-openmp");
        const std::string better = BlasTuning::betterCore();
        QVERIFY(better.empty() || better == "SkylakeX" || better == "Haswell");
        qInfo("OpenBLAS core %s, better kernels: %s", BlasTuning::coreName().c_str(),
              better.empty() ? "none" : better.c_str());
    }

    void cliAgreesWithAndWithoutTuning()
    {
        // bench-detect prints the per-box correlation of fast and per-patch CaffeNet features,
        // computed through BLAS: it must not depend on which kernels ran.
        auto run = [](bool tuning) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove("KS_BLAS_TUNING");
            if (!tuning)
                env.insert("KS_NO_BLAS_TUNING", "1");
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(KS_CLI_PATH), {"bench-detect", "--candidates", "60", "--subset", "4", "--repeats", "1",
                                                   "--scales", "1"});
            if (!p.waitForFinished(240000) || p.exitCode() != 0)
                return QString("failed: ") + p.readAllStandardError();
            const QString out = p.readAllStandardOutput();
            const auto at = out.indexOf("correlation with per-patch features: ");
            return at < 0 ? QString("no correlation in: ") + out : out.mid(at, 45);
        };
        const QString tuned = run(true), plain = run(false);
        QVERIFY2(tuned.startsWith("correlation"), qPrintable(tuned));
        QCOMPARE(tuned, plain);
    }
};

QTEST_GUILESS_MAIN(TestBlasTuning)
#include "TestBlasTuning.moc"
