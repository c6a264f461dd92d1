#include "distill/evaluation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <filesystem>
#include <numeric>
#include <random>

#include "distill/heads.h"
#include "distill/teacher.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"
#include "tint/JobContext.h"

namespace tint::distill {

namespace {
constexpr double kZ95 = 1.96;

// Files are decoded this many at a time, so that a folder of large photos is never held in memory
// at full size all at once.
constexpr std::size_t kDecodeChunk = 32;

void report_file(JobContext* ctx, std::size_t i, std::size_t n, const std::string& file) {
    if (!ctx) return;
    ctx->throw_if_cancelled();
    Progress p;
    p.stage   = "evaluate";
    p.step    = static_cast<long long>(i);
    p.total   = static_cast<long long>(n);
    p.message = file;
    ctx->report(p);
}

torch::Tensor labels_tensor(const std::vector<std::int64_t>& labels) {
    return torch::tensor(labels, torch::kInt64);
}

// No images: count 0, an all-zero confusion matrix.
Evaluation empty_evaluation(std::int64_t num_classes) {
    Evaluation e;
    e.confusion.assign(static_cast<std::size_t>(std::max<std::int64_t>(num_classes, 0)),
                       std::vector<std::int64_t>(static_cast<std::size_t>(std::max<std::int64_t>(num_classes, 0)), 0));
    return e;
}
}  // namespace

Evaluation evaluate_predictions(const torch::Tensor& predicted, const torch::Tensor& labels, std::int64_t num_classes,
                                const torch::Tensor& teacher_predicted) {
    if (predicted.dim() != 1 || labels.dim() != 1 || predicted.size(0) != labels.size(0))
        throw Error("evaluation: predictions and labels must be vectors of one length");
    if (teacher_predicted.defined() && teacher_predicted.sizes() != predicted.sizes())
        throw Error("evaluation: the teacher's predictions do not match the student's in length");
    Evaluation ev;
    ev.count = predicted.size(0);
    ev.confusion.assign(static_cast<std::size_t>(num_classes), std::vector<std::int64_t>(static_cast<std::size_t>(num_classes), 0));
    const torch::Tensor p = predicted.to(torch::kCPU, torch::kInt64).contiguous();
    const torch::Tensor y = labels.to(torch::kCPU, torch::kInt64).contiguous();
    std::int64_t correct = 0, agree = 0;
    for (std::int64_t i = 0; i < ev.count; ++i) {
        const std::int64_t pi = p.data_ptr<std::int64_t>()[i], yi = y.data_ptr<std::int64_t>()[i];
        if (yi < 0 || yi >= num_classes || pi < 0 || pi >= num_classes)
            throw Error("evaluation: label or prediction " + std::to_string(std::max(pi, yi)) + " outside [0, " +
                        std::to_string(num_classes) + ")");
        ++ev.confusion[static_cast<std::size_t>(yi)][static_cast<std::size_t>(pi)];
        correct += pi == yi;
    }
    ev.accuracy = ev.count ? static_cast<double>(correct) / static_cast<double>(ev.count) : 0.0;
    if (teacher_predicted.defined()) {
        const torch::Tensor t = teacher_predicted.to(torch::kCPU, torch::kInt64).contiguous();
        for (std::int64_t i = 0; i < ev.count; ++i) agree += t.data_ptr<std::int64_t>()[i] == p.data_ptr<std::int64_t>()[i];
        ev.agreement = ev.count ? static_cast<double>(agree) / static_cast<double>(ev.count) : 0.0;
    }
    return ev;
}

std::vector<cv::Mat> evaluation_views(const std::vector<cv::Mat>& images, int size) {
    AugmentOptions opt;
    opt.size                  = cv::Size(size, size);
    opt.turn_off();
    std::mt19937_64 rng(0);  // unused by a deterministic pipeline, required by the signature
    std::vector<cv::Mat> out;
    out.reserve(images.size());
    for (const auto& m : images) out.push_back(augment(m, opt, rng));
    return out;
}

torch::Tensor normalized_pixels(const std::vector<cv::Mat>& views, const Normalization& norm) {
    const auto n      = static_cast<std::int64_t>(views.size());
    const int h       = views.empty() ? 0 : views.front().rows;
    const int w       = views.empty() ? 0 : views.front().cols;
    torch::Tensor out = torch::empty({n, 3, h, w}, torch::kFloat32);
    for (std::int64_t i = 0; i < n; ++i) {
        const cv::Mat& v = views[static_cast<std::size_t>(i)];
        if (v.rows != h || v.cols != w) throw Error("evaluation: images of different sizes cannot share one batch");
        normalize_to_chw(v, norm, out.data_ptr<float>() + i * 3 * h * w);
    }
    return out;
}

torch::Tensor evaluation_pixels(const std::vector<cv::Mat>& images, int size, const Normalization& norm) {
    if (images.empty()) return torch::empty({0, 3, size, size}, torch::kFloat32);
    return normalized_pixels(evaluation_views(images, size), norm);
}

torch::Tensor evaluation_pixels(const std::vector<std::string>& files, int size, const Normalization& norm, JobContext* ctx) {
    std::vector<torch::Tensor> parts;
    for (std::size_t s = 0; s < files.size(); s += kDecodeChunk) {
        std::vector<cv::Mat> mats;
        for (std::size_t i = s; i < std::min(files.size(), s + kDecodeChunk); ++i) {
            report_file(ctx, i, files.size(), files[i]);
            mats.push_back(to_mat(load_image_rgb(files[i])));
        }
        parts.push_back(evaluation_pixels(mats, size, norm));
    }
    if (parts.empty()) return torch::empty({0, 3, size, size}, torch::kFloat32);
    return torch::cat(parts, 0);
}

namespace {
// f(student, chunk) over `pixels` in chunks of batch_size, in eval mode without gradients; the
// student's mode is restored and the rows come back as float32 on the CPU.
template <typename F>
torch::Tensor in_batches(nn::StudentImpl& student, const torch::Tensor& pixels, int batch_size, F f) {
    const bool was_training = student.is_training();
    student.eval();
    torch::NoGradGuard no_grad;
    torch::Device device = torch::kCPU;
    for (const auto& p : student.parameters()) {
        device = p.device();
        break;
    }
    std::vector<torch::Tensor> parts;
    const std::int64_t bs = std::max(1, batch_size);
    for (std::int64_t s = 0; s < pixels.size(0); s += bs) {
        const auto chunk = pixels.slice(0, s, std::min(pixels.size(0), s + bs)).to(device);
        parts.push_back(f(chunk).to(torch::kCPU, torch::kFloat32));
    }
    student.train(was_training);
    if (parts.empty()) return torch::zeros({0, 0}, torch::kFloat32);
    return torch::cat(parts, 0);
}
}  // namespace

torch::Tensor student_logits(nn::StudentImpl& student, const torch::Tensor& pixels, int batch_size) {
    return in_batches(student, pixels, batch_size, [&](const torch::Tensor& x) { return student.forward(x); });
}

torch::Tensor student_features(nn::StudentImpl& student, const torch::Tensor& pixels, int batch_size) {
    return in_batches(student, pixels, batch_size, [&](const torch::Tensor& x) { return student.features(x); });
}

torch::Tensor row_cosine(const torch::Tensor& a, const torch::Tensor& b) {
    return (a * b).sum(1) / (a.norm(2, 1) * b.norm(2, 1)).clamp_min(1e-12);
}

double mean_cosine(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.dim() != 2 || a.sizes() != b.sizes())
        throw Error("mean cosine: both inputs must be [N, D] of one shape");
    if (a.size(0) == 0) return 0.0;
    return row_cosine(a.to(torch::kCPU, torch::kFloat64), b.to(torch::kCPU, torch::kFloat64)).mean().item<double>();
}

