// tintbench-cli: the engine without a GUI (core library only; no Qt).
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <tuple>
#include <map>
#include <vector>

#include <unistd.h>

#include "tint/Benchmark.h"
#include "tint/Distill.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Generate.h"
#include "tint/Image.h"
#include "tint/JobContext.h"
#include "tint/Log.h"
#include "tint/Workflow.h"
#include "tint/Project.h"
#include "tint/Runtime.h"
#include "tint/Tint.h"

namespace {

tint::CancelSource g_cancel;
// benchmark: the first Ctrl-C finishes the running episode and prints the statistics so far.
std::atomic<bool> g_stop_after_item{false};

extern "C" void on_sigint(int) {
    if (g_stop_after_item.load() && !g_cancel.token().requested()) {
        g_cancel.request(tint::CancelMode::AfterCurrentItem);
        static const char msg[] = "\nstopping after this episode (Ctrl-C again stops now)\n";
        [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
        return;
    }
    g_cancel.request(tint::CancelMode::Now);
}

// Progress on one terminal line, at most every 100 ms.
class ConsoleContext : public tint::JobContext {
public:
    explicit ConsoleContext(tint::CancelToken t) : token_(std::move(t)) {}
    void report(const tint::Progress& p) override {
        const auto now  = std::chrono::steady_clock::now();
        const bool last = p.total > 0 && p.step >= p.total;
        if (!last && p.stage == last_stage_ && now - last_print_ < std::chrono::milliseconds(100)) return;
        last_print_ = now;
        last_stage_ = p.stage;
        std::fprintf(stderr, "\r%s %lld/%lld %s\x1b[K", p.stage.c_str(), p.step, p.total, p.message.c_str());
        if (last) std::fprintf(stderr, "\n");
    }
    const tint::CancelToken& cancel() const override { return token_; }

private:
    tint::CancelToken token_;
    std::chrono::steady_clock::time_point last_print_{};
    std::string last_stage_;
};

int usage() {
    std::fprintf(stderr,
                 "usage: tintbench-cli <command> [options]\n"
                 "  --version                         print versions and exit\n"
                 "  new --project DIR [--name NAME]   create an empty project\n"
                 "  import --project DIR --class NAME FILE...   add support images to a class\n"
                 "  import --project DIR --folders ROOT          import a folder-per-class tree\n"
                 "  info --project DIR                show the classes and support images\n"
                 "  generate --model DIR --prompt TEXT [--negative TEXT] [--steps N] [--guidance G]\n"
                 "           [--seed S] [--size WxH] [--count N] [--device cpu|cuda] [--precision fp32|fp16|bf16]\n"
                 "           --out FILE.png         text to image (several images: FILE-1.png, FILE-2.png, ...)\n"
                 "  roundtrip --model DIR --image FILE --prompt TEXT [--steps N] [--guidance G] [--size WxH]\n"
                 "           --out FILE.png         DDIM-invert an image and sample it back; prints the PSNR\n"
                 "  invert --project DIR [--class NAME] [--model DIR] [--ti-steps N] [--steps N] [--resolution PX]\n"
                 "           [--seed S] [--early-stop] [--ti-batch N] [--nti-inner N] [--nti-lr X] [--force]\n"
                 "                                    textual inversion per class, then null-text inversion per support;\n"
                 "                                    resumes an interrupted run (Ctrl-C stops cleanly)\n"
                 "  synthesize --project DIR --per-class N [--class NAME] [--seed S] [--alpha A] [--batch N] [--size WxH]\n"
                 "                                    new images per class by TINT sampling into synthetic/<class>/\n"
                 "  export-token --project DIR --class NAME --out FILE [--format diffusers|webui]\n"
                 "                                    the learned token as an embedding file for other tools\n"
                 "  distill --project DIR [--teacher DIR] [--head logistic_regression|prototype] [--student conv4|resnet12|\n"
                 "           resnet18|mobilenetv2|mobilenetv2-short] [--width W] [--input-size PX] [--epochs N] [--batch N]\n"
                 "           [--lr X] [--classic N] [--no-synthetic] [--validation DIR] [--run ID] [--seed S]\n"
                 "           [--teacher-features pooled|logits] [--student-init imagenet]\n"
                 "           [--teacher-finetune BLOCKS] [--teacher-finetune-steps N] [--crop-min FRACTION]\n"
                 "           [--feature-weight B] [--no-augment] [--stage-match EPOCHS]\n"
                 "                                    train a student on the teacher's soft labels (runs/<id>/; resumes --run ID)\n"
                 "  export --project DIR --run ID --out FILE.onnx\n"
                 "                                    the run's student as ONNX, checked in OpenCV against LibTorch\n"
                 "  benchmark [--data DIR] [--episodes N] [--queries Q] [--student S] [--width W] [--student-init imagenet]\n"
                 "           [--epochs N] [--classic N] [--input-size PX] [--teacher DIR] [--teacher-features pooled|logits]\n"
                 "           [--head H] [--lr X] [--batch N] [--seed S] [--target HALF_WIDTH] [--out results.json]\n"
                 "           [--teacher-finetune BLOCKS] [--teacher-finetune-steps N] [--crop-min FRACTION]\n"
                 "           [--feature-weight B] [--no-augment] [--no-supervised] [--stage-match EPOCHS]\n"
                 "                                    5-way 5-shot episodes on a folder per class (default: the demo\n"
                 "                                    flowers): teacher, supervised and distilled student accuracy with\n"
                 "                                    95 %% intervals, and the student's ONNX time (Ctrl-C: finish the episode)\n"
                 "options for every command: --threads N\n");
    return 2;
}

struct Args {
    std::string command, project, name, cls, folders, model, prompt, negative, out, image, size, device = "cpu",
                                                                                      precision = "fp32";
    int steps = 25, count = 1, ti_steps = 5000, resolution = 0, per_class = 0, batch = 1, ti_batch = 1, nti_inner = 10;
    double alpha = 1.0, nti_lr = 1e-2;
    bool force = false, early_stop = false, steps_given = false;
    std::string format = "diffusers", teacher, head = "logistic_regression", student = "conv4", validation, run;
    std::string teacher_features = "pooled", student_init, data;
    int episodes = 10, queries = 0, finetune_blocks = 0, finetune_steps = 100;
    double target = 0.02;
    bool classic_given = false;
    double width = 1.0, lr = 1e-3, crop_min = 0.08, feature_weight = 0.0;
    bool no_supervised = false, no_augment = false;
    int input_size = 84, epochs = 30, classic = 0, stage_match = 0;
    bool no_synthetic = false, batch_given = false;
    double guidance = 7.5;
    unsigned long long seed = 0;
    int threads = 0;
    std::vector<std::string> files;
};

bool parse(int argc, char** argv, Args& a) {
    if (argc < 2) return false;
    a.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        auto value    = [&](std::string& out) {
            if (i + 1 >= argc) throw tint::Error("option " + s + " needs a value");
            out = argv[++i];
        };
        if (s == "--project") value(a.project);
        else if (s == "--name") value(a.name);
        else if (s == "--class") value(a.cls);
        else if (s == "--folders") value(a.folders);
        else if (s == "--model") value(a.model);
        else if (s == "--prompt") value(a.prompt);
        else if (s == "--negative") value(a.negative);
        else if (s == "--out") value(a.out);
        else if (s == "--image") value(a.image);
        else if (s == "--size") value(a.size);
        else if (s == "--device") value(a.device);
        else if (s == "--precision") value(a.precision);
        else if (s == "--format") value(a.format);
        else if (s == "--teacher") value(a.teacher);
        else if (s == "--head") value(a.head);
        else if (s == "--student") value(a.student);
        else if (s == "--validation") value(a.validation);
        else if (s == "--run") value(a.run);
        else if (s == "--teacher-features") value(a.teacher_features);
        else if (s == "--student-init") value(a.student_init);
        else if (s == "--data") value(a.data);
        else if (s == "--no-synthetic") a.no_synthetic = true;
        else if (s == "--no-supervised") a.no_supervised = true;
        else if (s == "--no-augment") a.no_augment = true;
        else if (s == "--width" || s == "--lr" || s == "--input-size" || s == "--epochs" || s == "--classic" ||
                 s == "--episodes" || s == "--queries" || s == "--target" || s == "--teacher-finetune" ||
                 s == "--teacher-finetune-steps" || s == "--crop-min" || s == "--feature-weight" || s == "--stage-match") {
            std::string v;
            value(v);
            try {
                std::size_t used = 0;
                if (s == "--width") a.width = std::stod(v, &used);
                else if (s == "--lr") a.lr = std::stod(v, &used);
                else if (s == "--target") a.target = std::stod(v, &used);
                else if (s == "--crop-min") a.crop_min = std::stod(v, &used);
                else if (s == "--feature-weight") a.feature_weight = std::stod(v, &used);
                else {
                    int n = std::stoi(v, &used);
                    if (s == "--input-size") a.input_size = n;
                    else if (s == "--epochs") a.epochs = n;
                    else if (s == "--episodes") a.episodes = n;
                    else if (s == "--queries") a.queries = n;
                    else if (s == "--teacher-finetune") a.finetune_blocks = n;
                    else if (s == "--teacher-finetune-steps") a.finetune_steps = n;
                    else if (s == "--stage-match") a.stage_match = n;
                    else a.classic = n, a.classic_given = true;
                }
                if (used != v.size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw tint::Error("option " + s + " needs a number, not '" + v + "'");
            }
        }
        else if (s == "--force") a.force = true;
        else if (s == "--early-stop") a.early_stop = true;
        else if (s == "--ti-steps" || s == "--resolution" || s == "--per-class" || s == "--batch" || s == "--ti-batch" ||
                 s == "--nti-inner" || s == "--alpha" || s == "--nti-lr") {
            std::string v;
            value(v);
            try {
                std::size_t used = 0;
                if (s == "--alpha") a.alpha = std::stod(v, &used);
                else if (s == "--nti-lr") a.nti_lr = std::stod(v, &used);
                else {
                    int n = std::stoi(v, &used);
                    if (s == "--ti-steps") a.ti_steps = n;
                    else if (s == "--resolution") a.resolution = n;
                    else if (s == "--per-class") a.per_class = n;
                    else if (s == "--batch") a.batch = n, a.batch_given = true;
                    else if (s == "--ti-batch") a.ti_batch = n;
                    else a.nti_inner = n;
                }
                if (used != v.size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw tint::Error("option " + s + " needs a number, not '" + v + "'");
            }
        }
        else if (s == "--steps" || s == "--count" || s == "--guidance" || s == "--seed") {
            std::string v;
            value(v);
            try {
                std::size_t used = 0;
                if (s == "--steps") a.steps = std::stoi(v, &used), a.steps_given = true;
                else if (s == "--count") a.count = std::stoi(v, &used);
                else if (s == "--guidance") a.guidance = std::stod(v, &used);
                else if (v.empty() || v[0] < '0' || v[0] > '9') throw std::invalid_argument("not a whole number");  // stoull takes "-1"
                else a.seed = std::stoull(v, &used);
                if (used != v.size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw tint::Error("option " + s + " needs a number, not '" + v + "'");
            }
        }
        else if (s == "--threads") {
            std::string v;
            value(v);
            try {
                std::size_t used = 0;
                a.threads = std::stoi(v, &used);
                if (used != v.size() || a.threads < 1) throw std::invalid_argument("not a positive whole number");
            } catch (const std::exception&) {
                throw tint::Error("option --threads needs a positive whole number, not '" + v + "'");
            }
        } else if (s.rfind("--", 0) == 0) throw tint::Error("unknown option " + s);
        else a.files.push_back(s);
    }
    return true;
}

// What the user watches, printed line by line.
class ConsoleEvents : public tint::TintEvents {
public:
    void textual_inversion_step(const std::string& cls, int step, int total, double loss) override {
        smoothed_ = step == 1 ? loss : 0.98 * smoothed_ + 0.02 * loss;
        if (step % 50 == 0 || step == total)
            std::printf("\r[%s] textual inversion %d/%d  loss %.5f (smoothed %.5f)\x1b[K\n", cls.c_str(), step, total, loss, smoothed_);
    }
    void token_neighbours(const std::string& cls, int step, const std::vector<tint::TokenNeighbour>& n) override {
        std::printf("\r[%s] step %d, nearest words:", cls.c_str(), step);
        for (const auto& w : n) std::printf(" %s (%.2f)", w.token.c_str(), w.similarity);
        std::printf("\x1b[K\n");
    }
    void null_text_step(const std::string& cls, int t, int total, const std::vector<double>& losses) override {
        std::printf("\r[%s] null-text inversion %d/%d  loss per support:", cls.c_str(), t, total);
        for (double l : losses) std::printf(" %.2e", l);
        std::printf("\x1b[K\n");
    }
    void reconstruction(const tint::ReconstructionEvent& e) override {
        std::printf("[%s] support %d: reconstruction PSNR %.2f dB with null-text inversion, %.2f dB with plain DDIM inversion\n",
                    e.class_dir.c_str(), e.support + 1, e.psnr_null_text, e.psnr_ddim);
    }
    void sample(const tint::SampleEvent& e) override {
        std::printf("\r[%s] wrote %s (support %d, %dx%d)\x1b[K\n", e.class_dir.c_str(), e.file.c_str(), e.support + 1,
                    e.image.width, e.image.height);
    }
    void message(const std::string& cls, const std::string& text) override { std::printf("[%s] %s\n", cls.c_str(), text.c_str()); }

private:
    double smoothed_ = 0;
};

tint::TintSettings tint_settings(const Args& a, const tint::Project& p) {
    tint::TintSettings s;
    s.model_dir = !a.model.empty() ? a.model : p.data().models.generator_dir;
    if (s.model_dir.empty())
        throw tint::Error("no generator model: pass --model DIR (a Stable Diffusion folder in diffusers layout) or set one in the project");
    s.device    = a.device;
    s.precision = a.precision;
    s.ti_steps  = a.ti_steps;
    if (a.steps_given) s.steps = a.steps;
    s.resolution      = a.resolution;
    s.seed            = a.seed;
    s.ti_early_stop   = a.early_stop;
    s.ti_batch        = a.ti_batch;
    s.nti_inner_steps = a.nti_inner;
    s.nti_lr          = a.nti_lr;
    return s;
}

// A folder shipped with the workbench: installed beside the program, or in the source tree of a
// build. Empty when neither exists.
std::string shipped(const std::string& relative) {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return tint::find_shipped(relative, ec ? std::string() : exe.parent_path().string(), TINT_SOURCE_RESOURCES);
}

// The ImageNet MobileNetV2 that ships with the workbench.
std::string shipped_teacher() {
    auto d = shipped("models/imagenet-mobilenetv2");
    if (d.empty()) throw tint::Error("no teacher: pass --teacher DIR (the built-in ImageNet MobileNetV2 was not found)");
    return d;
}

std::string student_init_dir(const Args& a) {
    if (a.student_init.empty()) return {};
    if (a.student_init != "imagenet") throw tint::Error("unknown --student-init '" + a.student_init + "' (imagenet)");
    return shipped_teacher();
}

// The settings distill and benchmark share (DistillSpec and BenchmarkSpec name them alike).
template <class Spec>
void set_training_options(Spec& spec, const Args& a) {
    spec.teacher_features        = a.teacher_features;
    spec.teacher_finetune_blocks = a.finetune_blocks;
    spec.teacher_finetune_steps  = a.finetune_steps;
    spec.head                    = a.head;
    spec.student                 = a.student;
    spec.width                   = a.width;
    spec.student_init            = a.student_init;
    spec.student_init_dir        = student_init_dir(a);
    spec.input_size              = a.input_size;
    spec.crop_min                = a.crop_min;
    spec.feature_weight          = a.feature_weight;
    spec.stage_match_epochs      = a.stage_match;
    spec.epochs                  = a.epochs;
    if (a.batch_given) spec.batch_size = a.batch;
    spec.lr                      = a.lr;
    spec.seed                    = a.seed;
}

// Refuses an output file whose folder is missing or not writable before hours of work, not after.
void check_output_writable(const std::string& file) {
    namespace fs = std::filesystem;
    tint::check_output_folder(file);
    const fs::path p(file);
    const fs::path dir   = p.has_parent_path() ? p.parent_path() : fs::path(".");
    const fs::path probe = dir / ("." + p.filename().string() + ".probe");
    {
        std::ofstream f(probe, std::ios::binary);
        if (!f) throw tint::Error("cannot write '" + file + "': the folder '" + dir.string() + "' is not writable");
    }
    std::error_code ec;
    fs::remove(probe, ec);
}

int run_benchmark(const Args& a, tint::JobContext& ctx) {
    if (!a.out.empty()) check_output_writable(a.out);
    tint::BenchmarkSpec spec;
    spec.data_dir = !a.data.empty() ? a.data : shipped("demo/flowers");
    if (spec.data_dir.empty()) throw tint::Error("benchmark needs --data DIR (a folder per class; the demo flowers were not found)");
    spec.teacher_dir       = !a.teacher.empty() ? a.teacher : shipped_teacher();
    set_training_options(spec, a);
    spec.episodes          = a.episodes;
    spec.queries           = a.queries;
    spec.target_half_width = a.target;
    if (a.classic_given) spec.classic_per_class = a.classic;
    spec.distilled_augment = !a.no_augment;  // the distilled student only
    spec.train_supervised  = !a.no_supervised;
    std::printf("benchmark on %s: %d episodes, %d-way %d-shot, teacher %s (%s, %s head), student %s x%g%s at %d px, "
                "%d epochs, %d classic images per class, seed %llu\n",
                spec.data_dir.c_str(), spec.episodes, spec.n_way, spec.k_shot, spec.teacher_dir.c_str(),
                spec.teacher_features.c_str(), spec.head.c_str(), spec.student.c_str(), spec.width,
                spec.student_init.empty() ? "" : (" from " + spec.student_init).c_str(), spec.input_size, spec.epochs,
                spec.classic_per_class, static_cast<unsigned long long>(spec.seed));
    struct Events : tint::BenchmarkEvents {
        void episode(const tint::BenchmarkEpisode& e) override {
            std::printf("\repisode %d: teacher %.3f (at student size %.3f)", e.index + 1, e.teacher, e.teacher_student_size);
            if (e.supervised >= 0) std::printf(", supervised student %.3f", e.supervised);
            if (e.distilled >= 0) std::printf(", distilled student %.3f", e.distilled);
            if (e.distilled_feature_cosine)
                std::printf(", feature cosine with the teacher %.3f (teacher at student size %.3f)", *e.distilled_feature_cosine,
                            e.teacher_student_size_feature_cosine.value_or(0.0));
            std::printf(" (%.0f s)\x1b[K\n", e.seconds);
            std::fflush(stdout);
        }
        void message(const std::string& m) override { std::printf("%s\n", m.c_str()); }
    } ev;
    g_stop_after_item = true;
    auto r = tint::run_benchmark(spec, ev, ctx);
    g_stop_after_item = false;
    std::fprintf(stderr, "\r\x1b[K");
    std::printf("\n%d episode(s) of %lld queries%s; accuracy on the queries, mean and 95 %% interval:\n", r.episodes_done,
                r.queries_per_episode, r.stopped_early ? " (stopped on request)" : "");
    for (const auto& arm : r.arms) {
        if (arm.accuracies.size() >= 2)
            std::printf("  %-23s %6.2f %% +- %.2f  [%.2f, %.2f]; for +- %.2f: %lld episodes x %lld queries (predicted +- %.2f)\n",
                        arm.name.c_str(), 100 * arm.mean, 100 * arm.half_width, 100 * arm.lower, 100 * arm.upper,
                        100 * spec.target_half_width, arm.plan_episodes, arm.plan_queries, 100 * arm.plan_half_width);
        else std::printf("  %-23s %6.2f %% (one episode: no interval)\n", arm.name.c_str(), 100 * arm.mean);
    }
    // Each student against the teacher, and against the teacher shown only the student's pixels.
    for (std::size_t i = 1; i < r.arms.size(); ++i)
        for (std::size_t t = 0; t < std::min<std::size_t>(i, 2); ++t)
            if (r.arms[t].mean > 0)
                std::printf("  %s / %s: %.1f %%\n", r.arms[i].name.c_str(), r.arms[t].name.c_str(),
                            100 * r.arms[i].mean / r.arms[t].mean);
    // How closely the student's features follow the teacher's full-size features on the queries.
    double cos_student = 0.0, cos_view = 0.0;
    int n_cos = 0;
    for (const auto& e : r.episodes)
        if (e.distilled_feature_cosine && e.teacher_student_size_feature_cosine) {
            cos_student += *e.distilled_feature_cosine;
            cos_view += *e.teacher_student_size_feature_cosine;
            ++n_cos;
        }
    if (n_cos > 0)
        std::printf("  feature cosine with the full-size teacher on the queries: distilled student %.3f, teacher at "
                    "student size %.3f\n", cos_student / n_cos, cos_view / n_cos);
    if (r.student_parameters > 0) std::printf("student: %.3f M parameters", r.student_parameters / 1e6);
    if (r.onnx_ms_per_image >= 0)
        std::printf(", ONNX %.0f kB, %.2f ms per image at %d px in OpenCV dnn (batch 1, median; export check %.1e)",
                    r.onnx_file_size / 1024.0, r.onnx_ms_per_image, spec.input_size, r.onnx_max_abs_diff);
    std::printf("\ntotal time %.0f s\n", r.seconds);
    if (!a.out.empty()) {
        tint::write_file_atomic(a.out, tint::benchmark_json(spec, r) + "\n");
        std::printf("wrote %s\n", a.out.c_str());
    }
    return r.stopped_early ? 130 : 0;
}

std::vector<int> class_selection(const Args& a, const tint::Project& p) {
    if (a.cls.empty()) return {};
    int ci = p.class_index(a.cls);
    if (ci < 0) throw tint::Error("the project has no class '" + a.cls + "'");
    return {ci};
}

int print_failures(const tint::ImportReport& r) {
    std::printf("imported %zu image(s)\n", r.imported.size());
    for (const auto& f : r.failed) std::printf("not imported: %s: %s\n", f.path.c_str(), f.reason.c_str());
    if (r.cancelled) std::printf("cancelled\n");
    return r.failed.empty() ? 0 : 1;
}

std::pair<int, int> spec_from_size(const std::string& size) {
    auto x = size.find('x');
    try {
        if (x == std::string::npos) throw std::invalid_argument("no x");
        return {std::stoi(size.substr(0, x)), std::stoi(size.substr(x + 1))};
    } catch (const std::exception&) {
        throw tint::Error("--size must look like 512x512, not '" + size + "'");
    }
}

tint::GenerateSpec spec_from(const Args& a) {
    if (a.model.empty()) throw tint::Error(a.command + " needs --model DIR (a Stable Diffusion folder in diffusers layout)");
    if (a.out.empty()) throw tint::Error(a.command + " needs --out FILE.png");
    tint::GenerateSpec s;
    s.model_dir       = a.model;
    s.prompt          = a.prompt;
    s.negative_prompt = a.negative;
    s.steps           = a.steps;
    s.guidance        = a.guidance;
    s.seed            = a.seed;
    s.count           = a.count;
    s.device          = a.device;
    s.precision       = a.precision;
    if (!a.size.empty()) std::tie(s.width, s.height) = spec_from_size(a.size);
    return s;
}

std::string numbered(const std::string& out, int k, int count) {
    if (count == 1) return out;
    auto dot = out.rfind('.');
    std::string stem = dot == std::string::npos ? out : out.substr(0, dot);
    return stem + "-" + std::to_string(k + 1) + ".png";
}

int run(const Args& a) {
    tint::set_compute_threads(a.threads);
    ConsoleContext ctx(g_cancel.token());
    if (a.command == "new") {
        if (a.project.empty()) throw tint::Error("new needs --project DIR");
        tint::Project::create(a.project, a.name);
        std::printf("created %s\n", a.project.c_str());
        return 0;
    }
    if (a.command == "info") {
        tint::Project p = tint::Project::open(a.project);
        std::printf("%s (%s), schema %d\n", p.data().name.c_str(), p.root().c_str(), p.data().schema);
        for (const auto& c : p.data().classes) {
            std::printf("  %s: %zu support image(s)\n", c.name.c_str(), c.supports.size());
            for (const auto& s : c.supports) std::printf("    %s (%dx%d)\n", s.file.c_str(), s.width, s.height);
        }
        return 0;
    }
    if (a.command == "import") {
        tint::Project p = tint::Project::open(a.project);
        std::vector<tint::ImportGroup> groups;
        std::map<std::string, std::map<std::string, std::string>> known;
        auto group_for = [&](const std::string& name, const std::vector<std::string>& files) {
            int ci = p.class_index(name);
            if (ci < 0) {
                p.add_class(name);
                ci = p.class_index(name);
            }
            const auto& c = p.data().classes[ci];
            known[c.dir]  = p.support_hashes(ci);
            groups.push_back({c.dir, files});
        };
        if (!a.folders.empty()) {
            for (const auto& cf : tint::scan_class_folders(a.folders)) group_for(cf.class_name, cf.files);
        } else {
            if (a.cls.empty() || a.files.empty()) throw tint::Error("import needs --class NAME and files");
            group_for(a.cls, a.files);
        }
        tint::ImportReport r = tint::stage_support_images(p.root(), groups, known, 160, ctx);
        p.add_staged(r.imported);
        return print_failures(r);
    }
    if (a.command == "generate") {
        tint::GenerateSpec spec = spec_from(a);
        auto images = tint::generate_images(spec, ctx);
        for (std::size_t k = 0; k < images.size(); ++k) {
            std::string file = numbered(a.out, int(k), spec.count);
            tint::save_png(images[k], file);
            std::printf("wrote %s (%dx%d, seed %llu)\n", file.c_str(), images[k].width, images[k].height,
                        static_cast<unsigned long long>(spec.seed + k));
        }
        return images.size() == std::size_t(spec.count) ? 0 : 130;
    }
    if (a.command == "invert") {
        tint::Project p = tint::Project::open(a.project);
        auto settings   = tint_settings(a, p);
        ConsoleEvents ev;
        tint::TintEngine engine;
        engine.invert(p.root(), p.data(), class_selection(a, p), settings, ev, ctx, a.force);
        for (const auto& c : p.data().classes) {
            auto st = tint::inversion_status(p.root(), c, settings);
            if (st.token == tint::InversionState::Done && st.null_text == tint::InversionState::Done)
                std::printf("%s: token %s ready (%d steps), %zu support(s) inverted\n", c.name.c_str(), st.token_text.c_str(),
                            st.ti_steps_done, c.supports.size());
        }
        return 0;
    }
    if (a.command == "synthesize") {
        tint::Project p = tint::Project::open(a.project);
        auto settings   = tint_settings(a, p);
        tint::SynthesisSpec spec;
        spec.classes   = class_selection(a, p);
        spec.per_class = a.per_class;
        if (spec.per_class <= 0) throw tint::Error("synthesize needs --per-class N (a positive number)");
        spec.seed  = a.seed;
        spec.alpha = a.alpha;
        spec.batch = a.batch;
        if (!a.size.empty()) {
            auto s = spec_from_size(a.size);
            spec.width = s.first, spec.height = s.second;
        }
        ConsoleEvents ev;
        tint::TintEngine engine;
        auto rep = engine.synthesize(p.root(), p.data(), spec, settings, ev, ctx);
        std::printf("wrote %d image(s)%s\n", rep.written, rep.cancelled ? " (stopped early on request)" : "");
        return rep.cancelled ? 130 : 0;
    }
    if (a.command == "export-token") {
        tint::Project p = tint::Project::open(a.project);
        auto sel        = class_selection(a, p);
        if (sel.empty() || a.out.empty()) throw tint::Error("export-token needs --class NAME and --out FILE");
        tint::EmbeddingFormat f;
        if (a.format == "diffusers") f = tint::EmbeddingFormat::Diffusers;
        else if (a.format == "webui") f = tint::EmbeddingFormat::WebUI;
        else throw tint::Error("unknown --format '" + a.format + "' (diffusers or webui)");
        tint::export_embedding(p.root(), p.data().classes[static_cast<std::size_t>(sel[0])], a.out, f);
        std::printf("wrote %s\n", a.out.c_str());
        return 0;
    }
    if (a.command == "distill") {
        tint::Project p = tint::Project::open(a.project);
        tint::DistillSpec spec;
        spec.teacher_dir = !a.teacher.empty() ? a.teacher : p.data().models.teacher_dir;
        if (spec.teacher_dir.empty()) spec.teacher_dir = shipped_teacher();
        set_training_options(spec, a);
        spec.classic_per_class = a.classic;
        spec.use_synthetic     = !a.no_synthetic;
        spec.train_augment     = !a.no_augment;
        spec.validation_dir    = a.validation;
        spec.run_id            = a.run;
        struct Events : tint::DistillEvents {
            void epoch(const tint::DistillEpoch& e) override {
                std::printf("\repoch %d: loss %.4f", e.epoch, e.train_loss);
                if (e.accuracy >= 0) std::printf(", validation accuracy %.3f, agreement with the teacher %.3f", e.accuracy, e.agreement);
                std::printf("\x1b[K\n");
            }
            void message(const std::string& m) override { std::printf("%s\n", m.c_str()); }
        } ev;
        auto r = tint::run_distillation(p.root(), p.data(), spec, ev, ctx);
        if (r.teacher_accuracy >= 0) std::printf("teacher accuracy on the validation folder: %.3f\n", r.teacher_accuracy);
        std::printf("run %s: %d training images, %zu epochs%s\n", r.run_id.c_str(), r.train_images, r.history.size(),
                    r.stopped_early ? " (stopped on request)" : "");
        return 0;
    }
    if (a.command == "benchmark") return run_benchmark(a, ctx);
    if (a.command == "export") {
        tint::Project p = tint::Project::open(a.project);
        if (a.run.empty() || a.out.empty()) throw tint::Error("export needs --run ID and --out FILE.onnx");
        auto r = tint::export_run_onnx(p.root(), p.data(), a.run, a.out);
        std::printf("wrote %s (%lld bytes); OpenCV dnn matches LibTorch on %d images (largest difference %.2e)\n",
                    r.path.c_str(), r.file_size, r.images_checked, r.max_abs_diff);
        std::string names;
        for (const auto& n : r.class_names) names += (names.empty() ? "" : ", ") + n;
        std::printf("outputs, in order: %s\n", names.c_str());
        return 0;
    }
    if (a.command == "roundtrip") {
        tint::GenerateSpec spec = spec_from(a);
        if (a.image.empty()) throw tint::Error("roundtrip needs --image FILE");
        if (a.size.empty()) spec.width = spec.height = 512;
        auto r = tint::ddim_round_trip(spec, tint::load_image_rgb(a.image), ctx);
        tint::save_png(r.reconstruction, a.out);
        std::printf("wrote %s, PSNR %.2f dB\n", a.out.c_str(), r.psnr_db);
        return 0;
    }
    return usage();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) {
        tint::RuntimeInfo r = tint::runtime_info();
        std::printf("tintbench-cli %s (LibTorch %s, OpenCV %s)\n", TINT_VERSION, r.torch_version.c_str(),
                    r.opencv_version.c_str());
        return 0;
    }
    tint::log::init(true);
    tint::log::set_level(tint::log::Level::Warn);
    std::signal(SIGINT, on_sigint);
    Args a;
    try {
        if (!parse(argc, argv, a)) return usage();
        return run(a);
    } catch (const tint::Cancelled&) {
        std::fprintf(stderr, "\ncancelled\n");
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
