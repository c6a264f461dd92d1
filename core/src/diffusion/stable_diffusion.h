#pragma once
// Loading the parts of a Stable Diffusion folder in diffusers layout: each component's config with
// upstream defaults, strict weight loading, and dtype/device placement chosen by the caller.
#include <torch/torch.h>

#include <string>

#include "diffusion/ddim.h"
#include "nn/clip_text.h"
#include "nn/unet.h"
#include "nn/vae.h"

namespace tint {
class JobContext;
}

namespace tint::diffusion {

struct LoadTarget {
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;
    JobContext* ctx = nullptr;  ///< polled for cancel between tensors
};

nn::CLIPTextModel load_text_encoder(const std::string& component_dir, const LoadTarget& target = {});
nn::UNet2DConditionModel load_unet(const std::string& component_dir, const LoadTarget& target = {});
nn::AutoencoderKL load_vae(const std::string& component_dir, const LoadTarget& target = {});
DDIMScheduler load_scheduler(const std::string& component_dir);

/// Checks model_index.json and that every component folder is there; throws naming what is missing.
void check_pipeline_folder(const std::string& root);

}  // namespace tint::diffusion
