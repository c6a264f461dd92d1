#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>

#include "ProjectController.h"
#include "panes/DistillPane.h"
#include "panes/InversionPane.h"
#include "panes/SupportPane.h"
#include "panes/SyntheticPane.h"
#include "tint/Runtime.h"
#include "widgets/LogView.h"

namespace {
QString formatDuration(double seconds) {
    if (seconds < 0) return {};
    qint64 s = qint64(seconds + 0.5);
    if (s < 60) return QObject::tr("%1 s").arg(s);
    if (s < 3600) return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}
}  // namespace

MainWindow::MainWindow(ProjectController* project, QWidget* parent) : QMainWindow(parent), m_project(project) {
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    m_tabs      = new QTabWidget(this);
    m_support   = new SupportPane(project, this);
    m_inversion = new InversionPane(project, this);
    m_synthetic = new SyntheticPane(project, this);
    m_distill   = new DistillPane(project, this);
    m_tabs->addTab(m_support, tr("1  Support set"));
    m_tabs->addTab(m_inversion, tr("2  Inversion"));
    m_tabs->addTab(m_synthetic, tr("3  Synthetic images"));
    m_tabs->addTab(m_distill, tr("4  Distillation"));
    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);

    m_log     = new LogView(this);
    auto* dock = new QDockWidget(tr("Log"), this);
    dock->setObjectName(QStringLiteral("LogDock"));
    dock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    resizeDocks({dock}, {140}, Qt::Vertical);

    buildMenus();
    buildStatusBar();
    connect(m_support, &SupportPane::importImagesRequested, this, &MainWindow::chooseImportImages);
    connect(m_support, &SupportPane::importFolderRequested, this, &MainWindow::chooseImportFolder);
    connect(m_support, &SupportPane::errorOccurred, this, &MainWindow::showError);
    connect(m_synthetic, &SyntheticPane::errorOccurred, this, &MainWindow::showError);
    connect(m_synthetic, &SyntheticPane::message, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_inversion, &InversionPane::settingsRequested, this, &MainWindow::preferencesRequested);
    connect(project, &ProjectController::projectOpened, this, &MainWindow::updateTitle);
    connect(project, &ProjectController::projectClosed, this, &MainWindow::updateTitle);
    updateTitle();
    resize(1280, 860);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Project…"), QKeySequence::New, this, &MainWindow::chooseNewProject);
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::chooseOpenProject);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open the &Demo Project"), this, &MainWindow::openDemoRequested);
    QAction* save = file->addAction(tr("&Save"), QKeySequence::Save, this, [this] {
        QString error;
        if (m_project->save(&error))
            statusBar()->showMessage(tr("Saved. Every change is also saved as it is made."), 4000);
        else if (m_project->isOpen())
            showError(tr("Cannot save the project"), error);
    });
    save->setObjectName(QStringLiteral("actionSave"));
    file->addSeparator();
    file->addAction(tr("&Import Images…"), QKeySequence(tr("Ctrl+I")), this, &MainWindow::chooseImportImages);
    file->addAction(tr("Import &Folder per Class…"), this, &MainWindow::chooseImportFolder);
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->setObjectName(QStringLiteral("menuExport"));
    m_export[0] = exportMenu->addAction(tr("Student to &ONNX…"), this, &MainWindow::exportOnnxRequested);
    m_export[1] = exportMenu->addAction(tr("&Tokens as Embeddings…"), this, &MainWindow::exportTokensRequested);
    m_export[2] = exportMenu->addAction(tr("&Curated Dataset as Folder per Class…"), this, &MainWindow::exportDatasetRequested);
    m_export[3] = exportMenu->addAction(tr("Model &Card…"), this, &MainWindow::exportModelCardRequested);
    setExportAvailability(false, false, false);
    exportMenu->setToolTipsVisible(true);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    // Undo and redo of the curation decisions (step 3): the menu entries from any tab, the keys in
    // the gallery's tab (below); a text field with the focus keeps Ctrl+Z for its own text.
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_undo      = edit->addAction(tr("&Undo"), this, [this] {
        m_tabs->setCurrentWidget(m_synthetic);  // show what is undone
        m_synthetic->undo();
    });
    m_undo->setShortcut(QKeySequence::Undo);
    // The keys work in the gallery's tab only (a Ctrl+Z after deleting a support image must not
    // silently undo a curation decision); the menu entries work from anywhere.
    m_undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_undo->setObjectName(QStringLiteral("actionUndo"));
    m_redo = edit->addAction(tr("&Redo"), this, [this] {
        m_tabs->setCurrentWidget(m_synthetic);
        m_synthetic->redo();
    });
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (!redoKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)))
        redoKeys << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);  // the gallery's hint names it
    m_redo->setShortcuts(redoKeys);
    m_redo->setObjectName(QStringLiteral("actionRedo"));
    m_redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_synthetic->addAction(m_undo);
    m_synthetic->addAction(m_redo);
    QUndoStack* curation = m_synthetic->undoStack();
    auto updateUndo      = [this, curation] {
        m_undo->setEnabled(curation->canUndo());
        m_redo->setEnabled(curation->canRedo());
        m_undo->setText(curation->canUndo() ? tr("&Undo %1").arg(curation->undoText()) : tr("&Undo"));
        m_redo->setText(curation->canRedo() ? tr("&Redo %1").arg(curation->redoText()) : tr("&Redo"));
    };
    connect(curation, &QUndoStack::indexChanged, this, updateUndo);
    connect(curation, &QUndoStack::cleanChanged, this, updateUndo);
    updateUndo();

    // The running job: Esc asks before cancelling, Shift+Esc lets it finish its current item.
    QMenu* job  = menuBar()->addMenu(tr("&Job"));
    m_cancelNow = job->addAction(tr("&Cancel the Running Job…"), this, [this] {
        const JobId asked = m_currentJob;
        if (asked == 0) return;
        if (!qApp->property("tint_no_dialogs").toBool() &&
            QMessageBox::question(this, tr("Cancel the job"),
                                  tr("Cancel \"%1\" now? Finished work is kept.").arg(m_jobTitle)) != QMessageBox::Yes)
            return;
        if (m_currentJob == asked) Q_EMIT cancelRequested(2);  // not the next job, if this one ended meanwhile
    });
    m_cancelNow->setShortcut(QKeySequence::Cancel);
    m_cancelNow->setObjectName(QStringLiteral("actionCancelJob"));
    m_stopAfterItem = job->addAction(tr("&Stop after the Current Item"), this, [this] {
        if (m_currentJob != 0) Q_EMIT cancelRequested(1);
    });
    m_stopAfterItem->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Escape));
    m_stopAfterItem->setObjectName(QStringLiteral("actionStopAfterItem"));
    m_cancelNow->setEnabled(false);
    m_stopAfterItem->setEnabled(false);

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("&Preferences…"), QKeySequence::Preferences, this, &MainWindow::preferencesRequested);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Models: What to Download…"), this, &MainWindow::showModelsHelp);
    help->addAction(tr("&About TINT Workbench"), this, &MainWindow::showAbout);
}

