// Distillation runs of a project and their ONNX export (tint/Distill.h). A run folder holds:
//   config.json                 the spec it was started with (a resumed run must match it)
//   checkpoint.safetensors      the trainer's per-epoch checkpoint (student, optimiser, history)
//   metrics.json                the epochs so far, rewritten atomically after each epoch
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "distill/classic_generator.h"
#include "distill/evaluation.h"
#include "distill/heads.h"
#include "distill/kd_trainer.h"
#include "distill/soft_labels.h"
#include "distill/teacher.h"
#include "distill/teacher_finetune.h"
#include "export/onnx_export.h"
#include "nn/students.h"
#include "tint/Distill.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Tint.h"
#include "tint/Workflow.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tint {

namespace {

json spec_json(const DistillSpec& s) { return json::parse(distill_spec_to_json(s)); }

std::string new_run_id() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "run-%Y%m%d-%H%M%S", &tm);
    return buf;
}

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) throw Error("cannot read '" + p.string() + "'");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

struct EventBridge : distill::KdEvents {
    DistillEvents* out = nullptr;
    std::vector<DistillEpoch>* history = nullptr;
    std::function<void()> after_epoch;
    void on_step(const distill::KdStep& s) override { out->step(s.epoch + 1, s.step + 1, s.total_steps, s.loss); }
    // The epochs of a resumed run, so that metrics.json keeps them when this session stops early.
    void on_resume(const std::vector<distill::KdEpoch>& done) override {
        history->clear();
        for (const auto& e : done) history->push_back(convert(e));
    }
    void on_epoch(const distill::KdEpoch& e) override {
        history->push_back(convert(e));
        out->epoch(history->back());
        if (after_epoch) after_epoch();
    }
    static DistillEpoch convert(const distill::KdEpoch& e) {
        DistillEpoch d;
        d.epoch      = e.epoch + 1;
        d.train_loss = e.train_loss;
        if (e.has_validation) {
            d.accuracy  = e.validation.accuracy;
            d.agreement = std::isnan(e.validation.agreement) ? -1.0 : e.validation.agreement;
            for (const auto& row : e.validation.confusion) d.confusion.emplace_back(row.begin(), row.end());
        }
        return d;
    }
};

// A run id names a folder directly under runs/: no separators, no "." or "..", nothing absolute.
void check_run_id(const std::string& id) {
    if (!is_plain_name(id) || id.find(':') != std::string::npos)
        throw Error("'" + id + "' is not a run name: use letters, digits, '-' or '_', without '/' or '..'");
}

json epoch_json(const DistillEpoch& e) {
    return {{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"accuracy", e.accuracy}, {"agreement", e.agreement},
            {"confusion", e.confusion}};
}

}  // namespace

