// The interactive workflow around the engines (tint/Workflow.h).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "distill/augment.h"
#include "distill/classic_generator.h"
#include "distill/evaluation.h"
#include "distill/heads.h"
#include "distill/kd_trainer.h"
#include "distill/soft_labels.h"
#include "distill/teacher.h"
#include "io/diffusers.h"
#include "io/json_util.h"
#include "nn/config.h"
#include "nn/students.h"
#include "runtime/seed.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Log.h"
#include "tint/Workflow.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tint {

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) throw Error("cannot read '" + p.string() + "'");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

json parse_object(const std::string& text, const std::string& where) {
    if (text.empty()) return json::object();
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(where + ": not valid JSON (error at byte " + std::to_string(e.byte) + ")");
    }
    if (!j.is_object()) throw Error(where + ": expected a JSON object");
    return j;
}

/// Reads `key` into `out` when present; a wrong type names the key.
template <class T>
void take(const json& j, const char* key, T& out, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return;
    try {
        out = it->get<T>();
    } catch (const json::exception&) {
        throw Error(where + ": key '" + key + "' has the wrong type (" + it->type_name() + ")");
    }
}

}  // namespace

// ------------------------------------------------------------------------------------ settings

std::string tint_settings_to_json(const TintSettings& s) {
    json j = {{"resolution", s.resolution},         {"prompt_template", s.prompt_template},
              {"ti_steps", s.ti_steps},             {"ti_lr", s.ti_lr},
              {"ti_weight_decay", s.ti_weight_decay}, {"ti_min_timestep", s.ti_min_timestep},
              {"ti_batch", s.ti_batch},             {"ti_early_stop", s.ti_early_stop},
              {"ti_plateau_window", s.ti_plateau_window}, {"ti_plateau_patience", s.ti_plateau_patience},
              {"steps", s.steps},                   {"guidance", s.guidance},
              {"nti_inner_steps", s.nti_inner_steps}, {"nti_lr", s.nti_lr},
              {"nti_epsilon", s.nti_epsilon},       {"seed", s.seed},
              {"checkpoint_every", s.checkpoint_every}};
    return j.dump();
}

TintSettings tint_settings_from_json(const std::string& text, const std::string& where) {
    const json j = parse_object(text, where);
    TintSettings s;
    take(j, "resolution", s.resolution, where);
    take(j, "prompt_template", s.prompt_template, where);
    take(j, "ti_steps", s.ti_steps, where);
    take(j, "ti_lr", s.ti_lr, where);
    take(j, "ti_weight_decay", s.ti_weight_decay, where);
    take(j, "ti_min_timestep", s.ti_min_timestep, where);
    take(j, "ti_batch", s.ti_batch, where);
    take(j, "ti_early_stop", s.ti_early_stop, where);
    take(j, "ti_plateau_window", s.ti_plateau_window, where);
    take(j, "ti_plateau_patience", s.ti_plateau_patience, where);
    take(j, "steps", s.steps, where);
    take(j, "guidance", s.guidance, where);
    take(j, "nti_inner_steps", s.nti_inner_steps, where);
    take(j, "nti_lr", s.nti_lr, where);
    take(j, "nti_epsilon", s.nti_epsilon, where);
    take(j, "seed", s.seed, where);
    take(j, "checkpoint_every", s.checkpoint_every, where);
    if (s.prompt_template.find("{}") == std::string::npos)
        throw Error(where + ": key 'prompt_template' must contain {} where the class token goes");
    return s;
}

std::string distill_spec_to_json(const DistillSpec& s) {
    json j = {{"teacher_dir", s.teacher_dir}, {"head", s.head},       {"student", s.student},
              {"width", s.width},             {"input_size", s.input_size}, {"epochs", s.epochs},
              {"batch_size", s.batch_size},   {"lr", s.lr},           {"temperature", s.temperature},
              {"alpha", s.alpha},             {"seed", s.seed},       {"classic_per_class", s.classic_per_class},
              {"use_synthetic", s.use_synthetic}, {"validation_dir", s.validation_dir}};
    // Only when not the default, so that runs started before these settings existed still resume
    // (a run's config.json must equal this text of the spec it is resumed with).
    if (s.teacher_features != "pooled") j["teacher_features"] = s.teacher_features;
    if (!s.student_init.empty()) j["student_init"] = s.student_init;
    if (s.crop_min != DistillSpec{}.crop_min) j["crop_min"] = s.crop_min;
    if (s.feature_weight != 0.0) j["feature_weight"] = s.feature_weight;
    if (!s.train_augment) j["train_augment"] = false;
    if (s.stage_match_epochs != 0) j["stage_match_epochs"] = s.stage_match_epochs;
    if (s.teacher_finetune_blocks > 0) {
        j["teacher_finetune_blocks"] = s.teacher_finetune_blocks;
        j["teacher_finetune_steps"]  = s.teacher_finetune_steps;
    }
    return j.dump();
}

