// tintbench: the workbench GUI.
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>

#include "Application.h"
#include "tint/Log.h"
#include "tint/Runtime.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TINT Workbench"));
    QApplication::setApplicationName(QStringLiteral("tintbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("TINT Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(TINT_VERSION));

    // The UI follows the system locale (LANG / LC_ALL).
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    // Untranslated locales (and "C") still get English plural forms.
    if (translator.load(QLocale(), QStringLiteral("tintbench"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        translator.load(QStringLiteral(":/i18n/tintbench_en.qm")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Turns a few labelled photos into a tiny, fast image classifier."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QApplication::translate("main", "Open the bundled demo project."));
    QCommandLineOption shots(QStringLiteral("screenshots"),
                             QApplication::translate("main", "Render every pane to PNG files in <dir>, then quit."),
                             QStringLiteral("dir"));
    QCommandLineOption flow(QStringLiteral("screenshot-flow"),
                            QApplication::translate("main", "With --screenshots: first run the workflow on the project "
                                                            "(with <generator> also inversion and TINT sampling; 'none' without)."),
                            QStringLiteral("generator"));
    parser.addOption(demo);
    parser.addOption(shots);
    parser.addOption(flow);
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QApplication::translate("main", "A project folder (*.tintproj) to open."));
    parser.process(app);

    tint::log::init(true);
    StartOptions options;
    options.demo          = parser.isSet(demo);
    options.screenshotDir = parser.value(shots);
    options.screenshotFlow = parser.isSet(flow);
    if (parser.value(flow) != QLatin1String("none")) options.screenshotGenerator = parser.value(flow);
    if (!parser.positionalArguments().isEmpty()) options.project = parser.positionalArguments().constFirst();

    Application workbench;
    workbench.start(options);
    return app.exec();
}
