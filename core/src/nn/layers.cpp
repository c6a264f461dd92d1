// Port of diffusers 0.30 building blocks: attention_processor.Attention (AttnProcessor),
// resnet.ResnetBlock2D, downsampling.Downsample2D, upsampling.Upsample2D, embeddings.Timesteps and
// TimestepEmbedding, activations.GEGLU, attention.FeedForward and BasicTransformerBlock,
// transformers.transformer_2d.Transformer2DModel.
#include "nn/layers.h"

#include <torch/version.h>

#include <cmath>

#include "tint/Error.h"

namespace tint::nn {

namespace F = torch::nn::functional;

torch::Tensor scaled_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, double scale,
                               bool upcast, bool upcast_softmax, std::int64_t max_score_elements) {
    const auto dtype = q.scalar_type();
#if TORCH_VERSION_MAJOR >= 2
    // Fused kernels on the GPU (flash / memory-efficient attention) never hold the score matrix.
    if (q.is_cuda()) {
        auto out = at::scaled_dot_product_attention(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), {}, 0.0, false, scale);
        return out.squeeze(0);
    }
#endif
    torch::Tensor qq = upcast ? q.to(torch::kFloat32) : q;
    torch::Tensor kt = (upcast ? k.to(torch::kFloat32) : k).transpose(-1, -2);
    const std::int64_t bh = q.size(0), sq = q.size(1), sk = k.size(1);
    const std::int64_t rows = std::max<std::int64_t>(1, max_score_elements / std::max<std::int64_t>(1, bh * sk));
    auto block = [&](const torch::Tensor& qc) {
        // attention_scores = scale * q k^T, as diffusers' baddbmm(empty, q, k^T, beta=0, alpha=scale). With
        // beta = 0, LibTorch 1.13 leaves its output uninitialised and some CPU kernels still compute
        // output * beta (NaN garbage * 0 = NaN), so add zeros with beta = 1 instead: the same numbers.
        auto scores = torch::baddbmm(torch::zeros({qc.size(0), qc.size(1), sk}, qc.options()), qc, kt, 1.0, scale);
        if (upcast_softmax) scores = scores.to(torch::kFloat32);
        auto probs = scores.softmax(-1).to(dtype);
        return torch::bmm(probs, v);
    };
    if (rows >= sq) return block(qq);
    std::vector<torch::Tensor> parts;
    for (std::int64_t s = 0; s < sq; s += rows) parts.push_back(block(qq.narrow(1, s, std::min(rows, sq - s)).contiguous()));
    return torch::cat(parts, 1);
}

