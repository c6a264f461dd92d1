#include "distill/kd_trainer.h"
#include "distill/optim.h"

#include "distill/student_init.h"

#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

#include "io/safetensors.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"
#include "tint/JobContext.h"

namespace tint::distill {

namespace {

constexpr const char* kMetaKey = "tint.kd";
constexpr int kFormat          = 1;
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;

std::string optimizer_name(KdOptimizer o) { return o == KdOptimizer::AdamW ? "adamw" : "sgd"; }

nlohmann::json nan_to_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
double null_to_nan(const nlohmann::json& j) { return j.is_null() ? std::nan("") : j.get<double>(); }

nlohmann::json epoch_to_json(const KdEpoch& e) {
    nlohmann::json j{{"epoch", e.epoch}, {"train_loss", nan_to_null(e.train_loss)}, {"lr_end", e.lr_end}};
    if (e.has_validation)
        j["validation"] = {{"count", e.validation.count},
                           {"accuracy", e.validation.accuracy},
                           {"agreement", nan_to_null(e.validation.agreement)},
                           {"confusion", e.validation.confusion}};
    return j;
}

KdEpoch epoch_from_json(const nlohmann::json& j) {
    KdEpoch e;
    e.epoch      = j.at("epoch").get<int>();
    e.train_loss = null_to_nan(j.at("train_loss"));
    e.lr_end     = j.at("lr_end").get<double>();
    if (j.contains("validation")) {
        const auto& v          = j.at("validation");
        e.has_validation       = true;
        e.validation.count     = v.at("count").get<std::int64_t>();
        e.validation.accuracy  = v.at("accuracy").get<double>();
        e.validation.agreement = null_to_nan(v.at("agreement"));
        e.validation.confusion = v.at("confusion").get<std::vector<std::vector<std::int64_t>>>();
    }
    return e;
}

/// What must be equal for a checkpoint to continue this run exactly.
/// A last batch of a single image is left out of each pass when batch normalisation trains: it
/// cannot normalise one value per channel, which one image gives wherever a student's feature map
/// is 1x1 (the shuffle changes which image each epoch). With fixed statistics it can.
bool drops_single_image(std::int64_t n, const KdOptions& o) {
    return !o.freeze_batchnorm && n > o.batch_size && n % o.batch_size == 1;
}

nlohmann::json run_fingerprint(const KdData& data, const KdOptions& o) {
    nlohmann::json j{{"student", o.student},        {"student_width", o.student_width}, {"num_classes", data.class_names.size()},
            {"class_names", data.class_names}, {"input_size", o.input_size},   {"batch_size", o.batch_size},
            {"epochs", o.epochs},          {"optimizer", optimizer_name(o.optimizer)}, {"lr", o.lr},
            {"weight_decay", o.weight_decay}, {"momentum", o.momentum},        {"warmup_epochs", o.warmup_epochs},
            {"temperature", o.temperature}, {"alpha", o.alpha},                {"seed", o.seed},
            {"files", data.files.size()}};
    // Only when set, so that checkpoints written before these options existed still resume.
    if (!o.student_init.empty()) j["student_init"] = o.student_init;
    if (o.freeze_batchnorm) j["freeze_batchnorm"] = true;
    if (o.feature_weight > 0.0) j["feature_weight"] = o.feature_weight;
    if (o.stage_match_epochs > 0) j["stage_match_epochs"] = o.stage_match_epochs;
    if (drops_single_image(static_cast<std::int64_t>(data.files.size()), o))
        j["drop_single"] = true;  // the passes are one batch shorter than before this existed
    // The training data itself: which images, in which order, with which intended classes. Each
    // file by its folder and name (the last two parts of its path), so that a project that was
    // moved still resumes. (The teacher and its head are part of the run's settings.)
    std::vector<std::uint8_t> bytes;
    auto add = [&](const void* p, std::size_t size) {
        const auto* b = static_cast<const std::uint8_t*>(p);
        bytes.insert(bytes.end(), b, b + size);
    };
    for (const auto& f : data.files) {
        const std::filesystem::path path(f);
        const std::string tail = (path.parent_path().filename() / path.filename()).generic_string();
        add(tail.c_str(), tail.size() + 1);
    }
    if (!data.labels.empty()) add(data.labels.data(), data.labels.size() * sizeof(std::int64_t));
    j["data"] = content_hash(bytes);
    return j;
}

/// Every tensor that defines the student: parameters, then buffers (BatchNorm statistics).
std::vector<std::pair<std::string, torch::Tensor>> student_tensors(nn::StudentImpl& s) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : s.named_parameters(true)) out.emplace_back(p.key(), p.value());
    for (const auto& b : s.named_buffers(true)) out.emplace_back(b.key(), b.value());
    return out;
}

