#include "tint/tint_ops.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "tint/Error.h"
#include "tint/JobContext.h"

namespace tint::tinv {

namespace {

torch::Tensor unet_out(diffusion::Pipeline& p, const torch::Tensor& z, const torch::Tensor& t,
                       const torch::Tensor& context) {
    return p.unet->forward(z.to(p.dtype), t.to(p.device), context.to(p.dtype)).to(torch::kFloat32);
}

// The draws of one textual-inversion step: which supports, which timesteps, which noise.
struct TIDraw {
    std::vector<std::int64_t> support, timestep;
    torch::Tensor noise;
};

class TIDrawer {
public:
    TIDrawer(const TIConfig& c, std::int64_t k, std::int64_t num_train, at::IntArrayRef latent_shape)
        : c_(c), k_(k), num_train_(num_train), shape_(latent_shape.vec()) {}

    TIDraw draw(int step) {
        TIDraw d;
        for (int b = 0; b < c_.batch; ++b) {
            const std::int64_t item  = static_cast<std::int64_t>(step) * c_.batch + b;
            const std::int64_t epoch = item / c_.epoch_items;
            if (epoch != epoch_) {  // the reference shuffles its 500-item virtual dataset per epoch
                perm_.resize(static_cast<std::size_t>(c_.epoch_items));
                std::iota(perm_.begin(), perm_.end(), 0);
                std::mt19937_64 rng(mix_seed(c_.seed, static_cast<std::uint64_t>(epoch), 2));
                std::shuffle(perm_.begin(), perm_.end(), rng);
                epoch_ = epoch;
            }
            d.support.push_back(perm_[static_cast<std::size_t>(item % c_.epoch_items)] % k_);
        }
        std::mt19937_64 rng(mix_seed(c_.seed, static_cast<std::uint64_t>(step), 1));
        std::uniform_int_distribution<std::int64_t> t(c_.min_timestep, num_train_ - 1);
        for (int b = 0; b < c_.batch; ++b) d.timestep.push_back(t(rng));
        auto shape = shape_;
        shape[0]   = c_.batch;
        d.noise    = diffusion::seeded_noise(mix_seed(c_.seed, static_cast<std::uint64_t>(step), 3), shape);
        return d;
    }

private:
    TIConfig c_;
    std::int64_t k_, num_train_;
    std::vector<std::int64_t> shape_;
    std::int64_t epoch_ = -1;
    std::vector<std::int64_t> perm_;
};

// Loss of one draw: MSE between the UNet's prediction and its training target.
torch::Tensor ti_loss(diffusion::Pipeline& p, const torch::Tensor& ids, const torch::Tensor& z0,
                      const torch::Tensor& row, const TIDraw& d) {
    auto dev     = p.device;
    auto sidx    = torch::tensor(d.support, torch::kInt64).to(dev);
    auto tt      = torch::tensor(d.timestep, torch::kInt64);
    auto x0      = z0.index_select(0, sidx);
    auto noise   = d.noise.to(dev);
    auto ac      = p.scheduler->alphas_cumprod().index_select(0, tt).to(dev).view({-1, 1, 1, 1});
    auto xt      = ac.sqrt() * x0 + (1 - ac).sqrt() * noise;
    auto cond    = p.text_encoder->forward(ids, row).last_hidden_state;
    auto B       = static_cast<std::int64_t>(d.support.size());
    auto pred    = unet_out(p, xt, tt, cond.expand({B, -1, -1}));
    const auto& pt = p.scheduler->config().prediction_type;
    torch::Tensor target = noise;
    if (pt == "v_prediction") target = ac.sqrt() * noise - (1 - ac).sqrt() * x0;
    else if (pt == "sample") target = x0;
    return torch::mse_loss(pred, target);
}

}  // namespace

void run_textual_inversion(diffusion::Pipeline& p, const torch::Tensor& ids, const torch::Tensor& z0,
                           const TIConfig& cfg, TIState& st, const std::function<void(const TIState&)>& on_step,
                           JobContext& ctx) {
    if (cfg.batch < 1 || cfg.epoch_items < 1) throw Error("textual inversion: batch and epoch size must be positive");
    const auto num_train = static_cast<std::int64_t>(p.scheduler->config().num_train_timesteps);
    if (cfg.min_timestep < 0 || cfg.min_timestep >= num_train)
        throw Error("textual inversion: the minimum timestep must lie in [0, " + std::to_string(num_train) + ")");
    TIDrawer drawer(cfg, z0.size(0), num_train, z0.sizes());
    AdamOptions opt;
    opt.lr           = cfg.lr;
    opt.weight_decay = cfg.weight_decay;
    opt.decoupled    = true;
    while (!st.finished(cfg)) {
        if (ctx.stop_before_next_item()) return;
        auto row  = st.row.detach().to(p.device).requires_grad_(true);
        auto loss = ti_loss(p, ids, z0, row, drawer.draw(st.step));
        auto grad = torch::autograd::grad({loss}, {row})[0].to(torch::kCPU);
        adam_step(st.row, grad, st.adam, opt);
        st.losses.push_back(loss.item<float>());
        ++st.step;
        if (cfg.early_stop && st.step % cfg.plateau_window == 0) {
            // Windowed means of the (very noisy, timestep-dependent) loss; stop after `patience`
            // windows that do not beat the best by the relative margin.
            const int windows = st.step / cfg.plateau_window;
            double best = 1e300;
            int since   = 0;
            for (int w = 0; w < windows; ++w) {
                double m = 0;
                for (int i = 0; i < cfg.plateau_window; ++i) m += st.losses[static_cast<std::size_t>(w * cfg.plateau_window + i)];
                m /= cfg.plateau_window;
                if (m < best * (1.0 - cfg.plateau_rel)) best = m, since = 0;
                else ++since;
            }
            if (since >= cfg.plateau_patience) st.stopped_early = true;
        }
        if (on_step) on_step(st);
    }
}

double textual_inversion_eval_loss(diffusion::Pipeline& p, const torch::Tensor& ids, const torch::Tensor& z0,
                                   const torch::Tensor& row, int draws, int min_timestep, std::uint64_t seed) {
    torch::NoGradGuard no_grad;
    TIConfig c;
    c.seed         = seed;
    c.min_timestep = min_timestep;
    c.batch        = static_cast<int>(z0.size(0));
    c.epoch_items  = c.batch;
    TIDrawer drawer(c, z0.size(0), p.scheduler->config().num_train_timesteps, z0.sizes());
    double sum = 0;
    for (int i = 0; i < draws; ++i) sum += ti_loss(p, ids, z0, row.to(p.device), drawer.draw(i)).item<double>();
    return sum / draws;
}

std::vector<std::pair<int, double>> nearest_tokens(diffusion::Pipeline& p, const torch::Tensor& row, int k) {
    torch::NoGradGuard no_grad;
    auto table = p.text_encoder->text_model->embeddings->token_embedding->weight.to(torch::kFloat32);
    auto sims  = torch::nn::functional::cosine_similarity(
        table, row.to(table.device()).view({1, -1}), torch::nn::functional::CosineSimilarityFuncOptions().dim(1));
    auto top = sims.topk(std::min<std::int64_t>(k, sims.size(0)));
    auto v   = std::get<0>(top).to(torch::kCPU);
    auto i   = std::get<1>(top).to(torch::kCPU);
    std::vector<std::pair<int, double>> out;
    for (std::int64_t j = 0; j < v.size(0); ++j)
        out.emplace_back(static_cast<int>(i[j].item<std::int64_t>()), v[j].item<double>());
    return out;
}

std::vector<std::int64_t> tint_timesteps(const diffusion::Pipeline& p, int n) {
    return p.scheduler->timesteps(n, "trailing");
}

torch::Tensor ddim_invert(diffusion::Pipeline& p, const torch::Tensor& z0, const torch::Tensor& cond,
                          const std::vector<std::int64_t>& ts, JobContext& ctx) {
    torch::NoGradGuard no_grad;
    const auto K = z0.size(0);
    auto c       = cond.expand({K, -1, -1});
    std::vector<torch::Tensor> zs{z0};
    auto z            = z0;
    std::int64_t from = 0;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        ctx.throw_if_cancelled();
        const std::int64_t to = ts[ts.size() - 1 - i];
        auto eps = p.scheduler->to_epsilon(unet_out(p, z, torch::tensor(to), c), to, z);
        z        = p.scheduler->change_timestep(eps, from, to, z);
        from     = to;
        zs.push_back(z);
    }
    return torch::stack(zs);
}

