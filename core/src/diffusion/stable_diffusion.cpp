#include "diffusion/stable_diffusion.h"

#include <filesystem>

#include "io/diffusers.h"
#include "tint/Error.h"
#include "tint/JobContext.h"
#include "weights/state_dict.h"

namespace fs = std::filesystem;

namespace tint::diffusion {

namespace {

template <class M>
void finish(M& model, const weights::TensorSource& src, const LoadTarget& target, weights::LoadOptions opt) {
    opt.ctx = target.ctx;
    weights::load_module(*model, src, opt);
    model->to(target.device, target.dtype);
    model->eval();
    for (auto& p : model->parameters()) p.set_requires_grad(false);
}

// Older VAE checkpoints name the mid-block attention query/key/value/proj_attn (as 1x1 convs).
std::vector<std::string> vae_aliases(const std::string& key) {
    static const std::pair<const char*, const char*> renames[] = {
        {".to_q.", ".query."}, {".to_k.", ".key."}, {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}};
    for (const auto& [now, old] : renames) {
        auto pos = key.find(std::string("mid_block.attentions.0") + now);
        if (pos != std::string::npos) {
            std::string alt = key;
            alt.replace(pos + std::string("mid_block.attentions.0").size(), std::string(now).size(), old);
            return {alt};
        }
    }
    return {};
}

}  // namespace

nn::CLIPTextModel load_text_encoder(const std::string& dir, const LoadTarget& target) {
    const std::string cfg = (fs::path(dir) / "config.json").string();
    nn::CLIPTextModel model(nn::CLIPTextConfig::from_json(io::read_json_file(cfg), cfg));
    weights::LoadOptions opt;
    opt.ignore_unexpected = {"text_model.embeddings.position_ids"};
    finish(model, io::open_weights(dir, "model"), target, opt);
    return model;
}

nn::UNet2DConditionModel load_unet(const std::string& dir, const LoadTarget& target) {
    const std::string cfg = (fs::path(dir) / "config.json").string();
    nn::UNet2DConditionModel model(nn::UNetConfig::from_json(io::read_json_file(cfg), cfg));
    finish(model, io::open_weights(dir, "diffusion_pytorch_model"), target, {});
    return model;
}

nn::AutoencoderKL load_vae(const std::string& dir, const LoadTarget& target) {
    const std::string cfg = (fs::path(dir) / "config.json").string();
    nn::AutoencoderKL model(nn::VAEConfig::from_json(io::read_json_file(cfg), cfg));
    weights::LoadOptions opt;
    opt.aliases = vae_aliases;
    finish(model, io::open_weights(dir, "diffusion_pytorch_model"), target, opt);
    return model;
}

DDIMScheduler load_scheduler(const std::string& dir) {
    const std::string cfg = (fs::path(dir) / "scheduler_config.json").string();
    return DDIMScheduler(SchedulerConfig::from_json(io::read_json_file(cfg), cfg));
}

void check_pipeline_folder(const std::string& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw Error("'" + root + "' is not a folder");
    io::read_json_file((fs::path(root) / "model_index.json").string());
    for (const char* c : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"}) io::component_dir(root, c);
}

}  // namespace tint::diffusion
