#include "WorkflowController.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStatusBar>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "EngineClient.h"
#include "ImageConvert.h"
#include "MainWindow.h"
#include "ProjectController.h"
#include "gallery/SampleModel.h"
#include "panes/DistillPane.h"
#include "panes/InversionPane.h"
#include "panes/SyntheticPane.h"
#include "tint/Distill.h"
#include "tint/Error.h"
#include "tint/Log.h"
#include "tint/Tint.h"
#include "tint/Workflow.h"

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// Engine-thread TINT events, handed to the GUI thread by queued calls.
class TintBridge : public tint::TintEvents {
public:
    TintBridge(QObject* context, InversionPane* pane, SampleModel* samples, ProjectController* project)
        : m_context(context), m_pane(pane), m_samples(samples), m_project(project) {}
    void textual_inversion_step(const std::string& cls, int step, int total, double loss) override {
        post([p = m_pane, c = qs(cls), step, total, loss] { p->onTextualInversionStep(c, step, total, loss); });
    }
    void token_neighbours(const std::string& cls, int step, const std::vector<tint::TokenNeighbour>& n) override {
        QStringList words;
        QList<double> sim;
        for (const auto& w : n) {
            // A byte-level token can be part of a UTF-8 character: show such bytes as hex.
            QString text = qs(w.token);
            if (text.contains(QChar::ReplacementCharacter)) {
                text.clear();
                for (unsigned char c : w.token)
                    text += c < 0x80 ? QString(QChar(c)) : QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
            }
            words << text, sim << w.similarity;
        }
        post([p = m_pane, c = qs(cls), step, words, sim] { p->onNeighbours(c, step, words, sim); });
    }
    void null_text_step(const std::string& cls, int t, int total, const std::vector<double>& losses) override {
        QList<double> l(losses.begin(), losses.end());
        post([p = m_pane, c = qs(cls), t, total, l] { p->onNullTextStep(c, t, total, l); });
    }
    void reconstruction(const tint::ReconstructionEvent& e) override {
        post([p = m_pane, c = qs(e.class_dir), s = e.support, a = toQImage(e.original), b = toQImage(e.null_text),
              d = toQImage(e.ddim), pn = e.psnr_null_text, pd = e.psnr_ddim] { p->onReconstruction(c, s, a, b, d, pn, pd); });
    }
    void sample(const tint::SampleEvent& e) override {
        tint::SampleRecord r;
        r.id        = e.id;
        r.file      = e.file;
        r.support   = e.support;
        r.seed      = e.seed;
        r.width     = e.image.width;
        r.height    = e.image.height;
        r.generator = e.id.rfind("aug-", 0) == 0 ? "augment" : "tint";
        post([m = m_samples, pr = m_project, dir = e.class_dir, r] {
            if (!pr->project()) return;
            int ci = pr->project()->class_index_by_dir(dir);
            if (ci >= 0) m->append(ci, r);
        });
    }
    void message(const std::string& cls, const std::string& text) override {
        tint::log::info("tint.engine", (cls.empty() ? std::string() : cls + ": ") + text);
    }

private:
    template <class F>
    void post(F&& f) {
        QMetaObject::invokeMethod(m_context, std::forward<F>(f), Qt::QueuedConnection);
    }
    QObject* m_context;
    QPointer<InversionPane> m_pane;
    SampleModel* m_samples;
    ProjectController* m_project;
};

/// Engine-thread distillation events; steps are sent at most every 50 ms.
class DistillBridge : public tint::DistillEvents {
public:
    DistillBridge(QObject* context, DistillPane* pane) : m_context(context), m_pane(pane) {}
    void step(int epoch, long long step, long long total, double loss) override {
        auto now = std::chrono::steady_clock::now();
        if (step != total && now - m_last < std::chrono::milliseconds(50)) return;
        m_last = now;
        QMetaObject::invokeMethod(m_context, [p = m_pane, epoch, step, total, loss] { p->onStep(epoch, step, total, loss); },
                                  Qt::QueuedConnection);
    }
    void epoch(const tint::DistillEpoch& e) override {
        QMetaObject::invokeMethod(m_context, [p = m_pane, e] { p->onEpoch(e); }, Qt::QueuedConnection);
    }
    void message(const std::string& text) override { tint::log::info("tint.distill", text); }

private:
    QObject* m_context;
    DistillPane* m_pane;
    std::chrono::steady_clock::time_point m_last{};
};

}  // namespace