Evaluation evaluate_student(nn::StudentImpl& student, const std::vector<std::string>& files,
                            const std::vector<std::int64_t>& labels, std::int64_t num_classes, int input_size,
                            const Normalization& norm, const torch::Tensor& teacher_probs, JobContext* ctx) {
    if (files.size() != labels.size()) throw Error("evaluation: " + std::to_string(files.size()) + " files but " +
                                                   std::to_string(labels.size()) + " labels");
    if (files.empty()) return empty_evaluation(num_classes);
    const torch::Tensor logits = student_logits(student, evaluation_pixels(files, input_size, norm, ctx));
    torch::Tensor teacher_pred;
    if (teacher_probs.defined()) teacher_pred = teacher_probs.argmax(1);
    return evaluate_predictions(logits.argmax(1), labels_tensor(labels), num_classes, teacher_pred);
}

Evaluation evaluate_teacher(Teacher& teacher, const FewShotHead& head, const std::vector<std::string>& files,
                            const std::vector<std::int64_t>& labels, JobContext* ctx) {
    if (files.size() != labels.size()) throw Error("evaluation: " + std::to_string(files.size()) + " files but " +
                                                   std::to_string(labels.size()) + " labels");
    if (files.empty()) return empty_evaluation(head.num_classes());
    std::vector<torch::Tensor> preds;
    for (std::size_t s = 0; s < files.size(); s += kDecodeChunk) {
        std::vector<ImageU8> images;
        for (std::size_t i = s; i < std::min(files.size(), s + kDecodeChunk); ++i) {
            report_file(ctx, i, files.size(), files[i]);
            images.push_back(load_image_rgb(files[i]));
        }
        preds.push_back(head.predict_proba(teacher.features(images)).argmax(1));  // progress: per file, above
    }
    const torch::Tensor pred = torch::cat(preds, 0);
    return evaluate_predictions(pred, labels_tensor(labels), head.num_classes(), pred);
}

