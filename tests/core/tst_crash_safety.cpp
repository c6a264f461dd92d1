// A process killed in the middle of saving leaves a project that opens with the last good state.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

#include "tint/Project.h"

class TestCrashSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killedWhileSaving_data() {
        QTest::addColumn<int>("savesBeforeKill");
        for (int n : {1, 2, 5, 17, 60, 200}) QTest::newRow(qPrintable(QString::number(n))) << n;
    }

    void killedWhileSaving() {
        QFETCH(int, savesBeforeKill);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::string root = dir.path().toStdString() + "/crash.tintproj";
        tint::Project::create(root, "crash");

        QProcess child;
        child.start(QStringLiteral(TINT_TEST_HELPER), {QStringLiteral("save-loop"), QString::fromStdString(root)});
        QVERIFY(child.waitForStarted());
        long lastReported = 0;
        QByteArray pending;
        while (lastReported < savesBeforeKill) {
            QVERIFY2(child.waitForReadyRead(30000), "the saving child stopped reporting");
            pending += child.readAllStandardOutput();
            int nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                QByteArray line = pending.left(nl);
                pending.remove(0, nl + 1);
                if (line.startsWith("saved ")) lastReported = line.split(' ').value(1).toLong();
            }
        }
        ::kill(pid_t(child.processId()), SIGKILL);  // mid-save, most likely: it saves in a tight loop
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        // Saves completed after the last line we read may exist; none may be half-written.
        pending += child.readAllStandardOutput();
        for (const QByteArray& line : pending.split('\n'))
            if (line.startsWith("saved ")) lastReported = line.split(' ').value(1).toLong();

        tint::Project p = tint::Project::open(root);  // must not throw
        const auto& classes = p.data().classes;
        QCOMPARE(int(classes.size()), 1);
        // Generation n renames the class to "generation n xxx…" (n % 7 * 25 x's).
        QString name = QString::fromStdString(classes[0].name);
        long gen     = name.section(QLatin1Char(' '), 1, 1).toLong();
        QVERIFY2(gen == lastReported || gen == lastReported + 1,
                 qPrintable(QStringLiteral("on disk %1, last reported %2").arg(gen).arg(lastReported)));
        QCOMPARE(int(name.section(QLatin1Char(' '), 2).size()), int(gen % 7) * 25);
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crash_safety.moc"