NTIState start_null_text(const torch::Tensor& latents, const torch::Tensor& empty_embedding) {
    NTIState s;
    s.latents = latents;
    s.zc      = latents[latents.size(0) - 1].clone();
    const auto K = latents.size(1);
    s.u       = empty_embedding.to(torch::kFloat32).expand({K, -1, -1}).contiguous().clone();
    return s;
}

void run_null_text(diffusion::Pipeline& p, const torch::Tensor& cond, const std::vector<std::int64_t>& ts,
                   const NTIConfig& cfg, NTIState& st, const std::function<void(const NTIState&)>& on_timestep,
                   JobContext& ctx, int until) {
    const auto K     = st.zc.size(0);
    const int n      = static_cast<int>(ts.size());
    const double w   = cfg.guidance;
    AdamOptions opt;
    opt.lr = cfg.lr;
    const int stop = until > 0 ? std::min(until, n) : n;
    while (st.done() < stop) {
        if (ctx.stop_before_next_item()) return;
        const int ix             = st.done();
        const std::int64_t t     = ts[static_cast<std::size_t>(ix)];
        const std::int64_t tprev = ix + 1 < n ? ts[static_cast<std::size_t>(ix + 1)] : 0;
        auto target              = st.latents[n - 1 - ix];
        torch::Tensor eps_c;
        {
            torch::NoGradGuard no_grad;
            eps_c = p.scheduler->to_epsilon(unet_out(p, st.zc, torch::tensor(t), cond.expand({K, -1, -1})), t, st.zc);
        }
        auto u = st.u.clone();
        std::vector<AdamState> adam(static_cast<std::size_t>(K));
        std::vector<float> last(static_cast<std::size_t>(K), 0.f), first(static_cast<std::size_t>(K), 0.f);
        std::vector<int> iters(static_cast<std::size_t>(K), 0);
        std::vector<std::int64_t> active(static_cast<std::size_t>(K));
        std::iota(active.begin(), active.end(), 0);
        for (int it = 0; it < cfg.inner_steps && !active.empty(); ++it) {
            if (ctx.cancel().mode() == CancelMode::Now) return;  // drop the unfinished timestep
            auto idx  = torch::tensor(active, torch::kInt64).to(p.device);
            auto ua   = u.index_select(0, idx.to(u.device())).to(p.device).requires_grad_(true);
            auto za   = st.zc.index_select(0, idx);
            auto eca  = eps_c.index_select(0, idx);
            auto eu   = p.scheduler->to_epsilon(unet_out(p, za, torch::tensor(t), ua), t, za);
            auto prev = p.scheduler->change_timestep(eu + w * (eca - eu), t, tprev, za);
            auto per  = (prev - target.index_select(0, idx)).pow(2).flatten(1).mean(1);
            auto grad = torch::autograd::grad({per.sum()}, {ua})[0].to(u.device());
            auto lv   = per.detach().to(torch::kCPU);
            std::vector<std::int64_t> still;
            for (std::size_t j = 0; j < active.size(); ++j) {
                const auto k = static_cast<std::size_t>(active[j]);
                auto uk      = u.select(0, active[j]);
                adam_step(uk, grad.select(0, static_cast<std::int64_t>(j)), adam[k], opt);
                last[k] = lv[static_cast<std::int64_t>(j)].item<float>();
                if (it == 0) first[k] = last[k];
                ++iters[k];
                if (!(last[k] < cfg.epsilon)) still.push_back(active[j]);  // checked after the step, as the reference
            }
            active.swap(still);
        }
        {
            torch::NoGradGuard no_grad;
            auto zz  = st.zc;
            auto out = unet_out(p, torch::cat({zz, zz}), torch::tensor(t), torch::cat({u, cond.expand({K, -1, -1})}));
            auto e   = out.chunk(2);
            auto eu  = p.scheduler->to_epsilon(e[0], t, zz);
            auto ec  = p.scheduler->to_epsilon(e[1], t, zz);
            st.zc    = p.scheduler->change_timestep(eu + w * (ec - eu), t, tprev, zz);
        }
        st.u = u;
        st.traj.push_back(u.clone());
        st.first_loss.push_back(first);
        st.final_loss.push_back(last);
        st.iterations.push_back(iters);
        if (on_timestep) on_timestep(st);
    }
}

