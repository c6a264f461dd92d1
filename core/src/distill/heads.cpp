#include "distill/heads.h"

#include <cmath>

#include "io/safetensors.h"
#include "tint/Error.h"
#include "weights/state_dict.h"

namespace tint::distill {

namespace {
constexpr const char* kMetadataKey = "tint.head";
constexpr const char* kFormat      = "tint.few_shot_head";
constexpr int kVersion             = 1;
}  // namespace

torch::Tensor l2_normalize(const torch::Tensor& x) {
    // Clamping the norm keeps zero rows at zero instead of NaN.
    return x / x.norm(2, {1}, true).clamp_min(1e-12);
}

torch::Tensor FewShotHead::check_fit_input(const torch::Tensor& features, const torch::Tensor& labels,
                                           std::int64_t num_classes) {
    if (features.dim() != 2 || features.size(0) < 1)
        throw Error(kind() + " head: expected support features [N, D], got " + weights::shape_string(features.sizes()));
    if (labels.dim() != 1 || labels.size(0) != features.size(0))
        throw Error(kind() + " head: expected " + std::to_string(features.size(0)) + " labels, got " +
                    weights::shape_string(labels.sizes()));
    if (num_classes < 2) throw Error(kind() + " head: needs at least 2 classes, got " + std::to_string(num_classes));
    auto y = labels.to(torch::kCPU, torch::kInt64);
    if (y.min().item<std::int64_t>() < 0 || y.max().item<std::int64_t>() >= num_classes)
        throw Error(kind() + " head: labels must lie in [0, " + std::to_string(num_classes) + ")");
    auto counts = torch::bincount(y, {}, num_classes);
    for (std::int64_t c = 0; c < num_classes; ++c)
        if (counts[c].item<std::int64_t>() == 0)
            throw Error(kind() + " head: class " + std::to_string(c) + " has no support features");
    if (!torch::isfinite(features).all().item<bool>()) throw Error(kind() + " head: the support features are not finite");
    return l2_normalize(features.to(torch::kFloat64));
}

torch::Tensor FewShotHead::check_input(const torch::Tensor& features) const {
    if (!fitted()) throw Error(kind() + " head: not fitted");
    if (features.dim() != 2 || features.size(1) != feature_dim_)
        throw Error(kind() + " head: expected features [B, " + std::to_string(feature_dim_) + "], got " +
                    weights::shape_string(features.sizes()));
    return l2_normalize(features.to(torch::kFloat32));
}

// ---- prototype ----

void PrototypeHead::fit(const torch::Tensor& features, const torch::Tensor& labels, std::int64_t num_classes) {
    torch::NoGradGuard no_grad;
    auto x = check_fit_input(features, labels, num_classes).to(torch::kCPU);
    auto y = labels.to(torch::kCPU, torch::kInt64);
    const std::int64_t C = num_classes;
    auto sums   = torch::zeros({C, x.size(1)}, x.options()).index_add_(0, y, x);
    auto counts = torch::bincount(y, {}, C);
    auto protos = l2_normalize(sums);  // the mean's direction equals the sum's

    // Leave-one-out cosines: against the other classes' prototypes, and against the own class's
    // prototype rebuilt without the support itself.
    auto cos   = torch::matmul(x, protos.t());  // [N, C]
    auto own   = l2_normalize(sums.index_select(0, y) - x);
    auto loo   = (x * own).sum(1);
    cos        = cos.scatter(1, y.unsqueeze(1), loo.unsqueeze(1));
    auto valid = counts.index_select(0, y) >= 2;

    double temperature = std::clamp(default_temperature, min_temperature, max_temperature);
    if (valid.any().item<bool>()) {
        auto s  = cos.index({valid});                        // [M, C]
        auto sy = s.gather(1, y.index({valid}).unsqueeze(1)).squeeze(1);
        // The mean cross entropy is convex in t; its derivative E_softmax(t s)[s] - s_y is
        // increasing, so its root (the optimum) is found by bisection, on a log scale.
        auto dloss = [&](double t) { return ((s * t).softmax(1) * s).sum(1).sub(sy).mean().item<double>(); };
        double lo = std::log(min_temperature), hi = std::log(max_temperature);
        if (dloss(min_temperature) >= 0) temperature = min_temperature;
        else if (dloss(max_temperature) <= 0) temperature = max_temperature;
        else {
            for (int it = 0; it < 60; ++it) {
                const double mid = 0.5 * (lo + hi);
                (dloss(std::exp(mid)) < 0 ? lo : hi) = mid;
            }
            temperature = std::exp(0.5 * (lo + hi));
        }
    }
    prototypes_  = protos.to(torch::kFloat32).contiguous();
    temperature_ = temperature;
    fitted_as(num_classes, x.size(1));
}

torch::Tensor PrototypeHead::logits(const torch::Tensor& features) const {
    torch::NoGradGuard no_grad;
    auto x = check_input(features);
    return torch::matmul(x, prototypes_.to(x.device()).t()) * temperature_;
}

std::vector<std::pair<std::string, torch::Tensor>> PrototypeHead::tensors() const {
    return {{"prototypes", prototypes_}};
}

void PrototypeHead::set_tensors(const std::vector<std::pair<std::string, torch::Tensor>>& t, const std::string& where) {
    for (const auto& [name, value] : t)
        if (name == "prototypes") prototypes_ = value.to(torch::kFloat32).contiguous();
    if (!prototypes_.defined()) throw Error(where + ": the tensor 'prototypes' is missing");
    if (prototypes_.sizes() != torch::IntArrayRef{num_classes_, feature_dim_})
        throw Error(where + ": 'prototypes' is " + weights::shape_string(prototypes_.sizes()) + ", expected " +
                    weights::shape_string({num_classes_, feature_dim_}));
}

nlohmann::json PrototypeHead::params() const {
    return {{"temperature", temperature_},
            {"min_temperature", min_temperature},
            {"max_temperature", max_temperature},
            {"default_temperature", default_temperature}};
}

void PrototypeHead::set_params(const nlohmann::json& j, const std::string& where) {
    try {
        temperature_        = j.at("temperature").get<double>();
        min_temperature     = j.value("min_temperature", min_temperature);
        max_temperature     = j.value("max_temperature", max_temperature);
        default_temperature = j.value("default_temperature", default_temperature);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": bad prototype-head parameters (" + e.what() + ")");
    }
    if (!std::isfinite(temperature_) || temperature_ <= 0) throw Error(where + ": the temperature must be positive");
}

