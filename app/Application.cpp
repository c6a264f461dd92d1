#include "Application.h"

#include <QHash>
#include <memory>

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QMessageBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QItemSelectionModel>
#include <QPointer>
#include <QTimer>

#include <filesystem>
#include <map>

#include "EngineClient.h"
#include "ImageConvert.h"
#include "MainWindow.h"
#include "ProjectController.h"
#include "SettingsDialog.h"
#include "models/SupportImageModel.h"
#include "gallery/GalleryFilterModel.h"
#include "gallery/ThumbnailCache.h"
#include "panes/DistillPane.h"
#include "panes/InversionPane.h"
#include "panes/SupportPane.h"
#include "panes/SyntheticPane.h"
#include "tint/Error.h"
#include "tint/Image.h"
#include "tint/Log.h"
#include "tint/Project.h"
#include "tint/Runtime.h"
#include "tint/Workflow.h"
#include "WorkflowController.h"

namespace {

const int kThumbnailSize = 160;

QStringList failureLines(const std::vector<tint::ImportFailure>& failed) {
    QStringList lines;
    for (const auto& f : failed)
        lines << QStringLiteral("%1: %2").arg(QString::fromStdString(f.path), QString::fromStdString(f.reason));
    return lines;
}

}  // namespace

Application::Application(QObject* parent)
    : QObject(parent), m_engine(new EngineClient(this)), m_project(new ProjectController(this)) {
    m_window = std::make_unique<MainWindow>(m_project);
    MainWindow* w = m_window.get();
    m_logCallback = tint::log::add_callback([w](tint::log::Level level, const std::string& logger, const std::string& text) {
        QMetaObject::invokeMethod(
            w, [w, level, l = QString::fromStdString(logger), t = QString::fromStdString(text)] {
                w->onLogMessage(int(level), l, t);
            },
            Qt::QueuedConnection);
    });
    m_engine->setComputeThreads(m_settings.threads());
    m_thumbnailPool.setMaxThreadCount(1);  // beside the engine on a small machine
    m_workflow = new WorkflowController(m_engine, m_project, w, this);
    w->supportPane()->setDeleteGuard([this](QString* why) { return noJobs(why); });
    wire();
}

Application::~Application() {
    tint::log::remove_callback(m_logCallback);
    ++*m_thumbnailGeneration;  // a running thumbnail task stops before its next image
    m_thumbnailPool.clear();
    m_thumbnailPool.waitForDone();
    m_engine->cancelAll();
    delete m_engine;  // joins the engine thread before the window and project go
    m_engine = nullptr;
}

void Application::wire() {
    MainWindow* w = m_window.get();
    connect(m_engine, &EngineClient::jobStarted, w, &MainWindow::onJobStarted);
    connect(m_engine, &EngineClient::jobProgress, w, &MainWindow::onJobProgress);
    connect(m_engine, &EngineClient::queueChanged, w, &MainWindow::setQueuedJobs);
    connect(m_engine, &EngineClient::jobFinished, w, [w](JobId id) { w->onJobEnded(id, QString()); });
    connect(m_engine, &EngineClient::jobCancelled, w, [w](JobId id) { w->onJobEnded(id, tr("Cancelled.")); });
    // A failure names the job ("Training the student failed"), not only the reason.
    auto titles = std::make_shared<QHash<JobId, QString>>();
    connect(m_engine, &EngineClient::jobStarted, w, [titles](JobId id, const QString& title) { titles->insert(id, title); });
    connect(m_engine, &EngineClient::jobFinished, w, [titles](JobId id) { titles->remove(id); });
    connect(m_engine, &EngineClient::jobCancelled, w, [titles](JobId id) { titles->remove(id); });
    connect(m_engine, &EngineClient::jobFailed, w, [w, titles](JobId id, const QString& message) {
        w->onJobEnded(id, tr("Failed."));
        const QString title = titles->take(id);
        w->showError(title.isEmpty() ? tr("The job failed") : tr("%1 failed").arg(title), message);
    });
    connect(m_engine, &EngineClient::queueChanged, this, [this](int waiting) {
        if (waiting == 0 && m_engine->currentJob() == 0) Q_EMIT idle();
    });
    connect(w, &MainWindow::cancelRequested, this,
            [this](int mode) { m_engine->cancelCurrent(static_cast<tint::CancelMode>(mode)); });
    connect(w, &MainWindow::cancelAllRequested, this, [this] {
        m_engine->cancelNewJobs();
        m_engine->cancelAll();
    });
    // Queued: the window hears of the last job's end (jobFinished follows queueChanged) first.
    connect(this, &Application::idle, w, &MainWindow::closeIfClosing, Qt::QueuedConnection);
    connect(w, &MainWindow::openProjectRequested, this, &Application::openProject);
    connect(w, &MainWindow::openDemoRequested, this, &Application::openDemo);
    connect(w, &MainWindow::newProjectRequested, this, &Application::newProject);
    connect(w, &MainWindow::importFilesRequested, this, &Application::importFiles);
    connect(w, &MainWindow::importClassFoldersRequested, this, &Application::importClassFolders);
    connect(w, &MainWindow::preferencesRequested, this, &Application::showPreferences);
    connect(w->supportPane()->imageModel(), &SupportImageModel::thumbnailsWanted, this,
            &Application::requestThumbnails);
    connect(m_project, &ProjectController::projectOpened, this, &Application::projectOpened);
}