void load_into(const io::SafetensorsFile& file, const std::string& prefix, const std::string& name, torch::Tensor& dst) {
    const std::string key = prefix + name;
    if (!file.contains(key)) throw Error("checkpoint '" + file.path() + "': tensor '" + key + "' is missing");
    torch::Tensor t = file.read(key);
    if (t.sizes() != dst.sizes())
        throw Error("checkpoint '" + file.path() + "': tensor '" + key + "' has the wrong shape");
    torch::NoGradGuard no_grad;
    dst.copy_(t.to(dst.device(), dst.scalar_type()));
}

/// bf16 autocast for the forward pass on CUDA. bf16 keeps fp32's exponent range, so no loss scaling
/// is needed (LibTorch 1.13 has no C++ GradScaler). Thread-local state, restored on every exit.
class AutocastScope {
public:
    explicit AutocastScope(bool on) : on_(on) {
        if (!on_) return;
        previous_dtype_ = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        at::autocast::set_enabled(true);
    }
    ~AutocastScope() {
        if (!on_) return;
        at::autocast::set_enabled(false);
        at::autocast::set_autocast_gpu_dtype(previous_dtype_);
        at::autocast::clear_cache();
    }
    AutocastScope(const AutocastScope&)            = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool on_;
    at::ScalarType previous_dtype_ = at::kHalf;
};

double scheduled_lr(const KdOptions& o, std::int64_t step, std::int64_t total, std::int64_t warmup) {
    return o.lr * warmup_cosine(step, total, warmup);
}

}  // namespace

void check_feature_weight(double feature_weight, const std::string& where) {
    if (!(feature_weight >= 0.0) || !std::isfinite(feature_weight))
        throw Error(where + ": the feature weight must be 0 or positive, not " + std::to_string(feature_weight));
}

void check_stage_match(int epochs, const std::string& student, const std::string& student_init, const std::string& where) {
    if (epochs < 0) throw Error(where + ": the stage-matching epochs must not be negative");
    if (epochs > 0 && (student != "mobilenetv2-short" || student_init != "imagenet"))
        throw Error(where + ": stage matching needs the short MobileNetV2 student (mobilenetv2-short) started from ImageNet");
}

torch::Tensor feature_loss(const torch::Tensor& student_features, const torch::Tensor& teacher_features) {
    if (student_features.dim() != 2 || teacher_features.sizes() != student_features.sizes())
        throw Error("feature loss: student and teacher features must both be [B, D] of one shape");
    const torch::Tensor s = student_features.to(torch::kFloat32);
    const torch::Tensor t = teacher_features.to(s.device(), torch::kFloat32);
    return (1.0 - row_cosine(s, t)).mean();
}

KdLoss kd_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_probs, const torch::Tensor& labels,
               double temperature, double alpha) {
    if (student_logits.dim() != 2 || teacher_probs.sizes() != student_logits.sizes())
        throw Error("kd loss: student logits and teacher probabilities must both be [B, C] of one shape");
    if (!(temperature > 0.0)) throw Error("kd loss: the temperature must be positive");
    const torch::Tensor z = student_logits.to(torch::kFloat32);
    const torch::Tensor teacher_logits = teacher_probs.to(z.device(), torch::kFloat32).clamp_min(1e-12).log();
    const torch::Tensor log_q = torch::log_softmax(teacher_logits / temperature, 1);
    const torch::Tensor log_s = torch::log_softmax(z / temperature, 1);
    KdLoss out;
    out.kd = (log_q.exp() * (log_q - log_s)).sum(1).mean() * (temperature * temperature);
    out.ce = torch::zeros({}, z.options());
    if (alpha != 0.0 && labels.defined()) {
        const torch::Tensor y    = labels.to(z.device(), torch::kInt64);
        const torch::Tensor keep = y.ge(0);
        if (keep.any().item<bool>())
            out.ce = torch::nn::functional::cross_entropy(z.index({keep}), y.index({keep}));
    }
    out.total = alpha != 0.0 ? out.kd + alpha * out.ce : out.kd;
    return out;
}

namespace {
nlohmann::json checkpoint_meta(const io::SafetensorsFile& file, const std::string& checkpoint_path) {
    const auto it = file.metadata().find(kMetaKey);
    if (it == file.metadata().end()) throw Error("checkpoint '" + checkpoint_path + "': no '" + kMetaKey + "' metadata");
    return nlohmann::json::parse(it->second);
}
}  // namespace