WorkflowController::WorkflowController(EngineClient* engine, ProjectController* project, MainWindow* window, QObject* parent)
    : QObject(parent), m_engine(engine), m_project(project), m_window(window), m_tint(std::make_shared<tint::TintEngine>()) {
    InversionPane* inv = window->inversionPane();
    SyntheticPane* syn = window->syntheticPane();
    DistillPane* dis   = window->distillPane();
    connect(inv, &InversionPane::runRequested, this, &WorkflowController::invert);
    connect(inv, &InversionPane::stopRequested, this, [this] {
        if (m_inversionJob) m_engine->cancel(m_inversionJob, tint::CancelMode::Now);
    });
    connect(inv, &InversionPane::settingsChanged, this, &WorkflowController::saveSettings);
    connect(syn, &SyntheticPane::generateRequested, this, &WorkflowController::generate);
    connect(syn, &SyntheticPane::scoreRequested, this, &WorkflowController::score);
    connect(dis, &DistillPane::startRequested, this, [this] { startDistillation(); });
    connect(dis, &DistillPane::resumeRequested, this, &WorkflowController::startDistillation);
    connect(dis, &DistillPane::stopRequested, this, [this] {
        if (m_distillJob) m_engine->cancel(m_distillJob, tint::CancelMode::Now);
    });
    connect(dis, &DistillPane::settingsChanged, this, &WorkflowController::saveSettings);
    connect(dis, &DistillPane::confusionCellActivated, this, &WorkflowController::showConfusionCell);
    connect(dis, &DistillPane::exportRequested, this, &WorkflowController::chooseOnnxFor);
    connect(dis, &DistillPane::runSelectionChanged, this, &WorkflowController::updateExportActions);
    connect(window, &MainWindow::exportOnnxRequested, this, &WorkflowController::chooseOnnx);
    connect(window, &MainWindow::exportTokensRequested, this, &WorkflowController::chooseTokens);
    connect(window, &MainWindow::exportDatasetRequested, this, &WorkflowController::chooseDataset);
    connect(window, &MainWindow::exportModelCardRequested, this, &WorkflowController::chooseModelCard);
    connect(project, &ProjectController::projectOpened, this, &WorkflowController::projectOpened);
    connect(project, &ProjectController::projectClosed, this, &WorkflowController::updateExportActions);
    connect(project, &ProjectController::modelsChanged, this, &WorkflowController::refreshInversionStatus);
    connect(project, &ProjectController::supportsChanged, this, &WorkflowController::refreshInversionStatus);
    connect(project, &ProjectController::classesChanged, this, &WorkflowController::refreshInversionStatus);
    connect(project, &ProjectController::classesChanged, this, &WorkflowController::reloadSamplesIfClassesMoved);
    connect(engine, &EngineClient::jobFinished, this, [this](JobId id) { jobEnded(id, true); });
    connect(engine, &EngineClient::jobFailed, this, [this](JobId id, const QString& message) {
        if (m_exportJobs.contains(id)) Q_EMIT exportFinished(m_exportJobs.value(id), false, message);
        jobEnded(id, false);
    });
    connect(engine, &EngineClient::jobCancelled, this, [this](JobId id) { jobEnded(id, false); });
    connect(engine, &EngineClient::jobProgress, this, [this](const JobProgress& p) {
        if (p.id != m_distillJob) return;
        // The new run is listed (and selected) as soon as its folder exists: its first stages write
        // it. Looked for once per stage, until it is there.
        if (p.stage != m_distillStage) {
            m_distillStage = p.stage;
            if (!m_window->distillPane()->hasRun(m_distillRun)) refreshRuns();
        }
        if (p.total <= 0) return;
        QString text = tr("%1: %2 of %3").arg(p.title).arg(p.step).arg(p.total);
        if (p.etaSeconds >= 0) text += QStringLiteral(" · ") + tr("about %1 min left").arg(std::ceil(p.etaSeconds / 60.0));
        m_window->distillPane()->setProgressText(text);
    });
}

WorkflowController::~WorkflowController() = default;

QString WorkflowController::shippedModel(const QString& name) {
    return qs(tint::find_shipped_model(name.toStdString(), QCoreApplication::applicationDirPath().toStdString(),
                                       TINT_SOURCE_RESOURCES));
}

QString WorkflowController::teacherDir() const {
    const tint::Project* p = m_project->project();
    if (p && !p->data().models.teacher_dir.empty()) return qs(p->data().models.teacher_dir);
    return shippedModel(QStringLiteral("imagenet-mobilenetv2"));
}

