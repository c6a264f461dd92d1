#include "nn/vit.h"

#include <opencv2/core.hpp>

#include <cmath>

#include "io/json_util.h"
#include "nn/config.h"
#include "tint/Error.h"

namespace tint::nn {

namespace F = torch::nn::functional;
using torch::nn::LayerNorm;
using torch::nn::LayerNormOptions;
using torch::nn::Linear;
using torch::nn::LinearOptions;

namespace {

// A parameter-less container so that registered names follow the checkpoint's dotted paths.
std::shared_ptr<torch::nn::Module> node(torch::nn::Module& parent, const std::string& name) {
    return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

torch::Tensor multi_head(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, std::int64_t heads) {
    const auto B = q.size(0), S = q.size(1), D = q.size(2), d = D / heads;
    auto split   = [&](const torch::Tensor& t) { return t.view({B, S, heads, d}).permute({0, 2, 1, 3}); };
    auto scores  = torch::matmul(split(q), split(k).transpose(-1, -2)) / std::sqrt(static_cast<double>(d));
    auto out     = torch::matmul(scores.softmax(-1), split(v));
    return out.permute({0, 2, 1, 3}).contiguous().view({B, S, D});
}

}  // namespace

Dinov2Config Dinov2Config::from_json(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    auto type = io::json_get<std::string>(j, "model_type", "", where);
    if (type != "dinov2") throw Error(where + ": model_type '" + type + "' is not a DINOv2 model");
    Dinov2Config c;
    c.hidden_size         = io::json_get(j, "hidden_size", c.hidden_size, where);
    c.num_hidden_layers   = io::json_get(j, "num_hidden_layers", c.num_hidden_layers, where);
    c.num_attention_heads = io::json_get(j, "num_attention_heads", c.num_attention_heads, where);
    c.mlp_ratio           = io::json_get(j, "mlp_ratio", c.mlp_ratio, where);
    c.image_size          = io::json_get(j, "image_size", c.image_size, where);
    c.patch_size          = io::json_get(j, "patch_size", c.patch_size, where);
    c.num_channels        = io::json_get(j, "num_channels", c.num_channels, where);
    c.layer_norm_eps      = io::json_get(j, "layer_norm_eps", c.layer_norm_eps, where);
    c.qkv_bias            = io::json_get(j, "qkv_bias", c.qkv_bias, where);
    c.hidden_act          = io::json_get(j, "hidden_act", c.hidden_act, where);
    if (io::json_get(j, "use_swiglu_ffn", false, where)) throw Error(where + ": use_swiglu_ffn (DINOv2 giant) is not supported");
    if (c.hidden_act != "gelu") throw Error(where + ": hidden_act '" + c.hidden_act + "' is not supported");
    require_transformer_sizes(c.hidden_size, c.num_hidden_layers, c.num_attention_heads, where);
    require_ranges({{"image_size", c.image_size, 1, 4096},
                    {"patch_size", c.patch_size, 1, c.image_size},
                    {"num_channels", c.num_channels, 1, 16}},
                   where);
    if (!(c.mlp_ratio > 0 && c.mlp_ratio <= 64)) throw Error(where + ": 'mlp_ratio' = " + std::to_string(c.mlp_ratio) + " is out of range");
    return c;
}

Dinov2LayerImpl::Dinov2LayerImpl(const Dinov2Config& c) : heads_(c.num_attention_heads) {
    const std::int64_t D = c.hidden_size;
    norm1      = register_module("norm1", LayerNorm(LayerNormOptions({D}).eps(c.layer_norm_eps)));
    auto attn  = node(*this, "attention");
    auto self  = node(*attn, "attention");
    query      = self->register_module("query", Linear(LinearOptions(D, D).bias(c.qkv_bias)));
    key        = self->register_module("key", Linear(LinearOptions(D, D).bias(c.qkv_bias)));
    value      = self->register_module("value", Linear(LinearOptions(D, D).bias(c.qkv_bias)));
    dense      = node(*attn, "output")->register_module("dense", Linear(D, D));
    lambda1    = node(*this, "layer_scale1")->register_parameter("lambda1", torch::ones({D}));
    norm2      = register_module("norm2", LayerNorm(LayerNormOptions({D}).eps(c.layer_norm_eps)));
    auto mlp   = node(*this, "mlp");
    fc1        = mlp->register_module("fc1", Linear(D, D * c.mlp_ratio));
    fc2        = mlp->register_module("fc2", Linear(D * c.mlp_ratio, D));
    lambda2    = node(*this, "layer_scale2")->register_parameter("lambda1", torch::ones({D}));
}

torch::Tensor Dinov2LayerImpl::forward(const torch::Tensor& x) {
    auto n = norm1->forward(x);
    auto h = x + lambda1 * dense->forward(multi_head(query->forward(n), key->forward(n), value->forward(n), heads_));
    return h + lambda2 * fc2->forward(F::gelu(fc1->forward(norm2->forward(h))));
}

Dinov2ModelImpl::Dinov2ModelImpl(const Dinov2Config& c) : config(c) {
    const std::int64_t D = c.hidden_size, grid = c.image_size / c.patch_size;
    auto emb             = node(*this, "embeddings");
    cls_token            = emb->register_parameter("cls_token", torch::zeros({1, 1, D}));
    mask_token           = emb->register_parameter("mask_token", torch::zeros({1, D}));  // unused at inference
    projection = node(*emb, "patch_embeddings")
                     ->register_module("projection", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.num_channels, D, c.patch_size)
                                                                            .stride(c.patch_size)));
    position_embeddings = emb->register_parameter("position_embeddings", torch::zeros({1, grid * grid + 1, D}));
    auto list           = node(*this, "encoder")->register_module("layer", torch::nn::ModuleList());
    for (int i = 0; i < c.num_hidden_layers; ++i) {
        layers_.emplace_back(c);
        list->push_back(layers_.back());
    }
    layernorm = register_module("layernorm", LayerNorm(LayerNormOptions({D}).eps(c.layer_norm_eps)));
}

