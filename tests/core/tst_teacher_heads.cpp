// Teachers as feature extractors (the tiny DINOv2 / CLIP fixtures and the shipped ImageNet
// MobileNetV2) and the few-shot heads: synthetic clusters, seeded 5-way 5-shot episodes on the demo
// flower photos, persistence.
#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>
#include <map>

#include "support/DemoPhotos.h"
#include "distill/heads.h"
#include "distill/teacher.h"
#include "distill/teacher_finetune.h"
#include "io/diffusers.h"
#include "io/safetensors.h"
#include "nn/imagenet_mobilenet.h"
#include "nn/vit.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Runtime.h"
#include "weights/state_dict.h"

namespace fs = std::filesystem;
using namespace tint::distill;

namespace {
const std::string kTeachers  = TINT_TEST_DATA "/teachers/";
const std::string kMobileNet = TINT_SOURCE_RESOURCES "/models/imagenet-mobilenetv2";

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

#define EXPECT_CLOSE(a, b, atol)                                                                                \
    do {                                                                                                        \
        auto _a = (a);                                                                                          \
        auto _b = (b);                                                                                          \
        QVERIFY2(_a.sizes() == _b.sizes(), qPrintable(QStringLiteral("shape %1 vs %2")                          \
                                                          .arg(QString::fromStdString(tint::weights::shape_string(_a.sizes())), \
                                                               QString::fromStdString(tint::weights::shape_string(_b.sizes()))))); \
        const double _d = maxDiff(_a, _b);                                                                      \
        QVERIFY2(_d <= (atol), qPrintable(QStringLiteral("max abs diff %1").arg(_d)));                          \
    } while (0)

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const tint::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// The demo flowers: 5 classes x 12 photos, in a fixed order.
struct Flowers {
    std::vector<std::string> classes;
    std::vector<tint::ImageU8> images;
    std::vector<std::int64_t> labels;
};

Flowers loadFlowers() {
    const auto set = testdata::demo_flowers();
    Flowers f{set.classes, {}, set.labels};
    for (const auto& file : set.files) f.images.push_back(tint::load_image_rgb(file));
    return f;
}

double accuracy(const torch::Tensor& proba, const torch::Tensor& labels) {
    return proba.argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
}

template <class M>
void loadDirect(M& model, const std::string& dir, std::vector<std::string> ignore = {}) {
    tint::weights::LoadOptions opt;
    opt.ignore_unexpected = std::move(ignore);
    tint::weights::load_module(*model, tint::io::open_weights(dir, "model"), opt);
    model->eval();
}

class CountingContext : public tint::JobContext {
public:
    void report(const tint::Progress& p) override { last = p, ++reports; }
    const tint::CancelToken& cancel() const override { return token; }
    tint::CancelToken token;
    tint::Progress last;
    int reports = 0;
};
}  // namespace

class TestTeacherHeads : public QObject {
    Q_OBJECT

    Flowers flowers_;
    torch::Tensor flowerFeatures_;  // the MobileNetV2 teacher's features of the 60 photos
    qint64 flowerFeaturesMs_ = 0;

private Q_SLOTS:
    void initTestCase() {
        tint::set_compute_threads(2);  // torch::set_num_threads(2) and the allocator settings
        flowers_ = loadFlowers();
        QCOMPARE(flowers_.classes.size(), std::size_t(5));
        QCOMPARE(flowers_.images.size(), std::size_t(60));
        QElapsedTimer timer;
        timer.start();
        flowerFeatures_   = load_teacher(kMobileNet)->features(flowers_.images);
        flowerFeaturesMs_ = timer.elapsed();
        QCOMPARE(flowerFeatures_.sizes(), (torch::IntArrayRef{60, 1280}));
    }

    // ---- teachers ----

    void dinov2Teacher() {
        auto t = load_teacher(kTeachers + "dinov2-tiny");
        QCOMPARE(t->kind(), TeacherKind::Dinov2);
        QCOMPARE(t->feature_dim(), std::int64_t(32));
        QCOMPARE(t->input_size(), 56);
        auto cases = tint::io::SafetensorsFile::open(kTeachers + "cases.safetensors");
        // Features are the CLS token after the last layer norm (transformers' pooler_output).
        EXPECT_CLOSE(t->features(cases.read("dinov2.pre.pixel_values")), cases.read("dinov2.pre.pooler_output"), 1e-5);
        // Images: the teacher's preprocessing, batched; the same as the parity-tested module.
        std::vector<tint::ImageU8> imgs(flowers_.images.begin(), flowers_.images.begin() + 5);
        CountingContext ctx;
        auto f = t->features(imgs, &ctx);
        QCOMPARE(f.sizes(), (torch::IntArrayRef{5, 32}));
        QCOMPARE(ctx.last.step, 5LL);
        QVERIFY(torch::equal(f, t->features(imgs)));  // deterministic
        auto cfg = tint::nn::Dinov2Config::from_json(tint::io::read_json_file(kTeachers + "dinov2-tiny/config.json"), "c");
        tint::nn::Dinov2Model ref(cfg);
        loadDirect(ref, kTeachers + "dinov2-tiny");
        auto pre = tint::nn::ImagePreprocessor::from_json(
            tint::io::read_json_file(kTeachers + "dinov2-tiny/preprocessor_config.json"), "p");
        torch::NoGradGuard ng;
        for (int i = 0; i < 5; ++i) EXPECT_CLOSE(f[i], ref->forward(pre(imgs[i])).pooler_output[0], 1e-5);
    }

