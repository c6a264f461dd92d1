#include "nn/clip_text.h"

#include <cmath>
#include <limits>

#include "tint/Error.h"

namespace tint::nn {

namespace F = torch::nn::functional;

CLIPAttentionImpl::CLIPAttentionImpl(std::int64_t dim, std::int64_t heads) : heads_(heads) {
    k_proj   = register_module("k_proj", torch::nn::Linear(dim, dim));
    v_proj   = register_module("v_proj", torch::nn::Linear(dim, dim));
    q_proj   = register_module("q_proj", torch::nn::Linear(dim, dim));
    out_proj = register_module("out_proj", torch::nn::Linear(dim, dim));
}

torch::Tensor CLIPAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& causal_mask) {
    const std::int64_t B = x.size(0), S = x.size(1), D = x.size(2), d = D / heads_;
    const double scale = std::pow(static_cast<double>(d), -0.5);
    // query_states = q_proj(x) * scale; shape to [B*h, S, d]
    auto shape = [&](const torch::Tensor& t) { return t.view({B, S, heads_, d}).transpose(1, 2).reshape({B * heads_, S, d}); };
    auto q = shape(q_proj->forward(x) * scale), k = shape(k_proj->forward(x)), v = shape(v_proj->forward(x));
    auto w = torch::bmm(q, k.transpose(1, 2));                             // [B*h, S, S]
    if (causal_mask.defined()) w = (w.view({B, heads_, S, S}) + causal_mask).view({B * heads_, S, S});
    w      = w.softmax(-1);
    auto o = torch::bmm(w, v).view({B, heads_, S, d}).transpose(1, 2).reshape({B, S, D});
    return out_proj->forward(o);
}

CLIPMLPImpl::CLIPMLPImpl(std::int64_t dim, std::int64_t hidden, bool quick_gelu) : quick_gelu_(quick_gelu) {
    fc1 = register_module("fc1", torch::nn::Linear(dim, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, dim));
}

torch::Tensor CLIPMLPImpl::forward(const torch::Tensor& x) {
    auto h = fc1->forward(x);
    h      = quick_gelu_ ? h * torch::sigmoid(1.702 * h) : F::gelu(h);
    return fc2->forward(h);
}

CLIPEncoderLayerImpl::CLIPEncoderLayerImpl(const CLIPTextConfig& c) {
    using torch::nn::LayerNorm;
    using torch::nn::LayerNormOptions;
    self_attn   = register_module("self_attn", CLIPAttention(c.hidden_size, c.num_attention_heads));
    layer_norm1 = register_module("layer_norm1", LayerNorm(LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
    mlp         = register_module("mlp", CLIPMLP(c.hidden_size, c.intermediate_size, c.hidden_act == "quick_gelu"));
    layer_norm2 = register_module("layer_norm2", LayerNorm(LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

torch::Tensor CLIPEncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& causal_mask) {
    auto h = x + self_attn->forward(layer_norm1->forward(x), causal_mask);
    return h + mlp->forward(layer_norm2->forward(h));
}

CLIPTextEmbeddingsImpl::CLIPTextEmbeddingsImpl(const CLIPTextConfig& c) {
    token_embedding    = register_module("token_embedding", torch::nn::Embedding(c.vocab_size, c.hidden_size));
    position_embedding = register_module("position_embedding", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
}

CLIPEncoderImpl::CLIPEncoderImpl(const CLIPTextConfig& c) {
    layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < c.num_hidden_layers; ++i) {
        layers_.emplace_back(c);
        layers->push_back(layers_.back());
    }
}

CLIPTextTransformerImpl::CLIPTextTransformerImpl(const CLIPTextConfig& c) {
    embeddings       = register_module("embeddings", CLIPTextEmbeddings(c));
    encoder          = register_module("encoder", CLIPEncoder(c));
    final_layer_norm = register_module(
        "final_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

CLIPTextModelImpl::CLIPTextModelImpl(const CLIPTextConfig& c) : config(c) {
    text_model = register_module("text_model", CLIPTextTransformer(c));
}

CLIPTextOutput CLIPTextModelImpl::forward(const torch::Tensor& ids, const torch::Tensor& extra_rows, bool all_hidden) {
    if (ids.dim() != 2) throw Error("CLIP text model: expected token ids [B, S]");
    const std::int64_t B = ids.size(0), S = ids.size(1);
    if (S > config.max_position_embeddings)
        throw Error("CLIP text model: " + std::to_string(S) + " tokens, at most " +
                    std::to_string(config.max_position_embeddings));
    auto& emb      = text_model->embeddings;
    auto table     = emb->token_embedding->weight;
    const auto max_id = config.vocab_size + (extra_rows.defined() ? extra_rows.size(0) : 0);
    if (ids.numel() > 0 && (ids.max().item<std::int64_t>() >= max_id || ids.min().item<std::int64_t>() < 0))
        throw Error("CLIP text model: a token id is outside the vocabulary (" + std::to_string(max_id) + " entries)");
    torch::Tensor tokens;
    if (extra_rows.defined() && extra_rows.size(0) > 0) {
        // Look the ordinary ids up in the table and splice the extra rows in where their ids are:
        // the same numbers as a concatenated table, without copying (or, in training, back-propagating
        // into) the whole vocabulary every step.
        auto is_extra = ids >= config.vocab_size;
        auto base     = F::embedding(ids.clamp_max(config.vocab_size - 1), table);
        auto extra    = F::embedding((ids - config.vocab_size).clamp_min(0), extra_rows.to(table.options()));
        tokens        = torch::where(is_extra.unsqueeze(-1), extra, base);
    } else {
        tokens = F::embedding(ids, table);
    }
    auto positions = torch::arange(S, ids.options().dtype(torch::kInt64));
    auto x = tokens + emb->position_embedding->forward(positions).unsqueeze(0);
    // Causal mask: -inf above the diagonal (transformers uses the dtype's lowest value).
    auto mask = torch::full({S, S}, std::numeric_limits<float>::lowest(), x.options()).triu(1).view({1, 1, S, S});
    CLIPTextOutput out;
    if (all_hidden) out.hidden_states.push_back(x);
    for (auto& layer : text_model->encoder->layers_) {
        x = layer->forward(x, mask);
        if (all_hidden) out.hidden_states.push_back(x);
    }
    out.last_hidden_state = text_model->final_layer_norm->forward(x);
    // Pooled output: legacy configs (eos_token_id == 2) take the highest id's position.
    torch::Tensor pos = config.eos_token_id == 2 ? ids.to(torch::kInt64).argmax(-1)
                                                 : (ids == config.eos_token_id).to(torch::kInt32).argmax(-1);
    out.pooler_output = out.last_hidden_state.index({torch::arange(B, pos.options()), pos});
    return out;
}

}  // namespace tint::nn