ViTOutput Dinov2ModelImpl::forward(const torch::Tensor& pixels, bool size_interpolation) {
    if (pixels.dim() != 4 || pixels.size(1) != config.num_channels) throw Error("DINOv2: expected pixel values [B, 3, H, W]");
    const std::int64_t B = pixels.size(0), D = config.hidden_size, p = config.patch_size;
    const std::int64_t gh = pixels.size(2) / p, gw = pixels.size(3) / p;
    if (gh < 1 || gw < 1) throw Error("DINOv2: the image is smaller than one patch");
    auto patches = projection->forward(pixels).flatten(2).transpose(1, 2);  // [B, gh*gw, D]
    auto x       = torch::cat({cls_token.expand({B, 1, D}), patches}, 1);
    const std::int64_t n = position_embeddings.size(1) - 1;
    const auto side      = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(n))));
    torch::Tensor pos    = position_embeddings;
    if (gh * gw != n || pixels.size(2) != pixels.size(3)) {
        auto grid = position_embeddings.narrow(1, 1, n).reshape({1, side, side, D}).permute({0, 3, 1, 2}).to(torch::kFloat32);
        auto opts = F::InterpolateFuncOptions().mode(torch::kBicubic).align_corners(false);
        if (size_interpolation)
            opts.size(std::vector<std::int64_t>{gh, gw});
        else  // the original DINOv2 rule: scale factors with a 0.1 offset
            opts.scale_factor(std::vector<double>{(gh + 0.1) / side, (gw + 0.1) / side}).recompute_scale_factor(false);
        grid = F::interpolate(grid, opts).to(position_embeddings.scalar_type());
        if (grid.size(2) != gh || grid.size(3) != gw) throw Error("DINOv2: position-embedding interpolation gave the wrong grid");
        pos = torch::cat({position_embeddings.narrow(1, 0, 1), grid.permute({0, 2, 3, 1}).reshape({1, gh * gw, D})}, 1);
    }
    x = x + pos;
    for (auto& l : layers_) x = l->forward(x);
    ViTOutput out;
    out.last_hidden_state = layernorm->forward(x);
    out.pooler_output     = out.last_hidden_state.select(1, 0);
    return out;
}

