#include "distill/soft_labels.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "distill/heads.h"
#include "distill/teacher.h"
#include "io/safetensors.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"
#include "tint/JobContext.h"

namespace tint::distill {

namespace {

constexpr const char* kMetaKey = "tint.soft_labels";
constexpr int kFormat          = 1;

void append_tensor_bytes(std::vector<std::uint8_t>& out, const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto* p         = static_cast<const std::uint8_t*>(c.data_ptr());
    out.insert(out.end(), p, p + c.numel() * static_cast<std::int64_t>(sizeof(float)));
}

void append_text(std::vector<std::uint8_t>& out, const std::string& s) {
    out.insert(out.end(), s.begin(), s.end());
    out.push_back(0);
}

// A double written so that it reads back to the same value (std::to_string keeps 6 decimals).
std::string exact_text(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return buf;
}

}  // namespace

std::string head_hash(const FewShotHead& head) {
    if (!head.fitted()) throw Error("soft labels: the few-shot head is not fitted");
    std::vector<std::uint8_t> bytes;
    append_text(bytes, head.kind());
    append_text(bytes, std::to_string(head.num_classes()) + "x" + std::to_string(head.feature_dim()));
    if (const auto* lr = dynamic_cast<const LogisticRegressionHead*>(&head)) {
        append_text(bytes, exact_text(lr->l2));
        append_tensor_bytes(bytes, lr->weight());
        append_tensor_bytes(bytes, lr->bias());
    } else if (const auto* proto = dynamic_cast<const PrototypeHead*>(&head)) {
        append_text(bytes, exact_text(proto->temperature()));
        append_tensor_bytes(bytes, proto->prototypes());
    } else {
        // An unknown head type: its own serialisation is the most complete description we have.
        const std::string tmp = (std::filesystem::temp_directory_path() /
                                 ("tint-head-hash-" + std::to_string(reinterpret_cast<std::uintptr_t>(&head)) + ".safetensors"))
                                    .string();
        head.save(tmp);
        const auto saved = read_file_bytes(tmp);
        std::filesystem::remove(tmp);
        bytes.insert(bytes.end(), saved.begin(), saved.end());
    }
    return content_hash(bytes);
}

SoftLabels soft_labels(Teacher& teacher, const FewShotHead& head, const std::vector<std::string>& files,
                       const std::vector<std::string>& class_names, const std::string& cache_path, JobContext* ctx,
                       const SoftLabelOptions& options) {
    if (!head.fitted()) throw Error("soft labels for '" + cache_path + "': the few-shot head is not fitted");
    if (static_cast<std::int64_t>(class_names.size()) != head.num_classes())
        throw Error("soft labels for '" + cache_path + "': " + std::to_string(class_names.size()) +
                    " class names for a head of " + std::to_string(head.num_classes()) + " classes");
    if (head.feature_dim() != teacher.feature_dim())
        throw Error("soft labels for '" + cache_path + "': the head expects " + std::to_string(head.feature_dim()) +
                    " features, the teacher gives " + std::to_string(teacher.feature_dim()));
    if (!head.info.teacher_identity.empty() && head.info.teacher_identity != teacher.identity())
        throw Error("soft labels for '" + cache_path + "': the head was fitted on another teacher's features");

    // What the cached labels must have been made from. Content hashes catch a file replaced under
    // the same name (a re-generated synthetic image).
    nlohmann::json want;
    want["format"]           = kFormat;
    want["teacher_identity"] = teacher.identity();
    want["head_hash"]        = head_hash(head);
    want["class_names"]      = class_names;
    nlohmann::json entries   = nlohmann::json::array();
    for (const auto& f : files) {
        if (ctx) ctx->throw_if_cancelled();
        entries.push_back({{"path", f}, {"hash", content_hash(read_file_bytes(f))}});
    }
    want["files"] = entries;

    SoftLabels out;
    out.reason = "no cache file";
    if (std::filesystem::exists(cache_path)) {
        try {
            const auto file = io::SafetensorsFile::open(cache_path);
            const auto it   = file.metadata().find(kMetaKey);
            if (it == file.metadata().end()) throw Error("no '" + std::string(kMetaKey) + "' metadata");
            const auto have = nlohmann::json::parse(it->second);
            if (have.value("format", 0) != kFormat) {
                out.reason = "cache format changed";
            } else if (have.at("teacher_identity") != want["teacher_identity"]) {
                out.reason = "teacher changed";
            } else if (have.at("head_hash") != want["head_hash"]) {
                out.reason = "head changed";
            } else if (have.at("class_names") != want["class_names"]) {
                out.reason = "class names changed";
            } else if (have.at("files") != want["files"]) {
                // Say what differs: the list (added / removed / reordered) or a file's content.
                std::map<std::string, std::string> old_files;
                for (const auto& e : have.at("files")) old_files[e.at("path")] = e.at("hash");
                std::size_t added = 0, changed = 0;
                std::string first_changed;
                for (const auto& e : entries) {
                    const auto o = old_files.find(e.at("path"));
                    if (o == old_files.end()) {
                        ++added;
                    } else {
                        if (o->second != e.at("hash").get<std::string>()) {
                            if (changed++ == 0) first_changed = o->first;
                        }
                        old_files.erase(o);
                    }
                }
                const std::size_t removed = old_files.size();
                if (added || removed)
                    out.reason = "file list changed (" + std::to_string(added) + " added, " + std::to_string(removed) +
                                 " removed)";
                else if (changed)
                    out.reason = "content changed of " + std::to_string(changed) + " file(s), first '" + first_changed + "'";
                else
                    out.reason = "file order changed";
            } else if (options.with_features && !file.contains("features")) {
                out.reason = "teacher features not cached";
            } else {
                torch::Tensor p = file.read("probabilities").to(torch::kFloat32);
                if (p.dim() != 2 || p.size(0) != static_cast<std::int64_t>(files.size()) ||
                    p.size(1) != head.num_classes())
                    throw Error("'probabilities' has an unexpected shape");
                // Safetensors carry no checksum: damaged bytes must not reach the loss as NaN or
                // as rows that are not distributions.
                if (p.size(0) > 0) {
                    if (!torch::isfinite(p).all().item<bool>() || p.min().item<float>() < 0.0f || p.max().item<float>() > 1.0f)
                        throw Error("'probabilities' holds values outside [0, 1]");
                    if ((p.to(torch::kFloat64).sum(1) - 1.0).abs().max().item<double>() > 1e-3)
                        throw Error("'probabilities' has rows that do not sum to 1");
                }
                if (options.with_features) {
                    torch::Tensor f = file.read("features").to(torch::kFloat32);
                    if (f.dim() != 2 || f.size(0) != p.size(0) || f.size(1) != teacher.feature_dim())
                        throw Error("'features' has an unexpected shape");
                    if (!torch::isfinite(f).all().item<bool>()) throw Error("'features' holds values that are not finite");
                    out.features = f.contiguous();
                }
                out.probabilities = p.contiguous();
                out.reused        = true;
                out.reason.clear();
                return out;
            }
        } catch (const Error& e) {
            out.reason = std::string("cache unreadable: ") + e.what();
        } catch (const std::exception& e) {
            out.reason = std::string("cache unreadable: ") + e.what();
        }
    }

    const std::int64_t n  = static_cast<std::int64_t>(files.size());
    const std::int64_t bs = std::max(1, options.batch_size);
    std::vector<torch::Tensor> parts, feature_parts;
    for (std::int64_t start = 0; start < n; start += bs) {
        if (ctx) {
            ctx->throw_if_cancelled();
            Progress pr;
            pr.stage   = "soft_labels";
            pr.step    = start;
            pr.total   = n;
            pr.message = files[static_cast<std::size_t>(start)];
            ctx->report(pr);
        }
        const std::int64_t end = std::min(n, start + bs);
        std::vector<ImageU8> images;
        for (std::int64_t i = start; i < end; ++i) images.push_back(load_image_rgb(files[static_cast<std::size_t>(i)]));
        torch::NoGradGuard no_grad;
        const torch::Tensor feats = teacher.features(images);
        parts.push_back(head.predict_proba(feats).to(torch::kCPU, torch::kFloat32));
        if (options.with_features) feature_parts.push_back(feats.to(torch::kCPU, torch::kFloat32));
    }
    out.probabilities = n > 0 ? torch::cat(parts, 0).contiguous() : torch::zeros({0, head.num_classes()}, torch::kFloat32);
    if (options.with_features)
        out.features = n > 0 ? torch::cat(feature_parts, 0).contiguous() : torch::zeros({0, teacher.feature_dim()}, torch::kFloat32);
    if (ctx) {
        Progress pr;
        pr.stage = "soft_labels";
        pr.step = pr.total = n;
        ctx->report(pr);
    }
    std::vector<std::pair<std::string, torch::Tensor>> tensors{{"probabilities", out.probabilities}};
    if (options.with_features) tensors.emplace_back("features", out.features);
    io::save_safetensors(cache_path, tensors, {{kMetaKey, want.dump()}});
    return out;
}

}  // namespace tint::distill
