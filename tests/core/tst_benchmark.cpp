// The few-shot benchmark (tint/Benchmark.h) on the demo flowers with tiny settings: structure and
// statistics of the result, reproducibility, stop after an episode, cancel now, refusals.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

#include "distill/augment.h"
#include "distill/evaluation.h"
#include "distill/heads.h"
#include "distill/teacher.h"
#include "tint/Benchmark.h"
#include "tint/Error.h"
#include "tint/Image.h"
#include "tint/JobContext.h"
#include "tint/Runtime.h"

namespace {
const std::string kMobileNet = TINT_SOURCE_RESOURCES "/models/imagenet-mobilenetv2";
const std::string kFlowers   = TINT_SOURCE_RESOURCES "/demo/flowers";

tint::BenchmarkSpec tinySpec() {
    tint::BenchmarkSpec s;
    s.data_dir          = kFlowers;
    s.teacher_dir       = kMobileNet;
    s.episodes          = 2;
    s.queries           = 2;
    s.epochs            = 1;
    s.classic_per_class = 2;
    s.input_size        = 32;
    s.onnx_runs         = 3;
    s.seed              = 7;
    return s;
}

class Context : public tint::JobContext {
public:
    void report(const tint::Progress& p) override {
        last = p;
        if (p.message.find("ETA") != std::string::npos) ++withEta;
        if (onReport) onReport(p);
    }
    const tint::CancelToken& cancel() const override { return token; }
    tint::CancelSource source;
    tint::CancelToken token = source.token();
    tint::Progress last;
    int withEta = 0;
    std::function<void(const tint::Progress&)> onReport;
};

struct Events : tint::BenchmarkEvents {
    std::vector<tint::BenchmarkEpisode> seen;
    std::function<void()> after;
    void episode(const tint::BenchmarkEpisode& e) override {
        seen.push_back(e);
        if (after) after();
    }
};

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const tint::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
}  // namespace