CLIPVisionConfig CLIPVisionConfig::from_json(const nlohmann::json& j_in, const std::string& where) {
    if (!j_in.is_object()) throw Error(where + ": not a JSON object");
    // A full CLIPModel config keeps the vision part under "vision_config".
    const nlohmann::json& j = j_in.contains("vision_config") ? j_in["vision_config"] : j_in;
    auto type = io::json_get<std::string>(j_in, "model_type", "", where);
    if (type != "clip_vision_model" && type != "clip") throw Error(where + ": model_type '" + type + "' is not a CLIP vision model");
    CLIPVisionConfig c;
    c.hidden_size         = io::json_get(j, "hidden_size", c.hidden_size, where);
    c.intermediate_size   = io::json_get(j, "intermediate_size", c.intermediate_size, where);
    c.num_hidden_layers   = io::json_get(j, "num_hidden_layers", c.num_hidden_layers, where);
    c.num_attention_heads = io::json_get(j, "num_attention_heads", c.num_attention_heads, where);
    c.image_size          = io::json_get(j, "image_size", c.image_size, where);
    c.patch_size          = io::json_get(j, "patch_size", c.patch_size, where);
    c.num_channels        = io::json_get(j, "num_channels", c.num_channels, where);
    c.projection_dim      = io::json_get(j, "projection_dim", io::json_get(j_in, "projection_dim", c.projection_dim, where), where);
    c.layer_norm_eps      = io::json_get(j, "layer_norm_eps", c.layer_norm_eps, where);
    c.hidden_act          = io::json_get(j, "hidden_act", c.hidden_act, where);
    require_clip_activation(c.hidden_act, where);
    require_transformer_sizes(c.hidden_size, c.num_hidden_layers, c.num_attention_heads, where);
    require_ranges({{"intermediate_size", c.intermediate_size, 1, 65536},
                    {"image_size", c.image_size, 1, 4096},
                    {"patch_size", c.patch_size, 1, c.image_size},
                    {"num_channels", c.num_channels, 1, 16},
                    {"projection_dim", c.projection_dim, 1, 16384}},
                   where);
    return c;
}

CLIPVisionModelWithProjectionImpl::CLIPVisionModelWithProjectionImpl(const CLIPVisionConfig& c) : config(c) {
    const std::int64_t D = c.hidden_size, grid = c.image_size / c.patch_size;
    auto vm              = node(*this, "vision_model");
    auto emb             = node(*vm, "embeddings");
    class_embedding      = emb->register_parameter("class_embedding", torch::zeros({D}));
    patch_embedding      = emb->register_module(
        "patch_embedding", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.num_channels, D, c.patch_size).stride(c.patch_size).bias(false)));
    position_embedding = emb->register_module("position_embedding", torch::nn::Embedding(grid * grid + 1, D));
    pre_layrnorm       = vm->register_module("pre_layrnorm", LayerNorm(LayerNormOptions({D}).eps(c.layer_norm_eps)));
    CLIPTextConfig layer;  // the encoder layers are the text model's
    layer.hidden_size         = c.hidden_size;
    layer.intermediate_size   = c.intermediate_size;
    layer.num_attention_heads = c.num_attention_heads;
    layer.layer_norm_eps      = c.layer_norm_eps;
    layer.hidden_act          = c.hidden_act;
    auto list = node(*vm, "encoder")->register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < c.num_hidden_layers; ++i) {
        layers_.emplace_back(layer);
        list->push_back(layers_.back());
    }
    post_layernorm    = vm->register_module("post_layernorm", LayerNorm(LayerNormOptions({D}).eps(c.layer_norm_eps)));
    visual_projection = register_module("visual_projection", Linear(LinearOptions(D, c.projection_dim).bias(false)));
}

ViTOutput CLIPVisionModelWithProjectionImpl::forward(const torch::Tensor& pixels) {
    if (pixels.dim() != 4 || pixels.size(2) != config.image_size || pixels.size(3) != config.image_size)
        throw Error("CLIP vision: expected pixel values [B, 3, " + std::to_string(config.image_size) + ", " +
                    std::to_string(config.image_size) + "]");
    const std::int64_t B = pixels.size(0), D = config.hidden_size;
    auto patches = patch_embedding->forward(pixels).flatten(2).transpose(1, 2);
    auto x = torch::cat({class_embedding.view({1, 1, D}).expand({B, 1, D}), patches}, 1) +
             position_embedding->weight.unsqueeze(0);
    x = pre_layrnorm->forward(x);
    for (auto& l : layers_) x = l->forward(x, torch::Tensor());
    ViTOutput out;
    out.last_hidden_state = x;
    out.pooler_output     = post_layernorm->forward(x.select(1, 0));
    out.image_embeds      = visual_projection->forward(out.pooler_output);
    return out;
}