void WorkflowController::projectOpened() {
    const tint::Project* p = m_project->project();
    if (!p) return;
    try {
        m_window->inversionPane()->setSettings(tint::tint_settings_from_json(p->data().tint_settings, "project.json: tint"));
        m_window->distillPane()->setSpec(tint::distill_spec_from_json(p->data().distill_settings, "project.json: distill"));
    } catch (const std::exception& e) {
        m_window->showError(tr("Settings in the project file"), tr("%1\nThe defaults are used instead.").arg(qs(e.what())));
    }
    m_window->inversionPane()->clearLive();  // the curves and pictures of the other project's classes
    reload();
}

void WorkflowController::saveSettings() {
    if (!m_project->isOpen()) return;
    tint::DistillSpec spec = m_window->distillPane()->spec();
    QString error;
    if (!m_project->setWorkflowSettings(qs(tint::tint_settings_to_json(m_window->inversionPane()->settings())),
                                        qs(tint::distill_spec_to_json(spec)), &error))
        m_window->showError(tr("Cannot save the project"), error);
    refreshInversionStatus();
}

namespace {
std::vector<std::string> classDirs(const tint::ProjectData& data) {
    std::vector<std::string> dirs;
    for (const auto& c : data.classes) dirs.push_back(c.dir);
    return dirs;
}
}  // namespace

void WorkflowController::reloadSamplesIfClassesMoved() {
    const tint::Project* p = m_project->project();
    if (!p || classDirs(p->data()) == m_sampleClassDirs) return;
    // The gallery numbers its samples by class position: after a class was removed (or added),
    // nothing may be curated under the old numbers until the samples are read again.
    m_window->syntheticPane()->clearSamples();
    reload();
}

void WorkflowController::reload() {
    refreshInversionStatus();
    refreshRuns();
    const tint::Project* p = m_project->project();
    if (!p) return;
    const std::string root = p->root();
    const tint::ProjectData data = p->data();
    m_sampleClassDirs = classDirs(data);
    SampleModel* model = m_window->syntheticPane()->model();
    QPointer<WorkflowController> self(this);
    m_engine->submit(tr("Reading the synthetic images"), [root, data, model, self](tint::JobContext&) {
        auto samples = std::make_shared<std::vector<tint::ProjectSample>>(tint::list_samples(root, data));
        return std::function<void()>([samples, model, self, root, dirs = classDirs(data)] {
            // A newer reload is on its way when the classes changed again meanwhile.
            if (!self || !self->m_project->project() || self->m_project->project()->root() != root ||
                classDirs(self->m_project->project()->data()) != dirs)
                return;
            model->reset(std::move(*samples));
            if (self) {
                self->updateExportActions();
                Q_EMIT self->samplesLoaded();
            }
        });
    });
}

void WorkflowController::refreshInversionStatus() {
    const tint::Project* p = m_project->project();
    InversionPane* pane    = m_window->inversionPane();
    if (!p) {
        pane->setClassStatuses({}, false, QString());
        updateGeneratorInfo();
        return;
    }
    tint::TintSettings s = pane->settings();
    s.model_dir          = p->data().models.generator_dir;
    std::vector<tint::ClassInversionStatus> statuses;
    QString problem;
    m_haveTokens = false;
    m_tintReady  = false;
    m_tintReadyClasses.clear();
    for (const auto& c : p->data().classes) {
        tint::ClassInversionStatus st;
        st.class_dir = c.dir;
        try {
            if (!s.model_dir.empty()) {
                st = tint::inversion_status(p->root(), c, s);
                auto usable = tint::inversion_status(p->root(), c, s, false);
                if (usable.token == tint::InversionState::Done) m_haveTokens = true;
                if (usable.token == tint::InversionState::Done && usable.null_text == tint::InversionState::Done)
                    m_tintReadyClasses.push_back(int(statuses.size()));
            }
        } catch (const std::exception& e) {
            problem = tr("The Stable Diffusion folder cannot be used: %1").arg(qs(e.what()));
        }
        statuses.push_back(st);
    }
    m_tintReady = !m_tintReadyClasses.empty();
    pane->setClassStatuses(statuses, !s.model_dir.empty(), problem);
    updateGeneratorInfo();
    updateExportActions();
}

