#include "nn/unet.h"

#include "tint/Error.h"

namespace tint::nn {

namespace F = torch::nn::functional;

DownBlockImpl::DownBlockImpl(const UNetConfig& c, std::int64_t in, std::int64_t out, std::int64_t temb,
                             bool cross_attention, std::int64_t heads, std::int64_t transformer_layers,
                             bool add_downsample) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    if (cross_attention) attentions = register_module("attentions", torch::nn::ModuleList());
    for (int j = 0; j < c.layers_per_block; ++j) {
        resnets_.emplace_back(j == 0 ? in : out, out, temb, c.norm_num_groups, c.norm_eps, c.resnet_out_scale_factor);
        resnets->push_back(resnets_.back());
        if (cross_attention) {
            attentions_.emplace_back(heads, out / heads, out, transformer_layers, c.cross_attention_dim, c.norm_num_groups,
                                     c.use_linear_projection, c.upcast_attention);
            attentions->push_back(attentions_.back());
        }
    }
    if (add_downsample) {
        downsamplers = register_module("downsamplers", torch::nn::ModuleList());
        downsampler_ = Downsample2D(out, out, c.downsample_padding);
        downsamplers->push_back(downsampler_);
    }
}

torch::Tensor DownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                     std::vector<torch::Tensor>& states) {
    for (std::size_t j = 0; j < resnets_.size(); ++j) {
        x = resnets_[j]->forward(x, temb);
        if (!attentions_.empty()) x = attentions_[j]->forward(x, context);
        states.push_back(x);
    }
    if (downsampler_) {
        x = downsampler_->forward(x);
        states.push_back(x);
    }
    return x;
}

UpBlockImpl::UpBlockImpl(const UNetConfig& c, std::int64_t in, std::int64_t prev_out, std::int64_t out, std::int64_t temb,
                         bool cross_attention, std::int64_t heads, std::int64_t transformer_layers, bool add_upsample) {
    resnets = register_module("resnets", torch::nn::ModuleList());
    if (cross_attention) attentions = register_module("attentions", torch::nn::ModuleList());
    const int layers = c.layers_per_block + 1;
    for (int j = 0; j < layers; ++j) {
        std::int64_t skip      = j == layers - 1 ? in : out;
        std::int64_t resnet_in = j == 0 ? prev_out : out;
        resnets_.emplace_back(resnet_in + skip, out, temb, c.norm_num_groups, c.norm_eps, c.resnet_out_scale_factor);
        resnets->push_back(resnets_.back());
        if (cross_attention) {
            attentions_.emplace_back(heads, out / heads, out, transformer_layers, c.cross_attention_dim, c.norm_num_groups,
                                     c.use_linear_projection, c.upcast_attention);
            attentions->push_back(attentions_.back());
        }
    }
    if (add_upsample) {
        upsamplers = register_module("upsamplers", torch::nn::ModuleList());
        upsampler_ = Upsample2D(out, out);
        upsamplers->push_back(upsampler_);
    }
}

torch::Tensor UpBlockImpl::forward(torch::Tensor x, std::vector<torch::Tensor>& states, const torch::Tensor& temb,
                                   const torch::Tensor& context, std::optional<std::vector<std::int64_t>> upsample_size) {
    for (std::size_t j = 0; j < resnets_.size(); ++j) {
        torch::Tensor skip = states.back();
        states.pop_back();
        x = resnets_[j]->forward(torch::cat({x, skip}, 1), temb);
        if (!attentions_.empty()) x = attentions_[j]->forward(x, context);
    }
    if (upsampler_) x = upsampler_->forward(x, upsample_size);
    return x;
}

MidBlockCrossAttnImpl::MidBlockCrossAttnImpl(const UNetConfig& c, std::int64_t channels, std::int64_t temb,
                                             std::int64_t heads, std::int64_t transformer_layers) {
    resnets    = register_module("resnets", torch::nn::ModuleList());
    attentions = register_module("attentions", torch::nn::ModuleList());
    for (int j = 0; j < 2; ++j) {
        resnets_.emplace_back(channels, channels, temb, c.norm_num_groups, c.norm_eps, c.mid_block_scale_factor);
        resnets->push_back(resnets_.back());
    }
    attentions_.emplace_back(heads, channels / heads, channels, transformer_layers, c.cross_attention_dim,
                             c.norm_num_groups, c.use_linear_projection, c.upcast_attention);
    attentions->push_back(attentions_.back());
}