ImagePreprocessor ImagePreprocessor::from_json(const nlohmann::json& j, const std::string& where) {
    return from_json(j, where, ImagePreprocessor{});
}

ImagePreprocessor ImagePreprocessor::from_json(const nlohmann::json& j, const std::string& where,
                                               const ImagePreprocessor& defaults) {
    if (!j.is_object()) throw Error(where + ": not a JSON object");
    ImagePreprocessor p = defaults;  // what the file leaves out is the image processor's own default
    p.do_resize      = io::json_get(j, "do_resize", p.do_resize, where);
    p.do_center_crop = io::json_get(j, "do_center_crop", p.do_center_crop, where);
    p.do_normalize   = io::json_get(j, "do_normalize", p.do_normalize, where);
    p.rescale_factor = io::json_get(j, "rescale_factor", p.rescale_factor, where);
    if (!io::json_get(j, "do_rescale", true, where)) p.rescale_factor = 1.0;
    p.mean           = io::json_get(j, "image_mean", p.mean, where);
    p.std            = io::json_get(j, "image_std", p.std, where);
    auto size        = io::json_get<nlohmann::json>(j, "size", nlohmann::json::object(), where);
    if (size.is_number_integer()) p.shortest_edge = size.get<int>();
    else if (size.is_object() && !size.contains("shortest_edge") && (size.contains("height") || size.contains("width")))
        throw Error(where + ": 'size' as height and width (resizing to a fixed shape) is not supported; shortest_edge is");
    else p.shortest_edge = io::json_get(size, "shortest_edge", p.shortest_edge, where);
    auto crop = io::json_get<nlohmann::json>(j, "crop_size", nlohmann::json::object(), where);
    if (crop.is_number_integer()) p.crop_height = p.crop_width = crop.get<int>();
    else {
        p.crop_height = io::json_get(crop, "height", p.crop_height, where);
        p.crop_width  = io::json_get(crop, "width", p.crop_width, where);
    }
    int resample = io::json_get(j, "resample", 3, where);
    if (resample != 3) throw Error(where + ": resample " + std::to_string(resample) + " is not supported (3, bicubic)");
    if (p.mean.size() != 3 || p.std.size() != 3) throw Error(where + ": image_mean and image_std need 3 values");
    for (double s : p.std)
        if (!(s > 0) || !std::isfinite(s)) throw Error(where + ": image_std values must be positive");
    require_ranges({{"size.shortest_edge", p.shortest_edge, 1, 4096},
                    {"crop_size.height", p.crop_height, 1, 4096},
                    {"crop_size.width", p.crop_width, 1, 4096}},
                   where);
    return p;
}

torch::Tensor ImagePreprocessor::operator()(const ImageU8& in) const {
    if (in.empty() || in.channels != 3) throw Error("preprocessing needs an RGB image");
    ImageU8 img = in;
    if (do_resize) {
        const bool wide = img.width >= img.height;
        const int s = wide ? img.height : img.width, l = wide ? img.width : img.height;
        const int nl = static_cast<int>(static_cast<long long>(shortest_edge) * l / s);
        img = wide ? pil_bicubic_resize(img, nl, shortest_edge) : pil_bicubic_resize(img, shortest_edge, nl);
    }
    int top = 0, left = 0, h = img.height, w = img.width;
    if (do_center_crop) {
        if (img.height < crop_height || img.width < crop_width) throw Error("the resized image is smaller than the crop");
        top = (img.height - crop_height) / 2, left = (img.width - crop_width) / 2, h = crop_height, w = crop_width;
    }
    auto t = torch::from_blob(img.data.data(), {img.height, img.width, 3}, torch::kUInt8).narrow(0, top, h).narrow(1, left, w);
    // rescale in float64 then float32, normalise in float32 (as transformers does)
    auto x = (t.to(torch::kFloat64) * rescale_factor).to(torch::kFloat32);
    if (do_normalize)
        x = (x - torch::tensor(mean).view({1, 1, 3})) / torch::tensor(std).view({1, 1, 3});
    return x.permute({2, 0, 1}).unsqueeze(0).contiguous();
}

