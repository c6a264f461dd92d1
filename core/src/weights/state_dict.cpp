#include "weights/state_dict.h"

#include <filesystem>
#include <set>

#include "tint/Error.h"
#include "tint/JobContext.h"
#include "tint/Log.h"

namespace tint::weights {

std::string shape_string(at::IntArrayRef shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

const io::SafetensorsFile* TensorSource::file_of(const std::string& name) const {
    for (const auto& f : files_)
        if (f.contains(name)) return &f;
    return nullptr;
}

std::vector<std::string> TensorSource::names() const {
    std::vector<std::string> out;
    for (const auto& f : files_)
        for (const auto& t : f.tensors()) out.push_back(t.name);
    return out;
}

std::string TensorSource::describe() const {
    std::string s;
    for (const auto& f : files_) s += (s.empty() ? "" : ", ") + f.path();
    return s.empty() ? std::string("(no files)") : s;
}

std::string LoadReport::summary(std::size_t max_lines) const {
    std::string s;
    std::size_t lines = 0;
    auto list = [&](const char* title, const std::vector<std::string>& v) {
        if (v.empty()) return;
        s += std::string(title) + " (" + std::to_string(v.size()) + "):\n";
        for (const auto& x : v) {
            if (lines++ >= max_lines) {
                s += "  ...\n";
                break;
            }
            s += "  " + x + "\n";
        }
    };
    list("missing tensors", missing);
    list("tensors with the wrong shape", mismatched);
    list("unexpected tensors", unexpected);
    return s;
}

namespace {
bool same_up_to_trailing_ones(at::IntArrayRef a, at::IntArrayRef b) {
    auto strip = [](at::IntArrayRef s) {
        std::vector<std::int64_t> v(s.begin(), s.end());
        while (v.size() > 2 && v.back() == 1) v.pop_back();
        return v;
    };
    return strip(a) == strip(b);
}
}  // namespace

LoadReport load_module(torch::nn::Module& module, const TensorSource& source, const LoadOptions& options) {
    LoadReport report;
    std::set<std::string> used;
    torch::NoGradGuard no_grad;
    std::vector<std::pair<std::string, torch::Tensor>> targets;
    for (auto& p : module.named_parameters(true)) targets.emplace_back(p.key(), p.value());
    for (auto& b : module.named_buffers(true)) targets.emplace_back(b.key(), b.value());
    for (auto& [name, target] : targets) {
        if (options.ctx) options.ctx->throw_if_cancelled();
        std::string key                = options.prefix + name;
        const io::SafetensorsFile* file = source.file_of(key);
        if (!file && options.aliases)
            for (const auto& alt : options.aliases(key))
                if ((file = source.file_of(alt))) {
                    key = alt;
                    break;
                }
        if (!file) {
            report.missing.push_back(options.prefix + name + " " + shape_string(target.sizes()));
            continue;
        }
        used.insert(key);
        const io::TensorInfo* info = file->find(key);
        at::IntArrayRef stored(info->shape);
        if (stored != target.sizes() && !same_up_to_trailing_ones(stored, target.sizes())) {
            report.mismatched.push_back(key + ": file has " + shape_string(stored) + ", model expects " +
                                        shape_string(target.sizes()));
            continue;
        }
        torch::Tensor t = file->read(key).reshape(target.sizes());
        target.copy_(t.to(target.options()));
        ++report.loaded;
    }
    std::set<std::string> ignore(options.ignore_unexpected.begin(), options.ignore_unexpected.end());
    for (const auto& n : source.names())
        if (!used.count(n) && !ignore.count(n) && n.rfind(options.prefix, 0) == 0) report.unexpected.push_back(n);
    if (!report.unexpected.empty())
        log::warn("tint.weights", source.describe() + ": " + std::to_string(report.unexpected.size()) +
                                      " tensor(s) not used by the model, e.g. '" + report.unexpected.front() + "'");
    if (options.strict && !report.ok())
        throw Error(source.describe() + " does not match the model:\n" + report.summary());
    return report;
}

}  // namespace tint::weights
