// ONNX export of the students: onnx::checker, OpenCV dnn against LibTorch on real photos (batch
// of 1 and of 3), metadata read back with the protobuf classes, and the refusals (bad folders,
// unsupported modules, a graph that differs from the module) that must leave nothing behind.
#include <torch/torch.h>

#include <QtTest>

#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "export/onnx_export.h"
#include "support/DemoPhotos.h"
#include "io/safetensors.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "tint/Runtime.h"
#include "weights/state_dict.h"

namespace fs = std::filesystem;
using tint::exporter::OnnxExportOptions;

namespace {
const std::string kStudents = TINT_TEST_DATA "/students/";
constexpr int kSize         = 84;
constexpr double kTolerance = 1e-4;
const std::vector<std::string> kClasses{"daisy", "dandelion", "roses", "sunflowers", "tulips"};

// The fixture's resnet18 weight formula (tests/data fixtures README §6.8, as in tst_students).
double fill_u(std::uint64_t k, std::uint64_t i) {
    std::uint64_t h = (i * 2654435761ULL + k * 40503ULL + 12345ULL) % 4294967296ULL;
    h ^= h >> 16;
    h = (h * 0x7feb352dULL) % 4294967296ULL;
    h ^= h >> 15;
    h = (h * 0x846ca68bULL) % 4294967296ULL;
    h ^= h >> 16;
    return static_cast<double>(h) / 4294967296.0 * 2.0 - 1.0;
}

std::shared_ptr<tint::nn::StudentImpl> resnet18Fixture() {
    nlohmann::json manifest;
    std::ifstream(kStudents + "resnet18_manifest.json") >> manifest;
    auto bn    = tint::io::SafetensorsFile::open(kStudents + "resnet18_bn_stats.safetensors");
    auto model = std::make_shared<tint::nn::ResNet18Impl>(5);
    std::map<std::string, torch::Tensor> params;
    for (auto& p : model->named_parameters()) params[p.key()] = p.value();
    for (auto& b : model->named_buffers()) params[b.key()] = b.value();
    torch::NoGradGuard ng;
    for (const auto& t : manifest["tensors"]) {
        const std::string name = t["name"];
        auto& dst              = params.at(name);
        if (bn.contains(name)) {
            dst.copy_(bn.read(name).reshape(dst.sizes()));
            continue;
        }
        std::vector<std::int64_t> shape = t["shape"];
        const std::uint64_t k           = t["index"];
        const std::int64_t n            = dst.numel();
        std::vector<float> v(static_cast<std::size_t>(n));
        const bool weight = name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
        for (std::int64_t i = 0; i < n; ++i) {
            double u          = fill_u(k, static_cast<std::uint64_t>(i));
            double x          = shape.size() >= 2 ? u * std::sqrt(6.0 / (double(n) / double(shape[0])))
                                : weight          ? 1 + 0.1 * u
                                                  : 0.1 * u;
            v[std::size_t(i)] = static_cast<float>(x);
        }
        dst.copy_(torch::from_blob(v.data(), dst.sizes(), torch::kFloat32));
    }
    return model;
}

std::shared_ptr<tint::nn::StudentImpl> mobilenetFixture() {
    auto model = std::make_shared<tint::nn::MobileNetV2Impl>(5, 0.35);
    tint::weights::TensorSource src;
    src.add(tint::io::SafetensorsFile::open(kStudents + "mobilenet_v2.safetensors"));
    auto report = tint::weights::load_module(*model, src);
    if (report.loaded != 314) throw tint::Error("mobilenet fixture did not load");
    return model;
}

/// Running statistics from one training-mode pass over `images` (so that activations keep a sane
/// scale through a randomly initialised network), then scrambled a little and given random affine
/// parameters, so that folding has real mean, variance, gamma and beta to fold.
void calibrateBatchNorm(tint::nn::StudentImpl& model, const torch::Tensor& images) {
    torch::NoGradGuard ng;
    std::vector<torch::nn::BatchNorm2dImpl*> bns;
    for (auto& m : model.modules())
        if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) bns.push_back(bn);
    for (auto* bn : bns) bn->options.momentum(1.0);
    model.train();
    model.forward(images);
    for (auto* bn : bns) {
        bn->options.momentum(0.1);
        bn->running_var.mul_(torch::empty_like(bn->running_var).uniform_(0.7, 1.4));
        bn->running_mean.add_(torch::empty_like(bn->running_mean).uniform_(-0.1, 0.1));
        bn->weight.uniform_(0.6, 1.4);
        bn->bias.uniform_(-0.3, 0.3);
    }
    model.eval();
}