DistillSpec distill_spec_from_json(const std::string& text, const std::string& where) {
    const json j = parse_object(text, where);
    DistillSpec s;
    take(j, "teacher_dir", s.teacher_dir, where);
    take(j, "head", s.head, where);
    take(j, "student", s.student, where);
    take(j, "width", s.width, where);
    take(j, "input_size", s.input_size, where);
    take(j, "epochs", s.epochs, where);
    take(j, "batch_size", s.batch_size, where);
    take(j, "lr", s.lr, where);
    take(j, "temperature", s.temperature, where);
    take(j, "alpha", s.alpha, where);
    take(j, "seed", s.seed, where);
    take(j, "classic_per_class", s.classic_per_class, where);
    take(j, "use_synthetic", s.use_synthetic, where);
    take(j, "validation_dir", s.validation_dir, where);
    take(j, "teacher_features", s.teacher_features, where);
    take(j, "student_init", s.student_init, where);
    take(j, "crop_min", s.crop_min, where);
    take(j, "feature_weight", s.feature_weight, where);
    take(j, "train_augment", s.train_augment, where);
    take(j, "stage_match_epochs", s.stage_match_epochs, where);
    take(j, "teacher_finetune_blocks", s.teacher_finetune_blocks, where);
    take(j, "teacher_finetune_steps", s.teacher_finetune_steps, where);
    return s;
}

std::string find_shipped_model(const std::string& name, const std::string& executable_dir,
                               const std::string& source_resources_dir) {
    return find_shipped("models/" + name, executable_dir, source_resources_dir);
}

std::string find_shipped(const std::string& relative, const std::string& executable_dir,
                         const std::string& source_resources_dir) {
    std::vector<fs::path> candidates;
    if (!executable_dir.empty()) candidates.push_back(fs::path(executable_dir) / "../share/tintbench" / relative);
    if (!source_resources_dir.empty()) candidates.push_back(fs::path(source_resources_dir) / relative);
    std::error_code ec;
    for (const auto& c : candidates)
        if (fs::is_directory(c, ec)) return fs::weakly_canonical(c, ec).string();
    return {};
}

