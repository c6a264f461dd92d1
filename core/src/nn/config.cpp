#include "nn/config.h"

#include <initializer_list>

#include "io/json_util.h"
#include "tint/Error.h"

namespace tint::nn {

namespace {

// An int or a list with one entry per block.
std::vector<int> per_block(const nlohmann::json& j, const char* key, int fallback, std::size_t blocks,
                           const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::vector<int>(blocks, fallback);
    if (it->is_number_integer()) return std::vector<int>(blocks, it->get<int>());
    if (it->is_array()) {
        auto v = io::json_get<std::vector<int>>(j, key, {}, where);
        if (v.size() != blocks)
            throw Error(where + ": '" + key + "' has " + std::to_string(v.size()) + " entries for " +
                        std::to_string(blocks) + " blocks");
        return v;
    }
    throw Error(where + ": key '" + key + "' must be an integer or a list");
}

void require_unset(const nlohmann::json& j, const char* key, const std::string& where) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null() && !(it->is_boolean() && !it->get<bool>()))
        throw Error(where + ": '" + key + "' = " + it->dump() + " is not supported (Stable Diffusion 1.x/2.x UNets only)");
}

void require_value(const nlohmann::json& j, const char* key, const std::string& want, const std::string& where) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null() && it->get<std::string>() != want)
        throw Error(where + ": '" + key + "' = " + it->dump() + " is not supported (only \"" + want + "\")");
}

void require_channels(const std::vector<int>& channels, int groups, const std::string& where) {
    require_ranges({{"norm_num_groups", groups, 1, 1024}}, where);
    for (int ch : channels) {
        require_ranges({{"block_out_channels", ch, 1, 8192}}, where);
        if (ch % groups != 0)
            throw Error(where + ": " + std::to_string(ch) + " channels cannot be split into " + std::to_string(groups) +
                        " normalisation groups");
    }
}

}  // namespace

void require_transformer_sizes(long long hidden_size, long long num_hidden_layers, long long num_attention_heads,
                               const std::string& where) {
    require_ranges({{"hidden_size", hidden_size, 1, 16384},
                    {"num_hidden_layers", num_hidden_layers, 1, 128},
                    {"num_attention_heads", num_attention_heads, 1, 256}},
                   where);
    if (hidden_size % num_attention_heads != 0) throw Error(where + ": hidden_size is not divisible by num_attention_heads");
}

void require_clip_activation(const std::string& hidden_act, const std::string& where) {
    if (hidden_act != "quick_gelu" && hidden_act != "gelu")
        throw Error(where + ": hidden_act '" + hidden_act + "' is not supported (quick_gelu or gelu)");
}

void require_ranges(std::initializer_list<Range> ranges, const std::string& where) {
    for (const auto& r : ranges)
        if (r.value < r.lo || r.value > r.hi)
            throw Error(where + ": '" + r.key + "' = " + std::to_string(r.value) + " is out of range (" + std::to_string(r.lo) +
                        " to " + std::to_string(r.hi) + ")");
}