/// The first photo of each flower class, sorted by name.
std::vector<std::string> flowerPhotos() {
    std::vector<std::string> out;
    for (const auto& cls : kClasses) {
        const auto files = testdata::demo_flower_files(cls);
        if (!files.empty()) out.push_back(files.front());
    }
    return out;
}

/// Decoded with OpenCV, RGB, resized to 84x84, ImageNet-normalised: [N, 3, 84, 84].
torch::Tensor loadPhotos(const std::vector<std::string>& paths) {
    std::vector<torch::Tensor> images;
    for (const auto& p : paths) {
        cv::Mat bgr = cv::imread(p, cv::IMREAD_COLOR);
        if (bgr.empty()) throw tint::Error("cannot decode " + p);
        cv::Mat rgb, small, f;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        cv::resize(rgb, small, cv::Size(kSize, kSize), 0, 0, cv::INTER_AREA);
        small.convertTo(f, CV_32FC3, 1.0 / 255.0);
        auto hwc  = torch::from_blob(f.ptr<float>(), {kSize, kSize, 3}, torch::kFloat32).clone();
        auto mean = torch::tensor({0.485f, 0.456f, 0.406f}), sd = torch::tensor({0.229f, 0.224f, 0.225f});
        images.push_back(((hwc - mean) / sd).permute({2, 0, 1}));
    }
    return torch::stack(images).contiguous();
}

std::shared_ptr<tint::nn::StudentImpl> buildStudent(const QString& name, const torch::Tensor& photos) {
    torch::manual_seed(1234);
    if (name == QLatin1String("resnet18")) return resnet18Fixture();
    if (name == QLatin1String("mobilenetv2")) return mobilenetFixture();
    auto model = tint::nn::make_student(name.toStdString(), 5);
    calibrateBatchNorm(*model, photos);
    return model;
}

torch::Tensor runOpenCV(cv::dnn::Net& net, const torch::Tensor& batch) {
    auto b            = batch.contiguous();
    const int dims[4] = {int(b.size(0)), int(b.size(1)), int(b.size(2)), int(b.size(3))};
    net.setInput(cv::Mat(4, dims, CV_32F, b.data_ptr<float>()));
    cv::Mat out = net.forward();
    return torch::from_blob(out.ptr<float>(), {b.size(0), std::int64_t(out.total()) / b.size(0)}, torch::kFloat32)
        .clone();
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

onnx::ModelProto readModel(const std::string& path) {
    onnx::ModelProto m;
    std::ifstream in(path, std::ios::binary);
    if (!m.ParseFromIstream(&in)) throw tint::Error("cannot parse " + path);
    return m;
}

std::map<std::string, std::string> metadata(const onnx::ModelProto& m) {
    std::map<std::string, std::string> out;
    for (const auto& p : m.metadata_props()) out[p.key()] = p.value();
    return out;
}

std::vector<std::string> entries(const QString& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir.toStdString())) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

OnnxExportOptions baseOptions(const std::vector<std::string>& photos) {
    OnnxExportOptions o;
    o.class_names        = kClasses;
    o.input_width        = kSize;
    o.input_height       = kSize;
    o.training_summary   = "5-way few-shot, 20 epochs, \"val\" accuracy 0.91 — flowers ✿";
    o.sample_image_paths = photos;
    o.tolerance          = kTolerance;
    return o;
}

