// Stable Diffusion runtime against the reference implementations (diffusers 0.30.3, transformers
// 4.40.2): text encoders, UNets (outputs and gradients), VAE, DDIM, and whole trajectories on the
// tiny fixture pipelines, at the tolerances documented with the fixtures.
#include <QtTest>

#include <torch/torch.h>

#include "diffusion/ddim.h"
#include "diffusion/pipeline.h"
#include "diffusion/stable_diffusion.h"
#include "tint/Error.h"
#include "io/safetensors.h"
#include "tint/Runtime.h"

namespace {

const std::string kData = TINT_TEST_DATA "/sd/";

struct Cases {
    tint::io::SafetensorsFile file;
    explicit Cases(const std::string& path) : file(tint::io::SafetensorsFile::open(path)) {}
    torch::Tensor operator()(const std::string& key) const { return file.read(key); }
};

// max |a - b| must be <= atol + rtol * max|b|.
void expectClose(const torch::Tensor& actual, const torch::Tensor& expected, double atol, double rtol,
                 const char* what) {
    QVERIFY2(actual.sizes() == expected.sizes(),
             qPrintable(QStringLiteral("%1: shape differs").arg(QLatin1String(what))));
    auto a = actual.detach().to(torch::kFloat64), b = expected.detach().to(torch::kFloat64);
    double diff  = (a - b).abs().max().item<double>();
    double bound = atol + rtol * b.abs().max().item<double>();
    QVERIFY2(diff <= bound, qPrintable(QStringLiteral("%1: max abs diff %2 > %3").arg(QLatin1String(what)).arg(diff).arg(bound)));
}

}  // namespace

