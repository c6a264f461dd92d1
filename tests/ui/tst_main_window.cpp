// Offscreen smoke test of the whole window: first start creates and opens the demo project on
// the engine thread, every pane is there, and the panes' models show the project.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDockWidget>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QTemporaryDir>
#include <QIcon>
#include <QStatusBar>
#include <QListView>
#include <QMenuBar>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <thread>

#include <QSpinBox>

#include "Application.h"
#include "EngineClient.h"
#include "MainWindow.h"
#include "ProjectController.h"
#include "models/ClassListModel.h"
#include "models/SupportImageModel.h"
#include "panes/DistillPane.h"
#include "panes/InversionPane.h"
#include "panes/SupportPane.h"
#include "gallery/SampleModel.h"
#include "panes/SyntheticPane.h"
#include "widgets/LogView.h"
#include "widgets/PlotWidget.h"

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // settings and the demo go to a test location
        qApp->setProperty("tint_no_dialogs", true);
        std::error_code ec;
        std::filesystem::remove_all(Application::demoProjectDir().toStdString(), ec);
    }

    void opensTheDemoProject() {
        Application app;
        QSignalSpy idle(&app, &Application::idle);
        QSignalSpy opened(app.project(), &ProjectController::projectOpened);
        app.start(StartOptions{QString(), true, QString()});
        QVERIFY(opened.wait(120000));
        MainWindow* w = app.window();
        QVERIFY(w->isVisible());
        QCOMPARE(w->tabs()->count(), 4);
        QVERIFY(w->findChild<QDockWidget*>(QStringLiteral("LogDock")) != nullptr);
        QStringList menus;
        for (QAction* a : w->menuBar()->actions()) menus << a->text();
        QCOMPARE(menus, (QStringList{QStringLiteral("&File"), QStringLiteral("&Settings"), QStringLiteral("&Help")}));

        SupportPane* support = w->supportPane();
        ClassListModel* classes = support->classModel();
        QAbstractItemModelTester tester(classes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(classes->rowCount(), 5);
        QStringList names;
        for (int i = 0; i < 5; ++i) names << classes->data(classes->index(i), Qt::EditRole).toString();
        QCOMPARE(names, (QStringList{QStringLiteral("daisy"), QStringLiteral("dandelion"), QStringLiteral("roses"),
                                     QStringLiteral("sunflowers"), QStringLiteral("tulips")}));
        for (int i = 0; i < 5; ++i) QCOMPARE(classes->data(classes->index(i), ClassListModel::SupportCountRole).toInt(), 5);

        // The first class is selected and its thumbnails arrive from the engine thread.
        SupportImageModel* images = support->imageModel();
        QAbstractItemModelTester imageTester(images, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(support->currentClass(), 0);
        QCOMPARE(images->rowCount(), 5);
        auto iconColor = [&](int row) {
            QIcon icon = images->data(images->index(row), Qt::DecorationRole).value<QIcon>();
            return icon.pixmap(16, 16).toImage().pixelColor(8, 8);
        };
        QTRY_VERIFY_WITH_TIMEOUT(iconColor(4) != QColor(0xe4, 0xe4, 0xe4), 60000);

        // Selecting another class shows its images.
        support->selectClass(3);
        QCOMPARE(images->classIndex(), 3);
        QVERIFY(images->data(images->index(0), SupportImageModel::FilePathRole).toString().contains(QStringLiteral("/support/sunflowers/")));

        // The other panes are there and follow the project.
        QCOMPARE(w->inversionPane()->classBox()->count(), 5);
        QCOMPARE(w->inversionPane()->lossPlot()->pointCount(0), 0);
        QCOMPARE(w->distillPane()->confusionModel()->rowCount(), 5);
        QCOMPARE(w->distillPane()->confusionModel()->columnCount(), 5);
        QVERIFY(w->distillPane()->accuracyPlot() != nullptr);
        QAbstractItemModelTester synthTester(w->syntheticPane()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(w->syntheticPane()->model()->rowCount(), 0);

        // The log dock received the engine's messages.
        QTRY_VERIFY_WITH_TIMEOUT(w->logView()->lineCount() > 0, 10000);

        // A second start opens the same project instead of creating it again.
        QString root = app.project()->rootPath();
        QVERIFY(root.endsWith(QStringLiteral("Flowers.tintproj")));
    }

    // A thumbnail job cancelled before it ran: its images are asked for again when their class is
    // shown the next time, instead of staying grey for the rest of the session.
    void cancelledThumbnailsAreAskedForAgain() {
        Application app;
        QSignalSpy opened(app.project(), &ProjectController::projectOpened);
        app.start(StartOptions{QString(), true, QString()});
        if (opened.count() == 0) QVERIFY(opened.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
        SupportPane* support     = app.window()->supportPane();
        SupportImageModel* model = support->imageModel();
        // A job that holds the queue, so that the thumbnail job waits behind it.
        std::atomic<bool> release{false};
        app.engine()->submit(QStringLiteral("holding the queue"), [&release](tint::JobContext& ctx) {
            while (!release) {
                ctx.throw_if_cancelled();
                std::this_thread::yield();
            }
            return std::function<void()>();
        });
        QSignalSpy wanted(model, &SupportImageModel::thumbnailsWanted);
        support->selectClass(4);  // tulips: not shown yet, so its thumbnails are asked for
        QCOMPARE(wanted.count(), 1);
        const QStringList paths = wanted.first().at(0).toStringList();
        QCOMPARE(paths.size(), 5);
        QSignalSpy cancelled(app.engine(), &EngineClient::jobCancelled);
        app.engine()->cancelAll();
        release = true;
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
        QVERIFY(cancelled.count() >= 1);
        const QIcon first = model->data(model->index(0), Qt::DecorationRole).value<QIcon>();
        QCOMPARE(first.pixmap(16, 16).toImage().pixelColor(8, 8), QColor(0xe4, 0xe4, 0xe4));  // still the placeholder
        wanted.clear();
        support->selectClass(0);
        support->selectClass(4);
        QVERIFY(wanted.count() >= 1);
        QCOMPARE(wanted.last().at(0).toStringList(), paths);
    }

    // Dropping files on the window imports them into the selected class on the engine thread; a bad
    // file among them is reported while the good one is added.
    void dropImportsIntoTheSelectedClass() {
        Application app;
        QSignalSpy opened(app.project(), &ProjectController::projectOpened);
        app.start(StartOptions{QString(), true, QString()});
        if (opened.count() == 0) QVERIFY(opened.wait(30000));
        MainWindow* w = app.window();
        w->supportPane()->selectClass(2);
        const int before = app.project()->classAt(2)->supports.size();
        QTemporaryDir dir;
        QImage img(40, 30, QImage::Format_RGB888);
        img.fill(QColor(10, 200, 30));
        QVERIFY(img.save(dir.filePath(QStringLiteral("green rose.png"))));
        QFile bad(dir.filePath(QStringLiteral("broken.jpg")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a jpeg");
        bad.close();
        auto* mime = new QMimeData;
        mime->setUrls({QUrl::fromLocalFile(dir.filePath(QStringLiteral("green rose.png"))),
                       QUrl::fromLocalFile(dir.filePath(QStringLiteral("broken.jpg")))});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(w, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(int(app.project()->classAt(2)->supports.size()), before + 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w->statusBar()->currentMessage().contains(QStringLiteral("could not be imported")), 10000);
        QCOMPARE(w->supportPane()->imageModel()->rowCount(), before + 1);
        delete mime;
        // Leave the demo as it was for the other tests.
        QString error;
        QVERIFY(app.project()->removeSupports(2, {before}, &error));
    }

    void reopensTheLastProject() {
        Application app;
        QSignalSpy opened(app.project(), &ProjectController::projectOpened);
        app.start(StartOptions{});
        if (opened.count() == 0) QVERIFY(opened.wait(30000));
        QCOMPARE(app.project()->classCount(), 5);
        QCOMPARE(app.project()->rootPath(), QDir::cleanPath(Application::demoProjectDir()));
    }

    // Settings outside the boxes' ranges (the command line takes any seed) survive the pane
    // unchanged, so saving them does not make finished inversions out of date; a box the user
    // changes wins.
    void inversionSettingsOutsideTheBoxesSurvive() {
        Application app;
        InversionPane* inv    = app.window()->inversionPane();
        tint::TintSettings s  = inv->settings();
        s.seed                = 5'000'000'000ULL;
        s.ti_steps            = 123;
        inv->setSettings(s);
        QCOMPARE(inv->settings().seed, std::uint64_t(5'000'000'000ULL));
        QCOMPARE(inv->settings().ti_steps, 123);
        auto* seedBox = inv->findChild<QSpinBox*>(QStringLiteral("InversionSeed"));
        QVERIFY(seedBox);
        seedBox->setValue(7);
        QCOMPARE(inv->settings().seed, std::uint64_t(7));
    }

    void badProjectPathShowsAnError() {
        Application app;
        app.start(StartOptions{QStringLiteral("/nonexistent/x.tintproj"), false, QString()});
        QVERIFY(!app.project()->isOpen());
        QVERIFY(app.window()->statusBar()->currentMessage().contains(QStringLiteral("not a project folder")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
