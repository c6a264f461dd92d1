#pragma once
// A loaded Stable Diffusion pipeline: tokenizer, text encoder, UNet, VAE and DDIM scheduler on one
// device, with the operations TINT builds on (prompt encoding, guided noise prediction, image <->
// latent conversion).
#include <torch/torch.h>

#include <memory>
#include <string>

#include "diffusion/ddim.h"
#include "diffusion/stable_diffusion.h"
#include "text/clip_tokenizer.h"
#include "tint/Image.h"

namespace tint::diffusion {

struct Pipeline {
    std::string root;
    std::unique_ptr<text::ClipTokenizer> tokenizer;
    nn::CLIPTextModel text_encoder{nullptr};
    nn::UNet2DConditionModel unet{nullptr};
    nn::AutoencoderKL vae{nullptr};
    std::unique_ptr<DDIMScheduler> scheduler;
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;  ///< text encoder and UNet; the VAE stays fp32

    /// Token ids [1, max_length] of a prompt, padded as the SD pipelines do.
    torch::Tensor tokenize(const std::string& prompt) const;
    /// last_hidden_state [1, 77, D] of a prompt (extra embedding rows for added tokens).
    torch::Tensor encode_prompt(const std::string& prompt, const torch::Tensor& extra_rows = {});
    /// One UNet call on [uncond; cond] and the guided combination, as noise (epsilon).
    torch::Tensor guided_eps(const torch::Tensor& z, std::int64_t t, const torch::Tensor& uncond,
                             const torch::Tensor& cond, double guidance);
    /// RGB image -> VAE posterior mean * scaling_factor, [1, 4, h/f, w/f] (resized to width x height).
    torch::Tensor image_to_latent(const ImageU8& image, int width, int height);
    /// Latent (scaled) -> RGB 8-bit images.
    std::vector<ImageU8> latent_to_images(const torch::Tensor& z);
    std::int64_t vae_scale() { return vae->scale_factor(); }
};

/// Standard normal noise [shape] from a CPU generator seeded with `seed`: the same numbers on every
/// device, so a seed means the same image on CPU and GPU.
torch::Tensor seeded_noise(std::uint64_t seed, at::IntArrayRef shape);

/// Loads the folder (checked first) onto the device, in the precision given.
std::unique_ptr<Pipeline> load_pipeline(const std::string& root, const std::string& device, const std::string& precision,
                                        JobContext* ctx);

}  // namespace tint::diffusion