DistillResult run_distillation(const std::string& root, const ProjectData& project, const DistillSpec& spec,
                               DistillEvents& events, JobContext& ctx) {
    if (project.classes.size() < 2) throw Error("distillation needs at least two classes");
    for (const auto& c : project.classes)
        if (c.supports.empty()) throw Error("the class '" + c.name + "' has no support images");
    if (spec.teacher_dir.empty())
        throw Error("no teacher is configured: choose a DINOv2 or CLIP vision folder, or the built-in ImageNet MobileNetV2");
    if (spec.epochs < 1 || spec.batch_size < 1 || spec.input_size < 16)
        throw Error("epochs and batch size must be positive and the input size at least 16 pixels");
    distill::check_feature_weight(spec.feature_weight, "distillation");
    distill::check_stage_match(spec.stage_match_epochs, spec.student, spec.student_init, "distillation");
    if (!(spec.crop_min > 0 && spec.crop_min <= 1))
        throw Error("the smallest training crop must be a fraction of the image in (0, 1], not " + std::to_string(spec.crop_min));
    // Everything else that can be checked without the teacher is checked here, before a run folder
    // exists or minutes of teacher passes are spent.
    if (!(std::isfinite(spec.width) && spec.width > 0.0 && spec.width <= 4.0))
        throw Error("the student's width multiplier must be in (0, 4], not " + std::to_string(spec.width));
    if (!(std::isfinite(spec.lr) && spec.lr > 0.0))
        throw Error("the learning rate must be a positive number, not " + std::to_string(spec.lr));
    if (!(std::isfinite(spec.temperature) && spec.temperature > 0.0))
        throw Error("the distillation temperature must be a positive number, not " + std::to_string(spec.temperature));
    if (!(std::isfinite(spec.alpha) && spec.alpha >= 0.0))
        throw Error("the cross-entropy weight must be zero or positive, not " + std::to_string(spec.alpha));
    if (spec.classic_per_class < 0)
        throw Error("the number of augmentation images per class must not be negative");
    nn::make_student(spec.student, static_cast<std::int64_t>(project.classes.size()), spec.width);  // unknown names throw
    distill::make_head(spec.head);
    std::optional<distill::ValidationFiles> validation;
    if (!spec.validation_dir.empty()) {
        validation = distill::validation_files(project, spec.validation_dir);
        if (validation->files.empty())
            throw Error("the validation folder '" + spec.validation_dir + "' has no images of the project's classes");
    }

    if (!spec.run_id.empty()) check_run_id(spec.run_id);
    DistillResult result;
    result.run_id  = spec.run_id.empty() ? new_run_id() : spec.run_id;
    result.run_dir = (fs::path(root) / "runs" / result.run_id).string();
    const fs::path run_dir(result.run_dir);
    const json cfg = spec_json(spec);
    std::error_code ec;
    const bool resuming = fs::exists(run_dir / "config.json", ec);
    if (resuming) {
        auto old = json::parse(read_text(run_dir / "config.json"));
        if (old != cfg)
            throw Error("the run '" + result.run_id + "' was started with other settings; start a new run instead");
        events.message("resuming run " + result.run_id);
    }

    std::vector<std::string> class_names;
    for (const auto& c : project.classes) class_names.push_back(c.name);
    const auto C = static_cast<std::int64_t>(class_names.size());

    // Teacher and its few-shot head, fitted on the supports.
    ctx.report({"teacher", 0, 0, std::nan(""), spec.teacher_dir});
    if (spec.teacher_features != "pooled" && spec.teacher_features != "logits")
        throw Error("unknown teacher features '" + spec.teacher_features + "' (pooled or logits)");
    distill::TeacherOptions topt;
    topt.imagenet_logits = spec.teacher_features == "logits";
    auto teacher = distill::load_teacher(spec.teacher_dir, topt, &ctx);
    teacher->check_fine_tune_blocks(spec.teacher_finetune_blocks, /*zero_means_off=*/true);
    if (spec.teacher_finetune_blocks > 0 && spec.teacher_finetune_steps < 1)
        throw Error("teacher fine-tuning needs at least one step");
    // The run folder is made once the settings are known to work with this teacher.
    if (!resuming) {
        fs::create_directories(run_dir, ec);
        if (ec) throw Error("cannot create '" + run_dir.string() + "': " + ec.message());
        write_file_atomic((run_dir / "config.json").string(), cfg.dump(2));
    }
    std::vector<ImageU8> support_images;
    std::vector<std::string> support_files;
    std::vector<std::int64_t> support_labels;
    for (std::size_t ci = 0; ci < project.classes.size(); ++ci)
        for (const auto& s : project.classes[ci].supports) {
            support_files.push_back((fs::path(root) / s.file).string());
            support_images.push_back(load_image_rgb(support_files.back()));
            support_labels.push_back(static_cast<std::int64_t>(ci));
        }
    if (spec.teacher_finetune_blocks > 0) {
        // Fine-tuned once per run; a resumed run reads the same tail back.
        const fs::path tail = run_dir / "teacher-finetuned.safetensors";
        if (fs::exists(tail, ec)) {
            distill::load_teacher_tail(*teacher, tail.string());
            events.message("teacher: the fine-tuned last " + std::to_string(spec.teacher_finetune_blocks) + " blocks read from " +
                           tail.filename().string());
        } else {
            distill::TeacherFineTuneOptions fo;
            fo.blocks = spec.teacher_finetune_blocks;
            fo.steps  = spec.teacher_finetune_steps;
            fo.seed   = spec.seed;
            auto rep  = distill::fine_tune_teacher(*teacher, support_images, support_labels, C, fo, &ctx);
            distill::save_teacher_tail(*teacher, tail.string(), fo);
            char buf[160];
            std::snprintf(buf, sizeof buf, "teacher: last %d blocks fine-tuned on the supports (%d steps, loss %.3f -> %.3f)",
                          fo.blocks, rep.steps, rep.initial_loss(), rep.final_loss());
            events.message(buf);
        }
    }
    auto head = distill::make_head(spec.head);
    head->fit(teacher->features(support_images, &ctx), torch::tensor(support_labels, torch::kInt64), C);

    // Training images: supports, synthetic images not rejected, and classic augmentations.
    distill::KdData data;
    data.class_names = class_names;
    data.files       = support_files;
    data.labels      = support_labels;
    if (spec.classic_per_class > 0) {
        std::vector<distill::ClassSupport> cs;
        for (const auto& c : project.classes) {
            distill::ClassSupport s;
            s.name = c.dir;
            for (const auto& im : c.supports) s.images.push_back((fs::path(root) / im.file).string());
            cs.push_back(s);
        }
        distill::ClassicGeneratorOptions go;
        go.per_class = spec.classic_per_class;
        go.seed      = spec.seed;
        go.max_side  = distill::classic_side_for_student(spec.input_size);
        for (const auto& g : distill::generate_classic(cs, (fs::path(root) / "runs" / result.run_id / "classic").string(), go, ctx)) {
            data.files.push_back(g.path);
            for (std::size_t ci = 0; ci < project.classes.size(); ++ci)
                if (project.classes[ci].dir == g.class_name) data.labels.push_back(static_cast<std::int64_t>(ci));
        }
    }
    if (spec.use_synthetic) {
        for (std::size_t ci = 0; ci < project.classes.size(); ++ci)
            for (const auto& r : read_samples(root, project.classes[ci])) {
                if (r.status == "rejected") continue;
                auto f = fs::path(root) / r.file;
                if (!fs::exists(f, ec)) continue;
                data.files.push_back(f.string());
                data.labels.push_back(static_cast<std::int64_t>(ci));
            }
    }
    if (data.files.size() != data.labels.size()) throw Error("internal: training files and labels differ in number");
    result.train_images = static_cast<int>(data.files.size());
    events.message(std::to_string(result.train_images) + " training images");
    fs::create_directories(fs::path(root) / "cache", ec);
    // The feature term also needs the teacher's features of the training images: they are cached
    // with the soft labels (one teacher pass), so a resumed run does not compute them again.
    distill::SoftLabelOptions slo;
    slo.with_features = spec.feature_weight > 0.0;
    if (slo.with_features) events.message("soft labels with the teacher's features of the training images for the feature term");
    auto labels = distill::soft_labels(*teacher, *head, data.files, class_names,
                                       (fs::path(root) / "cache" / "soft-labels.safetensors").string(), &ctx, slo);
    const std::string what = slo.with_features ? "soft labels and teacher features" : "soft labels";
    events.message(labels.reused ? what + " read from the cache" : what + " computed (" + labels.reason + ")");
    data.teacher_probs = labels.probabilities;
    if (slo.with_features) data.teacher_features = labels.features;

    // Optional validation folder (folder per class, names matched case-insensitively).
    distill::KdValidation val;
    const distill::KdValidation* valp = nullptr;
    if (validation) {
        auto& vf = *validation;
        for (const auto& name : vf.ignored)
            events.message("validation folder '" + name + "' is not a class of the project; ignored");
        val.files  = std::move(vf.files);
        val.labels = std::move(vf.labels);
        val.teacher_probs = distill::soft_labels(*teacher, *head, val.files, class_names,
                                                 (fs::path(root) / "cache" / "validation-soft-labels.safetensors").string(), &ctx)
                                .probabilities;
        auto pred = val.teacher_probs.argmax(1);
        result.teacher_accuracy =
            (pred == torch::tensor(val.labels, torch::kInt64)).to(torch::kFloat64).mean().item<double>();
        valp = &val;
    }

    distill::KdOptions o;
    o.student         = spec.student;
    o.student_width   = spec.width;
    o.input_size      = spec.input_size;
    o.augment.crop.scale_min = spec.crop_min;
    if (!spec.train_augment) o.augment.turn_off();
    o.feature_weight  = spec.feature_weight;
    o.stage_match_epochs = spec.stage_match_epochs;
    o.batch_size      = spec.batch_size;
    o.epochs          = spec.epochs;
    o.lr              = spec.lr;
    o.temperature     = spec.temperature;
    o.alpha           = spec.alpha;
    o.seed            = spec.seed;
    o.student_init    = spec.student_init;
    o.student_init_dir = spec.student_init_dir.empty() ? spec.teacher_dir : spec.student_init_dir;
    o.freeze_batchnorm = spec.student_init == "imagenet";
    o.checkpoint_path = (run_dir / "checkpoint.safetensors").string();
    o.resume          = true;
    EventBridge bridge;
    bridge.out         = &events;
    bridge.history     = &result.history;
    bridge.after_epoch = [&] {
        json m = json::array();
        for (const auto& e : result.history) m.push_back(epoch_json(e));
        write_file_atomic((run_dir / "metrics.json").string(),
                          json{{"teacher_accuracy", result.teacher_accuracy}, {"train_images", result.train_images},
                               {"class_names", class_names}, {"epochs", m}}.dump(2));
    };
    auto kd = distill::train_kd(data, o, &ctx, &bridge, valp);
    // Epochs read back from the checkpoint were not streamed: take the trainer's full history.
    result.history.clear();
    for (const auto& e : kd.history) result.history.push_back(EventBridge::convert(e));
    bridge.after_epoch();
    result.stopped_early = kd.stopped_early;
    return result;
}

