#pragma once
// A MobileNetV2 student (torchvision layout, width 1.0) initialised from the ImageNet MobileNetV2
// shipped with the workbench (TF-slim layout, batch norm folded into conv biases).
//
// Mapping (imagenet-cnn README, "Tensors"): stem -> features.0, blocks.b -> features.(b+1)
// (block 0: conv.0 depthwise, conv.1 project, conv.2 BN; the others: conv.0 expand, conv.1
// depthwise, conv.2 project, conv.3 BN), head -> features.18. The file's conv weights go to the
// convolutions; each BatchNorm after them becomes "add the folded bias": weight 1, bias b,
// running mean 0, running variance 1 - eps (so that sqrt(var + eps) = 1). The ImageNet classifier
// (1001 classes) is not used: the student's classifier keeps its random initialisation.
//
// Two differences remain, both documented and tested:
//  * Input normalisation. The ImageNet network reads x = (u8 - 128) / 128, the student its own
//    normalisation; the affine change between the two is folded into the stem (weights scaled per
//    input channel, the offset added to the stem's bias), exact except on the zero-padded border.
//  * Padding. TF "SAME" pads stride-2 3x3 convolutions 0 before and 1 after on even sizes;
//    torchvision pads 1 on both sides. The student keeps torchvision's symmetric padding (it is the
//    standard network that every exporter and runtime knows); fine-tuning adapts to the one-pixel
//    shift. With TF padding the mapped student computes the teacher's features to float rounding
//    (tst_student_init checks both).
#include <string>

#include "distill/augment.h"

namespace tint::nn {
struct StudentImpl;
}

namespace tint::distill {

/// The folder of the shipped model (mobilenet_v2_1.0_224.safetensors inside) or the file itself.
/// `student` must be make_student("mobilenetv2", C, 1.0) or make_student("mobilenetv2-short", C,
/// 1.0) (which takes the first block of each stage); `norm` is the student's input
/// normalisation. Throws tint::Error naming the file or the student tensor on any mismatch.
void init_student_from_imagenet(nn::StudentImpl& student, const std::string& imagenet_mobilenet,
                                const Normalization& norm = {});

/// Puts every BatchNorm of a module in eval mode (fixed statistics; weight and bias still train).
void freeze_batchnorm(torch::nn::Module& module);

}  // namespace tint::distill
