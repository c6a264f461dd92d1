#include "distill/classic_generator.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"
#include "tint/JobContext.h"

namespace fs = std::filesystem;

namespace tint::distill {

std::uint64_t classic_image_seed(std::uint64_t seed, const std::string& class_name, int n) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the name
    for (unsigned char ch : class_name) {
        h ^= ch;
        h *= 1099511628211ULL;
    }
    return mix_seed(seed, h, static_cast<std::uint64_t>(n));
}

int classic_side_for_student(int input_size) { return std::max(input_size * 2, 128); }

namespace {

void check_class_name(const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos)
        throw Error("class name '" + name + "' cannot be a folder name");
}

// Creates the folder and checks that it takes files, so that a bad output is reported before any
// work (a read-only mount still passes access() for root: then the first write names it).
void make_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create the folder '" + dir.string() + "': " + ec.message());
    if (!fs::is_directory(dir, ec)) throw Error("cannot create the folder '" + dir.string() + "': not a folder");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw Error("cannot write into '" + dir.string() + "': " + system_error_text(errno));
}

}  // namespace

std::vector<GeneratedImage> generate_classic(const std::vector<ClassSupport>& classes, const std::string& out_dir,
                                             const ClassicGeneratorOptions& options, JobContext& ctx) {
    if (options.per_class < 0) throw Error("classic generator: images per class must not be negative");
    if (options.max_side < 8) throw Error("classic generator: max_side must be at least 8");
    for (const auto& c : classes) {
        check_class_name(c.name);
        if (c.images.empty()) throw Error("classic generator: class '" + c.name + "' has no support images");
    }
    for (const auto& c : classes) make_dir(fs::path(out_dir) / c.name);
    // The supports are few (1-10 per class); decoding them all first reports a bad file up front.
    std::vector<std::vector<cv::Mat>> supports;
    for (const auto& c : classes) {
        supports.emplace_back();
        for (const auto& f : c.images) supports.back().push_back(to_mat(load_image_rgb(f)));
    }

    const long long total = static_cast<long long>(classes.size()) * options.per_class;
    long long done        = 0;
    std::vector<GeneratedImage> out;
    for (std::size_t ci = 0; ci < classes.size(); ++ci) {
        const ClassSupport& c = classes[ci];
        for (int n = 0; n < options.per_class; ++n) {
            ctx.throw_if_cancelled();
            if (ctx.stop_before_next_item()) return out;
            GeneratedImage g;
            g.class_name    = c.name;
            g.index         = n;
            g.support_index = static_cast<int>(n % static_cast<int>(c.images.size()));
            g.seed          = classic_image_seed(options.seed, c.name, n);
            char file[32];
            std::snprintf(file, sizeof file, "classic-%04d.png", n);
            g.path = (fs::path(out_dir) / c.name / file).string();

            Progress p;
            p.stage   = "classic_augment";
            p.step    = done;
            p.total   = total;
            p.message = c.name;
            ctx.report(p);

            const cv::Mat& src = supports[ci][static_cast<std::size_t>(g.support_index)];
            AugmentOptions aug = options.augment;
            const int side     = std::min({src.cols, src.rows, options.max_side});
            aug.size           = {side, side};
            std::mt19937_64 rng(g.seed);
            save_png(to_image(augment(src, aug, rng)), g.path);
            out.push_back(std::move(g));
            ++done;
        }
    }
    Progress p;
    p.stage = "classic_augment";
    p.step = p.total = total;
    ctx.report(p);
    return out;
}

}  // namespace tint::distill
