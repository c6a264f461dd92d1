#pragma once
// Port of transformers.models.clip.modeling_clip.CLIPTextModel (text_model: embeddings, encoder,
// final_layer_norm), eager attention with the causal mask.
#include <torch/torch.h>

#include "nn/config.h"

namespace tint::nn {

struct CLIPAttentionImpl : torch::nn::Module {
    CLIPAttentionImpl(std::int64_t dim, std::int64_t heads);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& causal_mask);  // [B, S, D]
    std::int64_t heads_;
    torch::nn::Linear k_proj{nullptr}, v_proj{nullptr}, q_proj{nullptr}, out_proj{nullptr};
};
TORCH_MODULE(CLIPAttention);

struct CLIPMLPImpl : torch::nn::Module {
    CLIPMLPImpl(std::int64_t dim, std::int64_t hidden, bool quick_gelu);
    torch::Tensor forward(const torch::Tensor& x);
    bool quick_gelu_;
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(CLIPMLP);

struct CLIPEncoderLayerImpl : torch::nn::Module {
    explicit CLIPEncoderLayerImpl(const CLIPTextConfig& c);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& causal_mask);
    CLIPAttention self_attn{nullptr};
    torch::nn::LayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
    CLIPMLP mlp{nullptr};
};
TORCH_MODULE(CLIPEncoderLayer);

struct CLIPTextEmbeddingsImpl : torch::nn::Module {
    explicit CLIPTextEmbeddingsImpl(const CLIPTextConfig& c);
    torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(CLIPTextEmbeddings);

struct CLIPEncoderImpl : torch::nn::Module {
    explicit CLIPEncoderImpl(const CLIPTextConfig& c);
    torch::nn::ModuleList layers{nullptr};
    std::vector<CLIPEncoderLayer> layers_;
};
TORCH_MODULE(CLIPEncoder);

struct CLIPTextTransformerImpl : torch::nn::Module {
    explicit CLIPTextTransformerImpl(const CLIPTextConfig& c);
    CLIPTextEmbeddings embeddings{nullptr};
    CLIPEncoder encoder{nullptr};
    torch::nn::LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(CLIPTextTransformer);

struct CLIPTextOutput {
    torch::Tensor last_hidden_state;  ///< [B, S, D], after final_layer_norm
    torch::Tensor pooler_output;      ///< [B, D]
    std::vector<torch::Tensor> hidden_states;  ///< embeddings output, then each layer's output (when asked)
};

struct CLIPTextModelImpl : torch::nn::Module {
    explicit CLIPTextModelImpl(const CLIPTextConfig& config);
    /// ids [B, S] (int64). `extra_rows` [N, D] are appended to the token-embedding table, so ids
    /// vocab_size .. vocab_size+N-1 select them (textual-inversion tokens; gradients flow into them).
    CLIPTextOutput forward(const torch::Tensor& ids, const torch::Tensor& extra_rows = {}, bool all_hidden_states = false);

    CLIPTextConfig config;
    CLIPTextTransformer text_model{nullptr};
};
TORCH_MODULE(CLIPTextModel);

}  // namespace tint::nn
