#pragma once
// Port of diffusers.schedulers.scheduling_ddim.DDIMScheduler (eta = 0), plus the inverse step and
// the timestep change used by DDIM inversion and TINT.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace tint::diffusion {

struct SchedulerConfig {
    int num_train_timesteps = 1000;
    double beta_start       = 0.0001;
    double beta_end         = 0.02;
    std::string beta_schedule   = "linear";
    bool set_alpha_to_one       = true;
    int steps_offset            = 0;
    std::string prediction_type = "epsilon";
    std::string timestep_spacing = "leading";
    bool clip_sample   = true;
    double clip_sample_range = 1.0;

    static SchedulerConfig from_json(const nlohmann::json& j, const std::string& where);
};

struct StepOutput {
    torch::Tensor prev_sample;
    torch::Tensor pred_original_sample;
};

class DDIMScheduler {
public:
    explicit DDIMScheduler(SchedulerConfig config);

    const SchedulerConfig& config() const { return config_; }
    /// Float32 [num_train_timesteps].
    const torch::Tensor& betas() const { return betas_; }
    const torch::Tensor& alphas_cumprod() const { return alphas_cumprod_; }
    /// alphas_cumprod[0] or 1 (set_alpha_to_one), as a float32 0-dim tensor.
    const torch::Tensor& final_alpha_cumprod() const { return final_alpha_cumprod_; }

    /// The descending timesteps of an n-step schedule ("leading", "trailing" or "linspace";
    /// empty: the config's spacing).
    std::vector<std::int64_t> timesteps(int n, const std::string& spacing = {}) const;

    /// One deterministic DDIM step from t to t - T/n (T = num_train_timesteps).
    StepOutput step(const torch::Tensor& model_output, std::int64_t t, const torch::Tensor& sample, int n) const;

    /// alphas_cumprod at t as a 0-dim float32 tensor; t < 0 gives final_alpha_cumprod.
    torch::Tensor alpha_at(std::int64_t t) const;

    /// Moves z from timestep t_from to t_to along the noise `eps` (DDIM with eta 0):
    /// z0 = (z - sqrt(1 - a_from) eps) / sqrt(a_from); z' = sqrt(a_to) z0 + sqrt(1 - a_to) eps.
    /// t = -1 stands for final_alpha_cumprod (t_from = 0 at the clean image uses alphas_cumprod[0]).
    torch::Tensor change_timestep(const torch::Tensor& eps, std::int64_t t_from, std::int64_t t_to,
                                  const torch::Tensor& z) const;

    /// Noise prediction from a model output (epsilon, v_prediction or sample) at timestep t.
    torch::Tensor to_epsilon(const torch::Tensor& model_output, std::int64_t t, const torch::Tensor& sample) const;

private:
    SchedulerConfig config_;
    torch::Tensor betas_, alphas_cumprod_, final_alpha_cumprod_;
};

}  // namespace tint::diffusion