void WorkflowController::updateGeneratorInfo() {
    const tint::Project* p = m_project->project();
    SyntheticPane* syn     = m_window->syntheticPane();
    if (!p) return syn->setGeneratorInfo(false, QString());
    if (p->data().models.generator_dir.empty())
        syn->setGeneratorInfo(false, tr("No diffusion model is configured, so the augmentation generator makes the "
                                        "training images from your support photos (crops, flips, colour changes). "
                                        "Choose a Stable Diffusion folder under Settings › Preferences to use TINT."));
    else if (!m_tintReady)
        syn->setGeneratorInfo(false, tr("TINT needs finished inversions: run them in step 2. Until then the "
                                        "augmentation generator is used."));
    else if (m_tintReadyClasses.size() < p->data().classes.size()) {
        // "All classes" with TINT makes images of the inverted classes only: say which, so that an
        // uneven training set is not a surprise.
        QStringList ready, missing;
        for (std::size_t i = 0; i < p->data().classes.size(); ++i) {
            const QString name = qs(p->data().classes[i].name);
            if (std::find(m_tintReadyClasses.begin(), m_tintReadyClasses.end(), int(i)) != m_tintReadyClasses.end())
                ready << name;
            else
                missing << name;
        }
        syn->setGeneratorInfo(true, tr("TINT makes images of the inverted classes only: %1. Not inverted yet (step 2): "
                                       "%2; for them choose the augmentation generator.")
                                        .arg(ready.join(QStringLiteral(", ")), missing.join(QStringLiteral(", "))));
    } else
        syn->setGeneratorInfo(true, QString());
}

void WorkflowController::refreshRuns() {
    const tint::Project* p = m_project->project();
    std::vector<std::string> problems;
    auto runs = p ? tint::list_runs(p->root(), &problems) : std::vector<tint::RunSummary>{};
    for (const auto& pr : problems) tint::log::warn("tint.runs", pr);
    m_window->distillPane()->setRuns(runs);
    updateExportActions();
}

void WorkflowController::updateExportActions() {
    // The student exports act on the run selected in step 4, and wait for training to end (one
    // engine thread: an export started now would only start after the training).
    m_window->setExportAvailability(m_project->isOpen() && !m_distillJob && m_window->distillPane()->selectedRunHasStudent(),
                                    m_project->isOpen() && m_haveTokens,
                                    m_project->isOpen());
}

void WorkflowController::jobEnded(JobId id, bool ok) {
    if (id == 0) return;
    m_exportJobs.remove(id);
    if (id == m_inversionJob) {
        m_inversionJob = 0;
        m_window->inversionPane()->setRunning(false);
        refreshInversionStatus();
        Q_EMIT inversionFinished(ok);
    } else if (id == m_distillJob) {
        m_distillJob = 0;
        m_window->distillPane()->setRunning(false);
        refreshRuns();
        updateExportActions();
        // Finished, stopped or failed: the run just trained stays selected (Resume continues it).
        m_window->distillPane()->selectRun(m_distillRun);
        Q_EMIT distillationFinished(m_window->distillPane()->selectedRun(), ok);
    } else if (id == m_generateJob) {
        m_generateJob = 0;
        m_window->syntheticPane()->setGenerating(false);
    }
}

// ------------------------------------------------------------------------------------- inversion