FolderCheck check_generator_folder(const std::string& dir) {
    FolderCheck c;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return {false, "'" + dir + "' is not a folder"};
    try {
        const fs::path root(dir);
        const auto index = io::read_json_file((root / "model_index.json").string());
        if (!index.is_object()) return {false, "model_index.json is not a JSON object"};
        for (const char* comp : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"}) io::component_dir(dir, comp);
        const auto unet = nn::UNetConfig::from_json(io::read_json_file((root / "unet" / "config.json").string()),
                                                    (root / "unet" / "config.json").string());
        nn::VAEConfig::from_json(io::read_json_file((root / "vae" / "config.json").string()), (root / "vae" / "config.json").string());
        nn::CLIPTextConfig::from_json(io::read_json_file((root / "text_encoder" / "config.json").string()),
                                      (root / "text_encoder" / "config.json").string());
        const auto sched = io::read_json_file((root / "scheduler" / "scheduler_config.json").string());
        io::open_weights((root / "unet").string(), "diffusion_pytorch_model");
        io::open_weights((root / "vae").string(), "diffusion_pytorch_model");
        io::open_weights((root / "text_encoder").string(), "model");
        const std::string prediction = sched.value("prediction_type", std::string("epsilon"));
        c.ok   = true;
        c.text = index.value("_class_name", std::string("pipeline")) + ": text width " +
                 std::to_string(unet.cross_attention_dim) + ", " + std::to_string(unet.sample_size * 8) + " px, " +
                 prediction + " prediction";
    } catch (const std::exception& e) {
        return {false, e.what()};
    }
    return c;
}

FolderCheck check_teacher_folder(const std::string& dir) {
    std::error_code ec;
    const fs::path root(dir);
    if (!fs::is_directory(root, ec)) return {false, "'" + dir + "' is not a folder"};
    if (fs::exists(root / distill::kImageNetMobileNetV2File, ec))
        return {true, "the ImageNet MobileNetV2 (1280 features, 224 px)"};
    if (fs::exists(root / "model_index.json", ec))
        return {false, "this is a Stable Diffusion folder (model_index.json); a teacher is a DINOv2 or CLIP vision folder"};
    try {
        const auto cfg   = io::read_json_file((root / "config.json").string());
        const auto type  = cfg.value("model_type", std::string());
        std::string what;
        if (type == "dinov2")
            what = "DINOv2, hidden size " + std::to_string(cfg.value("hidden_size", 0));
        else if (type == "clip_vision_model" || type == "clip")
            what = "CLIP vision, projection " + std::to_string(cfg.value("projection_dim", 0));
        else
            return {false, "config.json has model_type '" + (type.empty() ? std::string("(none)") : type) +
                               "'; a teacher is DINOv2 or CLIP vision (or the built-in MobileNetV2)"};
        io::open_weights(dir, "model");
        return {true, what};
    } catch (const std::exception& e) {
        return {false, e.what()};
    }
}

// ----------------------------------------------------------------------------- synthetic images

std::vector<ProjectSample> list_samples(const std::string& root, const ProjectData& project) {
    std::vector<ProjectSample> out;
    for (std::size_t ci = 0; ci < project.classes.size(); ++ci)
        for (auto& r : read_samples(root, project.classes[ci])) out.push_back({static_cast<int>(ci), std::move(r)});
    return out;
}

void set_sample_status(const std::string& root, const ClassEntry& cls,
                       const std::vector<std::pair<std::string, std::string>>& id_and_status) {
    if (id_and_status.empty()) return;
    std::string text;
    for (const auto& [id, status] : id_and_status) {
        if (status != "new" && status != "accepted" && status != "rejected")
            throw Error("unknown curation status '" + status + "' (new, accepted or rejected)");
        if (id.empty()) throw Error("a sample without id cannot be curated");
        if (!text.empty()) text += '\n';
        text += json{{"id", id}, {"status", status}}.dump();
    }
    const fs::path file = fs::path(root) / "synthetic" / cls.dir / "samples.jsonl";
    std::error_code ec;
    if (!fs::exists(file, ec)) throw Error("'" + file.string() + "' does not exist: the class has no synthetic images");
    append_line_durable(file.string(), text);  // one write: all decisions of an action or none
}

namespace {

/// Loads the teacher and fits its head on the project's supports; also returns the supports'
/// L2-normalised features per class.
struct FittedTeacher {
    std::unique_ptr<distill::Teacher> teacher;
    std::unique_ptr<distill::FewShotHead> head;
    std::vector<torch::Tensor> support_features;  ///< per class [K, D], L2-normalised
    std::string key;                              ///< what the scores depend on
};

FittedTeacher fit_teacher(const std::string& root, const ProjectData& project, const std::string& teacher_dir,
                          const std::string& head_kind, JobContext& ctx) {
    if (teacher_dir.empty()) throw Error("no teacher is configured (Settings › Preferences)");
    if (project.classes.size() < 2) throw Error("scoring needs at least two classes");
    FittedTeacher f;
    f.teacher = distill::load_teacher(teacher_dir, {}, &ctx);
    std::vector<ImageU8> images;
    std::vector<std::int64_t> labels;
    std::vector<std::int64_t> counts;
    for (std::size_t ci = 0; ci < project.classes.size(); ++ci) {
        const auto& c = project.classes[ci];
        if (c.supports.empty()) throw Error("the class '" + c.name + "' has no support images");
        for (const auto& s : c.supports) {
            images.push_back(load_image_rgb((fs::path(root) / s.file).string()));
            labels.push_back(static_cast<std::int64_t>(ci));
        }
        counts.push_back(static_cast<std::int64_t>(c.supports.size()));
    }
    auto feats = f.teacher->features(images, &ctx);
    f.head     = distill::make_head(head_kind);
    f.head->fit(feats, torch::tensor(labels, torch::kInt64), static_cast<std::int64_t>(project.classes.size()));
    auto normed = distill::l2_normalize(feats);
    std::int64_t at = 0;
    for (auto n : counts) {
        f.support_features.push_back(normed.narrow(0, at, n));
        at += n;
    }
    std::string key = f.teacher->identity() + "|" + distill::head_hash(*f.head);
    for (const auto& c : project.classes) key += "|" + c.name;
    f.key = content_hash(std::vector<std::uint8_t>(key.begin(), key.end()));
    return f;
}

}  // namespace

ScoreReport score_samples(const std::string& root, const ProjectData& project, const ScoreOptions& options,
                          JobContext& ctx, const std::function<void(int, const std::vector<SampleRecord>&)>& on_scored) {
    ScoreReport report;
    std::vector<std::vector<SampleRecord>> records;
    std::size_t total = 0;
    for (const auto& c : project.classes) {
        records.push_back(read_samples(root, c));
        total += records.back().size();
    }
    if (total == 0) return report;
    ctx.report({"teacher", 0, 0, std::nan(""), options.teacher_dir});
    FittedTeacher f = fit_teacher(root, project, options.teacher_dir, options.head, ctx);
    std::size_t done = 0;
    for (std::size_t ci = 0; ci < project.classes.size(); ++ci) {
        const auto& cls = project.classes[ci];
        auto& recs      = records[ci];
        bool stale      = options.rescore;
        for (const auto& r : recs) stale = stale || r.scored_by != f.key;
        if (!stale || recs.empty()) {
            done += recs.size();
            continue;
        }
        // Features of every sample of the class: near-duplicates are looked for among all of them.
        std::vector<std::string> ids;
        std::vector<ImageU8> images;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < recs.size(); ++i) {
            ctx.throw_if_cancelled();
            try {
                images.push_back(load_image_rgb((fs::path(root) / recs[i].file).string()));
                which.push_back(i);
            } catch (const Error& e) {
                log::warn("tint.score", e.what());
            }
            ctx.report({"scoring", static_cast<std::int64_t>(done + i), static_cast<std::int64_t>(total), std::nan(""), cls.name});
        }
        if (images.empty()) continue;
        auto feats = f.teacher->features(images, &ctx);
        auto probs = torch::softmax(f.head->logits(feats).to(torch::kFloat64), 1);
        auto normed = distill::l2_normalize(feats);
        auto to_support = torch::matmul(normed, f.support_features[ci].t());  // [N, K]
        auto to_samples = torch::matmul(normed, normed.t());                  // [N, N]
        std::string lines;
        std::vector<SampleRecord> updated;
        for (std::size_t k = 0; k < which.size(); ++k) {
            auto& r            = recs[which[k]];
            auto top           = probs[static_cast<std::int64_t>(k)].max(0);
            r.teacher_class    = static_cast<int>(std::get<1>(top).item<std::int64_t>());
            r.teacher_confidence = std::get<0>(top).item<double>();
            auto best_support  = to_support[static_cast<std::int64_t>(k)].max(0);
            double sim         = std::get<0>(best_support).item<double>();
            r.novelty          = std::max(0.0, 1.0 - sim);
            r.duplicate_of.clear();
            if (sim >= options.duplicate_similarity) {
                auto s = static_cast<std::size_t>(std::get<1>(best_support).item<std::int64_t>());
                r.duplicate_of = "support:" + cls.supports[s].file;
            } else {
                for (std::size_t e = 0; e < k; ++e)  // of an earlier sample: the first one stays unflagged
                    if (to_samples[static_cast<std::int64_t>(k)][static_cast<std::int64_t>(e)].item<double>() >=
                        options.duplicate_similarity) {
                        r.duplicate_of = "sample:" + recs[which[e]].id;
                        break;
                    }
            }
            if (!r.duplicate_of.empty()) ++report.duplicates;
            r.scored_by = f.key;
            if (!lines.empty()) lines += '\n';
            lines += json{{"id", r.id},
                          {"teacher_class", r.teacher_class},
                          {"teacher_confidence", r.teacher_confidence},
                          {"novelty", r.novelty},
                          {"duplicate_of", r.duplicate_of},
                          {"scored_by", r.scored_by}}
                         .dump();
            updated.push_back(r);
        }
        append_line_durable((fs::path(root) / "synthetic" / cls.dir / "samples.jsonl").string(), lines);
        report.scored += static_cast<int>(updated.size());
        done += recs.size();
        if (on_scored) on_scored(static_cast<int>(ci), updated);
        if (ctx.stop_before_next_item()) {
            report.cancelled = true;
            break;
        }
    }
    ctx.report({"scoring", static_cast<std::int64_t>(total), static_cast<std::int64_t>(total), std::nan(""), {}});
    return report;
}

