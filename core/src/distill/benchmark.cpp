// The few-shot benchmark (tint/Benchmark.h). Teacher features of every photo are computed once;
// per episode only the head, the classic images, their soft labels and the two students are new.
#include "tint/Benchmark.h"

#include <nlohmann/json.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include <unistd.h>

#include "distill/classic_generator.h"
#include "distill/evaluation.h"
#include "distill/heads.h"
#include "distill/kd_trainer.h"
#include "distill/teacher.h"
#include "distill/teacher_finetune.h"
#include "export/onnx_export.h"
#include "nn/students.h"
#include "runtime/seed.h"
#include "tint/Error.h"
#include "tint/Log.h"
#include "tint/Image.h"
#include "tint/JobContext.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace tint {

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string duration_text(double s) {
    if (!std::isfinite(s) || s < 0) return "?";
    const long long t = std::llround(s);
    char buf[48];
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%lld h %02lld min", t / 3600, (t % 3600) / 60);
    else if (t >= 60) std::snprintf(buf, sizeof buf, "%lld min %02lld s", t / 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%lld s", t);
    return buf;
}

// Gives the work inside an episode its own cancel token: the trainer stops an epoch early on
// "after the current item", but the benchmark's item is the whole episode, so only "now" is passed
// on (at every report, i.e. every training step). Progress is rescaled to the whole benchmark.
class EpisodeContext : public JobContext {
public:
    EpisodeContext(JobContext& outer, int episodes, Clock::time_point start)
        : outer_(outer), episodes_(episodes), start_(start) {}
    void set_phase(int episode, double from, double to, std::string label) {
        episode_ = episode;
        from_    = from;
        to_      = to;
        label_   = std::move(label);
        forward({});
    }
    void report(const Progress& p) override {
        if (outer_.cancel().mode() == CancelMode::Now) inner_.request(CancelMode::Now);
        forward(p);
    }
    const CancelToken& cancel() const override {
        if (outer_.cancel().mode() == CancelMode::Now) inner_.request(CancelMode::Now);
        token_ = inner_.token();
        return token_;
    }

private:
    void forward(const Progress& p) {
        const double within = p.total > 0 ? static_cast<double>(p.step) / static_cast<double>(p.total) : 0.0;
        const double done   = (episode_ + from_ + (to_ - from_) * within) / episodes_;
        const double spent  = seconds_since(start_);
        Progress out;
        out.stage = "benchmark";
        out.step  = episode_;
        out.total = episodes_;
        out.loss  = p.loss;
        char buf[160];
        std::snprintf(buf, sizeof buf, "episode %d/%d, %s%s, %.0f %%, ETA %s", episode_ + 1, episodes_, label_.c_str(),
                      p.total > 0 ? (" " + std::to_string(p.step) + "/" + std::to_string(p.total)).c_str() : "",
                      100.0 * done, done > 0.002 ? duration_text(spent / done * (1.0 - done)).c_str() : "?");
        out.message = buf;
        outer_.report(out);
    }

    JobContext& outer_;
    int episodes_;
    Clock::time_point start_;
    mutable CancelSource inner_;
    mutable CancelToken token_;
    int episode_ = 0;
    double from_ = 0, to_ = 1;
    std::string label_;
};

// queries: what each episode had; max_queries: what the data allows (N times the queries per
// class of the smallest class); n_way: episodes have a multiple of it.
void fill_statistics(BenchmarkArm& arm, std::int64_t queries, std::int64_t max_queries, std::int64_t n_way, double target) {
    if (arm.accuracies.empty()) return;
    double sum = 0;
    for (double a : arm.accuracies) sum += a;
    arm.mean = sum / static_cast<double>(arm.accuracies.size());
    if (arm.accuracies.size() < 2) return;
    const auto st  = distill::episode_statistics(arm.accuracies, queries);
    arm.half_width = st.half_width;
    arm.lower      = st.lower;
    arm.upper      = st.upper;
    arm.sigma2     = st.sigma2;
    const auto plan     = distill::recommend_episodes(st.mean, st.sigma2, target, max_queries, 0.001, 2, n_way);
    arm.plan_episodes   = plan.episodes;
    arm.plan_queries    = plan.queries;
    arm.plan_half_width = plan.half_width;
}

torch::Tensor one_hot(const std::vector<std::int64_t>& labels, std::int64_t C) {
    auto t = torch::zeros({static_cast<std::int64_t>(labels.size()), C});
    for (std::size_t i = 0; i < labels.size(); ++i) t[static_cast<std::int64_t>(i)][labels[i]] = 1.0;
    return t;
}

double accuracy_of(const torch::Tensor& logits, const std::vector<std::int64_t>& labels) {
    auto pred = logits.argmax(1);
    return (pred == torch::tensor(labels, torch::kInt64)).to(torch::kFloat64).mean().item<double>();
}

}  // namespace

