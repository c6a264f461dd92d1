// TINT engine on the tiny SD 1.5 fixture pipeline: textual inversion, null-text inversion (batched
// and one at a time), cancel and resume, sampling, the inversion store and embedding export.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "diffusion/pipeline.h"
#include "io/safetensors.h"
#include "tint/Error.h"
#include "tint/JobContext.h"
#include "tint/Project.h"
#include "tint/Runtime.h"
#include "tint/Tint.h"
#include "tint/adam.h"
#include "tint/tint_ops.h"

namespace fs = std::filesystem;
using namespace tint;

namespace {

const std::string kModel = std::string(TINT_TEST_DATA) + "/sd/tiny-sd15";

// A project with one class "daisy" holding the first `k` demo daisy photos.
Project make_project(const std::string& folder, int k) {
    auto project = Project::create(folder, "tint test");
    project.add_class("daisy");
    auto files = list_image_files(std::string(TINT_SOURCE_RESOURCES) + "/demo/flowers/daisy");
    files.resize(static_cast<std::size_t>(k));
    SilentJobContext ctx;
    auto rep = stage_support_images(project.root(), {{project.data().classes[0].dir, files}}, {}, 64, ctx);
    if (!rep.failed.empty()) throw Error("staging failed: " + rep.failed[0].reason);
    project.add_staged(rep.imported);
    return project;
}

TintSettings small_settings() {
    TintSettings s;
    s.model_dir        = kModel;
    s.resolution       = 32;  // 16x16 latents keep the suite quick; the algorithm is size-independent
    // The fixture UNet has random weights: its guided trajectories are chaotic and its text
    // conditioning weak, so null-text inversion needs a stronger optimiser than the reference's
    // (lr 1e-2, 10 inner steps) to correct them. The algorithm is the same.
    s.steps            = 5;
    s.nti_inner_steps  = 50;
    s.nti_lr           = 0.1;
    s.ti_steps         = 60;
    s.checkpoint_every = 25;
    s.seed             = 7;
    return s;
}

// Stops the job from inside an event, as the GUI's Stop button does from another thread.
struct CancelAt : TintEvents {
    CancelSource* source = nullptr;
    int ti_step = -1, nti_step = -1;
    int last_ti = 0, last_nti = 0;
    std::vector<ReconstructionEvent> recons;
    std::vector<SampleEvent> samples;
    std::vector<std::vector<TokenNeighbour>> neighbours;
    void textual_inversion_step(const std::string&, int step, int, double) override {
        last_ti = step;
        if (step == ti_step) source->request(CancelMode::Now);
    }
    void null_text_step(const std::string&, int t, int, const std::vector<double>&) override {
        last_nti = t;
        if (t == nti_step) source->request(CancelMode::Now);
    }
    void token_neighbours(const std::string&, int, const std::vector<TokenNeighbour>& n) override { neighbours.push_back(n); }
    void reconstruction(const ReconstructionEvent& e) override { recons.push_back(e); }
    void sample(const SampleEvent& e) override { samples.push_back(e); }
};

torch::Tensor read_tensor(const fs::path& file, const std::string& name) {
    return io::SafetensorsFile::open(file.string()).read(name);
}

}  // namespace

class TstTint : public QObject {
    Q_OBJECT