// ---- logistic regression ----

void LogisticRegressionHead::fit(const torch::Tensor& features, const torch::Tensor& labels, std::int64_t num_classes) {
    if (!(l2 > 0)) throw Error("logistic_regression head: l2 must be positive (got " + std::to_string(l2) + ")");
    torch::Tensor x, y;
    {
        torch::NoGradGuard no_grad;
        x = check_fit_input(features, labels, num_classes);
        y = labels.to(x.device(), torch::kInt64);
    }
    torch::AutoGradMode grad_on(true);  // fitting may be called from inside a no-grad job
    auto opts = x.options().requires_grad(true);
    auto w    = torch::zeros({num_classes, x.size(1)}, opts);
    auto b    = torch::zeros({num_classes}, opts);
    torch::optim::LBFGS opt({w, b}, torch::optim::LBFGSOptions(1.0)
                                        .max_iter(max_evaluations)
                                        .max_eval(max_evaluations)
                                        .history_size(20)
                                        .tolerance_grad(tolerance)
                                        .tolerance_change(1e-15)
                                        .line_search_fn("strong_wolfe"));
    evaluations_ = 0;
    auto closure = [&] {
        opt.zero_grad();
        auto loss = torch::nn::functional::cross_entropy(torch::addmm(b, x, w.t()), y) + 0.5 * l2 * w.pow(2).sum();
        loss.backward();
        ++evaluations_;
        return loss;
    };
    auto grad_max = [&] {
        torch::NoGradGuard ng;
        return std::max(w.grad().abs().max().item<double>(), b.grad().abs().max().item<double>());
    };
    // L-BFGS can return early on a tiny change of the objective; calling step() again (the
    // optimiser keeps its curvature history) continues until the gradient itself is small. Each
    // call may spend only what is left of the evaluation budget.
    auto& lbfgs_options = static_cast<torch::optim::LBFGSOptions&>(opt.param_groups().front().options());
    for (int round = 0; round < 5 && evaluations_ < max_evaluations; ++round) {
        const int left = max_evaluations - evaluations_;
        lbfgs_options.max_iter(left).max_eval(left);
        opt.step(closure);
        closure();
        grad_norm_ = grad_max();
        if (grad_norm_ <= tolerance) break;
    }
    torch::NoGradGuard no_grad;
    weight_ = w.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    bias_   = b.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    fitted_as(num_classes, x.size(1));
}

torch::Tensor LogisticRegressionHead::logits(const torch::Tensor& features) const {
    torch::NoGradGuard no_grad;
    auto x = check_input(features);
    return torch::addmm(bias_.to(x.device()), x, weight_.to(x.device()).t());
}

std::vector<std::pair<std::string, torch::Tensor>> LogisticRegressionHead::tensors() const {
    return {{"weight", weight_}, {"bias", bias_}};
}

