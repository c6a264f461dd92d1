// Students: torchvision parity of ResNet-18 and MobileNetV2 (key names, shapes and eval-mode outputs
// from tests/data/students), and the few-shot networks at any input size.
#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <fstream>

#include "io/safetensors.h"
#include "nn/imagenet_mobilenet.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "tint/Runtime.h"
#include "weights/state_dict.h"

namespace {
const std::string kData = TINT_TEST_DATA "/students/";

// The fixture's resnet18 weight formula (fixtures README §6.8).
double fill_u(std::uint64_t k, std::uint64_t i) {
    std::uint64_t h = (i * 2654435761ULL + k * 40503ULL + 12345ULL) % 4294967296ULL;
    h ^= h >> 16;
    h = (h * 0x7feb352dULL) % 4294967296ULL;
    h ^= h >> 15;
    h = (h * 0x846ca68bULL) % 4294967296ULL;
    h ^= h >> 16;
    return static_cast<double>(h) / 4294967296.0 * 2.0 - 1.0;
}

void expectClose(const torch::Tensor& a, const torch::Tensor& b, double atol, const char* what) {
    QVERIFY2(a.sizes() == b.sizes(), what);
    double d = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
    QVERIFY2(d <= atol, qPrintable(QStringLiteral("%1: max abs diff %2").arg(QLatin1String(what)).arg(d)));
}
}  // namespace

