#pragma once
// Building blocks shared by the UNet and the VAE. Each struct ports one diffusers class and
// registers its children under the diffusers attribute names, so checkpoint keys map 1:1.
#include <torch/torch.h>

#include <optional>

namespace tint::nn {

/// softmax(scale * q k^T) v for q [BH, Sq, D], k/v [BH, Sk, D]. Computed in query chunks so that
/// no more than `max_score_elements` attention scores exist at once. `upcast`: q and k in fp32;
/// `upcast_softmax`: softmax in fp32 (both as diffusers' get_attention_scores).
torch::Tensor scaled_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, double scale,
                               bool upcast, bool upcast_softmax, std::int64_t max_score_elements = (1LL << 22));

/// diffusers.models.attention_processor.Attention with AttnProcessor (classic path).
struct AttentionImpl : torch::nn::Module {
    struct Options {
        std::int64_t query_dim = 0;
        std::int64_t cross_attention_dim = 0;  ///< 0: self-attention
        std::int64_t heads = 8;
        std::int64_t dim_head = 64;
        bool bias = false;                     ///< to_q/to_k/to_v bias
        bool upcast_attention = false;
        bool upcast_softmax = false;
        std::int64_t norm_groups = 0;          ///< > 0: a GroupNorm on the input (VAE)
        double norm_eps = 1e-5;
        bool residual_connection = false;
    };
    explicit AttentionImpl(const Options& o);
    /// x: [B, S, C] or [B, C, H, W] (then flattened and restored); context: [B, Sk, Cc] or undefined.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

    Options opt_;
    double scale_;
    torch::nn::GroupNorm group_norm{nullptr};
    torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
    torch::nn::ModuleList to_out{nullptr};  // [Linear, Dropout]
};
TORCH_MODULE(Attention);

/// diffusers.models.resnet.ResnetBlock2D (time_embedding_norm "default", SiLU).
struct ResnetBlock2DImpl : torch::nn::Module {
    ResnetBlock2DImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t temb_channels, std::int64_t groups,
                      double eps, double output_scale_factor = 1.0);
    // x: [B, in, H, W], temb: [B, temb_channels] or undefined -> [B, out, H, W]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb = {});

    double output_scale_factor_;
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv_shortcut{nullptr};  // conv_shortcut iff in != out
    torch::nn::Linear time_emb_proj{nullptr};                                   // iff temb_channels > 0
};
TORCH_MODULE(ResnetBlock2D);

/// diffusers.models.downsampling.Downsample2D with use_conv (stride-2 3x3 conv).
struct Downsample2DImpl : torch::nn::Module {
    Downsample2DImpl(std::int64_t channels, std::int64_t out_channels, std::int64_t padding);
    torch::Tensor forward(const torch::Tensor& x);
    std::int64_t padding_;
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample2D);

/// diffusers.models.upsampling.Upsample2D with use_conv (nearest x2, then 3x3 conv).
struct Upsample2DImpl : torch::nn::Module {
    Upsample2DImpl(std::int64_t channels, std::int64_t out_channels);
    torch::Tensor forward(const torch::Tensor& x, std::optional<std::vector<std::int64_t>> output_size = std::nullopt);
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

/// diffusers.models.embeddings.get_timestep_embedding: timesteps [B] -> [B, dim] (float32).
torch::Tensor timestep_embedding(const torch::Tensor& timesteps, std::int64_t dim, bool flip_sin_to_cos,
                                 double downscale_freq_shift);

/// diffusers.models.embeddings.TimestepEmbedding: linear_1 -> SiLU -> linear_2.
struct TimestepEmbeddingImpl : torch::nn::Module {
    TimestepEmbeddingImpl(std::int64_t in_channels, std::int64_t time_embed_dim);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Linear linear_1{nullptr}, linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

/// diffusers.models.activations.GEGLU.
struct GEGLUImpl : torch::nn::Module {
    GEGLUImpl(std::int64_t dim_in, std::int64_t dim_out);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(GEGLU);

/// diffusers.models.attention.FeedForward with GEGLU: net = [GEGLU, Dropout, Linear].
struct FeedForwardImpl : torch::nn::Module {
    FeedForwardImpl(std::int64_t dim, std::int64_t mult = 4);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::ModuleList net{nullptr};
    GEGLU geglu_{nullptr};
    torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(FeedForward);

/// diffusers.models.attention.BasicTransformerBlock (self-attention, cross-attention, GEGLU FFN).
struct BasicTransformerBlockImpl : torch::nn::Module {
    BasicTransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t dim_head, std::int64_t cross_attention_dim,
                              bool upcast_attention);
    // x: [B, S, dim], context: [B, Sk, cross_attention_dim]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    Attention attn1{nullptr}, attn2{nullptr};
    FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

/// diffusers.models.transformers.transformer_2d.Transformer2DModel (continuous input).
struct Transformer2DModelImpl : torch::nn::Module {
    Transformer2DModelImpl(std::int64_t heads, std::int64_t dim_head, std::int64_t in_channels, std::int64_t num_layers,
                           std::int64_t cross_attention_dim, std::int64_t norm_groups, bool use_linear_projection,
                           bool upcast_attention);
    // x: [B, C, H, W], context: [B, Sk, cross_attention_dim] -> [B, C, H, W]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    bool use_linear_projection_;
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::AnyModule proj_in, proj_out;  // Conv2d 1x1 or Linear
    torch::nn::ModuleList transformer_blocks{nullptr};
    std::vector<BasicTransformerBlock> blocks_;
};
TORCH_MODULE(Transformer2DModel);

}  // namespace tint::nn
