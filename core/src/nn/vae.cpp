#include "nn/vae.h"

#include "tint/Error.h"

namespace tint::nn {

namespace F = torch::nn::functional;
constexpr double kVaeEps = 1e-6;

VAEMidBlockImpl::VAEMidBlockImpl(std::int64_t channels, std::int64_t groups, bool add_attention) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    for (int j = 0; j < 2; ++j) {
        resnets_.emplace_back(channels, channels, 0, groups, kVaeEps);
        resnets->push_back(resnets_.back());
    }
    if (add_attention) {
        // attention_head_dim = channels -> one head; GroupNorm on the input; residual; biases.
        AttentionImpl::Options o;
        o.query_dim           = channels;
        o.heads               = 1;
        o.dim_head            = channels;
        o.bias                = true;
        o.upcast_softmax      = true;
        o.norm_groups         = groups;
        o.norm_eps            = kVaeEps;
        o.residual_connection = true;
        attentions            = register_module("attentions", torch::nn::ModuleList());
        attention_            = Attention(o);
        attentions->push_back(attention_);
    }
}

torch::Tensor VAEMidBlockImpl::forward(torch::Tensor x) {
    x = resnets_[0]->forward(x);
    if (attention_) x = attention_->forward(x);
    return resnets_[1]->forward(x);
}

VAEBlockImpl::VAEBlockImpl(std::int64_t in, std::int64_t out, int layers, std::int64_t groups, bool down,
                           bool add_sampler) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    for (int j = 0; j < layers; ++j) {
        resnets_.emplace_back(j == 0 ? in : out, out, 0, groups, kVaeEps);
        resnets->push_back(resnets_.back());
    }
    if (!add_sampler) return;
    samplers = register_module(down ? "downsamplers" : "upsamplers", torch::nn::ModuleList());
    if (down) {
        downsampler_ = Downsample2D(out, out, 0);  // padding 0: pads (0, 1, 0, 1) itself
        samplers->push_back(downsampler_);
    } else {
        upsampler_ = Upsample2D(out, out);
        samplers->push_back(upsampler_);
    }
}

torch::Tensor VAEBlockImpl::forward(torch::Tensor x) {
    for (auto& r : resnets_) x = r->forward(x);
    if (downsampler_) x = downsampler_->forward(x);
    if (upsampler_) x = upsampler_->forward(x);
    return x;
}

EncoderImpl::EncoderImpl(const VAEConfig& c) {
    using namespace torch::nn;
    const auto& ch = c.block_out_channels;
    conv_in        = register_module("conv_in", Conv2d(Conv2dOptions(c.in_channels, ch[0], 3).padding(1)));
    down_blocks    = register_module("down_blocks", ModuleList());
    std::int64_t out = ch[0];
    for (std::size_t i = 0; i < ch.size(); ++i) {
        std::int64_t in = out;
        out             = ch[i];
        down_.emplace_back(in, out, c.layers_per_block, c.norm_num_groups, true, i + 1 < ch.size());
        down_blocks->push_back(down_.back());
    }
    mid_block     = register_module("mid_block", VAEMidBlock(ch.back(), c.norm_num_groups, c.mid_block_add_attention));
    conv_norm_out = register_module("conv_norm_out", GroupNorm(GroupNormOptions(c.norm_num_groups, ch.back()).eps(kVaeEps)));
    conv_out      = register_module("conv_out", Conv2d(Conv2dOptions(ch.back(), 2 * c.latent_channels, 3).padding(1)));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& image) {
    auto x = conv_in->forward(image);
    for (auto& b : down_) x = b->forward(x);
    x = mid_block->forward(x);
    return conv_out->forward(F::silu(conv_norm_out->forward(x)));
}

DecoderImpl::DecoderImpl(const VAEConfig& c) {
    using namespace torch::nn;
    std::vector<int> rch(c.block_out_channels.rbegin(), c.block_out_channels.rend());
    conv_in   = register_module("conv_in", Conv2d(Conv2dOptions(c.latent_channels, rch[0], 3).padding(1)));
    mid_block = register_module("mid_block", VAEMidBlock(rch[0], c.norm_num_groups, c.mid_block_add_attention));
    up_blocks = register_module("up_blocks", ModuleList());
    std::int64_t out = rch[0];
    for (std::size_t i = 0; i < rch.size(); ++i) {
        std::int64_t prev = out;
        out               = rch[i];
        up_.emplace_back(prev, out, c.layers_per_block + 1, c.norm_num_groups, false, i + 1 < rch.size());
        up_blocks->push_back(up_.back());
    }
    conv_norm_out = register_module("conv_norm_out", GroupNorm(GroupNormOptions(c.norm_num_groups, rch.back()).eps(kVaeEps)));
    conv_out      = register_module("conv_out", Conv2d(Conv2dOptions(rch.back(), c.out_channels, 3).padding(1)));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& z) {
    auto x = conv_in->forward(z);
    x      = mid_block->forward(x);
    for (auto& b : up_) x = b->forward(x);
    return conv_out->forward(F::silu(conv_norm_out->forward(x)));
}

AutoencoderKLImpl::AutoencoderKLImpl(const VAEConfig& c) : config(c) {
    using namespace torch::nn;
    encoder = register_module("encoder", Encoder(c));
    decoder = register_module("decoder", Decoder(c));
    if (c.use_quant_conv)
        quant_conv = register_module("quant_conv", Conv2d(Conv2dOptions(2 * c.latent_channels, 2 * c.latent_channels, 1)));
    if (c.use_post_quant_conv)
        post_quant_conv = register_module("post_quant_conv", Conv2d(Conv2dOptions(c.latent_channels, c.latent_channels, 1)));
}

Posterior AutoencoderKLImpl::encode(const torch::Tensor& image) {
    if (image.dim() != 4 || image.size(1) != config.in_channels) throw Error("VAE: expected an image [B, 3, H, W]");
    auto moments = encoder->forward(image);
    if (quant_conv) moments = quant_conv->forward(moments);
    auto parts = moments.chunk(2, 1);
    Posterior p;
    p.mean   = parts[0];
    p.logvar = parts[1].clamp(-30.0, 20.0);
    p.std    = torch::exp(0.5 * p.logvar);
    return p;
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z) {
    if (z.dim() != 4 || z.size(1) != config.latent_channels) throw Error("VAE: expected a latent [B, 4, h, w]");
    auto x = post_quant_conv ? post_quant_conv->forward(z) : z;
    return decoder->forward(x);
}

}  // namespace tint::nn