    void dinov2MeanPatch() {
        TeacherOptions o;
        o.dinov2_mean_patch = true;
        o.batch_size        = 2;
        auto t     = load_teacher(kTeachers + "dinov2-tiny", o);
        auto plain = load_teacher(kTeachers + "dinov2-tiny");
        QCOMPARE(t->feature_dim(), std::int64_t(64));
        QVERIFY(t->identity() != plain->identity());
        auto cases = tint::io::SafetensorsFile::open(kTeachers + "cases.safetensors");
        auto f     = t->features(cases.read("dinov2.pre.pixel_values"));
        auto h     = cases.read("dinov2.pre.last_hidden_state");
        EXPECT_CLOSE(f.narrow(1, 0, 32), cases.read("dinov2.pre.pooler_output"), 1e-5);
        EXPECT_CLOSE(f.narrow(1, 32, 32), h.narrow(1, 1, h.size(1) - 1).mean(1), 1e-5);
        // Batches of 2 give the same features as one batch.
        std::vector<tint::ImageU8> imgs(flowers_.images.begin(), flowers_.images.begin() + 5);
        o.batch_size = 16;
        EXPECT_CLOSE(t->features(imgs), load_teacher(kTeachers + "dinov2-tiny", o)->features(imgs), 1e-5);
    }

    void dinov2WithoutCentreCrop() {
        // Without the centre crop images keep their aspect ratio and cannot share a batch.
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        for (auto f : {"config.json", "model.safetensors"}) fs::copy_file(kTeachers + "dinov2-tiny/" + f, dir + "/" + f);
        auto pre              = tint::io::read_json_file(kTeachers + "dinov2-tiny/preprocessor_config.json");
        pre["do_center_crop"] = false;
        tint::write_file_atomic(dir + "/preprocessor_config.json", pre.dump());
        auto t = load_teacher(dir);
        tint::ImageU8 wide = flowers_.images[0], tall = wide;
        tall.width = wide.height, tall.height = wide.width;  // same bytes, transposed shape
        auto f = t->features(std::vector<tint::ImageU8>{wide, tall});
        QCOMPARE(f.sizes(), (torch::IntArrayRef{2, 32}));
        EXPECT_CLOSE(f[1], t->features(std::vector<tint::ImageU8>{tall})[0], 1e-6);
    }

    void clipTeacher() {
        auto t = load_teacher(kTeachers + "clip-vision-tiny");
        QCOMPARE(t->kind(), TeacherKind::ClipVision);
        QCOMPARE(t->feature_dim(), std::int64_t(16));
        auto cases = tint::io::SafetensorsFile::open(kTeachers + "cases.safetensors");
        EXPECT_CLOSE(t->features(cases.read("clip.pre.pixel_values")), cases.read("clip.pre.image_embeds"), 1e-5);
        // The preprocessing is the folder's, exactly as transformers does it.
        auto img = cases.read("pre.image_u8_hwc").contiguous();
        tint::ImageU8 u8{int(img.size(1)), int(img.size(0)), 3, {}};
        u8.data.assign(img.data_ptr<std::uint8_t>(), img.data_ptr<std::uint8_t>() + img.numel());
        EXPECT_CLOSE(t->preprocess(u8), cases.read("pre.clip.pixel_values"), 1e-6);
        std::vector<tint::ImageU8> imgs(flowers_.images.begin(), flowers_.images.begin() + 3);
        auto f = t->features(imgs);
        QCOMPARE(f.sizes(), (torch::IntArrayRef{3, 16}));
        QVERIFY(torch::equal(f, t->features(imgs)));
        auto cfg = tint::nn::CLIPVisionConfig::from_json(tint::io::read_json_file(kTeachers + "clip-vision-tiny/config.json"), "c");
        tint::nn::CLIPVisionModelWithProjection ref(cfg);
        loadDirect(ref, kTeachers + "clip-vision-tiny", {"vision_model.embeddings.position_ids"});
        torch::NoGradGuard ng;
        for (int i = 0; i < 3; ++i) EXPECT_CLOSE(f[i], ref->forward(t->preprocess(imgs[i])).image_embeds[0], 1e-5);
        QVERIFY(t->identity().find("clip_vision:") == 0);
    }

