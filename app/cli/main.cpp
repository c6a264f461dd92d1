// tintbench-cli: the engine without a GUI (core library only; no Qt).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <tuple>
#include <map>
#include <set>
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
// benchmark and generate: the first Ctrl-C finishes the running episode or image and keeps what
// is done; the second stops now; a third ends the program at once.
std::atomic<bool> g_stop_after_item{false};
std::atomic<int> g_interrupts{0};

extern "C" void on_sigint(int) {
    const int n = ++g_interrupts;
    if (n == 1 && g_stop_after_item.load()) {
        g_cancel.request(tint::CancelMode::AfterCurrentItem);
        static const char msg[] = "\nstopping after the current item (Ctrl-C again stops now)\n";
        [[maybe_unused]] auto w = ::write(2, msg, sizeof msg - 1);
        return;
    }
    if (g_cancel.token().mode() != tint::CancelMode::Now) {
        g_cancel.request(tint::CancelMode::Now);
        static const char msg[] = "\nstopping (Ctrl-C again quits at once)\n";
        [[maybe_unused]] auto w = ::write(2, msg, sizeof msg - 1);
        return;
    }
    static const char msg[] = "\ninterrupted\n";
    [[maybe_unused]] auto w = ::write(2, msg, sizeof msg - 1);
    ::_exit(130);
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

// One entry per command: its usage lines and the options it takes (besides --threads).
struct CommandInfo {
    const char* name;
    const char* usage;
    std::vector<std::string> options;
    bool takes_files = false;  ///< words that are not options (import's image files)
};

const std::vector<CommandInfo>& commands() {
    static const std::vector<CommandInfo> c = {
        {"new", "  new --project DIR [--name NAME]   create an empty project\n", {"--project", "--name"}},
        {"import",
         "  import --project DIR --class NAME FILE...   add support images to a class\n"
         "  import --project DIR --folders ROOT          import a folder-per-class tree\n",
         {"--project", "--class", "--folders"},
         true},
        {"info", "  info --project DIR                show the classes and support images\n", {"--project"}},
        {"generate",
         "  generate --model DIR --prompt TEXT [--negative TEXT] [--steps N] [--guidance G]\n"
         "           [--seed S] [--size WxH] [--count N] [--device cpu|cuda] [--precision fp32|fp16|bf16]\n"
         "           --out FILE.png         text to image (several images: FILE-1.png, FILE-2.png, ...)\n",
         {"--model", "--prompt", "--negative", "--steps", "--guidance", "--seed", "--size", "--count", "--device",
          "--precision", "--out"}},
        {"roundtrip",
         "  roundtrip --model DIR --image FILE --prompt TEXT [--negative TEXT] [--steps N] [--guidance G] [--size WxH]\n"
         "           [--device cpu|cuda] [--precision fp32|fp16|bf16]\n"
         "           --out FILE.png         DDIM-invert an image and sample it back; prints the PSNR\n",
         {"--model", "--image", "--prompt", "--negative", "--steps", "--guidance", "--size", "--device", "--precision",
          "--out"}},
        {"invert",
         "  invert --project DIR [--class NAME] [--model DIR] [--ti-steps N] [--steps N] [--guidance G]\n"
         "           [--resolution PX] [--seed S] [--early-stop|--no-early-stop] [--ti-batch N] [--nti-inner N]\n"
         "           [--nti-lr X]\n"
         "           [--device cpu|cuda] [--precision fp32|fp16|bf16] [--force]\n"
         "                                    textual inversion per class, then null-text inversion per support;\n"
         "                                    settings not given are the project's; resumes an interrupted run\n"
         "                                    (Ctrl-C stops cleanly)\n",
         {"--project", "--class", "--model", "--ti-steps", "--steps", "--guidance", "--resolution", "--seed",
          "--early-stop", "--no-early-stop", "--ti-batch", "--nti-inner", "--nti-lr", "--device", "--precision", "--force"}},
        {"synthesize",
         "  synthesize --project DIR --per-class N [--class NAME] [--seed S] [--alpha A] [--batch N] [--size WxH]\n"
         "           [--model DIR] [--device cpu|cuda] [--precision fp32|fp16|bf16]\n"
         "                                    new images per class by TINT sampling into synthetic/<class>/\n"
         "                                    (inversion settings: the project's)\n",
         {"--project", "--per-class", "--class", "--seed", "--alpha", "--batch", "--size", "--model", "--device",
          "--precision"}},
        {"export-token",
         "  export-token --project DIR --class NAME --out FILE [--format diffusers|webui]\n"
         "                                    the learned token as an embedding file for other tools\n",
         {"--project", "--class", "--out", "--format"}},
        {"distill",
         "  distill --project DIR [--teacher DIR] [--head logistic_regression|prototype] [--student conv4|resnet12|\n"
         "           resnet18|mobilenetv2|mobilenetv2-short] [--width W] [--input-size PX] [--epochs N] [--batch N]\n"
         "           [--lr X] [--temperature T] [--ce-weight A] [--classic N] [--no-synthetic] [--validation DIR]\n"
         "           [--run ID] [--seed S] [--teacher-features pooled|logits] [--student-init imagenet]\n"
         "           [--teacher-finetune BLOCKS] [--teacher-finetune-steps N] [--crop-min FRACTION]\n"
         "           [--feature-weight B] [--no-augment] [--stage-match EPOCHS]\n"
         "                                    train a student on the teacher's soft labels (runs/<id>/); --run ID\n"
         "                                    of an existing run resumes it with its own settings\n",
         {"--project", "--teacher", "--head", "--student", "--width", "--input-size", "--epochs", "--batch", "--lr",
          "--temperature", "--ce-weight", "--classic", "--no-synthetic", "--validation", "--run", "--seed",
          "--teacher-features", "--student-init", "--teacher-finetune", "--teacher-finetune-steps", "--crop-min",
          "--feature-weight", "--no-augment", "--stage-match"}},
        {"export",
         "  export --project DIR --run ID --out FILE.onnx\n"
         "                                    the run's student as ONNX, checked in OpenCV against LibTorch\n",
         {"--project", "--run", "--out"}},
        {"benchmark",
         "  benchmark [--data DIR] [--episodes N] [--queries Q] [--student S] [--width W] [--student-init imagenet]\n"
         "           [--epochs N] [--classic N] [--input-size PX] [--teacher DIR] [--teacher-features pooled|logits]\n"
         "           [--head H] [--lr X] [--temperature T] [--ce-weight A] [--batch N] [--seed S]\n"
         "           [--target HALF_WIDTH] [--out results.json] [--teacher-finetune BLOCKS] [--teacher-finetune-steps N]\n"
         "           [--crop-min FRACTION] [--feature-weight B] [--no-augment] [--no-supervised] [--stage-match EPOCHS]\n"
         "                                    5-way 5-shot episodes on a folder per class (default: the demo\n"
         "                                    flowers): teacher, supervised and distilled student accuracy with\n"
         "                                    95 % intervals, and the student's ONNX time (Ctrl-C: finish the episode)\n",
         {"--data", "--episodes", "--queries", "--student", "--width", "--student-init", "--epochs", "--classic",
          "--input-size", "--teacher", "--teacher-features", "--head", "--lr", "--temperature", "--ce-weight", "--batch",
          "--seed", "--target", "--out", "--teacher-finetune", "--teacher-finetune-steps", "--crop-min",
          "--feature-weight", "--no-augment", "--no-supervised", "--stage-match"}},
    };
    return c;
}

const CommandInfo* find_command(const std::string& name) {
    for (const auto& c : commands())
        if (name == c.name) return &c;
    return nullptr;
}

// The usage of one command, or of all of them (only == nullptr).
void print_usage(std::FILE* to, const CommandInfo* only = nullptr) {
    std::fputs("usage: tintbench-cli <command> [options]\n", to);
    if (!only) std::fputs("  --version                         print versions and exit\n", to);
    for (const auto& c : commands())
        if (!only || only == &c) std::fputs(c.usage, to);
    std::fputs("options for every command: --threads N; --help shows a command's options\n", to);
}

// Options that take no value.
bool is_flag(const std::string& s) {
    static const std::set<std::string> flags = {"--no-synthetic", "--no-supervised", "--no-augment", "--force",
                                                "--early-stop", "--no-early-stop"};
    return flags.count(s) > 0;
}

bool is_known_option(const std::string& s) {
    if (s == "--threads" || s == "--help") return true;
    for (const auto& c : commands())
        for (const auto& o : c.options)
            if (o == s) return true;
    return false;
}

struct Args {
    std::string command, project, name, cls, folders, model, prompt, negative, out, image, size, device = "cpu",
                                                                                      precision = "fp32";
    int steps = 25, count = 1, ti_steps = 5000, resolution = 0, per_class = 0, batch = 1, ti_batch = 1, nti_inner = 10;
    double alpha = 1.0, nti_lr = 1e-2;
    bool force = false, early_stop = false;
    std::string format = "diffusers", teacher, head = "logistic_regression", student = "conv4", validation, run;
    std::string teacher_features = "pooled", student_init, data;
    int episodes = 10, queries = 0, finetune_blocks = 0, finetune_steps = 100;
    double target = 0.02;
    double width = 1.0, lr = 1e-3, crop_min = 0.08, feature_weight = 0.0, temperature = 4.0, ce_weight = 0.0;
    bool no_supervised = false, no_augment = false;
    int input_size = 84, epochs = 30, classic = 0, stage_match = 0;
    bool no_synthetic = false;
    double guidance = 7.5;
    unsigned long long seed = 0;
    int threads = 0;
    bool help = false;
    std::vector<std::string> files;
    std::set<std::string> given;  ///< the options on the command line
    bool has(const char* option) const { return given.count(option) > 0; }
};

// A whole number, or a decimal number where `real`; anything left over is an error.
double number_of(const std::string& option, const std::string& v, bool real) {
    try {
        std::size_t used = 0;
        const double x   = real ? std::stod(v, &used) : static_cast<double>(std::stoi(v, &used));
        if (used != v.size() || !std::isfinite(x)) throw std::invalid_argument("trailing");
        return x;
    } catch (const std::exception&) {
        throw tint::Error(std::string("option ") + option + " needs " + (real ? "a number" : "a whole number") + ", not '" +
                          v + "'");
    }
}

// Returns false when there is no command. Options are checked against the command's own list, so
// that a misplaced one is refused instead of silently ignored.
bool parse(int argc, char** argv, Args& a) {
    if (argc < 2) return false;
    a.command = argv[1];
    if (a.command == "help" || a.command == "--help" || a.command == "-h") {
        a.help = true;
        a.command.clear();
        if (argc >= 3) a.command = argv[2];
        return true;
    }
    const CommandInfo* cmd = find_command(a.command);
    if (!cmd) return false;
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "--help" || s == "-h") {
            a.help = true;
            return true;
        }
        if (s.rfind("--", 0) == 0) {
            if (!is_known_option(s)) throw tint::Error("unknown option " + s + " (tintbench-cli " + a.command + " --help)");
            if (s != "--threads" && std::find(cmd->options.begin(), cmd->options.end(), s) == cmd->options.end())
                throw tint::Error("option " + s + " does not apply to " + a.command + " (tintbench-cli " + a.command + " --help)");
            if (!a.given.insert(s).second) throw tint::Error("option " + s + " is given twice");
        } else if (!cmd->takes_files) {
            throw tint::Error("unexpected word '" + s + "': " + a.command +
                              " takes only options (put a text with spaces in quotes)");
        } else {
            a.files.push_back(s);
            continue;
        }
        if (is_flag(s)) {
            if (s == "--no-synthetic") a.no_synthetic = true;
            else if (s == "--no-supervised") a.no_supervised = true;
            else if (s == "--no-augment") a.no_augment = true;
            else if (s == "--force") a.force = true;
            else if (s == "--early-stop") a.early_stop = true;
            continue;
        }
        if (i + 1 >= argc) throw tint::Error("option " + s + " needs a value");
        const std::string v = argv[++i];
        if (is_known_option(v)) throw tint::Error("option " + s + " needs a value, not the option " + v);
        auto whole = [&] { return static_cast<int>(number_of(s, v, false)); };
        auto real  = [&] { return number_of(s, v, true); };
        if (s == "--project") a.project = v;
        else if (s == "--name") a.name = v;
        else if (s == "--class") a.cls = v;
        else if (s == "--folders") a.folders = v;
        else if (s == "--model") a.model = v;
        else if (s == "--prompt") a.prompt = v;
        else if (s == "--negative") a.negative = v;
        else if (s == "--out") a.out = v;
        else if (s == "--image") a.image = v;
        else if (s == "--size") a.size = v;
        else if (s == "--device") a.device = v;
        else if (s == "--precision") a.precision = v;
        else if (s == "--format") a.format = v;
        else if (s == "--teacher") a.teacher = v;
        else if (s == "--head") a.head = v;
        else if (s == "--student") a.student = v;
        else if (s == "--validation") a.validation = v;
        else if (s == "--run") a.run = v;
        else if (s == "--teacher-features") a.teacher_features = v;
        else if (s == "--student-init") a.student_init = v;
        else if (s == "--data") a.data = v;
        else if (s == "--width") a.width = real();
        else if (s == "--lr") a.lr = real();
        else if (s == "--target") a.target = real();
        else if (s == "--crop-min") a.crop_min = real();
        else if (s == "--feature-weight") a.feature_weight = real();
        else if (s == "--temperature") a.temperature = real();
        else if (s == "--ce-weight") a.ce_weight = real();
        else if (s == "--alpha") a.alpha = real();
        else if (s == "--nti-lr") a.nti_lr = real();
        else if (s == "--guidance") a.guidance = real();
        else if (s == "--input-size") a.input_size = whole();
        else if (s == "--epochs") a.epochs = whole();
        else if (s == "--episodes") a.episodes = whole();
        else if (s == "--queries") a.queries = whole();
        else if (s == "--teacher-finetune") a.finetune_blocks = whole();
        else if (s == "--teacher-finetune-steps") a.finetune_steps = whole();
        else if (s == "--stage-match") a.stage_match = whole();
        else if (s == "--classic") a.classic = whole();
        else if (s == "--ti-steps") a.ti_steps = whole();
        else if (s == "--resolution") a.resolution = whole();
        else if (s == "--per-class") a.per_class = whole();
        else if (s == "--batch") a.batch = whole();
        else if (s == "--ti-batch") a.ti_batch = whole();
        else if (s == "--nti-inner") a.nti_inner = whole();
        else if (s == "--steps") a.steps = whole();
        else if (s == "--count") a.count = whole();
        else if (s == "--seed") {
            try {
                std::size_t used = 0;
                if (v.empty() || v[0] < '0' || v[0] > '9') throw std::invalid_argument("not a whole number");  // stoull takes "-1"
                a.seed = std::stoull(v, &used);
                if (used != v.size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw tint::Error("option --seed needs a whole number of zero or more, not '" + v + "'");
            }
        } else if (s == "--threads") {
            a.threads = static_cast<int>(number_of(s, v, false));
            if (a.threads < 1) throw tint::Error("option --threads needs a positive whole number, not '" + v + "'");
        } else throw tint::Error("internal: option " + s + " is not handled");
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

// A path as typed, made absolute: settings saved in the project must not depend on the folder
// the command was started from.
std::string absolute_path(const std::string& path) {
    if (path.empty()) return path;
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    if (ec) return path;
    abs = abs.lexically_normal();
    if (!abs.has_filename() && abs.has_parent_path() && abs != abs.root_path()) abs = abs.parent_path();  // "dir/" names "dir"
    return abs.string();
}

// The project's inversion settings (what the workbench shows), with the options given on the
// command line in their place.
tint::TintSettings tint_settings(const Args& a, const tint::Project& p) {
    tint::TintSettings s = tint::tint_settings_from_json(p.data().tint_settings, p.root() + "/project.json: tint");
    s.model_dir = absolute_path(!a.model.empty() ? a.model : p.data().models.generator_dir);
    if (s.model_dir.empty())
        throw tint::Error("no generator model: pass --model DIR (a Stable Diffusion folder in diffusers layout) or set one in the project");
    s.device    = a.device;
    s.precision = a.precision;
    if (a.has("--ti-steps")) s.ti_steps = a.ti_steps;
    if (a.has("--steps")) s.steps = a.steps;
    if (a.has("--guidance")) s.guidance = a.guidance;
    if (a.has("--resolution")) s.resolution = a.resolution;
    if (a.has("--seed") && a.command == "invert") s.seed = a.seed;  // synthesize's --seed is its sampling seed
    if (a.has("--early-stop") && a.has("--no-early-stop"))
        throw tint::Error("--early-stop and --no-early-stop contradict each other");
    if (a.has("--early-stop")) s.ti_early_stop = true;
    if (a.has("--no-early-stop")) s.ti_early_stop = false;
    if (a.has("--ti-batch")) s.ti_batch = a.ti_batch;
    if (a.has("--nti-inner")) s.nti_inner_steps = a.nti_inner;
    if (a.has("--nti-lr")) s.nti_lr = a.nti_lr;
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

std::string student_init_dir(const std::string& student_init) {
    if (student_init.empty()) return {};
    if (student_init != "imagenet") throw tint::Error("unknown --student-init '" + student_init + "' (imagenet)");
    return shipped_teacher();
}

// The settings distill and benchmark share (DistillSpec and BenchmarkSpec name them alike): those
// given on the command line replace the spec's.
template <class Spec>
void set_training_options(Spec& spec, const Args& a) {
    if (a.has("--teacher-features")) spec.teacher_features = a.teacher_features;
    if (a.has("--teacher-finetune")) spec.teacher_finetune_blocks = a.finetune_blocks;
    if (a.has("--teacher-finetune-steps")) spec.teacher_finetune_steps = a.finetune_steps;
    if (a.has("--head")) spec.head = a.head;
    if (a.has("--student")) spec.student = a.student;
    if (a.has("--width")) spec.width = a.width;
    if (a.has("--student-init")) spec.student_init = a.student_init;
    spec.student_init_dir = student_init_dir(spec.student_init);
    if (a.has("--input-size")) spec.input_size = a.input_size;
    if (a.has("--crop-min")) spec.crop_min = a.crop_min;
    if (a.has("--feature-weight")) spec.feature_weight = a.feature_weight;
    if (a.has("--stage-match")) spec.stage_match_epochs = a.stage_match;
    if (a.has("--epochs")) spec.epochs = a.epochs;
    if (a.has("--batch")) spec.batch_size = a.batch;
    if (a.has("--lr")) spec.lr = a.lr;
    if (a.has("--temperature")) spec.temperature = a.temperature;
    if (a.has("--ce-weight")) spec.alpha = a.ce_weight;
    if (a.has("--seed")) spec.seed = a.seed;
    if (a.has("--classic")) {
        if (a.classic < 0) throw tint::Error("option --classic needs a number of images per class of zero or more");
        spec.classic_per_class = a.classic;
    }
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
    if (r.cancelled) std::printf("stopped on request; the images imported so far are in the project\n");
    return r.cancelled ? 130 : r.failed.empty() ? 0 : 1;
}

std::pair<int, int> spec_from_size(const std::string& size) {
    auto x = size.find('x');
    try {
        if (x == std::string::npos) throw std::invalid_argument("no x");
        std::size_t used_w = 0, used_h = 0;
        const std::string w = size.substr(0, x), h = size.substr(x + 1);
        std::pair<int, int> r{std::stoi(w, &used_w), std::stoi(h, &used_h)};
        if (used_w != w.size() || used_h != h.size()) throw std::invalid_argument("trailing");
        return r;
    } catch (const std::exception&) {
        throw tint::Error("--size must look like 512x512, not '" + size + "'");
    }
}

tint::GenerateSpec spec_from(const Args& a) {
    if (a.model.empty()) throw tint::Error(a.command + " needs --model DIR (a Stable Diffusion folder in diffusers layout)");
    if (a.out.empty()) throw tint::Error(a.command + " needs --out FILE.png");
    if (a.count < 1) throw tint::Error("option --count needs a number of images of one or more, not " + std::to_string(a.count));
    check_output_writable(a.out);  // before the model loads and the images are made
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

// FILE.png for one image; FILE-1.png, FILE-2.png, ... for several (a dot in a folder name stays).
std::string numbered(const std::string& out, int k, int count) {
    if (count == 1) return out;
    std::filesystem::path p(out);
    return (p.parent_path() / (p.stem().string() + "-" + std::to_string(k + 1) + ".png")).string();
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
            if (!a.cls.empty() || !a.files.empty())
                throw tint::Error("import --folders takes the classes from the folder names: leave out --class and files");
            for (const auto& cf : tint::scan_class_folders(a.folders)) group_for(cf.class_name, cf.files);
        } else {
            if (a.cls.empty() || a.files.empty()) throw tint::Error("import needs --class NAME and files");
            group_for(a.cls, a.files);
        }
        tint::ImportReport r = tint::stage_support_images(p.root(), groups, known, 160, ctx);
        p.add_staged(r.imported);  // also after Ctrl-C: the files copied so far are recorded
        return print_failures(r);
    }
    if (a.command == "generate") {
        tint::GenerateSpec spec = spec_from(a);
        g_stop_after_item       = spec.count > 1;  // the first Ctrl-C keeps the images already made
        auto images = tint::generate_images(spec, ctx);
        g_stop_after_item = false;
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
        // The settings become the project's, as in the workbench: a later synthesize, invert or the
        // workbench itself then finds these inversions up to date instead of recomputing them.
        const std::string settings_json = tint::tint_settings_to_json(settings);
        tint::TintSettings current = tint::tint_settings_from_json(p.data().tint_settings, "project.json");
        if (settings_json != tint::tint_settings_to_json(current)) {
            if (!a.cls.empty()) {
                // The settings are the project's: changing them for one class would leave the
                // other classes' finished inversions out of date (and the next run would redo them).
                current.model_dir = settings.model_dir;
                for (const auto& c : p.data().classes) {
                    if (c.name == a.cls) continue;
                    const auto st = tint::inversion_status(p.root(), c, current);
                    if (st.token == tint::InversionState::Done || st.token == tint::InversionState::Partial)
                        throw tint::Error("the class '" + c.name +
                                          "' was inverted with the project's settings, which these options change; "
                                          "leave out --class to invert every class with them, or leave the options out");
                }
            }
            p.set_workflow_settings(settings_json, p.data().distill_settings);
        }
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
        if (a.batch < 1) throw tint::Error("option --batch needs a number of images of one or more, not " + std::to_string(a.batch));
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
        // Settings: a run that exists resumes with its own (options given here must not change
        // them: the run refuses); a new run has the defaults and the options given, so that a
        // command line describes its run whatever was done before.
        tint::DistillSpec spec;
        bool resuming = false;
        if (!a.run.empty()) {
            const auto config = std::filesystem::path(p.root()) / "runs" / a.run / "config.json";
            std::error_code ec;
            if (tint::is_plain_name(a.run) && std::filesystem::exists(config, ec)) {  // a bad config says why
                const auto bytes = tint::read_file_bytes(config.string(), 16LL * 1024 * 1024);
                spec     = tint::distill_spec_from_json(std::string(bytes.begin(), bytes.end()), config.string());
                resuming = true;
            }
        }
        // A folder given again for a resumed run keeps the run's own spelling when it names the same
        // place (runs of earlier versions stored paths as typed).
        auto folder_option = [&](const std::string& given, const std::string& stored) {
            if (resuming && !stored.empty() && absolute_path(stored) == absolute_path(given)) return stored;
            return absolute_path(given);
        };
        if (a.has("--teacher")) spec.teacher_dir = folder_option(a.teacher, spec.teacher_dir);
        else if (!resuming) spec.teacher_dir = p.data().models.teacher_dir;
        if (spec.teacher_dir.empty()) spec.teacher_dir = shipped_teacher();
        set_training_options(spec, a);
        if (a.has("--no-synthetic")) spec.use_synthetic = false;
        if (a.has("--no-augment")) spec.train_augment = false;
        if (a.has("--validation")) spec.validation_dir = folder_option(a.validation, spec.validation_dir);
        spec.run_id = a.run;
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
        const std::string stopped = r.stopped_early ? " (stopped on request; resume with --run " + r.run_id + ")" : "";
        std::printf("run %s: %d training images, %zu epochs%s\n", r.run_id.c_str(), r.train_images, r.history.size(),
                    stopped.c_str());
        return r.stopped_early ? 130 : 0;
    }
    if (a.command == "benchmark") return run_benchmark(a, ctx);
    if (a.command == "export") {
        tint::Project p = tint::Project::open(a.project);
        if (a.run.empty() || a.out.empty()) throw tint::Error("export needs --run ID and --out FILE.onnx");
        auto r = tint::export_run_onnx(p.root(), p.data(), a.run, a.out, &ctx);
        std::printf("wrote %s (%lld bytes); OpenCV dnn matches LibTorch on %d images (largest difference %.2e)\n",
                    r.path.c_str(), r.file_size, r.images_checked, r.max_abs_diff);
        std::printf("outputs, in order: %s\n", tint::join(r.class_names).c_str());
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
    throw tint::Error("internal: command " + a.command + " is not handled");
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
        if (!parse(argc, argv, a)) {
            if (argc >= 2) std::fprintf(stderr, "unknown command '%s'\n", argv[1]);
            print_usage(stderr);
            return 2;
        }
        if (a.help) {
            const CommandInfo* c = a.command.empty() ? nullptr : find_command(a.command);
            if (!a.command.empty() && !c) {
                std::fprintf(stderr, "unknown command '%s'\n", a.command.c_str());
                print_usage(stderr);
                return 2;
            }
            print_usage(stdout, c);
            return 0;
        }
        return run(a);
    } catch (const tint::Cancelled&) {
        std::fprintf(stderr, "\ncancelled\n");
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
