#pragma once
// The three TINT operations on a loaded pipeline (TINT-REFERENCE.md §2-§4): textual inversion of
// one class token, null-text inversion of a class's supports as one batch, and TINT sampling.
// Every random draw derives from (seed, step) so that a run stopped after step k and resumed from
// its saved state is bit-identical to one that never stopped.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "diffusion/pipeline.h"
#include "runtime/seed.h"
#include "tint/adam.h"

namespace tint {
class JobContext;
}

namespace tint::tinv {

using ::tint::mix_seed;  // runtime/seed.h


// ---------------------------------------------------------------- textual inversion (§2)

struct TIConfig {
    int steps            = 5000;
    double lr            = 1e-3;
    double weight_decay  = 0.01;
    int min_timestep     = 250;   ///< t ~ U{min_timestep, ..., num_train_timesteps - 1}
    int batch            = 1;     ///< supports per optimisation step
    int epoch_items      = 500;   ///< the reference's virtual epoch (item i -> support i % K)
    bool early_stop      = false; ///< stop when the windowed mean loss stops improving
    int plateau_window   = 250;
    double plateau_rel   = 0.01;  ///< "improving" = below the best window mean by this fraction
    int plateau_patience = 3;     ///< windows without improvement before stopping
    std::uint64_t seed   = 0;
};

struct TIState {
    torch::Tensor row;  ///< [1, D] float32: the learned token embedding
    AdamState adam;
    int step = 0;                 ///< steps done
    std::vector<float> losses;    ///< one per step done
    bool stopped_early = false;   ///< ended by the plateau rule
    bool finished(const TIConfig& c) const { return stopped_early || step >= c.steps; }
};

/// Runs textual-inversion steps from `state` until the configured count, a plateau (if enabled),
/// or any cancel request (checked before every step; the state is then the last finished step).
/// `ids` [1, 77] holds the prompt with the placeholder id (= vocab size of the text encoder);
/// `z0` [K, C, h, w] are the supports' scaled VAE posterior means. `on_step` runs after each step.
void run_textual_inversion(diffusion::Pipeline& p, const torch::Tensor& ids, const torch::Tensor& z0,
                           const TIConfig& cfg, TIState& state, const std::function<void(const TIState&)>& on_step,
                           JobContext& ctx);

/// The mean textual-inversion loss of `row` over a fixed set of (support, timestep, noise) draws.
double textual_inversion_eval_loss(diffusion::Pipeline& p, const torch::Tensor& ids, const torch::Tensor& z0,
                                   const torch::Tensor& row, int draws, int min_timestep, std::uint64_t seed);

/// The `k` vocabulary rows nearest to `row` by cosine similarity: (id, similarity), best first.
std::vector<std::pair<int, double>> nearest_tokens(diffusion::Pipeline& p, const torch::Tensor& row, int k);

// ---------------------------------------------------------------- null-text inversion (§3)

struct NTIConfig {
    int steps       = 25;
    double guidance = 7.5;
    int inner_steps = 10;
    double lr       = 1e-2;
    double epsilon  = 1e-5;  ///< stop a support's inner loop once its loss is below this
};

struct NTIState {
    torch::Tensor latents;             ///< [steps + 1, K, C, h, w]: DDIM inversion z_0 .. z_T
    torch::Tensor zc;                  ///< [K, C, h, w]: the current latent of the guided pass
    torch::Tensor u;                   ///< [K, S, D]: the current unconditional embedding
    std::vector<torch::Tensor> traj;   ///< per finished timestep [K, S, D]
    std::vector<std::vector<float>> first_loss;  ///< per finished timestep, per support: before optimising
    std::vector<std::vector<float>> final_loss;  ///< per finished timestep, per support: after the last step
    std::vector<std::vector<int>> iterations;    ///< per finished timestep, per support: inner steps used
    int done() const { return static_cast<int>(traj.size()); }
};

/// The descending timesteps TINT uses: `n` trailing-spaced DDIM steps.
std::vector<std::int64_t> tint_timesteps(const diffusion::Pipeline& p, int n);

/// DDIM inversion of z0 [K, ...] under `cond` [1, S, D] (conditional only, noise predicted at the
/// target timestep): [n + 1, K, ...] from z_0 to z_T.
torch::Tensor ddim_invert(diffusion::Pipeline& p, const torch::Tensor& z0, const torch::Tensor& cond,
                          const std::vector<std::int64_t>& ts, JobContext& ctx);

/// Starts a null-text inversion state from DDIM-inverted latents and the empty-prompt embedding.
NTIState start_null_text(const torch::Tensor& latents, const torch::Tensor& empty_embedding);

/// Optimises the remaining timesteps. Supports stop their inner loops independently (a support
/// whose loss is below epsilon is no longer updated or evaluated), so the batch gives what each
/// support gives alone. Cancel is polled before every inner step; a cancelled timestep is dropped
/// and the state stays at the last finished one. `on_timestep` runs after each finished timestep.
/// `until` > 0 stops once that many timesteps are done.
void run_null_text(diffusion::Pipeline& p, const torch::Tensor& cond, const std::vector<std::int64_t>& ts,
                   const NTIConfig& cfg, NTIState& state, const std::function<void(const NTIState&)>& on_timestep,
                   JobContext& ctx, int until = -1);

/// The supports [first, first + count) of a state, as a state of their own.
NTIState slice(const NTIState& s, std::int64_t first, std::int64_t count);

// ---------------------------------------------------------------- sampling (§4)

/// Guided DDIM from z [B, ...] over `ts` with per-step, per-sample unconditional embeddings
/// (`uncond(i)` -> [B, S, D]) and the condition `cond` [1, S, D]. Ends at alphas_cumprod[0].
torch::Tensor guided_sample(diffusion::Pipeline& p, torch::Tensor z, const torch::Tensor& cond,
                            const std::function<torch::Tensor(std::size_t)>& uncond,
                            const std::vector<std::int64_t>& ts, double guidance, JobContext& ctx,
                            const std::function<void(std::size_t)>& on_step = {});

/// The TINT start latent: (1 - alpha) z_inv + alpha eps, rescaled so that its RMS is the same blend of
/// the two RMS values (identity for alpha = 1).
torch::Tensor blend_start_latent(const torch::Tensor& z_inv, const torch::Tensor& eps, double alpha);

}  // namespace tint::tinv