void Application::start(const StartOptions& options) {
    m_screenshotDir = options.screenshotDir;
    m_options       = options;
    m_window->setRecentProjects(m_settings.recentProjects());
    m_window->show();
    QString last = m_settings.lastProject();
    if (!options.project.isEmpty())
        openProject(options.project);
    else if (options.demo || last.isEmpty() || !QFileInfo::exists(last))
        openDemo();
    else
        openProject(last);
    if (!m_screenshotDir.isEmpty()) {
        // Render once everything queued at start (demo creation, thumbnails) has finished.
        auto conn = std::make_shared<QMetaObject::Connection>();
        *conn     = connect(this, &Application::idle, this, [this, conn] {
            disconnect(*conn);
            if (m_options.screenshotFlow)
                runScreenshotFlow();
            else
                QTimer::singleShot(200, this, &Application::renderScreenshots);
        });
        if (m_engine->currentJob() == 0 && m_engine->pendingCount() == 0) Q_EMIT idle();
    }
}

QString Application::demoPhotosDir() {
    QStringList candidates;
    QString env = qEnvironmentVariable("TINTBENCH_DATA_DIR");
    if (!env.isEmpty()) candidates << env + QStringLiteral("/demo/flowers");
    candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tintbench/demo/flowers");
    candidates << QStringLiteral(TINT_SOURCE_RESOURCES "/demo/flowers");
    for (const QString& c : candidates)
        if (QFileInfo(c).isDir()) return QDir::cleanPath(c);
    return {};
}

QString Application::demoProjectDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo/Flowers.tintproj");
}

bool Application::noJobs(QString* why) const {
    if (m_engine->currentJob() == 0 && m_engine->pendingCount() == 0) return true;
    if (why)
        *why = tr("Classes and support images can be deleted when the running and waiting jobs have finished or been "
                  "cancelled (Cancel in the status bar): they read and write the class folders.");
    return false;
}

bool Application::readyForAnotherProject() {
    if (m_engine->currentJob() == 0 && m_engine->pendingCount() == 0) return true;
    m_window->showError(tr("Jobs are still running"),
                        tr("Another project can be opened when the running and waiting jobs have finished or been "
                           "cancelled (Cancel in the status bar): they write into the project they were started for."));
    return false;
}

void Application::newProject(const QString& folder, const QString& name) {
    if (!readyForAnotherProject()) return;
    QString error;
    if (!m_project->create(folder, name, &error)) m_window->showError(tr("Cannot create the project"), error);
}

void Application::openProject(const QString& path) {
    if (!readyForAnotherProject()) return;
    QString error;
    if (!m_project->open(path, &error)) {
        m_settings.removeRecentProject(path);
        m_window->setRecentProjects(m_settings.recentProjects());
        m_window->showError(tr("Cannot open the project"), error);
    }
}

