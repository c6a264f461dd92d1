#include "nn/students.h"

#include <cmath>

#include "tint/Error.h"

namespace tint::nn {

namespace F = torch::nn::functional;
using namespace torch::nn;

namespace {
Conv2d conv_nobias(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride = 1, std::int64_t groups = 1) {
    return Conv2d(Conv2dOptions(in, out, k).stride(stride).padding((k - 1) / 2).groups(groups).bias(false));
}
std::int64_t scaled(std::int64_t c, double width) { return std::max<std::int64_t>(1, std::llround(c * width)); }
}  // namespace

std::int64_t make_divisible(double v, std::int64_t divisor) {
    std::int64_t nv = std::max<std::int64_t>(divisor, static_cast<std::int64_t>(v + divisor / 2.0) / divisor * divisor);
    if (nv < 0.9 * v) nv += divisor;
    return nv;
}

BasicBlockImpl::BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    conv1 = register_module("conv1", conv_nobias(in, out, 3, stride));
    bn1   = register_module("bn1", BatchNorm2d(out));
    // relu has no parameters
    conv2 = register_module("conv2", conv_nobias(out, out, 3));
    bn2   = register_module("bn2", BatchNorm2d(out));
    if (stride != 1 || in != out) downsample = register_module("downsample", Sequential(conv_nobias(in, out, 1, stride), BatchNorm2d(out)));
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
    auto h = torch::relu(bn1->forward(conv1->forward(x)));
    h      = bn2->forward(conv2->forward(h));
    return torch::relu(h + (downsample ? downsample->forward(x) : x));
}

ResNet18Impl::ResNet18Impl(std::int64_t num_classes, double width) {
    const std::int64_t c[] = {scaled(64, width), scaled(128, width), scaled(256, width), scaled(512, width)};
    conv1 = register_module("conv1", Conv2d(Conv2dOptions(3, c[0], 7).stride(2).padding(3).bias(false)));
    bn1   = register_module("bn1", BatchNorm2d(c[0]));
    Sequential* layers[] = {&layer1, &layer2, &layer3, &layer4};
    std::int64_t in      = c[0];
    for (int i = 0; i < 4; ++i) {
        *layers[i] = register_module("layer" + std::to_string(i + 1),
                                     Sequential(BasicBlock(in, c[i], i == 0 ? 1 : 2), BasicBlock(c[i], c[i], 1)));
        in = c[i];
    }
    fc = register_module("fc", Linear(c[3], num_classes));
}

torch::Tensor ResNet18Impl::features(const torch::Tensor& x) {
    auto h = torch::relu(bn1->forward(conv1->forward(x)));
    h      = F::max_pool2d(h, F::MaxPool2dFuncOptions(3).stride(2).padding(1));
    h      = layer4->forward(layer3->forward(layer2->forward(layer1->forward(h))));
    return F::adaptive_avg_pool2d(h, F::AdaptiveAvgPool2dFuncOptions(1)).flatten(1);
}

ConvBNAct conv_bn(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t groups,
                  bool relu6) {
    ConvBNAct s;
    s->push_back(conv_nobias(in, out, kernel, stride, groups));
    s->push_back(BatchNorm2d(out));
    if (relu6) s->push_back(ReLU6());
    return s;
}

InvertedResidualImpl::InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t expand) {
    const std::int64_t hidden = static_cast<std::int64_t>(std::llround(static_cast<double>(in) * expand));
    use_res_connect           = stride == 1 && in == out;
    ConvBNAct layers;
    if (expand != 1) layers->push_back(conv_bn(in, hidden, 1, 1, 1, true));
    layers->push_back(conv_bn(hidden, hidden, 3, stride, hidden, true));  // depthwise
    layers->push_back(conv_nobias(hidden, out, 1));
    layers->push_back(BatchNorm2d(out));
    conv = register_module("conv", layers);
}

torch::Tensor InvertedResidualImpl::forward(const torch::Tensor& x) {
    return use_res_connect ? x + conv->forward(x) : conv->forward(x);
}