UNetConfig UNetConfig::from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    UNetConfig c;
    c.sample_size        = io::json_get(j, "sample_size", c.sample_size, where);
    c.in_channels        = io::json_get(j, "in_channels", c.in_channels, where);
    c.out_channels       = io::json_get(j, "out_channels", c.out_channels, where);
    c.flip_sin_to_cos    = io::json_get(j, "flip_sin_to_cos", c.flip_sin_to_cos, where);
    c.freq_shift         = io::json_get(j, "freq_shift", c.freq_shift, where);
    c.down_block_types   = io::json_get(j, "down_block_types", c.down_block_types, where);
    c.mid_block_type     = io::json_get(j, "mid_block_type", c.mid_block_type, where);
    c.up_block_types     = io::json_get(j, "up_block_types", c.up_block_types, where);
    c.block_out_channels = io::json_get(j, "block_out_channels", c.block_out_channels, where);
    c.layers_per_block   = io::json_get(j, "layers_per_block", c.layers_per_block, where);
    c.downsample_padding = io::json_get(j, "downsample_padding", c.downsample_padding, where);
    c.mid_block_scale_factor = io::json_get(j, "mid_block_scale_factor", c.mid_block_scale_factor, where);
    c.act_fn             = io::json_get(j, "act_fn", c.act_fn, where);
    c.norm_num_groups    = io::json_get(j, "norm_num_groups", c.norm_num_groups, where);
    c.norm_eps           = io::json_get(j, "norm_eps", c.norm_eps, where);
    c.cross_attention_dim = io::json_get(j, "cross_attention_dim", c.cross_attention_dim, where);
    c.use_linear_projection = io::json_get(j, "use_linear_projection", c.use_linear_projection, where);
    c.upcast_attention   = io::json_get(j, "upcast_attention", c.upcast_attention, where);
    c.center_input_sample = io::json_get(j, "center_input_sample", c.center_input_sample, where);
    const std::size_t blocks = c.down_block_types.size();
    if (blocks == 0 || c.block_out_channels.size() != blocks || c.up_block_types.size() != blocks)
        throw Error(where + ": down_block_types, up_block_types and block_out_channels must have the same length");
    // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (historical naming).
    auto nah  = j.find("num_attention_heads");
    bool have = nah != j.end() && !nah->is_null();
    c.attention_heads = per_block(j, have ? "num_attention_heads" : "attention_head_dim", 8, blocks, where);
    c.transformer_layers_per_block = per_block(j, "transformer_layers_per_block", 1, blocks, where);
    if (c.act_fn != "silu") throw Error(where + ": act_fn '" + c.act_fn + "' is not supported (only silu)");
    for (const char* key : {"class_embed_type", "addition_embed_type", "encoder_hid_dim", "time_cond_proj_dim",
                            "dual_cross_attention", "only_cross_attention", "num_class_embeds",
                            "projection_class_embeddings_input_dim", "reverse_transformer_layers_per_block",
                            "cross_attention_norm", "timestep_post_act", "time_embedding_act_fn",
                            "resnet_skip_time_act", "class_embeddings_concat", "mid_block_only_cross_attention"})
        require_unset(j, key, where);
    require_value(j, "attention_type", "default", where);
    c.conv_in_kernel  = io::json_get(j, "conv_in_kernel", c.conv_in_kernel, where);
    c.conv_out_kernel = io::json_get(j, "conv_out_kernel", c.conv_out_kernel, where);
    c.time_embedding_dim = io::json_get(j, "time_embedding_dim", c.block_out_channels[0] * 4, where);
    c.resnet_out_scale_factor = io::json_get(j, "resnet_out_scale_factor", c.resnet_out_scale_factor, where);
    if (c.conv_in_kernel % 2 == 0 || c.conv_out_kernel % 2 == 0) throw Error(where + ": even conv kernels are not supported");
    require_value(j, "time_embedding_type", "positional", where);
    require_value(j, "resnet_time_scale_shift", "default", where);
    for (const auto& t : c.down_block_types)
        if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D") throw Error(where + ": down block type '" + t + "' is not supported");
    for (const auto& t : c.up_block_types)
        if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D") throw Error(where + ": up block type '" + t + "' is not supported");
    if (c.mid_block_type != "UNetMidBlock2DCrossAttn")
        throw Error(where + ": mid block type '" + c.mid_block_type + "' is not supported");
    require_ranges({{"sample_size", c.sample_size, 1, 4096},
                    {"in_channels", c.in_channels, 1, 64},
                    {"out_channels", c.out_channels, 1, 64},
                    {"layers_per_block", c.layers_per_block, 1, 16},
                    {"cross_attention_dim", c.cross_attention_dim, 1, 8192},
                    {"time_embedding_dim", c.time_embedding_dim, 1, 65536},
                    {"conv_in_kernel", c.conv_in_kernel, 1, 15},
                    {"conv_out_kernel", c.conv_out_kernel, 1, 15}},
                   where);
    require_channels(c.block_out_channels, c.norm_num_groups, where);
    for (int t : c.transformer_layers_per_block) require_ranges({{"transformer_layers_per_block", t, 1, 64}}, where);
    for (std::size_t i = 0; i < blocks; ++i)
        if (c.attention_heads[i] <= 0 || c.block_out_channels[i] % c.attention_heads[i] != 0)
            throw Error(where + ": block " + std::to_string(i) + " has " + std::to_string(c.block_out_channels[i]) +
                        " channels, not divisible into " + std::to_string(c.attention_heads[i]) + " heads");
    return c;
}