/// A student the exporter has no mapping for.
struct OddStudentImpl : tint::nn::StudentImpl {
    OddStudentImpl() { fc = register_module("fc", torch::nn::Linear(3, 2)); }
    torch::Tensor features(const torch::Tensor& x) override { return x.mean({2, 3}); }
    torch::Tensor classify(const torch::Tensor& f) override { return fc->forward(f); }
    std::int64_t feature_dim() const override { return 3; }
    torch::nn::Linear fc{nullptr};
};
}  // namespace

class TestOnnxExport : public QObject {
    Q_OBJECT
private:
    std::vector<std::string> photoPaths_;
    torch::Tensor photos_;

private Q_SLOTS:
    void initTestCase() {
        tint::set_compute_threads(2);
        cv::setNumThreads(2);
        photoPaths_ = flowerPhotos();
        QCOMPARE(photoPaths_.size(), std::size_t(5));
        photos_ = loadPhotos(photoPaths_);
    }

    void exportMatchesLibTorch_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<bool>("fold");
        QTest::newRow("resnet18") << QStringLiteral("resnet18") << true;
        QTest::newRow("resnet18 unfolded BN") << QStringLiteral("resnet18") << false;
        QTest::newRow("mobilenetv2 x0.35") << QStringLiteral("mobilenetv2") << true;
        QTest::newRow("mobilenetv2 x0.35 unfolded BN") << QStringLiteral("mobilenetv2") << false;
        QTest::newRow("conv4") << QStringLiteral("conv4") << true;
        QTest::newRow("resnet12") << QStringLiteral("resnet12") << true;
        QTest::newRow("mobilenetv2-short") << QStringLiteral("mobilenetv2-short") << true;
    }
    void exportMatchesLibTorch() {
        QFETCH(QString, arch);
        QFETCH(bool, fold);
        auto model = buildStudent(arch, photos_);
        model->eval();
        torch::NoGradGuard ng;

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("student.onnx")).toStdString();
        auto o                 = baseOptions(photoPaths_);
        o.fold_batch_norm      = fold;
        o.architecture         = arch.toStdString() + " (test)";
        auto r                 = tint::exporter::export_onnx(*model, path, o);

        QCOMPARE(r.path, path);
        QVERIFY(r.checker_ok);
        QCOMPARE(r.opset, 13);
        QCOMPARE(r.images_checked, 5);
        QVERIFY2(r.max_abs_diff <= kTolerance, qPrintable(QString::number(r.max_abs_diff)));
        QCOMPARE(r.file_size, std::int64_t(fs::file_size(path)));
        QCOMPARE(entries(dir.path()), std::vector<std::string>{"student.onnx"});  // no temporary left
        QVERIFY(!model->is_training());

        // The file on its own: checker, versions, interface, operator set, metadata.
        auto m = readModel(path);
        onnx::checker::check_model(m);  // throws on failure
        QCOMPARE(m.ir_version(), std::int64_t(8));
        QCOMPARE(m.opset_import_size(), 1);
        QCOMPARE(m.opset_import(0).version(), std::int64_t(13));
        QCOMPARE(m.producer_name(), std::string("tintbench"));
        QVERIFY(!m.producer_version().empty());
        const auto& g = m.graph();
        QCOMPARE(g.input_size(), 1);
        QCOMPARE(g.input(0).name(), std::string("input"));
        const auto& inShape = g.input(0).type().tensor_type().shape();
        QCOMPARE(inShape.dim_size(), 4);
        QVERIFY(inShape.dim(0).has_dim_param());  // dynamic batch
        QCOMPARE(inShape.dim(1).dim_value(), std::int64_t(3));
        QCOMPARE(inShape.dim(2).dim_value(), std::int64_t(kSize));
        QCOMPARE(inShape.dim(3).dim_value(), std::int64_t(kSize));
        QCOMPARE(g.output_size(), 1);
        QCOMPARE(g.output(0).name(), std::string("logits"));
        const auto& outShape = g.output(0).type().tensor_type().shape();
        QVERIFY(outShape.dim(0).has_dim_param());
        QCOMPARE(outShape.dim(1).dim_value(), std::int64_t(5));
        const std::set<std::string> allowed{
            "Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "GlobalAveragePool", "Flatten",
            "Gemm", "LeakyRelu",          "HardSigmoid"};
        std::set<std::string> used;
        for (const auto& n : g.node()) used.insert(n.op_type());
        for (const auto& op : used) QVERIFY2(allowed.count(op), op.c_str());
        QCOMPARE(used.count("BatchNormalization") == 1, !fold);
        QCOMPARE(used.count("HardSigmoid") == 1, arch.startsWith(QLatin1String("mobilenetv2")));  // ReLU6 only
        QCOMPARE(used.count("LeakyRelu") == 1, arch == QLatin1String("resnet12"));
        QVERIFY(!used.count("Clip"));
        // ceil_mode pooling (ResNet-12 at 84 px: 21 -> 11 -> 6) is written as extra end padding.
        int endPadded = 0;
        for (const auto& n : g.node()) {
            if (n.op_type() != "MaxPool") continue;
            for (const auto& a : n.attribute()) {
                QVERIFY(a.name() != "ceil_mode");
                if (a.name() == "pads" && a.ints_size() == 4 && a.ints(2) > a.ints(0)) ++endPadded;
            }
        }
        QCOMPARE(endPadded, arch == QLatin1String("resnet12") ? 2 : 0);

        auto meta = metadata(m);
        QCOMPARE(nlohmann::json::parse(meta.at("class_names")).get<std::vector<std::string>>(), kClasses);
        auto size = nlohmann::json::parse(meta.at("input_size"));
        QCOMPARE(size.at("width").get<int>(), kSize);
        QCOMPARE(size.at("height").get<int>(), kSize);
        QCOMPARE(nlohmann::json::parse(meta.at("mean")).get<std::vector<double>>(),
                 (std::vector<double>{0.485, 0.456, 0.406}));
        QCOMPARE(nlohmann::json::parse(meta.at("std")).get<std::vector<double>>(),
                 (std::vector<double>{0.229, 0.224, 0.225}));
        QCOMPARE(meta.at("channel_order"), std::string("RGB"));
        QCOMPARE(meta.at("architecture"), o.architecture);
        QCOMPARE(meta.at("training_summary"), o.training_summary);
        QCOMPARE(meta.at("num_classes"), std::string("5"));

        // OpenCV dnn on the written file, independently of the export's own check: 3 then 1 photo.
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
        auto batch3      = photos_.narrow(0, 0, 3).contiguous();
        auto want3       = model->forward(batch3);
        auto got3        = runOpenCV(net, batch3);
        auto batch1      = photos_.narrow(0, 3, 1).contiguous();
        auto want1       = model->forward(batch1);
        auto got1        = runOpenCV(net, batch1);
        const double d3 = maxAbsDiff(got3, want3), d1 = maxAbsDiff(got1, want1);
        QVERIFY2(d3 <= kTolerance, qPrintable(QStringLiteral("batch of 3: max abs diff %1").arg(d3)));
        QVERIFY2(d1 <= kTolerance, qPrintable(QStringLiteral("batch of 1: max abs diff %1").arg(d1)));
        // The comparison means something only if the logits do: they vary across photos and classes.
        const double spread = want3.std().item<double>();
        QVERIFY2(spread > 0.02, qPrintable(QStringLiteral("logit spread %1").arg(spread)));
        qInfo(
            "%s%s: %d nodes, %lld bytes, self-check max abs diff %.3g; test batch of 3: %.3g, batch of 1: %.3g "
            "(logit std %.3g)",
            qPrintable(arch), fold ? "" : " (BN unfolded)", g.node_size(), static_cast<long long>(r.file_size),
            r.max_abs_diff, d3, d1, spread);
    }

    // ReLU6 must really clip in the exported graph: with the stem's weights scaled up, many of its
    // activations exceed 6 (and many are negative), and OpenCV still matches LibTorch.
    void relu6ClipsInOpenCV() {
        auto model = std::dynamic_pointer_cast<tint::nn::MobileNetV2Impl>(mobilenetFixture());
        model->eval();
        torch::NoGradGuard ng;
        auto stem = model->features_->ptr(0)->as<tint::nn::ConvBNActImpl>();
        QVERIFY(stem);
        stem->ptr(0)->as<torch::nn::Conv2dImpl>()->weight.mul_(8);
        auto act = stem->forward(photos_);
        QVERIFY2((act == 6).to(torch::kFloat).mean().item<double>() > 0.05, "the stem saturates at 6");
        QVERIFY((act == 0).to(torch::kFloat).mean().item<double>() > 0.05);

        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.onnx")).toStdString();
        auto r                 = tint::exporter::export_onnx(*model, path, baseOptions(photoPaths_));
        QVERIFY(r.max_abs_diff <= kTolerance);
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
        const double d   = maxAbsDiff(runOpenCV(net, photos_), model->forward(photos_));
        QVERIFY2(d <= kTolerance, qPrintable(QString::number(d)));
        qInfo("saturated MobileNetV2: max abs diff %.3g", d);
    }

    // The other ReLU6 form, Relu(x) - Relu(x - 6), exports and matches too (4 unfused nodes
    // per activation instead of 1 fused one), also where the stem saturates.
    void reluMinusReluForm() {
        auto model = std::dynamic_pointer_cast<tint::nn::MobileNetV2Impl>(mobilenetFixture());
        model->eval();
        torch::NoGradGuard ng;
        model->features_->ptr(0)->as<tint::nn::ConvBNActImpl>()->ptr(0)->as<torch::nn::Conv2dImpl>()->weight.mul_(8);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.onnx")).toStdString();
        auto o                 = baseOptions(photoPaths_);
        o.relu6_form           = tint::exporter::Relu6Form::ReluMinusRelu;
        auto r                 = tint::exporter::export_onnx(*model, path, o);
        QVERIFY(r.max_abs_diff <= kTolerance);
        const auto m = readModel(path);
        int subs = 0, hard = 0;
        for (const auto& n : m.graph().node()) subs += n.op_type() == "Sub", hard += n.op_type() == "HardSigmoid";
        QVERIFY(subs > 0);
        QCOMPARE(hard, 0);
    }

    // Why ReLU6 is not Min(Relu(x), 6): OpenCV 4.6 cannot load Min with a constant. The export
    // must refuse such a graph itself (an importer failure, not a crash) and leave nothing behind.
    void minFormIsRefusedByOpenCV46() {
        auto model = mobilenetFixture();
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.onnx")).toStdString();
        auto o                 = baseOptions(photoPaths_);
        o.relu6_form           = tint::exporter::Relu6Form::MinOfRelu;
#if CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR == 6
        try {
            tint::exporter::export_onnx(*model, path, o);
            QFAIL("OpenCV 4.6 loaded Min with a constant operand: the ReLU6 workaround may be revisited");
        } catch (const tint::Error& e) {
            QVERIFY2(std::string(e.what()).find("OpenCV dnn cannot load") != std::string::npos, e.what());
        }
        QVERIFY(entries(dir.path()).empty());
#else
        QSKIP("the Min form is only known to fail on OpenCV 4.6");
#endif
    }

    void syntheticSamplesWhenNoneGiven() {
        auto model = buildStudent(QStringLiteral("conv4"), photos_);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("c.onnx")).toStdString();
        auto o                 = baseOptions({});
        auto r                 = tint::exporter::export_onnx(*model, path, o);
        QCOMPARE(r.images_checked, 4);
        QVERIFY(r.max_abs_diff <= kTolerance);
        QVERIFY(fs::exists(path));
        // A caller-provided tensor batch is used as given.
        o.sample_images = photos_.narrow(0, 0, 2);
        r               = tint::exporter::export_onnx(*model, path, o);
        QCOMPARE(r.images_checked, 2);
        // And a batch of the wrong size is refused.
        o.sample_images = torch::zeros({1, 3, 32, 32});
        QVERIFY_THROWS_EXCEPTION(tint::Error, tint::exporter::export_onnx(*model, path, o));
    }

    void trainingModeIsRestored() {
        auto model = buildStudent(QStringLiteral("conv4"), photos_);
        model->train();
        QTemporaryDir dir;
        tint::exporter::export_onnx(*model, dir.filePath(QStringLiteral("c.onnx")).toStdString(),
                                    baseOptions(photoPaths_));
        QVERIFY(model->is_training());
    }

    // Cancel between the export's stages: an exception, the destination as it was, no temporary
    // file left beside it; each stage is reported first.
    void cancelLeavesTheDestination() {
        auto model = buildStudent(QStringLiteral("conv4"), photos_);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("model.onnx")).toStdString();
        { std::ofstream(path) << "the earlier export"; }
        struct StopAt : tint::JobContext {
            tint::CancelSource src;
            tint::CancelToken tok = src.token();
            long long at;
            std::vector<std::string> stages;
            explicit StopAt(long long step) : at(step) {}
            void report(const tint::Progress& p) override {
                stages.push_back(p.message);
                if (p.step == at) src.request(tint::CancelMode::Now);
            }
            const tint::CancelToken& cancel() const override { return tok; }
        };
        for (long long at : {0LL, 1LL, 2LL, 3LL, 4LL}) {  // every stage, the last one just before the move
            StopAt ctx(at);
            auto o    = baseOptions(photoPaths_);
            o.context = &ctx;
            QVERIFY_THROWS_EXCEPTION(tint::Cancelled, tint::exporter::export_onnx(*model, path, o));
            QCOMPARE(int(ctx.stages.size()), int(at) + 1);
            QCOMPARE(entries(dir.path()), std::vector<std::string>{"model.onnx"});
            std::ifstream in(path);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            QCOMPARE(text, std::string("the earlier export"));
        }
        StopAt never(-1);
        auto o    = baseOptions(photoPaths_);
        o.context = &never;
        auto r    = tint::exporter::export_onnx(*model, path, o);
        QVERIFY(r.max_abs_diff <= kTolerance);
        QCOMPARE(int(never.stages.size()), 6);  // five stages and the end
        QCOMPARE(entries(dir.path()), std::vector<std::string>{"model.onnx"});
    }

    // --- refusals: an error naming the path, and nothing at the destination ---

    void badDestinations() {
        auto model = buildStudent(QStringLiteral("conv4"), photos_);
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("file.txt"));
        { std::ofstream(file.toStdString()) << "not a folder"; }
        std::vector<std::string> bad{dir.filePath(QStringLiteral("missing/model.onnx")).toStdString(),
                                     (file + QStringLiteral("/model.onnx")).toStdString(), "/proc/tint-model.onnx",
                                     dir.path().toStdString()};
        QTemporaryDir readOnly;
        if (::geteuid() != 0) {  // root writes through chmod; the cases above cover it
            QVERIFY(QFile::setPermissions(readOnly.path(), QFile::ReadOwner | QFile::ExeOwner));
            bad.push_back(readOnly.filePath(QStringLiteral("model.onnx")).toStdString());
        }
        for (const auto& path : bad) {
            try {
                tint::exporter::export_onnx(*model, path, baseOptions(photoPaths_));
                QFAIL(qPrintable(QStringLiteral("no error for ") + QString::fromStdString(path)));
            } catch (const tint::Error& e) {
                QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
            }
        }
        QCOMPARE(entries(dir.path()), std::vector<std::string>{"file.txt"});
        QVERIFY(!fs::exists("/proc/tint-model.onnx"));
        QVERIFY(entries(readOnly.path()).empty());
        QFile::setPermissions(readOnly.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    void unsupportedModulesAreRefused() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("x.onnx")).toStdString();
        OddStudentImpl odd;
        auto o        = baseOptions(photoPaths_);
        o.class_names = {"a", "b"};
        try {
            tint::exporter::export_onnx(odd, path, o);
            QFAIL("an unknown student type was exported");
        } catch (const tint::Error& e) {
            QVERIFY2(std::string(e.what()).find("no ONNX mapping") != std::string::npos, e.what());
        }
        // A known student with a layer the exporter cannot write (GELU appended to the encoder).
        auto conv4 = std::make_shared<tint::nn::Conv4Impl>(5);
        conv4->encoder->push_back(torch::nn::GELU());
        try {
            tint::exporter::export_onnx(*conv4, path, baseOptions(photoPaths_));
            QFAIL("a GELU was exported");
        } catch (const tint::Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("GELU") != std::string::npos && what.find("encoder.16") != std::string::npos, e.what());
        }
        // Class names must match the outputs.
        auto o2        = baseOptions(photoPaths_);
        o2.class_names = {"only", "three", "names"};
        QVERIFY_THROWS_EXCEPTION(
            tint::Error, tint::exporter::export_onnx(*buildStudent(QStringLiteral("conv4"), photos_), path, o2));
        QVERIFY(entries(dir.path()).empty());
    }

    // A graph that differs from the module by 1e-3 in one bias: the self-check must catch it, say
    // where, and publish nothing; an older file at the destination stays as it was.
    void perturbedGraphIsRefused_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<bool>("oldFile");
        QTest::newRow("conv4, new file") << QStringLiteral("conv4") << false;
        QTest::newRow("mobilenetv2, replacing a file") << QStringLiteral("mobilenetv2") << true;
    }
    void perturbedGraphIsRefused() {
        QFETCH(QString, arch);
        QFETCH(bool, oldFile);
        auto model = buildStudent(arch, photos_);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.onnx")).toStdString();
        if (oldFile) std::ofstream(path) << "previous export";
        auto o                         = baseOptions(photoPaths_);
        o.test_perturb_classifier_bias = 1e-3f;
        try {
            tint::exporter::export_onnx(*model, path, o);
            QFAIL("a perturbed graph passed the self-check");
        } catch (const tint::Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("self-check failed") != std::string::npos, e.what());
            QVERIFY2(what.find("logit 0") != std::string::npos, e.what());  // the perturbed output
            QVERIFY2(what.find(path) != std::string::npos, e.what());
            qInfo("%s", e.what());
        }
        if (oldFile) {
            std::ifstream in(path);
            std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            QCOMPARE(content, std::string("previous export"));
            QCOMPARE(entries(dir.path()), std::vector<std::string>{"m.onnx"});
        } else {
            QVERIFY(entries(dir.path()).empty());
        }
        // The same export without the perturbation goes through.
        o.test_perturb_classifier_bias = 0;
        QVERIFY(tint::exporter::export_onnx(*model, path, o).max_abs_diff <= kTolerance);
    }

    void loadNormalisedImage() {
        auto t =
            tint::exporter::load_normalised_image(photoPaths_[0], 40, 30, {0.485, 0.456, 0.406}, {0.229, 0.224, 0.225});
        QCOMPARE(t.sizes(), (torch::IntArrayRef{3, 30, 40}));
        QVERIFY(t.min().item<double>() >= -0.485 / 0.229 - 1e-4);
        QVERIFY(t.max().item<double>() <= (1 - 0.406) / 0.225 + 1e-4);
        QVERIFY_THROWS_EXCEPTION(tint::Error,
                                 tint::exporter::load_normalised_image("/no/such.jpg", 8, 8, {}, {1, 1, 1}));
    }
};

QTEST_APPLESS_MAIN(TestOnnxExport)
#include "tst_onnx_export.moc"