void LogisticRegressionHead::set_tensors(const std::vector<std::pair<std::string, torch::Tensor>>& t,
                                         const std::string& where) {
    for (const auto& [name, value] : t) {
        if (name == "weight") weight_ = value.to(torch::kFloat32).contiguous();
        if (name == "bias") bias_ = value.to(torch::kFloat32).contiguous();
    }
    if (!weight_.defined() || !bias_.defined()) throw Error(where + ": the tensors 'weight' and 'bias' are required");
    if (weight_.sizes() != torch::IntArrayRef{num_classes_, feature_dim_} || bias_.sizes() != torch::IntArrayRef{num_classes_})
        throw Error(where + ": 'weight' " + weights::shape_string(weight_.sizes()) + " and 'bias' " +
                    weights::shape_string(bias_.sizes()) + " do not fit " + std::to_string(num_classes_) + " classes of " +
                    std::to_string(feature_dim_) + " features");
}

nlohmann::json LogisticRegressionHead::params() const {
    return {{"l2", l2}, {"tolerance", tolerance}, {"max_evaluations", max_evaluations},
            {"evaluations", evaluations_}, {"gradient_max", grad_norm_}};
}

void LogisticRegressionHead::set_params(const nlohmann::json& j, const std::string& where) {
    try {
        l2              = j.value("l2", l2);
        tolerance       = j.value("tolerance", tolerance);
        max_evaluations = j.value("max_evaluations", max_evaluations);
        evaluations_    = j.value("evaluations", 0);
        grad_norm_      = j.value("gradient_max", 0.0);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": bad logistic-regression parameters (" + e.what() + ")");
    }
}

// ---- persistence ----

std::unique_ptr<FewShotHead> make_head(const std::string& kind) {
    if (kind == "prototype") return std::make_unique<PrototypeHead>();
    if (kind == "logistic_regression") return std::make_unique<LogisticRegressionHead>();
    throw Error("unknown few-shot head '" + kind + "' (prototype, logistic_regression)");
}

void FewShotHead::save(const std::string& path) const {
    if (!fitted()) throw Error("cannot write '" + path + "': the " + kind() + " head is not fitted");
    nlohmann::json meta = {{"format", kFormat},
                           {"version", kVersion},
                           {"kind", kind()},
                           {"num_classes", num_classes_},
                           {"feature_dim", feature_dim_},
                           {"teacher_identity", info.teacher_identity},
                           {"class_names", info.class_names},
                           {"params", params()}};
    io::save_safetensors(path, tensors(), {{kMetadataKey, meta.dump()}});
}

std::unique_ptr<FewShotHead> FewShotHead::load(const std::string& path) {
    auto file = io::SafetensorsFile::open(path);
    auto it   = file.metadata().find(kMetadataKey);
    if (it == file.metadata().end()) throw Error("'" + path + "' is not a few-shot head (no '" + kMetadataKey + "' metadata)");
    nlohmann::json meta;
    try {
        meta = nlohmann::json::parse(it->second);
    } catch (const nlohmann::json::exception& e) {
        throw Error("'" + path + "': the head metadata is not valid JSON (" + e.what() + ")");
    }
    std::unique_ptr<FewShotHead> head;
    try {
        if (meta.at("format").get<std::string>() != kFormat) throw Error("'" + path + "': unknown format");
        if (meta.at("version").get<int>() > kVersion)
            throw Error("'" + path + "': written by a newer version (head format " + std::to_string(meta.at("version").get<int>()) + ")");
        head               = make_head(meta.at("kind").get<std::string>());
        head->num_classes_ = meta.at("num_classes").get<std::int64_t>();
        head->feature_dim_ = meta.at("feature_dim").get<std::int64_t>();
        head->info.teacher_identity = meta.value("teacher_identity", std::string());
        head->info.class_names      = meta.value("class_names", std::vector<std::string>());
        head->set_params(meta.value("params", nlohmann::json::object()), path);
    } catch (const nlohmann::json::exception& e) {
        throw Error("'" + path + "': bad head metadata (" + e.what() + ")");
    }
    if (head->num_classes_ < 2 || head->feature_dim_ < 1) throw Error("'" + path + "': bad head sizes");
    if (!head->info.class_names.empty() && static_cast<std::int64_t>(head->info.class_names.size()) != head->num_classes_)
        throw Error("'" + path + "': " + std::to_string(head->info.class_names.size()) + " class names for " +
                    std::to_string(head->num_classes_) + " classes");
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& t : file.tensors()) tensors.emplace_back(t.name, file.read(t.name));
    head->set_tensors(tensors, path);
    return head;
}

}  // namespace tint::distill
