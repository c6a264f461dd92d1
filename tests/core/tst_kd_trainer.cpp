// Knowledge distillation: the KD loss against a hand computation, the soft-label cache (hits and
// every invalidation), a Conv-4 student distilled from the shipped MobileNetV2 teacher on the demo
// flowers, resume / cancel / non-finite loss, the episode statistics and the episode sampler.
#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "support/DemoPhotos.h"
#include "distill/augment.h"
#include "distill/evaluation.h"
#include "distill/heads.h"
#include "distill/kd_trainer.h"
#include "distill/soft_labels.h"
#include "distill/teacher.h"
#include "io/safetensors.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Runtime.h"

namespace fs = std::filesystem;
using namespace tint::distill;

namespace {
const std::string kMobileNet = TINT_SOURCE_RESOURCES "/models/imagenet-mobilenetv2";
const std::string kFlowers   = TINT_SOURCE_RESOURCES "/demo/flowers";

std::string readMeta(const std::string& path, const std::string& key) {
    const auto f = tint::io::SafetensorsFile::open(path);
    const auto it = f.metadata().find(key);
    return it == f.metadata().end() ? std::string() : it->second;
}

class CountingContext : public tint::JobContext {
public:
    void report(const tint::Progress& p) override { last = p, ++reports; }
    const tint::CancelToken& cancel() const override { return token; }
    tint::CancelToken token;
    tint::Progress last;
    int reports = 0;
};

// Calls a function on chosen steps / epochs (cancel requests from inside the training loop).
class Hooks : public KdEvents {
public:
    std::function<void(const KdStep&)> step;
    std::function<void(const KdEpoch&)> epoch;
    std::vector<KdStep> steps;
    void on_step(const KdStep& s) override {
        steps.push_back(s);
        if (step) step(s);
    }
    void on_epoch(const KdEpoch& e) override {
        if (epoch) epoch(e);
    }
    std::vector<KdEpoch> resumed;
    int resumes = 0;
    void on_resume(const std::vector<KdEpoch>& history) override {
        resumed = history;
        ++resumes;
    }
};

bool sameStudents(tint::nn::StudentImpl& a, tint::nn::StudentImpl& b, double& maxDiff) {
    maxDiff = 0.0;
    auto pa = a.named_parameters(true);
    auto pb = b.named_parameters(true);
    for (const auto& p : pa) maxDiff = std::max(maxDiff, (p.value() - pb[p.key()]).abs().max().item<double>());
    auto ba = a.named_buffers(true);
    auto bb = b.named_buffers(true);
    for (const auto& p : ba)
        maxDiff = std::max(maxDiff, (p.value().to(torch::kFloat64) - bb[p.key()].to(torch::kFloat64)).abs().max().item<double>());
    return maxDiff == 0.0;
}
}  // namespace

class TestKdTrainer : public QObject {
    Q_OBJECT

    std::vector<std::string> classes_, files_;
    std::vector<std::int64_t> labels_;
    std::unique_ptr<Teacher> teacher_;
    std::unique_ptr<FewShotHead> head_;
    torch::Tensor probs_;  // soft labels of all 60 photos
    QTemporaryDir tmp_;

    std::string tmp(const std::string& name) const { return (fs::path(tmp_.path().toStdString()) / name).string(); }

    KdData data(std::int64_t count) {
        // Test functions can run alone: the soft labels come from their own cache file then.
        if (!probs_.defined()) probs_ = soft_labels(*teacher_, *head_, files_, classes_, tmp("all.safetensors")).probabilities;
        KdData d;
        // Every 60/count-th photo keeps all classes in a small subset.
        const std::int64_t stride = 60 / count;
        std::vector<std::int64_t> idx;
        for (std::int64_t i = 0; i < 60 && static_cast<std::int64_t>(idx.size()) < count; i += stride) idx.push_back(i);
        for (auto i : idx) {
            d.files.push_back(files_[static_cast<std::size_t>(i)]);
            d.labels.push_back(labels_[static_cast<std::size_t>(i)]);
        }
        d.teacher_probs = probs_.index_select(0, torch::tensor(idx, torch::kInt64));
        d.class_names   = classes_;
        return d;
    }

    static KdOptions smallOptions() {
        KdOptions o;
        o.student        = "conv4";
        o.student_width  = 0.25;  // 16 channels
        o.input_size     = 32;
        o.batch_size     = 8;
        o.epochs         = 3;
        o.lr             = 3e-3;
        o.seed           = 11;
        o.preload_images = true;
        return o;
    }

private Q_SLOTS:
    void initTestCase() {
        tint::set_compute_threads(2);
        QVERIFY(tmp_.isValid());
        const auto photos = testdata::demo_flowers();
        files_   = photos.files;
        labels_  = photos.labels;
        classes_ = photos.classes;
        QCOMPARE(files_.size(), std::size_t(60));
        teacher_ = load_teacher(kMobileNet);
        // Logistic regression on the first 5 photos of each class.
        std::vector<tint::ImageU8> support;
        std::vector<std::int64_t> support_labels;
        for (std::size_t i = 0; i < files_.size(); ++i)
            if (i % 12 < 5) {
                support.push_back(tint::load_image_rgb(files_[i]));
                support_labels.push_back(labels_[i]);
            }
        head_ = make_head("logistic_regression");
        head_->fit(teacher_->features(support), torch::tensor(support_labels, torch::kInt64), 5);
        head_->info.teacher_identity = teacher_->identity();
    }

