#pragma once
// ONNX export of the student networks, built node by node from the module objects (no tracing),
// restricted to operators that OpenCV 4.6's dnn importer and onnxruntime both load. Every export
// is verified before it lands: onnx::checker, then OpenCV dnn against LibTorch on sample images.
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/students.h"
#include "tint/JobContext.h"

namespace tint::exporter {

/// How ReLU6 is written. OpenCV 4.6 rejects opset-13 Clip (its bounds are inputs) and Min with a
/// constant operand (its Eltwise layer wants two layer inputs). The default writes
/// HardSigmoid(x; alpha = 1/6, beta = 0) = ReLU6(x) / 6, which OpenCV runs fused into the
/// preceding convolution, and multiplies the weights of the layer that consumes it (always a
/// convolution or the classifier in MobileNetV2, after pooling) by 6. Min is kept for importers
/// that take it, and so that tests can watch OpenCV.
enum class Relu6Form {
    HardSigmoidScaled,  ///< HardSigmoid(x / 6) with the 6 folded into the next layer: one fused op
    ReluMinusRelu,      ///< Relu(x) - Relu(x - 6): four unfused ops; exact up to x = 12
    MinOfRelu,          ///< Min(Relu(x), 6): exact, but OpenCV 4.6 cannot load it
};

struct OnnxExportOptions {
    /// One name per output class, in logit order; written to the metadata.
    std::vector<std::string> class_names;
    /// Architecture name for the metadata (e.g. "mobilenetv2 x0.35"); empty: the student's type.
    std::string architecture;
    /// The input the model expects; fixed in the graph (only the batch dimension is dynamic).
    int input_width  = 84;
    int input_height = 84;
    std::array<double, 3> mean{0.485, 0.456, 0.406};  ///< per channel, RGB order, of pixel / 255
    std::array<double, 3> stddev{0.229, 0.224, 0.225};
    /// Free-form text for the metadata (data set, epochs, accuracy...).
    std::string training_summary;

    /// Images the self-check runs on: [N, 3, H, W] float, already normalised with mean/std.
    /// Undefined: sample_image_paths are used; if those are empty too, deterministic synthetic
    /// images are.
    torch::Tensor sample_images;
    /// Image files for the self-check, decoded and normalised as the metadata says.
    std::vector<std::string> sample_image_paths;
    /// Largest accepted |OpenCV - LibTorch| over all logits.
    double tolerance = 1e-4;

    /// Fold eval-mode BatchNorm into the preceding convolution (fewer nodes, same outputs).
    bool fold_batch_norm = true;
    Relu6Form relu6_form = Relu6Form::HardSigmoidScaled;

    /// Test hook: added to the first element of the classifier bias in the written graph, so
    /// that tests can prove the self-check rejects a graph that differs from the module.
    float test_perturb_classifier_bias = 0.0f;

    /// Progress between the export's stages, and a stop (tint::Cancelled) at any of them that
    /// leaves the destination as it was. Null: neither.
    JobContext* context = nullptr;
};

struct OnnxExportResult {
    std::string path;
    bool checker_ok         = false;  ///< onnx::checker::check_model accepted the file
    double max_abs_diff     = 0.0;    ///< largest |OpenCV dnn - LibTorch| over the checked logits
    int images_checked      = 0;
    int opset               = 0;
    std::int64_t ir_version = 0;
    std::int64_t file_size  = 0;  ///< bytes
    std::int64_t node_count = 0;
};

constexpr int kOnnxOpset              = 13;
constexpr std::int64_t kOnnxIrVersion = 8;

/// Writes `model` (left in the training mode it had) as ONNX to `path`, verifies the file and
/// only then moves it into place. Throws tint::Error naming the path and the reason when the
/// folder is missing or unwritable, a module type has no ONNX mapping, the checker rejects the
/// graph, OpenCV cannot load it or its outputs differ from LibTorch's by more than the
/// tolerance; in every such case nothing is left at `path` (an older file there is kept).
OnnxExportResult export_onnx(nn::StudentImpl& model, const std::string& path, const OnnxExportOptions& options);

/// The student's architecture name as make_student() spells it ("resnet18", ...); throws
/// tint::Error for a type the exporter does not know.
std::string architecture_name(const nn::StudentImpl& model);

/// Reads an image file as the exported model expects it: RGB, resized to width x height,
/// (x / 255 - mean) / std, as a [3, H, W] float tensor. Throws tint::Error for unreadable files.
torch::Tensor load_normalised_image(const std::string& path, int width, int height, const std::array<double, 3>& mean,
                                    const std::array<double, 3>& stddev);

}  // namespace tint::exporter