void MainWindow::buildStatusBar() {
    m_jobLabel   = new QLabel(this);
    m_etaLabel   = new QLabel(this);
    m_queueLabel = new QLabel(this);
    m_progress   = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running job now. Hold for more choices."));
    m_cancel->setPopupMode(QToolButton::MenuButtonPopup);
    auto* cancelMenu = new QMenu(m_cancel);
    cancelMenu->addAction(tr("Cancel now"), this, [this] { Q_EMIT cancelRequested(2); });
    cancelMenu->addAction(tr("Stop after the current item"), this, [this] { Q_EMIT cancelRequested(1); });
    m_cancel->setMenu(cancelMenu);
    m_cancel->setVisible(false);
    connect(m_cancel, &QToolButton::clicked, this, [this] { Q_EMIT cancelRequested(2); });
    statusBar()->addPermanentWidget(m_jobLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_etaLabel);
    statusBar()->addPermanentWidget(m_queueLabel);
    statusBar()->addPermanentWidget(m_cancel);
}

void MainWindow::setExportAvailability(bool student, bool tokens, bool dataset) {
    const QString needStudent = tr("Available when the run selected in step 4 has a trained student.");
    const QString needTokens  = tr("Available once a class has a finished textual inversion (step 2).");
    const QString needProject = tr("Available once a project is open.");
    const bool on[4]          = {student, tokens, dataset, student};
    const QString why[4]      = {needStudent, needTokens, needProject, needStudent};
    for (int i = 0; i < 4; ++i) {
        m_export[i]->setEnabled(on[i]);
        m_export[i]->setToolTip(on[i] ? QString() : why[i]);
        m_export[i]->setStatusTip(on[i] ? QString() : why[i]);
    }
}

void MainWindow::updateTitle() {
    if (m_project->isOpen())
        setWindowTitle(tr("%1 — TINT Workbench").arg(m_project->displayName()));
    else
        setWindowTitle(tr("TINT Workbench"));
}

