#include "distill/teacher.h"

#include <algorithm>
#include <fstream>
#include <filesystem>

#include "io/diffusers.h"
#include "io/json_util.h"
#include "nn/imagenet_mobilenet.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Log.h"
#include "weights/state_dict.h"

namespace fs = std::filesystem;

namespace tint::distill {

std::string teacher_kind_name(TeacherKind kind) {
    switch (kind) {
        case TeacherKind::Dinov2: return "dinov2";
        case TeacherKind::ClipVision: return "clip_vision";
        case TeacherKind::ImageNetMobileNetV2: return "imagenet_mobilenetv2";
    }
    return "unknown";
}

Normalization Teacher::normalization() const {
    Normalization n;
    n.scale = preprocessor_.rescale_factor;
    for (int c = 0; c < 3; ++c) {
        n.mean[c] = preprocessor_.do_normalize ? preprocessor_.mean[c] : 0.0f;
        n.std[c]  = preprocessor_.do_normalize ? preprocessor_.std[c] : 1.0f;
    }
    return n;
}

torch::Tensor Teacher::features(const torch::Tensor& pixels) {
    if (pixels.dim() != 4 || pixels.size(1) != 3)
        throw Error(teacher_kind_name(kind_) + " teacher '" + folder_ + "': expected pixels [B, 3, H, W], got " +
                    weights::shape_string(pixels.sizes()));
    torch::NoGradGuard no_grad;
    return forward_features(pixels.to(device(), torch::kFloat32)).to(torch::kCPU, torch::kFloat32).contiguous();
}

torch::Tensor Teacher::features(const std::vector<ImageU8>& images, JobContext* ctx) {
    const std::int64_t n = static_cast<std::int64_t>(images.size());
    const std::int64_t bs = std::max(1, options_.batch_size);
    std::vector<torch::Tensor> parts;
    for (std::int64_t start = 0; start < n; start += bs) {
        if (ctx) {
            ctx->throw_if_cancelled();
            Progress p;
            p.stage = "features";
            p.step  = start;
            p.total = n;
            ctx->report(p);
        }
        const std::int64_t end = std::min(n, start + bs);
        std::vector<torch::Tensor> batch;
        bool same_size = true;
        for (std::int64_t i = start; i < end; ++i) {
            batch.push_back(preprocess(images[static_cast<std::size_t>(i)]));
            same_size = same_size && batch.back().sizes() == batch.front().sizes();
        }
        if (same_size) {
            parts.push_back(features(torch::cat(batch, 0)));
        } else {  // a preprocessor without centre crop keeps the aspect ratio: one image at a time
            for (const auto& px : batch) parts.push_back(features(px));
        }
    }
    if (ctx) {
        Progress p;
        p.stage = "features";
        p.step = p.total = n;
        ctx->report(p);
    }
    if (parts.empty()) return torch::zeros({0, feature_dim()});
    return torch::cat(parts, 0);
}

void Teacher::check_fine_tune_blocks(int blocks, bool zero_means_off) const {
    if ((blocks == 0 && zero_means_off) || (blocks >= 1 && blocks <= block_count())) return;
    throw Error(teacher_kind_name(kind_) + " teacher '" + folder_ + "': cannot fine-tune " + std::to_string(blocks) +
                " blocks; it has " + std::to_string(block_count()));
}

std::vector<std::pair<std::string, torch::Tensor>> Teacher::tail_parameters(int blocks) {
    check_fine_tune_blocks(blocks);
    const auto prefixes = tail_prefixes(blocks);
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : model().named_parameters(/*recurse=*/true)) {
        for (const auto& p : prefixes)
            if (item.key().compare(0, p.size(), p) == 0) {
                out.emplace_back(item.key(), item.value());
                break;
            }
    }
    return out;
}

torch::Tensor Teacher::trainable_features(const torch::Tensor& pixels) {
    if (pixels.dim() != 4 || pixels.size(1) != 3)
        throw Error(teacher_kind_name(kind_) + " teacher '" + folder_ + "': expected pixels [B, 3, H, W], got " +
                    weights::shape_string(pixels.sizes()));
    return forward_features(pixels.to(device(), torch::kFloat32));
}

void Teacher::set_fine_tuned(int blocks, const std::string& tail_hash) {
    fine_tuned_blocks_ = blocks;
    identity_          = base_identity_ + "+finetuned:" + std::to_string(blocks) + ":" + tail_hash;
}

