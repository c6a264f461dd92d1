#pragma once
// Teachers as frozen feature extractors: a DINOv2 or CLIP vision model from a Hugging Face folder,
// or the ImageNet MobileNetV2 shipped with the application. Each brings its own preprocessing.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "distill/augment.h"
#include "nn/vit.h"
#include "tint/Image.h"

namespace tint {
class JobContext;
}

namespace tint::distill {

enum class TeacherKind { Dinov2, ClipVision, ImageNetMobileNetV2 };

/// "dinov2", "clip_vision" or "imagenet_mobilenetv2".
std::string teacher_kind_name(TeacherKind kind);

struct TeacherOptions {
    /// DINOv2 only: features are [CLS, mean of the patch tokens] (2 x hidden), as transformers'
    /// Dinov2ForImageClassification does, instead of the CLS token alone.
    bool dinov2_mean_patch = false;
    /// The shipped ImageNet MobileNetV2 only: features are its 1001 ImageNet logits (index 0 =
    /// background) instead of the 1280-d pooled features before the classifier.
    bool imagenet_logits = false;
    /// Images per forward pass in features().
    int batch_size = 16;
};

class Teacher {
public:
    virtual ~Teacher() = default;
    Teacher(const Teacher&)            = delete;
    Teacher& operator=(const Teacher&) = delete;

    TeacherKind kind() const { return kind_; }
    const std::string& folder() const { return folder_; }
    /// Stable description of what produces the features: kind, absolute folder, a hash of the
    /// configuration files and weight file sizes, and the feature options. Cached features and
    /// heads fitted on them are valid only while the identity is unchanged.
    const std::string& identity() const { return identity_; }
    virtual std::int64_t feature_dim() const = 0;

    /// The teacher's own preprocessing (resize, centre crop, normalise): RGB -> [1, 3, H, W] float32.
    torch::Tensor preprocess(const ImageU8& image) const { return preprocessor_(image); }
    const nn::ImagePreprocessor& preprocessor() const { return preprocessor_; }
    /// The normalisation and square input size the preprocessing ends with.
    Normalization normalization() const;
    int input_size() const { return preprocessor_.crop_height; }

    /// Preprocessed pixels [B, 3, H, W] -> features [B, D] (no autograd; moved to the model's
    /// device and back to the CPU).
    torch::Tensor features(const torch::Tensor& pixels);
    /// Images -> features [N, D] on the CPU, `batch_size` at a time; progress is reported under the
    /// stage "features" and cancel is polled before every batch.
    torch::Tensor features(const std::vector<ImageU8>& images, JobContext* ctx = nullptr);

    /// Moves the weights; the caller (a job) chooses the device.
    virtual void to(const torch::Device& device) = 0;
    virtual torch::Device device() const = 0;

    // ---- fine-tuning of the last blocks (distill/teacher_finetune.h) ----

    /// Blocks that fine-tuning can unfreeze: inverted-residual blocks or transformer layers.
    virtual int block_count() const = 0;
    /// The parameters of the last `blocks` blocks and of everything after them (final layer norm,
    /// 1x1 head convolution, image projection; the ImageNet classifier when its logits are the
    /// features), keyed by their names in the model. Throws for blocks outside [1, block_count()].
    std::vector<std::pair<std::string, torch::Tensor>> tail_parameters(int blocks);
    /// Throws, naming the teacher, unless 1 <= blocks <= block_count() (or blocks == 0 when
    /// `zero_means_off`: no fine-tuning).
    void check_fine_tune_blocks(int blocks, bool zero_means_off = false) const;
    /// The network (its parameters are what fine-tuning freezes and unfreezes).
    virtual torch::nn::Module& model() = 0;
    /// Preprocessed pixels -> features with autograd, on the model's device.
    torch::Tensor trainable_features(const torch::Tensor& pixels);
    /// Marks the teacher as fine-tuned: the identity becomes the loaded model's identity plus the
    /// number of blocks and a hash of the tail's weights, so features, heads and soft labels of the
    /// unchanged teacher (or of another fine-tuning) no longer match it.
    void set_fine_tuned(int blocks, const std::string& tail_hash);
    /// Back to the loaded model's identity (after its tail was restored).
    void clear_fine_tuned();
    /// The identity of the model as loaded from its folder.
    const std::string& base_identity() const { return base_identity_; }
    /// Whether `identity` names this model as loaded: its base identity, or the one earlier versions
    /// wrote (weight files by name and size only), so that their fine-tuned tails still resume.
    const std::string& earlier_base_identity() const { return earlier_base_identity_; }
    bool is_base_identity(const std::string& identity) const {
        return identity == base_identity_ || (!earlier_base_identity_.empty() && identity == earlier_base_identity_);
    }
    /// 0 when the weights are the folder's.
    int fine_tuned_blocks() const { return fine_tuned_blocks_; }

protected:
    Teacher(TeacherKind kind, std::string folder, TeacherOptions options)
        : kind_(kind), folder_(std::move(folder)), options_(options) {}
    virtual torch::Tensor forward_features(const torch::Tensor& pixels) = 0;
    /// Parameter-name prefixes of the tail of `blocks` blocks (1 <= blocks <= block_count()).
    virtual std::vector<std::string> tail_prefixes(int blocks) const = 0;
    void set_up(std::string identity, const nn::ImagePreprocessor& pre) {
        identity_      = std::move(identity);
        base_identity_ = identity_;
        preprocessor_  = pre;
    }
    friend std::unique_ptr<Teacher> load_teacher(const std::string&, const TeacherOptions&, JobContext*);
    std::string earlier_base_identity_;

    TeacherKind kind_;
    std::string folder_;
    TeacherOptions options_;
    std::string identity_, base_identity_;
    int fine_tuned_blocks_ = 0;
    nn::ImagePreprocessor preprocessor_;
};

/// Loads a teacher from a folder:
///  - a Hugging Face folder (config.json, model.safetensors, preprocessor_config.json): DINOv2
///    (model_type "dinov2") or CLIP vision with projection (model_type "clip_vision_model", or a
///    full "clip" model whose text half is ignored). Any other model_type is refused naming the
///    folder and the type found.
///  - the shipped ImageNet MobileNetV2 folder (mobilenet_v2_1.0_224.safetensors).
/// Weights are loaded strictly (every missing or mis-shaped tensor is named); the model is on the
/// CPU in eval mode. Cancel is polled between tensors.
std::unique_ptr<Teacher> load_teacher(const std::string& folder, const TeacherOptions& options = {},
                                      JobContext* ctx = nullptr);

/// The file name of the shipped MobileNetV2's weights inside its folder.
inline constexpr const char* kImageNetMobileNetV2File = "mobilenet_v2_1.0_224.safetensors";

}  // namespace tint::distill
