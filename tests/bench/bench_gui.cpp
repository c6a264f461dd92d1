// Responsiveness of the workbench: the longest event-loop stall of the GUI thread while the engine
// inverts, samples, scores and trains (on the tiny fixture models), and the time to paint the
// synthetic gallery while scrolling through 20 000 images. Prints figures; asserts nothing.
//   bench_gui [--threads N] [--gallery N]
// Runs offscreen unless QT_QPA_PLATFORM says otherwise.
#include <QAbstractItemView>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <fstream>
#include <vector>

#include "Application.h"
#include "EngineClient.h"
#include "MainWindow.h"
#include "ProjectController.h"
#include "WorkflowController.h"
#include "gallery/GalleryFilterModel.h"
#include "gallery/SampleModel.h"
#include "gallery/ThumbnailCache.h"
#include "panes/DistillPane.h"
#include "panes/InversionPane.h"
#include "panes/SyntheticPane.h"
#include "tint/Project.h"
#include "tint/Runtime.h"
#include "tint/Workflow.h"

namespace {

double peakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

/// Measures how late a 5 ms timer fires: a late tick means the event loop was busy.
class StallMonitor : public QObject {
public:
    StallMonitor() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0) {
                m_gaps.push_back(double(now - m_last) / 1e6 - 5.0);
                m_when.push_back(double(now) / 1e9);
            }
            m_last = now;
        });
    }
    void start() {
        m_gaps.clear();
        m_when.clear();
        m_last = -1;
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    void print(const char* phase, double seconds) const {
        std::vector<std::size_t> order(m_gaps.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return m_gaps[a] > m_gaps[b]; });
        std::string worst;
        for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i)
            worst += " " + std::to_string(int(m_gaps[order[i]])) + "ms@" + std::to_string(int(m_when[order[i]] * 10) / 10.0).substr(0, 5) + "s";
        std::vector<double> g = m_gaps;
        std::sort(g.begin(), g.end());
        auto pct = [&](double q) { return g.empty() ? 0.0 : g[std::min(g.size() - 1, std::size_t(q * double(g.size())))]; };
        std::printf("%-28s %8.1f s  %7zu ticks  stall p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms\n", phase, seconds, g.size(),
                    std::max(0.0, pct(0.5)), std::max(0.0, pct(0.99)), g.empty() ? 0.0 : std::max(0.0, g.back()));
        if (std::getenv("BENCH_GUI_WORST")) std::printf("    worst:%s\n", worst.c_str());
        std::fflush(stdout);
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    std::vector<double> m_gaps, m_when;
};