void Teacher::clear_fine_tuned() {
    fine_tuned_blocks_ = 0;
    identity_          = base_identity_;
}

namespace {

torch::Device module_device(const torch::nn::Module& m) {
    auto params = m.parameters();
    return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

class Dinov2Teacher : public Teacher {
public:
    Dinov2Teacher(std::string folder, TeacherOptions options, const nn::Dinov2Config& cfg)
        : Teacher(TeacherKind::Dinov2, std::move(folder), options), model_(cfg) {}
    std::int64_t feature_dim() const override {
        return model_->config.hidden_size * (options_.dinov2_mean_patch ? 2 : 1);
    }
    void to(const torch::Device& d) override { model_->to(d); }
    torch::Device device() const override { return module_device(*model_); }

    int block_count() const override { return model_->config.num_hidden_layers; }

    nn::Dinov2Model model_;
    using Teacher::set_up;

    torch::nn::Module& model() override { return *model_; }

protected:
    std::vector<std::string> tail_prefixes(int blocks) const override {
        std::vector<std::string> p{"layernorm."};
        for (int i = block_count() - blocks; i < block_count(); ++i) p.push_back("encoder.layer." + std::to_string(i) + ".");
        return p;
    }
    torch::Tensor forward_features(const torch::Tensor& pixels) override {
        auto out = model_->forward(pixels);
        if (!options_.dinov2_mean_patch) return out.pooler_output;
        auto patches = out.last_hidden_state.narrow(1, 1, out.last_hidden_state.size(1) - 1);
        return torch::cat({out.pooler_output, patches.mean(1)}, 1);
    }
};

class ClipTeacher : public Teacher {
public:
    ClipTeacher(std::string folder, TeacherOptions options, const nn::CLIPVisionConfig& cfg)
        : Teacher(TeacherKind::ClipVision, std::move(folder), options), model_(cfg) {}
    std::int64_t feature_dim() const override { return model_->config.projection_dim; }
    void to(const torch::Device& d) override { model_->to(d); }
    torch::Device device() const override { return module_device(*model_); }

    int block_count() const override { return model_->config.num_hidden_layers; }

    nn::CLIPVisionModelWithProjection model_;
    using Teacher::set_up;

    torch::nn::Module& model() override { return *model_; }

protected:
    std::vector<std::string> tail_prefixes(int blocks) const override {
        std::vector<std::string> p{"vision_model.post_layernorm.", "visual_projection."};
        for (int i = block_count() - blocks; i < block_count(); ++i)
            p.push_back("vision_model.encoder.layers." + std::to_string(i) + ".");
        return p;
    }
    torch::Tensor forward_features(const torch::Tensor& pixels) override { return model_->forward(pixels).image_embeds; }
};

class MobileNetTeacher : public Teacher {
public:
    MobileNetTeacher(std::string folder, TeacherOptions options)
        : Teacher(TeacherKind::ImageNetMobileNetV2, std::move(folder), options) {}
    std::int64_t feature_dim() const override { return options_.imagenet_logits ? 1001 : 1280; }
    void to(const torch::Device& d) override { model_->to(d); }
    torch::Device device() const override { return module_device(*model_); }

    int block_count() const override { return static_cast<int>(model_->blocks_.size()); }

    nn::ImageNetMobileNetV2 model_;
    using Teacher::set_up;

    torch::nn::Module& model() override { return *model_; }

protected:
    std::vector<std::string> tail_prefixes(int blocks) const override {
        std::vector<std::string> p{"head."};
        if (options_.imagenet_logits) p.push_back("classifier.");
        for (int i = block_count() - blocks; i < block_count(); ++i) p.push_back("blocks." + std::to_string(i) + ".");
        return p;
    }
    torch::Tensor forward_features(const torch::Tensor& pixels) override {
        auto f = model_->features(pixels);
        return options_.imagenet_logits ? model_->logits(f) : f;
    }
};

bool path_exists(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

// The first and the last MiB of a file (all of it when smaller): enough to tell two checkpoints
// of the same architecture apart (the tensor data starts right after the header), cheap to read.
std::string ends_hash(const fs::path& file) {
    constexpr std::streamoff kPart = 1 << 20;
    std::ifstream in(file, std::ios::binary);
    if (!in) return "unreadable";
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) return "unreadable";
    std::vector<std::uint8_t> bytes;
    auto read_at = [&](std::streamoff at, std::streamoff n) {
        const std::size_t old = bytes.size();
        bytes.resize(old + static_cast<std::size_t>(n));
        in.seekg(at);
        in.read(reinterpret_cast<char*>(bytes.data() + old), n);
        bytes.resize(old + static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
        in.clear();
    };
    if (size <= 2 * kPart) {
        read_at(0, size);
    } else {
        read_at(0, kPart);
        read_at(size - kPart, kPart);
    }
    return content_hash(bytes);
}

// Hash of what defines the features without reading gigabytes of weights: the configuration
// files' bytes, and the weight files' names, sizes and first and last MiB.
std::string folder_hash(const fs::path& dir, bool with_weight_bytes) {
    std::vector<std::uint8_t> acc;
    auto add = [&](const std::string& s) { acc.insert(acc.end(), s.begin(), s.end()); };
    for (const char* f : {"config.json", "preprocessor_config.json"}) {
        fs::path p = dir / f;
        if (!path_exists(p)) continue;
        auto bytes = read_file_bytes(p.string(), 64LL * 1024 * 1024);
        add(std::string(f) + ":");
        acc.insert(acc.end(), bytes.begin(), bytes.end());
    }
    std::vector<std::string> weights;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 12 && name.compare(name.size() - 12, 12, ".safetensors") == 0) {
            std::error_code sec;
            auto size = fs::file_size(it->path(), sec);
            weights.push_back(name + ":" + std::to_string(sec ? 0 : size) + (with_weight_bytes ? ":" + ends_hash(it->path()) : "") + ";");
        }
    }
    std::sort(weights.begin(), weights.end());
    for (const auto& w : weights) add(w);
    return content_hash(acc);
}

std::string absolute_folder(const fs::path& dir) {
    std::error_code ec;
    auto canon = fs::weakly_canonical(dir, ec);
    return ec ? fs::absolute(dir).lexically_normal().string() : canon.string();
}

std::string names_or_none(const std::vector<std::string>& v) { return v.empty() ? "none" : tint::join(v); }

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

// The preprocessing of the folder, or the image processor's defaults when the file is absent.
nn::ImagePreprocessor folder_preprocessor(const fs::path& dir, const nn::ImagePreprocessor& defaults) {
    fs::path p = dir / "preprocessor_config.json";
    if (!path_exists(p)) {
        log::info("tint.distill", "'" + dir.string() + "' has no preprocessor_config.json: using the image processor's defaults");
        return defaults;
    }
    return nn::ImagePreprocessor::from_json(io::read_json_file(p.string()), p.string(), defaults);
}

}  // namespace