void Application::openDemo() {
    if (!readyForAnotherProject()) return;
    QString target = demoProjectDir();
    if (QFileInfo::exists(target + QStringLiteral("/project.json"))) return openProject(target);
    QString photos = demoPhotosDir();
    if (photos.isEmpty()) {
        m_window->showError(tr("Demo project"), tr("The bundled demo photos were not found. Set TINTBENCH_DATA_DIR "
                                                   "to the folder that contains demo/flowers."));
        return;
    }
    // A half-made demo from an interrupted first start is removed and made again.
    std::error_code ec;
    std::filesystem::remove_all(target.toStdString(), ec);
    std::filesystem::create_directories(std::filesystem::path(target.toStdString()).parent_path(), ec);
    ProjectController* project = m_project;
    m_engine->submit(tr("Creating the demo project"), [target, photos, project](tint::JobContext& ctx) {
        // Made beside its place and moved there when complete, so that an interrupted first start
        // never leaves a half-made demo that a later start would open.
        const std::string partial = target.toStdString() + ".partial";
        std::error_code fs_ec;
        std::filesystem::remove_all(partial, fs_ec);
        auto p = std::make_shared<tint::Project>(tint::create_demo_project(partial, photos.toStdString(), 5, ctx));
        // The photos that are not supports measure the student (the run leaves the supports out).
        tint::DistillSpec distill;
        distill.validation_dir = photos.toStdString();
        // The demo trains as the README's benchmark found best for a student under 3 ms: the
        // one-block-per-stage MobileNetV2 from the built-in ImageNet weights, repaired by stage
        // matching, on 150 teacher-labelled augmentations per class seen as labelled, with the
        // feature term.
        distill.student            = "mobilenetv2-short";
        distill.student_init       = "imagenet";
        distill.stage_match_epochs = 6;
        distill.classic_per_class  = 150;
        distill.train_augment      = false;
        distill.feature_weight     = 2.0;
        distill.epochs             = 20;
        p->set_workflow_settings(std::string(), tint::distill_spec_to_json(distill));
        std::filesystem::rename(partial, target.toStdString(), fs_ec);
        if (fs_ec)
            throw tint::Error("cannot move the demo project from '" + partial + "' to '" + target.toStdString() + "': " + fs_ec.message());
        p = std::make_shared<tint::Project>(tint::Project::open(target.toStdString()));
        return std::function<void()>([project, p] { project->adopt(std::move(*p)); });
    });
}

void Application::projectOpened() {
    QString root = m_project->rootPath();
    m_settings.addRecentProject(root);
    m_settings.setLastProject(root);
    m_window->setRecentProjects(m_settings.recentProjects());
    try {
        tint::log::set_file_dir((root + QStringLiteral("/logs")).toStdString());
    } catch (const std::exception& e) {
        tint::log::warn("tint.app", e.what());
    }
    tint::log::info("tint.app", "opened project " + root.toStdString());
}

void Application::requestThumbnails(const QStringList& paths) {
    // A pool of its own, not the engine's queue: thumbnails appear while a long job runs. The
    // first request for another project makes the earlier requests stale: they stop before their
    // next image (and still say that they ended, so that nothing waits for them).
    QPointer<SupportImageModel> model = m_window->supportPane()->imageModel();
    const QString root                = m_project->rootPath();
    if (root != m_thumbnailRoot) {
        m_thumbnailRoot = root;
        ++*m_thumbnailGeneration;
    }
    auto current          = m_thumbnailGeneration;
    const quint64 mine    = *current;
    m_thumbnailPool.start([paths, model, current, mine] {
        for (const QString& path : paths) {
            if (*current != mine) break;
            QImage image;  // null: shown as the placeholder and not asked for again
            try {
                image = toQImage(tint::make_thumbnail(tint::load_image_rgb(path.toStdString()), kThumbnailSize));
            } catch (const std::exception& e) {
                tint::log::warn("tint.thumbnails", e.what());
            }
            if (!model) return;
            QMetaObject::invokeMethod(
                model.data(), [model, path, image] { if (model) model->setThumbnail(path, image); }, Qt::QueuedConnection);
        }
        if (model)
            QMetaObject::invokeMethod(
                model.data(), [model, paths] { if (model) model->requestsEnded(paths); }, Qt::QueuedConnection);
    });
}

void Application::waitForThumbnails() {
    m_thumbnailPool.waitForDone();
    QCoreApplication::sendPostedEvents();
}

void Application::importFiles(int classIndex, const QStringList& files) {
    QList<QPair<int, QStringList>> one;
    one.append({classIndex, files});
    importIntoClasses(one);
}