MobileNetV2Impl::MobileNetV2Impl(std::int64_t num_classes, double width_mult, bool short_stages)
    : short_stages_(short_stages) {
    static const int setting[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                      {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    std::int64_t in = make_divisible(32 * width_mult);
    last_channel_   = make_divisible(1280 * std::max(1.0, width_mult));
    Sequential f;
    f->push_back(conv_bn(3, in, 3, 2, 1, true));
    for (const auto& s : setting) {
        std::int64_t out = make_divisible(s[1] * width_mult);
        for (int i = 0; i < (short_stages ? 1 : s[2]); ++i) {
            f->push_back(InvertedResidual(in, out, i == 0 ? s[3] : 1, s[0]));
            in = out;
        }
        stage_ends_.push_back(f->size() - 1);
    }
    f->push_back(conv_bn(in, last_channel_, 1, 1, 1, true));
    stage_ends_.push_back(f->size() - 1);
    features_  = register_module("features", f);
    classifier = register_module("classifier", Sequential(Dropout(0.2), Linear(last_channel_, num_classes)));
}

torch::Tensor MobileNetV2Impl::features(const torch::Tensor& x) {
    return F::adaptive_avg_pool2d(features_->forward(x), F::AdaptiveAvgPool2dFuncOptions(1)).flatten(1);
}

torch::Tensor MobileNetV2Impl::classify(const torch::Tensor& f) { return classifier->forward(f); }

std::vector<torch::Tensor> MobileNetV2Impl::stage_outputs(const torch::Tensor& x) {
    std::vector<torch::Tensor> out;
    torch::Tensor h = x;
    std::size_t i = 0, next = 0;
    for (auto& m : *features_) {
        h = m.forward(h);
        if (i++ == stage_ends_[next]) {
            out.push_back(h);
            if (++next == stage_ends_.size()) break;
        }
    }
    return out;
}

Conv4Impl::Conv4Impl(std::int64_t num_classes, std::int64_t width) {
    Sequential e;
    std::int64_t in = 3;
    for (int i = 0; i < 4; ++i) {
        e->push_back(Conv2d(Conv2dOptions(in, width, 3).padding(1)));
        e->push_back(BatchNorm2d(width));
        e->push_back(ReLU());
        e->push_back(MaxPool2d(2));
        in = width;
    }
    encoder = register_module("encoder", e);
    fc      = register_module("fc", Linear(width, num_classes));
}

torch::Tensor Conv4Impl::features(const torch::Tensor& x) {
    return F::adaptive_avg_pool2d(encoder->forward(x), F::AdaptiveAvgPool2dFuncOptions(1)).flatten(1);
}

ResNet12BlockImpl::ResNet12BlockImpl(std::int64_t in, std::int64_t out) {
    conv1      = register_module("conv1", conv_nobias(in, out, 3));
    bn1        = register_module("bn1", BatchNorm2d(out));
    conv2      = register_module("conv2", conv_nobias(out, out, 3));
    bn2        = register_module("bn2", BatchNorm2d(out));
    conv3      = register_module("conv3", conv_nobias(out, out, 3));
    bn3        = register_module("bn3", BatchNorm2d(out));
    downsample = register_module("downsample", Sequential(conv_nobias(in, out, 1), BatchNorm2d(out)));
}

torch::Tensor ResNet12BlockImpl::forward(const torch::Tensor& x) {
    auto lrelu = [](const torch::Tensor& t) { return F::leaky_relu(t, F::LeakyReLUFuncOptions().negative_slope(0.1)); };
    auto h     = lrelu(bn1->forward(conv1->forward(x)));
    h          = lrelu(bn2->forward(conv2->forward(h)));
    h          = bn3->forward(conv3->forward(h));
    h          = lrelu(h + downsample->forward(x));
    return F::max_pool2d(h, F::MaxPool2dFuncOptions(2).ceil_mode(true));
}

ResNet12Impl::ResNet12Impl(std::int64_t num_classes, double width) {
    const std::int64_t c[] = {scaled(64, width), scaled(160, width), scaled(320, width), scaled(640, width)};
    layer1 = register_module("layer1", ResNet12Block(3, c[0]));
    layer2 = register_module("layer2", ResNet12Block(c[0], c[1]));
    layer3 = register_module("layer3", ResNet12Block(c[1], c[2]));
    layer4 = register_module("layer4", ResNet12Block(c[2], c[3]));
    fc     = register_module("fc", Linear(c[3], num_classes));
}

torch::Tensor ResNet12Impl::features(const torch::Tensor& x) {
    auto h = layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));
    return F::adaptive_avg_pool2d(h, F::AdaptiveAvgPool2dFuncOptions(1)).flatten(1);
}

std::shared_ptr<StudentImpl> make_student(const std::string& name, std::int64_t num_classes, double width) {
    if (num_classes < 1) throw Error("a student needs at least one class");
    if (width <= 0) throw Error("the width multiplier must be positive");
    if (name == "conv4") return std::make_shared<Conv4Impl>(num_classes, scaled(64, width));
    if (name == "resnet12") return std::make_shared<ResNet12Impl>(num_classes, width);
    if (name == "resnet18") return std::make_shared<ResNet18Impl>(num_classes, width);
    if (name == "mobilenetv2") return std::make_shared<MobileNetV2Impl>(num_classes, width);
    if (name == "mobilenetv2-short") return std::make_shared<MobileNetV2Impl>(num_classes, width, true);
    throw Error("unknown student '" + name + "' (conv4, resnet12, resnet18, mobilenetv2, mobilenetv2-short)");
}

}  // namespace tint::nn