namespace {

/// `folder` is a folder; `hash` is folder_hash(folder, true), part of the identity.
std::unique_ptr<Teacher> load_teacher_model(const std::string& folder, const std::string& hash, const TeacherOptions& options,
                                            JobContext* ctx) {
    const fs::path dir(folder);  // a folder: load_teacher checked it
    const std::string abs = absolute_folder(dir);
    weights::LoadOptions load;
    load.ctx = ctx;

    if (!path_exists(dir / "config.json")) {
        if (!path_exists(dir / kImageNetMobileNetV2File))
            throw Error("teacher '" + folder + "': not a teacher folder (no config.json of a Hugging Face DINOv2 or CLIP "
                        "vision model, and no " + kImageNetMobileNetV2File + ")");
        auto t = std::make_unique<MobileNetTeacher>(folder, options);
        weights::TensorSource src;
        src.add(io::SafetensorsFile::open((dir / kImageNetMobileNetV2File).string()));
        weights::load_module(*t->model_, src, load);
        t->model_->eval();
        // TF-slim evaluates its ImageNet models on the central 87.5 % of the image resized to 224.
        // Resizing the shorter side to 256 (= 224 / 0.875) and cropping the centre 224 x 224 keeps
        // that field of view; the antialiased bicubic avoids aliasing on large photos. Then
        // x = (u8 - 128) / 128, the range the network was trained on.
        nn::ImagePreprocessor pre;
        pre.shortest_edge  = 256;
        pre.crop_height    = pre.crop_width = 224;
        pre.rescale_factor = 1.0 / 128.0;
        pre.mean           = {1.0f, 1.0f, 1.0f};
        pre.std            = {1.0f, 1.0f, 1.0f};
        t->set_up(teacher_kind_name(t->kind()) + ":" + abs + "#" + hash + (options.imagenet_logits ? "+logits" : ""), pre);
        return t;
    }
    if (options.imagenet_logits)
        throw Error("teacher '" + folder + "': ImageNet logits as features exist only for the built-in ImageNet MobileNetV2");

    const fs::path cfg_path = dir / "config.json";
    const auto cfg          = io::read_json_file(cfg_path.string());
    if (!cfg.is_object()) throw Error("teacher '" + folder + "': config.json is not a JSON object");
    const auto type  = io::json_get<std::string>(cfg, "model_type", "", cfg_path.string());
    const auto archs = io::json_get<std::vector<std::string>>(cfg, "architectures", {}, cfg_path.string());
    const std::string found = "model_type '" + (type.empty() ? std::string("(none)") : type) + "', architectures " + names_or_none(archs);

    if (type == "dinov2") {
        if (!archs.empty() && !contains(archs, "Dinov2Model") && !contains(archs, "Dinov2ForImageClassification"))
            throw Error("teacher '" + folder + "': config.json has " + found +
                        "; a DINOv2 teacher is a Dinov2Model (or Dinov2ForImageClassification)");
        auto dcfg = nn::Dinov2Config::from_json(cfg, cfg_path.string());
        auto t    = std::make_unique<Dinov2Teacher>(folder, options, dcfg);
        auto src  = io::open_weights(folder, "model");
        // Dinov2ForImageClassification keeps the backbone under "dinov2." and adds a classifier.
        if (!src.file_of("embeddings.cls_token") && src.file_of("dinov2.embeddings.cls_token")) load.prefix = "dinov2.";
        weights::load_module(*t->model_, src, load);
        t->model_->eval();
        nn::ImagePreprocessor defaults;  // BitImageProcessor: 256 -> 224, ImageNet statistics
        defaults.shortest_edge = 256;
        t->set_up(teacher_kind_name(t->kind()) + ":" + abs + "#" + hash + (options.dinov2_mean_patch ? "+mean_patch" : ""),
                  folder_preprocessor(dir, defaults));
        return t;
    }

    if (type == "clip_vision_model" || type == "clip") {
        if (!archs.empty() && !contains(archs, "CLIPVisionModelWithProjection") && !contains(archs, "CLIPModel"))
            throw Error("teacher '" + folder + "': config.json has " + found +
                        "; a CLIP teacher needs the image projection (CLIPVisionModelWithProjection or CLIPModel)");
        auto ccfg = nn::CLIPVisionConfig::from_json(cfg, cfg_path.string());
        auto t    = std::make_unique<ClipTeacher>(folder, options, ccfg);
        load.ignore_unexpected = {"vision_model.embeddings.position_ids"};
        weights::load_module(*t->model_, io::open_weights(folder, "model"), load);
        t->model_->eval();
        nn::ImagePreprocessor defaults;  // CLIPImageProcessor: 224 -> 224, CLIP statistics
        defaults.mean = {0.48145466f, 0.4578275f, 0.40821073f};
        defaults.std  = {0.26862954f, 0.26130258f, 0.27577711f};
        auto pre      = folder_preprocessor(dir, defaults);
        if (!pre.do_center_crop || pre.crop_height != ccfg.image_size || pre.crop_width != ccfg.image_size)
            throw Error("teacher '" + folder + "': preprocessor_config.json crops to " + std::to_string(pre.crop_width) + "x" +
                        std::to_string(pre.crop_height) + " but the model takes " + std::to_string(ccfg.image_size) + "x" +
                        std::to_string(ccfg.image_size));
        t->set_up(teacher_kind_name(t->kind()) + ":" + abs + "#" + hash, pre);
        return t;
    }

    throw Error("teacher '" + folder + "': config.json has " + found +
                ", which is not a supported teacher (a DINOv2 model or a CLIP vision model with projection)");
}

}  // namespace

std::unique_ptr<Teacher> load_teacher(const std::string& folder, const TeacherOptions& options, JobContext* ctx) {
    // The weight files' first and last MiB are read once, here (the folder check comes first).
    std::error_code ec;
    if (!fs::is_directory(fs::path(folder), ec)) throw Error("teacher '" + folder + "': not a folder");
    const std::string hash = folder_hash(fs::path(folder), true);
    auto t                 = load_teacher_model(folder, hash, options, ctx);
    // The identity before the weight files' bytes were part of it: tails fine-tuned then still resume.
    const std::string earlier = folder_hash(fs::path(folder), false);
    std::string id          = t->base_identity();
    if (const auto at = id.find("#" + hash); at != std::string::npos) {
        id.replace(at + 1, hash.size(), earlier);
        t->earlier_base_identity_ = id;
    }
    return t;
}

}  // namespace tint::distill