    void mobileNetTeacher() {
        auto t = load_teacher(kMobileNet);
        QCOMPARE(t->kind(), TeacherKind::ImageNetMobileNetV2);
        QCOMPARE(t->feature_dim(), std::int64_t(1280));
        QCOMPARE(t->input_size(), 224);
        // The golden synthetic input of the model's folder gives the golden feature norm.
        nlohmann::json golden;
        std::ifstream(kMobileNet + "/golden_synthetic.json") >> golden;
        auto hh = torch::arange(224).view({224, 1, 1}), ww = torch::arange(224).view({1, 224, 1}), cc = torch::arange(3).view({1, 1, 3});
        auto u8 = (7 * hh + 3 * ww + 50 * cc).remainder(256).to(torch::kFloat32);
        auto x  = ((u8 - 128) / 128).permute({2, 0, 1}).unsqueeze(0).contiguous();
        const double l2 = golden["feature_l2"];
        QVERIFY(std::abs(t->features(x).norm().item<double>() - l2) < 1e-4 * l2);
        // The same synthetic image through the teacher's preprocessing: at 224 x 224 the resize to
        // 256 and the centre crop change it, so take a 256 x 256 image and check the crop's scaling.
        tint::ImageU8 img{256, 256, 3, std::vector<std::uint8_t>(256 * 256 * 3)};
        for (int y = 0; y < 256; ++y)
            for (int xx = 0; xx < 256; ++xx)
                for (int c = 0; c < 3; ++c) img.data[(y * 256 + xx) * 3 + c] = std::uint8_t((7 * y + 3 * xx + 50 * c) % 256);
        auto px = t->preprocess(img);
        QCOMPARE(px.sizes(), (torch::IntArrayRef{1, 3, 224, 224}));
        QCOMPARE(px[0][1][0][0].item<float>(), float((((7 * 16 + 3 * 16 + 50) % 256) - 128) / 128.0));
        QCOMPARE(t->normalization().scale, 1.0 / 128.0);

        // Features of photos equal the module's features of the teacher's pixels, in any batch size.
        std::vector<tint::ImageU8> imgs(flowers_.images.begin(), flowers_.images.begin() + 3);
        auto f = t->features(imgs);
        QCOMPARE(f.sizes(), (torch::IntArrayRef{3, 1280}));
        EXPECT_CLOSE(f, flowerFeatures_.narrow(0, 0, 3), 1e-4);
        tint::nn::ImageNetMobileNetV2 ref;
        tint::weights::TensorSource src;
        src.add(tint::io::SafetensorsFile::open(kMobileNet + "/mobilenet_v2_1.0_224.safetensors"));
        tint::weights::load_module(*ref, src);
        ref->eval();
        torch::NoGradGuard ng;
        for (int i = 0; i < 3; ++i) EXPECT_CLOSE(f[i], ref->features(t->preprocess(imgs[i]))[0], 1e-4);

        // The preprocessing is what the network expects: ImageNet's "daisy" (index 985 + 1 for the
        // background class) is among the top 5 for most daisy photos.
        int hits = 0;
        for (std::size_t i = 0; i < flowers_.images.size(); ++i) {
            if (flowers_.classes[flowers_.labels[i]] != "daisy") continue;
            auto logits = ref->logits(flowerFeatures_[static_cast<std::int64_t>(i)].unsqueeze(0))[0];
            auto top    = std::get<1>(logits.topk(5));
            hits += top.eq(986).any().item<bool>() ? 1 : 0;
        }
        qInfo("ImageNet 'daisy' in the top 5 for %d of 12 daisy photos", hits);
        QVERIFY2(hits >= 8, qPrintable(QString::number(hits)));
    }

