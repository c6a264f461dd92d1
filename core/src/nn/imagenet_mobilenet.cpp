#include "nn/imagenet_mobilenet.h"

namespace tint::nn {

namespace F = torch::nn::functional;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;

torch::Tensor tf_same_pad(const torch::Tensor& x, std::int64_t k, std::int64_t s) {
    auto pad = [&](std::int64_t n) {
        std::int64_t out = (n + s - 1) / s, total = std::max<std::int64_t>((out - 1) * s + k - n, 0);
        return std::make_pair(total / 2, total - total / 2);
    };
    auto [top, bottom] = pad(x.size(2));
    auto [left, right] = pad(x.size(3));
    if (top == 0 && bottom == 0 && left == 0 && right == 0) return x;
    return F::pad(x, F::PadFuncOptions({left, right, top, bottom}));
}

namespace {
torch::Tensor clamp6(const torch::Tensor& x) { return torch::clamp(x, 0.0, 6.0); }
}  // namespace

ImageNetMobileNetV2Impl::ImageNetMobileNetV2Impl() {
    static const int table[17][3] = {{1, 16, 1},  {6, 24, 2},  {6, 24, 1},  {6, 32, 2},  {6, 32, 1},  {6, 32, 1},
                                     {6, 64, 2},  {6, 64, 1},  {6, 64, 1},  {6, 64, 1},  {6, 96, 1},  {6, 96, 1},
                                     {6, 96, 1},  {6, 160, 2}, {6, 160, 1}, {6, 160, 1}, {6, 320, 1}};  // t, c_out, s
    stem            = register_module("stem", Conv2d(Conv2dOptions(3, 32, 3).stride(2)));
    auto list       = register_module("blocks", torch::nn::ModuleList());
    std::int64_t in = 32;
    for (const auto& row : table) {
        auto node = std::make_shared<torch::nn::Module>();
        Block b;
        const std::int64_t hidden = in * row[0];
        if (row[0] != 1) b.expand = node->register_module("expand", Conv2d(Conv2dOptions(in, hidden, 1)));
        b.depthwise = node->register_module("depthwise", Conv2d(Conv2dOptions(hidden, hidden, 3).stride(row[2]).groups(hidden)));
        b.project   = node->register_module("project", Conv2d(Conv2dOptions(hidden, row[1], 1)));
        b.stride    = row[2];
        b.residual  = row[2] == 1 && in == row[1];
        list->push_back(node);
        blocks_.push_back(b);
        in = row[1];
    }
    head       = register_module("head", Conv2d(Conv2dOptions(320, 1280, 1)));
    classifier = register_module("classifier", torch::nn::Linear(1280, 1001));
}

torch::Tensor ImageNetMobileNetV2Impl::stem_forward(const torch::Tensor& x) {
    return clamp6(stem->forward(tf_same_pad(x, 3, 2)));
}

torch::Tensor ImageNetMobileNetV2Impl::features(const torch::Tensor& x) {
    auto h = stem_forward(x);
    for (auto& b : blocks_) {
        auto y = b.expand ? clamp6(b.expand->forward(h)) : h;
        y      = clamp6(b.depthwise->forward(tf_same_pad(y, 3, b.stride)));
        y      = b.project->forward(y);
        h      = b.residual ? h + y : y;
    }
    h = clamp6(head->forward(h));
    return h.mean({2, 3});
}

}  // namespace tint::nn