void Application::importIntoClasses(const QList<QPair<int, QStringList>>& perClass) {
    // One job for all classes: one progress bar, one summary that names each class, one list of
    // the files that failed.
    std::vector<tint::ImportGroup> groups;
    std::map<std::string, std::map<std::string, std::string>> known;
    std::map<std::string, QString> names;  // class folder -> class name
    for (const auto& [classIndex, files] : perClass) {
        const tint::ClassEntry* c = m_project->classAt(classIndex);
        if (!c || files.isEmpty()) continue;
        tint::ImportGroup group;
        group.class_dir = c->dir;
        for (const QString& f : files) group.files.push_back(f.toStdString());
        groups.push_back(std::move(group));
        known[c->dir] = m_project->project()->support_hashes(classIndex);
        names[c->dir] = QString::fromStdString(c->name);
    }
    if (groups.empty()) return;
    std::string root = m_project->rootPath().toStdString();
    ProjectController* project = m_project;
    SupportImageModel* model   = m_window->supportPane()->imageModel();
    m_engine->submit(tr("Importing images"), [this, root, groups, known, names, project, model](tint::JobContext& ctx) {
        auto report = std::make_shared<tint::ImportReport>(tint::stage_support_images(root, groups, known, kThumbnailSize, ctx));
        return std::function<void()>([this, project, model, report, names] {
            for (const auto& s : report->imported)
                model->setThumbnail(project->absolutePath(QString::fromStdString(s.image.file)), toQImage(s.thumbnail));
            QString error;
            int added = project->addStaged(report->imported, &error);
            if (!error.isEmpty()) m_window->showError(tr("Cannot save the project"), error);
            // Per class, when the photos went to more than one (the staged ones; all were added
            // unless the project could not be saved).
            QStringList perClassText;
            if (names.size() > 1 && added == int(report->imported.size())) {
                std::map<std::string, int> counts;
                for (const auto& s : report->imported) ++counts[s.class_dir];
                for (const auto& [dir, name] : names) perClassText << tr("%1: %2").arg(name).arg(counts[dir]);
            }
            reportImportFailures(failureLines(report->failed), added, perClassText.join(QStringLiteral(", ")));
        });
    });
}

void Application::importClassFolders(const QString& root) {
    std::string dir = root.toStdString();
    m_engine->submit(tr("Scanning folders"), [this, dir](tint::JobContext& ctx) {
        auto folders = std::make_shared<std::vector<tint::ClassFolder>>(tint::scan_class_folders(dir, &ctx));
        return std::function<void()>([this, folders, dir] {
            if (folders->empty()) {
                m_window->showError(tr("Nothing to import"),
                                    tr("%1 has no sub-folders with images. Each class needs a folder of its own.")
                                        .arg(QString::fromStdString(dir)));
                return;
            }
            QList<QPair<int, QStringList>> perClass;
            for (const auto& f : *folders) {
                int ci = m_project->project()->class_index(f.class_name);
                if (ci < 0) {
                    QString error;
                    if (!m_project->addClass(QString::fromStdString(f.class_name), &error)) {
                        m_window->showError(tr("Cannot add the class"), error);
                        continue;
                    }
                    ci = m_project->classCount() - 1;
                }
                QStringList files;
                for (const auto& file : f.files) files << QString::fromStdString(file);
                perClass.append({ci, files});
            }
            importIntoClasses(perClass);
        });
    });
}

void Application::reportImportFailures(const QStringList& lines, int imported, const QString& perClass) {
    QString summary = perClass.isEmpty() ? tr("Imported %n image(s).", nullptr, imported)
                                         : tr("Imported %n image(s) (%1).", nullptr, imported).arg(perClass);
    if (lines.isEmpty()) {
        m_window->onJobEnded(0, summary);
        return;
    }
    summary += QLatin1Char(' ') + tr("%n file(s) could not be imported.", nullptr, int(lines.size()));
    m_window->onJobEnded(0, summary);
    if (qApp->property("tint_no_dialogs").toBool()) return;
    QMessageBox box(QMessageBox::Warning, tr("Some files were not imported"), summary, QMessageBox::Ok, m_window.get());
    box.setInformativeText(tr("The other images were imported. Details for each file:"));
    box.setDetailedText(lines.join(QLatin1Char('\n')));
    box.exec();
}

