// Teachers against transformers 4.40.2: DINOv2 (native grid and both position-embedding
// interpolation rules) and CLIP vision with projection, plus their image preprocessing.
#include <QtTest>

#include <torch/torch.h>

#include "io/diffusers.h"
#include "io/safetensors.h"
#include "nn/vit.h"
#include "tint/Error.h"
#include "tint/Runtime.h"
#include "weights/state_dict.h"

namespace {
const std::string kData = TINT_TEST_DATA "/teachers/";

void expectClose(const torch::Tensor& a, const torch::Tensor& b, double atol, const std::string& what) {
    QVERIFY2(a.sizes() == b.sizes(), what.c_str());
    double d = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
    QVERIFY2(d <= atol, qPrintable(QStringLiteral("%1: max abs diff %2").arg(QString::fromStdString(what)).arg(d)));
}

template <class M>
void load(M& model, const std::string& dir, std::vector<std::string> ignore = {}) {
    tint::weights::LoadOptions opt;
    opt.ignore_unexpected = std::move(ignore);
    tint::weights::load_module(*model, tint::io::open_weights(dir, "model"), opt);
    model->eval();
}

tint::ImageU8 fixtureImage(const tint::io::SafetensorsFile& cases) {
    auto t = cases.read("pre.image_u8_hwc").contiguous();
    tint::ImageU8 img{int(t.size(1)), int(t.size(0)), 3, {}};
    img.data.assign(t.data_ptr<std::uint8_t>(), t.data_ptr<std::uint8_t>() + t.numel());
    return img;
}
}  // namespace

class TestTeachers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { tint::set_compute_threads(2); }

    void dinov2() {
        const std::string dir = kData + "dinov2-tiny";
        auto cfg = tint::nn::Dinov2Config::from_json(tint::io::read_json_file(dir + "/config.json"), "config.json");
        tint::nn::Dinov2Model model(cfg);
        load(model, dir);
        auto cases = tint::io::SafetensorsFile::open(kData + "cases.safetensors");
        torch::NoGradGuard ng;
        for (std::string n : {"x56", "x84", "x56x84", "pre"}) {
            auto out = model->forward(cases.read("dinov2." + n + ".pixel_values"));
            expectClose(out.last_hidden_state, cases.read("dinov2." + n + ".last_hidden_state"), 1e-5, n + " last_hidden_state");
            expectClose(out.pooler_output, cases.read("dinov2." + n + ".pooler_output"), 1e-5, n + " pooler_output");
        }
        for (std::string n : {"x84", "x56x84"}) {
            auto out = model->forward(cases.read("dinov2." + n + ".pixel_values"), true);
            expectClose(out.last_hidden_state, cases.read("dinov2." + n + ".size_interp.last_hidden_state"), 1e-5,
                        n + " size_interp");
        }
    }

    void clipVision() {
        const std::string dir = kData + "clip-vision-tiny";
        auto cfg = tint::nn::CLIPVisionConfig::from_json(tint::io::read_json_file(dir + "/config.json"), "config.json");
        tint::nn::CLIPVisionModelWithProjection model(cfg);
        load(model, dir, {"vision_model.embeddings.position_ids"});
        auto cases = tint::io::SafetensorsFile::open(kData + "cases.safetensors");
        torch::NoGradGuard ng;
        for (std::string n : {"x32", "pre"}) {
            auto out = model->forward(cases.read("clip." + n + ".pixel_values"));
            expectClose(out.image_embeds, cases.read("clip." + n + ".image_embeds"), 1e-5, n + " image_embeds");
            expectClose(out.last_hidden_state, cases.read("clip." + n + ".last_hidden_state"), 1e-5, n + " last_hidden_state");
            expectClose(out.pooler_output, cases.read("clip." + n + ".pooler_output"), 1e-5, n + " pooler_output");
        }
        QVERIFY_THROWS_EXCEPTION(tint::Error, model->forward(torch::zeros({1, 3, 48, 48})));
    }

    void preprocessingMatchesTransformers_data() {
        QTest::addColumn<QString>("teacher");
        QTest::addColumn<QString>("key");
        QTest::newRow("dinov2") << QStringLiteral("dinov2-tiny") << QStringLiteral("pre.dinov2.pixel_values");
        QTest::newRow("clip") << QStringLiteral("clip-vision-tiny") << QStringLiteral("pre.clip.pixel_values");
    }
    void preprocessingMatchesTransformers() {
        QFETCH(QString, teacher);
        QFETCH(QString, key);
        const std::string file = kData + teacher.toStdString() + "/preprocessor_config.json";
        auto pre   = tint::nn::ImagePreprocessor::from_json(tint::io::read_json_file(file), file);
        auto cases = tint::io::SafetensorsFile::open(kData + "cases.safetensors");
        expectClose(pre(fixtureImage(cases)), cases.read(key.toStdString()), 1e-6, key.toStdString());
    }

    void wrongArchitectureIsRefused() {
        auto msg = [](const std::function<void()>& f) {
            try {
                f();
            } catch (const tint::Error& e) {
                return QString::fromStdString(e.what());
            }
            return QString();
        };
        auto clipCfg = tint::io::read_json_file(kData + "clip-vision-tiny/config.json");
        QVERIFY(msg([&] { tint::nn::Dinov2Config::from_json(clipCfg, "clip/config.json"); })
                    .contains(QStringLiteral("is not a DINOv2 model")));
        // DINOv2 weights into a CLIP model: every tensor is reported missing.
        auto cfg = tint::nn::CLIPVisionConfig::from_json(clipCfg, "config.json");
        tint::nn::CLIPVisionModelWithProjection model(cfg);
        QString m = msg([&] { load(model, kData + "dinov2-tiny"); });
        QVERIFY2(m.contains(QStringLiteral("missing tensors")) && m.contains(QStringLiteral("model.safetensors")), qPrintable(m));
    }
};

QTEST_APPLESS_MAIN(TestTeachers)
#include "tst_teachers.moc"