void MainWindow::setRecentProjects(const QStringList& paths) {
    m_recentMenu->clear();
    for (const QString& p : paths)
        m_recentMenu->addAction(QFileInfo(p).fileName() + QStringLiteral("  (") + p + QStringLiteral(")"), this,
                                [this, p] { Q_EMIT openProjectRequested(p); });
    m_recentMenu->setEnabled(!paths.isEmpty());
}

void MainWindow::chooseNewProject() {
    QString dir = QFileDialog::getSaveFileName(this, tr("New project"), QString(), tr("TINT projects (*.tintproj)"));
    if (dir.isEmpty()) return;
    if (!dir.endsWith(QStringLiteral(".tintproj"))) dir += QStringLiteral(".tintproj");
    Q_EMIT newProjectRequested(dir, QFileInfo(dir).completeBaseName());
}

void MainWindow::chooseOpenProject() {
    QString dir = QFileDialog::getExistingDirectory(this, tr("Open a project folder (*.tintproj)"));
    if (!dir.isEmpty()) Q_EMIT openProjectRequested(dir);
}

void MainWindow::chooseImportImages() {
    if (!m_project->isOpen()) return showError(tr("No project"), tr("Open or create a project first."));
    m_tabs->setCurrentWidget(m_support);  // where the images will appear
    const tint::ClassEntry* target = m_project->classAt(m_support->currentClass());
    const QString title = target ? tr("Import images into \"%1\"").arg(QString::fromStdString(target->name))
                                 : tr("Import images (into a new class)");
    QStringList files = QFileDialog::getOpenFileNames(
        this, title, QString(),
        tr("Images (*.jpg *.jpeg *.png *.bmp *.webp *.tif *.tiff *.gif *.ppm *.pgm);;All files (*)"));
    if (!files.isEmpty()) importPaths(files);
}

void MainWindow::chooseImportFolder() {
    if (!m_project->isOpen()) return showError(tr("No project"), tr("Open or create a project first."));
    QString dir = QFileDialog::getExistingDirectory(this, tr("Folder with one sub-folder per class"));
    if (!dir.isEmpty()) Q_EMIT importClassFoldersRequested(dir);
}

void MainWindow::importPaths(const QStringList& paths) {
    if (!m_project->isOpen()) return showError(tr("No project"), tr("Open or create a project first."));
    QStringList files;
    for (const QString& p : paths) {
        if (QFileInfo(p).isDir())
            Q_EMIT importClassFoldersRequested(p);
        else
            files << p;
    }
    if (files.isEmpty()) return;
    int c = m_support->currentClass();
    if (c < 0) {
        bool ok      = false;
        QString name = QInputDialog::getText(this, tr("New class"),
                                             tr("The images need a class. Name of the new class:"),
                                             QLineEdit::Normal, {}, &ok);
        if (!ok) return;
        QString error;
        if (!m_project->addClass(name, &error)) return showError(tr("Cannot add the class"), error);
        c = m_project->classCount() - 1;
        m_support->selectClass(c);
    }
    Q_EMIT importFilesRequested(c, files);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && m_project->isOpen()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    m_tabs->setCurrentWidget(m_support);
    importPaths(paths);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    const bool noDialogs = qApp->property("tint_no_dialogs").toBool();
    if (m_currentJob == 0 && m_queuedJobs == 0) {
        event->accept();
        return;
    }
    if (m_closing) {  // closed again while the jobs stop: quit without waiting only when asked to
        if (noDialogs ||
            QMessageBox::question(this, tr("Quit without waiting?"),
                                  tr("The jobs are still stopping. Quit now without waiting? What they are doing now is "
                                     "not recorded (photos being imported stay in the class folder unlisted).")) ==
                QMessageBox::Yes)
            event->accept();
        else
            event->ignore();
        return;
    }
    if (!noDialogs && QMessageBox::question(this, tr("A job is running"),
                                            tr("A job is still running. Cancel it and quit? Finished work is kept.")) !=
                          QMessageBox::Yes) {
        event->ignore();
        return;
    }
    // The window stays until the jobs have stopped and handed back what they finished (an import
    // records the photos it copied), then closes by itself. Nothing new can be started meanwhile.
    m_closing = true;
    event->ignore();
    centralWidget()->setEnabled(false);
    menuBar()->setEnabled(false);
    statusBar()->showMessage(tr("Stopping the jobs; the workbench closes when their finished work is saved."));
    Q_EMIT cancelAllRequested();
    // The jobs may have ended while the question was open: then no idle signal follows.
    QTimer::singleShot(0, this, &MainWindow::closeIfClosing);
}

void MainWindow::closeIfClosing() {
    if (m_closing && m_currentJob == 0 && m_queuedJobs == 0) close();
}