// ---- episodes ----

double episode_mean_variance(double mean, double sigma2, std::int64_t episodes, std::int64_t queries) {
    const double M = static_cast<double>(queries);
    return (sigma2 * (1.0 - 1.0 / M) + mean * (1.0 - mean) / M) / static_cast<double>(episodes);
}

EpisodeStatistics episode_statistics(const std::vector<double>& accuracies, std::int64_t queries_per_episode) {
    if (accuracies.size() < 2) throw Error("episode statistics: at least two episodes are needed");
    if (queries_per_episode < 1) throw Error("episode statistics: an episode needs at least one query");
    for (double a : accuracies)
        if (!(a >= 0.0 && a <= 1.0)) throw Error("episode statistics: accuracy " + std::to_string(a) + " outside [0, 1]");
    EpisodeStatistics st;
    st.episodes    = static_cast<std::int64_t>(accuracies.size());
    st.queries     = queries_per_episode;
    const double E = static_cast<double>(st.episodes), M = static_cast<double>(st.queries);
    st.mean        = std::accumulate(accuracies.begin(), accuracies.end(), 0.0) / E;
    double ss      = 0.0;
    for (double a : accuracies) ss += (a - st.mean) * (a - st.mean);
    st.sample_variance = ss / (E - 1.0);
    // Remove the binomial part of the spread; what is left is the spread of the true accuracies.
    st.sigma2 = st.queries > 1 ? std::max(0.0, (st.sample_variance - st.mean * (1.0 - st.mean) / M) / (1.0 - 1.0 / M)) : 0.0;
    st.variance_mean = episode_mean_variance(st.mean, st.sigma2, st.episodes, st.queries);
    st.half_width    = kZ95 * std::sqrt(st.variance_mean);
    st.lower         = st.mean - st.half_width;
    st.upper         = st.mean + st.half_width;
    return st;
}

EpisodePlan recommend_episodes(double mean, double sigma2, double target_half_width, std::int64_t max_queries,
                               double query_cost, std::int64_t min_episodes, std::int64_t query_step) {
    if (!(target_half_width > 0.0)) throw Error("episode plan: the target half-width must be positive");
    if (query_step < 1) throw Error("episode plan: the query step must be positive");
    if (max_queries < query_step) throw Error("episode plan: at least one query per class and episode is needed");
    if (!(mean >= 0.0 && mean <= 1.0) || !(sigma2 >= 0.0)) throw Error("episode plan: mean or variance out of range");
    EpisodePlan best;
    best.cost = std::numeric_limits<double>::infinity();
    const double per_var = (target_half_width / kZ95) * (target_half_width / kZ95);
    for (std::int64_t M = query_step; M <= max_queries; M += query_step) {
        const double v1 = episode_mean_variance(mean, sigma2, 1, M);  // one episode's variance
        const double e  = std::max<double>(static_cast<double>(std::max<std::int64_t>(1, min_episodes)), std::ceil(v1 / per_var - 1e-9));
        if (e > 1e12) throw Error("episode plan: the target half-width is too small to plan for");
        const double cost = e * (1.0 + query_cost * static_cast<double>(M));
        if (cost < best.cost) {
            best.cost       = cost;
            best.queries    = M;
            best.episodes   = static_cast<std::int64_t>(e);
            best.half_width = kZ95 * std::sqrt(v1 / e);
        }
    }
    return best;
}

