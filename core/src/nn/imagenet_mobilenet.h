#pragma once
// The ImageNet-pretrained MobileNetV2 1.0/224 shipped in resources/models/imagenet-mobilenetv2
// (TF-slim graph, batch norm folded into conv biases, ReLU6, TensorFlow "SAME" padding, 1001
// outputs with background first). Keys: stem, blocks.N.{expand,depthwise,project}, head, classifier.
#include <torch/torch.h>

namespace tint::nn {

struct ImageNetMobileNetV2Impl : torch::nn::Module {
    ImageNetMobileNetV2Impl();
    /// x = (u8 - 128) / 128, RGB, [B, 3, H, W] -> pooled 1280-d features.
    torch::Tensor features(const torch::Tensor& x);
    /// 1280-d features -> 1001 logits (index 0 = background).
    torch::Tensor logits(const torch::Tensor& features) { return classifier->forward(features); }
    /// The stem's output (for checks).
    torch::Tensor stem_forward(const torch::Tensor& x);

    struct Block {
        torch::nn::Conv2d expand{nullptr}, depthwise{nullptr}, project{nullptr};
        std::int64_t stride = 1;
        bool residual = false;
    };
    torch::nn::Conv2d stem{nullptr}, head{nullptr};
    std::vector<Block> blocks_;
    torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(ImageNetMobileNetV2);

/// TensorFlow "SAME" padding for a k x k convolution with stride s, applied explicitly.
torch::Tensor tf_same_pad(const torch::Tensor& x, std::int64_t k, std::int64_t s);

}  // namespace tint::nn