void MainWindow::onJobStarted(JobId id, const QString& title) {
    m_currentJob = id;
    m_jobTitle   = title;
    m_cancelNow->setEnabled(true);
    m_stopAfterItem->setEnabled(true);
    m_jobLabel->setText(title);
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    m_etaLabel->clear();
    m_cancel->setVisible(true);
    m_cancel->setEnabled(true);
}

void MainWindow::onJobProgress(const JobProgress& p) {
    if (p.id != m_currentJob) return;
    if (p.total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(1000.0 * double(p.step) / double(p.total)));
        m_progress->setFormat(QStringLiteral("%1 / %2").arg(p.step).arg(p.total));
    }
    m_jobLabel->setText(p.message.isEmpty() ? p.title : p.title + QStringLiteral(": ") + p.message);
    // The ETA covers the running stage; for a job of several stages the label says so, since its
    // stages (teacher, soft labels, training) differ too much to add up in advance.
    if (p.etaSeconds < 0)
        m_etaLabel->clear();
    else if (p.severalStages)
        m_etaLabel->setText(tr("about %1 left in this stage").arg(formatDuration(p.etaSeconds)));
    else
        m_etaLabel->setText(tr("about %1 left").arg(formatDuration(p.etaSeconds)));
}

void MainWindow::onJobEnded(JobId id, const QString& summary) {
    if (id == m_currentJob) {
        m_currentJob = 0;
        m_cancelNow->setEnabled(false);
        m_stopAfterItem->setEnabled(false);
        m_progress->setVisible(false);
        m_cancel->setVisible(false);
        m_jobLabel->clear();
        m_etaLabel->clear();
    }
    if (!summary.isEmpty()) statusBar()->showMessage(summary, 8000);
}

void MainWindow::setQueuedJobs(int count) {
    m_queuedJobs = count;
    m_queueLabel->setText(count > 0 ? tr("%n more queued", nullptr, count) : QString());
}

void MainWindow::onLogMessage(int level, const QString& logger, const QString& text) {
    m_log->appendMessage(level, logger, text);
}

void MainWindow::showError(const QString& title, const QString& message) {
    if (qApp->property("tint_no_dialogs").toBool()) {  // offscreen tests: record instead of blocking
        statusBar()->showMessage(title + QStringLiteral(": ") + message);
        return;
    }
    QMessageBox::warning(this, title, message);
}

void MainWindow::showAbout() {
    tint::RuntimeInfo r = tint::runtime_info();
    QMessageBox::about(
        this, tr("About TINT Workbench"),
        tr("<h3>TINT Workbench %1</h3>"
           "<p>Turns a handful of labelled photos into a tiny, fast image classifier: Stable Diffusion is "
           "inverted on your images (textual and null-text inversion, the TINT method of Landolsi and Kahl), "
           "new training images are synthesised, and a large teacher is distilled into a small student.</p>"
           "<p>Qt %2<br>LibTorch %3<br>OpenCV %4<br>spdlog %5<br>CUDA: %6<br>Compute threads: %7</p>"
           "<p>Demo photos: TensorFlow flowers, CC BY 2.0 (see ATTRIBUTION.txt in the demo project).</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()),
                 QString::fromStdString(r.torch_version), QString::fromStdString(r.opencv_version),
                 QString::fromStdString(r.spdlog_version),
                 r.cuda_available ? tr("%n device(s)", nullptr, r.cuda_devices) : tr("not available"))
            .arg(r.threads));
}

void MainWindow::showModelsHelp() {
    QMessageBox box(this);
    box.setWindowTitle(tr("Models"));
    box.setTextFormat(Qt::RichText);
    box.setText(
        tr("<h3>Which models TINT Workbench uses</h3>"
           "<p><b>Generator</b> (optional): a Stable Diffusion 1.5 or 2.1-base folder in diffusers layout "
           "(model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/; safetensors weights), "
           "downloaded once from the Hugging Face Hub, for example with <tt>huggingface-cli download "
           "stable-diffusion-v1-5/stable-diffusion-v1-5</tt>. Without it the workbench makes training images "
           "by heavy augmentation of your support photos.</p>"
           "<p><b>Teacher</b>: built in is an ImageNet-trained MobileNetV2, used when no teacher folder is "
           "chosen. Stronger teachers are Hugging Face vision model folders (config.json + model.safetensors) "
           "such as DINOv2 (facebook/dinov2-small, -base, -large) or CLIP ViT-B/16.</p>"
           "<p><b>Works without any download</b>: import photos, make training images with the augmentation "
           "generator, curate them, distil a student with the built-in teacher and export it to ONNX.</p>"
           "<p>Choose the folders under Settings › Preferences. Nothing is downloaded by the workbench itself.</p>"));
    box.exec();
}