    void identityIsStableAndNamesTheFolder() {
        auto a = load_teacher(kMobileNet), b = load_teacher(kMobileNet + "/");
        QCOMPARE(a->identity(), b->identity());
        QVERIFY(a->identity().find("imagenet-mobilenetv2") != std::string::npos);
        // A changed config changes the identity.
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString() + "/dino";
        fs::create_directories(dir);
        for (auto f : {"config.json", "model.safetensors", "preprocessor_config.json"})
            fs::copy_file(kTeachers + "dinov2-tiny/" + f, dir + "/" + f);
        const std::string before = load_teacher(dir)->identity();
        QCOMPARE(load_teacher(dir)->identity(), before);
        auto j                = tint::io::read_json_file(dir + "/config.json");
        j["layer_norm_eps"]   = 1e-5;
        tint::write_file_atomic(dir + "/config.json", j.dump(2));
        const std::string changed_config = load_teacher(dir)->identity();
        QVERIFY(changed_config != before);
        // Other weights of the same size (another checkpoint of the architecture) change it too:
        // the last byte of the tensor data is changed in place.
        {
            std::fstream f(dir + "/model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
            f.seekg(-1, std::ios::end);
            char c = 0;
            f.read(&c, 1);
            c = static_cast<char>(c ^ 0x01);
            f.seekp(-1, std::ios::end);
            f.write(&c, 1);
        }
        QVERIFY(load_teacher(dir)->identity() != changed_config);
    }

    void foreignFoldersAreRefused() {
        // A student folder: no config.json at all.
        QString m = errorOf([] { load_teacher(TINT_TEST_DATA "/students"); });
        QVERIFY2(m.contains(QStringLiteral("not a teacher folder")) && m.contains(QStringLiteral("students")), qPrintable(m));
        // A text encoder's config: refused naming the folder and the type found.
        const std::string text = TINT_TEST_DATA "/sd/tiny-sd15/text_encoder";
        m = errorOf([&] { load_teacher(text); });
        QVERIFY2(m.contains(QStringLiteral("'clip_text_model'")) && m.contains(QString::fromStdString(text)), qPrintable(m));
        // Missing folder.
        m = errorOf([] { load_teacher(TINT_TEST_DATA "/no-such-teacher"); });
        QVERIFY2(m.contains(QStringLiteral("not a folder")), qPrintable(m));

        QTemporaryDir tmp;
        auto makeDir = [&](const std::string& name, const std::string& config, const std::string& weights) {
            const std::string dir = tmp.path().toStdString() + "/" + name;
            fs::create_directories(dir);
            fs::copy_file(config, dir + "/config.json");
            fs::copy_file(weights, dir + "/model.safetensors");
            return dir;
        };
        // A DINOv2 config over CLIP weights: every DINOv2 tensor is reported missing.
        auto mixed = makeDir("mixed", kTeachers + "dinov2-tiny/config.json", kTeachers + "clip-vision-tiny/model.safetensors");
        m = errorOf([&] { load_teacher(mixed); });
        QVERIFY2(m.contains(QStringLiteral("missing tensors")) && m.contains(QStringLiteral("embeddings.cls_token")), qPrintable(m));
        // A CLIP config over DINOv2 weights.
        auto mixed2 = makeDir("mixed2", kTeachers + "clip-vision-tiny/config.json", kTeachers + "dinov2-tiny/model.safetensors");
        m = errorOf([&] { load_teacher(mixed2); });
        QVERIFY2(m.contains(QStringLiteral("missing tensors")) && m.contains(QStringLiteral("class_embedding")), qPrintable(m));
        // model_type and architectures that disagree.
        auto j = tint::io::read_json_file(kTeachers + "dinov2-tiny/config.json");
        j["architectures"] = {"CLIPVisionModelWithProjection"};
        auto odd = makeDir("odd", kTeachers + "dinov2-tiny/config.json", kTeachers + "dinov2-tiny/model.safetensors");
        tint::write_file_atomic(odd + "/config.json", j.dump());
        m = errorOf([&] { load_teacher(odd); });
        QVERIFY2(m.contains(QStringLiteral("'dinov2'")) && m.contains(QStringLiteral("CLIPVisionModelWithProjection")), qPrintable(m));
        // A CLIP vision model without the projection has no image_embeds.
        j = tint::io::read_json_file(kTeachers + "clip-vision-tiny/config.json");
        j["architectures"] = {"CLIPVisionModel"};
        tint::write_file_atomic(odd + "/config.json", j.dump());
        m = errorOf([&] { load_teacher(odd); });
        QVERIFY2(m.contains(QStringLiteral("projection")), qPrintable(m));
        // Sizes out of range are named before a model is built (a patch size of 0 divided by zero).
        for (const char* model : {"dinov2-tiny", "clip-vision-tiny"}) {
            j               = tint::io::read_json_file(kTeachers + model + "/config.json");
            auto& vision    = j.contains("vision_config") ? j["vision_config"] : j;
            vision["patch_size"] = 0;
            tint::write_file_atomic(odd + "/config.json", j.dump());
            fs::copy_file(kTeachers + model + "/model.safetensors", odd + "/model.safetensors", fs::copy_options::overwrite_existing);
            m = errorOf([&] { load_teacher(odd); });
            QVERIFY2(m.contains(QStringLiteral("'patch_size' = 0 is out of range")) && m.contains(QStringLiteral("config.json")),
                     qPrintable(m));
        }
        // Preprocessing the folder describes wrongly: a zero std, a fixed-shape resize.
        auto pre = tint::io::read_json_file(kTeachers + "dinov2-tiny/preprocessor_config.json");
        pre["image_std"] = {0.2, 0.0, 0.2};
        m = errorOf([&] { tint::nn::ImagePreprocessor::from_json(pre, "p.json"); });
        QVERIFY2(m.contains(QStringLiteral("image_std values must be positive")), qPrintable(m));
        pre = tint::io::read_json_file(kTeachers + "dinov2-tiny/preprocessor_config.json");
        pre["size"] = {{"height", 224}, {"width", 224}};
        m = errorOf([&] { tint::nn::ImagePreprocessor::from_json(pre, "p.json"); });
        QVERIFY2(m.contains(QStringLiteral("fixed shape")), qPrintable(m));
        // Keys the file leaves out keep the image processor's defaults (here CLIP's statistics).
        tint::nn::ImagePreprocessor clipDefaults;
        clipDefaults.mean = {0.48145466f, 0.4578275f, 0.40821073f};
        pre.erase("size");
        pre.erase("image_mean");
        QCOMPARE(tint::nn::ImagePreprocessor::from_json(pre, "p.json", clipDefaults).mean, clipDefaults.mean);
    }

    void cancelIsPolledPerBatch() {
        TeacherOptions o;
        o.batch_size = 1;
        auto t = load_teacher(kTeachers + "dinov2-tiny", o);
        tint::CancelSource src;
        src.request(tint::CancelMode::Now);
        tint::SilentJobContext ctx(src.token());
        std::vector<tint::ImageU8> imgs(flowers_.images.begin(), flowers_.images.begin() + 2);
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled, t->features(imgs, &ctx));
    }

    // ---- heads ----

