// tintbench-cli: the engine without a GUI (core library only; no Qt).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tint/Error.h"
#include "tint/Generate.h"
#include "tint/Image.h"
#include "tint/JobContext.h"
#include "tint/Log.h"
#include "tint/Project.h"
#include "tint/Runtime.h"

namespace {

tint::CancelSource g_cancel;

extern "C" void on_sigint(int) { g_cancel.request(tint::CancelMode::Now); }

// Progress on one terminal line, at most every 100 ms.
class ConsoleContext : public tint::JobContext {
public:
    explicit ConsoleContext(tint::CancelToken t) : token_(std::move(t)) {}
    void report(const tint::Progress& p) override {
        std::fprintf(stderr, "\r%s %lld/%lld %s\x1b[K", p.stage.c_str(), p.step, p.total, p.message.c_str());
        if (p.total > 0 && p.step >= p.total) std::fprintf(stderr, "\n");
    }
    const tint::CancelToken& cancel() const override { return token_; }

private:
    tint::CancelToken token_;
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
                 "options for every command: --threads N\n");
    return 2;
}

struct Args {
    std::string command, project, name, cls, folders, model, prompt, negative, out, image, size, device = "cpu",
                                                                                      precision = "fp32";
    int steps = 25, count = 1;
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
        else if (s == "--steps" || s == "--count" || s == "--guidance" || s == "--seed") {
            std::string v;
            value(v);
            try {
                if (s == "--steps") a.steps = std::stoi(v);
                else if (s == "--count") a.count = std::stoi(v);
                else if (s == "--guidance") a.guidance = std::stod(v);
                else a.seed = std::stoull(v);
            } catch (const std::exception&) {
                throw tint::Error("option " + s + " needs a number, not '" + v + "'");
            }
        }
        else if (s == "--threads") {
            std::string v;
            value(v);
            a.threads = std::stoi(v);
        } else if (s.rfind("--", 0) == 0) throw tint::Error("unknown option " + s);
        else a.files.push_back(s);
    }
    return true;
}

int print_failures(const tint::ImportReport& r) {
    std::printf("imported %zu image(s)\n", r.imported.size());
    for (const auto& f : r.failed) std::printf("not imported: %s: %s\n", f.path.c_str(), f.reason.c_str());
    if (r.cancelled) std::printf("cancelled\n");
    return r.failed.empty() ? 0 : 1;
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
    if (!a.size.empty()) {
        auto x = a.size.find('x');
        try {
            if (x == std::string::npos) throw std::invalid_argument("no x");
            s.width  = std::stoi(a.size.substr(0, x));
            s.height = std::stoi(a.size.substr(x + 1));
        } catch (const std::exception&) {
            throw tint::Error("--size must look like 512x512, not '" + a.size + "'");
        }
    }
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