SynthesisReport generate_augmented(const std::string& root, const ProjectData& project, const AugmentSpec& spec,
                                   TintEvents& events, JobContext& ctx) {
    if (spec.per_class < 1) throw Error("the number of images per class must be at least 1");
    std::vector<int> classes = spec.classes;
    if (classes.empty())
        for (std::size_t i = 0; i < project.classes.size(); ++i) classes.push_back(static_cast<int>(i));
    SynthesisReport report;
    const auto total = static_cast<std::int64_t>(classes.size()) * spec.per_class;
    std::int64_t done = 0;
    for (int ci : classes) {
        if (ci < 0 || ci >= static_cast<int>(project.classes.size())) throw Error("no class with index " + std::to_string(ci));
        const auto& cls = project.classes[static_cast<std::size_t>(ci)];
        if (cls.supports.empty()) throw Error("the class '" + cls.name + "' has no support images to augment");
        const fs::path out_dir = fs::path(root) / "synthetic" / cls.dir;
        std::error_code ec;
        fs::create_directories(out_dir, ec);
        if (ec) throw Error("cannot create '" + out_dir.string() + "': " + ec.message());
        // Continue the numbering of earlier augmentations; their seeds continue with it.
        int next = 0;
        for (const auto& r : read_samples(root, cls))
            if (r.id.rfind("aug-", 0) == 0) next = std::max(next, std::atoi(r.id.c_str() + 4) + 1);
        distill::ClassSupport support;
        support.name = cls.dir;
        for (const auto& s : cls.supports) support.images.push_back((fs::path(root) / s.file).string());
        for (int n = 0; n < spec.per_class; ++n) {
            ctx.throw_if_cancelled();
            if (ctx.stop_before_next_item()) {
                report.cancelled = true;
                return report;
            }
            const int index = next + n;
            // One image at a time through the classic generator, into a scratch folder, then moved.
            const fs::path scratch = out_dir / (".aug-scratch-" + std::to_string(index));
            fs::remove_all(scratch, ec);
            distill::ClassicGeneratorOptions go;
            go.per_class = 1;
            go.seed      = mix_seed(spec.seed, static_cast<std::uint64_t>(index));
            go.max_side  = spec.max_side;
            auto made    = distill::generate_classic({{support.name, {support.images[static_cast<std::size_t>(index) %
                                                                                       support.images.size()]}}},
                                                     scratch.string(), go, ctx);
            if (made.empty()) break;
            char id[32];
            std::snprintf(id, sizeof id, "aug-%06d", index);
            const fs::path target = out_dir / (std::string(id) + ".png");
            fs::rename(made.front().path, target, ec);
            if (ec) throw Error("cannot write '" + target.string() + "': " + ec.message());
            fs::remove_all(scratch, ec);
            ImageU8 image = load_image_rgb(target.string());
            const int support_index = index % static_cast<int>(support.images.size());
            const std::string rel   = "synthetic/" + cls.dir + "/" + id + ".png";
            json line = {{"id", id}, {"file", rel}, {"generator", "augment"}, {"support", support_index},
                         {"seed", go.seed}, {"width", image.width}, {"height", image.height}, {"status", "new"}};
            append_line_durable((out_dir / "samples.jsonl").string(), line.dump());
            SampleEvent ev;
            ev.class_dir = cls.dir;
            ev.id        = id;
            ev.file      = rel;
            ev.support   = support_index;
            ev.seed      = go.seed;
            ev.image     = std::move(image);
            events.sample(ev);
            ++report.written;
            ctx.report({"augment", ++done, total, std::nan(""), cls.name});
        }
    }
    return report;
}

