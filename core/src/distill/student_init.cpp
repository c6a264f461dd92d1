#include "distill/student_init.h"

#include <filesystem>
#include <functional>
#include <map>

#include "distill/teacher.h"
#include "io/safetensors.h"
#include "nn/imagenet_mobilenet.h"
#include "nn/students.h"
#include "tint/Error.h"
#include "weights/state_dict.h"

namespace fs = std::filesystem;

namespace tint::distill {

void freeze_batchnorm(torch::nn::Module& module) {
    for (const auto& m : module.modules(/*include_self=*/true))
        if (dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) m->eval();
}

namespace {

std::vector<std::int64_t> uniform_selection(std::int64_t full, std::int64_t kept) {
    if (kept < 1 || kept > full)
        throw Error("weight selection: cannot keep " + std::to_string(kept) + " of " + std::to_string(full) + " channels");
    std::vector<std::int64_t> idx(static_cast<std::size_t>(kept));
    for (std::int64_t k = 0; k < kept; ++k) idx[static_cast<std::size_t>(k)] = (k * full) / kept;
    return idx;
}

torch::Tensor select_weights(const torch::Tensor& full, torch::IntArrayRef target) {
    if (full.dim() != static_cast<std::int64_t>(target.size()))
        throw Error("weight selection: " + weights::shape_string(full.sizes()) + " cannot become " + weights::shape_string(target));
    torch::Tensor out = full;
    for (std::int64_t d = 0; d < full.dim(); ++d) {
        if (target[static_cast<std::size_t>(d)] == full.size(d)) continue;
        if (target[static_cast<std::size_t>(d)] > full.size(d))
            throw Error("weight selection: " + weights::shape_string(full.sizes()) + " cannot become " + weights::shape_string(target));
        out = out.index_select(d, torch::tensor(uniform_selection(full.size(d), target[static_cast<std::size_t>(d)]), torch::kInt64));
    }
    return out;
}

using BnVisitor = std::function<void(torch::nn::BatchNorm2dImpl&, const torch::Tensor&)>;

/// The MobileNetV2 student's forward, module by module, showing each BatchNorm its input first.
torch::Tensor walk(torch::nn::Module& m, torch::Tensor x, const BnVisitor& on_bn) {
    if (auto* ir = dynamic_cast<nn::InvertedResidualImpl*>(&m)) {
        torch::Tensor y = walk(*ir->conv, x, on_bn);
        return ir->use_res_connect ? x + y : y;
    }
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(&m)) {
        on_bn(*bn, x);
        return bn->forward(x);
    }
    if (auto* seq = dynamic_cast<torch::nn::SequentialImpl*>(&m)) {
        for (const auto& c : seq->children()) x = walk(*c, x, on_bn);
        return x;
    }
    if (auto* conv = dynamic_cast<torch::nn::Conv2dImpl*>(&m)) return conv->forward(x);
    if (auto* r = dynamic_cast<nn::ReLU6Impl*>(&m)) return r->forward(x);
    throw Error("weight selection: unexpected module '" + m.name() + "' in the MobileNetV2 student");
}

/// Gives every BatchNorm of the narrow student the statistics its selected channels have in the
/// full network: on the calibration images, channel c's input (mean m_s, std s_s) is mapped to the
/// full network's (m_f, s_f) of the channel it was selected from, before the folded bias b:
/// y = (x - m_s) s_f / s_s + m_f + b. Layer by layer, so each layer sees the corrected ones before.
void match_statistics(nn::MobileNetV2Impl& narrow, nn::MobileNetV2Impl& full, const torch::Tensor& pixels) {
    torch::NoGradGuard no_grad;
    narrow.eval();
    full.eval();
    std::vector<std::pair<torch::Tensor, torch::Tensor>> full_stats;  // per BatchNorm: mean, variance of its input
    walk(*full.features_, pixels, [&](torch::nn::BatchNorm2dImpl&, const torch::Tensor& x) {
        const torch::Tensor xd = x.to(torch::kFloat64);
        full_stats.emplace_back(xd.mean({0, 2, 3}), xd.var({0, 2, 3}, /*unbiased=*/false));
    });
    std::size_t i = 0;
    walk(*narrow.features_, pixels, [&](torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x) {
        if (i >= full_stats.size()) throw Error("weight selection: the narrow student has more BatchNorm layers than the full one");
        const auto& [mf_all, vf_all] = full_stats[i++];
        const torch::Tensor sel = torch::tensor(uniform_selection(mf_all.size(0), x.size(1)), torch::kInt64);
        const torch::Tensor mf = mf_all.index_select(0, sel), sf = vf_all.index_select(0, sel).sqrt();
        const torch::Tensor xd = x.to(torch::kFloat64);
        const torch::Tensor ms = xd.mean({0, 2, 3}), vs = xd.var({0, 2, 3}, false);
        const double eps       = bn.options.eps();
        // weight / sqrt(vs + eps) = sf / ss; a channel that is constant here gives the full mean.
        const torch::Tensor gain = torch::where(vs > 1e-12, sf * (vs + eps).sqrt() / vs.clamp_min(1e-12).sqrt(), torch::zeros_like(vs));
        bn.running_mean.copy_(ms);
        bn.running_var.copy_(vs);
        bn.bias.copy_(mf + bn.bias.to(torch::kFloat64));
        bn.weight.copy_(gain);
    });
    if (i != full_stats.size()) throw Error("weight selection: the narrow student has fewer BatchNorm layers than the full one");
}

}  // namespace

