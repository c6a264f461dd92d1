// The Swedish translation is built, loads, and translates the main menu; every UI string of the
// sources is in it (lupdate is run on ui/ and app/ and its messages compared with the .ts files).
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTranslator>
#include <QXmlStreamReader>
#include <QtTest>

namespace {
struct TsMessage {
    QString context, source, comment;
    bool numerus  = false;
    bool vanished = false;  // type="vanished" or "obsolete": no longer in the sources
    QString key() const { return context + QLatin1Char('\x1f') + source + QLatin1Char('\x1f') + comment; }
    QString label() const {
        return QStringLiteral("[%1] \"%2\"%3")
            .arg(context, source, comment.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(comment));
    }
};

// The messages of a .ts file, or an error.
[[maybe_unused]] QList<TsMessage> readTs(const QString& file, QString* error) {
    QList<TsMessage> out;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open %1").arg(file);
        return out;
    }
    QXmlStreamReader xml(&f);
    QString context;
    TsMessage m;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isEndElement() && xml.name() == QLatin1String("message")) out << m;
        if (!xml.isStartElement()) continue;
        const auto name = xml.name();
        if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            m         = TsMessage{};
            m.context = context;
            m.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (name == QLatin1String("source")) {
            m.source = xml.readElementText();
        } else if (name == QLatin1String("comment")) {
            m.comment = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            const auto type = xml.attributes().value(QLatin1String("type"));
            m.vanished      = type == QLatin1String("vanished") || type == QLatin1String("obsolete");
        }
    }
    if (xml.hasError()) *error = QStringLiteral("%1: %2").arg(file, xml.errorString());
    return out;
}
}  // namespace

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
        QCOMPARE(t.translate("SyntheticPane", "%n image(s) shown", nullptr, 2), QStringLiteral("%n bilder visas"));
    }

    void englishPluralsLoad() {
        QTranslator t;
        QVERIFY(t.load(QStringLiteral(TINT_QM_DIR "/tintbench_en.qm")));
        QCOMPARE(t.translate("SyntheticPane", "%n image(s) shown", nullptr, 1), QStringLiteral("%n image shown"));
        QCOMPARE(t.translate("SyntheticPane", "%n image(s) shown", nullptr, 3), QStringLiteral("%n images shown"));
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

    // lupdate on the ui/ and app/ sources (as app/CMakeLists.txt runs it) finds no message that is
    // missing from tintbench_sv.ts, and no plural (%n) message that is missing from tintbench_en.ts.
    // A new tr() string fails here until the .ts files are updated (lupdate -no-obsolete) and translated.
    void sourcesAreAllInTheTsFiles() {
#if !defined(TINT_LUPDATE) || !defined(TINT_SOURCE_DIR)
        QSKIP("built without TINT_LUPDATE and TINT_SOURCE_DIR (see tests/CMakeLists.txt)");
#else
        const QString lupdate = QStringLiteral(TINT_LUPDATE);
        if (!QFileInfo(lupdate).isExecutable()) QSKIP(qPrintable(QStringLiteral("no lupdate at ") + lupdate));
        const QDir root(QStringLiteral(TINT_SOURCE_DIR));
        QStringList sources;
        const auto collect = [&](const QString& dir, QDirIterator::IteratorFlags flags) {
            QDirIterator it(root.filePath(dir), {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, flags);
            while (it.hasNext()) sources << it.next();
        };
        collect(QStringLiteral("ui"), QDirIterator::Subdirectories);
        collect(QStringLiteral("app"), QDirIterator::NoIteratorFlags);  // app/cli/ is the Qt-free CLI
        QVERIFY(sources.size() > 10);
        sources.sort();

        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString ts = tmp.filePath(QStringLiteral("sources_sv.ts"));
        QStringList args{QStringLiteral("-silent"),
                         QStringLiteral("-locations"),
                         QStringLiteral("none"),
                         QStringLiteral("-I"),
                         root.filePath(QStringLiteral("ui")),
                         QStringLiteral("-I"),
                         root.filePath(QStringLiteral("app"))};
        args << sources << QStringLiteral("-ts") << ts;
        QProcess p;
        p.setWorkingDirectory(root.path());
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(lupdate, args);
        QVERIFY2(p.waitForFinished(60000), qPrintable(p.errorString()));
        const QString log = QString::fromLocal8Bit(p.readAll());
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(log));

        QString error;
        const QList<TsMessage> found = readTs(ts, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(found.size() > 100,
                 qPrintable(QStringLiteral("lupdate found only %1 messages\n").arg(found.size()) + log));

        const auto keysOf = [](const QList<TsMessage>& ms) {
            QSet<QString> keys;
            for (const auto& m : ms)
                if (!m.vanished) keys.insert(m.key());
            return keys;
        };
        const QList<TsMessage> sv = readTs(QStringLiteral(TINT_TS_DIR "/tintbench_sv.ts"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QList<TsMessage> en = readTs(QStringLiteral(TINT_TS_DIR "/tintbench_en.ts"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QSet<QString> svKeys = keysOf(sv), enKeys = keysOf(en), foundKeys = keysOf(found);

        QStringList missingSv, missingEn, stale;
        for (const auto& m : found) {
            if (!svKeys.contains(m.key())) missingSv << m.label();
            if (m.numerus && !enKeys.contains(m.key())) missingEn << m.label();
        }
        for (const auto& m : sv)
            if (!m.vanished && !foundKeys.contains(m.key())) stale << m.label();
        if (!stale.isEmpty())
            qWarning("%s", qPrintable(QStringLiteral("%1 message(s) of tintbench_sv.ts are no longer in the sources "
                                                     "(run lupdate -no-obsolete):\n  ")
                                          .arg(stale.size()) +
                                      stale.join(QStringLiteral("\n  "))));
        QVERIFY2(
            missingSv.isEmpty(),
            qPrintable(
                QStringLiteral("%1 source string(s) missing from tintbench_sv.ts (run lupdate and translate them):\n  ")
                    .arg(missingSv.size()) +
                missingSv.join(QStringLiteral("\n  "))));
        QVERIFY2(
            missingEn.isEmpty(),
            qPrintable(QStringLiteral("%1 plural string(s) missing from tintbench_en.ts (run lupdate -pluralonly):\n  ")
                           .arg(missingEn.size()) +
                       missingEn.join(QStringLiteral("\n  "))));
#endif
    }
};

// A QCoreApplication for QProcess.
QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
