// The whole workflow driven through the GUI, offscreen, on the tiny fixture models: import ->
// invert -> synthesise -> curate by keyboard (with undo) -> distil one epoch -> export ONNX (OpenCV
// loads it), tokens, curated dataset and model card. Asserts on the models and on the files;
// every wait is on a signal.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSpinBox>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QtTest>

#include <opencv2/dnn.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "Application.h"
#include "EngineClient.h"
#include "MainWindow.h"
#include "ProjectController.h"
#include "SettingsDialog.h"
#include "WorkflowController.h"
#include "gallery/GalleryFilterModel.h"
#include "gallery/SampleModel.h"
#include "panes/DistillPane.h"
#include "panes/InversionPane.h"
#include "panes/SupportPane.h"
#include "panes/SyntheticPane.h"
#include "tint/Error.h"
#include "tint/Tint.h"
#include "tint/Workflow.h"
#include "widgets/PlotWidget.h"

namespace fs = std::filesystem;

namespace {
const QString kPhotos = QStringLiteral(TINT_SOURCE_RESOURCES "/demo/flowers");
const int kLong       = 600000;

/// A folder per class under `source` with the first `count` demo photos of each class; false when
/// a class has fewer photos or a copy fails.
bool copyDemoPhotos(const QString& source, const QStringList& classes, int count) {
    for (const QString& cls : classes) {
        const QString to = source + QLatin1Char('/') + cls;
        QDir().mkpath(to);
        const auto files = tint::list_image_files((kPhotos + QLatin1Char('/') + cls).toStdString());
        if (int(files.size()) < count) return false;
        for (int i = 0; i < count; ++i) {
            const QString from = QString::fromStdString(files[std::size_t(i)]);
            if (!QFile::copy(from, to + QLatin1Char('/') + QFileInfo(from).fileName())) return false;
        }
    }
    return true;
}

/// Statuses as the project has them on disk.
std::map<std::string, std::string> statusesOnDisk(const tint::Project& p) {
    std::map<std::string, std::string> out;
    for (const auto& s : tint::list_samples(p.root(), p.data())) out[s.record.file] = s.record.status;
    return out;
}
}  // namespace