// ------------------------------------------------------------------------------------------ runs

std::vector<RunSummary> list_runs(const std::string& root, std::vector<std::string>* problems) {
    std::vector<RunSummary> out;
    const fs::path runs = fs::path(root) / "runs";
    std::error_code ec;
    if (!fs::is_directory(runs, ec)) return out;
    for (const auto& entry : fs::directory_iterator(runs, ec)) {
        if (!entry.is_directory(ec)) continue;
        RunSummary r;
        r.id = entry.path().filename().string();
        const fs::path dir = entry.path();
        if (!fs::exists(dir / "config.json", ec)) continue;  // not a run folder
        try {
            r.spec = distill_spec_from_json(read_text(dir / "config.json"), (dir / "config.json").string());
            r.spec.run_id = r.id;
            // run-YYYYmmdd-HHMMSS
            if (r.id.size() >= 19 && r.id.rfind("run-", 0) == 0)
                r.started = r.id.substr(4, 4) + "-" + r.id.substr(8, 2) + "-" + r.id.substr(10, 2) + "T" +
                            r.id.substr(13, 2) + ":" + r.id.substr(15, 2) + ":" + r.id.substr(17, 2) + "Z";
            r.has_student = fs::exists(dir / "checkpoint.safetensors", ec);
            if (fs::exists(dir / "metrics.json", ec)) {
                auto m             = json::parse(read_text(dir / "metrics.json"));
                r.teacher_accuracy = m.value("teacher_accuracy", -1.0);
                r.train_images     = m.value("train_images", 0);
                for (const auto& e : m.value("epochs", json::array())) {
                    DistillEpoch d;
                    d.epoch      = e.value("epoch", 0);
                    d.train_loss = e.value("train_loss", 0.0);
                    d.accuracy   = e.value("accuracy", -1.0);
                    d.agreement  = e.value("agreement", -1.0);
                    d.confusion  = e.value("confusion", std::vector<std::vector<long long>>{});
                    r.history.push_back(std::move(d));
                }
                r.class_names = m.value("class_names", std::vector<std::string>{});
            }
            if (r.class_names.empty() && r.has_student)
                r.class_names = distill::kd_checkpoint_class_names((dir / "checkpoint.safetensors").string());
        } catch (const std::exception& e) {
            if (problems) problems->push_back(r.id + ": " + e.what());
        }
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const RunSummary& a, const RunSummary& b) { return a.id > b.id; });
    return out;
}

