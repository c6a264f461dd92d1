#pragma once
#include <initializer_list>
// Model configurations read from diffusers / transformers config.json files, with the upstream
// defaults for keys that older files omit. Unsupported options are refused by name.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tint::nn {

/// diffusers UNet2DConditionModel (SD 1.x / 2.x family).
struct UNetConfig {
    int sample_size  = 64;
    int in_channels  = 4;
    int out_channels = 4;
    bool flip_sin_to_cos = true;
    int freq_shift        = 0;
    std::vector<std::string> down_block_types = {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                                 "DownBlock2D"};
    std::string mid_block_type                = "UNetMidBlock2DCrossAttn";
    std::vector<std::string> up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                               "CrossAttnUpBlock2D"};
    std::vector<int> block_out_channels = {320, 640, 1280, 1280};
    int layers_per_block      = 2;
    int downsample_padding    = 1;
    double mid_block_scale_factor = 1.0;
    std::string act_fn        = "silu";
    int norm_num_groups       = 32;
    double norm_eps           = 1e-5;
    int cross_attention_dim   = 1280;
    std::vector<int> attention_heads;  ///< per down block (attention_head_dim / num_attention_heads)
    std::vector<int> transformer_layers_per_block;  ///< per down block
    bool use_linear_projection = false;
    bool upcast_attention      = false;
    bool center_input_sample   = false;
    int conv_in_kernel         = 3;
    int conv_out_kernel        = 3;
    int time_embedding_dim     = 0;  ///< default: 4 * block_out_channels[0]
    double resnet_out_scale_factor = 1.0;

    static UNetConfig from_json(const nlohmann::json& j, const std::string& where);
};

/// diffusers AutoencoderKL.
struct VAEConfig {
    int in_channels  = 3;
    int out_channels = 3;
    std::vector<int> block_out_channels = {64};
    int layers_per_block  = 1;
    int latent_channels   = 4;
    int norm_num_groups   = 32;
    int sample_size       = 32;
    double scaling_factor = 0.18215;
    bool use_quant_conv      = true;
    bool use_post_quant_conv = true;
    bool mid_block_add_attention = true;

    static VAEConfig from_json(const nlohmann::json& j, const std::string& where);
};

/// transformers CLIPTextConfig.
struct CLIPTextConfig {
    int vocab_size              = 49408;
    int hidden_size             = 512;
    int intermediate_size       = 2048;
    int num_hidden_layers       = 12;
    int num_attention_heads     = 8;
    int max_position_embeddings = 77;
    std::string hidden_act      = "quick_gelu";
    double layer_norm_eps       = 1e-5;
    int projection_dim          = 512;
    int eos_token_id            = 2;
    int pad_token_id            = 1;

    static CLIPTextConfig from_json(const nlohmann::json& j, const std::string& where);
};

/// A size read from a model's config, with the range real models use.
struct Range {
    const char* key;
    long long value, lo, hi;
};
/// Throws tint::Error "<where>: '<key>' = v is out of range (lo to hi)" for the first value outside
/// its range: sizes are checked before a model is built from them (no division by zero, no
/// absurd allocation from a lying config).
void require_ranges(std::initializer_list<Range> ranges, const std::string& where);
/// The sizes every transformer config shares: hidden_size, num_hidden_layers and
/// num_attention_heads in range, and the hidden size divisible by the number of heads.
void require_transformer_sizes(long long hidden_size, long long num_hidden_layers, long long num_attention_heads,
                               const std::string& where);
/// CLIP's activations: quick_gelu (OpenAI's checkpoints) or gelu.
void require_clip_activation(const std::string& hidden_act, const std::string& where);

}  // namespace tint::nn