class TestWorkflow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        qApp->setProperty("tint_no_dialogs", true);
        QVERIFY(m_dir.isValid());
    }

    void wholeFlow() {
        // A folder per class with three photos each (the rest of the demo photos validate).
        const QString source = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(copyDemoPhotos(source, {QStringLiteral("daisy"), QStringLiteral("roses")}, 3));

        Application app;
        MainWindow* w              = app.window();
        ProjectController* project = app.project();
        WorkflowController* flow   = app.workflow();
        w->show();
        QSignalSpy idle(&app, &Application::idle);
        QString error;
        QVERIFY2(project->create(m_dir.filePath(QStringLiteral("Flow.tintproj")), QStringLiteral("Flow"), &error),
                 qPrintable(error));

        // Import: two classes from the folder tree.
        app.importClassFolders(source);
        QTRY_COMPARE_WITH_TIMEOUT(project->classCount(), 2, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(project->classAt(0)->supports.size() == 3 && project->classAt(1)->supports.size() == 3, 60000);

        // Models: the tiny Stable Diffusion pipeline and the tiny DINOv2 teacher.
        tint::ModelSettings models;
        models.generator_dir = TINT_TEST_DATA "/sd/tiny-sd15";
        models.teacher_dir   = TINT_TEST_DATA "/teachers/dinov2-tiny";
        QVERIFY(project->setModels(models, &error));

        // Invert both classes with small settings (the algorithm is size-independent).
        InversionPane* inv = w->inversionPane();
        QVERIFY(inv->runButton()->isEnabled());
        tint::TintSettings ts = inv->settings();
        ts.resolution      = 32;
        ts.steps           = 4;
        ts.ti_steps        = 12;
        ts.nti_inner_steps = 2;
        ts.checkpoint_every = 5;
        inv->setSettings(ts);
        QSignalSpy inverted(flow, &WorkflowController::inversionFinished);
        inv->runAllButton()->click();
        QVERIFY(inv->stopButton()->isEnabled());
        QVERIFY(inverted.wait(kLong));
        QCOMPARE(inverted.takeFirst().at(0).toBool(), true);
        // Live views were fed: the loss curve, the neighbours and each support's reconstruction.
        QVERIFY(inv->lossPlot()->pointCount(0) >= 12);
        QCOMPARE(inv->neighbours()->count(), 5);
        QCOMPARE(inv->reconstructions()->rowCount(), 3);
        QVERIFY(!inv->reconstructions()->item(0, 3)->text().isEmpty());
        QCOMPARE(inv->classTable()->item(0, 1)->text(), QStringLiteral("done"));
        QCOMPARE(inv->classTable()->item(1, 2)->text(), QStringLiteral("done"));
        QVERIFY(w->exportAction(1)->isEnabled());  // tokens can be exported now
        QVERIFY(w->syntheticPane()->generatorInfo().isEmpty());  // every class inverted
        // A class without an inversion: the Synthetic pane says that TINT leaves it out.
        QVERIFY2(project->addClass(QStringLiteral("lilies"), &error), qPrintable(error));
        QVERIFY2(w->syntheticPane()->generatorInfo().contains(QStringLiteral("Not inverted yet (step 2): lilies")),
                 qPrintable(w->syntheticPane()->generatorInfo()));
        QVERIFY2(project->removeClass(2, &error), qPrintable(error));
        QVERIFY(w->syntheticPane()->generatorInfo().isEmpty());
        // A changed setting puts the finished inversions out of date. Running then asks before it
        // deletes them; No keeps them and starts nothing.
        {
            auto* seedBox     = inv->findChild<QSpinBox*>(QStringLiteral("InversionSeed"));
            const int seed    = seedBox->value();
            seedBox->setValue(seed + 1);
            Q_EMIT seedBox->editingFinished();  // as when the user leaves the box
            QCOMPARE(inv->classTable()->item(0, 1)->text(), QStringLiteral("out of date"));
            QString asked;
            QTimer no;
            answerModal<QMessageBox>(no, [&](QMessageBox* box) {
                asked = box->text();
                box->button(QMessageBox::No)->click();
            });
            qApp->setProperty("tint_no_dialogs", false);
            flow->invert(0, false);
            qApp->setProperty("tint_no_dialogs", true);
            QVERIFY2(asked.contains(QString::fromStdString(project->classAt(0)->name)), qPrintable(asked));
            QCOMPARE(app.engine()->currentJob(), JobId(0));
            QCOMPARE(app.engine()->pendingCount(), 0);
            seedBox->setValue(seed);  // the stored inversion was kept: done again
            Q_EMIT seedBox->editingFinished();
            QCOMPARE(inv->classTable()->item(0, 1)->text(), QStringLiteral("done"));
            // Run on a finished class says so and starts nothing.
            flow->invert(0, false);
            QCOMPARE(app.engine()->currentJob(), JobId(0));
            QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("already inverted")),
                     qPrintable(w->statusBar()->currentMessage()));
            // The live views name the class they show.
            QVERIFY2(inv->lossPlot()->title().startsWith(QStringLiteral("Textual inversion loss: ")),
                     qPrintable(inv->lossPlot()->title()));
        }
        // TINT is preselected once it is available; a user's choice of the augmentation generator
        // then stays when anything refreshes the pane.
        QComboBox* generator = w->syntheticPane()->generatorBox();
        QCOMPARE(generator->currentIndex(), 0);
        generator->setCurrentIndex(1);
        Q_EMIT w->distillPane()->settingsChanged();  // what every settings change in a pane sends
        QCOMPARE(generator->currentIndex(), 1);
        generator->setCurrentIndex(0);

        // Synthesise two images per class with TINT; they appear in the gallery, then get scored.
        SyntheticPane* syn  = w->syntheticPane();
        SampleModel* model  = syn->model();
        QAbstractItemModelTester t1(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(syn->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy made(flow, &WorkflowController::generationFinished);
        QSignalSpy scored(flow, &WorkflowController::scoringFinished);
        flow->generate(-1, 2, true);
        QVERIFY(made.wait(kLong));
        QCOMPARE(made.takeFirst().at(0).toInt(), 4);
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(model->data(model->index(0), SampleModel::GeneratorRole).toString(), QStringLiteral("tint"));
        QVERIFY(scored.wait(kLong));
        QCOMPARE(scored.takeFirst().at(0).toInt(), 4);
        for (int r = 0; r < 4; ++r) {
            QVERIFY(model->data(model->index(r), SampleModel::TeacherClassRole).toInt() >= 0);
            const double c = model->data(model->index(r), SampleModel::ConfidenceRole).toDouble();
            QVERIFY(c > 0.0 && c <= 1.0);
        }
        // Plus four augmentations, so the gallery mixes both generators.
        flow->generate(-1, 2, false);
        QVERIFY(made.wait(kLong));
        QCOMPARE(model->rowCount(), 8);
        QVERIFY(scored.wait(kLong));

        // Curate by keyboard: oldest first, A accepts and moves on, R rejects, Space toggles.
        w->tabs()->setCurrentWidget(syn);
        syn->proxy()->setOrder(GalleryFilterModel::Order::Oldest);
        GalleryView* view = syn->view();
        view->setFocus();
        view->setCurrentIndex(syn->proxy()->index(0, 0));
        QTest::keyClick(view, Qt::Key_A);
        QCOMPARE(view->currentIndex().row(), 1);
        QTest::keyClick(view, Qt::Key_R);
        QTest::keyClick(view, Qt::Key_Down);  // row 3 in icon mode may be right of 2: use the model order
        view->setCurrentIndex(syn->proxy()->index(2, 0));
        QTest::keyClick(view, Qt::Key_Space);  // new -> accepted
        auto status = [&](int proxyRow) { return syn->proxy()->index(proxyRow, 0).data(SampleModel::StatusRole).toString(); };
        QCOMPARE(status(0), QStringLiteral("accepted"));
        QCOMPARE(status(1), QStringLiteral("rejected"));
        QCOMPARE(status(2), QStringLiteral("accepted"));
        QCOMPARE(syn->undoStack()->count(), 3);
        tint::Project onDisk = tint::Project::open(project->rootPath().toStdString());
        auto disk            = statusesOnDisk(onDisk);
        const std::string f0 = syn->proxy()->index(0, 0).data(SampleModel::FilePathRole).toString().toStdString();
        const std::string f1 = syn->proxy()->index(1, 0).data(SampleModel::FilePathRole).toString().toStdString();
        auto rel             = [&](const std::string& abs) { return fs::relative(abs, onDisk.root()).generic_string(); };
        QCOMPARE(QString::fromStdString(disk[rel(f0)]), QStringLiteral("accepted"));
        QCOMPARE(QString::fromStdString(disk[rel(f1)]), QStringLiteral("rejected"));
        // Ctrl+Z undoes the toggle (saved at once too); Ctrl+Shift+Z redoes it.
        QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(status(2), QStringLiteral("new"));
        QCOMPARE(QString::fromStdString(statusesOnDisk(onDisk)[rel(syn->proxy()->index(2, 0).data(SampleModel::FilePathRole)
                                                                        .toString()
                                                                        .toStdString())]),
                 QStringLiteral("new"));
        QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(status(2), QStringLiteral("accepted"));
        // A curation button hands the keys back to the gallery.
        {
            QPushButton* acceptButton = nullptr;
            for (QPushButton* b : syn->findChildren<QPushButton*>())
                if (b->text() == QStringLiteral("&Accept selected")) acceptButton = b;
            QVERIFY(acceptButton);
            acceptButton->setFocus();
            const int steps = syn->undoStack()->index();
            QTest::mouseClick(acceptButton, Qt::LeftButton);
            QCOMPARE(w->focusWidget(), static_cast<QWidget*>(view));
            if (syn->undoStack()->index() > steps) syn->undo();
        }
        // Bulk: reject everything the teacher is less than 101 % sure of, then undo it in one step.
        // The user's accepted images keep that decision, and the status bar says so.
        const int before   = model->statusCounts().value(QStringLiteral("rejected"));
        const int accepted = model->statusCounts().value(QStringLiteral("accepted"));
        QCOMPARE(accepted, 2);
        QVERIFY(syn->rejectBelowConfidence(1.01) > 0);
        QCOMPARE(model->statusCounts().value(QStringLiteral("rejected")), 8 - accepted);
        QCOMPARE(model->statusCounts().value(QStringLiteral("accepted")), accepted);
        QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("2 accepted image")),
                 qPrintable(w->statusBar()->currentMessage()));
        syn->undoStack()->undo();
        QCOMPARE(model->statusCounts().value(QStringLiteral("rejected")), before);
        // An image the teacher puts in another class is rejected at any threshold; one it puts in
        // its own class only below its confidence.
        {
            int other = -1, own = -1;
            for (int r = 0; r < model->rowCount(); ++r) {
                const QModelIndex i = model->index(r);
                if (i.data(SampleModel::StatusRole).toString() == QLatin1String("accepted")) continue;
                const bool another = i.data(SampleModel::TeacherClassRole).toInt() != i.data(SampleModel::ClassRole).toInt();
                (another ? other : own) = r;
            }
            const QString ownBefore = own >= 0 ? model->index(own).data(SampleModel::StatusRole).toString() : QString();
            syn->rejectBelowConfidence(0.0);
            if (other >= 0)
                QCOMPARE(model->index(other).data(SampleModel::StatusRole).toString(), QStringLiteral("rejected"));
            if (own >= 0) QCOMPARE(model->index(own).data(SampleModel::StatusRole).toString(), ownBefore);
            QVERIFY(other >= 0 || own >= 0);
            if (other >= 0) syn->undoStack()->undo();
        }
        // Filter by status.
        syn->proxy()->setStatusFilter(QStringLiteral("accepted"));
        QCOMPARE(syn->proxy()->rowCount(), 2);
        syn->proxy()->setStatusFilter(QString());
        // With only the undecided shown, A accepts the current image and moves to the next
        // undecided one (the accepted image leaves the view; none is skipped).
        syn->proxy()->setStatusFilter(QStringLiteral("new"));
        const int undecided = syn->proxy()->rowCount();
        QVERIFY(undecided >= 3);
        const QString second = syn->proxy()->index(1, 0).data(SampleModel::IdRole).toString();
        view->setCurrentIndex(syn->proxy()->index(0, 0));
        QTest::keyClick(view, Qt::Key_A);
        QCOMPARE(syn->proxy()->rowCount(), undecided - 1);
        QCOMPARE(view->currentIndex().data(SampleModel::IdRole).toString(), second);
        QCOMPARE(view->currentIndex().data(SampleModel::StatusRole).toString(), QStringLiteral("new"));
        syn->undoStack()->undo();
        QCOMPARE(syn->proxy()->rowCount(), undecided);
        syn->proxy()->setStatusFilter(QString());

        // Distil one epoch, validated on the demo photos that are not supports.
        DistillPane* dis = w->distillPane();
        QAbstractItemModelTester t3(dis->runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t4(dis->confusionModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        tint::DistillSpec spec = dis->spec();
        spec.epochs            = 1;
        spec.input_size        = 32;
        spec.batch_size        = 8;
        spec.student           = "conv4";
        spec.validation_dir    = source.toStdString() + "-validation";
        for (const char* cls : {"daisy", "roses"}) {  // three other photos per class
            QDir().mkpath(QString::fromStdString(spec.validation_dir) + QLatin1Char('/') + QLatin1String(cls));
            auto files = tint::list_image_files((kPhotos + QLatin1Char('/') + QLatin1String(cls)).toStdString());
            for (int i = 3; i < 6; ++i)
                QVERIFY(QFile::copy(QString::fromStdString(files[std::size_t(i)]),
                                    QString::fromStdString(spec.validation_dir) + QLatin1Char('/') + QLatin1String(cls) +
                                        QStringLiteral("/%1.jpg").arg(i)));
        }
        spec.feature_weight    = 1.0;  // the feature term on the teacher's own views, set through the pane
        spec.train_augment     = false;
        dis->setSpec(spec);
        QCOMPARE(dis->spec().feature_weight, 1.0);
        QVERIFY(!dis->spec().train_augment);
        QSignalSpy trained(flow, &WorkflowController::distillationFinished);
        // The new run is listed while it trains: progress still arrives after its row appears.
        bool listed = false;
        int reportsAfterListing = 0;
        auto listing = connect(dis->runsModel(), &QStandardItemModel::rowsInserted, this, [&] { listed = true; });
        auto counting = connect(app.engine(), &EngineClient::jobProgress, this, [&] { reportsAfterListing += listed; });
        QVERIFY(dis->startButton()->isEnabled());
        QVERIFY(!dis->exportButton()->isEnabled());  // no run yet
        dis->startButton()->click();
        QVERIFY(!dis->startButton()->isEnabled());
        QVERIFY(!dis->settingsBox()->isEnabled());  // the run keeps the settings it started with
        QVERIFY(!dis->exportButton()->isEnabled());  // training
        QVERIFY(trained.wait(kLong));
        QVERIFY2(trained.first().at(1).toBool(), qPrintable(w->statusBar()->currentMessage()));
        QVERIFY(dis->settingsBox()->isEnabled());
        disconnect(listing);
        disconnect(counting);
        QVERIFY2(reportsAfterListing > 0, "the run was listed only when it had finished");
        const QString runId = trained.first().at(0).toString();
        QVERIFY(runId.startsWith(QStringLiteral("run-")));
        QVERIFY(dis->lossPlot()->pointCount(0) >= 1);
        QCOMPARE(dis->runsModel()->rowCount(), 1);
        QCOMPARE(dis->selectedRun(), runId);
        // The run's settings, readable in its tooltip.
        const QString settingsTip = dis->runsModel()->item(0, 0)->toolTip();
        QVERIFY2(settingsTip.contains(QStringLiteral("\nepochs: 1\n")) && settingsTip.contains(QStringLiteral("student: conv4")),
                 qPrintable(settingsTip));
        long long counted = 0;
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) counted += dis->confusionModel()->item(r, c)->text().toLongLong();
        QCOMPARE(counted, 6LL);
        // The settings were saved with the project.
        QVERIFY(QString::fromStdString(tint::Project::open(project->rootPath().toStdString()).data().distill_settings)
                    .contains(QStringLiteral("\"epochs\":1")));
        // Clicking a confusion cell shows its images.
        int cellRow = 0, cellCol = 0;
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c)
                if (dis->confusionModel()->item(r, c)->text().toInt() > 0) cellRow = r, cellCol = c;
        const int inCell = dis->confusionModel()->item(cellRow, cellCol)->text().toInt();
        flow->showConfusionCell(runId, cellRow, cellCol);
        QTRY_VERIFY_WITH_TIMEOUT(dis->cellDialog() && dis->cellDialog()->isVisible(), 60000);
        QCOMPARE(dis->cellDialog()->findChild<QListWidget*>()->count(), inCell);

        // Export menu: the student to ONNX (self-checked), OpenCV loads it and classifies.
        QVERIFY(w->exportAction(0)->isEnabled());
        QSignalSpy exported(flow, &WorkflowController::exportFinished);
        const QString onnx = m_dir.filePath(QStringLiteral("student.onnx"));
        flow->exportOnnx(runId, onnx);
        QVERIFY(exported.wait(kLong));
        QCOMPARE(exported.first().at(0).toString(), QStringLiteral("onnx"));
        QVERIFY2(exported.first().at(1).toBool(), qPrintable(exported.first().at(2).toString()));
        QVERIFY(exported.first().at(2).toString().contains(QStringLiteral("Self-check passed")));
        cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.toStdString());
        QVERIFY(!net.empty());
        cv::Mat image(32, 32, CV_8UC3, cv::Scalar(120, 80, 40));
        net.setInput(cv::dnn::blobFromImage(image, 1.0 / 255.0));
        cv::Mat out = net.forward();
        QCOMPARE(out.total(), size_t(2));
        exported.clear();

        // The pane's "Export to ONNX…" under the run table: the save dialog, then the same checked export.
        QVERIFY(dis->exportButton()->isEnabled());
        const QString viaButton = m_dir.filePath(QStringLiteral("from-pane"));  // ".onnx" is added
        QTimer answer;
        answerModal<QFileDialog>(answer, [&](QFileDialog* dialog) {
            dialog->setDirectory(m_dir.path());
            // Typed into the name field, as a user does (selectFile leaves a focused field alone).
            if (auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))) name->setText(QStringLiteral("from-pane"));
            else dialog->selectFile(QStringLiteral("from-pane"));
            static_cast<QDialog*>(dialog)->accept();  // QFileDialog::accept, as its Save button does
        });
        QTest::mouseClick(dis->exportButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kLong);
        QVERIFY2(exported.first().at(1).toBool(), qPrintable(exported.first().at(2).toString()));
        QVERIFY(exported.first().at(2).toString().contains(QStringLiteral("Self-check passed")));
        QVERIFY2(QFileInfo::exists(viaButton + QStringLiteral(".onnx")), qPrintable(exported.first().at(2).toString()));
        QVERIFY(!cv::dnn::readNetFromONNX((viaButton + QStringLiteral(".onnx")).toStdString()).empty());
        exported.clear();

        // Tokens, the curated dataset and the model card.
        const QString tokens = m_dir.filePath(QStringLiteral("tokens"));
        QDir().mkpath(tokens);
        flow->exportTokens(tokens, 0);
        QVERIFY(exported.wait(kLong));
        QVERIFY(exported.first().at(1).toBool());
        QCOMPARE(QDir(tokens).entryList(QDir::Files).size(), 2);
        exported.clear();
        const QString dataset = m_dir.filePath(QStringLiteral("dataset"));
        flow->exportDataset(dataset, false);
        QVERIFY(exported.wait(kLong));
        QVERIFY2(exported.first().at(1).toBool(), qPrintable(exported.first().at(2).toString()));
        QCOMPARE(QDir(dataset).entryList(QDir::Dirs | QDir::NoDotAndDotDot), (QStringList{QStringLiteral("daisy"), QStringLiteral("roses")}));
        const int exportedFiles = int(QDir(dataset + QStringLiteral("/daisy")).entryList(QDir::Files).size() +
                                      QDir(dataset + QStringLiteral("/roses")).entryList(QDir::Files).size());
        QCOMPARE(exportedFiles, 6 + 2);  // supports + the two accepted images
        exported.clear();
        const QString card = m_dir.filePath(QStringLiteral("card.md"));
        flow->exportModelCard(runId, card);
        QCOMPARE(exported.count(), 1);
        QVERIFY(exported.first().at(1).toBool());
        QFile cardFile(card);
        QVERIFY(cardFile.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(cardFile.readAll());
        QVERIFY(text.contains(QStringLiteral("## Accuracy")));
        QVERIFY(text.contains(QStringLiteral("95 % interval")));
        QVERIFY2(text.contains(QStringLiteral("one logit per class, in this order: daisy, roses.")), qPrintable(text));
        // The card names how the run was trained: the feature term and no on-the-fly augmentation.
        QVERIFY2(text.contains(QStringLiteral("feature matching to the teacher (weight 1)")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("no on-the-fly augmentation")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("(supports, synthetic images not rejected)")), qPrintable(text));

        // An export into a folder that exists and is not empty is refused; nothing is changed.
        exported.clear();
        flow->exportDataset(dataset, false);
        QVERIFY(exported.wait(kLong));
        QCOMPARE(exported.first().at(1).toBool(), false);
        QVERIFY(exported.first().at(2).toString().contains(QStringLiteral("not empty")));

        // A second run, stopped: it stays selected (Resume continues it), and the student exports
        // follow the selected run.
        spec.epochs = 500;
        dis->setSpec(spec);
        trained.clear();
        dis->startButton()->click();
        // While it trains, the student exports wait (the engine runs one job at a time).
        QVERIFY(!w->exportAction(0)->isEnabled());
        QVERIFY(!w->exportAction(3)->isEnabled());
        // Stopped once an epoch is stored (metrics.json is written after each epoch).
        QString live;
        auto liveRunHasAnEpoch = [&] {
            const QString runsDir = project->rootPath() + QStringLiteral("/runs/");
            for (const QString& r : QDir(runsDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
                if (r != runId && QFileInfo::exists(runsDir + r + QStringLiteral("/metrics.json"))) live = r;
            return !live.isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(liveRunHasAnEpoch(), kLong);
        dis->stopButton()->click();
        QVERIFY(trained.wait(kLong));
        QCOMPARE(trained.first().at(1).toBool(), false);
        // Resumed: the plots keep the stored epochs from the start, the new steps continue them.
        trained.clear();
        QCOMPARE(dis->selectedRun(), live);
        QVERIFY(dis->resumeButton()->isEnabled());
        dis->resumeButton()->click();
        QVERIFY2(dis->lossPlot()->pointCount(0) >= 1, "a resumed run's earlier epochs were cleared from the plot");
        dis->stopButton()->click();
        QVERIFY(trained.wait(kLong));
        QCOMPARE(trained.first().at(1).toBool(), false);
        const QString stopped = trained.first().at(0).toString();
        QCOMPARE(stopped, live);
        QVERIFY(stopped.startsWith(QStringLiteral("run-")) && stopped != runId);
        QCOMPARE(dis->selectedRun(), stopped);
        QCOMPARE(dis->runsModel()->rowCount(), 2);
        QVERIFY(dis->resumeButton()->isEnabled());
        QCOMPARE(w->exportAction(0)->isEnabled(), dis->exportButton()->isEnabled());
        // A run without a student (stopped before its first epoch ended: its settings only).
        const QString runs = project->rootPath() + QStringLiteral("/runs/");
        QVERIFY(QDir().mkpath(runs + QStringLiteral("run-20000101-000000")));
        QVERIFY(QFile::copy(runs + runId + QStringLiteral("/config.json"), runs + QStringLiteral("run-20000101-000000/config.json")));
        flow->refreshRuns();
        dis->selectRun(QStringLiteral("run-20000101-000000"));
        QCOMPARE(dis->selectedRun(), QStringLiteral("run-20000101-000000"));
        QVERIFY(!dis->exportButton()->isEnabled());
        QVERIFY(!w->exportAction(0)->isEnabled());
        QVERIFY(!w->exportAction(3)->isEnabled());
        dis->selectRun(runId);
        QVERIFY(dis->exportButton()->isEnabled());
        QVERIFY(w->exportAction(0)->isEnabled());
        QVERIFY(w->exportAction(3)->isEnabled());
        QVERIFY(!dis->resumeButton()->isEnabled());  // the first run has all its epochs
        dis->selectRun(stopped);
        QVERIFY(dis->resumeButton()->isEnabled());

        // Another project: no curve of this one stays on screen.
        QVERIFY(w->inversionPane()->lossPlot()->pointCount(0) > 0);
        QVERIFY(dis->lossPlot()->pointCount(0) > 0);
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, kLong);
        QVERIFY2(project->create(m_dir.filePath(QStringLiteral("Other.tintproj")), QStringLiteral("Other"), &error),
                 qPrintable(error));
        QCOMPARE(w->inversionPane()->lossPlot()->pointCount(0), 0);
        QCOMPARE(dis->lossPlot()->pointCount(0), 0);
        QCOMPARE(dis->runsModel()->rowCount(), 0);
    }

    // The bundled demo without any diffusion model: the app says so, offers the augmentation
    // generator, and the flow still ends with an exported student (built-in teacher).
    void demoWithoutDiffusionModel() {
        std::error_code ec;
        fs::remove_all(Application::demoProjectDir().toStdString(), ec);
        Application app;
        QSignalSpy opened(app.project(), &ProjectController::projectOpened);
        app.start(StartOptions{QString(), true, QString()});
        QVERIFY(opened.wait(120000));
        MainWindow* w            = app.window();
        WorkflowController* flow = app.workflow();
        QVERIFY(app.project()->project()->data().models.generator_dir.empty());
        QVERIFY(!w->inversionPane()->runButton()->isEnabled());
        SyntheticPane* syn = w->syntheticPane();
        bool saysSo = false;
        for (QLabel* l : syn->findChildren<QLabel*>())
            saysSo = saysSo || l->text().contains(QStringLiteral("No diffusion model is configured"));
        QVERIFY(saysSo);
        QVERIFY(!flow->teacherDir().isEmpty());  // the built-in MobileNetV2

        QSignalSpy made(flow, &WorkflowController::generationFinished);
        QSignalSpy scored(flow, &WorkflowController::scoringFinished);
        syn->generateButton()->click();  // the pane's choice: augmentation, 20 per class, all classes
        QVERIFY(made.wait(kLong));
        QCOMPARE(made.first().at(0).toInt(), 100);
        QCOMPARE(syn->model()->rowCount(), 100);
        QCOMPARE(syn->model()->data(syn->model()->index(0), SampleModel::GeneratorRole).toString(), QStringLiteral("augment"));
        // Thumbnails are made off the GUI thread and arrive through dataChanged.
        QTRY_VERIFY_WITH_TIMEOUT(!syn->model()->data(syn->model()->index(7), Qt::DecorationRole).value<QImage>().isNull(), 30000);
        QVERIFY(syn->model()->data(syn->model()->index(7), Qt::DecorationRole).value<QImage>().width() <= 112);
        QVERIFY(scored.count() > 0 || scored.wait(kLong));
        QCOMPARE(scored.first().at(0).toInt(), 100);
        // The teacher agrees with the intended class on most augmentations of the supports.
        int agree = 0;
        for (int r = 0; r < 100; ++r)
            agree += syn->model()->data(syn->model()->index(r), SampleModel::TeacherClassRole).toInt() ==
                     syn->model()->data(syn->model()->index(r), SampleModel::ClassRole).toInt();
        QVERIFY2(agree >= 60, qPrintable(QString::number(agree)));

        DistillPane* dis       = w->distillPane();
        tint::DistillSpec spec = dis->spec();
        QVERIFY(QFileInfo(QString::fromStdString(spec.validation_dir)).isDir());  // the demo photos validate
        // The demo's own recipe (README benchmark), smaller: fewer augmentations, one epoch, 32 px.
        QCOMPARE(spec.student, std::string("mobilenetv2-short"));
        QCOMPARE(spec.feature_weight, 2.0);
        QVERIFY(!spec.train_augment);
        spec.classic_per_class = 4;
        spec.epochs     = 1;
        spec.input_size = 32;
        // The short MobileNetV2 from the built-in ImageNet weights; the choice is offered only
        // where the weights fit (MobileNetV2 students of width 1).
        spec.student            = "mobilenetv2-short";
        spec.student_init       = "imagenet";
        spec.stage_match_epochs = 1;
        dis->setSpec(spec);
        QVERIFY(dis->studentInitBox()->isEnabled());
        QVERIFY(dis->stageMatchBox()->isEnabled());
        QCOMPARE(dis->spec().student_init, std::string("imagenet"));
        QCOMPARE(dis->spec().stage_match_epochs, 1);
        dis->studentInitBox()->setCurrentIndex(0);  // random start: nothing to match against
        QVERIFY(!dis->stageMatchBox()->isEnabled());
        QCOMPARE(dis->spec().stage_match_epochs, 0);
        spec.width = 0.5;
        dis->setSpec(spec);
        QVERIFY(!dis->studentInitBox()->isEnabled());
        QVERIFY(dis->spec().student_init.empty());
        spec.width        = 1.0;
        spec.student      = "conv4";
        dis->setSpec(spec);
        QVERIFY(!dis->studentInitBox()->isEnabled());
        spec.student      = "mobilenetv2-short";
        spec.student_init = "imagenet";
        dis->setSpec(spec);
        QVERIFY(dis->stageMatchBox()->isEnabled());
        QSignalSpy trained(flow, &WorkflowController::distillationFinished);
        dis->startButton()->click();
        QVERIFY(trained.wait(kLong));
        QVERIFY2(trained.first().at(1).toBool(), qPrintable(w->statusBar()->currentMessage()));
        long long counted = 0;
        for (int r = 0; r < 5; ++r)
            for (int c = 0; c < 5; ++c) counted += dis->confusionModel()->item(r, c)->text().toLongLong();
        QCOMPARE(counted, 35LL);  // 12 photos per class, 5 of them supports
        const QString run = trained.first().at(0).toString();
        QFile config(app.project()->rootPath() + QStringLiteral("/runs/") + run + QStringLiteral("/config.json"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QByteArray cfg = config.readAll();
        QVERIFY2(cfg.contains("\"student_init\": \"imagenet\"") && cfg.contains("mobilenetv2-short") &&
                     cfg.contains("\"stage_match_epochs\": 1"),
                 cfg.constData());
        QSignalSpy exported(flow, &WorkflowController::exportFinished);
        const QString onnx = m_dir.filePath(QStringLiteral("demo.onnx"));
        flow->exportOnnx(trained.first().at(0).toString(), onnx);
        QVERIFY(exported.wait(kLong));
        QVERIFY2(exported.first().at(1).toBool(), qPrintable(exported.first().at(2).toString()));
        QVERIFY(!cv::dnn::readNetFromONNX(onnx.toStdString()).empty());
    }

    // Removing a class renumbers the rest: the gallery is read again, and a decision made after
    // it lands in the class it was made for.
    void curationFollowsClassRemoval() {
        const QString source = m_dir.filePath(QStringLiteral("three"));
        QVERIFY(copyDemoPhotos(source, {QStringLiteral("daisy"), QStringLiteral("roses"), QStringLiteral("tulips")}, 2));
        Application app;
        ProjectController* project = app.project();
        WorkflowController* flow   = app.workflow();
        SampleModel* model         = app.window()->syntheticPane()->model();
        QString error;
        QVERIFY2(project->create(m_dir.filePath(QStringLiteral("Three.tintproj")), QStringLiteral("Three"), &error), qPrintable(error));
        app.importClassFolders(source);
        QTRY_COMPARE_WITH_TIMEOUT(project->classCount(), 3, 60000);
        // The classes come first, their photos with the import job after them.
        QTRY_VERIFY_WITH_TIMEOUT(project->classAt(0)->supports.size() == 2 && project->classAt(1)->supports.size() == 2 &&
                                     project->classAt(2)->supports.size() == 2,
                                 60000);
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
        // One import for the whole tree, summed up per class.
        QVERIFY2(app.window()->statusBar()->currentMessage().contains(QStringLiteral("(daisy: 2, roses: 2, tulips: 2)")),
                 qPrintable(app.window()->statusBar()->currentMessage()));
        QSignalSpy made(flow, &WorkflowController::generationFinished);
        QSignalSpy failed(app.engine(), &EngineClient::jobFailed);
        flow->generate(-1, 2, false);  // augmentations, two per class
        QTRY_VERIFY_WITH_TIMEOUT(made.count() > 0 || failed.count() > 0, kLong);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, kLong);
        QCOMPARE(model->rowCount(), 6);

        QSignalSpy loaded(flow, &WorkflowController::samplesLoaded);
        QComboBox* invClass = app.window()->inversionPane()->classBox();
        invClass->setCurrentIndex(2);  // tulips
        QCOMPARE(invClass->currentText(), QStringLiteral("tulips"));
        QVERIFY2(project->removeClass(0, &error), qPrintable(error));  // daisy
        // The inversion pane still names the class chosen, not the one now in its row.
        QCOMPARE(invClass->currentText(), QStringLiteral("tulips"));
        QCOMPARE(model->rowCount(), 0);  // nothing to curate under the old numbers meanwhile
        QVERIFY(loaded.wait(60000));
        QCOMPARE(model->rowCount(), 4);
        int rosesRow = -1;
        for (int r = 0; r < model->rowCount(); ++r) {
            const int ci = model->data(model->index(r), SampleModel::ClassRole).toInt();
            QCOMPARE(model->data(model->index(r), SampleModel::ClassNameRole).toString(),
                     QString::fromStdString(project->classAt(ci)->name));
            if (rosesRow < 0 && project->classAt(ci)->name == "roses") rosesRow = r;
        }
        QVERIFY(rosesRow >= 0);
        const std::string id = model->data(model->index(rosesRow), SampleModel::IdRole).toString().toStdString();
        QVERIFY2(model->setStatuses({{rosesRow, QStringLiteral("accepted")}}, &error), qPrintable(error));
        const std::string root = project->rootPath().toStdString();
        int acceptedRoses = 0, acceptedTulips = 0;
        for (const auto& r : tint::read_samples(root, *project->classAt(0)))
            acceptedRoses += r.status == "accepted" && r.id == id;
        for (const auto& r : tint::read_samples(root, *project->classAt(1))) acceptedTulips += r.status == "accepted";
        QCOMPARE(project->classAt(0)->name, std::string("roses"));
        QCOMPARE(acceptedRoses, 1);
        QCOMPARE(acceptedTulips, 0);

        // An undo whose write fails is reported and stays undoable: the history never runs ahead
        // of the disk. The Edit menu's Undo (Ctrl+Z from anywhere in the window) drives it.
        MainWindow* w      = app.window();
        SyntheticPane* syn = w->syntheticPane();
        syn->proxy()->setOrder(GalleryFilterModel::Order::Oldest);
        // The second image: the first may be the accepted rose above.
        syn->view()->setCurrentIndex(syn->proxy()->index(1, 0));
        const QString before = syn->proxy()->index(1, 0).data(SampleModel::StatusRole).toString();
        QVERIFY(before != QLatin1String("rejected"));
        const int decided = syn->proxy()->index(1, 0).data(SampleModel::ClassRole).toInt();
        const QString sampleId = syn->proxy()->index(1, 0).data(SampleModel::IdRole).toString();
        syn->applyToSelection(QStringLiteral("rejected"));
        QCOMPARE(syn->undoStack()->index(), 1);
        QVERIFY(w->undoAction()->isEnabled());
        QVERIFY(w->undoAction()->text().contains(QStringLiteral("reject 1 image")));
        const fs::path samples = fs::path(root) / "synthetic" / project->classAt(decided)->dir / "samples.jsonl";
        const fs::path aside   = samples.string() + ".aside";
        fs::rename(samples, aside);
        QSignalSpy errors(syn, &SyntheticPane::errorOccurred);
        w->tabs()->setCurrentIndex(0);
        w->undoAction()->trigger();
        QCOMPARE(w->tabs()->currentWidget(), static_cast<QWidget*>(syn));  // shows what it undoes
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("samples.jsonl")));
        QCOMPARE(syn->undoStack()->index(), 1);  // still undoable
        QCOMPARE(model->data(model->index(model->rowOf(decided, sampleId)), SampleModel::StatusRole).toString(),
                 QStringLiteral("rejected"));
        fs::rename(aside, samples);
        w->undoAction()->trigger();
        QCOMPARE(syn->undoStack()->index(), 0);
        QCOMPARE(model->data(model->index(model->rowOf(decided, sampleId)), SampleModel::StatusRole).toString(), before);
        QVERIFY(!w->undoAction()->isEnabled());
        // Redo fails the same way and stays redoable.
        fs::rename(samples, aside);
        syn->redo();
        QCOMPARE(errors.count(), 2);
        QCOMPARE(syn->undoStack()->index(), 0);
        QVERIFY(w->redoAction()->isEnabled());
        fs::rename(aside, samples);
        w->redoAction()->trigger();
        QCOMPARE(syn->undoStack()->index(), 1);
        QString onDisk;
        for (const auto& r : tint::read_samples(root, *project->classAt(decided)))
            if (r.id == sampleId.toStdString()) onDisk = QString::fromStdString(r.status);
        QCOMPARE(onDisk, QStringLiteral("rejected"));

        // One step over two classes is undone whole or not at all: when the second class's file
        // cannot be written, the first class's decisions are written back as they were.
        syn->proxy()->setStatusFilter(QString());
        QItemSelection both;
        QList<QPair<int, QString>> picked;  // (class, id)
        for (int r = 0; r < syn->proxy()->rowCount() && picked.size() < 2; ++r) {
            const QModelIndex i = syn->proxy()->index(r, 0);
            const int ci        = i.data(SampleModel::ClassRole).toInt();
            if (!picked.isEmpty() && picked.first().first == ci) continue;
            if (i.data(SampleModel::StatusRole).toString() == QLatin1String("accepted")) continue;
            picked.append({ci, i.data(SampleModel::IdRole).toString()});
            both.select(i, i);
        }
        QCOMPARE(picked.size(), 2);
        syn->view()->selectionModel()->select(both, QItemSelectionModel::ClearAndSelect);
        syn->applyToSelection(QStringLiteral("accepted"));
        auto statusOnDisk = [&](int ci, const QString& sid) {
            QString st;
            for (const auto& r : tint::read_samples(root, *project->classAt(ci)))
                if (r.id == sid.toStdString()) st = QString::fromStdString(r.status);
            return st;
        };
        for (const auto& [ci, sid] : picked) QCOMPARE(statusOnDisk(ci, sid), QStringLiteral("accepted"));
        const int steps     = syn->undoStack()->index();
        const int second    = std::max(picked[0].first, picked[1].first);  // written after the first class
        const fs::path file = fs::path(root) / "synthetic" / project->classAt(second)->dir / "samples.jsonl";
        fs::rename(file, file.string() + ".aside");
        syn->undo();
        QCOMPARE(errors.count(), 3);
        QCOMPARE(syn->undoStack()->index(), steps);
        fs::rename(file.string() + ".aside", file);
        for (const auto& [ci, sid] : picked) {
            QCOMPARE(statusOnDisk(ci, sid), QStringLiteral("accepted"));  // the first class written back
            QCOMPARE(model->data(model->index(model->rowOf(ci, sid)), SampleModel::StatusRole).toString(),
                     QStringLiteral("accepted"));
        }
        syn->undo();
        for (const auto& [ci, sid] : picked) QVERIFY(statusOnDisk(ci, sid) != QLatin1String("accepted"));
    }

    // Another project opens only when no job of the open one runs or waits.
    void anotherProjectWaitsForJobs() {
        Application app;
        ProjectController* project = app.project();
        QString error;
        const QString a = m_dir.filePath(QStringLiteral("A.tintproj"));
        const QString b = m_dir.filePath(QStringLiteral("B.tintproj"));
        QVERIFY2(project->create(b, QStringLiteral("B"), &error), qPrintable(error));
        QVERIFY2(project->create(a, QStringLiteral("A"), &error), qPrintable(error));
        const QString rootA = project->rootPath();
        std::atomic<bool> release{false};
        QSignalSpy finished(app.engine(), &EngineClient::jobFinished);
        app.engine()->submit(QStringLiteral("a job of A"), [&release](tint::JobContext& ctx) {
            while (!release) {
                ctx.throw_if_cancelled();
                std::this_thread::yield();
            }
            return std::function<void()>();
        });
        app.openProject(b);
        QCOMPARE(project->rootPath(), rootA);
        QVERIFY2(app.window()->statusBar()->currentMessage().contains(QStringLiteral("Jobs are still running")),
                 qPrintable(app.window()->statusBar()->currentMessage()));
        Q_EMIT app.window()->newProjectRequested(m_dir.filePath(QStringLiteral("C.tintproj")), QStringLiteral("C"));
        QCOMPARE(project->rootPath(), rootA);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("C.tintproj"))));
        // Nor is a class deleted under the running job: it reads and writes the class folders.
        QVERIFY2(project->addClass(QStringLiteral("kept"), &error), qPrintable(error));
        QSignalSpy refused(app.window()->supportPane(), &SupportPane::errorOccurred);
        app.window()->supportPane()->selectClass(0);
        app.window()->supportPane()->deleteClass();
        QCOMPARE(refused.count(), 1);
        QVERIFY(refused.first().at(1).toString().contains(QStringLiteral("running and waiting jobs")));
        QCOMPARE(project->classCount(), 1);
        release = true;
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        QTRY_VERIFY_WITH_TIMEOUT(app.engine()->currentJob() == 0 && app.engine()->pendingCount() == 0, 60000);
        app.openProject(b);
        QCOMPARE(QFileInfo(project->rootPath()).canonicalFilePath(), QFileInfo(b).canonicalFilePath());
        // A failed job is named in the error, with its reason.
        QSignalSpy failed(app.engine(), &EngineClient::jobFailed);
        app.engine()->submit(QStringLiteral("Checking the photos"), [](tint::JobContext&) -> std::function<void()> {
            throw tint::Error("photo.jpg: the file is truncated");
        });
        QVERIFY(failed.wait(60000));
        QTRY_VERIFY(app.window()->statusBar()->currentMessage().startsWith(QStringLiteral("Checking the photos failed: ")));
        QVERIFY(app.window()->statusBar()->currentMessage().contains(QStringLiteral("photo.jpg: the file is truncated")));
    }

    // Settings › Preferences says at once what a chosen folder is, or why it cannot be used.
    void preferencesValidateFolders() {
        auto labels = [](SettingsDialog& d) {
            QStringList out;
            for (QLabel* l : d.findChildren<QLabel*>()) out << l->text();
            return out.join(QLatin1Char('\n'));
        };
        WorkbenchSettings good;
        good.generatorDir = QStringLiteral(TINT_TEST_DATA "/sd/tiny-sd15");
        good.teacherDir   = QStringLiteral(TINT_TEST_DATA "/teachers/dinov2-tiny");
        SettingsDialog ok(good, false);
        QString text = labels(ok);
        QVERIFY2(text.contains(QStringLiteral("Found: StableDiffusionPipeline")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Found: DINOv2")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("Cannot be used")));
        WorkbenchSettings swapped;
        swapped.generatorDir = good.teacherDir;
        swapped.teacherDir   = good.generatorDir;
        SettingsDialog bad(swapped, false);
        text = labels(bad);
        QVERIFY2(text.contains(QStringLiteral("Cannot be used")) && text.contains(QStringLiteral("model_index.json")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("this is a Stable Diffusion folder")), qPrintable(text));
        // Folders that cannot be used are not accepted; emptied, they are.
        auto okButton = [](SettingsDialog& d) {
            return d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        };
        QVERIFY(okButton(ok)->isEnabled());
        QVERIFY(!okButton(bad)->isEnabled());
        for (QLineEdit* e : bad.findChildren<QLineEdit*>()) e->clear();
        QVERIFY(okButton(bad)->isEnabled());
        // Without a GPU only 32-bit precision is offered, whatever the project had.
        WorkbenchSettings half = good;
        half.precision         = QStringLiteral("fp16");
        SettingsDialog cpuOnly(half, false);
        QCOMPARE(cpuOnly.settings().precision, QStringLiteral("fp32"));
        auto* precision = qobject_cast<QStandardItemModel*>(cpuOnly.findChildren<QComboBox*>().at(1)->model());
        QVERIFY(precision && !precision->item(1)->isEnabled() && !precision->item(2)->isEnabled());
        SettingsDialog none(WorkbenchSettings{}, false);
        QVERIFY(labels(none).contains(QStringLiteral("built-in ImageNet MobileNetV2")));

        // With no project open, folders chosen in Preferences cannot be kept: the user is told.
        Application app;
        QVERIFY(!app.project()->isOpen());
        QTimer answer;
        answerModal<SettingsDialog>(answer, [&](SettingsDialog* dialog) {
            const auto edits = dialog->findChildren<QLineEdit*>();
            QVERIFY(edits.size() >= 2);
            edits[1]->setText(good.teacherDir);  // the teacher folder
            dialog->accept();
        });
        Q_EMIT app.window()->preferencesRequested();
        QVERIFY2(app.window()->statusBar()->currentMessage().startsWith(QStringLiteral("No project is open")),
                 qPrintable(app.window()->statusBar()->currentMessage()));
    }

private:
    // Answers the next modal dialog of type Dialog with `answer` once it is open (the call that
    // opens it blocks in the dialog's own event loop).
    template <class Dialog, class Answer>
    void answerModal(QTimer& timer, Answer answer) {
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, this, [&timer, answer] {
            auto* dialog = qobject_cast<Dialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            timer.stop();
            answer(dialog);
        });
        timer.start();
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestWorkflow)
#include "tst_workflow.moc"