std::vector<RunPrediction> run_validation_predictions(const std::string& root, const ProjectData& project,
                                                      const std::string& run_id, JobContext& ctx) {
    const fs::path dir = fs::path(root) / "runs" / run_id;
    std::error_code ec;
    if (!fs::exists(dir / "checkpoint.safetensors", ec))
        throw Error("the run '" + run_id + "' has no trained student yet");
    DistillSpec spec = distill_spec_from_json(read_text(dir / "config.json"), (dir / "config.json").string());
    if (spec.validation_dir.empty()) throw Error("the run '" + run_id + "' has no validation folder");
    const auto vf = distill::validation_files(project, spec.validation_dir);
    const auto& files = vf.files;
    const auto trained = distill::kd_checkpoint_class_names((dir / "checkpoint.safetensors").string());
    std::vector<std::string> now;
    for (const auto& c : project.classes) now.push_back(c.name);
    if (trained != now) {
        throw Error("the run '" + run_id + "' was trained on the classes " + join(trained) + "; the project now has " + join(now) +
                    ". Start a new run to check a student on the current classes");
    }
    auto student = distill::load_kd_student((dir / "checkpoint.safetensors").string());
    std::vector<RunPrediction> out;
    const std::size_t batch = 32;
    for (std::size_t at = 0; at < files.size(); at += batch) {
        ctx.throw_if_cancelled();
        ctx.report({"predict", static_cast<std::int64_t>(at), static_cast<std::int64_t>(files.size()), std::nan(""), {}});
        std::vector<cv::Mat> mats;
        const std::size_t end = std::min(files.size(), at + batch);
        for (std::size_t i = at; i < end; ++i) mats.push_back(distill::to_mat(load_image_rgb(files[i])));
        auto logits = distill::student_logits(*student, distill::evaluation_pixels(mats, spec.input_size, {}));
        auto probs  = torch::softmax(logits.to(torch::kFloat64), 1);
        auto top    = probs.max(1);
        for (std::size_t i = at; i < end; ++i) {
            const auto k = static_cast<std::int64_t>(i - at);
            out.push_back({files[i], static_cast<int>(vf.labels[i]), static_cast<int>(std::get<1>(top)[k].item<std::int64_t>()),
                           std::get<0>(top)[k].item<double>()});
        }
    }
    return out;
}

