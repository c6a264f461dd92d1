#include "distill/teacher_finetune.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "distill/augment.h"
#include "distill/heads.h"
#include "distill/optim.h"
#include "io/safetensors.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "weights/state_dict.h"

namespace tint::distill {

namespace {

constexpr const char* kMetadataKey = "tint.teacher_finetune";
constexpr const char* kFormat      = "tintbench-teacher-tail";

double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
    if (to <= from) return std::nan("");
    double s = 0;
    for (std::size_t i = from; i < to; ++i) s += v[i];
    return s / static_cast<double>(to - from);
}

// FNV-1a over the tail's names, shapes and float32 bytes: names the fine-tuned weights exactly.
std::string tail_hash(const std::vector<std::pair<std::string, torch::Tensor>>& tail) {
    std::vector<std::uint8_t> acc;
    for (const auto& [name, t] : tail) {
        acc.insert(acc.end(), name.begin(), name.end());
        const auto shape = weights::shape_string(t.sizes());
        acc.insert(acc.end(), shape.begin(), shape.end());
        auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        const auto* p = static_cast<const std::uint8_t*>(c.data_ptr());
        acc.insert(acc.end(), p, p + c.numel() * static_cast<std::int64_t>(sizeof(float)));
    }
    return content_hash(acc);
}

// Sets requires_grad on the tail only and restores every parameter's flag on destruction.
class GradScope {
public:
    GradScope(torch::nn::Module& m, const std::vector<std::pair<std::string, torch::Tensor>>& tail) {
        for (auto& p : m.parameters(true)) {
            saved_.emplace_back(p, p.requires_grad());
            p.set_requires_grad(false);
        }
        for (const auto& item : tail) item.second.set_requires_grad(true);
    }
    ~GradScope() {
        for (auto& [p, flag] : saved_) {
            p.mutable_grad() = torch::Tensor();
            p.set_requires_grad(flag);
        }
    }
    GradScope(const GradScope&)            = delete;
    GradScope& operator=(const GradScope&) = delete;

private:
    std::vector<std::pair<torch::Tensor, bool>> saved_;
};

}  // namespace

double TeacherFineTuneReport::initial_loss() const {
    const std::size_t k = std::max<std::size_t>(1, losses.size() / 10);
    return mean_of(losses, 0, std::min(k, losses.size()));
}

double TeacherFineTuneReport::final_loss() const {
    const std::size_t k = std::max<std::size_t>(1, losses.size() / 10);
    return mean_of(losses, losses.size() - std::min(k, losses.size()), losses.size());
}

std::vector<std::pair<std::string, torch::Tensor>> snapshot_tail(Teacher& teacher, int blocks) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& [name, t] : teacher.tail_parameters(blocks)) out.emplace_back(name, t.detach().clone());
    return out;
}

void restore_tail(Teacher& teacher, const std::vector<std::pair<std::string, torch::Tensor>>& snapshot) {
    std::map<std::string, torch::Tensor> params;
    {
        torch::NoGradGuard no_grad;
        for (const auto& [name, t] : teacher.tail_parameters(teacher.block_count())) params.emplace(name, t);
        for (const auto& [name, t] : snapshot) {
            auto it = params.find(name);
            if (it == params.end()) throw Error("internal: the teacher has no parameter '" + name + "' to restore");
            it->second.copy_(t);
        }
    }
    teacher.clear_fine_tuned();
}

