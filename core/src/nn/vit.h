#pragma once
// Vision-transformer teachers, ports of transformers 4.40: Dinov2Model (modeling_dinov2.py) and
// CLIPVisionModelWithProjection (modeling_clip.py), with their image preprocessing.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "nn/clip_text.h"
#include "tint/Image.h"

namespace tint::nn {

struct Dinov2Config {
    int hidden_size = 768, num_hidden_layers = 12, num_attention_heads = 12, mlp_ratio = 4;
    int image_size = 518, patch_size = 14, num_channels = 3;
    double layer_norm_eps = 1e-6;
    bool qkv_bias = true;
    std::string hidden_act = "gelu";
    static Dinov2Config from_json(const nlohmann::json& j, const std::string& where);
};

struct Dinov2LayerImpl : torch::nn::Module {
    explicit Dinov2LayerImpl(const Dinov2Config& c);
    torch::Tensor forward(const torch::Tensor& x);
    std::int64_t heads_;
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, dense{nullptr}, fc1{nullptr}, fc2{nullptr};
    torch::Tensor lambda1, lambda2;  // layer_scale1.lambda1, layer_scale2.lambda1
};
TORCH_MODULE(Dinov2Layer);

struct ViTOutput {
    torch::Tensor last_hidden_state;  ///< [B, 1 + patches, D]
    torch::Tensor pooler_output;      ///< [B, D]
    torch::Tensor image_embeds;       ///< [B, projection_dim] (CLIP only)
};

struct Dinov2ModelImpl : torch::nn::Module {
    explicit Dinov2ModelImpl(const Dinov2Config& c);
    /// pixel_values [B, 3, H, W] (H, W multiples of the patch size need not hold: the grid is H // p).
    /// `size_interpolation`: the position-embedding rule of transformers >= 4.45 (output size)
    /// instead of the original one (scale factor with a 0.1 offset).
    ViTOutput forward(const torch::Tensor& pixel_values, bool size_interpolation = false);
    Dinov2Config config;
    torch::Tensor cls_token, mask_token, position_embeddings;
    torch::nn::Conv2d projection{nullptr};
    std::vector<Dinov2Layer> layers_;
    torch::nn::LayerNorm layernorm{nullptr};
};
TORCH_MODULE(Dinov2Model);

struct CLIPVisionConfig {
    int hidden_size = 768, intermediate_size = 3072, num_hidden_layers = 12, num_attention_heads = 12;
    int image_size = 224, patch_size = 32, num_channels = 3, projection_dim = 512;
    double layer_norm_eps = 1e-5;
    std::string hidden_act = "quick_gelu";
    static CLIPVisionConfig from_json(const nlohmann::json& j, const std::string& where);
};

struct CLIPVisionModelWithProjectionImpl : torch::nn::Module {
    explicit CLIPVisionModelWithProjectionImpl(const CLIPVisionConfig& c);
    ViTOutput forward(const torch::Tensor& pixel_values);
    CLIPVisionConfig config;
    torch::Tensor class_embedding;
    torch::nn::Conv2d patch_embedding{nullptr};
    torch::nn::Embedding position_embedding{nullptr};
    torch::nn::LayerNorm pre_layrnorm{nullptr}, post_layernorm{nullptr};  // sic: the upstream key
    std::vector<CLIPEncoderLayer> layers_;
    torch::nn::Linear visual_projection{nullptr};
};
TORCH_MODULE(CLIPVisionModelWithProjection);

/// The preprocessing of transformers' BitImageProcessor / CLIPImageProcessor as configured in a
/// preprocessor_config.json: resize the shorter side (Pillow's bicubic, reproduced exactly),
/// centre crop, scale to [0, 1], normalise.
struct ImagePreprocessor {
    int shortest_edge = 224, crop_height = 224, crop_width = 224;
    bool do_resize = true, do_center_crop = true, do_normalize = true;
    double rescale_factor = 1.0 / 255.0;
    std::vector<float> mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
    /// Keys the file leaves out keep the values of `defaults` (the image processor's own).
    static ImagePreprocessor from_json(const nlohmann::json& j, const std::string& where, const ImagePreprocessor& defaults);
    static ImagePreprocessor from_json(const nlohmann::json& j, const std::string& where);
    /// RGB 8-bit image -> pixel_values [1, 3, crop_height, crop_width] (float32).
    torch::Tensor operator()(const ImageU8& image) const;
};

/// Pillow's Image.resize(..., BICUBIC) of an 8-bit RGB image (separable, antialiased, fixed point).
ImageU8 pil_bicubic_resize(const ImageU8& image, int width, int height);

}  // namespace tint::nn