AttentionImpl::AttentionImpl(const Options& o) : opt_(o) {
    const std::int64_t inner = o.heads * o.dim_head;
    const std::int64_t kv_in = o.cross_attention_dim > 0 ? o.cross_attention_dim : o.query_dim;
    scale_                   = 1.0 / std::sqrt(static_cast<double>(o.dim_head));
    if (o.norm_groups > 0)
        group_norm = register_module(
            "group_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.norm_groups, o.query_dim).eps(o.norm_eps)));
    to_q   = register_module("to_q", torch::nn::Linear(torch::nn::LinearOptions(o.query_dim, inner).bias(o.bias)));
    to_k   = register_module("to_k", torch::nn::Linear(torch::nn::LinearOptions(kv_in, inner).bias(o.bias)));
    to_v   = register_module("to_v", torch::nn::Linear(torch::nn::LinearOptions(kv_in, inner).bias(o.bias)));
    to_out = register_module("to_out", torch::nn::ModuleList());
    to_out->push_back(torch::nn::Linear(torch::nn::LinearOptions(inner, o.query_dim).bias(true)));
    to_out->push_back(torch::nn::Dropout(0.0));  // to_out.1 is nn.Dropout
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& input, const torch::Tensor& context) {
    torch::Tensor x = input;
    const bool spatial = x.dim() == 4;
    std::int64_t B = x.size(0), C = 0, H = 0, W = 0;
    if (spatial) {
        C = x.size(1), H = x.size(2), W = x.size(3);
        x = x.view({B, C, H * W}).transpose(1, 2);  // [B, HW, C]
    }
    if (group_norm) x = group_norm->forward(x.transpose(1, 2)).transpose(1, 2);
    const torch::Tensor& ctx = context.defined() ? context : x;
    auto q = to_q->forward(x), k = to_k->forward(ctx), v = to_v->forward(ctx);  // [B, S, heads*dim_head]
    const std::int64_t h = opt_.heads, d = opt_.dim_head;
    auto to_batch = [&](const torch::Tensor& t) {  // head_to_batch_dim: [B, S, h*d] -> [B*h, S, d]
        return t.reshape({B, t.size(1), h, d}).permute({0, 2, 1, 3}).reshape({B * h, t.size(1), d});
    };
    auto out = scaled_attention(to_batch(q), to_batch(k), to_batch(v), scale_, opt_.upcast_attention, opt_.upcast_softmax);
    out      = out.reshape({B, h, out.size(1), d}).permute({0, 2, 1, 3}).reshape({B, out.size(1), h * d});
    out      = to_out[0]->as<torch::nn::Linear>()->forward(out);
    if (spatial) out = out.transpose(-1, -2).reshape({B, C, H, W});
    if (opt_.residual_connection) out = out + input;
    return out;
}

ResnetBlock2DImpl::ResnetBlock2DImpl(std::int64_t in, std::int64_t out, std::int64_t temb, std::int64_t groups, double eps,
                                     double output_scale_factor)
    : output_scale_factor_(output_scale_factor) {
    using namespace torch::nn;
    norm1 = register_module("norm1", GroupNorm(GroupNormOptions(groups, in).eps(eps)));
    conv1 = register_module("conv1", Conv2d(Conv2dOptions(in, out, 3).padding(1)));
    if (temb > 0) time_emb_proj = register_module("time_emb_proj", Linear(temb, out));
    norm2 = register_module("norm2", GroupNorm(GroupNormOptions(groups, out).eps(eps)));
    // dropout is parameter-free
    conv2 = register_module("conv2", Conv2d(Conv2dOptions(out, out, 3).padding(1)));
    if (in != out) conv_shortcut = register_module("conv_shortcut", Conv2d(Conv2dOptions(in, out, 1)));
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
    auto h = conv1->forward(F::silu(norm1->forward(x)));
    if (time_emb_proj && temb.defined()) h = h + time_emb_proj->forward(F::silu(temb)).unsqueeze(-1).unsqueeze(-1);
    h           = conv2->forward(F::silu(norm2->forward(h)));
    auto shortcut = conv_shortcut ? conv_shortcut->forward(x) : x;
    auto out    = shortcut + h;
    return output_scale_factor_ == 1.0 ? out : out / output_scale_factor_;
}

Downsample2DImpl::Downsample2DImpl(std::int64_t channels, std::int64_t out_channels, std::int64_t padding)
    : padding_(padding) {
    conv = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out_channels, 3).stride(2).padding(padding)));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x) {
    if (padding_ == 0) return conv->forward(F::pad(x, F::PadFuncOptions({0, 1, 0, 1}).mode(torch::kConstant).value(0)));
    return conv->forward(x);
}

Upsample2DImpl::Upsample2DImpl(std::int64_t channels, std::int64_t out_channels) {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out_channels, 3).padding(1)));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x, std::optional<std::vector<std::int64_t>> output_size) {
    auto opts = F::InterpolateFuncOptions().mode(torch::kNearest);
    if (output_size)
        opts.size(*output_size);
    else
        opts.scale_factor(std::vector<double>{2.0, 2.0});
    torch::Tensor in = x.scalar_type() == torch::kBFloat16 ? x.to(torch::kFloat32) : x;
    return conv->forward(F::interpolate(in, opts).to(x.scalar_type()));
}

