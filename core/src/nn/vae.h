#pragma once
// Port of diffusers.models.autoencoders.autoencoder_kl.AutoencoderKL with its Encoder and Decoder
// (autoencoders/vae.py) and the blocks DownEncoderBlock2D, UpDecoderBlock2D, UNetMidBlock2D.
#include <torch/torch.h>

#include "nn/config.h"
#include "nn/layers.h"

namespace tint::nn {

/// UNetMidBlock2D without time embedding: resnet, attention (1 head, GroupNorm, residual), resnet.
struct VAEMidBlockImpl : torch::nn::Module {
    VAEMidBlockImpl(std::int64_t channels, std::int64_t groups, bool add_attention);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::ModuleList resnets{nullptr}, attentions{nullptr};
    std::vector<ResnetBlock2D> resnets_;
    Attention attention_{nullptr};
};
TORCH_MODULE(VAEMidBlock);

/// DownEncoderBlock2D / UpDecoderBlock2D: resnets, then an optional down- or upsampler.
struct VAEBlockImpl : torch::nn::Module {
    VAEBlockImpl(std::int64_t in, std::int64_t out, int layers, std::int64_t groups, bool down, bool add_sampler);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::ModuleList resnets{nullptr}, samplers{nullptr};
    std::vector<ResnetBlock2D> resnets_;
    Downsample2D downsampler_{nullptr};
    Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(VAEBlock);

struct EncoderImpl : torch::nn::Module {
    explicit EncoderImpl(const VAEConfig& c);
    torch::Tensor forward(const torch::Tensor& x);  // [B, 3, H, W] -> [B, 2*latent, H/f, W/f]
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList down_blocks{nullptr};
    std::vector<VAEBlock> down_;
    VAEMidBlock mid_block{nullptr};
    torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(Encoder);

struct DecoderImpl : torch::nn::Module {
    explicit DecoderImpl(const VAEConfig& c);
    torch::Tensor forward(const torch::Tensor& z);  // [B, latent, h, w] -> [B, 3, h*f, w*f]
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList up_blocks{nullptr};
    std::vector<VAEBlock> up_;
    VAEMidBlock mid_block{nullptr};
    torch::nn::GroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(Decoder);

struct Posterior {
    torch::Tensor mean, logvar, std;  ///< [B, latent, h, w]; logvar clamped to [-30, 20]
};

struct AutoencoderKLImpl : torch::nn::Module {
    explicit AutoencoderKLImpl(const VAEConfig& config);
    /// Image in [-1, 1] -> diagonal Gaussian posterior (not scaled by scaling_factor).
    Posterior encode(const torch::Tensor& image);
    /// Latent (not scaled) -> image in about [-1, 1].
    torch::Tensor decode(const torch::Tensor& z);
    /// Spatial down-scaling factor (2^(number of blocks - 1)).
    std::int64_t scale_factor() const { return std::int64_t(1) << (config.block_out_channels.size() - 1); }

    VAEConfig config;
    Encoder encoder{nullptr};
    Decoder decoder{nullptr};
    torch::nn::Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};
};
TORCH_MODULE(AutoencoderKL);

}  // namespace tint::nn