    // ---- the loss ----

    void kdLossByHand() {
        const std::vector<std::vector<double>> z = {{1.0, -0.5, 2.0}, {0.3, 0.1, -1.2}};
        const std::vector<std::vector<double>> p = {{0.2, 0.1, 0.7}, {0.6, 0.3, 0.1}};
        const std::vector<std::int64_t> y = {2, 1};
        auto hand = [&](double T, double alpha, double& kd, double& ce) {
            kd = ce = 0.0;
            for (std::size_t b = 0; b < 2; ++b) {
                // teacher at T: p^(1/T) normalised; student: softmax(z / T)
                double zq = 0, zs = 0, zc = 0;
                for (int c = 0; c < 3; ++c) {
                    zq += std::pow(p[b][c], 1.0 / T);
                    zs += std::exp(z[b][c] / T);
                    zc += std::exp(z[b][c]);
                }
                for (int c = 0; c < 3; ++c) {
                    const double q = std::pow(p[b][c], 1.0 / T) / zq, s = std::exp(z[b][c] / T) / zs;
                    kd += q * std::log(q / s);
                }
                ce += -std::log(std::exp(z[b][static_cast<std::size_t>(y[b])]) / zc);
            }
            kd = kd / 2.0 * T * T;
            ce /= 2.0;
            return kd + alpha * ce;
        };
        const auto zt = torch::tensor({1.0, -0.5, 2.0, 0.3, 0.1, -1.2}, torch::kFloat64).view({2, 3}).to(torch::kFloat32);
        const auto pt = torch::tensor({0.2, 0.1, 0.7, 0.6, 0.3, 0.1}, torch::kFloat64).view({2, 3}).to(torch::kFloat32);
        const auto yt = torch::tensor(y, torch::kInt64);
        for (double T : {1.0, 2.0, 4.0}) {
            for (double alpha : {0.0, 0.5}) {
                double kd = 0, ce = 0;
                const double total = hand(T, alpha, kd, ce);
                const KdLoss l     = kd_loss(zt, pt, yt, T, alpha);
                QVERIFY2(std::abs(l.total.item<double>() - total) < 1e-5,
                         qPrintable(QStringLiteral("T %1 alpha %2: %3 vs %4").arg(T).arg(alpha).arg(l.total.item<double>()).arg(total)));
                QVERIFY(std::abs(l.kd.item<double>() - kd) < 1e-5);
                if (alpha != 0.0) QVERIFY(std::abs(l.ce.item<double>() - ce) < 1e-5);
            }
        }
        // T^2 scaling: the kd term is T^2 times the plain KL at temperature T.
        double kd4 = 0, ce4 = 0;
        hand(4.0, 0.0, kd4, ce4);
        const double kl4 = kd4 / 16.0;
        QVERIFY(std::abs(kd_loss(zt, pt, yt, 4.0, 0.0).kd.item<double>() / 16.0 - kl4) < 1e-6);
        // A label of -1 contributes no CE; alpha with all labels missing leaves the KD term alone.
        const auto none = torch::tensor(std::vector<std::int64_t>{-1, -1}, torch::kInt64);
        const KdLoss l0 = kd_loss(zt, pt, none, 4.0, 1.0);
        QCOMPARE(l0.ce.item<double>(), 0.0);
        QVERIFY(std::abs(l0.total.item<double>() - kd4) < 1e-5);
        // A zero teacher probability stays finite (clamped before the log).
        const auto hard = torch::tensor({1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f}).view({2, 3});
        QVERIFY(std::isfinite(kd_loss(zt, hard, yt, 4.0, 0.0).total.item<double>()));
        // Gradient exists and is finite.
        auto zg = zt.clone().requires_grad_(true);
        kd_loss(zg, pt, yt, 4.0, 0.5).total.backward();
        QVERIFY(zg.grad().isfinite().all().item<bool>());
        QVERIFY(!tint::distill::kd_loss(zt, pt, yt, 4.0, 0.0).total.requires_grad());
    }

    // ---- soft-label cache ----

