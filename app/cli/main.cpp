// tintbench-cli: the engine without a GUI (core library only; no Qt).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tint/Error.h"
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
                 "options for every command: --threads N\n");
    return 2;
}

struct Args {
    std::string command, project, name, cls, folders;
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
