#include "distill/student_init.h"

#include <filesystem>
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

void init_student_from_imagenet(nn::StudentImpl& student, const std::string& imagenet_mobilenet, const Normalization& norm) {
    auto* mnv2 = dynamic_cast<nn::MobileNetV2Impl*>(&student);
    if (!mnv2) throw Error("ImageNet initialisation exists only for the MobileNetV2 student");
    const auto* stem = student.named_parameters(true).find("features.0.0.weight");
    if (mnv2->feature_dim() != 1280 || !stem || stem->size(0) != 32)
        throw Error("ImageNet initialisation needs the MobileNetV2 student at width 1.0 (the shipped weights' width)");
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

    // Which source block goes where: all 17 in order, or for the short student the first block of
    // each stage, which is the block without a residual add (it changes the stride or the channel
    // count); the residual repeats are left out.
    std::vector<std::size_t> blocks;
    for (std::size_t b = 0; b < src->blocks_.size(); ++b)
        if (!mnv2->short_stages() || !src->blocks_[b].residual) blocks.push_back(b);
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        const auto& blk        = src->blocks_.at(blocks[k]);
        const std::string base = "features." + std::to_string(k + 1) + ".conv.";
        int i                  = 0;
        if (blk.expand) {
            conv_bn(base + "0.0", base + "0.1", blk.expand->weight.detach(), blk.expand->bias.detach());
            i = 1;
        }
        conv_bn(base + std::to_string(i) + ".0", base + std::to_string(i) + ".1", blk.depthwise->weight.detach(),
                blk.depthwise->bias.detach());
        conv_bn(base + std::to_string(i + 1), base + std::to_string(i + 2), blk.project->weight.detach(), blk.project->bias.detach());
    }
    const std::string last = "features." + std::to_string(blocks.size() + 1);
    conv_bn(last + ".0", last + ".1", src->head->weight.detach(), src->head->bias.detach());
}

}  // namespace tint::distill
