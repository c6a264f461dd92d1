#include "diffusion/ddim.h"

#include <cmath>

#include "io/json_util.h"
#include "tint/Error.h"

namespace tint::diffusion {

using io::json_get;

SchedulerConfig SchedulerConfig::from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    SchedulerConfig c;
    c.num_train_timesteps = json_get(j, "num_train_timesteps", c.num_train_timesteps, where);
    c.beta_start          = json_get(j, "beta_start", c.beta_start, where);
    c.beta_end            = json_get(j, "beta_end", c.beta_end, where);
    c.beta_schedule       = json_get(j, "beta_schedule", c.beta_schedule, where);
    c.set_alpha_to_one    = json_get(j, "set_alpha_to_one", c.set_alpha_to_one, where);
    c.steps_offset        = json_get(j, "steps_offset", c.steps_offset, where);
    c.prediction_type     = json_get(j, "prediction_type", c.prediction_type, where);
    c.timestep_spacing    = json_get(j, "timestep_spacing", c.timestep_spacing, where);
    c.clip_sample         = json_get(j, "clip_sample", c.clip_sample, where);
    c.clip_sample_range   = json_get(j, "clip_sample_range", c.clip_sample_range, where);
    if (c.beta_schedule != "linear" && c.beta_schedule != "scaled_linear")
        throw Error(where + ": beta_schedule '" + c.beta_schedule + "' is not supported (linear, scaled_linear)");
    if (c.prediction_type != "epsilon" && c.prediction_type != "v_prediction" && c.prediction_type != "sample")
        throw Error(where + ": prediction_type '" + c.prediction_type + "' is not supported");
    if (c.timestep_spacing != "leading" && c.timestep_spacing != "trailing" && c.timestep_spacing != "linspace")
        throw Error(where + ": timestep_spacing '" + c.timestep_spacing + "' is not supported");
    if (json_get(j, "thresholding", false, where)) throw Error(where + ": thresholding is not supported");
    if (json_get(j, "rescale_betas_zero_snr", false, where)) throw Error(where + ": rescale_betas_zero_snr is not supported");
    if (j.contains("trained_betas") && !j["trained_betas"].is_null()) throw Error(where + ": trained_betas is not supported");
    if (c.num_train_timesteps < 2) throw Error(where + ": num_train_timesteps must be at least 2");
    return c;
}

DDIMScheduler::DDIMScheduler(SchedulerConfig c) : config_(std::move(c)) {
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    if (config_.beta_schedule == "scaled_linear")
        betas_ = torch::linspace(std::sqrt(config_.beta_start), std::sqrt(config_.beta_end), config_.num_train_timesteps, f32)
                     .pow(2);
    else
        betas_ = torch::linspace(config_.beta_start, config_.beta_end, config_.num_train_timesteps, f32);
    alphas_cumprod_      = torch::cumprod(1.0 - betas_, 0);
    final_alpha_cumprod_ = config_.set_alpha_to_one ? torch::tensor(1.0f) : alphas_cumprod_[0].clone();
}

std::vector<std::int64_t> DDIMScheduler::timesteps(int n, const std::string& spacing_in) const {
    const int T = config_.num_train_timesteps;
    if (n < 1 || n > T) throw Error("DDIM: the number of steps must be between 1 and " + std::to_string(T));
    const std::string spacing = spacing_in.empty() ? config_.timestep_spacing : spacing_in;
    std::vector<std::int64_t> out;
    if (spacing == "leading") {
        const int ratio = T / n;
        for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::int64_t>(i) * ratio + config_.steps_offset);
    } else if (spacing == "trailing") {
        const double ratio = static_cast<double>(T) / n;
        for (int i = 0; i < n; ++i) out.push_back(static_cast<std::int64_t>(std::nearbyint(T - i * ratio)) - 1);
    } else if (spacing == "linspace") {
        const double step = n > 1 ? (T - 1.0) / (n - 1) : 0.0;
        for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::int64_t>(std::nearbyint(i * step)));
    } else {
        throw Error("DDIM: unknown timestep spacing '" + spacing + "'");
    }
    return out;
}

torch::Tensor DDIMScheduler::alpha_at(std::int64_t t) const {
    if (t < 0) return final_alpha_cumprod_;
    if (t >= config_.num_train_timesteps) throw Error("DDIM: timestep " + std::to_string(t) + " is out of range");
    return alphas_cumprod_[t];
}

torch::Tensor DDIMScheduler::to_epsilon(const torch::Tensor& out, std::int64_t t, const torch::Tensor& x) const {
    auto a = alpha_at(t).to(x.device());
    auto b = 1 - a;
    if (config_.prediction_type == "epsilon") return out;
    if (config_.prediction_type == "v_prediction") return a.pow(0.5) * out + b.pow(0.5) * x;
    return (x - a.pow(0.5) * out) / b.pow(0.5);  // "sample"
}

StepOutput DDIMScheduler::step(const torch::Tensor& model_output, std::int64_t t, const torch::Tensor& sample, int n) const {
    const std::int64_t prev_t = t - config_.num_train_timesteps / n;
    auto a_t    = alpha_at(t).to(sample.device());
    auto a_prev = alpha_at(prev_t).to(sample.device());
    auto beta_t = 1 - a_t;
    torch::Tensor x0, eps;
    if (config_.prediction_type == "epsilon") {
        x0  = (sample - beta_t.pow(0.5) * model_output) / a_t.pow(0.5);
        eps = model_output;
    } else if (config_.prediction_type == "v_prediction") {
        x0  = a_t.pow(0.5) * sample - beta_t.pow(0.5) * model_output;
        eps = a_t.pow(0.5) * model_output + beta_t.pow(0.5) * sample;
    } else {
        x0  = model_output;
        eps = (sample - a_t.pow(0.5) * x0) / beta_t.pow(0.5);
    }
    if (config_.clip_sample) {
        x0  = x0.clamp(-config_.clip_sample_range, config_.clip_sample_range);
        eps = (sample - a_t.pow(0.5) * x0) / beta_t.pow(0.5);
    }
    StepOutput o;
    o.pred_original_sample = x0;
    o.prev_sample          = a_prev.pow(0.5) * x0 + (1 - a_prev).pow(0.5) * eps;
    return o;
}

torch::Tensor DDIMScheduler::change_timestep(const torch::Tensor& eps, std::int64_t t_from, std::int64_t t_to,
                                             const torch::Tensor& z) const {
    auto a_from = alpha_at(t_from).to(z.device());
    auto a_to   = alpha_at(t_to).to(z.device());
    return a_to.sqrt() * (z - (1 - a_from).sqrt() * eps) / a_from.sqrt() + (1 - a_to).sqrt() * eps;
}

}  // namespace tint::diffusion