// --------------------------------------------------------------------------------------- exports

DatasetExportReport export_curated_dataset(const std::string& root, const ProjectData& project,
                                           const std::string& out_dir, bool include_undecided, JobContext* ctx) {
    std::error_code ec;
    const fs::path out(out_dir);
    if (out.empty()) throw Error("no output folder given");
    if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
        throw Error("'" + out_dir + "' already exists and is not empty; choose a new or empty folder");
    const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) throw Error("cannot write '" + out_dir + "': the folder '" + parent.string() + "' does not exist");
    const fs::path tmp = parent / ("." + out.filename().string() + ".partial");
    fs::remove_all(tmp, ec);
    DatasetExportReport rep;
    rep.folder = out_dir;
    try {
        std::set<std::string> names;
        for (const auto& c : project.classes) {
            std::string name = make_class_dir(c.name, std::vector<std::string>(names.begin(), names.end()));
            names.insert(name);
            const fs::path cdir = tmp / name;
            fs::create_directories(cdir, ec);
            if (ec) throw Error("cannot create '" + cdir.string() + "': " + ec.message());
            for (const auto& s : c.supports) {
                if (ctx) ctx->throw_if_cancelled();
                fs::path src = fs::path(root) / s.file;
                copy_file_atomic(src.string(), (cdir / ("support-" + src.filename().string())).string());
                ++rep.supports;
            }
            for (const auto& r : read_samples(root, c)) {
                if (r.status == "rejected" || (r.status == "new" && !include_undecided)) continue;
                if (ctx) ctx->throw_if_cancelled();
                fs::path src = fs::path(root) / r.file;
                if (!fs::exists(src, ec)) continue;
                copy_file_atomic(src.string(), (cdir / src.filename()).string());
                ++rep.synthetic;
            }
            if (ctx) ctx->report({"export_dataset", rep.supports + rep.synthetic, 0, std::nan(""), c.name});
        }
        if (fs::exists(out, ec)) fs::remove(out, ec);  // the empty folder the user chose
        fs::rename(tmp, out, ec);
        if (ec) throw Error("cannot move the export into '" + out_dir + "': " + ec.message());
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    rep.images = rep.supports + rep.synthetic;
    return rep;
}

std::pair<double, double> wilson_interval(double p, long long n) {
    if (n <= 0) return {0.0, 1.0};
    const double z = 1.959963984540054, nn = static_cast<double>(n);
    const double d = 1 + z * z / nn;
    const double c = (p + z * z / (2 * nn)) / d;
    const double h = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / d;
    return {std::max(0.0, c - h), std::min(1.0, c + h)};
}