torch::Tensor MidBlockCrossAttnImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context) {
    x = resnets_[0]->forward(x, temb);
    x = attentions_[0]->forward(x, context);
    return resnets_[1]->forward(x, temb);
}

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNetConfig& c) : config(c) {
    using namespace torch::nn;
    const auto& ch           = c.block_out_channels;
    const std::int64_t temb  = c.time_embedding_dim > 0 ? c.time_embedding_dim : ch[0] * 4;
    const std::size_t blocks = ch.size();
    conv_in = register_module("conv_in",
                              Conv2d(Conv2dOptions(c.in_channels, ch[0], c.conv_in_kernel).padding(c.conv_in_kernel / 2)));
    // time_proj (Timesteps) has no parameters.
    time_embedding = register_module("time_embedding", TimestepEmbedding(ch[0], temb));

    down_blocks = register_module("down_blocks", ModuleList());
    std::int64_t out = ch[0];
    for (std::size_t i = 0; i < blocks; ++i) {
        std::int64_t in = out;
        out             = ch[i];
        down_.emplace_back(c, in, out, temb, c.down_block_types[i] == "CrossAttnDownBlock2D", c.attention_heads[i],
                           c.transformer_layers_per_block[i], i + 1 < blocks);
        down_blocks->push_back(down_.back());
    }
    mid_block = register_module("mid_block", MidBlockCrossAttn(c, ch.back(), temb, c.attention_heads.back(),
                                                               c.transformer_layers_per_block.back()));
    up_blocks = register_module("up_blocks", ModuleList());
    std::vector<int> rch(ch.rbegin(), ch.rend());
    std::vector<int> rheads(c.attention_heads.rbegin(), c.attention_heads.rend());
    std::vector<int> rlayers(c.transformer_layers_per_block.rbegin(), c.transformer_layers_per_block.rend());
    out = rch[0];
    for (std::size_t i = 0; i < blocks; ++i) {
        std::int64_t prev = out;
        out               = rch[i];
        std::int64_t in   = rch[std::min(i + 1, blocks - 1)];
        up_.emplace_back(c, in, prev, out, temb, c.up_block_types[i] == "CrossAttnUpBlock2D", rheads[i], rlayers[i],
                         i + 1 < blocks);
        up_blocks->push_back(up_.back());
    }
    conv_norm_out = register_module("conv_norm_out", GroupNorm(GroupNormOptions(c.norm_num_groups, ch[0]).eps(c.norm_eps)));
    // conv_act is nn.SiLU
    conv_out = register_module("conv_out", Conv2d(Conv2dOptions(ch[0], c.out_channels, c.conv_out_kernel)
                                                      .padding(c.conv_out_kernel / 2)));
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                                                const torch::Tensor& context) {
    if (sample.dim() != 4 || sample.size(1) != config.in_channels)
        throw Error("UNet: expected a sample [B, " + std::to_string(config.in_channels) + ", H, W]");
    if (context.dim() != 3 || context.size(0) != sample.size(0) || context.size(2) != config.cross_attention_dim)
        throw Error("UNet: expected encoder hidden states [" + std::to_string(sample.size(0)) + ", S, " +
                    std::to_string(config.cross_attention_dim) + "]");
    const std::int64_t B  = sample.size(0);
    const std::int64_t up = std::int64_t(1) << (config.block_out_channels.size() - 1);
    const bool odd_size   = sample.size(2) % up != 0 || sample.size(3) % up != 0;

    torch::Tensor t = timestep.to(sample.device());
    if (t.dim() == 0) t = t.reshape({1});
    t = t.expand({B});
    // t_emb = time_proj(timesteps).to(sample.dtype); emb = time_embedding(t_emb)
    auto emb = time_embedding->forward(
        timestep_embedding(t, config.block_out_channels[0], config.flip_sin_to_cos, config.freq_shift).to(sample.scalar_type()));

    torch::Tensor x = config.center_input_sample ? 2.0 * sample - 1.0 : sample;
    x               = conv_in->forward(x);
    std::vector<torch::Tensor> states{x};
    for (auto& block : down_) x = block->forward(x, emb, context, states);
    x = mid_block->forward(x, emb, context);
    for (std::size_t i = 0; i < up_.size(); ++i) {
        std::optional<std::vector<std::int64_t>> size;
        const std::size_t n = up_[i]->resnets_.size();
        if (i + 1 < up_.size() && odd_size) {
            const auto& next = states[states.size() - n - 1];
            size             = std::vector<std::int64_t>{next.size(2), next.size(3)};
        }
        x = up_[i]->forward(x, states, emb, context, size);
    }
    x = F::silu(conv_norm_out->forward(x));
    return conv_out->forward(x);
}

}  // namespace tint::nn