void WorkflowController::invert(int classIndex, bool restart) {
    const tint::Project* p = m_project->project();
    if (!p || m_inversionJob) return;
    tint::TintSettings s = m_window->inversionPane()->settings();
    s.model_dir          = p->data().models.generator_dir;
    s.device             = p->data().models.device;
    s.precision          = p->data().models.precision;
    if (s.model_dir.empty())
        return m_window->showError(tr("No Stable Diffusion model"), tr("Choose a diffusers folder under Settings › Preferences first."));
    saveSettings();
    const std::string root = p->root();
    const tint::ProjectData data = p->data();
    std::vector<int> classes;
    if (classIndex >= 0) classes.push_back(classIndex);
    auto engine = m_tint;
    auto bridge = std::make_shared<TintBridge>(this, m_window->inversionPane(), m_window->syntheticPane()->model(), m_project);
    if (!restart) {
        // A class whose stored inversion no longer matches (other settings, model or supports) is
        // deleted and computed again by the run: ask first, naming the classes and the reason.
        QStringList stale;
        int done = 0, asked = 0;
        for (std::size_t i = 0; i < data.classes.size(); ++i) {
            if (classIndex >= 0 && int(i) != classIndex) continue;
            ++asked;
            try {
                const auto st = tint::inversion_status(root, data.classes[i], s);
                if (st.token == tint::InversionState::Stale || st.null_text == tint::InversionState::Stale)
                    stale << tr("%1 (%2)").arg(qs(data.classes[i].name), qs(st.stale_reason));
                if (st.token == tint::InversionState::Done && st.null_text == tint::InversionState::Done) ++done;
            } catch (const std::exception&) {
                // the run reports what is wrong with the model folder
            }
        }
        if (asked > 0 && done == asked) {  // nothing to do: say so instead of a job that only logs it
            m_window->statusBar()->showMessage(
                classIndex >= 0 ? tr("%1 is already inverted; Start over computes it again.")
                                      .arg(qs(data.classes[std::size_t(classIndex)].name))
                                : tr("Every class is already inverted; Start over computes a class again."),
                8000);
            return;
        }
        if (!stale.isEmpty() && !qApp->property("tint_no_dialogs").toBool() &&
            QMessageBox::question(m_window, tr("Stored inversions out of date"),
                                  tr("These stored inversions no longer match and would be deleted and computed again:\n\n%1"
                                     "\n\nContinue? To keep them, answer No and set the settings back.")
                                      .arg(stale.join(QLatin1Char('\n'))),
                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
            return;
    }
    if (restart && classIndex >= 0) {
        auto answer = qApp->property("tint_no_dialogs").toBool()
                          ? QMessageBox::Yes
                          : QMessageBox::question(m_window, tr("Start over"),
                                                  tr("Discard the stored inversion of %1 and compute it again?")
                                                      .arg(qs(data.classes[std::size_t(classIndex)].name)));
        if (answer != QMessageBox::Yes) return;
    }
    const QString title = classIndex >= 0 ? tr("Inverting %1").arg(qs(data.classes[std::size_t(classIndex)].name))
                                          : tr("Inverting all classes");
    m_window->inversionPane()->setRunning(true);
    m_window->tabs()->setCurrentWidget(m_window->inversionPane());
    m_inversionJob = m_engine->submit(title, [engine, bridge, root, data, classes, s, restart](tint::JobContext& ctx) {
        engine->invert(root, data, classes, s, *bridge, ctx, restart);
        return std::function<void()>([] {});
    }, /*severalStages=*/true);  // textual inversion, then null-text inversion per image
}

// ------------------------------------------------------------------------------------ synthesis

void WorkflowController::generate(int classIndex, int perClass, bool useTint) {
    const tint::Project* p = m_project->project();
    if (!p) return;
    const std::string root = p->root();
    const tint::ProjectData data = p->data();
    std::vector<int> classes;
    if (classIndex >= 0) classes.push_back(classIndex);
    auto bridge = std::make_shared<TintBridge>(this, m_window->inversionPane(), m_window->syntheticPane()->model(), m_project);
    QPointer<WorkflowController> self(this);
    auto done = [self](int written) {
        return std::function<void()>([self, written] {
            if (!self) return;
            Q_EMIT self->generationFinished(written);
            self->m_window->statusBar()->showMessage(tr("%n new image(s).", nullptr, written), 8000);
            // The teacher labels the new images when its head can be fitted.
            if (written > 0 && self->m_project->canFitTeacherHead()) self->score();
        });
    };
    m_window->syntheticPane()->setGenerating(true);
    if (useTint && m_tintReady) {
        tint::TintSettings s = m_window->inversionPane()->settings();
        s.model_dir          = data.models.generator_dir;
        s.device             = data.models.device;
        s.precision          = data.models.precision;
        tint::SynthesisSpec spec;
        spec.classes   = classes;
        spec.per_class = perClass;
        spec.seed      = std::uint64_t(QDateTime::currentMSecsSinceEpoch());  // new images every time
        // Classes without a finished inversion are left out (synthesize refuses them by name).
        if (spec.classes.empty()) spec.classes = m_tintReadyClasses;
        auto engine    = m_tint;
        m_generateJob = m_engine->submit(tr("Generating images with TINT"), [engine, bridge, root, data, spec, s, done](tint::JobContext& ctx) {
            auto report = engine->synthesize(root, data, spec, s, *bridge, ctx);
            return done(report.written);
        });
    } else {
        tint::AugmentSpec spec;
        spec.classes   = classes;
        spec.per_class = perClass;
        spec.seed      = std::uint64_t(QDateTime::currentMSecsSinceEpoch());
        m_generateJob = m_engine->submit(tr("Generating images by augmentation"), [bridge, root, data, spec, done](tint::JobContext& ctx) {
            auto report = tint::generate_augmented(root, data, spec, *bridge, ctx);
            return done(report.written);
        });
    }
}

void WorkflowController::score() {
    const tint::Project* p = m_project->project();
    if (!p) return;
    tint::ScoreOptions o;
    o.teacher_dir = teacherDir().toStdString();
    o.head        = m_window->distillPane()->spec().head;
    if (o.teacher_dir.empty())
        return m_window->showError(tr("No teacher"), tr("Choose a teacher folder under Settings › Preferences."));
    const std::string root       = p->root();
    const tint::ProjectData data = p->data();
    SampleModel* model           = m_window->syntheticPane()->model();
    QPointer<WorkflowController> self(this);
    m_engine->submit(tr("Scoring images with the teacher"), [root, data, o, model, self](tint::JobContext& ctx) {
        auto report = tint::score_samples(root, data, o, ctx, [model](int ci, const std::vector<tint::SampleRecord>& recs) {
            QMetaObject::invokeMethod(model, [model, ci, recs] { model->updateScores(ci, recs); }, Qt::QueuedConnection);
        });
        return std::function<void()>([self, report] {
            if (self) Q_EMIT self->scoringFinished(report.scored);
        });
    });
}

// -------------------------------------------------------------------------------- distillation

void WorkflowController::startDistillation(const QString& resumeRun) {
    const tint::Project* p = m_project->project();
    if (!p || m_distillJob) return;
    saveSettings();
    DistillPane* pane      = m_window->distillPane();
    tint::DistillSpec spec = pane->spec();
    if (!resumeRun.isEmpty()) {  // a resumed run keeps the settings it was started with
        for (const auto& r : tint::list_runs(p->root()))
            if (r.id == resumeRun.toStdString()) spec = r.spec;
        spec.run_id = resumeRun.toStdString();
    } else {
        spec.teacher_dir = teacherDir().toStdString();
    }
    // The ImageNet start (and stage matching) read the built-in weights, also when a run resumes
    // with another teacher: the folder is not part of a run's saved settings.
    if (spec.student_init == "imagenet") {
        spec.student_init_dir = shippedModel(QStringLiteral("imagenet-mobilenetv2")).toStdString();
        if (spec.student_init_dir.empty())
            return m_window->showError(tr("Starting weights"),
                                       tr("The built-in ImageNet MobileNetV2 was not found; choose random starting weights."));
    }
    if (spec.teacher_dir.empty())
        return m_window->showError(tr("No teacher"), tr("Choose a teacher folder under Settings › Preferences."));
    const std::string root       = p->root();
    const tint::ProjectData data = p->data();
    if (spec.run_id.empty()) {
        // The run id is made here so the pane can follow the run from its first step.
        spec.run_id = QDateTime::currentDateTimeUtc().toString(QStringLiteral("'run-'yyyyMMdd-HHmmss")).toStdString();
        while (QFileInfo::exists(qs(root) + QStringLiteral("/runs/") + qs(spec.run_id))) spec.run_id += "b";
    }
    auto bridge = std::make_shared<DistillBridge>(this, pane);
    pane->beginLive(qs(spec.run_id));
    pane->setRunning(true);
    QPointer<WorkflowController> self(this);
    const QString runId = qs(spec.run_id);
    m_distillRun        = runId;
    m_distillJob = m_engine->submit(tr("Training the student"), [root, data, spec, bridge, self, runId](tint::JobContext& ctx) {
        auto result = tint::run_distillation(root, data, spec, *bridge, ctx);
        return std::function<void()>([self, runId] {
            if (!self) return;
            self->refreshRuns();
            self->m_window->distillPane()->selectRun(runId);
        });
    }, /*severalStages=*/true);  // teacher, soft labels, stage matching, training
    updateExportActions();
    m_distillStage.clear();  // the run is listed once its first stage reports (jobProgress above)
}

void WorkflowController::showConfusionCell(const QString& runId, int trueClass, int predictedClass) {
    const tint::Project* p = m_project->project();
    if (!p || trueClass < 0 || predictedClass < 0) return;
    if (m_distillJob)  // the engine is busy training: the images would only come after it
        return m_window->showError(tr("Images of the cell"),
                                   tr("The images of a cell can be shown when the training has ended."));
    const std::string root       = p->root();
    const tint::ProjectData data = p->data();
    if (trueClass >= int(data.classes.size()) || predictedClass >= int(data.classes.size()))
        return m_window->showError(tr("Images of the cell"),
                                   tr("The run %1 was trained on other classes than the project has now; start a new run "
                                      "to look at its predictions.").arg(runId));
    const QString title = tr("%1 predicted as %2").arg(qs(data.classes[std::size_t(trueClass)].name),
                                                      qs(data.classes[std::size_t(predictedClass)].name));
    DistillPane* pane = m_window->distillPane();
    m_engine->submit(tr("Finding the images of the cell"),
                     [root, data, runId, trueClass, predictedClass, pane, title](tint::JobContext& ctx) {
                         auto preds = tint::run_validation_predictions(root, data, runId.toStdString(), ctx);
                         QStringList paths;
                         QList<QImage> thumbs;
                         QList<double> conf;
                         for (const auto& pr : preds) {
                             if (pr.true_class != trueClass || pr.predicted != predictedClass) continue;
                             paths << qs(pr.file);
                             conf << pr.confidence;
                             try {
                                 thumbs << toQImage(tint::make_thumbnail(tint::load_image_rgb(pr.file), 128));
                             } catch (const std::exception&) {
                                 thumbs << QImage();
                             }
                         }
                         return std::function<void()>(
                             [pane, title, paths, thumbs, conf] { pane->showCellImages(title, paths, thumbs, conf); });
                     });
}

// -------------------------------------------------------------------------------------- exports

namespace {
bool noDialogs() { return qApp->property("tint_no_dialogs").toBool(); }
}  // namespace

void WorkflowController::chooseOnnx() { chooseOnnxFor(m_window->distillPane()->selectedRun()); }

void WorkflowController::chooseOnnxFor(const QString& run) {
    if (run.isEmpty()) return;
    QString file = QFileDialog::getSaveFileName(m_window, tr("Export the student of %1 to ONNX").arg(run),
                                                QDir::homePath() + QStringLiteral("/%1.onnx").arg(run), tr("ONNX models (*.onnx)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QStringLiteral(".onnx"))) {
        file += QStringLiteral(".onnx");
        // The dialog asked about the name as typed, not about this one.
        if (QFileInfo::exists(file) && !noDialogs() &&
            QMessageBox::question(m_window, tr("Export the student"),
                                  tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(file))) != QMessageBox::Yes)
            return;
    }
    exportOnnx(run, file);
}

void WorkflowController::exportOnnx(const QString& runId, const QString& file) {
    const tint::Project* p = m_project->project();
    if (!p) return;
    const std::string root       = p->root();
    const tint::ProjectData data = p->data();
    QPointer<WorkflowController> self(this);
    JobId id = m_engine->submit(tr("Exporting to ONNX"), [root, data, runId, file, self](tint::JobContext& ctx) {
        auto rep = tint::export_run_onnx(root, data, runId.toStdString(), file.toStdString(), &ctx);
        return std::function<void()>([self, rep] {
            if (!self) return;
            const QString msg = tr("Wrote %1 (%2 KB). Self-check passed: OpenCV's ONNX runtime gives the same outputs "
                                   "as the trained student on %n image(s), largest difference %3.",
                                   nullptr, rep.images_checked)
                                    .arg(qs(rep.path))
                                    .arg(rep.file_size / 1024)
                                    .arg(rep.max_abs_diff, 0, 'g', 2);
            Q_EMIT self->exportFinished(QStringLiteral("onnx"), true, msg);
            if (!noDialogs()) QMessageBox::information(self->m_window, tr("Student exported"), msg);
        });
    });
    m_exportJobs.insert(id, QStringLiteral("onnx"));
}

void WorkflowController::chooseTokens() {
    QString dir = QFileDialog::getExistingDirectory(m_window, tr("Folder for the learned tokens"));
    if (dir.isEmpty()) return;
    bool ok                 = false;
    const QStringList items = {tr("Diffusers (learned_embeds.safetensors)"), tr("Stable Diffusion web UI")};
    const QString format    = QInputDialog::getItem(m_window, tr("Embedding format"), tr("Format:"), items, 0, false, &ok);
    if (!ok) return;
    exportTokens(dir, int(items.indexOf(format)) == 1 ? int(tint::EmbeddingFormat::WebUI) : int(tint::EmbeddingFormat::Diffusers));
}

void WorkflowController::exportTokens(const QString& folder, int format) {
    const tint::Project* p = m_project->project();
    if (!p) return;
    const std::string root       = p->root();
    const tint::ProjectData data = p->data();
    QPointer<WorkflowController> self(this);
    JobId id = m_engine->submit(tr("Exporting tokens"), [root, data, folder, format, self](tint::JobContext& ctx) {
        QStringList written, skipped;
        for (const auto& c : data.classes) {
            ctx.throw_if_cancelled();  // between files: each token file is written whole
            const QString file = folder + QStringLiteral("/%1.safetensors").arg(qs(c.dir));
            try {
                tint::export_embedding(root, c, file.toStdString(), static_cast<tint::EmbeddingFormat>(format));
                written << file;
            } catch (const tint::Error& e) {
                skipped << qs(c.name) + QStringLiteral(": ") + qs(e.what());
            }
        }
        if (written.isEmpty())
            throw tint::Error("no class has a finished textual inversion to export (" + skipped.join(QStringLiteral("; ")).toStdString() + ")");
        return std::function<void()>([self, written, skipped] {
            if (!self) return;
            QString msg = tr("Wrote %n token file(s):", nullptr, int(written.size())) + QLatin1Char('\n') + written.join(QLatin1Char('\n'));
            if (!skipped.isEmpty()) msg += QLatin1Char('\n') + tr("Not exported:") + QLatin1Char('\n') + skipped.join(QLatin1Char('\n'));
            Q_EMIT self->exportFinished(QStringLiteral("tokens"), true, msg);
            if (!noDialogs()) QMessageBox::information(self->m_window, tr("Tokens exported"), msg);
        });
    });
    m_exportJobs.insert(id, QStringLiteral("tokens"));
}

void WorkflowController::chooseDataset() {
    QString dir = QFileDialog::getSaveFileName(m_window, tr("New folder for the curated dataset"),
                                               QDir::homePath() + QStringLiteral("/%1-dataset").arg(m_project->displayName()));
    if (dir.isEmpty()) return;
    auto answer = QMessageBox::question(m_window, tr("Curated dataset"), tr("Include the undecided images as well as the accepted ones?"),
                                        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    exportDataset(dir, answer == QMessageBox::Yes);
}

void WorkflowController::exportDataset(const QString& folder, bool includeUndecided) {
    const tint::Project* p = m_project->project();
    if (!p) return;
    const std::string root       = p->root();
    const tint::ProjectData data = p->data();
    QPointer<WorkflowController> self(this);
    JobId id = m_engine->submit(tr("Exporting the curated dataset"), [root, data, folder, includeUndecided, self](tint::JobContext& ctx) {
        auto rep = tint::export_curated_dataset(root, data, folder.toStdString(), includeUndecided, &ctx);
        return std::function<void()>([self, rep] {
            if (!self) return;
            const QString msg = tr("Wrote %n image(s) to %1, one folder per class", nullptr, rep.images).arg(qs(rep.folder)) +
                                QStringLiteral(" (") + tr("supports: %1, synthetic: %2").arg(rep.supports).arg(rep.synthetic) +
                                QStringLiteral(").");
            Q_EMIT self->exportFinished(QStringLiteral("dataset"), true, msg);
            if (!noDialogs()) QMessageBox::information(self->m_window, tr("Dataset exported"), msg);
        });
    });
    m_exportJobs.insert(id, QStringLiteral("dataset"));
}

void WorkflowController::chooseModelCard() {
    QString run = m_window->distillPane()->selectedRun();
    if (run.isEmpty()) return;
    QString file = QFileDialog::getSaveFileName(m_window, tr("Model card of %1").arg(run),
                                                QDir::homePath() + QStringLiteral("/%1-model-card.md").arg(run),
                                                tr("Markdown (*.md)"));
    if (!file.isEmpty()) exportModelCard(run, file);
}

void WorkflowController::exportModelCard(const QString& runId, const QString& file) {
    const tint::Project* p = m_project->project();
    if (!p) return;
    try {
        tint::write_model_card(p->root(), p->data(), runId.toStdString(), file.toStdString());
    } catch (const std::exception& e) {
        Q_EMIT exportFinished(QStringLiteral("card"), false, qs(e.what()));
        return m_window->showError(tr("Cannot write the model card"), qs(e.what()));
    }
    const QString msg = tr("Wrote the model card %1.").arg(file);
    Q_EMIT exportFinished(QStringLiteral("card"), true, msg);
    m_window->statusBar()->showMessage(msg, 8000);
}