EpisodeSampler::EpisodeSampler(const std::string& root) : root_(root) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw Error("episode sampler: '" + root + "' is not a folder");
    // Every listing error names its folder: a class folder that cannot be read is not silently left out.
    auto entries = [](const fs::path& dir) {
        std::vector<fs::directory_entry> out;
        std::error_code lec;
        fs::directory_iterator it(dir, lec), end;
        for (; !lec && it != end; it.increment(lec)) out.push_back(*it);
        if (lec) throw Error("episode sampler: cannot list '" + dir.string() + "': " + lec.message());
        return out;
    };
    std::vector<fs::path> dirs;
    for (const auto& e : entries(root)) {
        std::error_code dec;
        if (e.is_directory(dec)) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
        std::vector<std::string> files;
        for (const auto& e : entries(d)) {
            std::error_code fec;
            if (!e.is_regular_file(fec)) continue;
            std::string ext = e.path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp" || ext == ".tif" ||
                ext == ".tiff")
                files.push_back(e.path().string());
        }
        if (files.empty()) continue;
        std::sort(files.begin(), files.end());
        classes_.push_back(d.filename().string());
        files_.push_back(std::move(files));
    }
}

Episode EpisodeSampler::sample(int n_way, int k_shot, int q_query, std::uint64_t seed, std::uint64_t index) const {
    if (n_way < 1 || k_shot < 1 || q_query < 0) throw Error("episode sampler: need N >= 1, K >= 1, Q >= 0");
    const std::size_t need = static_cast<std::size_t>(k_shot + q_query);
    std::vector<std::size_t> eligible;
    for (std::size_t c = 0; c < classes_.size(); ++c)
        if (files_[c].size() >= need) eligible.push_back(c);
    if (eligible.size() < static_cast<std::size_t>(n_way))
        throw Error("episode sampler: '" + root_ + "' has " + std::to_string(eligible.size()) + " classes with at least " +
                    std::to_string(need) + " images, " + std::to_string(n_way) + " needed");
    std::mt19937_64 rng(mix_seed(seed, index, 0xe915ULL));
    // Partial Fisher-Yates with the portable uniform_int: the first n entries are the draw.
    auto draw = [&](std::vector<std::size_t>& v, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            std::swap(v[i], v[static_cast<std::size_t>(uniform_int(rng, static_cast<std::int64_t>(i), static_cast<std::int64_t>(v.size()) - 1))]);
    };
    draw(eligible, static_cast<std::size_t>(n_way));
    Episode ep;
    for (int c = 0; c < n_way; ++c) {
        const std::size_t cls = eligible[static_cast<std::size_t>(c)];
        ep.classes.push_back(classes_[cls]);
        std::vector<std::size_t> idx(files_[cls].size());
        std::iota(idx.begin(), idx.end(), 0);
        draw(idx, need);
        for (std::size_t i = 0; i < need; ++i) {
            const std::string& f = files_[cls][idx[i]];
            if (i < static_cast<std::size_t>(k_shot)) {
                ep.support_files.push_back(f);
                ep.support_labels.push_back(c);
            } else {
                ep.query_files.push_back(f);
                ep.query_labels.push_back(c);
            }
        }
    }
    return ep;
}

ValidationFiles validation_files(const ProjectData& project, const std::string& dir) {
    const auto lower = [](const std::string& t) { return lower_ascii(t); };
    ValidationFiles out;
    std::error_code ec;
    for (const auto& cf : scan_class_folders(dir)) {
        std::int64_t label = -1;
        for (std::size_t i = 0; i < project.classes.size(); ++i)
            if (lower(project.classes[i].name) == lower(cf.class_name)) label = static_cast<std::int64_t>(i);
        if (label < 0) {
            out.ignored.push_back(cf.class_name);
            continue;
        }
        for (const auto& f : cf.files) {
            bool is_support = false;  // a support imported from this folder is not validation data
            for (const auto& c : project.classes)
                for (const auto& s : c.supports)
                    if (!s.source.empty() && std::filesystem::equivalent(s.source, f, ec)) is_support = true;
            if (is_support) continue;
            out.files.push_back(f);
            out.labels.push_back(label);
        }
    }
    return out;
}

}  // namespace tint::distill
