#pragma once
// Adam and AdamW on a single tensor, written out so that the optimiser state is plain tensors we
// can checkpoint and restore exactly. The arithmetic follows torch.optim.Adam / AdamW (single-tensor
// path, no amsgrad): a resumed run continues bit for bit.
#include <torch/torch.h>

#include <cmath>
#include <cstdint>

namespace tint::tinv {

struct AdamOptions {
    double lr           = 1e-3;
    double beta1        = 0.9;
    double beta2        = 0.999;
    double eps          = 1e-8;
    double weight_decay = 0.0;
    bool decoupled      = false;  ///< AdamW: decay the parameter itself, not the gradient
};

struct AdamState {
    torch::Tensor exp_avg, exp_avg_sq;  ///< same shape as the parameter
    std::int64_t step = 0;
};

/// One update of `param` (in place, no autograd) from `grad`.
inline void adam_step(torch::Tensor& param, torch::Tensor grad, AdamState& s, const AdamOptions& o) {
    torch::NoGradGuard no_grad;
    if (!s.exp_avg.defined()) {
        s.exp_avg    = torch::zeros_like(param);
        s.exp_avg_sq = torch::zeros_like(param);
    }
    ++s.step;
    if (o.weight_decay != 0) {
        if (o.decoupled) param.mul_(1.0 - o.lr * o.weight_decay);
        else grad = grad.add(param, o.weight_decay);
    }
    s.exp_avg.lerp_(grad, 1.0 - o.beta1);
    s.exp_avg_sq.mul_(o.beta2).addcmul_(grad, grad, 1.0 - o.beta2);
    const double bc1       = 1.0 - std::pow(o.beta1, static_cast<double>(s.step));
    const double bc2       = 1.0 - std::pow(o.beta2, static_cast<double>(s.step));
    const double step_size = o.lr / bc1;
    auto denom             = (s.exp_avg_sq.sqrt() / std::sqrt(bc2)).add_(o.eps);
    param.addcdiv_(s.exp_avg, denom, -step_size);
}

}  // namespace tint::tinv