class TestBenchmark : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { tint::set_compute_threads(2); }

    void tinyRun() {
        Context ctx;
        Events ev;
        const auto spec = tinySpec();
        const auto r    = tint::run_benchmark(spec, ev, ctx);
        QCOMPARE(r.episodes_done, 2);
        QVERIFY(!r.stopped_early);
        QCOMPARE(r.queries_per_episode, 10LL);
        QCOMPARE(ev.seen.size(), std::size_t(2));
        QCOMPARE(r.arms.size(), std::size_t(4));
        QCOMPARE(QString::fromStdString(r.arms[0].name), QStringLiteral("teacher"));
        QCOMPARE(QString::fromStdString(r.arms[1].name), QStringLiteral("teacher at student size"));
        QCOMPARE(QString::fromStdString(r.arms[2].name), QStringLiteral("supervised student"));
        QCOMPARE(QString::fromStdString(r.arms[3].name), QStringLiteral("distilled student"));
        for (const auto& arm : r.arms) {
            QCOMPARE(arm.accuracies.size(), std::size_t(2));
            for (double a : arm.accuracies) QVERIFY(a >= 0.0 && a <= 1.0);
            const auto st = tint::distill::episode_statistics(arm.accuracies, 10);
            QCOMPARE(arm.mean, st.mean);
            QCOMPARE(arm.half_width, st.half_width);
            // A plan of whole queries per class (M = 5 Q), up to all the data allows (7 per class).
            QVERIFY(arm.plan_episodes >= 2 && arm.plan_queries >= 5 && arm.plan_queries <= 35);
            QCOMPARE(arm.plan_queries % 5, 0LL);
            QVERIFY(arm.plan_half_width <= spec.target_half_width + 1e-12);
        }
        // Per-episode accuracies are the arms' values, in episode order; episodes differ.
        QCOMPARE(r.arms[0].accuracies[1], ev.seen[1].teacher);
        QCOMPARE(r.arms[1].accuracies[1], ev.seen[1].teacher_student_size);
        QCOMPARE(r.arms[3].accuracies[0], ev.seen[0].distilled);
        // The teacher (about 70 % on these photos) is far above chance (20 %).
        QVERIFY2(r.arms[0].mean >= 0.4, qPrintable(QString::number(r.arms[0].mean)));
        QCOMPARE(r.student_parameters, 113413LL);  // Conv-4, 64 channels, 5 classes
        QVERIFY(r.onnx_ms_per_image > 0);
        QVERIFY(r.onnx_max_abs_diff < 1e-4);
        QVERIFY(ctx.withEta > 0);

        const auto j = nlohmann::json::parse(tint::benchmark_json(spec, r));
        QCOMPARE(j["arms"].size(), std::size_t(4));
        QCOMPARE(j["episodes"].size(), std::size_t(2));
        QCOMPARE(j["arms"][0]["accuracies"][0].get<double>(), r.arms[0].accuracies[0]);
        QCOMPARE(j["episodes"][1]["teacher_student_size"].get<double>(), ev.seen[1].teacher_student_size);
        // Conv-4's 64 features cannot be compared with the teacher's 1280; the teacher's own can.
        QVERIFY(!ev.seen[1].distilled_feature_cosine);
        QVERIFY(!j["episodes"][1].contains("distilled_feature_cosine"));
        QVERIFY(ev.seen[1].teacher_student_size_feature_cosine);
        QCOMPARE(j["episodes"][1]["teacher_student_size_feature_cosine"].get<double>(),
                 *ev.seen[1].teacher_student_size_feature_cosine);
        QCOMPARE(j["spec"]["episodes"].get<int>(), 2);

        // Same seed, same numbers.
        Events ev2;
        Context ctx2;
        auto spec2      = spec;
        spec2.onnx_runs = 0;
        const auto r2   = tint::run_benchmark(spec2, ev2, ctx2);
        for (std::size_t i = 0; i < 4; ++i) QCOMPARE(r2.arms[i].accuracies, r.arms[i].accuracies);
        QCOMPARE(r2.onnx_ms_per_image, -1.0);
    }

    // The teacher's last blocks fine-tuned on each episode's supports and restored afterwards (the
    // second episode could not fine-tune an already fine-tuned teacher), reproducibly.
    void fineTunedTeacherPerEpisode() {
        Context ctx;
        Events ev;
        auto spec                    = tinySpec();
        spec.teacher_finetune_blocks = 2;
        spec.teacher_finetune_steps  = 3;
        spec.train_supervised        = false;
        spec.onnx_runs               = 0;
        const auto r = tint::run_benchmark(spec, ev, ctx);
        QCOMPARE(r.episodes_done, 2);
        QCOMPARE(r.arms.size(), std::size_t(3));  // teacher, teacher at student size, distilled student
        for (const auto& arm : r.arms)
            for (double a : arm.accuracies) QVERIFY(a >= 0.0 && a <= 1.0);
        const auto j = nlohmann::json::parse(tint::benchmark_json(spec, r));
        QCOMPARE(j["spec"]["teacher_finetune_blocks"].get<int>(), 2);
        Context ctx2;
        Events ev2;
        const auto r2 = tint::run_benchmark(spec, ev2, ctx2);
        for (std::size_t i = 0; i < 3; ++i) QCOMPARE(r2.arms[i].accuracies, r.arms[i].accuracies);
    }

    // The distilled student with the feature term and without on-the-fly augmentation: runs,
    // reproducibly, and the spec says so in the JSON; a negative feature weight is refused up front.
    void featureTermAndTeacherViews() {
        Context ctx;
        Events ev;
        auto spec              = tinySpec();
        spec.feature_weight    = 1.0;
        spec.distilled_augment = false;
        spec.train_supervised  = false;
        spec.onnx_runs         = 0;
        const auto r = tint::run_benchmark(spec, ev, ctx);
        QCOMPARE(r.arms.size(), std::size_t(3));
        for (double a : r.arms[2].accuracies) QVERIFY(a >= 0.0 && a <= 1.0);
        const auto j = nlohmann::json::parse(tint::benchmark_json(spec, r));
        QCOMPARE(j["spec"]["feature_weight"].get<double>(), 1.0);
        QCOMPARE(j["spec"]["distilled_augment"].get<bool>(), false);
        Context ctx2;
        Events ev2;
        QCOMPARE(tint::run_benchmark(spec, ev2, ctx2).arms[2].accuracies, r.arms[2].accuracies);
        spec.feature_weight = -0.5;
        Context ctx3;
        Events ev3;
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev3, ctx3); }).contains("feature weight"));
        QVERIFY(ev3.seen.empty());
    }

    // The teacher at the student's size is the teacher's head fitted and scored on the student's
    // view of each photo (centre crop resized to the input size), recomputed here independently.
    void teacherAtStudentSize() {
        Context ctx;
        Events ev;
        auto spec             = tinySpec();
        spec.train_supervised = false;
        spec.train_distilled  = false;
        spec.onnx_runs        = 0;
        spec.queries          = 7;  // all photos that are not supports
        const auto r = tint::run_benchmark(spec, ev, ctx);
        QCOMPARE(r.arms.size(), std::size_t(2));  // no student trained
        QCOMPARE(QString::fromStdString(r.arms[1].name), QStringLiteral("teacher at student size"));

        namespace d = tint::distill;
        const d::EpisodeSampler sampler(kFlowers);
        std::vector<std::string> files;
        for (const auto& f : sampler.files()) files.insert(files.end(), f.begin(), f.end());
        std::vector<cv::Mat> mats;
        for (const auto& f : files) mats.push_back(d::to_mat(tint::load_image_rgb(f)));
        std::vector<tint::ImageU8> views;
        for (const auto& v : d::evaluation_views(mats, spec.input_size)) {
            QCOMPARE(v.cols, spec.input_size);
            QCOMPARE(v.rows, spec.input_size);
            views.push_back(d::to_image(v));
        }
        const auto teacher  = d::load_teacher(kMobileNet);
        const auto features = teacher->features(views);
        std::vector<tint::ImageU8> full;
        for (const auto& f : files) full.push_back(tint::load_image_rgb(f));
        const auto full_features = teacher->features(full).to(torch::kFloat64);
        auto rows = [&](const std::vector<std::string>& wanted) {
            std::vector<std::int64_t> out;
            for (const auto& w : wanted)
                out.push_back(std::find(files.begin(), files.end(), w) - files.begin());
            return torch::tensor(out, torch::kInt64);
        };
        for (int e = 0; e < spec.episodes; ++e) {
            const auto ep = sampler.sample(5, 5, spec.queries, spec.seed, static_cast<std::uint64_t>(e));
            auto head     = d::make_head(spec.head);
            head->fit(features.index_select(0, rows(ep.support_files)), torch::tensor(ep.support_labels, torch::kInt64), 5);
            const auto pred = head->logits(features.index_select(0, rows(ep.query_files))).argmax(1);
            const double expected =
                (pred == torch::tensor(ep.query_labels, torch::kInt64)).to(torch::kFloat64).mean().item<double>();
            QCOMPARE(ev.seen[static_cast<std::size_t>(e)].teacher_student_size, expected);
            QCOMPARE(r.arms[1].accuracies[static_cast<std::size_t>(e)], expected);
            // The cosine of the teacher's features of the small views with its full-size ones.
            const auto q = rows(ep.query_files);
            const auto a = features.index_select(0, q).to(torch::kFloat64), b = full_features.index_select(0, q);
            const double cos = ((a * b).sum(1) / (a.norm(2, 1) * b.norm(2, 1))).mean().item<double>();
            const auto& got  = ev.seen[static_cast<std::size_t>(e)].teacher_student_size_feature_cosine;
            QVERIFY(got);
            QVERIFY2(std::abs(*got - cos) < 1e-6, qPrintable(QStringLiteral("%1 vs %2").arg(*got).arg(cos)));
            QVERIFY2(cos > 0.0 && cos < 0.99, qPrintable(QString::number(cos)));  // 32 px loses much
            QVERIFY(!ev.seen[static_cast<std::size_t>(e)].distilled_feature_cosine);  // no student trained
        }
        // At 32 px the teacher does differently from full size, so the comparison above could not
        // pass on the full-size features.
        QVERIFY(r.arms[1].accuracies != r.arms[0].accuracies);
    }

    // A student with the teacher's feature size (MobileNetV2's 1280): the cosine of its features
    // with the teacher's on the queries is reported per episode and in the JSON.
    void studentFeatureCosine() {
        Context ctx;
        Events ev;
        auto spec             = tinySpec();
        spec.student          = "mobilenetv2-short";
        spec.episodes         = 1;
        spec.feature_weight   = 1.0;
        spec.train_supervised = false;
        spec.onnx_runs        = 0;
        const auto r = tint::run_benchmark(spec, ev, ctx);
        QCOMPARE(ev.seen.size(), std::size_t(1));
        const auto& c = ev.seen[0].distilled_feature_cosine;
        QVERIFY(c);
        QVERIFY2(*c >= -1.0 && *c <= 1.0 && *c != 0.0, qPrintable(QString::number(*c)));
        const auto j = nlohmann::json::parse(tint::benchmark_json(spec, r));
        QCOMPARE(j["episodes"][0]["distilled_feature_cosine"].get<double>(), *c);
    }

    // Stop after the current episode: the finished episodes are kept and summarised.
    void stopAfterEpisode() {
        Context ctx;
        Events ev;
        ev.after = [&] { ctx.source.request(tint::CancelMode::AfterCurrentItem); };
        auto spec      = tinySpec();
        spec.episodes  = 3;
        spec.onnx_runs = 0;
        const auto r   = tint::run_benchmark(spec, ev, ctx);
        QVERIFY(r.stopped_early);
        QCOMPARE(r.episodes_done, 1);
        QCOMPARE(r.arms[0].accuracies.size(), std::size_t(1));
        QCOMPARE(r.arms[0].half_width, 0.0);  // one episode: no interval
    }

    // Cancel now in the middle of the distilled student's training.
    void cancelNow() {
        Context ctx;
        Events ev;
        int afterCancel = 0;
        ctx.onReport = [&](const tint::Progress& p) {
            if (ctx.token.mode() == tint::CancelMode::Now && p.message.find("distilled student") != std::string::npos) ++afterCancel;
            if (p.message.find("distilled student 1/") != std::string::npos) ctx.source.request(tint::CancelMode::Now);
        };
        auto spec   = tinySpec();
        spec.epochs = 3;
        bool cancelled = false;
        try {
            tint::run_benchmark(spec, ev, ctx);
        } catch (const tint::Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QVERIFY(ev.seen.empty());
        QVERIFY2(afterCancel <= 1, qPrintable(QString::number(afterCancel)));  // stops at the next step
    }

    void refusals() {
        Context ctx;
        Events ev;
        auto spec  = tinySpec();
        spec.n_way = 6;
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("classes with more than 5 images"));
        spec         = tinySpec();
        spec.queries = 8;
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("at most 7 possible"));
        spec                  = tinySpec();
        spec.teacher_features = "tokens";
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("pooled or logits"));
        spec          = tinySpec();
        spec.data_dir = kFlowers + "/no-such-folder";
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("not a folder"));
        for (double bad : {0.0, -0.1, 1.5}) {
            spec          = tinySpec();
            spec.crop_min = bad;
            QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("smallest training crop"));
        }
        for (double bad : {0.0, -0.02, 1.0, 1e-9}) {  // refused before any episode runs (1e-9: no plan reaches it)
            spec                   = tinySpec();
            spec.target_half_width = bad;
            QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("target half-width"));
        }
        spec             = tinySpec();
        spec.temperature = 0.0;
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("temperature must be a positive"));
        spec       = tinySpec();
        spec.alpha = -1.0;
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("cross-entropy weight"));
        spec    = tinySpec();
        spec.lr = std::nan("");
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("learning rate"));
        spec                         = tinySpec();
        spec.teacher_finetune_blocks = 40;
        QVERIFY(errorOf([&] { tint::run_benchmark(spec, ev, ctx); }).contains("cannot fine-tune 40 blocks; it has 17"));
    }
};

QTEST_APPLESS_MAIN(TestBenchmark)
#include "tst_benchmark.moc"