namespace {

// Pillow 9 Resample.c: bicubic (a = -0.5), antialiased support, 22-bit fixed-point coefficients.
constexpr int kPrecisionBits = 32 - 8 - 2;

double bicubic(double x) {
    const double a = -0.5;
    x              = std::fabs(x);
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

struct Coeffs {
    int ksize = 0;
    std::vector<int> xmin, xsize;
    std::vector<int> k;  // fixed point, ksize per output
};

Coeffs precompute(int in_size, int out_size) {
    const double scale = static_cast<double>(in_size) / out_size;
    const double filterscale = std::max(scale, 1.0);
    const double support     = 2.0 * filterscale;
    Coeffs c;
    c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.xmin.resize(out_size);
    c.xsize.resize(out_size);
    c.k.assign(static_cast<std::size_t>(out_size) * c.ksize, 0);
    std::vector<double> w(c.ksize);
    for (int xx = 0; xx < out_size; ++xx) {
        const double center = (xx + 0.5) * scale;
        const double ss     = 1.0 / filterscale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;
        double ww = 0;
        for (int x = 0; x < xmax; ++x) {
            w[x] = bicubic((x + xmin - center + 0.5) * ss);
            ww += w[x];
        }
        for (int x = 0; x < xmax; ++x) {
            double v = ww != 0.0 ? w[x] / ww : w[x];
            c.k[static_cast<std::size_t>(xx) * c.ksize + x] =
                static_cast<int>(v < 0 ? v * (1 << kPrecisionBits) - 0.5 : v * (1 << kPrecisionBits) + 0.5);
        }
        c.xmin[xx]  = xmin;
        c.xsize[xx] = xmax;
    }
    return c;
}

std::uint8_t clip8(long long v) {
    v >>= kPrecisionBits;
    return static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

}  // namespace

ImageU8 pil_bicubic_resize(const ImageU8& in, int width, int height) {
    if (in.channels != 3) throw Error("resize needs an RGB image");
    ImageU8 cur = in;
    if (width != in.width) {  // horizontal pass first, as Pillow does
        Coeffs c = precompute(in.width, width);
        ImageU8 out{width, in.height, 3, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * in.height * 3)};
        for (int y = 0; y < in.height; ++y)
            for (int xx = 0; xx < width; ++xx)
                for (int ch = 0; ch < 3; ++ch) {
                    long long ss = 1LL << (kPrecisionBits - 1);
                    for (int x = 0; x < c.xsize[xx]; ++x)
                        ss += static_cast<long long>(cur.data[(static_cast<std::size_t>(y) * cur.width + c.xmin[xx] + x) * 3 + ch]) *
                              c.k[static_cast<std::size_t>(xx) * c.ksize + x];
                    out.data[(static_cast<std::size_t>(y) * width + xx) * 3 + ch] = clip8(ss);
                }
        cur = std::move(out);
    }
    if (height != in.height) {
        Coeffs c = precompute(in.height, height);
        ImageU8 out{cur.width, height, 3, std::vector<std::uint8_t>(static_cast<std::size_t>(cur.width) * height * 3)};
        for (int yy = 0; yy < height; ++yy)
            for (int x = 0; x < cur.width; ++x)
                for (int ch = 0; ch < 3; ++ch) {
                    long long ss = 1LL << (kPrecisionBits - 1);
                    for (int y = 0; y < c.xsize[yy]; ++y)
                        ss += static_cast<long long>(cur.data[(static_cast<std::size_t>(c.xmin[yy] + y) * cur.width + x) * 3 + ch]) *
                              c.k[static_cast<std::size_t>(yy) * c.ksize + y];
                    out.data[(static_cast<std::size_t>(yy) * cur.width + x) * 3 + ch] = clip8(ss);
                }
        cur = std::move(out);
    }
    return cur;
}

}  // namespace tint::nn
