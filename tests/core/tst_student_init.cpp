// The MobileNetV2 student initialised from the shipped ImageNet MobileNetV2 (TF-slim layout, folded
// batch norm) and the teacher's ImageNet-logits mode, on the demo flower photos.
#include <QtTest>

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "support/DemoPhotos.h"
#include <nlohmann/json.hpp>

#include "distill/evaluation.h"
#include "distill/kd_trainer.h"
#include "distill/student_init.h"
#include "distill/teacher.h"
#include "io/safetensors.h"
#include "nn/imagenet_mobilenet.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "tint/Image.h"
#include "tint/Runtime.h"

namespace fs = std::filesystem;
using namespace tint::distill;

namespace {
const std::string kMobileNet = TINT_SOURCE_RESOURCES "/models/imagenet-mobilenetv2";
const std::string kFlowers   = TINT_SOURCE_RESOURCES "/demo/flowers";
const std::string kDinov2    = TINT_TEST_DATA "/teachers/dinov2-tiny";

std::vector<std::string> flowerFiles(const std::string& cls = {}) { return testdata::demo_flowers(cls).files; }

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const tint::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// x_t = a_c x_s + d_c (student_init.h): the student input that equals the teacher's input.
void affine(const Normalization& n, torch::Tensor& a, torch::Tensor& d) {
    std::vector<double> av, dv;
    for (int c = 0; c < 3; ++c) {
        av.push_back(n.std[c] / (128.0 * n.scale));
        dv.push_back(n.mean[c] / (128.0 * n.scale) - 1.0);
    }
    a = torch::tensor(av, torch::kFloat32).view({1, 3, 1, 1});
    d = torch::tensor(dv, torch::kFloat32).view({1, 3, 1, 1});
}

// The student's own parameters run with TensorFlow "SAME" padding; the stem's padding holds the
// value that maps to a zero teacher input. Equals the teacher when the mapping is right.
torch::Tensor tfPaddedStudentFeatures(tint::nn::StudentImpl& s, const torch::Tensor& xs, const Normalization& n) {
    std::map<std::string, torch::Tensor> p;
    for (const auto& t : s.named_parameters(true)) p[t.key()] = t.value().detach();
    for (const auto& t : s.named_buffers(true)) p[t.key()] = t.value().detach();
    auto bn = [&](const std::string& k, const torch::Tensor& x) {
        return torch::batch_norm(x, p.at(k + ".weight"), p.at(k + ".bias"), p.at(k + ".running_mean"), p.at(k + ".running_var"),
                                 false, 0.1, 1e-5, false);
    };
    auto conv = [&](const std::string& k, const torch::Tensor& x, std::int64_t stride, std::int64_t groups) {
        const auto& w = p.at(k + ".weight");
        auto xin      = w.size(2) == 3 ? tint::nn::tf_same_pad(x, 3, stride) : x;
        namespace F = torch::nn::functional;
        return F::conv2d(xin, w, F::Conv2dFuncOptions().stride(stride).groups(groups));
    };
    torch::Tensor a, d;
    affine(n, a, d);
    auto fill = (-d / a).expand({xs.size(0), 3, xs.size(2) + 1, xs.size(3) + 1}).clone();  // (0, 1, 0, 1) padding
    fill.narrow(2, 0, xs.size(2)).narrow(3, 0, xs.size(3)).copy_(xs);
    auto h = torch::nn::functional::conv2d(fill, p.at("features.0.0.weight"), torch::nn::functional::Conv2dFuncOptions().stride(2));
    h      = torch::clamp(bn("features.0.1", h), 0, 6);
    static const int setting[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                      {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    int idx = 1;
    for (const auto& st : setting)
        for (int i = 0; i < st[2]; ++i, ++idx) {
            const std::string b = "features." + std::to_string(idx) + ".conv.";
            const std::int64_t stride = i == 0 ? st[3] : 1;
            auto y = h;
            int j  = 0;
            if (st[0] != 1) y = torch::clamp(bn(b + "0.1", conv(b + "0.0", y, 1, 1)), 0, 6), j = 1;
            y = torch::clamp(bn(b + std::to_string(j) + ".1", conv(b + std::to_string(j) + ".0", y, stride, y.size(1))), 0, 6);
            y = bn(b + std::to_string(j + 2), conv(b + std::to_string(j + 1), y, 1, 1));
            h = (stride == 1 && h.size(1) == y.size(1)) ? h + y : y;
        }
    h = torch::clamp(bn("features.18.1", conv("features.18.0", h, 1, 1)), 0, 6);
    return h.mean({2, 3});
}

double cosine(const torch::Tensor& a, const torch::Tensor& b) {
    return torch::nn::functional::cosine_similarity(a.to(torch::kFloat64), b.to(torch::kFloat64)).mean().item<double>();
}
}  // namespace

class TestStudentInit : public QObject {
    Q_OBJECT

    std::unique_ptr<Teacher> teacher_;
    torch::Tensor teacherPixels_, teacherFeatures_;  // 10 photos, two per class

private Q_SLOTS:
    void initTestCase() {
        tint::set_compute_threads(2);
        teacher_ = load_teacher(kMobileNet);
        auto files = flowerFiles();
        QCOMPARE(files.size(), std::size_t(60));
        std::vector<torch::Tensor> px;
        for (std::size_t i = 0; i < files.size(); i += 6) px.push_back(teacher_->preprocess(tint::load_image_rgb(files[i])));
        teacherPixels_   = torch::cat(px, 0);
        teacherFeatures_ = teacher_->features(teacherPixels_);
    }

    // With TF padding the mapped weights give the teacher's 1280-d features to float rounding:
    // every tensor landed where it belongs, and the normalisation fold into the stem is exact.
    void mappingIsExactWithTfPadding() {
        torch::manual_seed(0);
        auto s = tint::nn::make_student("mobilenetv2", 5, 1.0);
        const Normalization norm;  // the student's (ImageNet mean / std)
        init_student_from_imagenet(*s, kMobileNet, norm);
        s->eval();
        torch::Tensor a, d;
        affine(norm, a, d);
        const auto xs = (teacherPixels_ - d) / a;
        torch::NoGradGuard ng;
        const auto ref = tfPaddedStudentFeatures(*s, xs, norm);
        const double diff = (ref - teacherFeatures_).abs().max().item<double>();
        const double scale = teacherFeatures_.abs().max().item<double>();
        QVERIFY2(diff <= 2e-4 * scale, qPrintable(QStringLiteral("max diff %1 (features up to %2)").arg(diff).arg(scale)));
        // A deliberately wrong mapping is caught: swap two blocks' projections.
        auto p = s->named_parameters(true);
        auto w5 = p["features.5.conv.2.weight"].detach().clone();
        p["features.5.conv.2.weight"].detach().copy_(p["features.6.conv.2.weight"].detach());
        p["features.6.conv.2.weight"].detach().copy_(w5);
        const double broken = (tfPaddedStudentFeatures(*s, xs, norm) - teacherFeatures_).abs().max().item<double>();
        QVERIFY2(broken > 100 * diff, qPrintable(QStringLiteral("swapped weights: diff %1").arg(broken)));
    }

    // The student's own forward (torchvision's symmetric padding, the student's normalisation) is
    // close to the teacher but not equal: the one-pixel shift of the stride-2 convolutions.
    void studentForwardIsCloseToTeacher() {
        torch::manual_seed(0);
        auto s = tint::nn::make_student("mobilenetv2", 5, 1.0);
        const Normalization norm;
        init_student_from_imagenet(*s, kMobileNet, norm);
        s->eval();
        torch::Tensor a, d;
        affine(norm, a, d);
        torch::NoGradGuard ng;
        const auto f   = s->features((teacherPixels_ - d) / a);
        const double c = cosine(f, teacherFeatures_);
        qInfo("cosine student (symmetric padding) vs teacher features, 10 photos: %.3f", c);
        QVERIFY2(c > 0.7, qPrintable(QString::number(c)));
        QVERIFY2(c < 0.9999, "the padding should make a difference");
        // A random student is nowhere near.
        torch::manual_seed(0);
        auto r = tint::nn::make_student("mobilenetv2", 5, 1.0);
        r->eval();
        const double cr = cosine(r->features((teacherPixels_ - d) / a), teacherFeatures_);
        QVERIFY2(cr < c - 0.2, qPrintable(QString::number(cr)));
    }

    // The short student takes the first block of each stage and the head: each of its tensors is
    // the full student's tensor of the block it came from.
    void shortStudentTakesFirstBlockOfEachStage() {
        auto full = tint::nn::make_student("mobilenetv2", 5, 1.0);
        auto shrt = tint::nn::make_student("mobilenetv2-short", 5, 1.0);
        init_student_from_imagenet(*full, kMobileNet);
        init_student_from_imagenet(*shrt, kMobileNet);
        const int from[] = {0, 1, 2, 4, 7, 11, 14, 17, 18};  // features.k of the short one <- features.from[k]
        auto fp = full->named_parameters(true);
        int compared = 0;
        for (const auto& p : shrt->named_parameters(true)) {
            if (p.key().rfind("classifier", 0) == 0) continue;
            std::string key = p.key();
            const auto dot  = key.find('.', 9);  // "features." then the index
            const int k     = std::stoi(key.substr(9, dot - 9));
            const std::string src = "features." + std::to_string(from[k]) + key.substr(dot);
            QVERIFY2(fp.find(src) != nullptr, src.c_str());
            QVERIFY2(torch::equal(p.value(), fp[src]), (key + " <- " + src).c_str());
            ++compared;
        }
        QCOMPARE(compared, 66);  // stem 3, first block 6, six blocks of 9, head conv 3
        // Its features stay related to the teacher's (the stage structure is kept) but less than
        // the full student's: the residual repeats are missing until training repairs them.
        torch::Tensor a, d;
        const Normalization norm;
        affine(norm, a, d);
        full->eval();
        shrt->eval();
        torch::NoGradGuard ng;
        const double cf = cosine(full->features((teacherPixels_ - d) / a), teacherFeatures_);
        const double cs = cosine(shrt->features((teacherPixels_ - d) / a), teacherFeatures_);
        qInfo("cosine with the teacher's features: full %.3f, short %.3f", cf, cs);
        QVERIFY(cs < cf);
        QVERIFY(cs > 0.0);
    }

    void refusals() {
        auto narrow = tint::nn::make_student("mobilenetv2", 5, 0.5);
        QVERIFY(errorOf([&] { init_student_from_imagenet(*narrow, kMobileNet); }).contains("width 1.0"));
        auto conv4 = tint::nn::make_student("conv4", 5);
        QVERIFY(errorOf([&] { init_student_from_imagenet(*conv4, kMobileNet); }).contains("only for the MobileNetV2"));
        auto s = tint::nn::make_student("mobilenetv2", 5);
        QVERIFY(errorOf([&] { init_student_from_imagenet(*s, kFlowers); }).contains("does not exist"));
    }

    // KD training from the ImageNet start keeps the BatchNorm statistics fixed, starts from the
    // shipped weights, and a checkpoint of a randomly initialised run is not resumed by it.
    void trainerStartsFromImageNet() {
        const auto tmp = fs::temp_directory_path() / ("tst_student_init-" + std::to_string(QCoreApplication::applicationPid()));
        fs::remove_all(tmp);
        fs::create_directories(tmp);
        KdData data;
        data.class_names = {"daisy", "dandelion"};
        data.files       = {flowerFiles("daisy")[0], flowerFiles("daisy")[1], flowerFiles("dandelion")[0], flowerFiles("dandelion")[1]};
        data.teacher_probs = torch::tensor({0.9, 0.1, 0.8, 0.2, 0.2, 0.8, 0.1, 0.9}, torch::kFloat32).view({4, 2});
        KdOptions o;
        o.student          = "mobilenetv2";
        o.student_init     = "imagenet";
        o.student_init_dir = kMobileNet;
        o.freeze_batchnorm = true;
        o.epochs           = 1;
        o.batch_size       = 4;
        o.lr               = 1e-9;
        o.input_size       = 64;
        o.checkpoint_path  = (tmp / "ck.safetensors").string();
        auto r = train_kd(data, o);
        auto p = r.student->named_parameters(true);
        auto b = r.student->named_buffers(true);
        auto file   = tint::io::SafetensorsFile::open(kMobileNet + "/mobilenet_v2_1.0_224.safetensors");
        auto head_w = file.read("head.weight");
        QVERIFY((p["features.18.0.weight"].detach() - head_w).abs().max().item<double>() < 1e-6);
        QVERIFY((b["features.18.1.running_var"] - (1.0 - 1e-5)).abs().max().item<double>() < 1e-7);
        QCOMPARE(b["features.18.1.running_mean"].abs().max().item<double>(), 0.0);

        KdOptions random = o;
        random.student_init.clear();
        random.freeze_batchnorm = false;
        QVERIFY(errorOf([&] { train_kd(data, random); }).contains("student_init"));
        o.student_init = "imagenet-21k";
        fs::remove(o.checkpoint_path);
        QVERIFY(errorOf([&] { train_kd(data, o); }).contains("unknown student initialisation"));
        fs::remove_all(tmp);
    }

    // Stage matching: the short student's stage outputs are pulled toward the full network's. The
    // loss falls, and on photos it did not train on the outputs of the middle stages move toward
    // the full network's; the run's fingerprint names it, and other students are refused.
    void stageMatchingRepairsTheShortStudent() {
        const auto tmp = fs::temp_directory_path() / ("tst_student_init-sm-" + std::to_string(QCoreApplication::applicationPid()));
        fs::remove_all(tmp);
        fs::create_directories(tmp);
        KdData data;
        data.class_names = {"daisy", "dandelion", "roses", "sunflowers", "tulips"};
        for (std::size_t c = 0; c < 5; ++c) {
            const auto files = flowerFiles(data.class_names[c]);
            for (std::size_t i = 1; i < 6; ++i) data.files.push_back(files[i]);  // photo 0 of each class is held out
        }
        data.teacher_probs = torch::full({25, 5}, 0.2, torch::kFloat32);
        KdOptions o;
        o.student            = "mobilenetv2-short";
        o.student_init       = "imagenet";
        o.student_init_dir   = kMobileNet;
        o.freeze_batchnorm   = true;
        o.epochs             = 1;
        o.batch_size         = 8;
        o.lr                 = 1e-3;
        o.input_size         = 96;
        o.stage_match_epochs = 10;
        o.augment.turn_off();
        o.checkpoint_path = (tmp / "ck.safetensors").string();
        struct Losses : KdEvents {
            std::vector<double> values;
            std::int64_t total = 0;
            void on_stage_match(std::int64_t, std::int64_t t, double loss) override {
                values.push_back(loss);
                total = t;
            }
        } ev;
        auto r = train_kd(data, o, nullptr, &ev);
        const std::size_t steps = std::size_t(o.stage_match_epochs) * 4;  // 4 batches of 8 per pass
        QCOMPARE(ev.total, std::int64_t(steps));
        QCOMPARE(ev.values.size(), steps);
        const double first = (ev.values[0] + ev.values[1] + ev.values[2] + ev.values[3]) / 4;
        const double last  = (ev.values[steps - 4] + ev.values[steps - 3] + ev.values[steps - 2] + ev.values[steps - 1]) / 4;
        QVERIFY2(last < 0.8 * first, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));

        // Held-out photos: relative squared error of stages 1-5 against the full network.
        std::vector<cv::Mat> held;
        for (const auto& c : data.class_names) held.push_back(to_mat(tint::load_image_rgb(flowerFiles(c)[0])));
        const torch::Tensor px = evaluation_pixels(held, 96, o.normalization);
        auto before = tint::nn::make_student("mobilenetv2-short", 5);
        auto full   = tint::nn::make_student("mobilenetv2", 5);
        init_student_from_imagenet(*before, kMobileNet, o.normalization);
        init_student_from_imagenet(*full, kMobileNet, o.normalization);
        before->eval();
        full->eval();
        r.student->eval();
        torch::NoGradGuard ng;
        auto outputs = [&](tint::nn::StudentImpl& s) { return dynamic_cast<tint::nn::MobileNetV2Impl&>(s).stage_outputs(px); };
        const auto want = outputs(*full), b = outputs(*before), a = outputs(*r.student);
        QCOMPARE(want.size(), std::size_t(8));
        QCOMPARE(a.size(), std::size_t(8));
        double eb = 0, ea = 0;
        for (std::size_t k = 0; k < 8; ++k) QCOMPARE(a[k].sizes(), want[k].sizes());
        for (std::size_t k = 1; k <= 5; ++k) {
            eb += ((b[k] - want[k]).pow(2).mean() / want[k].pow(2).mean()).item<double>();
            ea += ((a[k] - want[k]).pow(2).mean() / want[k].pow(2).mean()).item<double>();
        }
        qInfo("stage-matching loss %.3f -> %.3f; held-out relative error of stages 1-5 %.3f -> %.3f", first, last, eb, ea);
        QVERIFY2(ea < 0.85 * eb, qPrintable(QStringLiteral("%1 -> %2").arg(eb).arg(ea)));
        QCOMPARE(b[0].sizes(), want[0].sizes());
        QVERIFY(((b[0] - want[0]).abs().max()).item<double>() < 1e-5);  // the stem is the same network

        auto meta = nlohmann::json::parse(tint::io::SafetensorsFile::open(o.checkpoint_path).metadata().at("tint.kd"));
        QCOMPARE(meta.at("run").at("stage_match_epochs").get<int>(), o.stage_match_epochs);
        KdOptions conv4 = o;
        conv4.student   = "conv4";
        conv4.student_init.clear();
        torch::GradMode::set_enabled(true);
        QVERIFY(errorOf([&] { train_kd(data, conv4); }).contains("stage matching needs the short MobileNetV2"));
        KdOptions negative = o;
        negative.stage_match_epochs = -1;
        QVERIFY(errorOf([&] { train_kd(data, negative); }).contains("must not be negative"));
        fs::remove_all(tmp);
    }

    // The teacher's ImageNet-logits mode: 1001-d features equal to the classifier applied to the
    // pooled features, another identity (cached soft labels are not mixed up), and the daisy photos
    // land on ImageNet's "daisy" (output 986).
    void teacherImagenetLogits() {
        TeacherOptions lo;
        lo.imagenet_logits = true;
        auto t = load_teacher(kMobileNet, lo);
        QCOMPARE(t->feature_dim(), std::int64_t(1001));
        QVERIFY(t->identity() != teacher_->identity());
        const auto logits = t->features(teacherPixels_);
        QCOMPARE(logits.size(1), std::int64_t(1001));
        auto file = tint::io::SafetensorsFile::open(kMobileNet + "/mobilenet_v2_1.0_224.safetensors");
        const auto expected = torch::addmm(file.read("classifier.bias"), teacherFeatures_, file.read("classifier.weight").t());
        QVERIFY((logits - expected).abs().max().item<double>() < 1e-3);

        std::vector<tint::ImageU8> daisies;
        for (const auto& f : flowerFiles("daisy")) daisies.push_back(tint::load_image_rgb(f));
        const auto top = t->features(daisies).argmax(1);
        const auto hits = top.eq(986).sum().item<std::int64_t>();
        qInfo("daisy photos classified as ImageNet daisy: %lld of %zu", static_cast<long long>(hits), daisies.size());
        QVERIFY(hits >= 8);

        QVERIFY(errorOf([&] { load_teacher(kDinov2, lo); }).contains("only for the built-in ImageNet MobileNetV2"));
    }
};

QTEST_APPLESS_MAIN(TestStudentInit)
#include "tst_student_init.moc"