std::vector<std::string> kd_checkpoint_class_names(const std::string& checkpoint_path) {
    const auto meta = checkpoint_meta(io::SafetensorsFile::open(checkpoint_path), checkpoint_path);
    auto names      = meta.at("run").at("class_names").get<std::vector<std::string>>();
    if (names.size() != meta.at("run").at("num_classes").get<std::size_t>())
        throw Error("checkpoint '" + checkpoint_path + "': its class names do not match its number of classes");
    return names;
}

std::shared_ptr<nn::StudentImpl> load_kd_student(const std::string& checkpoint_path) {
    const auto file = io::SafetensorsFile::open(checkpoint_path);
    const auto meta = checkpoint_meta(file, checkpoint_path);
    const auto& fp  = meta.at("run");
    auto student    = nn::make_student(fp.at("student").get<std::string>(), fp.at("num_classes").get<std::int64_t>(),
                                       fp.at("student_width").get<double>());
    for (auto& [name, t] : student_tensors(*student)) load_into(file, "student.", name, t);
    student->eval();
    return student;
}

KdResult train_kd(const KdData& data, const KdOptions& o, JobContext* ctx, KdEvents* events,
                  const KdValidation* validation) {
    const std::string where = o.checkpoint_path.empty() ? std::string("KD training") : "KD training ('" + o.checkpoint_path + "')";
    const auto n = static_cast<std::int64_t>(data.files.size());
    const auto C = static_cast<std::int64_t>(data.class_names.size());
    if (n == 0) throw Error(where + ": no training images");
    if (C < 2) throw Error(where + ": at least two classes are needed");
    if (!data.teacher_probs.defined() || data.teacher_probs.dim() != 2 || data.teacher_probs.size(0) != n ||
        data.teacher_probs.size(1) != C)
        throw Error(where + ": teacher probabilities must be [" + std::to_string(n) + ", " + std::to_string(C) + "]");
    if (!data.labels.empty() && static_cast<std::int64_t>(data.labels.size()) != n)
        throw Error(where + ": " + std::to_string(data.labels.size()) + " labels for " + std::to_string(n) + " images");
    if (o.batch_size < 1 || o.epochs < 1 || o.input_size < 8 || !(o.lr > 0.0) || !(o.temperature > 0.0))
        throw Error(where + ": batch size, epochs, input size, learning rate and temperature must be positive");
    if (validation && validation->files.size() != validation->labels.size())
        throw Error(where + ": the validation set has " + std::to_string(validation->files.size()) + " files and " +
                    std::to_string(validation->labels.size()) + " labels");

    check_stage_match(o.stage_match_epochs, o.student, o.student_init, where);

    // Same seed, same initial student: the resume test and reproducible runs depend on it.
    torch::manual_seed(o.seed);
    KdResult result;
    result.student = nn::make_student(o.student, C, o.student_width);
    auto& student  = *result.student;
    if (o.student_init == "imagenet") init_student_from_imagenet(student, o.student_init_dir, o.normalization);
    else if (!o.student_init.empty())
        throw Error(where + ": unknown student initialisation '" + o.student_init + "' (none or imagenet)");
    student.to(o.device);

    // The feature term: the student's pooled features against the teacher's, through a projection
    // when their sizes differ (seeded after the student, so the student's start does not change).
    const bool use_features = o.feature_weight > 0.0;
    torch::Tensor teacher_feats, projection;
    check_feature_weight(o.feature_weight, where);
    if (use_features) {
        if (!data.teacher_features.defined() || data.teacher_features.dim() != 2 || data.teacher_features.size(0) != n)
            throw Error(where + ": the feature term needs the teacher's features of the " + std::to_string(n) +
                        " training images as [" + std::to_string(n) + ", D]");
        teacher_feats      = data.teacher_features.to(torch::kFloat32).contiguous();
        const auto d_s     = student.feature_dim();
        const auto d_t     = teacher_feats.size(1);
        if (d_s != d_t) {
            torch::manual_seed(mix_seed(o.seed, 0x9f0cULL, 0));
            projection = (torch::randn({d_t, d_s}) / std::sqrt(static_cast<double>(d_s))).to(o.device).set_requires_grad(true);
        }
    }

    std::vector<std::pair<std::string, torch::Tensor>> params;
    for (const auto& p : student.named_parameters(true)) params.emplace_back(p.key(), p.value());
    if (projection.defined()) params.emplace_back("feature_projection", projection);
    // Optimiser state per parameter: AdamW moments m, v; SGD momentum buffer in m.
    std::vector<torch::Tensor> m, v;
    for (const auto& [name, p] : params) {
        m.push_back(torch::zeros_like(p));
        v.push_back(torch::zeros_like(p));
    }

    const nlohmann::json fingerprint = run_fingerprint(data, o);
    std::int64_t step = 0;
    int first_epoch   = 0;
    if (!o.checkpoint_path.empty() && o.resume && std::filesystem::exists(o.checkpoint_path)) {
        const auto file = io::SafetensorsFile::open(o.checkpoint_path);
        const auto it   = file.metadata().find(kMetaKey);
        if (it == file.metadata().end())
            throw Error("checkpoint '" + o.checkpoint_path + "': no '" + kMetaKey + "' metadata");
        const auto meta = nlohmann::json::parse(it->second);
        if (meta.value("format", 0) != kFormat) throw Error("checkpoint '" + o.checkpoint_path + "': unknown format");
        nlohmann::json want = fingerprint;
        if (!meta.at("run").contains("data")) want.erase("data");  // written before the data was recorded
        if (meta.at("run") != want) {
            std::string diff;
            for (auto& [key, val] : want.items())
                if (!meta.at("run").contains(key) || meta.at("run").at(key) != val)
                    diff += (diff.empty() ? "" : ", ") +
                            (key == "data"          ? std::string("the training images or their classes")
                             : key == "drop_single" ? std::string("the batches per pass (written by an earlier version)")
                                                    : key);
            throw Error("checkpoint '" + o.checkpoint_path + "' belongs to another run (differs in: " + diff +
                        "); remove it or choose another file");
        }
        for (auto& [name, t] : student_tensors(student)) load_into(file, "student.", name, t);
        if (projection.defined()) load_into(file, "", "feature_projection", projection);
        for (std::size_t i = 0; i < params.size(); ++i) {
            load_into(file, "opt.m.", params[i].first, m[i]);
            if (o.optimizer == KdOptimizer::AdamW) load_into(file, "opt.v.", params[i].first, v[i]);
        }
        step        = meta.at("step").get<std::int64_t>();
        first_epoch = meta.at("epochs_done").get<int>();
        for (const auto& e : meta.at("history")) result.history.push_back(epoch_from_json(e));
        result.resumed_epochs = first_epoch;
        if (events) events->on_resume(result.history);
    }
    result.epochs_done = first_epoch;

    auto save_checkpoint = [&](int epochs_done) {
        if (o.checkpoint_path.empty()) return;
        auto tensors = student_tensors(student);
        for (auto& t : tensors) t.first = "student." + t.first;
        if (projection.defined()) tensors.emplace_back("feature_projection", projection);
        for (std::size_t i = 0; i < params.size(); ++i) {
            tensors.emplace_back("opt.m." + params[i].first, m[i]);
            if (o.optimizer == KdOptimizer::AdamW) tensors.emplace_back("opt.v." + params[i].first, v[i]);
        }
        nlohmann::json meta{{"format", kFormat}, {"run", fingerprint}, {"step", step}, {"epochs_done", epochs_done}};
        meta["history"] = nlohmann::json::array();
        for (const auto& e : result.history) meta["history"].push_back(epoch_to_json(e));
        io::save_safetensors(o.checkpoint_path, tensors, {{kMetaKey, meta.dump()}});
    };

    // Samples: the loader's label slot carries the intended class; indices find the soft labels.
    std::vector<LoaderSample> samples(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        auto& s = samples[static_cast<std::size_t>(i)];
        s.path  = data.files[static_cast<std::size_t>(i)];
        s.label = data.labels.empty() ? -1 : data.labels[static_cast<std::size_t>(i)];
        if (o.preload_images) s.image = to_mat(load_image_rgb(s.path));
    }
    const torch::Tensor probs = data.teacher_probs.to(torch::kFloat32).contiguous();

    torch::Tensor val_pixels, val_teacher_pred;
    if (validation && !validation->files.empty()) {
        val_pixels = evaluation_pixels(validation->files, o.input_size, o.normalization);
        if (validation->teacher_probs.defined()) val_teacher_pred = validation->teacher_probs.argmax(1);
    }

    const bool drop_single = drops_single_image(n, o);
    const std::int64_t per_epoch = drop_single ? n / o.batch_size : (n + o.batch_size - 1) / o.batch_size;
    const CancelToken cancel     = ctx ? ctx->cancel() : CancelToken{};
    // One shuffled pass over the training images, augmented as the options say.
    auto one_pass = [&](std::uint64_t seed) {
        LoaderOptions lo;
        lo.batch_size    = o.batch_size;
        lo.epochs        = 1;
        lo.shuffle       = true;
        lo.seed          = seed;
        lo.drop_last     = drop_single;
        lo.augment       = o.augment;
        lo.augment.size  = cv::Size(o.input_size, o.input_size);
        lo.normalization = o.normalization;
        return lo;
    };
    if (o.stage_match_epochs > 0 && first_epoch == 0) {
        // The full network from the same weights shows what each stage should output.
        auto full = nn::make_student("mobilenetv2", C, 1.0);
        init_student_from_imagenet(*full, o.student_init_dir, o.normalization);
        full->to(o.device);
        full->eval();
        auto& reference = dynamic_cast<nn::MobileNetV2Impl&>(*full);
        auto& short_net = dynamic_cast<nn::MobileNetV2Impl&>(student);
        std::vector<torch::Tensor> sm, sv;
        for (const auto& [name, p] : params) {
            sm.push_back(torch::zeros_like(p));
            sv.push_back(torch::zeros_like(p));
        }
        const std::int64_t match_total = per_epoch * o.stage_match_epochs;
        std::int64_t match_step        = 0;
        for (int r = 0; r < o.stage_match_epochs; ++r) {
            BackgroundLoader loader(samples, one_pass(mix_seed(o.seed, static_cast<std::uint64_t>(r), 0x57a9eULL)), cancel);
            student.train();
            if (o.freeze_batchnorm) freeze_batchnorm(student);
            while (auto batch = loader.next()) {
                if (ctx) ctx->throw_if_cancelled();
                const torch::Tensor x = batch->images.to(o.device);
                std::vector<torch::Tensor> want;
                {
                    torch::NoGradGuard no_grad;
                    want = reference.stage_outputs(x);
                }
                const auto got = short_net.stage_outputs(x);
                torch::Tensor loss = torch::zeros({}, x.options());
                for (std::size_t k = 0; k < got.size(); ++k)
                    loss = loss + (got[k] - want[k]).pow(2).mean() / (want[k].pow(2).mean() + 1e-6);
                loss = loss / static_cast<double>(got.size());
                const double value = loss.item<double>();
                if (!std::isfinite(value))
                    throw Error(where + ": the stage-matching loss became " + std::to_string(value) + " at step " +
                                std::to_string(match_step + 1) + "; training stopped");
                for (auto& [name, p] : params) p.mutable_grad() = torch::Tensor();
                loss.backward();
                {
                    torch::NoGradGuard no_grad;
                    const double t = static_cast<double>(match_step + 1);
                    for (std::size_t i = 0; i < params.size(); ++i)
                        if (params[i].second.grad().defined())
                            adamw_update(params[i].second, params[i].second.grad(), sm[i], sv[i], o.lr, o.weight_decay, t,
                                         kBeta1, kBeta2, kEps);
                }
                ++match_step;
                if (events) events->on_stage_match(match_step, match_total, value);
                if (ctx) {
                    Progress pr;
                    pr.stage   = "stage_match";
                    pr.message = "stage matching";
                    pr.step    = match_step;
                    pr.total   = match_total;
                    pr.loss    = value;
                    ctx->report(pr);
                }
            }
        }
        for (auto& [name, p] : params) p.mutable_grad() = torch::Tensor();
    }
    const std::int64_t total     = per_epoch * o.epochs;
    const std::int64_t warmup    = std::min<std::int64_t>(total, std::llround(o.warmup_epochs * static_cast<double>(per_epoch)));
    const bool autocast          = o.mixed_precision && o.device.is_cuda();

    for (int epoch = first_epoch; epoch < o.epochs; ++epoch) {
        if (cancel.mode() == CancelMode::Now) throw Cancelled();
        if (cancel.mode() == CancelMode::AfterCurrentItem) {
            result.stopped_early = true;
            break;
        }
        // Per-epoch seeds: an epoch's draws do not depend on the epochs run before it in this process.
        torch::manual_seed(mix_seed(o.seed, static_cast<std::uint64_t>(epoch), 0xd1ULL));
        BackgroundLoader loader(samples, one_pass(mix_seed(o.seed, static_cast<std::uint64_t>(epoch), 0x10adULL)), cancel);

        student.train();
        if (o.freeze_batchnorm) freeze_batchnorm(student);
        double loss_sum = 0.0, lr = 0.0;
        std::int64_t batches = 0;
        while (auto batch = loader.next()) {
            if (ctx) ctx->throw_if_cancelled();
            lr = scheduled_lr(o, step, total, warmup);
            torch::Tensor images = batch->images;
            if (o.batch_hook) o.batch_hook(epoch, step, images);
            const torch::Tensor idx     = batch->indices;
            const torch::Tensor targets = probs.index_select(0, idx).to(o.device);
            const torch::Tensor labels  = batch->labels.to(o.device);

            torch::Tensor logits, feats;
            try {
                AutocastScope scope(autocast);
                feats  = student.features(images.to(o.device));
                logits = student.classify(feats).to(torch::kFloat32);
            } catch (const c10::Error& e) {
                if (std::string(e.what()).find("more than 1 value per channel") == std::string::npos) throw;
                loader.stop();
                throw Error(where + ": a batch of " + std::to_string(images.size(0)) + " image(s) at " +
                            std::to_string(o.input_size) + " px leaves this student's last feature maps at 1x1, which batch "
                            "normalisation cannot train on; use a batch size of at least 2 or a larger input size");
            }
            KdLoss loss = kd_loss(logits, targets, labels, o.temperature, o.alpha);
            if (use_features) {
                torch::Tensor f = feats.to(torch::kFloat32);
                if (projection.defined()) f = torch::mm(f, projection.t());
                loss.feature = feature_loss(f, teacher_feats.index_select(0, idx).to(o.device));
                loss.total   = loss.total + o.feature_weight * loss.feature;
            }
            const double value = loss.total.item<double>();
            if (!std::isfinite(value)) {
                loader.stop();
                throw Error(where + ": the loss became " + std::to_string(value) + " at epoch " + std::to_string(epoch + 1) +
                            ", step " + std::to_string(step + 1) + " (learning rate " + std::to_string(lr) +
                            "); training stopped" +
                            (o.checkpoint_path.empty() ? std::string()
                                                       : ", the checkpoint of epoch " + std::to_string(result.epochs_done) + " is kept"));
            }
            for (auto& [name, p] : params) p.mutable_grad() = torch::Tensor();
            loss.total.backward();
            {
                torch::NoGradGuard no_grad;
                const double t = static_cast<double>(step + 1);
                for (std::size_t i = 0; i < params.size(); ++i) {
                    torch::Tensor& p = params[i].second;
                    if (!p.grad().defined()) continue;
                    const torch::Tensor g = p.grad();
                    if (o.optimizer == KdOptimizer::AdamW) {
                        adamw_update(p, g, m[i], v[i], lr, o.weight_decay, t, kBeta1, kBeta2, kEps);
                    } else {  // torch.optim.SGD, nesterov, weight decay coupled
                        const torch::Tensor d = o.weight_decay != 0.0 ? g + o.weight_decay * p : g;
                        if (step == 0) m[i].copy_(d); else m[i].mul_(o.momentum).add_(d);
                        p.add_(d + o.momentum * m[i], -lr);
                    }
                }
            }
            loss_sum += value;
            ++batches;
            if (events) {
                KdStep s;
                s.epoch = epoch;
                s.step = step;
                s.total_steps = total;
                s.loss = value;
                s.kd = loss.kd.item<double>();
                s.ce = loss.ce.item<double>();
                s.feature = loss.feature.defined() ? loss.feature.item<double>() : 0.0;
                s.lr = lr;
                events->on_step(s);
            }
            if (ctx) {
                Progress pr;
                pr.stage = "distill";
                pr.step  = step + 1;
                pr.total = total;
                pr.loss  = value;
                ctx->report(pr);
            }
            ++step;
        }

        KdEpoch ep;
        ep.epoch      = epoch;
        ep.train_loss = batches ? loss_sum / static_cast<double>(batches) : std::nan("");
        ep.lr_end     = lr;
        if (val_pixels.defined()) {
            const torch::Tensor pred = student_logits(student, val_pixels, o.eval_batch_size).argmax(1);
            ep.has_validation = true;
            ep.validation     = evaluate_predictions(pred, torch::tensor(validation->labels, torch::kInt64), C, val_teacher_pred);
        }
        result.history.push_back(ep);
        result.epochs_done = epoch + 1;
        save_checkpoint(result.epochs_done);
        if (events) events->on_epoch(ep);
    }
    student.eval();
    return result;
}

}  // namespace tint::distill