std::string model_card_markdown(const std::string& root, const ProjectData& project, const std::string& run_id) {
    std::vector<std::string> problems;
    const RunSummary* run = nullptr;
    auto runs             = list_runs(root, &problems);
    for (const auto& r : runs)
        if (r.id == run_id) run = &r;
    if (!run) throw Error("the project has no run '" + run_id + "'");
    if (!run->has_student) throw Error("the run '" + run_id + "' has no trained student yet");
    const DistillSpec& s = run->spec;
    std::ostringstream md;
    auto pct = [](double v) {
        char b[32];
        std::snprintf(b, sizeof b, "%.1f %%", 100.0 * v);
        return std::string(b);
    };
    md << "# " << project.name << " — " << s.student << " student\n\n";
    // The run's classes, in the order of the student's outputs; the counts are today's.
    std::vector<std::string> names = run->class_names;
    if (names.empty())
        for (const auto& c : project.classes) names.push_back(c.name);
    md << "Image classifier for " << names.size() << " classes, made with TINT Workbench (run `" << run_id
       << "`).\n\n## Classes and data\n\n| class | support images | synthetic accepted | rejected | undecided |\n|---|---|---|---|---|\n";
    for (const auto& name : names) {
        const ClassEntry* c = nullptr;
        for (const auto& pc : project.classes)
            if (pc.name == name) c = &pc;
        if (!c) {
            md << "| " << name << " | – | – | – | – |\n";  // removed from the project since
            continue;
        }
        int acc = 0, rej = 0, und = 0;
        for (const auto& r : read_samples(root, *c)) (r.status == "accepted" ? acc : r.status == "rejected" ? rej : und)++;
        md << "| " << c->name << " | " << c->supports.size() << " | " << acc << " | " << rej << " | " << und << " |\n";
    }
    std::vector<std::string> sources = {"supports"};
    if (s.use_synthetic) sources.push_back("synthetic images not rejected");
    if (s.classic_per_class > 0) sources.push_back(std::to_string(s.classic_per_class) + " classic augmentations per class");
    md << "\nTraining images: " << run->train_images << " (" << join(sources) << ").";
    if (s.use_synthetic && !project.models.generator_dir.empty()) md << " Generator: `" << project.models.generator_dir << "`.";
    md << "\n\n## Teacher\n\n`" << s.teacher_dir << "` with a " << (s.head == "prototype" ? "cosine-prototype" : "logistic-regression")
       << " head fitted on the support images; its probabilities at temperature " << s.temperature
       << " are the soft labels.\n\n## Student\n\n" << s.student << " (width ×" << s.width << "), input " << s.input_size << "×"
       << s.input_size << " RGB, " << (run->history.empty() ? 0 : run->history.back().epoch) << " of " << s.epochs
       << " epochs, batch " << s.batch_size << ", learning rate " << s.lr << ", cross-entropy weight α = " << s.alpha
       << ", seed " << s.seed << ".";
    // How the student was trained beyond the defaults, so that the card describes the run.
    std::vector<std::string> recipe;
    if (s.student_init == "imagenet") recipe.push_back("started from the built-in ImageNet MobileNetV2's weights");
    if (s.stage_match_epochs > 0)
        recipe.push_back(std::to_string(s.stage_match_epochs) + " passes of stage matching to the full ImageNet network");
    if (s.feature_weight > 0.0) {
        std::ostringstream f;
        f << "feature matching to the teacher (weight " << s.feature_weight << ")";
        recipe.push_back(f.str());
    }
    if (s.train_augment) {
        std::ostringstream a;
        a << "on-the-fly augmentation (random resized crop of " << s.crop_min * 100.0 << "–100 % of the image, flip, colour jitter)";
        recipe.push_back(a.str());
    } else {
        recipe.push_back("no on-the-fly augmentation");
    }
    if (s.teacher_features == "logits") recipe.push_back("the teacher's head on its ImageNet logits");
    if (s.teacher_finetune_blocks > 0)
        recipe.push_back("the teacher's last " + std::to_string(s.teacher_finetune_blocks) + " blocks fine-tuned on the supports (" +
                         std::to_string(s.teacher_finetune_steps) + " steps)");
    md << " Training: " << join(recipe, "; ") << ".\n\n## Accuracy\n\n";
    if (run->accuracy() >= 0) {
        long long n = 0;
        for (const auto& row : run->history.back().confusion)
            for (auto v : row) n += v;
        auto [lo, hi] = wilson_interval(run->accuracy(), n);
        md << "On the validation folder `" << s.validation_dir << "` (" << n << " images): **" << pct(run->accuracy())
           << "** (95 % interval " << pct(lo) << " – " << pct(hi) << ", Wilson).";
        if (run->teacher_accuracy >= 0) md << " The teacher: " << pct(run->teacher_accuracy) << ".";
        if (run->history.back().agreement >= 0) md << " Agreement with the teacher: " << pct(run->history.back().agreement) << ".";
        md << "\n";
    } else {
        md << "Not measured: the run had no validation folder.\n";
    }
    const distill::Normalization norm;
    md << "\n## Preprocessing\n\nRGB, resize the shorter side and centre-crop to " << s.input_size << "×" << s.input_size
       << ", scale to [0, 1], subtract mean (" << norm.mean[0] << ", " << norm.mean[1] << ", " << norm.mean[2]
       << ") and divide by std (" << norm.std[0] << ", " << norm.std[1] << ", " << norm.std[2]
       << "), NCHW float32. The ONNX file (opset 13) carries the same values and the class names in its metadata; "
          "the output is one logit per class, in this order: ";
    md << join(names) << ".\n";
    return md.str();
}

void write_model_card(const std::string& root, const ProjectData& project, const std::string& run_id,
                      const std::string& out_file) {
    const std::string text = model_card_markdown(root, project, run_id);
    check_output_folder(out_file);
    write_file_atomic(out_file, text);
}

}  // namespace tint