TeacherFineTuneReport fine_tune_teacher(Teacher& teacher, const std::vector<ImageU8>& images,
                                        const std::vector<std::int64_t>& labels, std::int64_t num_classes,
                                        const TeacherFineTuneOptions& o, JobContext* ctx) {
    const std::string who = teacher_kind_name(teacher.kind()) + " teacher '" + teacher.folder() + "'";
    if (images.empty() || images.size() != labels.size())
        throw Error("teacher fine-tuning needs labelled images (" + std::to_string(images.size()) + " images, " +
                    std::to_string(labels.size()) + " labels)");
    if (o.steps < 1 || o.batch_size < 1 || !(o.lr > 0) || !(o.scale > 0))
        throw Error("teacher fine-tuning: steps, batch size, learning rate and scale must be positive");
    std::vector<int> per_class(static_cast<std::size_t>(std::max<std::int64_t>(num_classes, 0)), 0);
    for (auto l : labels) {
        if (l < 0 || l >= num_classes) throw Error("teacher fine-tuning: label " + std::to_string(l) + " outside [0, " + std::to_string(num_classes) + ")");
        ++per_class[static_cast<std::size_t>(l)];
    }
    for (std::size_t c = 0; c < per_class.size(); ++c)
        if (per_class[c] == 0) throw Error("teacher fine-tuning: class " + std::to_string(c) + " has no image");
    if (teacher.fine_tuned_blocks() != 0) throw Error(who + " is already fine-tuned; load it again to fine-tune anew");

    auto tail     = teacher.tail_parameters(o.blocks);  // throws for a bad block count
    auto original = snapshot_tail(teacher, o.blocks);
    TeacherFineTuneReport report;
    for (const auto& [n, t] : tail) report.trainable_parameters += t.numel();

    // The cosine classifier starts at the class means of the normalised features of the
    // supports as the teacher sees them (its own preprocessing).
    const auto device = teacher.device();
    const torch::Tensor label_t = torch::tensor(labels, torch::kInt64);
    torch::Tensor weight;
    {
        auto f     = l2_normalize(teacher.features(images, ctx).to(torch::kFloat32));
        auto sums  = torch::zeros({num_classes, f.size(1)}).index_add_(0, label_t, f);
        weight     = l2_normalize(sums).to(device);
    }

    LoaderOptions lo;
    lo.batch_size    = o.batch_size;
    const std::int64_t per_epoch = (static_cast<std::int64_t>(images.size()) + o.batch_size - 1) / o.batch_size;
    lo.epochs        = static_cast<int>((o.steps + per_epoch - 1) / per_epoch);
    lo.shuffle       = true;
    lo.seed          = mix_seed(o.seed, 0x7465616368ULL);  // "teach"
    lo.augment       = heavy_augmentation(cv::Size(teacher.input_size(), teacher.input_size()));
    lo.normalization = teacher.normalization();
    std::vector<LoaderSample> samples;
    for (std::size_t i = 0; i < images.size(); ++i) {
        LoaderSample s;
        s.image = to_mat(images[i]);
        s.label = labels[i];
        samples.push_back(std::move(s));
    }
    BackgroundLoader loader(std::move(samples), lo, ctx ? ctx->cancel() : CancelToken{});

    // AdamW on the tail and the classifier (distill/optim.h).
    std::vector<torch::Tensor> params;
    std::vector<double> lrs;
    for (auto& [n, t] : tail) params.push_back(t), lrs.push_back(o.lr);
    weight.set_requires_grad(true);
    params.push_back(weight), lrs.push_back(o.lr * 10.0);
    std::vector<torch::Tensor> m, v;
    for (const auto& p : params) m.push_back(torch::zeros_like(p)), v.push_back(torch::zeros_like(p));
    const int warmup = std::max(1, o.steps / 10);

    try {
        GradScope scope(teacher.model(), tail);
        for (int step = 0; step < o.steps; ++step) {
            if (ctx) {
                ctx->throw_if_cancelled();
                Progress p;
                p.stage = "teacher fine-tuning";
                p.step  = step;
                p.total = o.steps;
                p.loss = report.losses.empty() ? std::nan("") : report.losses.back();
                ctx->report(p);
            }
            auto batch = loader.next();
            if (!batch) throw Error("internal: the fine-tuning loader ended early");
            auto f      = l2_normalize(teacher.trainable_features(batch->images));
            auto logits = o.scale * f.matmul(l2_normalize(weight).t());
            auto loss   = torch::nn::functional::cross_entropy(logits, batch->labels.to(device));
            const double lv = loss.item<double>();
            if (!std::isfinite(lv)) throw Error(who + ": the fine-tuning loss is not finite at step " + std::to_string(step + 1));
            for (auto& p : params)
                if (p.grad().defined()) p.mutable_grad().zero_();
            loss.backward();
            const double sched = warmup_cosine(step, o.steps, warmup);
            torch::NoGradGuard no_grad;
            for (std::size_t i = 0; i < params.size(); ++i) {
                const auto g = params[i].grad();
                if (g.defined()) adamw_update(params[i], g, m[i], v[i], lrs[i] * sched, o.weight_decay, step + 1.0);
            }
            report.losses.push_back(lv);
            report.steps = step + 1;
        }
    } catch (...) {
        loader.stop();
        restore_tail(teacher, original);
        throw;
    }
    loader.stop();
    teacher.set_fine_tuned(o.blocks, tail_hash(teacher.tail_parameters(o.blocks)));
    if (ctx) {
        Progress p;
        p.stage = "teacher fine-tuning";
        p.step = p.total = o.steps;
        p.loss = report.losses.back();
        ctx->report(p);
    }
    return report;
}