class TestSdParity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { tint::set_compute_threads(2); }

    void textEncoder_data() {
        QTest::addColumn<QString>("pipeline");
        QTest::newRow("sd15 quick_gelu") << QStringLiteral("tiny-sd15");
        QTest::newRow("sd2 gelu") << QStringLiteral("tiny-sd2");
    }
    void textEncoder() {
        QFETCH(QString, pipeline);
        const std::string dir = kData + pipeline.toStdString();
        Cases C(dir + "/cases.safetensors");
        auto te = tint::diffusion::load_text_encoder(dir + "/text_encoder");
        torch::NoGradGuard ng;
        auto out = te->forward(C("te.ids"));
        expectClose(out.last_hidden_state, C("te.last_hidden_state"), 1e-5, 0, "last_hidden_state");
        expectClose(out.pooler_output, C("te.pooler_output"), 1e-5, 0, "pooler_output");
        auto s = te->forward(C("te.short.ids"));
        expectClose(s.last_hidden_state, C("te.short.last_hidden_state"), 1e-5, 0, "short.last_hidden_state");
        expectClose(s.pooler_output, C("te.short.pooler_output"), 1e-5, 0, "short.pooler_output");
        if (pipeline == QStringLiteral("tiny-sd15")) {
            // A textual-inversion row appended to the embedding table (id 49408).
            auto ext = te->forward(C("te.ext.ids"), C("te.ext.vector").unsqueeze(0));
            expectClose(ext.last_hidden_state, C("te.ext.last_hidden_state"), 1e-5, 0, "ext.last_hidden_state");
            expectClose(ext.pooler_output, C("te.ext.pooler_output"), 1e-5, 0, "ext.pooler_output");
        }
    }

    void unetOutputsAndGradients_data() { textEncoder_data(); }
    void unetOutputsAndGradients() {
        QFETCH(QString, pipeline);
        const std::string dir = kData + pipeline.toStdString();
        Cases C(dir + "/cases.safetensors");
        auto unet = tint::diffusion::load_unet(dir + "/unet");
        for (const char* t : {"t999", "t39"}) {
            const std::string p = std::string("unet.") + t;
            auto x = C("unet.sample").clone().set_requires_grad(true);
            auto e = C("unet.encoder_hidden_states").clone().set_requires_grad(true);
            auto eps = unet->forward(x, C(p + ".timestep"), e);
            expectClose(eps, C(p + ".eps"), 1e-5, 0, (p + ".eps").c_str());
            (eps * C("unet.W")).sum().backward();
            expectClose(x.grad(), C(p + ".grad_sample"), 2e-5, 0, (p + ".grad_sample").c_str());
            expectClose(e.grad(), C(p + ".grad_encoder_hidden_states"), 2e-6, 0, (p + ".grad_ehs").c_str());
        }
        torch::NoGradGuard ng;
        auto v = unet->forward(C("unet.sample"), C("unet.tvec.timestep"), C("unet.encoder_hidden_states"));
        expectClose(v, C("unet.tvec.eps"), 1e-5, 0, "unet.tvec.eps");
    }

    void unetOddLatentSize() {
        // A latent size not divisible by the down-sampling factor goes through the upsample_size path.
        auto unet = tint::diffusion::load_unet(kData + "tiny-sd15/unet");
        torch::NoGradGuard ng;
        auto out = unet->forward(torch::randn({1, 4, 13, 9}), torch::tensor(500), torch::randn({1, 77, 32}));
        QCOMPARE(out.sizes(), (torch::IntArrayRef{1, 4, 13, 9}));
    }

    void chunkedAttentionEqualsOneBlock() {
        auto q = torch::randn({6, 50, 8}), k = torch::randn({6, 40, 8}), v = torch::randn({6, 40, 8});
        auto whole   = tint::nn::scaled_attention(q, k, v, 0.35, false, false);
        auto chunked = tint::nn::scaled_attention(q, k, v, 0.35, false, false, 6 * 40 * 7);  // 7 query rows at a time
        QVERIFY(!whole.isnan().any().item<bool>());
        QVERIFY(!chunked.isnan().any().item<bool>());
        QCOMPARE((whole - chunked).abs().max().item<float>(), 0.0f);
    }

    void vae() {
        const std::string dir = kData + "tiny-sd15";
        Cases C(dir + "/cases.safetensors");
        auto vae = tint::diffusion::load_vae(dir + "/vae");
        torch::NoGradGuard ng;
        auto post = vae->encode(C("vae.image"));
        expectClose(post.mean, C("vae.posterior_mean"), 1e-5, 0, "posterior mean");
        expectClose(post.std, C("vae.posterior_std"), 1e-5, 0, "posterior std");
        expectClose(post.logvar, C("vae.posterior_logvar"), 1e-5, 0, "posterior logvar");
        expectClose(vae->decode(C("vae.latent")), C("vae.decoded"), 1e-5, 0, "decoded");
        QCOMPARE(vae->scale_factor(), std::int64_t(2));
    }

    void ddim_data() { textEncoder_data(); }
    void ddim() {
        QFETCH(QString, pipeline);
        const std::string dir = kData + pipeline.toStdString();
        Cases C(dir + "/cases.safetensors");
        auto s = tint::diffusion::load_scheduler(dir + "/scheduler");
        QCOMPARE((s.betas() - C("ddim.betas")).abs().max().item<float>(), 0.0f);
        QCOMPARE((s.alphas_cumprod() - C("ddim.alphas_cumprod")).abs().max().item<float>(), 0.0f);
        QCOMPARE(s.final_alpha_cumprod().item<float>(), C("ddim.final_alpha_cumprod")[0].item<float>());
        for (const char* sp : {"leading", "trailing"}) {
            auto ts       = s.timesteps(25, sp);
            auto expected = C(std::string("ddim.timesteps_") + sp + "_25");
            QCOMPARE(int(ts.size()), int(expected.numel()));
            for (std::size_t i = 0; i < ts.size(); ++i) QCOMPARE(ts[i], expected[long(i)].item<std::int64_t>());
        }
        const std::pair<const char*, int> steps[] = {{"leading", 961}, {"leading", 1}, {"trailing", 999}, {"trailing", 39}};
        for (const auto& [sp, t] : steps) {
            auto out = s.step(C("ddim.step.model_output"), t, C("ddim.step.sample"), 25);
            std::string p = std::string("ddim.step.") + sp + "25.t" + std::to_string(t);
            expectClose(out.prev_sample, C(p + ".prev_sample"), 1e-5, 0, (p + ".prev_sample").c_str());
            expectClose(out.pred_original_sample, C(p + ".pred_original_sample"), 1e-5, 1e-6, (p + ".x0").c_str());
        }
    }

    // §6.5: DDIM inversion then guided sampling on tiny-sd15, both one step at a time (tight) and
    // free-running from the image (loose, as the random-weight UNet amplifies rounding).
    void trajectorySd15() {
        const std::string dir = kData + "tiny-sd15";
        Cases C(dir + "/cases.safetensors");
        auto te   = tint::diffusion::load_text_encoder(dir + "/text_encoder");
        auto unet = tint::diffusion::load_unet(dir + "/unet");
        auto vae  = tint::diffusion::load_vae(dir + "/vae");
        auto sch  = tint::diffusion::load_scheduler(dir + "/scheduler");
        torch::NoGradGuard ng;
        auto cond = C("traj.cond_embeds"), uncond = C("traj.uncond_embeds");
        auto inv_lat = C("traj.inversion.latents"), inv_eps = C("traj.inversion.eps");
        auto smp_lat = C("traj.sampling.latents"), guided = C("traj.sampling.guided_eps");
        const std::vector<std::int64_t> inv_t = {199, 399, 599, 799, 999};
        auto ts = sch.timesteps(5, "trailing");
        QCOMPARE(ts, (std::vector<std::int64_t>{999, 799, 599, 399, 199}));

        auto invert = [&](const torch::Tensor& z, std::int64_t from, std::int64_t to) {
            auto eps = unet->forward(z, torch::tensor(to), cond);
            return std::make_pair(eps, sch.change_timestep(eps, from, to, z));
        };
        auto sample = [&](const torch::Tensor& z, std::int64_t t) {
            auto e  = unet->forward(torch::cat({z, z}), torch::tensor(t), torch::cat({uncond, cond})).chunk(2);
            auto g  = e[0] + 7.5 * (e[1] - e[0]);
            return std::make_pair(g, sch.step(g, t, z, 5).prev_sample);
        };
        // One step at a time from the stored states.
        for (int i = 0; i < 5; ++i) {
            auto [eps, next] = invert(inv_lat[i], i == 0 ? 0 : inv_t[i - 1], inv_t[i]);
            expectClose(eps, inv_eps[i], 5e-4, 0, "inversion eps (one step)");
            expectClose(next, inv_lat[i + 1], 5e-4, 0, "inversion latent (one step)");
            auto [g, prev] = sample(smp_lat[i], ts[i]);
            expectClose(g, guided[i], 5e-4, 0, "guided eps (one step)");
            expectClose(prev, smp_lat[i + 1], 5e-4, 0, "sampling latent (one step)");
        }
        // Free-running from the image.
        // te.ids row 0 is ids_pad77("a photo of a cat"): the condition used by the trajectory.
        expectClose(te->forward(C("te.ids").narrow(0, 0, 1)).last_hidden_state, cond, 1e-5, 0, "cond embeds from ids");
        auto z = vae->encode(C("traj.image")).mean * 0.18215;
        expectClose(z, inv_lat[0], 1e-5, 0, "z0");
        std::int64_t from = 0;
        for (int i = 0; i < 5; ++i) {
            auto [eps, next] = invert(z, from, inv_t[i]);
            z = next;
            from = inv_t[i];
            expectClose(z, inv_lat[i + 1], 2e-3, 0, "inversion latent (free)");
        }
        for (int i = 0; i < 5; ++i) {
            z = sample(z, ts[i]).second;
            expectClose(z, smp_lat[i + 1], 8e-2, 0, "sampling latent (free)");
        }
        auto dec = vae->decode(z / 0.18215);
        expectClose(dec, C("traj.decoded"), 1e-2, 0, "decoded (free)");
        expectClose((dec / 2 + 0.5).clamp(0, 1), C("traj.decoded_01"), 5e-3, 0, "decoded_01 (free)");
        // Sampling from the stored z_T alone (the pipeline call).
        z = inv_lat[5];
        for (int i = 0; i < 5; ++i) z = sample(z, ts[i]).second;
        expectClose((vae->decode(z / 0.18215) / 2 + 0.5).clamp(0, 1), C("traj.decoded_01"), 2e-4, 0, "decoded_01 from z_T");
    }

    // The loaded pipeline (tokenizer + text encoder) gives the prompt embeddings of the reference.
    void pipelinePromptEmbeddings() {
        auto p15 = tint::diffusion::load_pipeline(kData + "tiny-sd15", "cpu", "fp32", nullptr);
        Cases C15(kData + "tiny-sd15/cases.safetensors");
        torch::NoGradGuard ng;
        expectClose(p15->encode_prompt("a photo of a cat"), C15("traj.cond_embeds"), 1e-5, 0, "sd15 cond");
        expectClose(p15->encode_prompt(""), C15("traj.uncond_embeds"), 1e-5, 0, "sd15 uncond");
        auto p2 = tint::diffusion::load_pipeline(kData + "tiny-sd2", "cpu", "fp32", nullptr);
        Cases C2(kData + "tiny-sd2/cases.safetensors");
        expectClose(p2->encode_prompt("a photo of a cat"), C2("sample.cond_embeds"), 1e-5, 0, "sd2 cond (pad id 0)");
        expectClose(p2->encode_prompt(""), C2("sample.uncond_embeds"), 1e-5, 0, "sd2 uncond");
        QVERIFY_THROWS_EXCEPTION(tint::Error, tint::diffusion::load_pipeline(kData + "tiny-sd15", "cpu", "fp16", nullptr));
    }

    // §6.6: v-prediction guided sampling on tiny-sd2 (leading spacing, as saved).
    void vPredictionSd2() {
        const std::string dir = kData + "tiny-sd2";
        Cases C(dir + "/cases.safetensors");
        auto unet = tint::diffusion::load_unet(dir + "/unet");
        auto vae  = tint::diffusion::load_vae(dir + "/vae");
        auto sch  = tint::diffusion::load_scheduler(dir + "/scheduler");
        torch::NoGradGuard ng;
        auto ts = sch.timesteps(5);
        QCOMPARE(ts, (std::vector<std::int64_t>{801, 601, 401, 201, 1}));
        auto cond = C("sample.cond_embeds"), uncond = C("sample.uncond_embeds"), lat = C("sample.latents");
        auto z = lat[0];
        for (int i = 0; i < 5; ++i) {
            auto e = unet->forward(torch::cat({z, z}), torch::tensor(ts[i]), torch::cat({uncond, cond})).chunk(2);
            auto v = e[0] + 7.5 * (e[1] - e[0]);
            expectClose(v, C("sample.guided_v")[i], 1e-4, 0, "guided v");
            z = sch.step(v, ts[i], z, 5).prev_sample;
            expectClose(z, lat[i + 1], 1e-4, 0, "latent");
        }
        expectClose(vae->decode(z / 0.18215), C("sample.decoded"), 1e-4, 0, "decoded");
    }
};

QTEST_APPLESS_MAIN(TestSdParity)
#include "tst_sd_parity.moc"