    std::unique_ptr<diffusion::Pipeline> p_;
    torch::Tensor z0_, ids_;

private Q_SLOTS:
    void initTestCase() {
        const int threads = qEnvironmentVariableIntValue("TINT_TEST_THREADS");
        set_compute_threads(threads > 0 ? threads : 2);
        SilentJobContext ctx;
        p_ = diffusion::load_pipeline(kModel, "cpu", "fp32", &ctx);
        for (auto& prm : p_->text_encoder->parameters()) prm.requires_grad_(false);
        for (auto& prm : p_->unet->parameters()) prm.requires_grad_(false);
        auto files = list_image_files(std::string(TINT_SOURCE_RESOURCES) + "/demo/flowers/daisy");
        std::vector<torch::Tensor> zs;
        {
            torch::NoGradGuard ng;
            for (int i = 0; i < 3; ++i) zs.push_back(p_->image_to_latent(load_image_rgb(files[static_cast<std::size_t>(i)]), 32, 32));
        }
        z0_ = torch::cat(zs);
        // "A photo of an <token>" with the placeholder at the first extra id.
        auto pre = p_->tokenizer->encode("A photo of an");
        std::vector<std::int64_t> ids{p_->tokenizer->bos_id()};
        ids.insert(ids.end(), pre.begin(), pre.end());
        ids.push_back(p_->text_encoder->config.vocab_size);
        ids.push_back(p_->tokenizer->eos_id());
        while (ids.size() < 77) ids.push_back(p_->tokenizer->pad_id());
        ids_ = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    }