void init_student_from_imagenet(nn::StudentImpl& student, const std::string& imagenet_mobilenet, const Normalization& norm,
                                const torch::Tensor& calibration_pixels) {
    auto* mnv2 = dynamic_cast<nn::MobileNetV2Impl*>(&student);
    if (!mnv2) throw Error("ImageNet initialisation exists only for the MobileNetV2 student");
    const auto* stem = student.named_parameters(true).find("features.0.0.weight");
    if (mnv2->feature_dim() != 1280 || !stem || stem->size(0) > 32)
        throw Error("ImageNet initialisation needs the MobileNetV2 student at a width of at most 1.0 (the shipped weights' width)");
    const bool narrower = stem->size(0) < 32;
    if (narrower && (!calibration_pixels.defined() || calibration_pixels.dim() != 4 || calibration_pixels.size(0) < 2))
        throw Error("ImageNet initialisation of a narrower MobileNetV2 needs calibration images (at least two)");
    std::error_code ec;
    const fs::path file = fs::is_directory(imagenet_mobilenet, ec) ? fs::path(imagenet_mobilenet) / kImageNetMobileNetV2File
                                                                   : fs::path(imagenet_mobilenet);
    if (!fs::exists(file, ec)) throw Error("ImageNet initialisation: '" + file.string() + "' does not exist");

    nn::ImageNetMobileNetV2 src;
    weights::TensorSource ts;
    ts.add(io::SafetensorsFile::open(file.string()));
    weights::load_module(*src, ts);

    std::map<std::string, torch::Tensor> dst;
    for (const auto& p : student.named_parameters(true)) dst[p.key()] = p.value();
    for (const auto& b : student.named_buffers(true)) dst[b.key()] = b.value();
    torch::NoGradGuard no_grad;
    auto set = [&](const std::string& key, const torch::Tensor& value) {
        auto it = dst.find(key);
        if (it == dst.end()) throw Error("ImageNet initialisation: the student has no tensor '" + key + "'");
        if (narrower && it->second.sizes() != value.sizes() && it->second.dim() == value.dim()) {
            it->second.copy_(select_weights(value, it->second.sizes()).to(it->second.device(), it->second.scalar_type()));
            return;
        }
        if (it->second.sizes() != value.sizes())
            throw Error("ImageNet initialisation: '" + key + "' is " + weights::shape_string(it->second.sizes()) + " in the student, " +
                        weights::shape_string(value.sizes()) + " from '" + file.string() + "'");
        it->second.copy_(value.to(it->second.device(), it->second.scalar_type()));
    };
    // conv (no bias) + BatchNorm standing for the folded bias.
    auto conv_bn = [&](const std::string& conv, const std::string& bn, const torch::Tensor& w, const torch::Tensor& b) {
        set(conv + ".weight", w);
        const double eps = 1e-5;  // torchvision's BatchNorm2d default, as in the student
        set(bn + ".weight", torch::ones_like(b));
        set(bn + ".bias", b);
        set(bn + ".running_mean", torch::zeros_like(b));
        set(bn + ".running_var", torch::full_like(b, 1.0 - eps));
    };

    // Stem: fold the change of input normalisation. Student x_s = (u * scale - mean_c) / std_c;
    // ImageNet x_t = (u - 128) / 128 = a_c x_s + d_c with a_c = std_c / (128 scale),
    // d_c = mean_c / (128 scale) - 1. W x_t + b = (W a) x_s + (b + sum W d).
    const torch::Tensor w0 = src->stem->weight.detach().to(torch::kFloat64);
    std::vector<double> a(3), d(3);
    for (int c = 0; c < 3; ++c) {
        a[c] = norm.std[c] / (128.0 * norm.scale);
        d[c] = norm.mean[c] / (128.0 * norm.scale) - 1.0;
    }
    const torch::Tensor av = torch::tensor(a, torch::kFloat64).view({1, 3, 1, 1});
    const torch::Tensor dv = torch::tensor(d, torch::kFloat64).view({1, 3, 1, 1});
    const torch::Tensor stem_w = (w0 * av).to(torch::kFloat32);
    const torch::Tensor stem_b = (src->stem->bias.detach().to(torch::kFloat64) + (w0 * dv).sum({1, 2, 3})).to(torch::kFloat32);
    conv_bn("features.0.0", "features.0.1", stem_w, stem_b);

    for (std::size_t b = 0; b < src->blocks_.size(); ++b) {
        const auto& blk        = src->blocks_[b];
        const std::string base = "features." + std::to_string(b + 1) + ".conv.";
        int i                  = 0;
        if (blk.expand) {
            conv_bn(base + "0.0", base + "0.1", blk.expand->weight.detach(), blk.expand->bias.detach());
            i = 1;
        }
        conv_bn(base + std::to_string(i) + ".0", base + std::to_string(i) + ".1", blk.depthwise->weight.detach(),
                blk.depthwise->bias.detach());
        conv_bn(base + std::to_string(i + 1), base + std::to_string(i + 2), blk.project->weight.detach(), blk.project->bias.detach());
    }
    conv_bn("features.18.0", "features.18.1", src->head->weight.detach(), src->head->bias.detach());

    if (narrower) {
        auto full = std::dynamic_pointer_cast<nn::MobileNetV2Impl>(nn::make_student("mobilenetv2", 2, 1.0));
        init_student_from_imagenet(*full, imagenet_mobilenet, norm);
        const auto device = student.parameters().front().device();
        full->to(device);
        match_statistics(*mnv2, *full, calibration_pixels.to(device));
    }
}

}  // namespace tint::distill
