// Speed and memory of the TINT operations: a textual-inversion step, null-text inversion of one
// support, and one TINT sample, on the tiny fixture pipeline and on SD 1.5-shaped models with random
// weights at 256x256. Each case runs in a child process so that its peak RSS is its own.
//   bench_tint [--threads N] [--runs N] [--tiny DIR] [all | tiny | sd15-ti | sd15-nti | sd15-sample]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "diffusion/pipeline.h"
#include "tint/JobContext.h"
#include "tint/Runtime.h"
#include "tint/tint_ops.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace tint;

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;
}

template <class F>
std::vector<double> time_runs(int runs, F&& f) {
    std::vector<double> s;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        f();
        s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(s.begin(), s.end());
    return s;
}

void report(const std::string& what, const std::vector<double>& s) {
    std::printf("%-58s median %8.3f s  (min %8.3f, max %8.3f, %zu runs)  peak RSS %6.0f MB\n", what.c_str(), s[s.size() / 2],
                s.front(), s.back(), s.size(), peak_rss_mb());
    std::fflush(stdout);
}

// An SD 1.5-shaped pipeline with random weights and the real CLIP tokenizer.
std::unique_ptr<diffusion::Pipeline> sd15_random(const std::string& tokenizer_dir) {
    auto p = std::make_unique<diffusion::Pipeline>();
    nn::UNetConfig u;
    u.cross_attention_dim          = 768;
    u.attention_heads              = {8, 8, 8, 8};
    u.transformer_layers_per_block = {1, 1, 1, 1};
    u.time_embedding_dim           = 1280;
    nn::VAEConfig v;
    v.block_out_channels = {128, 256, 512, 512};
    v.layers_per_block   = 2;
    nn::CLIPTextConfig t;
    t.hidden_size         = 768;
    t.intermediate_size   = 3072;
    t.num_hidden_layers   = 12;
    t.num_attention_heads = 12;
    torch::manual_seed(0);
    p->unet         = nn::UNet2DConditionModel(u);
    p->vae          = nn::AutoencoderKL(v);
    p->text_encoder = nn::CLIPTextModel(t);
    diffusion::SchedulerConfig sc;
    sc.beta_start       = 0.00085;
    sc.beta_end         = 0.012;
    sc.beta_schedule    = "scaled_linear";
    sc.set_alpha_to_one = false;
    sc.steps_offset     = 1;
    sc.clip_sample      = false;
    p->scheduler        = std::make_unique<diffusion::DDIMScheduler>(sc);
    p->tokenizer = std::make_unique<text::ClipTokenizer>(text::ClipTokenizer::from_diffusers_folder(tokenizer_dir));
    return p;
}

void freeze(diffusion::Pipeline& p) {
    for (auto& x : p.text_encoder->parameters()) x.requires_grad_(false);
    for (auto& x : p.unet->parameters()) x.requires_grad_(false);
    for (auto& x : p.vae->parameters()) x.requires_grad_(false);
}

torch::Tensor prompt_ids(diffusion::Pipeline& p) {
    auto pre = p.tokenizer->encode("A photo of an");
    std::vector<std::int64_t> ids{p.tokenizer->bos_id()};
    ids.insert(ids.end(), pre.begin(), pre.end());
    ids.push_back(p.text_encoder->config.vocab_size);
    ids.push_back(p.tokenizer->eos_id());
    while (ids.size() < 77) ids.push_back(p.tokenizer->pad_id());
    return torch::tensor(ids, torch::kInt64).unsqueeze(0);
}

struct Setup {
    torch::Tensor ids, z0, row, cond, empty;
};

Setup setup(diffusion::Pipeline& p, int latent, int k) {
    Setup s;
    s.ids = prompt_ids(p);
    s.z0  = torch::randn({k, 4, latent, latent}) * 0.8;
    s.row = p.text_encoder->text_model->embeddings->token_embedding->weight[p.tokenizer->encode("object").at(0)].clone().unsqueeze(0);
    torch::NoGradGuard ng;
    s.cond  = p.text_encoder->forward(s.ids, s.row).last_hidden_state;
    s.empty = p.encode_prompt("");
    return s;
}