void save_teacher_tail(Teacher& teacher, const std::string& path, const TeacherFineTuneOptions& o) {
    const int blocks = teacher.fine_tuned_blocks();
    if (blocks == 0) throw Error("cannot write '" + path + "': the teacher is not fine-tuned");
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [name, t] : teacher.tail_parameters(blocks))
        tensors.emplace_back(name, t.detach().to(torch::kCPU, torch::kFloat32).contiguous());
    nlohmann::json meta = {{"format", kFormat},
                           {"version", 1},
                           {"base_identity", teacher.base_identity()},
                           {"identity", teacher.identity()},
                           {"blocks", blocks},
                           {"steps", o.steps},
                           {"batch_size", o.batch_size},
                           {"lr", o.lr},
                           {"weight_decay", o.weight_decay},
                           {"scale", o.scale},
                           {"seed", o.seed}};
    io::save_safetensors(path, tensors, {{kMetadataKey, meta.dump()}});
}

void load_teacher_tail(Teacher& teacher, const std::string& path) {
    auto file = io::SafetensorsFile::open(path);
    auto it   = file.metadata().find(kMetadataKey);
    if (it == file.metadata().end()) throw Error("'" + path + "' is not a fine-tuned teacher tail (no '" + kMetadataKey + "' metadata)");
    nlohmann::json meta;
    int blocks = 0;
    std::string base;
    try {
        meta = nlohmann::json::parse(it->second);
        if (meta.at("format").get<std::string>() != kFormat) throw Error("'" + path + "': unknown format");
        blocks = meta.at("blocks").get<int>();
        base   = meta.at("base_identity").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
        throw Error("'" + path + "': the fine-tuning metadata is not valid (" + std::string(e.what()) + ")");
    }
    if (!teacher.is_base_identity(base))
        throw Error("'" + path + "' was fine-tuned from another teacher (" + base + ", not " + teacher.base_identity() + ")");
    if (teacher.fine_tuned_blocks() != 0) throw Error("'" + path + "': the teacher is already fine-tuned");
    auto tail = teacher.tail_parameters(blocks);  // throws for a block count the model does not have
    std::vector<std::string> problems;
    std::vector<torch::Tensor> values;
    for (const auto& [name, t] : tail) {
        if (!file.contains(name)) {
            problems.push_back("missing '" + name + "'");
            values.emplace_back();
            continue;
        }
        auto x = file.read(name);
        if (x.sizes() != t.sizes())
            problems.push_back("'" + name + "' has shape " + weights::shape_string(x.sizes()) + ", expected " +
                               weights::shape_string(t.sizes()));
        else if (!torch::isfinite(x.to(torch::kFloat32)).all().item<bool>())
            problems.push_back("'" + name + "' has non-finite values");
        values.push_back(x);
    }
    for (const auto& info : file.tensors()) {
        bool known = std::any_of(tail.begin(), tail.end(), [&](const auto& p) { return p.first == info.name; });
        if (!known) problems.push_back("unexpected '" + info.name + "'");
    }
    if (!problems.empty()) {
        std::string msg = "'" + path + "' does not fit the teacher's last " + std::to_string(blocks) + " blocks:";
        for (const auto& p : problems) msg += " " + p + ";";
        throw Error(msg);
    }
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < tail.size(); ++i) tail[i].second.copy_(values[i]);
    teacher.set_fine_tuned(blocks, tail_hash(teacher.tail_parameters(blocks)));
}

}  // namespace tint::distill
