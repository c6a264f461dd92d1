#pragma once
// Tiny student networks. ResNet-18 and MobileNetV2 port torchvision.models (resnet.py,
// mobilenetv2.py) with its state_dict key names, so converted torchvision weights load as they are;
// Conv-4 and ResNet-12 are the few-shot-learning standards (Vinyals et al.; Lee et al., MetaOptNet).
#include <torch/torch.h>

#include <memory>
#include <string>

namespace tint::nn {

/// A classifier with a feature extractor: logits = head(features(x)).
struct StudentImpl : torch::nn::Module {
    /// [B, 3, H, W] -> [B, feature_dim] (any H, W that survive the down-sampling).
    virtual torch::Tensor features(const torch::Tensor& x) = 0;
    virtual torch::Tensor classify(const torch::Tensor& features) = 0;
    torch::Tensor forward(const torch::Tensor& x) { return classify(features(x)); }
    virtual std::int64_t feature_dim() const = 0;
};

/// torchvision BasicBlock.
struct BasicBlockImpl : torch::nn::Module {
    BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
    torch::nn::Sequential downsample{nullptr};  // [Conv2d 1x1, BatchNorm2d] when the shape changes
};
TORCH_MODULE(BasicBlock);

struct ResNet18Impl : StudentImpl {
    ResNet18Impl(std::int64_t num_classes, double width = 1.0);
    torch::Tensor features(const torch::Tensor& x) override;
    torch::Tensor classify(const torch::Tensor& f) override { return fc->forward(f); }
    std::int64_t feature_dim() const override { return fc->options.in_features(); }
    torch::nn::Conv2d conv1{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr};
    torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
    torch::nn::Linear fc{nullptr};
};

/// A Sequential with a plain forward, so that it can sit inside another Sequential.
struct ConvBNActImpl : torch::nn::SequentialImpl {
    using SequentialImpl::SequentialImpl;
    torch::Tensor forward(torch::Tensor x) { return SequentialImpl::forward(x); }
};
TORCH_MODULE(ConvBNAct);

/// min(max(x, 0), 6), as torchvision's nn.ReLU6 (a named type so that exporters can recognise it).
struct ReLU6Impl : torch::nn::Module {
    torch::Tensor forward(const torch::Tensor& x) { return torch::clamp(x, 0.0, 6.0); }
};
TORCH_MODULE(ReLU6);

/// torchvision Conv2dNormActivation (conv without bias, BatchNorm, optional ReLU6).
ConvBNAct conv_bn(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                              std::int64_t groups, bool relu6);

/// torchvision InvertedResidual: `conv` is a Sequential as in torchvision.
struct InvertedResidualImpl : torch::nn::Module {
    InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t expand_ratio);
    torch::Tensor forward(const torch::Tensor& x);
    bool use_res_connect;
    ConvBNAct conv{nullptr};
};
TORCH_MODULE(InvertedResidual);

struct MobileNetV2Impl : StudentImpl {
    /// `short_stages`: each of the seven stages keeps only its first block (the one that changes
    /// the stride or the channel count) and drops its residual repeats: 7 blocks instead of 17.
    MobileNetV2Impl(std::int64_t num_classes, double width_mult = 1.0, bool short_stages = false);
    bool short_stages() const { return short_stages_; }
    /// The output of each of the seven stages (after its last block) and of the 1x1 head conv:
    /// eight maps, the same shapes for the full and the short network of the same width.
    std::vector<torch::Tensor> stage_outputs(const torch::Tensor& x);
    torch::Tensor features(const torch::Tensor& x) override;
    torch::Tensor classify(const torch::Tensor& f) override;
    std::int64_t feature_dim() const override { return last_channel_; }
    std::int64_t last_channel_;
    bool short_stages_ = false;
    std::vector<std::size_t> stage_ends_;  ///< index in features of each stage's last block, then the head
    torch::nn::Sequential features_{nullptr};      // registered as "features"
    torch::nn::Sequential classifier{nullptr};     // [Dropout(0.2), Linear]
};

/// Conv-4: four [conv 3x3, BatchNorm, ReLU, max-pool 2] blocks of `width` channels.
struct Conv4Impl : StudentImpl {
    Conv4Impl(std::int64_t num_classes, std::int64_t width = 64);
    torch::Tensor features(const torch::Tensor& x) override;
    torch::Tensor classify(const torch::Tensor& f) override { return fc->forward(f); }
    std::int64_t feature_dim() const override { return fc->options.in_features(); }
    torch::nn::Sequential encoder{nullptr};
    torch::nn::Linear fc{nullptr};
};

/// ResNet-12 block: three conv 3x3 + BatchNorm + LeakyReLU(0.1), a 1x1 shortcut, max-pool 2.
struct ResNet12BlockImpl : torch::nn::Module {
    ResNet12BlockImpl(std::int64_t in, std::int64_t out);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
    torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(ResNet12Block);

struct ResNet12Impl : StudentImpl {
    ResNet12Impl(std::int64_t num_classes, double width = 1.0);
    torch::Tensor features(const torch::Tensor& x) override;
    torch::Tensor classify(const torch::Tensor& f) override { return fc->forward(f); }
    std::int64_t feature_dim() const override { return fc->options.in_features(); }
    ResNet12Block layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
    torch::nn::Linear fc{nullptr};
};

/// "conv4", "resnet12", "resnet18", "mobilenetv2" or "mobilenetv2-short" (one block per stage);
/// throws tint::Error for other names.
std::shared_ptr<StudentImpl> make_student(const std::string& name, std::int64_t num_classes, double width = 1.0);

/// torchvision's _make_divisible (channel counts of MobileNetV2 under a width multiplier).
std::int64_t make_divisible(double v, std::int64_t divisor = 8);

}  // namespace tint::nn