    void headsOnGaussianClusters_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("prototype") << QStringLiteral("prototype");
        QTest::newRow("logistic_regression") << QStringLiteral("logistic_regression");
    }
    void headsOnGaussianClusters() {
        QFETCH(QString, kind);
        torch::manual_seed(7);
        const int C = 4, D = 64, S = 5, Q = 50;
        auto centres = torch::randn({C, D}) * 3;
        auto sample  = [&](int n) {
            auto y = torch::arange(C).repeat_interleave(n);
            return std::make_pair(centres.index_select(0, y) + torch::randn({C * n, D}) * 0.5 + 0.2, y);
        };
        auto [xs, ys] = sample(S);
        auto [xq, yq] = sample(Q);
        auto head     = make_head(kind.toStdString());
        head->fit(xs, ys, C);
        auto p = head->predict_proba(xq);
        QCOMPARE(p.sizes(), (torch::IntArrayRef{C * Q, C}));
        EXPECT_CLOSE(p.sum(1), torch::ones({C * Q}), 1e-5);
        QCOMPARE(accuracy(p, yq), 1.0);
        // Scaling a feature does not change anything: the heads normalise.
        EXPECT_CLOSE(head->predict_proba(xq * 7.5), p, 1e-5);
        // Deterministic.
        auto again = make_head(kind.toStdString());
        again->fit(xs, ys, C);
        QVERIFY(torch::equal(again->predict_proba(xq), p));
    }

    void prototypeTemperature() {
        // Well separated classes: the temperature grows (confident probabilities) but stays clamped.
        torch::manual_seed(3);
        auto centres = torch::randn({3, 16}) * 5;
        auto y       = torch::arange(3).repeat_interleave(4);
        auto x       = centres.index_select(0, y) + torch::randn({12, 16}) * 0.3;
        PrototypeHead h;
        h.fit(x, y, 3);
        QVERIFY2(h.temperature() > 10 && h.temperature() <= 100, qPrintable(QString::number(h.temperature())));
        // Overlapping classes: a lower temperature than for separated ones.
        auto noisy = centres.index_select(0, y) * 0.05 + torch::randn({12, 16});
        PrototypeHead soft;
        soft.fit(noisy, y, 3);
        QVERIFY2(soft.temperature() < h.temperature(), qPrintable(QString::number(soft.temperature())));
        // One shot per class: nothing can be left out, the default temperature is used.
        PrototypeHead one;
        one.fit(centres, torch::arange(3), 3);
        QCOMPARE(one.temperature(), 10.0);
        // The fitted temperature is the minimum of the leave-one-out cross entropy.
        auto loo = [&](double t) {
            double total = 0;
            for (int i = 0; i < 12; ++i) {
                auto keep = torch::arange(12).ne(i);
                PrototypeHead fixed;
                fixed.fit(x.index({keep}), y.index({keep}), 3);
                auto logits = fixed.logits(x[i].unsqueeze(0)) / fixed.temperature() * t;
                total -= logits.log_softmax(1)[0][y[i].item<std::int64_t>()].item<double>();
            }
            return total / 12;
        };
        if (h.temperature() < 100) {
            QVERIFY(loo(h.temperature()) <= loo(h.temperature() * 1.1) + 1e-9);
            QVERIFY(loo(h.temperature()) <= loo(h.temperature() / 1.1) + 1e-9);
        }
    }

    void logisticRegressionConverges() {
        torch::manual_seed(11);
        auto x = torch::randn({30, 40});
        auto y = torch::arange(3).repeat(10);
        LogisticRegressionHead h;
        h.fit(x, y, 3);
        QVERIFY2(h.gradient_norm() <= h.tolerance, qPrintable(QString::number(h.gradient_norm())));
        // The optimum does not depend on the order of the supports.
        auto perm = torch::randperm(30);
        LogisticRegressionHead p;
        p.fit(x.index_select(0, perm), y.index_select(0, perm), 3);
        EXPECT_CLOSE(p.predict_proba(x), h.predict_proba(x), 1e-4);
        // Stronger regularisation: softer probabilities.
        LogisticRegressionHead strong;
        strong.l2 = 1.0;
        strong.fit(x, y, 3);
        QVERIFY(std::get<0>(strong.predict_proba(x).max(1)).mean().item<double>() <
                std::get<0>(h.predict_proba(x).max(1)).mean().item<double>());
    }

    void badInputsAreRefused() {
        PrototypeHead h;
        QVERIFY(!errorOf([&] { h.logits(torch::zeros({1, 4})); }).isEmpty());  // not fitted
        QVERIFY(errorOf([&] { h.fit(torch::zeros({4, 3}), torch::tensor({0, 1, 2, 5}), 3); }).contains(QStringLiteral("labels")));
        QVERIFY(errorOf([&] { h.fit(torch::randn({4, 3}), torch::tensor({0, 0, 1, 1}), 3); }).contains(QStringLiteral("class 2")));
        QVERIFY(!errorOf([&] { h.fit(torch::randn({4, 3}), torch::tensor({0, 1}), 2); }).isEmpty());
        h.fit(torch::randn({4, 3}), torch::tensor({0, 0, 1, 1}), 2);
        QVERIFY(errorOf([&] { h.logits(torch::zeros({2, 5})); }).contains(QStringLiteral("[B, 3]")));
        QVERIFY(!errorOf([] { make_head("svm"); }).isEmpty());
    }

    void saveLoadRoundTrip_data() { headsOnGaussianClusters_data(); }
    void saveLoadRoundTrip() {
        QFETCH(QString, kind);
        torch::manual_seed(5);
        auto x    = torch::randn({12, 24});
        auto y    = torch::arange(3).repeat(4);
        auto head = make_head(kind.toStdString());
        head->fit(x, y, 3);
        head->info.teacher_identity = "dinov2:/models/x#0123";
        head->info.class_names      = {"daisy", "rose", "tulip"};
        QTemporaryDir tmp;
        const std::string path = tmp.path().toStdString() + "/head.safetensors";
        head->save(path);
        auto back = FewShotHead::load(path);
        QCOMPARE(back->kind(), head->kind());
        QCOMPARE(back->num_classes(), std::int64_t(3));
        QCOMPARE(back->feature_dim(), std::int64_t(24));
        QCOMPARE(back->info.teacher_identity, head->info.teacher_identity);
        QVERIFY(back->info.class_names == head->info.class_names);
        auto q = torch::randn({7, 24});
        QVERIFY(torch::equal(back->logits(q), head->logits(q)));
        QVERIFY(torch::equal(back->predict_proba(q), head->predict_proba(q)));
        // Files that are not heads are refused with the file named.
        const std::string other = tmp.path().toStdString() + "/other.safetensors";
        tint::io::save_safetensors(other, {{"w", torch::zeros({2})}});
        QVERIFY(errorOf([&] { FewShotHead::load(other); }).contains(QString::fromStdString(other)));
        QVERIFY(!errorOf([&] { make_head(kind.toStdString())->save(other); }).isEmpty());  // unfitted
    }

    // ---- real photos: 5-way 5-shot episodes with the ImageNet MobileNetV2 ----

    void flowerEpisodes() {
        QElapsedTimer timer;
        timer.start();
        const auto& feats = flowerFeatures_;
        auto labels       = torch::tensor(flowers_.labels);
        const int episodes = 20, shots = 5, ways = 5;
        double protoSum = 0, lrSum = 0, protoNll = 0, lrNll = 0;
        std::mt19937_64 rng(2024);
        for (int e = 0; e < episodes; ++e) {
            std::vector<std::int64_t> support, query;
            for (int c = 0; c < ways; ++c) {
                std::vector<std::int64_t> idx;
                for (std::int64_t i = 0; i < labels.size(0); ++i)
                    if (flowers_.labels[i] == c) idx.push_back(i);
                std::shuffle(idx.begin(), idx.end(), rng);
                support.insert(support.end(), idx.begin(), idx.begin() + shots);
                query.insert(query.end(), idx.begin() + shots, idx.end());
            }
            auto si = torch::tensor(support), qi = torch::tensor(query);
            auto xs = feats.index_select(0, si), ys = labels.index_select(0, si);
            auto xq = feats.index_select(0, qi), yq = labels.index_select(0, qi);
            PrototypeHead proto;
            proto.fit(xs, ys, ways);
            LogisticRegressionHead lr;
            lr.fit(xs, ys, ways);
            QVERIFY(lr.gradient_norm() <= lr.tolerance);
            auto pp = proto.predict_proba(xq), pl = lr.predict_proba(xq);
            protoSum += accuracy(pp, yq);
            lrSum += accuracy(pl, yq);
            protoNll -= pp.gather(1, yq.unsqueeze(1)).log().mean().item<double>();
            lrNll -= pl.gather(1, yq.unsqueeze(1)).log().mean().item<double>();
        }
        const double protoAcc = protoSum / episodes, lrAcc = lrSum / episodes;
        qInfo("flowers, ImageNet MobileNetV2, %d seeded 5-way 5-shot episodes (35 queries each): "
              "prototype %.1f %% (NLL %.3f), logistic regression %.1f %% (NLL %.3f); features of the 60 photos %lld ms, %d fits of each head %lld ms",
              episodes, 100 * protoAcc, protoNll / episodes, 100 * lrAcc, lrNll / episodes, flowerFeaturesMs_, episodes,
              timer.elapsed());
        QVERIFY2(protoAcc > 0.5, qPrintable(QString::number(protoAcc)));
        QVERIFY2(lrAcc >= protoAcc - 0.03, qPrintable(QString::number(lrAcc)));
    }

    // ---- fine-tuning the teacher's last blocks ----

    void fineTuneTailNames() {
        auto mob   = load_teacher(kMobileNet);
        QCOMPARE(mob->block_count(), 17);
        std::set<std::string> prefixes;
        for (const auto& [name, t] : mob->tail_parameters(2)) prefixes.insert(name.substr(0, name.find('.', name.find('.') + 1)));
        QCOMPARE(prefixes, (std::set<std::string>{"blocks.15", "blocks.16", "head.bias", "head.weight"}));
        TeacherOptions logits;
        logits.imagenet_logits = true;
        bool classifier = false;
        for (const auto& [name, t] : load_teacher(kMobileNet, logits)->tail_parameters(1)) classifier |= name.rfind("classifier.", 0) == 0;
        QVERIFY(classifier);  // with logits as the features the classifier is part of the tail

        auto dino = load_teacher(kTeachers + "dinov2-tiny");
        const int L = dino->block_count();
        for (const auto& [name, t] : dino->tail_parameters(1))
            QVERIFY2(name.rfind("encoder.layer." + std::to_string(L - 1) + ".", 0) == 0 || name.rfind("layernorm.", 0) == 0, name.c_str());
        auto clip = load_teacher(kTeachers + "clip-vision-tiny");
        bool projection = false;
        for (const auto& [name, t] : clip->tail_parameters(1)) {
            projection |= name == "visual_projection.weight";
            QVERIFY2(name.rfind("vision_model.encoder.layers." + std::to_string(clip->block_count() - 1) + ".", 0) == 0 ||
                         name.rfind("vision_model.post_layernorm.", 0) == 0 || name.rfind("visual_projection.", 0) == 0,
                     name.c_str());
        }
        QVERIFY(projection);
        QVERIFY(errorOf([&] { mob->tail_parameters(0); }).contains("cannot fine-tune 0 blocks; it has 17"));
        QVERIFY(errorOf([&] { mob->tail_parameters(18); }).contains("it has 17"));
    }

    // Two photos per class, the last two blocks, a few steps: only the tail changes, the identity
    // names the fine-tuning, the result is reproducible, saved and read back exactly.
    void fineTuneMobileNet() {
        std::vector<tint::ImageU8> imgs;
        std::vector<std::int64_t> labels;
        for (std::size_t i = 0; i < flowers_.images.size(); i += 6) imgs.push_back(flowers_.images[i]), labels.push_back(flowers_.labels[i]);
        QCOMPARE(imgs.size(), std::size_t(10));
        auto t = load_teacher(kMobileNet);
        std::map<std::string, torch::Tensor> before;
        for (const auto& item : t->model().named_parameters()) before[item.key()] = item.value().detach().clone();
        const auto f0  = t->features(imgs);
        const auto id0 = t->identity();
        TeacherFineTuneOptions o;
        o.blocks = 2, o.steps = 12, o.batch_size = 10, o.lr = 1e-3, o.seed = 3;
        CountingContext ctx;
        auto rep = fine_tune_teacher(*t, imgs, labels, 5, o, &ctx);
        QCOMPARE(rep.steps, 12);
        QCOMPARE(rep.losses.size(), std::size_t(12));
        for (double l : rep.losses) QVERIFY(std::isfinite(l));
        QCOMPARE(ctx.last.stage, std::string("teacher fine-tuning"));
        QCOMPARE(ctx.last.step, 12LL);
        std::int64_t tailCount = 0;
        for (const auto& [n, p] : t->tail_parameters(2)) tailCount += p.numel();
        QCOMPARE(rep.trainable_parameters, tailCount);
        // The frozen trunk is bit-identical, the tail moved; requires_grad is as before, no grads kept.
        int changed = 0;
        for (const auto& item : t->model().named_parameters()) {
            const bool inTail = item.key().rfind("blocks.15.", 0) == 0 || item.key().rfind("blocks.16.", 0) == 0 ||
                                item.key().rfind("head.", 0) == 0;
            const bool same = torch::equal(item.value(), before[item.key()]);
            if (!inTail) QVERIFY2(same, item.key().c_str());
            changed += inTail && !same;
            QVERIFY(item.value().requires_grad());
            QVERIFY(!item.value().grad().defined());
        }
        QCOMPARE(changed, static_cast<int>(t->tail_parameters(2).size()));  // every tail tensor moved
        QVERIFY(t->identity() != id0);
        QVERIFY(t->identity().find("+finetuned:2:") != std::string::npos);
        QCOMPARE(t->base_identity(), id0);
        QCOMPARE(t->fine_tuned_blocks(), 2);
        const auto f1 = t->features(imgs);
        QVERIFY(maxDiff(f0, f1) > 1e-3);
        QVERIFY(errorOf([&] { fine_tune_teacher(*t, imgs, labels, 5, o); }).contains("already fine-tuned"));

        // Same seed, fresh teacher: the same weights.
        auto again = load_teacher(kMobileNet);
        fine_tune_teacher(*again, imgs, labels, 5, o);
        QCOMPARE(again->identity(), t->identity());

        // Saved and read back into a fresh teacher: identical features and identity.
        QTemporaryDir dir;
        const std::string file = dir.filePath("tail.safetensors").toStdString();
        save_teacher_tail(*t, file, o);
        auto loaded = load_teacher(kMobileNet);
        load_teacher_tail(*loaded, file);
        QCOMPARE(loaded->identity(), t->identity());
        QVERIFY(torch::equal(loaded->features(imgs), f1));
        QVERIFY(errorOf([&] { load_teacher_tail(*loaded, file); }).contains("already fine-tuned"));

        // Restoring the snapshot gives the loaded teacher back.
        auto snap  = snapshot_tail(*again, 2);  // of the fine-tuned weights
        auto fresh = load_teacher(kMobileNet);
        auto orig  = snapshot_tail(*fresh, 2);
        restore_tail(*again, orig);
        QCOMPARE(again->identity(), id0);
        QVERIFY(torch::equal(again->features(imgs), f0));
        QVERIFY(!torch::equal(snap.front().second, orig.front().second));

        // A cancelled fine-tuning leaves the teacher as loaded.
        CountingContext cancelled;
        tint::CancelSource src;
        cancelled.token = src.token();
        src.request(tint::CancelMode::Now);
        bool threw = false;
        try {
            fine_tune_teacher(*fresh, imgs, labels, 5, o, &cancelled);
        } catch (const tint::Cancelled&) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(fresh->identity(), id0);
        QCOMPARE(fresh->fine_tuned_blocks(), 0);
        QVERIFY(torch::equal(fresh->features(imgs), f0));

        // Bad input.
        QVERIFY(errorOf([&] { fine_tune_teacher(*fresh, imgs, std::vector<std::int64_t>(10, 0), 5, o); }).contains("class 1 has no image"));
        QVERIFY(errorOf([&] { fine_tune_teacher(*fresh, {}, {}, 5, o); }).contains("needs labelled images"));
        auto bad = o;
        bad.blocks = 40;
        QVERIFY(errorOf([&] { fine_tune_teacher(*fresh, imgs, labels, 5, bad); }).contains("cannot fine-tune 40 blocks"));
        QCOMPARE(fresh->identity(), id0);
    }

    // Files that do not fit are refused by name and leave the teacher unchanged.
    void fineTunedTailFilesAreChecked() {
        QTemporaryDir dir;
        std::vector<tint::ImageU8> imgs{flowers_.images[0], flowers_.images[12]};
        std::vector<std::int64_t> labels{0, 1};
        TeacherFineTuneOptions o;
        o.blocks = 1, o.steps = 2, o.batch_size = 2;
        auto dino = load_teacher(kTeachers + "dinov2-tiny");
        fine_tune_teacher(*dino, imgs, labels, 2, o);
        const std::string dinoFile = dir.filePath("dino.safetensors").toStdString();
        save_teacher_tail(*dino, dinoFile, o);
        auto mob = load_teacher(kMobileNet);
        const auto id0 = mob->identity();
        QVERIFY(errorOf([&] { load_teacher_tail(*mob, dinoFile); }).contains("fine-tuned from another teacher"));
        QVERIFY(errorOf([&] { save_teacher_tail(*mob, dir.filePath("x.safetensors").toStdString(), o); }).contains("not fine-tuned"));
        QVERIFY(!fs::exists(dir.filePath("x.safetensors").toStdString()));

        // A DINOv2 tail whose tensors were tampered with: wrong shape, non-finite, missing, extra.
        auto file     = tint::io::SafetensorsFile::open(dinoFile);
        auto tensorsOf = [&] {
            std::vector<std::pair<std::string, torch::Tensor>> v;
            for (const auto& info : file.tensors()) v.emplace_back(info.name, file.read(info.name));
            return v;
        };
        const auto meta = file.metadata();
        auto write = [&](const std::string& name, std::vector<std::pair<std::string, torch::Tensor>> v) {
            const std::string p = dir.filePath(QString::fromStdString(name)).toStdString();
            tint::io::save_safetensors(p, v, meta);
            return p;
        };
        auto shape = tensorsOf();
        shape[0].second = torch::zeros({3});
        auto nonFinite = tensorsOf();
        nonFinite[1].second = nonFinite[1].second.clone().fill_(std::nanf(""));
        auto missing = tensorsOf();
        const std::string missingName = missing.back().first;
        missing.pop_back();
        auto extra = tensorsOf();
        extra.emplace_back("encoder.layer.0.norm1.weight", torch::ones({32}));
        auto fresh = [&] { return load_teacher(kTeachers + "dinov2-tiny"); };
        auto d = fresh();
        const auto f0 = d->features(imgs);
        QVERIFY(errorOf([&] { load_teacher_tail(*d, write("shape.safetensors", shape)); }).contains("'" + QString::fromStdString(shape[0].first) + "' has shape [3]"));
        QVERIFY(errorOf([&] { load_teacher_tail(*d, write("nan.safetensors", nonFinite)); }).contains("non-finite"));
        QVERIFY(errorOf([&] { load_teacher_tail(*d, write("missing.safetensors", missing)); }).contains(QString::fromStdString("missing '" + missingName + "'")));
        QVERIFY(errorOf([&] { load_teacher_tail(*d, write("extra.safetensors", extra)); }).contains("unexpected 'encoder.layer.0.norm1.weight'"));
        QCOMPARE(d->fine_tuned_blocks(), 0);
        QVERIFY(torch::equal(d->features(imgs), f0));
        // The untampered rewrite loads: the refusals above are for what was changed.
        const auto okFile = write("ok.safetensors", tensorsOf());
        QCOMPARE(errorOf([&] { load_teacher_tail(*d, okFile); }), QString());
        QCOMPARE(d->identity(), dino->identity());
        // A tail written before the weight files' bytes were part of the identity still loads; a
        // tail of another base identity does not.
        for (const bool earlier : {true, false}) {
            auto m       = meta;
            auto j       = nlohmann::json::parse(m.at("tint.teacher_finetune"));
            const auto e = fresh();
            QVERIFY(!e->earlier_base_identity().empty() && e->earlier_base_identity() != e->base_identity());
            j["base_identity"] = earlier ? e->earlier_base_identity() : e->earlier_base_identity() + "x";
            m["tint.teacher_finetune"] = j.dump();
            const std::string p = dir.filePath(earlier ? "earlier.safetensors" : "other.safetensors").toStdString();
            tint::io::save_safetensors(p, tensorsOf(), m);
            const QString err = errorOf([&] { load_teacher_tail(*e, p); });
            if (earlier) QCOMPARE(err, QString());
            else QVERIFY2(err.contains("fine-tuned from another teacher"), qPrintable(err));
        }
        auto d2 = fresh();
        tint::io::save_safetensors(dir.filePath("plain.safetensors").toStdString(), tensorsOf());
        QVERIFY(errorOf([&] { load_teacher_tail(*d2, dir.filePath("plain.safetensors").toStdString()); }).contains("not a fine-tuned teacher tail"));
        QCOMPARE(d2->fine_tuned_blocks(), 0);
        QVERIFY(torch::equal(d2->features(imgs), f0));
        QCOMPARE(mob->identity(), id0);
    }

    // With enough steps the augmented-view loss on the supports goes down (the tail learns).
    void fineTuningLearns() {
        std::vector<tint::ImageU8> imgs;
        std::vector<std::int64_t> labels;
        for (std::size_t i = 0; i < flowers_.images.size(); i += 4) imgs.push_back(flowers_.images[i]), labels.push_back(flowers_.labels[i]);
        auto t = load_teacher(kMobileNet);
        TeacherFineTuneOptions o;
        o.blocks = 2, o.steps = 40, o.batch_size = 15, o.lr = 1e-3;
        auto rep = fine_tune_teacher(*t, imgs, labels, 5, o);
        qInfo("fine-tuning 2 blocks, 40 steps of 15 views: loss %.3f -> %.3f", rep.initial_loss(), rep.final_loss());
        QVERIFY2(rep.final_loss() < 0.7 * rep.initial_loss(), qPrintable(QStringLiteral("%1 -> %2").arg(rep.initial_loss()).arg(rep.final_loss())));
    }
};

QTEST_APPLESS_MAIN(TestTeacherHeads)
#include "tst_teacher_heads.moc"