torch::Tensor timestep_embedding(const torch::Tensor& timesteps, std::int64_t dim, bool flip_sin_to_cos,
                                 double downscale_freq_shift) {
    const std::int64_t half = dim / 2;
    auto exponent = torch::arange(0, half, timesteps.options().dtype(torch::kFloat32)) * (-std::log(10000.0));
    exponent      = exponent / (static_cast<double>(half) - downscale_freq_shift);
    auto emb      = timesteps.unsqueeze(1).to(torch::kFloat32) * torch::exp(exponent).unsqueeze(0);
    emb           = torch::cat({torch::sin(emb), torch::cos(emb)}, -1);
    if (flip_sin_to_cos) emb = torch::cat({emb.narrow(1, half, half), emb.narrow(1, 0, half)}, -1);
    if (dim % 2 == 1) emb = F::pad(emb, F::PadFuncOptions({0, 1}));
    return emb;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(std::int64_t in_channels, std::int64_t time_embed_dim) {
    linear_1 = register_module("linear_1", torch::nn::Linear(in_channels, time_embed_dim));
    // act is nn.SiLU
    linear_2 = register_module("linear_2", torch::nn::Linear(time_embed_dim, time_embed_dim));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& x) {
    return linear_2->forward(F::silu(linear_1->forward(x)));
}

GEGLUImpl::GEGLUImpl(std::int64_t dim_in, std::int64_t dim_out) {
    proj = register_module("proj", torch::nn::Linear(dim_in, dim_out * 2));
}

torch::Tensor GEGLUImpl::forward(const torch::Tensor& x) {
    auto parts = proj->forward(x).chunk(2, -1);
    return parts[0] * F::gelu(parts[1]);
}

FeedForwardImpl::FeedForwardImpl(std::int64_t dim, std::int64_t mult) {
    net    = register_module("net", torch::nn::ModuleList());
    geglu_ = GEGLU(dim, dim * mult);
    out_   = torch::nn::Linear(dim * mult, dim);
    net->push_back(geglu_);
    net->push_back(torch::nn::Dropout(0.0));  // net.1 is nn.Dropout
    net->push_back(out_);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) { return out_->forward(geglu_->forward(x)); }

BasicTransformerBlockImpl::BasicTransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t dim_head,
                                                     std::int64_t cross_attention_dim, bool upcast_attention) {
    using torch::nn::LayerNorm;
    using torch::nn::LayerNormOptions;
    AttentionImpl::Options self;
    self.query_dim        = dim;
    self.heads            = heads;
    self.dim_head         = dim_head;
    self.upcast_attention = upcast_attention;
    AttentionImpl::Options cross = self;
    cross.cross_attention_dim    = cross_attention_dim;
    norm1 = register_module("norm1", LayerNorm(LayerNormOptions({dim}).eps(1e-5)));
    attn1 = register_module("attn1", Attention(self));
    norm2 = register_module("norm2", LayerNorm(LayerNormOptions({dim}).eps(1e-5)));
    attn2 = register_module("attn2", Attention(cross));
    norm3 = register_module("norm3", LayerNorm(LayerNormOptions({dim}).eps(1e-5)));
    ff    = register_module("ff", FeedForward(dim));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    auto h = attn1->forward(norm1->forward(x)) + x;
    h      = attn2->forward(norm2->forward(h), context) + h;
    return ff->forward(norm3->forward(h)) + h;
}

Transformer2DModelImpl::Transformer2DModelImpl(std::int64_t heads, std::int64_t dim_head, std::int64_t in_channels,
                                               std::int64_t num_layers, std::int64_t cross_attention_dim,
                                               std::int64_t norm_groups, bool use_linear_projection, bool upcast_attention)
    : use_linear_projection_(use_linear_projection) {
    using namespace torch::nn;
    const std::int64_t inner = heads * dim_head;
    norm = register_module("norm", GroupNorm(GroupNormOptions(norm_groups, in_channels).eps(1e-6)));
    if (use_linear_projection) {
        proj_in = AnyModule(Linear(in_channels, inner));
        register_module("proj_in", proj_in.ptr());
    } else {
        proj_in = AnyModule(Conv2d(Conv2dOptions(in_channels, inner, 1)));
        register_module("proj_in", proj_in.ptr());
    }
    transformer_blocks = register_module("transformer_blocks", ModuleList());
    for (std::int64_t i = 0; i < num_layers; ++i) {
        blocks_.emplace_back(inner, heads, dim_head, cross_attention_dim, upcast_attention);
        transformer_blocks->push_back(blocks_.back());
    }
    if (use_linear_projection)
        proj_out = AnyModule(Linear(inner, in_channels));
    else
        proj_out = AnyModule(Conv2d(Conv2dOptions(inner, in_channels, 1)));
    register_module("proj_out", proj_out.ptr());
}

torch::Tensor Transformer2DModelImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const std::int64_t B = x.size(0), H = x.size(2), W = x.size(3);
    auto h = norm->forward(x);
    if (!use_linear_projection_) h = proj_in.forward(h);
    const std::int64_t inner = h.size(1);
    h = h.permute({0, 2, 3, 1}).reshape({B, H * W, inner});  // [B, HW, inner]
    if (use_linear_projection_) h = proj_in.forward(h);
    for (auto& block : blocks_) h = block->forward(h, context);
    if (use_linear_projection_) {
        h = proj_out.forward(h);
        h = h.reshape({B, H, W, h.size(2)}).permute({0, 3, 1, 2}).contiguous();
    } else {
        h = h.reshape({B, H, W, inner}).permute({0, 3, 1, 2}).contiguous();
        h = proj_out.forward(h);
    }
    return h + x;
}

}  // namespace tint::nn