    void softLabelCache() {
        QElapsedTimer timer;
        timer.start();
        const std::string cache = tmp("soft.safetensors");
        const SoftLabels first  = soft_labels(*teacher_, *head_, files_, classes_, cache);
        const qint64 missMs     = timer.restart();
        QVERIFY(!first.reused);
        QCOMPARE(QString::fromStdString(first.reason), QStringLiteral("no cache file"));
        QCOMPARE(first.probabilities.sizes(), (torch::IntArrayRef{60, 5}));
        QVERIFY((first.probabilities.sum(1) - 1).abs().max().item<double>() < 1e-5);
        probs_ = first.probabilities;
        const double teacherAcc = probs_.argmax(1).eq(torch::tensor(labels_)).to(torch::kFloat64).mean().item<double>();
        qInfo("soft labels of 60 photos: %lld ms computed; teacher accuracy %.3f", missMs, teacherAcc);

        const SoftLabels hit = soft_labels(*teacher_, *head_, files_, classes_, cache);
        qInfo("cache hit: %lld ms", timer.restart());
        QVERIFY(hit.reused);
        QVERIFY(hit.reason.empty());
        QVERIFY(torch::equal(hit.probabilities, first.probabilities));

        // Smaller lists from here on: every miss runs the teacher.
        std::vector<std::string> sub(files_.begin(), files_.begin() + 6);
        const std::string c2 = tmp("sub.safetensors");
        {
            CountingContext ctx;
            SoftLabelOptions so;
            so.batch_size = 4;
            QVERIFY(!soft_labels(*teacher_, *head_, sub, classes_, c2, &ctx, so).reused);
            QCOMPARE(ctx.reports, 3);  // before each of the 2 batches and at the end
            QCOMPARE(QString::fromStdString(ctx.last.stage), QStringLiteral("soft_labels"));
            QCOMPARE(ctx.last.step, 6LL);
            QCOMPARE(ctx.last.total, 6LL);
        }
        QVERIFY(soft_labels(*teacher_, *head_, sub, classes_, c2).reused);

        // The head changed (refitted with another regularisation).
        auto head2 = make_head("logistic_regression");
        dynamic_cast<LogisticRegressionHead&>(*head2).l2 = 1e-2;
        {
            std::vector<tint::ImageU8> s;
            std::vector<std::int64_t> l;
            for (std::size_t i = 0; i < 60; i += 6) {
                s.push_back(tint::load_image_rgb(files_[i]));
                l.push_back(labels_[i]);
            }
            head2->fit(teacher_->features(s), torch::tensor(l), 5);
        }
        QVERIFY(head_hash(*head2) != head_hash(*head_));
        auto r = soft_labels(*teacher_, *head2, sub, classes_, c2);
        QVERIFY(!r.reused);
        QCOMPARE(QString::fromStdString(r.reason), QStringLiteral("head changed"));
        QVERIFY(soft_labels(*teacher_, *head2, sub, classes_, c2).reused);

        // The list changed (curation dropped one image).
        std::vector<std::string> fewer(sub.begin(), sub.end() - 1);
        r = soft_labels(*teacher_, *head2, fewer, classes_, c2);
        QVERIFY(!r.reused);
        QCOMPARE(QString::fromStdString(r.reason), QStringLiteral("file list changed (0 added, 1 removed)"));
        QVERIFY(torch::allclose(r.probabilities, soft_labels(*teacher_, *head2, sub, classes_, c2).probabilities.slice(0, 0, 5), 1e-5, 1e-6));

        // A file replaced under the same name.
        const std::string copy = tmp("replaced.jpg");
        fs::copy_file(files_[0], copy);
        std::vector<std::string> withCopy = {copy, files_[13]};
        QVERIFY(!soft_labels(*teacher_, *head2, withCopy, classes_, c2).reused);
        fs::copy_file(files_[30], copy, fs::copy_options::overwrite_existing);
        r = soft_labels(*teacher_, *head2, withCopy, classes_, c2);
        QVERIFY(!r.reused);
        QVERIFY2(r.reason.find("content changed of 1 file") == 0, r.reason.c_str());

        // Class names renamed.
        auto renamed = classes_;
        renamed[0]   = "marguerite";
        r            = soft_labels(*teacher_, *head2, withCopy, renamed, c2);
        QCOMPARE(QString::fromStdString(r.reason), QStringLiteral("class names changed"));

        // Another teacher: the identity stored in the cache no longer matches.
        {
            auto f    = tint::io::SafetensorsFile::open(c2);
            auto meta = nlohmann::json::parse(f.metadata().at("tint.soft_labels"));
            meta["teacher_identity"] = "dinov2:/elsewhere";
            tint::io::save_safetensors(c2, {{"probabilities", f.read("probabilities")}}, {{"tint.soft_labels", meta.dump()}});
        }
        r = soft_labels(*teacher_, *head2, withCopy, renamed, c2);
        QCOMPARE(QString::fromStdString(r.reason), QStringLiteral("teacher changed"));

        // A damaged cache is recomputed, not trusted.
        tint::write_file_atomic(c2, std::string("not a safetensors file"));
        r = soft_labels(*teacher_, *head2, withCopy, renamed, c2);
        QVERIFY2(r.reason.find("cache unreadable") == 0, r.reason.c_str());
        QVERIFY(soft_labels(*teacher_, *head2, withCopy, renamed, c2).reused);

        // Cancel-now before the first batch leaves the cache as it was.
        tint::CancelSource cs;
        cs.request(tint::CancelMode::Now);
        tint::SilentJobContext ctx(cs.token());
        const auto before = tint::read_file_bytes(c2);
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled, soft_labels(*teacher_, *head2, sub, classes_, c2, &ctx));
        QVERIFY(tint::read_file_bytes(c2) == before);
    }

    void softLabelCacheKeepsFeatures() {
        std::vector<std::string> sub = {files_[0], files_[14], files_[29], files_[41], files_[55]};
        std::vector<tint::ImageU8> imgs;
        for (const auto& f : sub) imgs.push_back(tint::load_image_rgb(f));
        const torch::Tensor direct = teacher_->features(imgs).to(torch::kFloat32);
        const std::string c = tmp("with-features.safetensors");
        // A cache made without features serves the probabilities, but not a run that wants features.
        const auto plain = soft_labels(*teacher_, *head_, sub, classes_, c);
        QVERIFY(!plain.features.defined());
        SoftLabelOptions so;
        so.with_features = true;
        auto r           = soft_labels(*teacher_, *head_, sub, classes_, c, nullptr, so);
        QVERIFY(!r.reused);
        QCOMPARE(QString::fromStdString(r.reason), QStringLiteral("teacher features not cached"));
        QCOMPARE(r.features.sizes(), (torch::IntArrayRef{5, teacher_->feature_dim()}));
        QVERIFY2(torch::allclose(r.features, direct, 1e-5, 1e-5), "cached features differ from the teacher's");
        QVERIFY(torch::equal(r.probabilities, plain.probabilities));
        // Read back: the same tensors, and a plain request still reuses the file.
        auto again = soft_labels(*teacher_, *head_, sub, classes_, c, nullptr, so);
        QVERIFY(again.reused);
        QVERIFY(torch::equal(again.features, r.features));
        QVERIFY(soft_labels(*teacher_, *head_, sub, classes_, c).reused);
        // Features of the wrong width or with NaN in the file are not trusted: recomputed.
        for (int damage = 0; damage < 2; ++damage) {
            auto f          = tint::io::SafetensorsFile::open(c);
            const auto meta = f.metadata();
            torch::Tensor bad = damage == 0 ? f.read("features").slice(1, 0, 7).contiguous() : f.read("features").clone();
            if (damage == 1) bad[2][3] = std::nanf("");
            tint::io::save_safetensors(c, {{"probabilities", f.read("probabilities")}, {"features", bad}}, meta);
            r = soft_labels(*teacher_, *head_, sub, classes_, c, nullptr, so);
            QVERIFY(!r.reused);
            QVERIFY2(r.reason.find("cache unreadable") == 0, r.reason.c_str());
            QVERIFY(torch::allclose(r.features, direct, 1e-5, 1e-5));
        }
        // Damaged probabilities (a NaN, a negative value, a row that is no distribution) are not
        // trusted either: the file carries no checksum, and they would reach the loss.
        const torch::Tensor good = soft_labels(*teacher_, *head_, sub, classes_, c).probabilities;
        for (int damage = 0; damage < 3; ++damage) {
            auto f            = tint::io::SafetensorsFile::open(c);
            const auto meta   = f.metadata();
            torch::Tensor bad = f.read("probabilities").clone();
            if (damage == 0) bad[1][0] = std::nanf("");
            if (damage == 1) bad[2][1] = -0.25f;
            if (damage == 2) bad[3] = bad[3] * 0.5;
            tint::io::save_safetensors(c, {{"probabilities", bad}}, meta);
            auto p = soft_labels(*teacher_, *head_, sub, classes_, c);
            QVERIFY(!p.reused);
            QVERIFY2(p.reason.find("cache unreadable") == 0, p.reason.c_str());
            QVERIFY(torch::allclose(p.probabilities, good, 1e-6, 1e-6));
        }
    }

    // ---- training ----

    void studentLearnsFromTeacher() {
        KdOptions o      = smallOptions();
        o.epochs         = 12;
        o.batch_size     = 12;
        o.lr             = 5e-3;
        o.augment.crop.scale_min = 0.35;  // 32 px crops of 8 % of a photo rarely show the flower
        o.checkpoint_path = tmp("learn.safetensors");
        KdData d         = data(60);
        KdValidation val;
        val.files         = d.files;
        val.labels        = d.labels;
        val.teacher_probs = d.teacher_probs;
        Hooks hooks;
        QElapsedTimer timer;
        timer.start();
        CountingContext ctx;
        const KdResult r = train_kd(d, o, &ctx, &hooks, &val);
        const qint64 ms  = timer.elapsed();
        QCOMPARE(ctx.reports, 60);  // one per step: 12 epochs x 5 batches of 12
        QCOMPARE(QString::fromStdString(ctx.last.stage), QStringLiteral("distill"));
        QCOMPARE(ctx.last.step, 60LL);
        QCOMPARE(ctx.last.total, 60LL);
        QCOMPARE(ctx.last.loss, hooks.steps.back().loss);
        QCOMPARE(r.epochs_done, 12);
        QCOMPARE(r.history.size(), std::size_t(12));
        // Epoch means: single batches are noisy under augmentation.
        const double first = r.history.front().train_loss, last = r.history.back().train_loss;
        const auto& v      = r.history.back().validation;
        qInfo("Conv-4 (16 ch, 32 px), 12 epochs x 5 steps: %lld ms; first step %.4f; epoch loss %.4f -> %.4f; accuracy %.3f, agreement %.3f",
              ms, hooks.steps.front().loss, first, last, v.accuracy, v.agreement);
        for (const auto& e : r.history)
            qInfo("  epoch %d: loss %.4f lr_end %.5f acc %.3f agree %.3f", e.epoch + 1, e.train_loss, e.lr_end,
                  e.validation.accuracy, e.validation.agreement);
        QVERIFY(r.history.back().has_validation);
        QCOMPARE(v.count, std::int64_t(60));
        std::int64_t total = 0;
        for (const auto& row : v.confusion) for (auto c : row) total += c;
        QCOMPARE(total, std::int64_t(60));
        QVERIFY2(last < 0.8 * first, "the training loss must fall clearly");
        QVERIFY2(v.agreement > 0.4, "agreement with the teacher must be well above chance (0.2)");
        // The checkpoint's student is the trained one.
        auto loaded = load_kd_student(o.checkpoint_path);
        double diff = 0;
        QVERIFY(sameStudents(*loaded, *r.student, diff));
        const Evaluation ev = evaluate_student(*loaded, d.files, d.labels, 5, o.input_size, o.normalization, d.teacher_probs);
        QCOMPARE(ev.accuracy, v.accuracy);
        QCOMPARE(ev.agreement, v.agreement);
        // The teacher's head on a subset agrees with its cached soft labels.
        const KdData sub    = data(10);
        const Evaluation tv = evaluate_teacher(*teacher_, *head_, sub.files, sub.labels);
        const Evaluation tc = evaluate_predictions(sub.teacher_probs.argmax(1), torch::tensor(sub.labels), 5);
        QCOMPARE(tv.accuracy, tc.accuracy);
        QCOMPARE(tv.confusion, tc.confusion);
    }

    void resumeEqualsUninterrupted_data() {
        QTest::addColumn<int>("optimizer");
        QTest::newRow("adamw") << int(KdOptimizer::AdamW);
        QTest::newRow("sgd") << int(KdOptimizer::Sgd);
        QTest::newRow("adamw-feature-term") << int(KdOptimizer::AdamW) + 100;  // with the projected feature term
    }
    void resumeEqualsUninterrupted() {
        QFETCH(int, optimizer);
        const bool features = optimizer >= 100;
        optimizer %= 100;
        KdOptions o  = smallOptions();
        o.optimizer  = static_cast<KdOptimizer>(optimizer);
        o.lr         = optimizer == int(KdOptimizer::Sgd) ? 0.05 : 3e-3;
        o.alpha      = 0.3;
        KdData d = data(20);
        if (features) {  // 7-d teacher features: the 16-d student goes through a trained projection
            torch::manual_seed(3);
            d.teacher_features = torch::randn({20, 7});
            o.feature_weight   = 0.5;
        }
        const std::string tag = optimizer == int(KdOptimizer::Sgd) ? "sgd" : (features ? "features" : "adamw");
        o.checkpoint_path     = tmp("full-" + tag + ".safetensors");
        const KdResult full   = train_kd(d, o, nullptr, nullptr);
        QCOMPARE(full.epochs_done, 3);

        // Interrupted after the first epoch (cancel after the current item), then resumed.
        o.checkpoint_path = tmp("resumed-" + tag + ".safetensors");
        tint::CancelSource cs;
        tint::SilentJobContext ctx(cs.token());
        Hooks hooks;
        hooks.epoch          = [&](const KdEpoch& e) { if (e.epoch == 0) cs.request(tint::CancelMode::AfterCurrentItem); };
        hooks.step           = [&](const KdStep& s) { if (s.step == 0) cs.request(tint::CancelMode::AfterCurrentItem); };
        const KdResult part  = train_kd(d, o, &ctx, &hooks);
        QVERIFY(part.stopped_early);
        QCOMPARE(part.epochs_done, 1);
        QCOMPARE(hooks.steps.size(), std::size_t(3));  // the whole first epoch (20 images / 8)
        QCOMPARE(hooks.resumes, 0);
        Hooks restHooks;
        const KdResult rest = train_kd(d, o, nullptr, &restHooks);
        QCOMPARE(rest.resumed_epochs, 1);
        QCOMPARE(rest.epochs_done, 3);
        // The epochs read back are announced once, before training goes on (the run's metrics keep them).
        QCOMPARE(restHooks.resumes, 1);
        QCOMPARE(restHooks.resumed.size(), std::size_t(1));
        QCOMPARE(restHooks.resumed[0].train_loss, full.history[0].train_loss);
        double diff = 0;
        QVERIFY2(sameStudents(*full.student, *rest.student, diff), qPrintable(QStringLiteral("max diff %1").arg(diff)));
        QCOMPARE(rest.history.size(), full.history.size());
        for (std::size_t i = 0; i < full.history.size(); ++i) QCOMPARE(rest.history[i].train_loss, full.history[i].train_loss);

        // The same settings on other training data (one image swapped for another): refused.
        KdData changed = d;
        std::swap(changed.files[0], changed.files[1]);
        try {
            train_kd(changed, o);
            QFAIL("a checkpoint of other training data was accepted");
        } catch (const tint::Error& e) {
            QVERIFY2(std::string(e.what()).find("differs in: the training images") != std::string::npos, e.what());
        }

        // A checkpoint of another configuration is refused, naming what differs.
        o.lr *= 2;
        try {
            train_kd(d, o);
            QFAIL("a foreign checkpoint was accepted");
        } catch (const tint::Error& e) {
            QVERIFY2(std::string(e.what()).find("differs in: lr") != std::string::npos, e.what());
        }
    }

    // The feature term: 1 - cosine by hand, and training with it pulls the student's (projected)
    // features toward the teacher's; refused without teacher features or with a negative weight.
    void featureTerm() {
        const auto s = torch::tensor({{1.0, 0.0}, {1.0, 1.0}, {2.0, 0.0}}), t = torch::tensor({{3.0, 0.0}, {-1.0, -1.0}, {0.0, 5.0}});
        QVERIFY(std::abs(feature_loss(s, t).item<double>() - (0.0 + 2.0 + 1.0) / 3.0) < 1e-6);
        bool threw = false;
        try {
            feature_loss(torch::zeros({2, 3}), torch::zeros({2, 4}));
        } catch (const tint::Error&) {
            threw = true;
        }
        QVERIFY(threw);

        KdOptions o      = smallOptions();
        o.epochs         = 10;
        o.lr             = 1e-2;
        o.feature_weight = 5.0;
        KdData d         = data(20);
        QVERIFY_THROWS_EXCEPTION(tint::Error, train_kd(d, o));  // no teacher features
        // The real teacher's 1280-d features of these photos, through the trained 16 -> 1280
        // projection; views as the teacher saw them (no on-the-fly augmentation).
        std::vector<tint::ImageU8> imgs;
        for (const auto& f : d.files) imgs.push_back(tint::load_image_rgb(f));
        d.teacher_features         = teacher_->features(imgs);
        o.augment.turn_off();
        Hooks hooks;
        const KdResult r = train_kd(d, o, nullptr, &hooks);
        QCOMPARE(r.epochs_done, 10);
        double first = 0, last = 0;
        for (std::size_t i = 0; i < 3; ++i) first += hooks.steps[i].feature / 3;
        for (std::size_t i = hooks.steps.size() - 3; i < hooks.steps.size(); ++i) last += hooks.steps[i].feature / 3;
        qInfo("feature term (1 - cos): first epoch %.3f, last epoch %.3f", first, last);
        QVERIFY2(first > 0.5 && last < 0.6 * first, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
        for (const auto& st : hooks.steps) QVERIFY(std::abs(st.loss - (st.kd + o.feature_weight * st.feature)) < 1e-4);

        // The benchmark's measure of how closely a student follows the teacher: the mean cosine
        // (rows above: 1, -1, 0), and the student's pooled features as its classifier sees them.
        QVERIFY(std::abs(mean_cosine(s, t)) < 1e-12);
        QVERIFY(std::abs(mean_cosine(s, 2.0 * s) - 1.0) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(tint::Error, mean_cosine(torch::zeros({2, 3}), torch::zeros({2, 4})));
        std::vector<cv::Mat> mats;
        for (const auto& im : imgs) mats.push_back(to_mat(im));
        const torch::Tensor px    = evaluation_pixels(mats, o.input_size, o.normalization);
        r.student->train();
        const torch::Tensor feats = student_features(*r.student, px, 3);  // in batches of 3
        QCOMPARE(feats.size(0), px.size(0));
        QCOMPARE(feats.size(1), r.student->feature_dim());
        QVERIFY(r.student->is_training());  // the student's mode is restored
        {
            torch::NoGradGuard no_grad;
            r.student->eval();
            QVERIFY(torch::allclose(r.student->classify(feats), student_logits(*r.student, px), 1e-5, 1e-5));
            QVERIFY(torch::allclose(feats, r.student->features(px), 1e-5, 1e-5));
            r.student->train();
        }
        o.feature_weight = -1.0;
        QVERIFY_THROWS_EXCEPTION(tint::Error, train_kd(d, o));
    }

    // ResNet-18 at 32 px ends in 1x1 maps, where batch normalisation cannot train on one image.
    void singleImageBatches() {
        KdOptions o     = smallOptions();
        o.student       = "resnet18";
        o.student_width = 0.125;
        o.epochs        = 2;
        // 9 images in batches of 8: the single image left over is not a batch of its own.
        Hooks hooks;
        const KdResult r = train_kd(data(9), o, nullptr, &hooks);
        QCOMPARE(r.epochs_done, 2);
        QCOMPARE(hooks.steps.size(), std::size_t(2));
        QCOMPARE(hooks.steps[0].total_steps, std::int64_t(2));
        for (const auto& s : hooks.steps) QVERIFY(std::isfinite(s.loss));
        // Batches of one image: refused with what to change, not LibTorch's message.
        o.batch_size = 1;
        try {
            train_kd(data(9), o);
            QFAIL("batches of one image at 1x1 maps were accepted");
        } catch (const tint::Error& e) {
            QVERIFY2(std::string(e.what()).find("use a batch size of at least 2 or a larger input size") != std::string::npos, e.what());
        }
    }

    void mixedPrecisionIsCudaOnly() {
        // On the CPU the flag must change nothing: training stays fp32.
        KdOptions o    = smallOptions();
        o.epochs       = 1;
        const KdData d = data(10);
        const KdResult plain = train_kd(d, o);
        o.mixed_precision    = true;
        const KdResult mixed = train_kd(d, o);
        double diff = 0;
        QVERIFY2(sameStudents(*plain.student, *mixed.student, diff), qPrintable(QStringLiteral("max diff %1").arg(diff)));
        for (const auto& p : mixed.student->parameters()) QCOMPARE(p.scalar_type(), torch::kFloat32);
    }

    void cancelNowWithinOneBatch() {
        KdOptions o       = smallOptions();
        o.checkpoint_path = tmp("cancel.safetensors");
        const KdData d    = data(20);  // 3 batches per epoch
        tint::CancelSource cs;
        tint::SilentJobContext ctx(cs.token());
        Hooks hooks;
        std::vector<std::uint8_t> afterEpoch1;
        hooks.epoch = [&](const KdEpoch& e) { if (e.epoch == 0) afterEpoch1 = tint::read_file_bytes(o.checkpoint_path); };
        hooks.step  = [&](const KdStep& s) { if (s.step == 4) cs.request(tint::CancelMode::Now); };
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled, train_kd(d, o, &ctx, &hooks));
        QCOMPARE(hooks.steps.back().step, std::int64_t(4));  // no batch after the request
        QVERIFY(!afterEpoch1.empty());
        QVERIFY(tint::read_file_bytes(o.checkpoint_path) == afterEpoch1);
        QCOMPARE(nlohmann::json::parse(readMeta(o.checkpoint_path, "tint.kd")).at("epochs_done").get<int>(), 1);
        // And it resumes from there.
        const KdResult rest = train_kd(d, o);
        QCOMPARE(rest.resumed_epochs, 1);
        QCOMPARE(rest.epochs_done, 3);
    }

    void nonFiniteLossStops() {
        KdOptions o       = smallOptions();
        o.checkpoint_path = tmp("nan.safetensors");
        const KdData d    = data(20);
        Hooks hooks;
        std::vector<std::uint8_t> afterEpoch1;
        hooks.epoch = [&](const KdEpoch& e) { if (e.epoch == 0) afterEpoch1 = tint::read_file_bytes(o.checkpoint_path); };
        o.batch_hook = [](int, std::int64_t step, torch::Tensor& images) {
            if (step == 4) images = images.clone().fill_(std::nanf(""));
        };
        try {
            train_kd(d, o, nullptr, &hooks);
            QFAIL("a NaN loss went unnoticed");
        } catch (const tint::Error& e) {
            qInfo("%s", e.what());
            const std::string w = e.what();
            QVERIFY2(w.find("loss became nan") != std::string::npos, e.what());
            QVERIFY2(w.find("checkpoint of epoch 1 is kept") != std::string::npos, e.what());
            QVERIFY2(w.find(o.checkpoint_path) != std::string::npos, e.what());
        }
        QCOMPARE(hooks.steps.back().step, std::int64_t(3));
        QVERIFY(tint::read_file_bytes(o.checkpoint_path) == afterEpoch1);
        auto s = load_kd_student(o.checkpoint_path);
        for (const auto& p : s->parameters()) QVERIFY(p.isfinite().all().item<bool>());
    }

    // ---- episodes ----

    void episodeStatistics() {
        const std::vector<double> acc = {0.5, 0.9, 0.6, 1.0};
        const EpisodeStatistics st    = episode_statistics(acc, 10);
        // By hand: mean 0.75; s^2 = (0.0625 + 0.0225 + 0.0225 + 0.0625) / 3 = 0.17 / 3;
        // sigma^2 = (s^2 - 0.75 * 0.25 / 10) / (1 - 1/10); Var(A) = (sigma^2 * 0.9 + 0.01875) / 4.
        const double s2 = 0.17 / 3.0, sigma2 = (s2 - 0.01875) / 0.9, var = (sigma2 * 0.9 + 0.01875) / 4.0;
        QCOMPARE(st.episodes, std::int64_t(4));
        QVERIFY(std::abs(st.mean - 0.75) < 1e-12);
        QVERIFY(std::abs(st.sample_variance - s2) < 1e-12);
        QVERIFY(std::abs(st.sigma2 - sigma2) < 1e-12);
        QVERIFY(std::abs(st.variance_mean - var) < 1e-12);
        QVERIFY(std::abs(st.half_width - 1.96 * std::sqrt(var)) < 1e-12);
        QVERIFY(std::abs(st.lower - (0.75 - 1.96 * std::sqrt(var))) < 1e-12);
        // A spread smaller than the binomial noise: sigma^2 clamps to 0, Var(A) = mu(1-mu)/(M E).
        const EpisodeStatistics tight = episode_statistics({0.7, 0.8, 0.75, 0.75}, 10);
        QCOMPARE(tight.sigma2, 0.0);
        QVERIFY(std::abs(tight.variance_mean - 0.75 * 0.25 / 40.0) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(tint::Error, episode_statistics({0.5}, 10));
        QVERIFY_THROWS_EXCEPTION(tint::Error, episode_statistics({0.5, 1.5}, 10));

        // Plan: queries free -> the largest M; E = ceil(Var_1(M) / (h / 1.96)^2).
        const EpisodePlan plan = recommend_episodes(st.mean, st.sigma2, 0.05, 75, 0.0);
        // Free queries: the fewest episodes possible (those of M = 75), reached with the fewest queries.
        auto episodesFor = [&](double M) {
            return static_cast<std::int64_t>(std::ceil((sigma2 * (1.0 - 1.0 / M) + 0.1875 / M) / std::pow(0.05 / 1.96, 2)));
        };
        QCOMPARE(plan.episodes, episodesFor(75));
        QVERIFY(plan.queries <= 75);
        QCOMPARE(episodesFor(static_cast<double>(plan.queries)), plan.episodes);
        QVERIFY(episodesFor(static_cast<double>(plan.queries - 1)) > plan.episodes);
        QVERIFY(plan.half_width <= 0.05);
        const double v1 = sigma2 * (1.0 - 1.0 / plan.queries) + 0.1875 / plan.queries;
        QVERIFY(1.96 * std::sqrt(v1 / (plan.episodes - 1)) > 0.05);  // one episode fewer misses
        // N-way episodes: M in whole queries per class. For mu 0.7, sigma^2 0.02 and +-0.05 the
        // cheapest M in steps of one is 69, which no 5-way episode has.
        QCOMPARE(recommend_episodes(0.7, 0.02, 0.05, 75, 0.001, 2, 1).queries, std::int64_t(69));
        const EpisodePlan fiveWay = recommend_episodes(0.7, 0.02, 0.05, 75, 0.001, 2, 5);
        QCOMPARE(fiveWay.queries % 5, std::int64_t(0));
        QVERIFY(fiveWay.half_width <= 0.05);
        QVERIFY_THROWS_EXCEPTION(tint::Error, recommend_episodes(0.7, 0.02, 0.05, 4, 0.001, 2, 5));
        // Costly queries move the plan towards fewer queries.
        const EpisodePlan costly = recommend_episodes(st.mean, st.sigma2, 0.05, 75, 1.0);
        QVERIFY(costly.queries < plan.queries);
        QVERIFY(costly.half_width <= 0.05);
        qInfo("plan for +-0.05: E %lld x M %lld (half-width %.4f); queries as costly as episodes: E %lld x M %lld",
              static_cast<long long>(plan.episodes), static_cast<long long>(plan.queries), plan.half_width,
              static_cast<long long>(costly.episodes), static_cast<long long>(costly.queries));
    }

    void episodeSampler() {
        const EpisodeSampler sampler(kFlowers);
        QCOMPARE(sampler.classes().size(), std::size_t(5));
        const Episode a = sampler.sample(3, 2, 4, 7, 0);
        const Episode b = sampler.sample(3, 2, 4, 7, 0);
        const Episode c = sampler.sample(3, 2, 4, 7, 1);
        QCOMPARE(a.classes, b.classes);
        QCOMPARE(a.support_files, b.support_files);
        QCOMPARE(a.query_files, b.query_files);
        QVERIFY(a.support_files != c.support_files || a.query_files != c.query_files || a.classes != c.classes);
        QCOMPARE(a.classes.size(), std::size_t(3));
        QCOMPARE(a.support_files.size(), std::size_t(6));
        QCOMPARE(a.query_files.size(), std::size_t(12));
        for (int i = 0; i < 20; ++i) {
            const Episode e = sampler.sample(5, 5, 7, 3, static_cast<std::uint64_t>(i));  // all 12 photos used
            std::set<std::string> s(e.support_files.begin(), e.support_files.end());
            std::set<std::string> q(e.query_files.begin(), e.query_files.end());
            QCOMPARE(s.size(), std::size_t(25));
            QCOMPARE(q.size(), std::size_t(35));
            for (const auto& f : q) QVERIFY(!s.count(f));
            for (std::size_t k = 0; k < e.query_files.size(); ++k)  // the file lies in its class folder
                QCOMPARE(fs::path(e.query_files[k]).parent_path().filename().string(),
                         e.classes[static_cast<std::size_t>(e.query_labels[k])]);
        }
        QVERIFY_THROWS_EXCEPTION(tint::Error, sampler.sample(5, 10, 5, 0, 0));  // 15 > 12 photos
        QVERIFY_THROWS_EXCEPTION(tint::Error, sampler.sample(6, 1, 1, 0, 0));   // 6 > 5 classes
    }
};

QTEST_APPLESS_MAIN(TestKdTrainer)
#include "tst_kd_trainer.moc"