NTIState slice(const NTIState& s, std::int64_t first, std::int64_t count) {
    NTIState o;
    o.latents = s.latents.narrow(1, first, count).clone();
    o.zc      = s.zc.narrow(0, first, count).clone();
    o.u       = s.u.narrow(0, first, count).clone();
    for (const auto& t : s.traj) o.traj.push_back(t.narrow(0, first, count).clone());
    auto pick = [&](const std::vector<std::vector<float>>& v) {
        std::vector<std::vector<float>> r;
        for (const auto& x : v) r.emplace_back(x.begin() + first, x.begin() + first + count);
        return r;
    };
    o.first_loss = pick(s.first_loss);
    o.final_loss = pick(s.final_loss);
    for (const auto& x : s.iterations) o.iterations.emplace_back(x.begin() + first, x.begin() + first + count);
    return o;
}

torch::Tensor guided_sample(diffusion::Pipeline& p, torch::Tensor z, const torch::Tensor& cond,
                            const std::function<torch::Tensor(std::size_t)>& uncond,
                            const std::vector<std::int64_t>& ts, double guidance, JobContext& ctx,
                            const std::function<void(std::size_t)>& on_step) {
    torch::NoGradGuard no_grad;
    const auto B = z.size(0);
    auto c       = cond.expand({B, -1, -1});
    for (std::size_t i = 0; i < ts.size(); ++i) {
        ctx.throw_if_cancelled();
        const std::int64_t t     = ts[i];
        const std::int64_t tprev = i + 1 < ts.size() ? ts[i + 1] : 0;
        auto out = unet_out(p, torch::cat({z, z}), torch::tensor(t), torch::cat({uncond(i).to(p.device), c}));
        auto e   = out.chunk(2);
        auto eu  = p.scheduler->to_epsilon(e[0], t, z);
        auto ec  = p.scheduler->to_epsilon(e[1], t, z);
        z        = p.scheduler->change_timestep(eu + guidance * (ec - eu), t, tprev, z);
        if (on_step) on_step(i);
    }
    return z;
}

torch::Tensor blend_start_latent(const torch::Tensor& z_inv, const torch::Tensor& eps, double alpha) {
    if (alpha >= 1.0) return eps;
    auto rms = [](const torch::Tensor& x) { return x.pow(2).flatten(1).mean(1).sqrt().view({-1, 1, 1, 1}); };
    auto z   = (1 - alpha) * z_inv + alpha * eps;
    return z / rms(z) * ((1 - alpha) * rms(z_inv) + alpha * rms(eps));
}

}  // namespace tint::tinv