    void adamMatchesTorchOptimisers() {
        torch::manual_seed(5);
        for (bool decoupled : {false, true}) {
            auto a = torch::randn({4, 6}, torch::TensorOptions().dtype(torch::kFloat32));
            auto b = a.clone().requires_grad_(true);
            tinv::AdamState st;
            tinv::AdamOptions o;
            o.lr           = 1e-2;
            o.weight_decay = decoupled ? 0.01 : 0.0;
            o.decoupled    = decoupled;
            std::unique_ptr<torch::optim::Optimizer> opt;
            if (decoupled) opt = std::make_unique<torch::optim::AdamW>(std::vector<torch::Tensor>{b}, torch::optim::AdamWOptions(1e-2).weight_decay(0.01));
            else opt = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{b}, torch::optim::AdamOptions(1e-2));
            for (int i = 0; i < 7; ++i) {
                auto g = torch::randn({4, 6});
                tinv::adam_step(a, g, st, o);
                opt->zero_grad();
                b.mutable_grad() = g.clone();
                opt->step();
            }
            // Equal to float rounding (the order of a few multiplications differs from LibTorch's).
            const double d = (a - b.detach()).abs().max().item<double>();
            QVERIFY2(torch::allclose(a, b.detach(), 1e-6, 1e-7),
                     qPrintable(QString("%1 differs by %2").arg(decoupled ? "AdamW" : "Adam").arg(d)));
        }
    }

    void textualInversionLearnsOnlyTheNewRow() {
        std::vector<torch::Tensor> before;
        for (auto& prm : p_->text_encoder->parameters()) before.push_back(prm.clone());
        for (auto& prm : p_->unet->parameters()) before.push_back(prm.clone());
        auto obj  = p_->tokenizer->encode("object");
        auto init = p_->text_encoder->text_model->embeddings->token_embedding->weight[obj.at(0)].clone().unsqueeze(0);
        const double loss0 = tinv::textual_inversion_eval_loss(*p_, ids_, z0_, init, 40, 250, 99);
        tinv::TIConfig c;
        c.steps = 150;
        c.lr    = 5e-3;
        c.seed  = 3;
        tinv::TIState st;
        st.row = init.clone();
        SilentJobContext ctx;
        tinv::run_textual_inversion(*p_, ids_, z0_, c, st, {}, ctx);
        QCOMPARE(st.step, 150);
        QCOMPARE(static_cast<int>(st.losses.size()), 150);
        const double loss1 = tinv::textual_inversion_eval_loss(*p_, ids_, z0_, st.row, 40, 250, 99);
        qInfo("held-out-draw loss: %.6f with the 'object' row, %.6f after 150 steps", loss0, loss1);
        QVERIFY2(loss1 < loss0, "the textual-inversion loss did not fall");
        QVERIFY(!torch::equal(st.row, init));
        std::size_t i = 0;
        for (auto& prm : p_->text_encoder->parameters()) QVERIFY2(torch::equal(prm, before[i++]), "a text-encoder weight changed");
        for (auto& prm : p_->unet->parameters()) QVERIFY2(torch::equal(prm, before[i++]), "a UNet weight changed");
    }

    void nullTextBatchedEqualsSequential() {
        auto obj  = p_->tokenizer->encode("object");
        auto row  = p_->text_encoder->text_model->embeddings->token_embedding->weight[obj.at(0)].clone().unsqueeze(0);
        torch::Tensor cond, empty;
        {
            torch::NoGradGuard ng;
            cond  = p_->text_encoder->forward(ids_, row).last_hidden_state;
            empty = p_->encode_prompt("");
        }
        SilentJobContext ctx;
        auto ts  = tinv::tint_timesteps(*p_, 10);
        auto lat = tinv::ddim_invert(*p_, z0_, cond, ts, ctx);
        tinv::NTIConfig c;
        c.steps = 10;
        auto batched = tinv::start_null_text(lat, empty);
        // Each timestep from the same state, batched and one support at a time. (Running the
        // whole trajectory both ways is not comparable to float precision: another batch size
        // rounds differently in the UNet, and the guided trajectory of a random-weight model
        // amplifies any difference from one timestep to the next.)
        double worst_u = 0, worst_z = 0, worst_loss = 0;
        for (int i = 0; i < 10; ++i) {
            std::vector<tinv::NTIState> alone;
            for (int k = 0; k < 3; ++k) alone.push_back(tinv::slice(batched, k, 1));
            tinv::run_null_text(*p_, cond, ts, c, batched, {}, ctx, i + 1);
            QCOMPARE(batched.done(), i + 1);
            for (int k = 0; k < 3; ++k) {
                tinv::run_null_text(*p_, cond, ts, c, alone[k], {}, ctx, i + 1);
                QCOMPARE(alone[k].done(), i + 1);
                QCOMPARE(batched.iterations[i][k], alone[k].iterations[i][0]);
                // Adam divides by the root of the squared-gradient average, which magnifies
                // rounding where gradients are tiny: compare against the optimisation's own scale
                // (at most lr per inner step). Sharing state or gradients between supports would
                // move embeddings by whole steps.
                const double du = (batched.traj[i][k] - alone[k].traj[i][0]).abs().max().item<double>();
                const double dz = (batched.zc[k] - alone[k].zc[0]).abs().max().item<double>();
                const double lb = batched.final_loss[i][k], lo = alone[k].final_loss[i][0];
                const double rl = std::abs(lb - lo) / std::max(lb, lo);
                worst_u = std::max(worst_u, du), worst_z = std::max(worst_z, dz), worst_loss = std::max(worst_loss, rl);
                QVERIFY2(du < 0.01 * c.lr * c.inner_steps,
                         qPrintable(QString("support %1, timestep %2: null embeddings differ by %3").arg(k).arg(i).arg(du)));
                QVERIFY2(dz < 1e-3, qPrintable(QString("support %1, timestep %2: latents differ by %3").arg(k).arg(i).arg(dz)));
                QVERIFY2(rl < 1e-3, qPrintable(QString("support %1, timestep %2: loss %3 batched, %4 alone").arg(k).arg(i).arg(lb).arg(lo)));
            }
        }
        qInfo("batched vs one at a time, per timestep: null embeddings within %.2e (lr %.0e), latents within %.2e, losses within %.4f %%",
              worst_u, c.lr, worst_z, 100 * worst_loss);
    }

    void invertResumeIsBitIdenticalAndNullTextBeatsDdim() {
        QTemporaryDir tmp;
        auto a = make_project((fs::path(tmp.path().toStdString()) / "a.tintproj").string(), 3);
        auto b = make_project((fs::path(tmp.path().toStdString()) / "b.tintproj").string(), 3);
        auto s = small_settings();
        TintEngine engine;

        // Uninterrupted.
        CancelAt ev_a;
        CancelSource none;
        ev_a.source = &none;
        SilentJobContext ctx_a(none.token());
        engine.invert(a.root(), a.data(), {}, s, ev_a, ctx_a);
        auto st = inversion_status(a.root(), a.data().classes[0], s);
        QCOMPARE(int(st.token), int(InversionState::Done));
        QCOMPARE(int(st.null_text), int(InversionState::Done));
        QCOMPARE(st.ti_steps_done, 60);
        QCOMPARE(static_cast<int>(ev_a.recons.size()), 3);
        QVERIFY(!ev_a.neighbours.empty());
        QCOMPARE(static_cast<int>(ev_a.neighbours.back().size()), 5);
        for (const auto& r : ev_a.recons) {
            qInfo("support %d: latent RMS error null-text %.4f, plain DDIM inversion %.4f; PSNR %.2f dB vs %.2f dB",
                  r.support, r.latent_rmse_null_text, r.latent_rmse_ddim, r.psnr_null_text, r.psnr_ddim);
            // The tiny fixture VAE cannot reproduce a photo, so the pixel PSNR of both is bounded
            // by it; the latent that null-text inversion optimises shows the difference.
            QVERIFY2(r.latent_rmse_null_text < 0.5 * r.latent_rmse_ddim, "null-text inversion does not halve the DDIM reconstruction error");
            QCOMPARE(r.original.width, 32);
        }

        // Cancelled in textual inversion at step 37, then in null-text inversion after timestep 3.
        CancelSource c1;
        CancelAt ev_b;
        ev_b.source  = &c1;
        ev_b.ti_step = 37;
        SilentJobContext ctx1(c1.token());
        QVERIFY_THROWS_EXCEPTION(Cancelled, engine.invert(b.root(), b.data(), {}, s, ev_b, ctx1));
        QCOMPARE(ev_b.last_ti, 37);  // the cancel landed before the next step
        st = inversion_status(b.root(), b.data().classes[0], s);
        QCOMPARE(int(st.token), int(InversionState::Partial));
        QCOMPARE(st.ti_steps_done, 37);

        CancelSource c2;
        ev_b.source   = &c2;
        ev_b.ti_step  = -1;
        ev_b.nti_step = 2;
        SilentJobContext ctx2(c2.token());
        QVERIFY_THROWS_EXCEPTION(Cancelled, engine.invert(b.root(), b.data(), {}, s, ev_b, ctx2));
        QCOMPARE(ev_b.last_ti, 60);
        QCOMPARE(ev_b.last_nti, 2);
        st = inversion_status(b.root(), b.data().classes[0], s);
        QCOMPARE(int(st.token), int(InversionState::Done));
        QCOMPARE(int(st.null_text), int(InversionState::Partial));
        QCOMPARE(st.nti_timesteps_done, 2);

        CancelSource c3;
        ev_b.source   = &c3;
        ev_b.nti_step = -1;
        SilentJobContext ctx3(c3.token());
        engine.invert(b.root(), b.data(), {}, s, ev_b, ctx3);
        st = inversion_status(b.root(), b.data().classes[0], s);
        QCOMPARE(int(st.null_text), int(InversionState::Done));

        auto da = fs::path(a.root()) / "inversions" / "daisy", db = fs::path(b.root()) / "inversions" / "daisy";
        QVERIFY(torch::equal(read_tensor(da / "token.safetensors", "embedding"), read_tensor(db / "token.safetensors", "embedding")));
        QVERIFY(torch::equal(read_tensor(da / "token.safetensors", "loss"), read_tensor(db / "token.safetensors", "loss")));
        for (int n = 0; n < 3; ++n) {
            auto f = "support-" + std::to_string(n) + ".safetensors";
            QVERIFY(torch::equal(read_tensor(da / f, "null_embeddings"), read_tensor(db / f, "null_embeddings")));
            QVERIFY(torch::equal(read_tensor(da / f, "z_T"), read_tensor(db / f, "z_T")));
        }
        QVERIFY(!fs::exists(db / "token.ckpt.safetensors"));
        QVERIFY(!fs::exists(db / "null-text.ckpt.safetensors"));

        // A second run skips the finished class.
        CancelAt ev_c;
        ev_c.source = &none;
        engine.invert(a.root(), a.data(), {}, s, ev_c, ctx_a);
        QCOMPARE(ev_c.last_ti, 0);

        // Another model makes the store stale, and synthesis refuses it by name.
        auto other      = s;
        other.model_dir = std::string(TINT_TEST_DATA) + "/sd/tiny-sd2";
        st              = inversion_status(a.root(), a.data().classes[0], other);
        QCOMPARE(int(st.token), int(InversionState::Stale));
        QVERIFY2(st.stale_reason.find("another generator model") != std::string::npos, st.stale_reason.c_str());
        SynthesisSpec spec;
        spec.per_class = 1;
        try {
            engine.synthesize(a.root(), a.data(), spec, other, ev_c, ctx_a);
            QFAIL("synthesis with a stale inversion succeeded");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("daisy") != std::string::npos, e.what());
        }

        // Sampling: files, records and reproducibility.
        spec.per_class = 3;
        spec.batch     = 2;
        spec.seed      = 11;
        auto rep = engine.synthesize(a.root(), a.data(), spec, s, ev_a, ctx_a);
        QCOMPARE(rep.written, 3);
        QCOMPARE(static_cast<int>(ev_a.samples.size()), 3);
        auto recs = read_samples(a.root(), a.data().classes[0]);
        QCOMPARE(static_cast<int>(recs.size()), 3);
        for (const auto& r : recs) {
            auto img = load_image_rgb((fs::path(a.root()) / r.file).string());
            const auto& sup = a.data().classes[0].supports[static_cast<std::size_t>(r.support)];
            QCOMPARE(img.width, sup.width);
            QCOMPARE(img.height, sup.height);
        }
        // The same seed on the other (bit-identical) project gives the same images.
        CancelAt ev_d;
        ev_d.source = &none;
        engine.synthesize(b.root(), b.data(), spec, s, ev_d, ctx_a);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(ev_d.samples[i].support, ev_a.samples[i].support);
            QVERIFY(ev_d.samples[i].image.data == ev_a.samples[i].image.data);
        }
        // More images continue the numbering instead of overwriting.
        spec.per_class = 1;
        engine.synthesize(a.root(), a.data(), spec, s, ev_a, ctx_a);
        QCOMPARE(static_cast<int>(read_samples(a.root(), a.data().classes[0]).size()), 4);

        // A torn last line (a crash while appending) is skipped; the rest is kept.
        {
            std::ofstream f(fs::path(a.root()) / "synthetic" / "daisy" / "samples.jsonl", std::ios::app);
            f << "{\"id\": \"tint-0000";
        }
        QCOMPARE(static_cast<int>(read_samples(a.root(), a.data().classes[0]).size()), 4);
        // The next sample after it is readable on its own line, with an id not used before.
        engine.synthesize(a.root(), a.data(), spec, s, ev_a, ctx_a);
        auto after = read_samples(a.root(), a.data().classes[0]);
        QCOMPARE(static_cast<int>(after.size()), 5);
        for (std::size_t i = 0; i < 4; ++i) QVERIFY(after[i].id != after[4].id);
        // A record whose file lies outside the class's synthetic folder is not followed.
        {
            std::ofstream f(fs::path(a.root()) / "synthetic" / "daisy" / "samples.jsonl", std::ios::app);
            f << "{\"id\": \"elsewhere\", \"file\": \"/etc/passwd\", \"status\": \"accepted\"}\n"
              << "{\"id\": \"up\", \"file\": \"synthetic/daisy/../../project.json\", \"status\": \"accepted\"}\n";
        }
        QCOMPARE(static_cast<int>(read_samples(a.root(), a.data().classes[0]).size()), 5);

        // Embedding export in both formats.
        auto out1 = (fs::path(tmp.path().toStdString()) / "learned_embeds.safetensors").string();
        auto out2 = (fs::path(tmp.path().toStdString()) / "daisy.safetensors").string();
        export_embedding(a.root(), a.data().classes[0], out1, EmbeddingFormat::Diffusers);
        export_embedding(a.root(), a.data().classes[0], out2, EmbeddingFormat::WebUI);
        auto row = read_tensor(da / "token.safetensors", "embedding");
        QVERIFY(torch::equal(read_tensor(out1, "<daisy>"), row));
        QVERIFY(torch::equal(read_tensor(out2, "emb_params"), row));
        QCOMPARE(read_tensor(out2, "emb_params").sizes().vec(), (std::vector<std::int64_t>{1, 32}));
        QVERIFY_THROWS_EXCEPTION(Error, export_embedding(a.root(), a.data().classes[0], "/nonexistent-dir/x.safetensors",
                                                         EmbeddingFormat::Diffusers));
    }

    void earlyStopEndsOnPlateau() {
        tinv::TIConfig c;
        c.steps            = 400;
        c.lr               = 0;  // nothing changes, so the loss cannot improve
        c.weight_decay     = 0;
        c.early_stop       = true;
        c.plateau_window   = 20;
        c.plateau_patience = 3;
        auto obj = p_->tokenizer->encode("object");
        tinv::TIState st;
        st.row = p_->text_encoder->text_model->embeddings->token_embedding->weight[obj.at(0)].clone().unsqueeze(0);
        SilentJobContext ctx;
        tinv::run_textual_inversion(*p_, ids_, z0_, c, st, {}, ctx);
        QVERIFY(st.stopped_early);
        QVERIFY2(st.step < 400 && st.step >= 80, qPrintable(QString("stopped at %1").arg(st.step)));
    }

    void badInput() {
        QTemporaryDir tmp;
        auto pr = make_project((fs::path(tmp.path().toStdString()) / "p.tintproj").string(), 2);
        TintEngine engine;
        CancelAt ev;
        CancelSource none;
        ev.source = &none;
        SilentJobContext ctx(none.token());
        auto s = small_settings();
        s.prompt_template = "A photo of a thing";
        try {
            engine.invert(pr.root(), pr.data(), {}, s, ev, ctx);
            QFAIL("a template without {} was accepted");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("{}") != std::string::npos, e.what());
        }
        s           = small_settings();
        s.model_dir = (fs::path(tmp.path().toStdString()) / "no-such-model").string();
        try {
            engine.invert(pr.root(), pr.data(), {}, s, ev, ctx);
            QFAIL("a missing model folder was accepted");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("no-such-model") != std::string::npos, e.what());
        }
        s = small_settings();
        s.model_dir.clear();
        QVERIFY_THROWS_EXCEPTION(Error, engine.invert(pr.root(), pr.data(), {}, s, ev, ctx));
        auto data = pr.data();
        data.classes[0].supports.clear();
        QVERIFY_THROWS_EXCEPTION(Error, engine.invert(pr.root(), data, {}, small_settings(), ev, ctx));
        QVERIFY_THROWS_EXCEPTION(Error, engine.invert(pr.root(), pr.data(), {5}, small_settings(), ev, ctx));
        // A corrupt checkpoint is reported, not trusted.
        auto dir = fs::path(pr.root()) / "inversions" / "daisy";
        fs::create_directories(dir);
        { std::ofstream(dir / "token.ckpt.safetensors") << "not a safetensors file"; }
        auto st = inversion_status(pr.root(), pr.data().classes[0], small_settings());
        QCOMPARE(int(st.token), int(InversionState::Stale));
        QVERIFY2(st.stale_reason.find("unreadable") != std::string::npos, st.stale_reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TstTint)
#include "tst_tint.moc"