BenchmarkResult run_benchmark(const BenchmarkSpec& spec, BenchmarkEvents& events, JobContext& ctx) {
    const auto t_start = Clock::now();
    if (spec.episodes < 1 || spec.n_way < 2 || spec.k_shot < 1 || spec.queries < 0)
        throw Error("benchmark: need at least one episode, two classes, one support and no negative query count");
    if (spec.epochs < 1 || spec.batch_size < 1 || spec.input_size < 16)
        throw Error("benchmark: epochs and batch size must be positive and the input size at least 16 pixels");
    if (spec.teacher_features != "pooled" && spec.teacher_features != "logits")
        throw Error("benchmark: unknown teacher features '" + spec.teacher_features + "' (pooled or logits)");
    if (spec.train_distilled && spec.classic_per_class < 0) throw Error("benchmark: --classic must not be negative");
    distill::check_feature_weight(spec.feature_weight, "benchmark");
    distill::check_stage_match(spec.stage_match_epochs, spec.student, spec.student_init, "benchmark");
    if (!(spec.crop_min > 0 && spec.crop_min <= 1))
        throw Error("benchmark: the smallest training crop must be a fraction of the image in (0, 1]");
    if (!(spec.target_half_width >= 1e-4 && spec.target_half_width < 1))
        throw Error("benchmark: the target half-width of the interval must be at least 0.0001 and below 1 (e.g. 0.02 for +- 2 points)");
    if (!(std::isfinite(spec.temperature) && spec.temperature > 0.0))
        throw Error("benchmark: the distillation temperature must be a positive number");
    if (!(std::isfinite(spec.alpha) && spec.alpha >= 0.0))
        throw Error("benchmark: the cross-entropy weight must be zero or positive");
    if (!(std::isfinite(spec.lr) && spec.lr > 0.0)) throw Error("benchmark: the learning rate must be a positive number");

    distill::EpisodeSampler sampler(spec.data_dir);
    std::size_t smallest = 0;
    int eligible         = 0;
    for (const auto& f : sampler.files())
        if (static_cast<int>(f.size()) > spec.k_shot) ++eligible;
    if (eligible < spec.n_way)
        throw Error("benchmark: '" + spec.data_dir + "' has " + std::to_string(eligible) + " classes with more than " +
                    std::to_string(spec.k_shot) + " images; " + std::to_string(spec.n_way) + " are needed");
    {  // the n_way-th largest class decides how many queries every episode can have
        std::vector<std::size_t> sizes;
        for (const auto& f : sampler.files()) sizes.push_back(f.size());
        std::sort(sizes.rbegin(), sizes.rend());
        smallest = sizes[static_cast<std::size_t>(spec.n_way - 1)];
    }
    const int q_max = static_cast<int>(smallest) - spec.k_shot;
    const int q     = spec.queries == 0 ? q_max : spec.queries;
    if (q < 1 || q > q_max)
        throw Error("benchmark: " + std::to_string(q) + " queries per class asked, at most " + std::to_string(q_max) +
                    " possible with " + std::to_string(spec.k_shot) + " supports");

    BenchmarkResult result;
    result.queries_per_episode = static_cast<long long>(spec.n_way) * q;
    BenchmarkArm teacher_arm, small_arm, sup_arm, kd_arm;
    teacher_arm.name = "teacher";
    small_arm.name   = "teacher at student size";
    sup_arm.name     = "supervised student";
    kd_arm.name      = "distilled student";

    // Teacher features and student input pixels of every photo, once.
    distill::TeacherOptions topt;
    topt.imagenet_logits = spec.teacher_features == "logits";
    ctx.report({"teacher", 0, 0, std::nan(""), spec.teacher_dir});
    auto teacher = distill::load_teacher(spec.teacher_dir, topt, &ctx);
    teacher->check_fine_tune_blocks(spec.teacher_finetune_blocks, /*zero_means_off=*/true);
    std::vector<std::string> all_files;
    for (const auto& f : sampler.files()) all_files.insert(all_files.end(), f.begin(), f.end());
    std::map<std::string, std::int64_t> row;
    std::vector<ImageU8> images;
    std::vector<cv::Mat> mats;
    for (const auto& f : all_files) {
        row[f] = static_cast<std::int64_t>(images.size());
        images.push_back(load_image_rgb(f));
        mats.push_back(distill::to_mat(images.back()));
    }
    events.message(std::to_string(all_files.size()) + " photos in " + std::to_string(sampler.classes().size()) +
                   " classes; teacher features (" + distill::teacher_kind_name(teacher->kind()) + ", " + spec.teacher_features +
                   ", " + std::to_string(teacher->feature_dim()) + "-d)");
    const torch::Tensor features = teacher->features(images, &ctx);
    // What the student sees of every photo, and the teacher's features of exactly that (its own
    // preprocessing enlarges it again).
    const auto views = distill::evaluation_views(mats, spec.input_size);
    mats.clear();
    std::vector<ImageU8> view_images;
    for (const auto& v : views) view_images.push_back(distill::to_image(v));
    const torch::Tensor view_features = teacher->features(view_images, &ctx);
    const distill::Normalization norm;  // the trainer's default
    const torch::Tensor pixels = distill::normalized_pixels(views, norm);

    fs::path work = spec.work_dir.empty()
                        ? fs::temp_directory_path() / ("tintbench-benchmark-" + std::to_string(::getpid()))
                        : fs::path(spec.work_dir);
    std::error_code ec;
    const bool own_work = spec.work_dir.empty();
    struct Cleanup {
        fs::path p;
        bool on;
        ~Cleanup() {
            std::error_code e;
            if (on) fs::remove_all(p, e);
        }
    } cleanup{work, own_work};

    EpisodeContext ectx(ctx, spec.episodes, Clock::now());
    std::shared_ptr<nn::StudentImpl> last_student;
    const double sup_share = spec.train_supervised ? (spec.train_distilled ? 0.45 : 0.9) : 0.0;
    for (int e = 0; e < spec.episodes; ++e) {
        if (ctx.cancel().mode() == CancelMode::Now) throw Cancelled();
        if (ctx.cancel().mode() == CancelMode::AfterCurrentItem) {
            result.stopped_early = true;
            break;
        }
        const auto t_ep = Clock::now();
        const auto ep   = sampler.sample(spec.n_way, spec.k_shot, q, spec.seed, static_cast<std::uint64_t>(e));
        const auto C    = static_cast<std::int64_t>(ep.classes.size());
        BenchmarkEpisode out;
        out.index   = e;
        out.classes = ep.classes;

        auto rows = [&](const std::vector<std::string>& files) {
            std::vector<std::int64_t> r;
            for (const auto& f : files) r.push_back(row.at(f));
            return torch::tensor(r, torch::kInt64);
        };
        const torch::Tensor s_rows = rows(ep.support_files), q_rows = rows(ep.query_files);

        // (a) the teacher: optionally its last blocks fine-tuned on the supports (undone after the
        // episode), its head fitted on the supports.
        torch::Tensor ep_features = features, ep_view_features = view_features;
        struct TailGuard {
            distill::Teacher* t = nullptr;
            std::vector<std::pair<std::string, torch::Tensor>> saved;
            ~TailGuard() {
                if (!t) return;
                try {
                    distill::restore_tail(*t, saved);
                } catch (const std::exception& ex) {  // a destructor must not throw
                    log::error("tint.distill", std::string("benchmark: the teacher could not be restored: ") + ex.what());
                }
            }
        } tail_guard;
        if (spec.teacher_finetune_blocks > 0) {
            ectx.set_phase(e, 0.0, 0.05, "teacher fine-tuning");
            tail_guard.saved = distill::snapshot_tail(*teacher, spec.teacher_finetune_blocks);
            tail_guard.t     = teacher.get();
            std::vector<ImageU8> support_images;
            for (const auto& f : ep.support_files) support_images.push_back(images[static_cast<std::size_t>(row.at(f))]);
            distill::TeacherFineTuneOptions fo;
            fo.blocks = spec.teacher_finetune_blocks;
            fo.steps  = spec.teacher_finetune_steps;
            fo.seed   = mix_seed(spec.seed, static_cast<std::uint64_t>(e), 0xf17eULL);
            distill::fine_tune_teacher(*teacher, support_images, ep.support_labels, C, fo, &ectx);
            ep_features      = teacher->features(images, &ectx);
            ep_view_features = teacher->features(view_images, &ectx);
        }
        ectx.set_phase(e, 0.0, 0.05, "teacher head");
        auto fit_head = [&](const torch::Tensor& f) {
            auto h = distill::make_head(spec.head);
            h->fit(f.index_select(0, s_rows), torch::tensor(ep.support_labels, torch::kInt64), C);
            return h;
        };
        auto head   = fit_head(ep_features);
        const torch::Tensor q_features      = ep_features.index_select(0, q_rows);
        const torch::Tensor q_view_features = ep_view_features.index_select(0, q_rows);
        out.teacher = accuracy_of(head->logits(q_features), ep.query_labels);
        out.teacher_student_size = accuracy_of(fit_head(ep_view_features)->logits(q_view_features), ep.query_labels);
        out.teacher_student_size_feature_cosine = distill::mean_cosine(q_view_features, q_features);
        const torch::Tensor q_pixels = pixels.index_select(0, q_rows);

        distill::KdOptions base;
        base.student          = spec.student;
        base.student_width    = spec.width;
        base.student_init     = spec.student_init;
        base.student_init_dir = spec.student_init_dir.empty() ? spec.teacher_dir : spec.student_init_dir;
        base.freeze_batchnorm = spec.student_init == "imagenet";
        base.stage_match_epochs = spec.stage_match_epochs;
        base.input_size       = spec.input_size;
        base.augment.crop.scale_min = spec.crop_min;
        base.batch_size       = spec.batch_size;
        base.epochs           = spec.epochs;
        base.lr               = spec.lr;
        base.normalization    = norm;
        base.preload_images   = true;
        base.seed             = mix_seed(spec.seed, static_cast<std::uint64_t>(e), 0x5eedULL);  // same start for both students

        // The distilled student's data: supports and classic images, labelled by the teacher.
        distill::KdData kd;
        kd.class_names = ep.classes;
        kd.files       = ep.support_files;
        kd.labels      = ep.support_labels;
        if (spec.train_distilled && spec.classic_per_class > 0) {
            ectx.set_phase(e, 0.05, 0.1, "classic images");
            const fs::path dir = work / ("episode-" + std::to_string(e));
            fs::remove_all(dir, ec);
            std::vector<distill::ClassSupport> cs(static_cast<std::size_t>(C));
            for (std::size_t i = 0; i < ep.support_files.size(); ++i) {
                auto& c = cs[static_cast<std::size_t>(ep.support_labels[i])];
                c.name  = ep.classes[static_cast<std::size_t>(ep.support_labels[i])];
                c.images.push_back(ep.support_files[i]);
            }
            distill::ClassicGeneratorOptions go;
            go.per_class = spec.classic_per_class;
            go.seed      = mix_seed(spec.seed, static_cast<std::uint64_t>(e), 0xc1a5ULL);
            go.max_side  = distill::classic_side_for_student(spec.input_size);
            for (const auto& g : distill::generate_classic(cs, dir.string(), go, ectx)) {
                kd.files.push_back(g.path);
                for (std::int64_t c = 0; c < C; ++c)
                    if (ep.classes[static_cast<std::size_t>(c)] == g.class_name) kd.labels.push_back(c);
            }
        }
        const auto n_kd = static_cast<std::int64_t>(kd.files.size());

        // (b) the supervised student: supports only, hard labels (one-hot targets at T = 1: the
        // distillation loss is then the cross-entropy), repeated so that an epoch has as many
        // images (and steps) as the distilled student's.
        if (spec.train_supervised) {
            distill::KdData sup;
            sup.class_names = ep.classes;
            const std::size_t reps = (static_cast<std::size_t>(n_kd) + ep.support_files.size() - 1) / ep.support_files.size();
            for (std::size_t r = 0; r < reps; ++r) {
                sup.files.insert(sup.files.end(), ep.support_files.begin(), ep.support_files.end());
                sup.labels.insert(sup.labels.end(), ep.support_labels.begin(), ep.support_labels.end());
            }
            sup.teacher_probs = one_hot(sup.labels, C);
            distill::KdOptions o = base;
            o.temperature        = 1.0;
            o.alpha              = 0.0;
            ectx.set_phase(e, 0.1, 0.1 + sup_share, "supervised student");
            auto r       = distill::train_kd(sup, o, &ectx);
            out.supervised = accuracy_of(distill::student_logits(*r.student, q_pixels), ep.query_labels);
            last_student = r.student;
        }

        // (c) the distilled student: T^2 KL on the teacher's probabilities (+ alpha CE).
        if (spec.train_distilled) {
            ectx.set_phase(e, 0.1 + sup_share, 0.15 + sup_share, "soft labels");
            std::vector<ImageU8> extra;
            for (std::int64_t i = static_cast<std::int64_t>(ep.support_files.size()); i < n_kd; ++i)
                extra.push_back(load_image_rgb(kd.files[static_cast<std::size_t>(i)]));
            torch::Tensor f = ep_features.index_select(0, s_rows);
            if (!extra.empty()) f = torch::cat({f, teacher->features(extra, &ectx)}, 0);
            kd.teacher_probs     = head->predict_proba(f).to(torch::kFloat32);
            if (spec.feature_weight > 0.0) kd.teacher_features = f.to(torch::kFloat32);
            distill::KdOptions o = base;
            o.temperature        = spec.temperature;
            o.alpha              = spec.alpha;
            o.feature_weight     = spec.feature_weight;
            if (!spec.distilled_augment) o.augment.turn_off();
            ectx.set_phase(e, 0.15 + sup_share, 1.0, "distilled student");
            auto r        = distill::train_kd(kd, o, &ectx);
            out.distilled = accuracy_of(distill::student_logits(*r.student, q_pixels), ep.query_labels);
            if (r.student->feature_dim() == q_features.size(1))
                out.distilled_feature_cosine = distill::mean_cosine(distill::student_features(*r.student, q_pixels), q_features);
            last_student  = r.student;
        }
        fs::remove_all(work / ("episode-" + std::to_string(e)), ec);

        out.seconds = seconds_since(t_ep);
        teacher_arm.accuracies.push_back(out.teacher);
        small_arm.accuracies.push_back(out.teacher_student_size);
        if (out.supervised >= 0) sup_arm.accuracies.push_back(out.supervised);
        if (out.distilled >= 0) kd_arm.accuracies.push_back(out.distilled);
        result.episodes.push_back(out);
        result.episodes_done = e + 1;
        events.episode(out);
    }

    for (auto* arm : {&teacher_arm, &small_arm, &sup_arm, &kd_arm}) {
        fill_statistics(*arm, result.queries_per_episode, static_cast<std::int64_t>(spec.n_way) * q_max, spec.n_way,
                        spec.target_half_width);
        if (arm == &teacher_arm || arm == &small_arm || !arm->accuracies.empty()) result.arms.push_back(*arm);
    }

    // The student's size and its inference time as ONNX in OpenCV dnn (batch 1).
    if (last_student) {
        for (const auto& p : last_student->parameters()) result.student_parameters += p.numel();
        if (spec.onnx_runs > 0) {
            ctx.report({"benchmark", result.episodes_done, spec.episodes, std::nan(""), "ONNX export and timing"});
            fs::create_directories(work, ec);
            exporter::OnnxExportOptions xo;
            xo.input_width = xo.input_height = spec.input_size;
            for (const auto& c : result.episodes.back().classes) xo.class_names.push_back(c);
            xo.sample_images = pixels.narrow(0, 0, std::min<std::int64_t>(8, pixels.size(0)));
            const auto path  = (work / "student.onnx").string();
            auto xr          = exporter::export_onnx(*last_student, path, xo);
            result.onnx_max_abs_diff = xr.max_abs_diff;
            result.onnx_file_size    = xr.file_size;
            auto net = cv::dnn::readNetFromONNX(path);
            cv::Mat blob({1, 3, spec.input_size, spec.input_size}, CV_32F);
            std::memcpy(blob.ptr<float>(), pixels[0].contiguous().data_ptr<float>(),
                        sizeof(float) * 3 * spec.input_size * spec.input_size);
            std::vector<double> ms;
            for (int i = 0; i < spec.onnx_runs + 20; ++i) {
                if (i % 20 == 0) ctx.throw_if_cancelled();
                const auto t0 = Clock::now();
                net.setInput(blob);
                cv::Mat o = net.forward();
                if (i >= 20) ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
            std::sort(ms.begin(), ms.end());
            result.onnx_ms_per_image = ms[ms.size() / 2];
            fs::remove(path, ec);
        }
    }
    result.seconds = seconds_since(t_start);
    return result;
}

std::string benchmark_json(const BenchmarkSpec& s, const BenchmarkResult& r) {
    nlohmann::json spec{{"data_dir", s.data_dir}, {"teacher_dir", s.teacher_dir}, {"teacher_features", s.teacher_features},
                        {"teacher_finetune_blocks", s.teacher_finetune_blocks}, {"crop_min", s.crop_min}, {"teacher_finetune_steps", s.teacher_finetune_steps},
                        {"head", s.head}, {"student", s.student}, {"width", s.width}, {"student_init", s.student_init},
                        {"input_size", s.input_size}, {"epochs", s.epochs}, {"batch_size", s.batch_size}, {"lr", s.lr},
                        {"temperature", s.temperature}, {"alpha", s.alpha}, {"feature_weight", s.feature_weight}, {"stage_match_epochs", s.stage_match_epochs}, {"distilled_augment", s.distilled_augment}, {"n_way", s.n_way}, {"k_shot", s.k_shot},
                        {"queries_per_class", s.queries}, {"episodes", s.episodes}, {"classic_per_class", s.classic_per_class},
                        {"seed", s.seed}, {"target_half_width", s.target_half_width}};
    nlohmann::json arms = nlohmann::json::array();
    for (const auto& a : r.arms)
        arms.push_back({{"name", a.name}, {"accuracies", a.accuracies}, {"mean", a.mean}, {"half_width", a.half_width},
                        {"lower", a.lower}, {"upper", a.upper}, {"sigma2", a.sigma2},
                        {"plan", {{"episodes", a.plan_episodes}, {"queries", a.plan_queries}, {"half_width", a.plan_half_width}}}});
    nlohmann::json eps = nlohmann::json::array();
    for (const auto& e : r.episodes) {
        nlohmann::json one{{"index", e.index}, {"classes", e.classes}, {"teacher", e.teacher},
                           {"teacher_student_size", e.teacher_student_size}, {"supervised", e.supervised},
                           {"distilled", e.distilled}, {"seconds", e.seconds}};
        if (e.distilled_feature_cosine) one["distilled_feature_cosine"] = *e.distilled_feature_cosine;
        if (e.teacher_student_size_feature_cosine)
            one["teacher_student_size_feature_cosine"] = *e.teacher_student_size_feature_cosine;
        eps.push_back(std::move(one));
    }
    return nlohmann::json{{"spec", spec},
                          {"episodes_done", r.episodes_done},
                          {"queries_per_episode", r.queries_per_episode},
                          {"arms", arms},
                          {"episodes", eps},
                          {"student_parameters", r.student_parameters},
                          {"onnx", {{"ms_per_image", r.onnx_ms_per_image}, {"input_size", s.input_size},
                                    {"file_size", r.onnx_file_size}, {"max_abs_diff", r.onnx_max_abs_diff}}},
                          {"seconds", r.seconds},
                          {"stopped_early", r.stopped_early}}
        .dump(2);
}

}  // namespace tint
