// The public text-to-image and round-trip entry points (tint/Generate.h).
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "diffusion/pipeline.h"
#include "tint/Error.h"
#include "tint/Generate.h"
#include "tint/JobContext.h"

namespace tint {

namespace {

void check_size(const GenerateSpec& s, std::int64_t factor) {
    if (s.width <= 0 || s.height <= 0 || s.width % factor || s.height % factor)
        throw Error("the image size " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                    " must be a positive multiple of " + std::to_string(factor) + " for this model");
    if (s.steps < 1) throw Error("the number of steps must be at least 1");
}

}  // namespace

std::vector<ImageU8> generate_images(const GenerateSpec& spec, JobContext& ctx) {
    ctx.report({"load", 0, 0, std::nan(""), spec.model_dir});
    auto p = diffusion::load_pipeline(spec.model_dir, spec.device, spec.precision, &ctx);
    check_size(spec, p->vae_scale());
    c10::InferenceMode guard;
    auto cond   = p->encode_prompt(spec.prompt);
    auto uncond = p->encode_prompt(spec.negative_prompt);
    auto ts     = p->scheduler->timesteps(spec.steps, spec.spacing);
    const long long total = static_cast<long long>(spec.count) * spec.steps;
    std::vector<ImageU8> out;
    for (int k = 0; k < spec.count; ++k) {
        if (ctx.stop_before_next_item()) break;
        auto z = diffusion::seeded_noise(spec.seed + static_cast<std::uint64_t>(k),
                              {1, p->unet->config.in_channels, spec.height / p->vae_scale(), spec.width / p->vae_scale()})
                     .to(p->device);
        for (std::size_t i = 0; i < ts.size(); ++i) {
            ctx.throw_if_cancelled();
            auto eps = p->guided_eps(z, ts[i], uncond, cond, spec.guidance);
            z        = p->scheduler->step(eps, ts[i], z, spec.steps).prev_sample;
            ctx.report({"sample", static_cast<long long>(k) * spec.steps + static_cast<long long>(i) + 1, total,
                        std::nan(""), "image " + std::to_string(k + 1)});
        }
        auto imgs = p->latent_to_images(z);
        out.push_back(std::move(imgs.front()));
    }
    return out;
}

double psnr(const ImageU8& a, const ImageU8& b) {
    if (a.width != b.width || a.height != b.height || a.channels != b.channels || a.data.size() != b.data.size())
        throw Error("PSNR needs two images of the same size");
    double se = 0;
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        double d = double(a.data[i]) - double(b.data[i]);
        se += d * d;
    }
    double mse = se / double(a.data.size());
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

RoundTripResult ddim_round_trip(const GenerateSpec& spec, const ImageU8& image, JobContext& ctx) {
    auto p = diffusion::load_pipeline(spec.model_dir, spec.device, spec.precision, &ctx);
    check_size(spec, p->vae_scale());
    c10::InferenceMode guard;
    auto cond   = p->encode_prompt(spec.prompt);
    auto uncond = p->encode_prompt(spec.negative_prompt);
    auto ts     = p->scheduler->timesteps(spec.steps, spec.spacing);
    auto z      = p->image_to_latent(image, spec.width, spec.height);
    // DDIM inversion, conditional only, noise predicted at the target timestep (as TINT does).
    std::int64_t from = 0;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        ctx.throw_if_cancelled();
        std::int64_t to = ts[ts.size() - 1 - i];
        auto eps = p->scheduler->to_epsilon(
            p->unet->forward(z.to(p->dtype), torch::tensor(to), cond.to(p->dtype)).to(torch::kFloat32), to, z);
        z    = p->scheduler->change_timestep(eps, from, to, z);
        from = to;
        ctx.report({"invert", static_cast<long long>(i) + 1, 2LL * spec.steps, std::nan(""), {}});
    }
    for (std::size_t i = 0; i < ts.size(); ++i) {
        ctx.throw_if_cancelled();
        std::int64_t to = i + 1 < ts.size() ? ts[i + 1] : 0;  // TINT ends at alphas_cumprod[0]
        z = p->scheduler->change_timestep(p->guided_eps(z, ts[i], uncond, cond, spec.guidance), ts[i], to, z);
        ctx.report({"sample", static_cast<long long>(spec.steps + i) + 1, 2LL * spec.steps, std::nan(""), {}});
    }
    RoundTripResult r;
    r.reconstruction = p->latent_to_images(z).front();
    cv::Mat src(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.data.data()));
    cv::Mat resized;
    cv::resize(src, resized, cv::Size(spec.width, spec.height), 0, 0,
               spec.width < image.width ? cv::INTER_AREA : cv::INTER_LINEAR);
    ImageU8 ref;
    ref.width = spec.width, ref.height = spec.height, ref.channels = 3;
    ref.data.assign(resized.data, resized.data + resized.total() * 3);
    r.psnr_db = psnr(r.reconstruction, ref);
    return r;
}

}  // namespace tint