OnnxExportReport export_run_onnx(const std::string& root, const ProjectData& project, const std::string& run_id,
                                 const std::string& out_file, JobContext* ctx) {
    check_run_id(run_id);
    const fs::path run_dir = fs::path(root) / "runs" / run_id;
    std::error_code ec;
    if (!fs::exists(run_dir / "checkpoint.safetensors", ec))
        throw Error("the run '" + run_id + "' has no trained student (no " + (run_dir / "checkpoint.safetensors").string() + ")");
    const auto cfg = json::parse(read_text(run_dir / "config.json"));
    const std::string checkpoint = (run_dir / "checkpoint.safetensors").string();
    auto student   = distill::load_kd_student(checkpoint);
    exporter::OnnxExportOptions o;
    o.context = ctx;
    o.class_names = distill::kd_checkpoint_class_names(checkpoint);
    o.input_width = o.input_height = cfg.value("input_size", 84);
    distill::Normalization norm;  // the trainer's default
    for (int i = 0; i < 3; ++i) o.mean[i] = norm.mean[i], o.stddev[i] = norm.std[i];
    std::string summary = "teacher " + cfg.value("teacher_dir", std::string()) + " (" + cfg.value("head", std::string()) + ")";
    if (fs::exists(run_dir / "metrics.json", ec)) {
        auto m = json::parse(read_text(run_dir / "metrics.json"));
        summary += "; " + std::to_string(m.value("train_images", 0)) + " training images";
        if (!m["epochs"].empty()) {
            const auto& last = m["epochs"].back();
            summary += "; " + std::to_string(last.value("epoch", 0)) + " epochs, final loss " +
                       std::to_string(last.value("train_loss", 0.0));
            if (last.value("accuracy", -1.0) >= 0) summary += ", validation accuracy " + std::to_string(last.value("accuracy", 0.0));
        }
    }
    o.training_summary = summary;
    for (const auto& c : project.classes)
        for (const auto& s : c.supports)
            if (o.sample_image_paths.size() < 8) o.sample_image_paths.push_back((fs::path(root) / s.file).string());
    auto r = exporter::export_onnx(*student, out_file, o);
    OnnxExportReport rep;
    rep.path           = r.path;
    rep.max_abs_diff   = r.max_abs_diff;
    rep.images_checked = r.images_checked;
    rep.file_size      = r.file_size;
    rep.class_names    = o.class_names;
    return rep;
}

}  // namespace tint