VAEConfig VAEConfig::from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    VAEConfig c;
    c.in_channels        = io::json_get(j, "in_channels", c.in_channels, where);
    c.out_channels       = io::json_get(j, "out_channels", c.out_channels, where);
    c.block_out_channels = io::json_get(j, "block_out_channels", c.block_out_channels, where);
    c.layers_per_block   = io::json_get(j, "layers_per_block", c.layers_per_block, where);
    c.latent_channels    = io::json_get(j, "latent_channels", c.latent_channels, where);
    c.norm_num_groups    = io::json_get(j, "norm_num_groups", c.norm_num_groups, where);
    c.sample_size        = io::json_get(j, "sample_size", c.sample_size, where);
    c.scaling_factor     = io::json_get(j, "scaling_factor", c.scaling_factor, where);
    c.use_quant_conv     = io::json_get(j, "use_quant_conv", c.use_quant_conv, where);
    c.use_post_quant_conv = io::json_get(j, "use_post_quant_conv", c.use_post_quant_conv, where);
    c.mid_block_add_attention = io::json_get(j, "mid_block_add_attention", c.mid_block_add_attention, where);
    require_value(j, "act_fn", "silu", where);
    for (const auto& t : io::json_get<std::vector<std::string>>(j, "down_block_types", {}, where))
        if (t != "DownEncoderBlock2D") throw Error(where + ": down block type '" + t + "' is not supported");
    for (const auto& t : io::json_get<std::vector<std::string>>(j, "up_block_types", {}, where))
        if (t != "UpDecoderBlock2D") throw Error(where + ": up block type '" + t + "' is not supported");
    if (c.block_out_channels.empty()) throw Error(where + ": block_out_channels is empty");
    require_ranges({{"in_channels", c.in_channels, 1, 64},
                    {"out_channels", c.out_channels, 1, 64},
                    {"latent_channels", c.latent_channels, 1, 64},
                    {"layers_per_block", c.layers_per_block, 1, 16},
                    {"sample_size", c.sample_size, 1, 4096}},
                   where);
    require_channels(c.block_out_channels, c.norm_num_groups, where);
    return c;
}

CLIPTextConfig CLIPTextConfig::from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    CLIPTextConfig c;
    c.vocab_size              = io::json_get(j, "vocab_size", c.vocab_size, where);
    c.hidden_size             = io::json_get(j, "hidden_size", c.hidden_size, where);
    c.intermediate_size       = io::json_get(j, "intermediate_size", c.intermediate_size, where);
    c.num_hidden_layers       = io::json_get(j, "num_hidden_layers", c.num_hidden_layers, where);
    c.num_attention_heads     = io::json_get(j, "num_attention_heads", c.num_attention_heads, where);
    c.max_position_embeddings = io::json_get(j, "max_position_embeddings", c.max_position_embeddings, where);
    c.hidden_act              = io::json_get(j, "hidden_act", c.hidden_act, where);
    c.layer_norm_eps          = io::json_get(j, "layer_norm_eps", c.layer_norm_eps, where);
    c.projection_dim          = io::json_get(j, "projection_dim", c.projection_dim, where);
    c.eos_token_id            = io::json_get(j, "eos_token_id", c.eos_token_id, where);
    c.pad_token_id            = io::json_get(j, "pad_token_id", c.pad_token_id, where);
    require_clip_activation(c.hidden_act, where);
    require_transformer_sizes(c.hidden_size, c.num_hidden_layers, c.num_attention_heads, where);
    require_ranges({{"vocab_size", c.vocab_size, 1, 1000000},
                    {"intermediate_size", c.intermediate_size, 1, 65536},
                    {"max_position_embeddings", c.max_position_embeddings, 1, 65536},
                    {"projection_dim", c.projection_dim, 0, 16384}},
                   where);
    return c;
}

}  // namespace tint::nn