void Application::showPreferences() {
    WorkbenchSettings s;
    s.threads = m_settings.threads();
    if (const tint::Project* p = m_project->project()) {
        s.device       = QString::fromStdString(p->data().models.device);
        s.precision    = QString::fromStdString(p->data().models.precision);
        s.generatorDir = QString::fromStdString(p->data().models.generator_dir);
        s.teacherDir   = QString::fromStdString(p->data().models.teacher_dir);
    }
    SettingsDialog dialog(s, tint::runtime_info().cuda_available, m_window.get());
    if (dialog.exec() != QDialog::Accepted) return;
    WorkbenchSettings n = dialog.settings();
    if (n.threads != s.threads) {
        m_settings.setThreads(n.threads);
        m_engine->setComputeThreads(n.threads);
    }
    if (m_project->isOpen()) {
        tint::ModelSettings m;
        m.device        = n.device.toStdString();
        m.precision     = n.precision.toStdString();
        m.generator_dir = n.generatorDir.toStdString();
        m.teacher_dir   = n.teacherDir.toStdString();
        QString error;
        if (!m_project->setModels(m, &error)) m_window->showError(tr("Cannot save the project"), error);
    } else if (n.generatorDir != s.generatorDir || n.teacherDir != s.teacherDir || n.device != s.device ||
               n.precision != s.precision) {
        // The model folders are kept in a project: say so instead of dropping them silently.
        m_window->showError(tr("No project is open"),
                            tr("The model folders and the device are kept in a project: open or create one, then choose "
                               "them again."));
    }
}

void Application::runScreenshotFlow() {
    // A scripted session for the screenshots: every step starts when the previous one has finished.
    MainWindow* w            = m_window.get();
    WorkflowController* flow = m_workflow;
    auto once = [this](auto* sender, auto signal, auto then) {
        auto conn = std::make_shared<QMetaObject::Connection>();
        *conn     = connect(sender, signal, this, [conn, then](auto&&...) {
            disconnect(*conn);
            then();
        });
    };
    auto train = [this, w, flow, once] {
        // Curate a little by hand: accept the first images, reject two.
        SyntheticPane* syn = w->syntheticPane();
        syn->proxy()->setOrder(GalleryFilterModel::Order::Oldest);
        auto pick = [syn](int from, int to) {
            QItemSelection sel(syn->proxy()->index(from, 0), syn->proxy()->index(to, 0));
            syn->view()->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect);
        };
        pick(0, 5);
        syn->applyToSelection(QStringLiteral("accepted"));
        pick(6, 7);
        syn->applyToSelection(QStringLiteral("rejected"));
        syn->proxy()->setOrder(GalleryFilterModel::Order::Newest);
        once(flow, &WorkflowController::distillationFinished,
             [this] { QTimer::singleShot(500, this, &Application::renderScreenshots); });
        flow->startDistillation();
    };
    auto augment = [flow, once, train] {
        once(flow, &WorkflowController::scoringFinished, train);
        flow->generate(-1, 16, false);
    };
    if (m_options.screenshotGenerator.isEmpty()) return augment();
    tint::ModelSettings models = m_project->project()->data().models;
    models.generator_dir       = m_options.screenshotGenerator.toStdString();
    QString error;
    m_project->setModels(models, &error);
    tint::TintSettings ts = w->inversionPane()->settings();
    ts.resolution         = 32;  // the tiny fixture pipeline: small and quick
    ts.steps              = 6;
    ts.ti_steps           = 100;
    ts.nti_inner_steps    = 3;
    w->inversionPane()->setSettings(ts);
    once(flow, &WorkflowController::inversionFinished, [flow, once, augment] {
        once(flow, &WorkflowController::scoringFinished, augment);
        flow->generate(0, 6, true);
    });
    flow->invert(0, false);
}

void Application::renderScreenshots() {
    QDir().mkpath(m_screenshotDir);
    QTabWidget* tabs = m_window->tabs();
    static const char* const names[] = {"support", "inversion", "synthetic", "distillation"};
    for (int i = 0; i < tabs->count() && i < 4; ++i) {
        tabs->setCurrentIndex(i);
        QCoreApplication::processEvents();
        if (tabs->widget(i) == m_window->supportPane()) {
            waitForThumbnails();
            QCoreApplication::processEvents();
        }
        if (tabs->widget(i) == m_window->syntheticPane()) {  // let the visible thumbnails arrive
            m_window->syntheticPane()->thumbnails()->waitForDone();
            QCoreApplication::processEvents();
        }
        m_window->grab().save(m_screenshotDir + QStringLiteral("/%1.png").arg(QLatin1String(names[i])));
    }
    tabs->setCurrentIndex(0);
    QCoreApplication::quit();
}
