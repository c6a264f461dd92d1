// Speed and memory of the Stable Diffusion runtime on SD 1.5-shaped models with random weights
// (no files needed). Each case runs in a child process so that its peak RSS is its own.
//   bench_sd [--threads N] [--runs N] [all | te | unet256 | unet512 | vae256 | vae512 | unet256-ops | unet512-ops]
// The -ops cases record the ATen operators one UNet step calls (name, inputs, time in place) and
// replay exactly that sequence through the dispatcher with nothing in between: the time the same
// LibTorch needs for the same operators, to set against the step's own time.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <ATen/record_function.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "nn/clip_text.h"
#include "nn/unet.h"
#include "nn/vae.h"
#include "tint/Runtime.h"

namespace {

using Clock = std::chrono::steady_clock;

tint::nn::UNetConfig sd15_unet() {
    tint::nn::UNetConfig c;  // the defaults are SD 1.x's block layout
    c.cross_attention_dim = 768;
    c.attention_heads     = {8, 8, 8, 8};
    c.transformer_layers_per_block = {1, 1, 1, 1};
    c.time_embedding_dim  = 1280;
    return c;
}

tint::nn::VAEConfig sd15_vae() {
    tint::nn::VAEConfig c;
    c.block_out_channels = {128, 256, 512, 512};
    c.layers_per_block   = 2;
    c.sample_size        = 512;
    return c;
}

tint::nn::CLIPTextConfig sd15_text() {
    tint::nn::CLIPTextConfig c;
    c.hidden_size         = 768;
    c.intermediate_size   = 3072;
    c.num_hidden_layers   = 12;
    c.num_attention_heads = 12;
    return c;
}

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;
}

template <class F>
std::vector<double> time_runs(int runs, F&& f) {
    f();  // warm-up
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return ms;
}

// ---- operator trace and replay ----

struct TracedOp {
    std::string name;
    c10::OperatorName op;
    std::vector<c10::IValue> inputs;  // the real inputs, kept alive for the replay
};

std::vector<TracedOp>* g_trace = nullptr;
thread_local int t_depth = 0;

std::unique_ptr<at::ObserverContext> on_op_start(const at::RecordFunction& fn) {
    if (t_depth++ == 0 && g_trace) {
        auto op = fn.operator_name();
        if (op) {
            auto in = fn.inputs();
            g_trace->push_back({std::string(fn.name()), *op, std::vector<c10::IValue>(in.begin(), in.end())});
        }
    }
    return nullptr;
}

void on_op_end(const at::RecordFunction&, at::ObserverContext*) { --t_depth; }

bool is_data_movement(const std::string& n) {
    for (const char* m : {"aten::copy_", "aten::clone", "aten::contiguous", "aten::cat", "aten::_to_copy", "aten::to",
                          "aten::stack", "aten::repeat", "aten::expand_as", "aten::index_select"})
        if (n == m) return true;
    return false;
}

