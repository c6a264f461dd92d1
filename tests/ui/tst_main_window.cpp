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
#include <QRandomGenerator>
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
#include "tint/Project.h"

class TestMainWindow : public QObject {
    Q_OBJECT
    // Starts the workbench on the demo project (made by the first test) and waits until its
    // start-up jobs have finished.
    void startOnTheDemo(Application& app) {
        QSignalSpy opened(app.project(), &ProjectController::projectOpened);
        app.start(StartOptions{QString(), true, QString()});
        if (opened.count() == 0) QVERIFY(opened.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
    }

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
        QCOMPARE(menus, (QStringList{QStringLiteral("&File"), QStringLiteral("&Edit"), QStringLiteral("&Job"),
                             QStringLiteral("&Settings"), QStringLiteral("&Help")}));

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

    // Thumbnails are made beside the engine's job queue: a long job does not keep them grey.
    void thumbnailsDoNotWaitForJobs() {
        Application app;
        startOnTheDemo(app);
        if (QTest::currentTestFailed()) return;
        SupportPane* support     = app.window()->supportPane();
        SupportImageModel* model = support->imageModel();
        std::atomic<bool> release{false};
        QSignalSpy started(app.engine(), &EngineClient::jobStarted);
        app.engine()->submit(QStringLiteral("holding the queue"), [&release](tint::JobContext& ctx) {
            while (!release) {
                ctx.throw_if_cancelled();
                std::this_thread::yield();
            }
            return std::function<void()>();
        });
        QVERIFY(started.count() > 0 || started.wait(30000));
        support->selectClass(4);  // tulips: not shown yet
        QCOMPARE(model->rowCount(), 5);
        auto centre = [model](int row) {
            return model->data(model->index(row), Qt::DecorationRole).value<QIcon>().pixmap(160, 160).toImage().pixelColor(80, 80);
        };
        const QColor placeholder(0xe4, 0xe4, 0xe4);
        QCOMPARE(centre(0), placeholder);
        QTRY_VERIFY_WITH_TIMEOUT(centre(0) != placeholder && centre(4) != placeholder, 30000);
        QVERIFY(app.engine()->currentJob() != 0);  // the job still holds the queue
        release = true;
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
    }

    // Closing the window during an import stops it, records the photos it had copied, and only
    // then closes: no copy in the project folder is left unrecorded.
    void closingWaitsForTheImport() {
        Application app;
        startOnTheDemo(app);
        if (QTest::currentTestFailed()) return;
        MainWindow* w = app.window();
        QTemporaryDir dir;
        QStringList files;
        QRandomGenerator noise(7);
        for (int i = 0; i < 120; ++i) {  // distinct noisy photos (about 60 MB), slow enough that the close comes mid-way
            QImage img(800, 600, QImage::Format_RGB32);
            for (int y = 0; y < img.height(); ++y) {
                auto* line = reinterpret_cast<quint32*>(img.scanLine(y));
                for (int x = 0; x < img.width(); ++x) line[x] = noise.generate();
            }
            files << dir.filePath(QStringLiteral("noise %1.jpg").arg(i));
            QVERIFY(img.save(files.last(), "JPG", 85));
        }
        const int cls    = 1;
        const int before = int(app.project()->classAt(cls)->supports.size());
        QSignalSpy progress(app.engine(), &EngineClient::jobProgress);
        app.importFiles(cls, files);
        auto copied = [&progress] {
            for (const auto& args : progress) {
                const auto p = args.at(0).value<JobProgress>();
                if (p.stage == QLatin1String("import") && p.step >= 3) return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(copied(), 60000);
        QVERIFY(!w->close());
        QVERIFY(w->isVisible());  // waits for the import to stop and hand back what it copied
        QTRY_VERIFY_WITH_TIMEOUT(!w->isVisible(), 60000);
        const std::string root = app.project()->rootPath().toStdString();
        tint::Project onDisk   = tint::Project::open(root);
        const auto& cls1       = onDisk.data().classes[std::size_t(cls)];
        const auto inFolder    = tint::list_image_files((std::filesystem::path(root) / "support" / cls1.dir).string());
        QCOMPARE(inFolder.size(), cls1.supports.size());
        QVERIFY(int(cls1.supports.size()) > before);
        QVERIFY2(int(cls1.supports.size()) < before + 120, "the import ended before the close: the test proves nothing");
        // Leave the demo as it was for the other tests.
        QList<int> added;
        for (int i = before; i < int(cls1.supports.size()); ++i) added << i;
        QString error;
        QVERIFY2(app.project()->removeSupports(cls, added, &error), qPrintable(error));
    }

    // Esc asks to cancel the running job (answered yes offscreen); the action is off when none runs.
    void escapeCancelsTheRunningJob() {
        Application app;
        MainWindow* w = app.window();
        w->show();
        QVERIFY(QTest::qWaitForWindowActive(w));
        QVERIFY(!w->cancelJobAction()->isEnabled());
        QCOMPARE(w->cancelJobAction()->shortcut(), QKeySequence(QKeySequence::Cancel));
        QSignalSpy started(app.engine(), &EngineClient::jobStarted);
        QSignalSpy cancelled(app.engine(), &EngineClient::jobCancelled);
        app.engine()->submit(QStringLiteral("waiting for Esc"), [](tint::JobContext& ctx) {
            for (;;) {
                ctx.throw_if_cancelled();
                std::this_thread::yield();
            }
            return std::function<void()>();
        });
        QVERIFY(started.wait(30000));
        QVERIFY(w->cancelJobAction()->isEnabled());
        QTest::keyClick(w->tabs(), Qt::Key_Escape);  // the shortcut, as a user presses it
        QVERIFY(cancelled.wait(30000));
        QTRY_VERIFY(!w->cancelJobAction()->isEnabled());
    }

    // Dropping files on the window imports them into the selected class on the engine thread; a bad
    // file among them is reported while the good one is added.
    void dropImportsIntoTheSelectedClass() {
        Application app;
        startOnTheDemo(app);
        if (QTest::currentTestFailed()) return;
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
        // Delete in the image list removes the selected image (it asks first; yes offscreen), which
        // also leaves the demo as it was for the other tests.
        QListView* images = w->supportPane()->imageView();
        images->selectionModel()->select(images->model()->index(before, 0), QItemSelectionModel::ClearAndSelect);
        images->setFocus();
        QTest::keyClick(images, Qt::Key_Delete);
        QCOMPARE(int(app.project()->classAt(2)->supports.size()), before);
        QCOMPARE(w->supportPane()->imageModel()->rowCount(), before);
    }

    // The class list's highlight, the header and the image grid always name the same class: after
    // a project is opened again, after the shown class is removed, and after a class before it is.
    void shownClassStaysConsistent() {
        Application app;
        QTemporaryDir dir;
        QString error;
        ProjectController* project = app.project();
        QVERIFY2(project->create(dir.filePath(QStringLiteral("Three.tintproj")), QStringLiteral("Three"), &error),
                 qPrintable(error));
        for (const char* name : {"alpha", "beta", "gamma", "delta"})
            QVERIFY2(project->addClass(QString::fromLatin1(name), &error), qPrintable(error));
        // The Distillation pane names the classes that still need photos.
        QVERIFY2(app.window()->distillPane()->statusText().contains(QStringLiteral("alpha, beta, gamma, delta")),
                 qPrintable(app.window()->distillPane()->statusText()));
        SupportPane* support = app.window()->supportPane();
        auto consistent      = [&](int row) {
            return support->currentClass() == row && support->imageModel()->classIndex() == row;
        };
        support->selectClass(2);
        QVERIFY(consistent(2));
        const QString first = project->rootPath();
        QVERIFY2(project->create(dir.filePath(QStringLiteral("Other.tintproj")), QStringLiteral("Other"), &error),
                 qPrintable(error));
        QVERIFY(consistent(-1));  // no classes
        // (opening a project reads its synthetic images in a job: another opens when it is done)
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
        app.openProject(first);  // opened again: the first class, in both
        QVERIFY2(project->rootPath() == first, qPrintable(app.window()->statusBar()->currentMessage()));
        QVERIFY(consistent(0));
        support->selectClass(3);  // delta, the last
        QVERIFY2(project->removeClass(3, &error), qPrintable(error));
        QVERIFY(consistent(2));  // gamma, now last
        support->selectClass(2);
        QVERIFY2(project->removeClass(0, &error), qPrintable(error));  // alpha, before gamma
        QVERIFY(consistent(1));  // still gamma
        QCOMPARE(QString::fromStdString(project->classAt(support->currentClass())->name), QStringLiteral("gamma"));
    }

    // Tab moves down the Distillation form in the order it is shown (Student, then Width).
    void tabFollowsTheDistillationForm() {
        Application app;
        auto* student = app.window()->distillPane()->findChild<QComboBox*>(QStringLiteral("DistillStudent"));
        auto* width   = app.window()->distillPane()->findChild<QWidget*>(QStringLiteral("DistillWidth"));
        QVERIFY(student && width);
        QWidget* next = student->nextInFocusChain();
        while (next && (student->isAncestorOf(next) || !(next->focusPolicy() & Qt::TabFocus))) next = next->nextInFocusChain();
        QVERIFY(next);
        QVERIFY2(next == width || width->isAncestorOf(next), qPrintable(next->objectName() + QLatin1Char(' ') +
                                                                          QString::fromLatin1(next->metaObject()->className())));
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
