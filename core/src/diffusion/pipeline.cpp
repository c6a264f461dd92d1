#include "diffusion/pipeline.h"

#include <ATen/CPUGeneratorImpl.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>

#include "tint/Error.h"
#include "tint/Generate.h"
#include "tint/JobContext.h"

namespace fs = std::filesystem;

namespace tint::diffusion {

torch::Tensor seeded_noise(std::uint64_t seed, at::IntArrayRef shape) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::randn(shape, gen, torch::TensorOptions().dtype(torch::kFloat32));
}

std::unique_ptr<Pipeline> load_pipeline(const std::string& root, const std::string& device, const std::string& precision,
                                        JobContext* ctx) {
    check_pipeline_folder(root);
    auto p  = std::make_unique<Pipeline>();
    p->root = root;
    if (device == "cuda") {
        if (!torch::cuda::is_available()) throw Error("CUDA was chosen but no CUDA device is available to LibTorch");
        p->device = torch::Device(torch::kCUDA);
    } else if (device != "cpu") {
        throw Error("unknown device '" + device + "' (cpu or cuda)");
    }
    if (precision == "fp16" || precision == "bf16") {
        if (!p->device.is_cuda()) throw Error("precision " + precision + " needs a CUDA device; use fp32 on the CPU");
        p->dtype = precision == "fp16" ? torch::kFloat16 : torch::kBFloat16;
    } else if (precision != "fp32") {
        throw Error("unknown precision '" + precision + "' (fp32, fp16 or bf16)");
    }
    LoadTarget model{p->device, p->dtype, ctx};
    LoadTarget vae{p->device, torch::kFloat32, ctx};
    p->tokenizer    = std::make_unique<text::ClipTokenizer>(text::ClipTokenizer::from_diffusers_folder((fs::path(root) / "tokenizer").string()));
    p->text_encoder = load_text_encoder((fs::path(root) / "text_encoder").string(), model);
    p->unet         = load_unet((fs::path(root) / "unet").string(), model);
    p->vae          = load_vae((fs::path(root) / "vae").string(), vae);
    p->scheduler    = std::make_unique<DDIMScheduler>(load_scheduler((fs::path(root) / "scheduler").string()));
    return p;
}

torch::Tensor Pipeline::tokenize(const std::string& prompt) const {
    auto ids = tokenizer->encode_padded(prompt, tokenizer->max_length());
    return torch::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), torch::kInt64).unsqueeze(0).to(device);
}

torch::Tensor Pipeline::encode_prompt(const std::string& prompt, const torch::Tensor& extra_rows) {
    return text_encoder->forward(tokenize(prompt), extra_rows).last_hidden_state;
}

torch::Tensor Pipeline::guided_eps(const torch::Tensor& z, std::int64_t t, const torch::Tensor& uncond,
                                   const torch::Tensor& cond, double guidance) {
    auto zz  = z.to(dtype);
    auto out = unet->forward(torch::cat({zz, zz}), torch::tensor(t), torch::cat({uncond, cond}).to(dtype)).to(torch::kFloat32);
    auto e   = out.chunk(2);
    auto g   = e[0] + guidance * (e[1] - e[0]);
    return scheduler->to_epsilon(g, t, z);
}

torch::Tensor Pipeline::image_to_latent(const ImageU8& image, int width, int height) {
    if (image.empty() || image.channels != 3) throw Error("an RGB image is needed");
    cv::Mat src(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.data.data()));
    cv::Mat resized;
    cv::resize(src, resized, cv::Size(width, height), 0, 0,
               width < image.width ? cv::INTER_AREA : cv::INTER_LINEAR);
    auto x = torch::from_blob(resized.data, {1, height, width, 3}, torch::kUInt8)
                 .permute({0, 3, 1, 2})
                 .to(torch::kFloat32)
                 .div(255.0)
                 .mul(2.0)
                 .sub(1.0)
                 .contiguous()
                 .to(device);
    return vae->encode(x).mean * vae->config.scaling_factor;
}

std::vector<ImageU8> Pipeline::latent_to_images(const torch::Tensor& z) {
    auto img = vae->decode(z.to(torch::kFloat32) / vae->config.scaling_factor);
    img      = (img / 2 + 0.5).clamp(0, 1).mul(255.0).add(0.5).floor().to(torch::kUInt8);  // as save_image rounds
    img      = img.permute({0, 2, 3, 1}).contiguous().to(torch::kCPU);
    std::vector<ImageU8> out;
    for (std::int64_t b = 0; b < img.size(0); ++b) {
        ImageU8 im;
        im.height   = static_cast<int>(img.size(1));
        im.width    = static_cast<int>(img.size(2));
        im.channels = 3;
        auto* p     = img[b].data_ptr<std::uint8_t>();
        im.data.assign(p, p + im.width * im.height * 3);
        out.push_back(std::move(im));
    }
    return out;
}

}  // namespace tint::diffusion
