#pragma once
// The optimiser step and learning-rate schedule shared by the student trainer and the teacher
// fine-tuning, written out (not torch::optim) so that results are the same in every LibTorch and
// the optimiser state can be checkpointed as plain tensors.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tint::distill {

/// torch.optim.AdamW's update of one parameter (amsgrad off), for step t >= 1 (1-based), under
/// NoGradGuard: decoupled weight decay, then the bias-corrected moment step. m and v are updated.
inline void adamw_update(torch::Tensor& p, const torch::Tensor& g, torch::Tensor& m, torch::Tensor& v, double lr,
                         double weight_decay, double t, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) {
    p.mul_(1.0 - lr * weight_decay);
    m.mul_(beta1).add_(g, 1.0 - beta1);
    v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
    const double bc1 = 1.0 - std::pow(beta1, t), bc2 = 1.0 - std::pow(beta2, t);
    const torch::Tensor denom = (v.sqrt() / std::sqrt(bc2)).add_(eps);
    p.addcdiv_(m, denom, -lr / bc1);
}

/// Linear warm-up over `warmup` steps to 1, then cosine decay to 0 at `total`: the factor of the
/// peak learning rate at `step` (0-based).
inline double warmup_cosine(std::int64_t step, std::int64_t total, std::int64_t warmup) {
    if (step < warmup) return static_cast<double>(step + 1) / static_cast<double>(warmup);
    const std::int64_t span = std::max<std::int64_t>(1, total - warmup);
    const double progress   = static_cast<double>(step - warmup) / static_cast<double>(span);
    return 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

}  // namespace tint::distill
