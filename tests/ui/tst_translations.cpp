// The Swedish translation is built, loads, and translates the main menu.
#include <QCoreApplication>
#include <QFile>
#include <QTranslator>
#include <QXmlStreamReader>
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
        QCOMPARE(t.translate("SyntheticPane", "%n image(s)", nullptr, 2), QStringLiteral("%n bilder"));
    }

    void englishPluralsLoad() {
        QTranslator t;
        QVERIFY(t.load(QStringLiteral(TINT_QM_DIR "/tintbench_en.qm")));
        QCOMPARE(t.translate("SyntheticPane", "%n image(s)", nullptr, 1), QStringLiteral("%n image"));
        QCOMPARE(t.translate("SyntheticPane", "%n image(s)", nullptr, 3), QStringLiteral("%n images"));
    }

    // Every message of every .ts file is translated (none left "unfinished" or empty).
    void translationsAreComplete_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("sv") << QStringLiteral(TINT_TS_DIR "/tintbench_sv.ts");
        QTest::newRow("en plurals") << QStringLiteral(TINT_TS_DIR "/tintbench_en.ts");
    }
    void translationsAreComplete() {
        QFETCH(QString, file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&f);
        int messages = 0;
        QStringList untranslated;
        QString source;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement()) continue;
            if (xml.name() == QLatin1String("message")) ++messages;
            if (xml.name() == QLatin1String("source")) source = xml.readElementText();
            if (xml.name() == QLatin1String("translation")) {
                bool unfinished = xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
                bool vanished   = xml.attributes().value(QLatin1String("type")) == QLatin1String("vanished") ||
                                xml.attributes().value(QLatin1String("type")) == QLatin1String("obsolete");
                QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                if (!vanished && (unfinished || text.trimmed().isEmpty())) untranslated << source;
            }
        }
        QVERIFY(!xml.hasError());
        QVERIFY(messages > 0);
        QVERIFY2(untranslated.isEmpty(), qPrintable(untranslated.join(QLatin1Char('\n'))));
    }
};

QTEST_APPLESS_MAIN(TestTranslations)
#include "tst_translations.moc"