template <class Signal, class Sender, class Start>
bool measure(const char* phase, StallMonitor& mon, Sender* sender, Signal signal, Start start) {
    QSignalSpy spy(sender, signal);
    QElapsedTimer t;
    t.start();
    mon.start();
    start();
    const bool ok = spy.wait(1800000);
    mon.stop();
    mon.print(phase, double(t.elapsed()) / 1000.0);
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication qapp(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    qapp.setProperty("tint_no_dialogs", true);
    int threads = 2, gallery = 20000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (QByteArray(argv[i]) == "--threads") threads = std::atoi(argv[++i]);
        if (QByteArray(argv[i]) == "--gallery") gallery = std::atoi(argv[++i]);
    }
    QTemporaryDir dir;
    const QString photos = QStringLiteral(TINT_SOURCE_RESOURCES "/demo/flowers");
    tint::Project created = tint::Project::create(dir.filePath(QStringLiteral("Bench.tintproj")).toStdString(), "Bench");
    created.add_class("daisy");
    created.add_class("roses");
    {
        tint::SilentJobContext ctx;
        std::vector<tint::ImportGroup> groups;
        for (const auto& c : created.data().classes) {
            auto files = tint::list_image_files((photos + QLatin1Char('/') + QString::fromStdString(c.name)).toStdString());
            files.resize(3);
            groups.push_back({c.dir, files});
        }
        auto report = tint::stage_support_images(created.root(), groups, {}, 160, ctx);
        created.add_staged(report.imported);
        tint::ModelSettings m;
        m.generator_dir = TINT_TEST_DATA "/sd/tiny-sd15";
        m.teacher_dir   = TINT_TEST_DATA "/teachers/dinov2-tiny";
        created.set_models(m);
    }

    Application app;
    app.engine()->setComputeThreads(threads);
    MainWindow* w = app.window();
    w->show();
    QSignalSpy opened(app.project(), &ProjectController::projectOpened);
    app.openProject(QString::fromStdString(created.root()));
    WorkflowController* flow = app.workflow();
    QSignalSpy loaded(flow, &WorkflowController::samplesLoaded);
    loaded.wait(60000);
    std::printf("bench_gui: %d compute threads, Qt platform %s, %d CPU cores\n", threads,
                qPrintable(QGuiApplication::platformName()), QThread::idealThreadCount());
    std::printf("longest event-loop stalls of the GUI thread (lateness of a 5 ms timer) while the engine works:\n");

    StallMonitor mon;
    InversionPane* inv    = w->inversionPane();
    tint::TintSettings ts = inv->settings();
    ts.resolution         = 32;
    ts.steps              = 5;
    ts.ti_steps           = 60;
    ts.nti_inner_steps    = 5;
    inv->setSettings(ts);
    w->tabs()->setCurrentWidget(inv);
    if (!measure("inversion (2 classes)", mon, flow, &WorkflowController::inversionFinished, [&] { flow->invert(-1, false); }))
        return 1;
    w->tabs()->setCurrentWidget(w->syntheticPane());
    if (!measure("TINT sampling (8 images)", mon, flow, &WorkflowController::generationFinished,
                 [&] { flow->generate(-1, 4, true); }))
        return 1;
    QSignalSpy scored(flow, &WorkflowController::scoringFinished);
    scored.wait(600000);
    if (!measure("augmentation (200 images)", mon, flow, &WorkflowController::generationFinished,
                 [&] { flow->generate(-1, 100, false); }))
        return 1;
    if (!measure("teacher scoring", mon, flow, &WorkflowController::scoringFinished, [] {})) return 1;
    DistillPane* dis       = w->distillPane();
    tint::DistillSpec spec = dis->spec();
    spec.epochs            = 3;
    spec.student           = "resnet12";
    spec.width             = 0.5;
    spec.input_size        = 64;
    dis->setSpec(spec);
    w->tabs()->setCurrentWidget(dis);
    if (!measure("training (ResNet-12x0.5, 3 ep.)", mon, flow, &WorkflowController::distillationFinished,
                 [&] { flow->startDistillation(); }))
        return 1;

    // The gallery at `gallery` images: samples.jsonl lines pointing at the images made above.
    SyntheticPane* syn = w->syntheticPane();
    SampleModel* model = syn->model();
    const tint::ProjectData data = app.project()->project()->data();
    {
        auto samples = tint::list_samples(app.project()->project()->root(), data);
        for (const auto& c : data.classes) {
            std::ofstream out(app.project()->project()->root() + "/synthetic/" + c.dir + "/samples.jsonl", std::ios::app);
            int n = 0;
            for (int i = 0; n < gallery / 2; ++i) {
                const auto& s = samples[std::size_t(i) % samples.size()];
                if (data.classes[std::size_t(s.class_index)].dir != c.dir) continue;
                out << "{\"id\":\"bench-" << n << "\",\"file\":\"" << s.record.file
                    << "\",\"generator\":\"augment\",\"status\":\"new\",\"teacher_class\":" << (n % 2)
                    << ",\"teacher_confidence\":" << (0.5 + 0.5 * double(n % 100) / 100.0) << "}\n";
                ++n;
            }
        }
    }
    w->tabs()->setCurrentWidget(syn);
    QElapsedTimer t;
    t.start();
    flow->reload();
    loaded.clear();
    loaded.wait(600000);
    const double loadMs = double(t.elapsed());
    std::printf("gallery: %d images listed in %.0f ms (reading samples.jsonl on the engine thread)\n", model->rowCount(), loadMs);
    // Scroll page by page; each step is one full repaint of the view.
    QAbstractItemView* view = syn->view();
    w->resize(1280, 860);
    QScrollBar* bar = view->verticalScrollBar();
    // The view lays items out in batches between events: let it finish, and time that too.
    t.restart();
    for (int stable = 0, last = -1; stable < 20;) {
        QCoreApplication::processEvents();
        stable = bar->maximum() == last ? stable + 1 : 0;
        last   = bar->maximum();
    }
    std::printf("gallery: laid out in %.0f ms (in batches of 500 between events), %d px to scroll\n",
                double(t.elapsed()), bar->maximum());
    std::vector<double> frames;
    for (int pass = 0; pass < 2; ++pass) {  // the second pass has the thumbnails cached (4000 at most)
        frames.clear();
        for (int v = 0; v <= bar->maximum() && frames.size() < 1000; v += std::max(1, bar->pageStep())) {
            QElapsedTimer f;
            f.start();
            bar->setValue(v);
            view->viewport()->repaint();
            frames.push_back(double(f.nsecsElapsed()) / 1e6);
            QCoreApplication::processEvents();
        }
        syn->thumbnails()->waitForDone();
        QCoreApplication::processEvents();
        std::sort(frames.begin(), frames.end());
        std::printf("gallery scroll pass %d: %zu pages, paint per page median %.2f ms, p99 %.2f ms, max %.2f ms\n", pass + 1,
                    frames.size(), frames[frames.size() / 2], frames[std::min(frames.size() - 1, frames.size() * 99 / 100)],
                    frames.back());
    }
    // Sorting and filtering 20 000 rows.
    t.restart();
    syn->proxy()->setOrder(GalleryFilterModel::Order::ConfidenceLowest);
    syn->proxy()->index(0, 0).data(SampleModel::ConfidenceRole);
    const double sortMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    syn->proxy()->setClassFilter(1);
    syn->proxy()->index(0, 0).data(SampleModel::ConfidenceRole);
    const double filterMs = double(t.nsecsElapsed()) / 1e6;
    std::printf("gallery: sort by confidence %.1f ms, filter by class %.1f ms\n", sortMs, filterMs);
    std::printf("peak RSS %.0f MB\n", peakRssMb());
    return 0;
}
