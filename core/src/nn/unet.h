#pragma once
// Port of diffusers.models.unets.unet_2d_condition.UNet2DConditionModel and the blocks it uses
// (unet_2d_blocks: CrossAttnDownBlock2D, DownBlock2D, UNetMidBlock2DCrossAttn, UpBlock2D,
// CrossAttnUpBlock2D), for the Stable Diffusion 1.x / 2.x configurations.
#include <torch/torch.h>

#include "nn/config.h"
#include "nn/layers.h"

namespace tint::nn {

/// CrossAttnDownBlock2D (with attentions) or DownBlock2D (without).
struct DownBlockImpl : torch::nn::Module {
    DownBlockImpl(const UNetConfig& c, std::int64_t in, std::int64_t out, std::int64_t temb, bool cross_attention,
                  std::int64_t heads, std::int64_t transformer_layers, bool add_downsample);
    /// Appends every output state (one per resnet, plus the downsampler's) to `states`.
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                          std::vector<torch::Tensor>& states);
    torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, downsamplers{nullptr};
    std::vector<ResnetBlock2D> resnets_;
    std::vector<Transformer2DModel> attentions_;
    Downsample2D downsampler_{nullptr};
};
TORCH_MODULE(DownBlock);

/// CrossAttnUpBlock2D or UpBlock2D.
struct UpBlockImpl : torch::nn::Module {
    UpBlockImpl(const UNetConfig& c, std::int64_t in, std::int64_t prev_out, std::int64_t out, std::int64_t temb,
                bool cross_attention, std::int64_t heads, std::int64_t transformer_layers, bool add_upsample);
    /// Consumes resnets.size() skip states from the back of `states`.
    torch::Tensor forward(torch::Tensor x, std::vector<torch::Tensor>& states, const torch::Tensor& temb,
                          const torch::Tensor& context, std::optional<std::vector<std::int64_t>> upsample_size);
    torch::nn::ModuleList resnets{nullptr}, attentions{nullptr}, upsamplers{nullptr};
    std::vector<ResnetBlock2D> resnets_;
    std::vector<Transformer2DModel> attentions_;
    Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(UpBlock);

/// UNetMidBlock2DCrossAttn.
struct MidBlockCrossAttnImpl : torch::nn::Module {
    MidBlockCrossAttnImpl(const UNetConfig& c, std::int64_t channels, std::int64_t temb, std::int64_t heads,
                          std::int64_t transformer_layers);
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context);
    torch::nn::ModuleList resnets{nullptr}, attentions{nullptr};
    std::vector<ResnetBlock2D> resnets_;
    std::vector<Transformer2DModel> attentions_;
};
TORCH_MODULE(MidBlockCrossAttn);

struct UNet2DConditionModelImpl : torch::nn::Module {
    explicit UNet2DConditionModelImpl(const UNetConfig& config);
    /// sample [B, in, H, W]; timestep 0-dim or [B] (any numeric type); context [B, S, cross_attention_dim]
    /// -> predicted noise (or v) [B, out, H, W].
    torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timestep, const torch::Tensor& context);

    UNetConfig config;
    torch::nn::Conv2d conv_in{nullptr};
    TimestepEmbedding time_embedding{nullptr};  // time_proj has no parameters
    torch::nn::ModuleList down_blocks{nullptr}, up_blocks{nullptr};
    MidBlockCrossAttn mid_block{nullptr};
    torch::nn::GroupNorm conv_norm_out{nullptr};
    torch::nn::Conv2d conv_out{nullptr};
    std::vector<DownBlock> down_;
    std::vector<UpBlock> up_;
};
TORCH_MODULE(UNet2DConditionModel);

}  // namespace tint::nn