int run_ops_case(int lat, int runs) {
    c10::InferenceMode guard;
    torch::manual_seed(0);
    tint::nn::UNet2DConditionModel unet(sd15_unet());
    auto x = torch::randn({2, 4, lat, lat}), ctx = torch::randn({2, 77, 768});
    auto step = [&] { unet->forward(x, torch::tensor(500), ctx); };
    auto own  = time_runs(runs, step);
    std::sort(own.begin(), own.end());

    std::vector<TracedOp> trace;
    g_trace     = &trace;
    auto handle = at::addGlobalCallback(at::RecordFunctionCallback(&on_op_start, &on_op_end)
                                            .needsInputs(true)
                                            .scopes({at::RecordScope::FUNCTION}));
    step();
    at::removeCallback(handle);
    g_trace = nullptr;

    auto& dispatcher = c10::Dispatcher::singleton();
    std::vector<c10::OperatorHandle> handles;
    for (const auto& op : trace) {
        auto h = dispatcher.findSchema(op.op);
        if (!h) {
            std::fprintf(stderr, "no schema for %s\n", op.name.c_str());
            return 1;
        }
        handles.push_back(*h);
    }
    auto replay = [&] {
        for (std::size_t i = 0; i < trace.size(); ++i) {
            torch::jit::Stack stack(trace[i].inputs.begin(), trace[i].inputs.end());
            handles[i].callBoxed(&stack);
        }
    };
    auto rep = time_runs(runs, replay);
    std::sort(rep.begin(), rep.end());

    // Where the time goes: one more replay, each call timed on its own.
    double in_ops = 0, moving = 0;
    int n_moving = 0;
    std::map<std::string, std::pair<int, double>> by_name;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        torch::jit::Stack stack(trace[i].inputs.begin(), trace[i].inputs.end());
        const auto t = Clock::now();
        handles[i].callBoxed(&stack);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
        in_ops += ms;
        by_name[trace[i].name].first += 1;
        by_name[trace[i].name].second += ms;
        if (is_data_movement(trace[i].name)) moving += ms, ++n_moving;
    }
    const double own_ms = own[own.size() / 2], rep_ms = rep[rep.size() / 2];
    std::printf("UNet step, batch 2, %dx%d: own %.1f ms, the same %zu ATen calls replayed %.1f ms (medians of %d): "
                "ratio %.3f\n",
                lat * 8, lat * 8, own_ms, trace.size(), rep_ms, runs, own_ms / rep_ms);
    std::printf("  data movement (copy_, clone, contiguous, cat, to, ...): %d calls, %.1f ms = %.1f %% of a replay\n",
                n_moving, moving, 100.0 * moving / in_ops);
    std::vector<std::pair<double, std::string>> top;
    for (const auto& [n, v] : by_name) top.emplace_back(v.second, n);
    std::sort(top.rbegin(), top.rend());
    for (std::size_t i = 0; i < std::min<std::size_t>(12, top.size()); ++i)
        std::printf("    %-32s %5d calls %9.1f ms %5.1f %%\n", top[i].second.c_str(), by_name[top[i].second].first,
                    top[i].first, 100.0 * top[i].first / in_ops);
    std::printf("  peak RSS %.0f MB\n", peak_rss_mb());
    std::fflush(stdout);
    return 0;
}

int run_case(const std::string& name, int runs) {
    if (name == "unet256-ops") return run_ops_case(32, runs);
    if (name == "unet512-ops") return run_ops_case(64, runs);
    c10::InferenceMode guard;
    torch::manual_seed(0);
    std::vector<double> ms;
    std::string what;
    if (name == "te") {
        tint::nn::CLIPTextModel te(sd15_text());
        auto ids = torch::randint(0, 49407, {2, 77}, torch::kInt64);
        ms       = time_runs(runs, [&] { te->forward(ids); });
        what     = "text encoder, batch 2 x 77 tokens";
    } else if (name == "unet256" || name == "unet512") {
        const int lat = name == "unet256" ? 32 : 64;
        tint::nn::UNet2DConditionModel unet(sd15_unet());
        auto x = torch::randn({2, 4, lat, lat}), ctx = torch::randn({2, 77, 768});
        ms     = time_runs(runs, [&] { unet->forward(x, torch::tensor(500), ctx); });
        what   = "UNet step, batch 2, " + std::to_string(lat * 8) + "x" + std::to_string(lat * 8);
    } else if (name == "vae256" || name == "vae512") {
        const int lat = name == "vae256" ? 32 : 64;
        tint::nn::AutoencoderKL vae(sd15_vae());
        auto z = torch::randn({1, 4, lat, lat});
        ms     = time_runs(runs, [&] { vae->decode(z); });
        what   = "VAE decode, batch 1, " + std::to_string(lat * 8) + "x" + std::to_string(lat * 8);
    } else {
        std::fprintf(stderr, "unknown case '%s'\n", name.c_str());
        return 2;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-36s median %9.1f ms  (min %9.1f, max %9.1f, %d runs)  peak RSS %7.0f MB\n", what.c_str(),
                ms[ms.size() / 2], ms.front(), ms.back(), runs, peak_rss_mb());
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2, runs = 3;
    std::string which = "all";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
        else which = argv[i];
    }
    tint::set_compute_threads(threads);
    if (which != "all") return run_case(which, runs);
    std::printf("LibTorch %s, %d intra-op threads, float32, CPU, inference mode\n",
                tint::runtime_info().torch_version.c_str(), threads);
    for (const char* c : {"te", "unet256", "unet512", "vae256", "vae512", "unet256-ops"}) {
        pid_t pid = fork();
        if (pid == 0) {
            std::string t = std::to_string(threads), r = std::to_string(runs);
            execl(argv[0], argv[0], "--threads", t.c_str(), "--runs", r.c_str(), c, static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::printf("%s: failed (status %d)\n", c, status);
    }
    return 0;
}