class TestStudents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { tint::set_compute_threads(2); }

    void fillRuleMatchesTheDocumentedChecks() {
        QVERIFY(std::abs(fill_u(0, 0) - 0.134246464) < 1e-9);
        QVERIFY(std::abs(fill_u(0, 2) - 0.347183414) < 1e-9);
        QVERIFY(std::abs(fill_u(6, 1) - -0.487862278) < 1e-9);
    }

    void resnet18MatchesTorchvision() {
        nlohmann::json manifest;
        std::ifstream(kData + "resnet18_manifest.json") >> manifest;
        auto bn = tint::io::SafetensorsFile::open(kData + "resnet18_bn_stats.safetensors");
        tint::nn::ResNet18Impl model(5);
        std::map<std::string, torch::Tensor> params;
        for (auto& p : model.named_parameters()) params[p.key()] = p.value();
        for (auto& b : model.named_buffers()) params[b.key()] = b.value();
        QCOMPARE(params.size(), manifest["tensors"].size());  // the same key set as torchvision
        torch::NoGradGuard ng;
        for (const auto& t : manifest["tensors"]) {
            const std::string name = t["name"];
            QVERIFY2(params.count(name), name.c_str());
            auto& dst = params[name];
            std::vector<std::int64_t> shape = t["shape"];
            QVERIFY2(dst.sizes() == torch::IntArrayRef(shape), name.c_str());
            if (bn.contains(name)) {
                dst.copy_(bn.read(name).reshape(dst.sizes()));
                continue;
            }
            const std::uint64_t k = t["index"];
            const std::int64_t n  = dst.numel();
            std::vector<float> v(static_cast<std::size_t>(n));
            const bool weight = name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
            for (std::int64_t i = 0; i < n; ++i) {
                double u = fill_u(k, static_cast<std::uint64_t>(i));
                double x = shape.size() >= 2 ? u * std::sqrt(6.0 / (double(n) / double(shape[0]))) : weight ? 1 + 0.1 * u : 0.1 * u;
                v[std::size_t(i)] = static_cast<float>(x);
            }
            dst.copy_(torch::from_blob(v.data(), dst.sizes(), torch::kFloat32));
        }
        model.eval();
        auto cases = tint::io::SafetensorsFile::open(kData + "cases.safetensors");
        auto f     = model.features(cases.read("input"));
        expectClose(f, cases.read("resnet18.features"), 1e-5, "resnet18 features");
        expectClose(model.classify(f), cases.read("resnet18.logits"), 1e-5, "resnet18 logits");
    }

    void mobilenetV2MatchesTorchvision() {
        tint::nn::MobileNetV2Impl model(5, 0.35);
        tint::weights::TensorSource src;
        src.add(tint::io::SafetensorsFile::open(kData + "mobilenet_v2.safetensors"));
        auto report = tint::weights::load_module(model, src);
        QCOMPARE(report.loaded, 314);
        QVERIFY(report.unexpected.empty());
        model.eval();
        torch::NoGradGuard ng;
        auto cases = tint::io::SafetensorsFile::open(kData + "cases.safetensors");
        auto f     = model.features(cases.read("input"));
        expectClose(f, cases.read("mobilenet_v2.features"), 1e-5, "mobilenet_v2 features");
        expectClose(model.classify(f), cases.read("mobilenet_v2.logits"), 1e-5, "mobilenet_v2 logits");
        QCOMPARE(model.feature_dim(), std::int64_t(1280));
    }

    // The shipped ImageNet MobileNetV2 against its golden outputs on the synthetic input.
    void imagenetMobileNetV2Golden() {
        const std::string dir = TINT_SOURCE_RESOURCES "/models/imagenet-mobilenetv2/";
        tint::nn::ImageNetMobileNetV2 model;
        tint::weights::TensorSource src;
        src.add(tint::io::SafetensorsFile::open(dir + "mobilenet_v2_1.0_224.safetensors"));
        QCOMPARE(tint::weights::load_module(*model, src).loaded, 106);
        nlohmann::json golden;
        std::ifstream(dir + "golden_synthetic.json") >> golden;
        auto hh = torch::arange(224).view({224, 1, 1}), ww = torch::arange(224).view({1, 224, 1}), cc = torch::arange(3).view({1, 1, 3});
        auto u8 = (7 * hh + 3 * ww + 50 * cc).remainder(256).to(torch::kFloat32);
        auto x  = ((u8 - 128) / 128).permute({2, 0, 1}).unsqueeze(0).contiguous();
        QCOMPARE(x.sum().item<double>(), golden["input_checksum_sum_x"].get<double>());
        torch::NoGradGuard ng;
        auto stem = model->stem_forward(x);
        QCOMPARE(stem.sizes(), (torch::IntArrayRef{1, 32, 112, 112}));
        const double stemSum = golden["stem_output_sum"];
        QVERIFY(std::abs(stem.sum().item<double>() - stemSum) < 1e-4 * std::abs(stemSum));
        auto f = model->features(x);
        const double l2 = golden["feature_l2"];
        QVERIFY2(std::abs(f.norm().item<double>() - l2) < 1e-4 * l2, qPrintable(QString::number(f.norm().item<double>())));
        for (int i = 0; i < 8; ++i)
            QVERIFY(std::abs(f[0][i].item<double>() - golden["feature_first8"][i].get<double>()) < 1e-4);
        auto logits = model->logits(f)[0];
        auto top    = std::get<1>(logits.topk(5));
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(top[i].item<std::int64_t>(), golden["logits_top5"][i]["index"].get<std::int64_t>());
            QVERIFY(std::abs(logits[top[i]].item<double>() - golden["logits_top5"][i]["logit"].get<double>()) < 1e-3);
        }
    }

    void everyStudentTakesAnyInputSize_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<double>("width");
        QTest::addColumn<int>("featureDim");
        QTest::newRow("conv4") << QStringLiteral("conv4") << 1.0 << 64;
        QTest::newRow("resnet12") << QStringLiteral("resnet12") << 1.0 << 640;
        QTest::newRow("resnet12 x0.5") << QStringLiteral("resnet12") << 0.5 << 320;
        QTest::newRow("resnet18") << QStringLiteral("resnet18") << 1.0 << 512;
        QTest::newRow("mobilenetv2 x0.5") << QStringLiteral("mobilenetv2") << 0.5 << 1280;
        QTest::newRow("mobilenetv2-short") << QStringLiteral("mobilenetv2-short") << 1.0 << 1280;
    }
    void everyStudentTakesAnyInputSize() {
        QFETCH(QString, name);
        QFETCH(double, width);
        QFETCH(int, featureDim);
        auto s = tint::nn::make_student(name.toStdString(), 7, width);
        s->eval();
        torch::NoGradGuard ng;
        for (int size : {32, 84, 97}) {
            auto out = s->forward(torch::randn({2, 3, size, size}));
            QCOMPARE(out.sizes(), (torch::IntArrayRef{2, 7}));
        }
        QCOMPARE(s->feature_dim(), std::int64_t(featureDim));
    }

    void parameterCounts() {
        auto count = [](const std::shared_ptr<tint::nn::StudentImpl>& m) {
            std::int64_t n = 0;
            for (const auto& p : m->parameters()) n += p.numel();
            return n;
        };
        // Published sizes: ResNet-12 about 12.4 M, ResNet-18 11.2 M (5 classes), MobileNetV2 2.2 M.
        QVERIFY(std::abs(count(tint::nn::make_student("resnet12", 5)) - 12.4e6) < 0.2e6);
        QCOMPARE(count(tint::nn::make_student("resnet18", 5)), std::int64_t(11179077));
        QVERIFY(std::abs(count(tint::nn::make_student("mobilenetv2", 5)) - 2.23e6) < 0.02e6);
        // One block per stage: stem, 7 inverted residuals, the 1x1 head conv; keys as torchvision's
        // would be for that stage setting (features.0 .. features.8).
        auto short_net = tint::nn::make_student("mobilenetv2-short", 5);
        QVERIFY(std::abs(count(short_net) - 1.15e6) < 0.01e6);
        const auto keys = short_net->named_parameters(true);
        QVERIFY(keys.find("features.8.0.weight") != nullptr);
        QVERIFY(keys.find("features.9.0.weight") == nullptr);
        QCOMPARE(keys["features.7.conv.2.weight"].sizes(), (torch::IntArrayRef{320, 960, 1, 1}));
        QCOMPARE(keys["features.4.conv.0.0.weight"].sizes(), (torch::IntArrayRef{192, 32, 1, 1}));
        for (const auto& m : short_net->modules(false))
            if (auto* b = dynamic_cast<tint::nn::InvertedResidualImpl*>(m.get())) QVERIFY(!b->use_res_connect);
        QVERIFY_THROWS_EXCEPTION(tint::Error, tint::nn::make_student("vgg16", 5));
    }
};

QTEST_APPLESS_MAIN(TestStudents)
#include "tst_students.moc"
