// safetensors reading and writing, strict module loading, and diffusers folders with bad content:
// every fault gives a tint::Error naming the file and what is wrong.
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "diffusion/stable_diffusion.h"
#include "io/diffusers.h"
#include "io/safetensors.h"
#include "tint/Error.h"
#include "tint/JobContext.h"
#include "weights/state_dict.h"

namespace fs = std::filesystem;

namespace {

void writeRaw(const std::string& path, const std::string& header_json, const std::string& data) {
    std::ofstream f(path, std::ios::binary);
    std::uint64_t n = header_json.size();
    for (int i = 0; i < 8; ++i) f.put(static_cast<char>((n >> (8 * i)) & 0xFF));
    f << header_json << data;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const tint::Error& e) {
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("<no error>");
}

struct Small : torch::nn::Module {
    torch::nn::Linear fc{nullptr};
    torch::nn::Conv2d conv{nullptr};
    Small() {
        fc   = register_module("fc", torch::nn::Linear(3, 2));
        conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 4, 1)));
    }
};

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const std::string& n) const { return m_dir.path().toStdString() + "/" + n; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTripEveryDtype() {
        std::vector<std::pair<std::string, torch::Tensor>> in = {
            {"f32", torch::randn({3, 4})},
            {"f64", torch::randn({2}, torch::kFloat64)},
            {"f16", torch::randn({5}).to(torch::kFloat16)},
            {"bf16", torch::randn({2, 3}).to(torch::kBFloat16)},
            {"i64", torch::arange(6, torch::kInt64).reshape({2, 3})},
            {"i32", torch::tensor({-1, 2, -3}, torch::kInt32)},
            {"i16", torch::tensor({7, -8}, torch::kInt16)},
            {"i8", torch::tensor({-128, 127}, torch::kInt8)},
            {"u8", torch::tensor({0, 255, 7}, torch::kUInt8)},
            {"bool", torch::tensor({true, false, true})},
            {"scalar", torch::tensor(3.5f)},
            {"empty", torch::zeros({0, 4})},
            {"strided", torch::arange(12.0).reshape({3, 4}).t()},  // non-contiguous input
        };
        tint::io::save_safetensors(path("all.safetensors"), in, {{"format", "pt"}, {"note", "å"}});
        auto f = tint::io::SafetensorsFile::open(path("all.safetensors"));
        QCOMPARE(int(f.tensors().size()), int(in.size()));
        QCOMPARE(f.metadata().at("note"), std::string("å"));
        for (const auto& [name, t] : in) {
            auto r = f.read(name);
            QCOMPARE(r.scalar_type(), t.scalar_type());
            QVERIFY2(r.sizes() == t.sizes(), name.c_str());
            QVERIFY2(torch::equal(r, t.contiguous()), name.c_str());
        }
        // The data area starts 8-byte aligned.
        std::ifstream raw(path("all.safetensors"), std::ios::binary);
        unsigned char len[8];
        raw.read(reinterpret_cast<char*>(len), 8);
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i) n = (n << 8) | len[i];
        QCOMPARE(int((8 + n) % 8), 0);
        QVERIFY(errorOf([&] { f.read("nope"); }).contains(QStringLiteral("no tensor named 'nope'")));
        QVERIFY(errorOf([&] { tint::io::save_safetensors(path("dup.safetensors"), {{"a", torch::ones(1)}, {"a", torch::ones(1)}}); })
                    .contains(QStringLiteral("duplicate")));
    }

    void readsTheFixtureCheckpoint() {
        auto f = tint::io::SafetensorsFile::open(TINT_TEST_DATA "/sd/tiny-sd15/vae/diffusion_pytorch_model.safetensors");
        QCOMPARE(int(f.tensors().size()), 124);
        QVERIFY(f.contains("decoder.mid_block.attentions.0.to_q.weight"));
        QCOMPARE(f.read("decoder.mid_block.attentions.0.to_q.weight").sizes(), (torch::IntArrayRef{64, 64}));
    }

    void badHeadersAreNamed_data() {
        QTest::addColumn<QString>("header");
        QTest::addColumn<int>("dataBytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QStringLiteral("{\"a\": [1,") << 0 << QStringLiteral("not valid JSON");
        QTest::newRow("not an object") << QStringLiteral("[1, 2]") << 0 << QStringLiteral("not a JSON object");
        QTest::newRow("unknown dtype") << QStringLiteral(R"({"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})") << 1
                                       << QStringLiteral("unknown dtype");
        QTest::newRow("negative dim") << QStringLiteral(R"({"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})") << 1
                                      << QStringLiteral("invalid dimension");
        QTest::newRow("offsets outside") << QStringLiteral(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})") << 8
                                         << QStringLiteral("outside the data area");
        QTest::newRow("byte count") << QStringLiteral(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})") << 8
                                    << QStringLiteral("needs 12");
        QTest::newRow("reversed") << QStringLiteral(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}})") << 8
                                  << QStringLiteral("reversed");
        QTest::newRow("overlap") << QStringLiteral(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})")
                                 << 12 << QStringLiteral("overlap");
        QTest::newRow("missing key") << QStringLiteral(R"({"a":{"dtype":"F32","shape":[1]}})") << 4
                                     << QStringLiteral("needs 'dtype', 'shape' and 'data_offsets'");
        QTest::newRow("bad metadata") << QStringLiteral(R"({"__metadata__":{"x":1}})") << 0 << QStringLiteral("not a string");
        QTest::newRow("huge shape") << QStringLiteral(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})")
                                    << 4 << QStringLiteral("too large");
    }
    void badHeadersAreNamed() {
        QFETCH(QString, header);
        QFETCH(int, dataBytes);
        QFETCH(QString, expected);
        std::string file = path("bad.safetensors");
        writeRaw(file, header.toStdString(), std::string(std::size_t(dataBytes), '\0'));
        QString msg = errorOf([&] { tint::io::SafetensorsFile::open(file); });
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("bad.safetensors")), qPrintable(msg));
    }

    void truncatedFiles() {
        std::string good = path("good.safetensors");
        tint::io::save_safetensors(good, {{"w", torch::randn({64, 64})}});
        auto bytes = std::filesystem::file_size(good);
        for (std::uintmax_t keep : {std::uintmax_t(0), std::uintmax_t(5), std::uintmax_t(40), bytes - 1}) {
            std::string cut = path("cut.safetensors");
            fs::copy_file(good, cut, fs::copy_options::overwrite_existing);
            fs::resize_file(cut, keep);
            QString msg = errorOf([&] { tint::io::SafetensorsFile::open(cut); });
            QVERIFY2(msg.contains(QStringLiteral("cut.safetensors")) &&
                         (msg.contains(QStringLiteral("truncated")) || msg.contains(QStringLiteral("shorter than 8"))),
                     qPrintable(msg));
        }
        // A file that shrinks after it was opened: the read reports it.
        std::string shrink = path("shrink.safetensors");
        fs::copy_file(good, shrink, fs::copy_options::overwrite_existing);
        auto f = tint::io::SafetensorsFile::open(shrink);
        fs::resize_file(shrink, bytes - 100);
        QVERIFY(errorOf([&] { f.read("w"); }).contains(QStringLiteral("unexpected end of file")));
    }

    void strictLoadingReportsEverything() {
        std::string file = path("small.safetensors");
        tint::io::save_safetensors(file, {{"fc.weight", torch::ones({2, 3})},
                                          {"conv.weight", torch::ones({4, 2, 3, 3})},  // wrong shape
                                          {"conv.bias", torch::ones({4})},
                                          {"extra.weight", torch::ones({1})}});
        tint::weights::TensorSource src;
        src.add(tint::io::SafetensorsFile::open(file));
        Small m;
        QString msg = errorOf([&] { tint::weights::load_module(m, src); });
        QVERIFY2(msg.contains(QStringLiteral("fc.bias [2]")), qPrintable(msg));  // missing, with its shape
        QVERIFY2(msg.contains(QStringLiteral("conv.weight: file has [4, 2, 3, 3], model expects [4, 2, 1, 1]")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("extra.weight")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("small.safetensors")), qPrintable(msg));
        tint::weights::LoadOptions lenient;
        lenient.strict = false;
        auto report    = tint::weights::load_module(m, src, lenient);
        QCOMPARE(int(report.missing.size()), 1);
        QCOMPARE(int(report.mismatched.size()), 1);
        QCOMPARE(int(report.unexpected.size()), 1);
        QCOMPARE(report.loaded, 2);
        QCOMPARE(m.fc->weight.sum().item<float>(), 6.0f);
    }

    void linearAndOneByOneConvAreInterchangeable() {
        std::string file = path("conv1x1.safetensors");
        auto w           = torch::randn({2, 3, 1, 1});
        tint::io::save_safetensors(file, {{"fc.weight", w}, {"fc.bias", torch::zeros({2})},
                                          {"conv.weight", torch::randn({4, 2})}, {"conv.bias", torch::zeros({4})}});
        tint::weights::TensorSource src;
        src.add(tint::io::SafetensorsFile::open(file));
        Small m;
        auto r = tint::weights::load_module(m, src);
        QCOMPARE(r.loaded, 4);
        QVERIFY(torch::equal(m.fc->weight, w.reshape({2, 3})));
    }

    void cancelStopsLoading() {
        std::string file = path("c.safetensors");
        tint::io::save_safetensors(file, {{"fc.weight", torch::ones({2, 3})}, {"fc.bias", torch::ones({2})},
                                          {"conv.weight", torch::ones({4, 2, 1, 1})}, {"conv.bias", torch::ones({4})}});
        tint::weights::TensorSource src;
        src.add(tint::io::SafetensorsFile::open(file));
        tint::CancelSource cancel;
        cancel.request(tint::CancelMode::Now);
        tint::SilentJobContext ctx(cancel.token());
        tint::weights::LoadOptions opt;
        opt.ctx = &ctx;
        Small m;
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled, tint::weights::load_module(m, src, opt));
    }

    // A copy of the tiny pipeline with one thing broken at a time.
    void badDiffusersFolders() {
        const std::string src = TINT_TEST_DATA "/sd/tiny-sd15";
        auto fresh            = [&](const std::string& name) {
            std::string d = path(name);
            fs::remove_all(d);
            fs::copy(src, d, fs::copy_options::recursive);
            for (auto& e : fs::recursive_directory_iterator(d))
                fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
            return d;
        };
        auto editJson = [](const std::string& file, const std::function<void(nlohmann::json&)>& edit) {
            auto j = tint::io::read_json_file(file);
            edit(j);
            std::ofstream(file) << j.dump(2);
        };
        // Missing component folder.
        std::string d = fresh("no-unet");
        fs::remove_all(d + "/unet");
        QString msg = errorOf([&] { tint::diffusion::check_pipeline_folder(d); });
        QVERIFY2(msg.contains(QStringLiteral("no unet/ folder")), qPrintable(msg));
        // Missing and corrupt config.json.
        d = fresh("no-config");
        fs::remove(d + "/vae/config.json");
        msg = errorOf([&] { tint::diffusion::load_vae(d + "/vae"); });
        QVERIFY2(msg.contains(QStringLiteral("vae/config.json' is missing")), qPrintable(msg));
        std::ofstream(d + "/vae/config.json") << "{\"block_out_channels\": [32,";
        msg = errorOf([&] { tint::diffusion::load_vae(d + "/vae"); });
        QVERIFY2(msg.contains(QStringLiteral("not valid JSON")), qPrintable(msg));
        // Unsupported option, named.
        d = fresh("class-embed");
        editJson(d + "/unet/config.json", [](nlohmann::json& j) { j["class_embed_type"] = "timestep"; });
        msg = errorOf([&] { tint::diffusion::load_unet(d + "/unet"); });
        QVERIFY2(msg.contains(QStringLiteral("class_embed_type")) && msg.contains(QStringLiteral("config.json")), qPrintable(msg));
        // A key of the wrong type.
        editJson(d + "/unet/config.json", [](nlohmann::json& j) {
            j.erase("class_embed_type");
            j["layers_per_block"] = "two";
        });
        msg = errorOf([&] { tint::diffusion::load_unet(d + "/unet"); });
        QVERIFY2(msg.contains(QStringLiteral("layers_per_block")), qPrintable(msg));
        // A config that does not match the weights: every mis-shaped tensor named.
        editJson(d + "/unet/config.json", [](nlohmann::json& j) {
            j["layers_per_block"]    = 2;
            j["cross_attention_dim"] = 48;
        });
        msg = errorOf([&] { tint::diffusion::load_unet(d + "/unet"); });
        QVERIFY2(msg.contains(QStringLiteral("attn2.to_k.weight: file has [32, 32], model expects [32, 48]")), qPrintable(msg));
        // Old configs omit keys: the upstream defaults fill them in.
        d = fresh("old-config");
        editJson(d + "/text_encoder/config.json", [](nlohmann::json& j) {
            j.erase("layer_norm_eps");
            j.erase("projection_dim");
        });
        auto te = tint::diffusion::load_text_encoder(d + "/text_encoder");
        QCOMPARE(te->config.layer_norm_eps, 1e-5);
        // Sizes out of range are named before any model is built (0 heads was a division by zero).
        editJson(d + "/text_encoder/config.json", [](nlohmann::json& j) { j["num_attention_heads"] = 0; });
        msg = errorOf([&] { tint::diffusion::load_text_encoder(d + "/text_encoder"); });
        QVERIFY2(msg.contains(QStringLiteral("'num_attention_heads' = 0 is out of range")) && msg.contains(QStringLiteral("config.json")),
                 qPrintable(msg));
        editJson(d + "/vae/config.json", [](nlohmann::json& j) { j["norm_num_groups"] = 0; });
        msg = errorOf([&] { tint::diffusion::load_vae(d + "/vae"); });
        QVERIFY2(msg.contains(QStringLiteral("'norm_num_groups' = 0 is out of range")), qPrintable(msg));
        editJson(d + "/unet/config.json", [](nlohmann::json& j) { j["cross_attention_dim"] = 1 << 30; });
        msg = errorOf([&] { tint::diffusion::load_unet(d + "/unet"); });
        QVERIFY2(msg.contains(QStringLiteral("'cross_attention_dim' = 1073741824 is out of range")), qPrintable(msg));
        // Only .bin weights.
        d = fresh("bin-only");
        fs::rename(d + "/vae/diffusion_pytorch_model.safetensors", d + "/vae/diffusion_pytorch_model.bin");
        msg = errorOf([&] { tint::diffusion::load_vae(d + "/vae"); });
        QVERIFY2(msg.contains(QStringLiteral(".bin")), qPrintable(msg));
        // A truncated weight file.
        d = fresh("truncated");
        fs::resize_file(d + "/vae/diffusion_pytorch_model.safetensors", 100000);
        msg = errorOf([&] { tint::diffusion::load_vae(d + "/vae"); });
        QVERIFY2(msg.contains(QStringLiteral("diffusion_pytorch_model.safetensors")), qPrintable(msg));
        // Old VAE attention names (query/key/value/proj_attn as 1x1 convolutions) load as the new ones.
        d = fresh("old-vae");
        {
            auto f = tint::io::SafetensorsFile::open(d + "/vae/diffusion_pytorch_model.safetensors");
            std::vector<std::pair<std::string, torch::Tensor>> renamed;
            for (const auto& t : f.tensors()) {
                std::string n = t.name;
                for (auto [now, old] : {std::pair<std::string, std::string>{".to_q.", ".query."}, {".to_k.", ".key."},
                                        {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}}) {
                    auto p = n.find("attentions.0" + now);
                    if (p != std::string::npos) n.replace(p + 12, now.size(), old);
                }
                auto v = f.read(t.name);
                if (n != t.name && v.dim() == 2) v = v.reshape({v.size(0), v.size(1), 1, 1});
                renamed.emplace_back(n, v);
            }
            tint::io::save_safetensors(d + "/vae/diffusion_pytorch_model.safetensors", renamed);
        }
        auto oldVae = tint::diffusion::load_vae(d + "/vae");
        auto newVae = tint::diffusion::load_vae(src + "/vae");
        torch::NoGradGuard ng;
        auto z = torch::randn({1, 4, 8, 8});
        QVERIFY(torch::equal(oldVae->decode(z), newVae->decode(z)));
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
