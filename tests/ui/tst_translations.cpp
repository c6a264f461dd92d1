// The Swedish translation is built, loads, and translates the main menu.
#include <QCoreApplication>
#include <QTranslator>
#include <QtTest>

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void swedishLoads() {
        QTranslator t;
        QVERIFY(t.load(QStringLiteral(TINT_QM_DIR "/tintbench_sv.qm")));
        QCOMPARE(t.language(), QStringLiteral("sv_SE"));
        QCOMPARE(t.translate("MainWindow", "&File"), QStringLiteral("&Arkiv"));
        QCOMPARE(t.translate("MainWindow", "&Help"), QStringLiteral("&Hjälp"));
        QCOMPARE(t.translate("SupportPane", "&Add class…"), QStringLiteral("&Lägg till klass…"));
    }
};

QTEST_APPLESS_MAIN(TestTranslations)
#include "tst_translations.moc"