// `ti_runs` textual-inversion steps timed one by one; null-text inversion of one support over
// `nti_timesteps` timesteps with every inner step taken (epsilon 0: the worst case); samples.
void bench(diffusion::Pipeline& p, const std::string& label, int latent, int runs, int nti_timesteps, int sample_runs,
           const std::string& which) {
    freeze(p);
    SilentJobContext ctx;
    auto s = setup(p, latent, 1);
    const int px = latent * static_cast<int>(p.vae->scale_factor());
    if (which == "all" || which == "ti") {
        tinv::TIConfig c;
        tinv::TIState st;
        st.row = s.row.clone();
        c.steps = 1;
        tinv::run_textual_inversion(p, s.ids, s.z0, c, st, {}, ctx);  // warm-up
        report(label + " textual-inversion step, " + std::to_string(px) + "px", time_runs(runs, [&] {
                   c.steps = st.step + 1;
                   tinv::run_textual_inversion(p, s.ids, s.z0, c, st, {}, ctx);
               }));
    }
    if (which == "all" || which == "nti") {
        auto ts = tinv::tint_timesteps(p, 25);
        tinv::NTIConfig c;
        c.epsilon = 0;
        auto lat  = tinv::ddim_invert(p, s.z0, s.cond, ts, ctx);
        const bool whole = nti_timesteps >= 25;
        report(label + " null-text inversion, 1 support, " + (whole ? std::string("25 timesteps") : std::to_string(nti_timesteps) + " timestep(s)") +
                   " x 10 inner",
               time_runs(whole ? runs : 1, [&] {
                   auto st = tinv::start_null_text(lat, s.empty);
                   tinv::run_null_text(p, s.cond, ts, c, st, {}, ctx, nti_timesteps);
               }));
    }
    if (which == "all" || which == "sample") {
        auto ts = tinv::tint_timesteps(p, 25);
        auto u  = s.empty.expand({25, -1, -1}).contiguous();
        report(label + " TINT sample (25 guided steps + decode), " + std::to_string(px) + "px", time_runs(sample_runs, [&] {
                   torch::NoGradGuard ng;
                   auto z = tinv::guided_sample(p, torch::randn({1, 4, latent, latent}), s.cond,
                                                [&](std::size_t i) { return u[static_cast<std::int64_t>(i)].unsqueeze(0); }, ts, 7.5, ctx);
                   p.latent_to_images(z);
               }));
    }
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2, runs = 3;
    std::string which = "all", tiny = TINT_TEST_DATA "/sd/tiny-sd15";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--tiny") && i + 1 < argc) tiny = argv[++i];
        else which = argv[i];
    }
    tint::set_compute_threads(threads);
    if (which == "tiny") {
        SilentJobContext ctx;
        auto p = diffusion::load_pipeline(tiny, "cpu", "fp32", &ctx);
        bench(*p, "tiny-sd15", static_cast<int>(p->unet->config.sample_size), runs, 25, runs, "all");
        return 0;
    }
    if (which.rfind("sd15-", 0) == 0) {
        auto p = sd15_random(tiny + "/tokenizer");
        bench(*p, "SD 1.5-shaped", 32, runs, 1, 1, which.substr(5));
        return 0;
    }
    if (which != "all") {
        std::fprintf(stderr, "unknown case '%s'\n", which.c_str());
        return 2;
    }
    std::printf("LibTorch %s, %d intra-op threads, float32, CPU\n", tint::runtime_info().torch_version.c_str(), threads);
    std::fflush(stdout);  // before the children write theirs
    for (const char* c : {"tiny", "sd15-ti", "sd15-nti", "sd15-sample"}) {
        pid_t pid = fork();
        if (pid == 0) {
            std::string t = std::to_string(threads), r = std::to_string(runs);
            execl(argv[0], argv[0], "--threads", t.c_str(), "--runs", r.c_str(), "--tiny", tiny.c_str(), c, static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::printf("%s: failed (status %d)\n", c, status);
    }
    return 0;
}
