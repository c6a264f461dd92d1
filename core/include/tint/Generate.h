#pragma once
// Text-to-image and image round trips with a Stable Diffusion folder (diffusers layout).
#include <cstdint>
#include <string>
#include <vector>

#include "tint/Image.h"

namespace tint {

class JobContext;

struct GenerateSpec {
    std::string model_dir;        ///< diffusers folder
    std::string prompt;
    std::string negative_prompt;  ///< the unconditional branch ("" = empty prompt)
    int steps       = 25;
    double guidance = 7.5;        ///< classifier-free guidance scale (1 = no guidance)
    std::uint64_t seed = 0;
    int width  = 512;
    int height = 512;
    int count  = 1;               ///< images to make (one seed each: seed, seed + 1, ...)
    std::string spacing;          ///< DDIM timestep spacing; empty: the scheduler config's
    std::string device    = "cpu";
    std::string precision = "fp32";  ///< fp16 / bf16 only on CUDA
};

/// Guided DDIM sampling (eta 0). Polls `ctx` at every step; reports progress per step.
std::vector<ImageU8> generate_images(const GenerateSpec& spec, JobContext& ctx);

struct RoundTripResult {
    ImageU8 reconstruction;
    double psnr_db = 0;
};

/// Encodes `image` (resized to spec.width x spec.height), inverts it with DDIM under the prompt
/// (no guidance), samples it back with `spec.guidance`, and decodes: the plain DDIM-inversion
/// reconstruction that null-text inversion improves on.
RoundTripResult ddim_round_trip(const GenerateSpec& spec, const ImageU8& image, JobContext& ctx);

/// PSNR in dB of two images of the same size.
double psnr(const ImageU8& a, const ImageU8& b);

}  // namespace tint
