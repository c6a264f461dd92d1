#pragma once
// Distillation runs of a project: the teacher with a few-shot head fitted on the supports labels
// the training images (supports, synthetic images that are not rejected, and optionally heavy
// augmentations of the supports); a student learns from those soft labels; the result is exported
// to ONNX. Runs live in runs/<id>/ (DESIGN.md "Project folder").
#include <cstdint>
#include <string>
#include <vector>

#include "tint/Project.h"

namespace tint {

class JobContext;

struct DistillSpec {
    std::string teacher_dir;                    ///< Hugging Face folder (DINOv2, CLIP vision) or the shipped MobileNetV2
    std::string head      = "logistic_regression";  ///< or "prototype"
    /// "pooled" (the teacher's image embedding) or, for the built-in ImageNet MobileNetV2 only,
    /// "logits": its 1001 ImageNet logits are the features the head is fitted on.
    std::string teacher_features = "pooled";
    /// When > 0, the teacher's last blocks (and what follows them) are first fine-tuned on the
    /// supports with augmentation for `teacher_finetune_steps` steps; the head is then fitted on the
    /// fine-tuned features. The tail is kept in the run folder (teacher-finetuned.safetensors).
    int teacher_finetune_blocks = 0;
    int teacher_finetune_steps  = 100;
    std::string student   = "conv4";            ///< conv4, resnet12, resnet18, mobilenetv2
    double width          = 1.0;                ///< width multiplier of the student
    /// "" (random) or "imagenet": the MobileNetV2 student (width 1.0) starts from the built-in
    /// ImageNet MobileNetV2's weights (folder student_init_dir; empty = teacher_dir) and trains with
    /// its BatchNorm statistics fixed.
    std::string student_init;
    std::string student_init_dir;
    int input_size        = 84;
    /// Smallest crop (fraction of the image area) of the on-the-fly random resized crop while
    /// training; torchvision's default 0.08. Larger values keep more of each image, so the crop
    /// stays closer to what the teacher labelled.
    double crop_min       = 0.08;
    int epochs            = 30;
    int batch_size        = 32;
    double lr             = 1e-3;
    double temperature    = 4.0;
    double alpha          = 0.0;                ///< weight of the cross-entropy on the intended class
    /// Weight of the feature term: the student's pooled features are pulled toward the teacher's
    /// features of the same image (1 - cosine, through a trained linear map when the sizes differ).
    /// 0: soft labels only. Best with train_augment off, so that the teacher's features describe
    /// the very pixels the student sees.
    double feature_weight = 0.0;
    /// On-the-fly augmentation (random resized crop, flip, colour jitter) of the training images.
    /// Off: the student sees exactly the images the teacher labelled (variety then comes from the
    /// synthetic and classic images).
    bool train_augment    = true;
    /// "mobilenetv2-short" from ImageNet only: passes over the training images, before the first
    /// epoch, that pull each stage's output toward the full ImageNet MobileNetV2's. 0: none.
    int stage_match_epochs = 0;
    std::uint64_t seed    = 0;
    int classic_per_class = 0;                  ///< heavy augmentations of the supports made for the run
    bool use_synthetic    = true;               ///< TINT images in synthetic/ that are not rejected
    std::string validation_dir;                 ///< optional folder per class, names as the project's classes
    std::string run_id;                         ///< empty: a new run; an existing run resumes
};

struct DistillEpoch {
    int epoch = 0;  ///< 1-based
    double train_loss = 0;
    double accuracy   = -1;   ///< on the validation folder; -1 without one
    double agreement  = -1;   ///< top-1 equal to the teacher's, on the validation folder
    std::vector<std::vector<long long>> confusion;  ///< [true][predicted] on the validation folder
};

/// Called on the worker thread.
class DistillEvents {
public:
    virtual ~DistillEvents() = default;
    virtual void step(int /*epoch*/, long long /*step*/, long long /*total*/, double /*loss*/) {}
    virtual void epoch(const DistillEpoch&) {}
    virtual void message(const std::string&) {}
};

struct DistillResult {
    std::string run_id, run_dir;
    int train_images       = 0;
    double teacher_accuracy = -1;  ///< the teacher head on the validation folder; -1 without one
    std::vector<DistillEpoch> history;
    bool stopped_early = false;
};

DistillResult run_distillation(const std::string& project_root, const ProjectData& project, const DistillSpec& spec,
                               DistillEvents& events, JobContext& ctx);

struct OnnxExportReport {
    std::string path;
    double max_abs_diff = 0;  ///< OpenCV dnn against LibTorch on the run's support images
    int images_checked  = 0;
    long long file_size = 0;
    /// The student's outputs, in order: the classes of the run (recorded in its checkpoint), which
    /// stay those it was trained on when the project's classes change later.
    std::vector<std::string> class_names;
};

/// Exports the student of a run; the export checks itself and refuses to write on a mismatch.
/// With a context it reports its stages and stops (tint::Cancelled) between them when cancelled,
/// leaving `out_file` as it was.
OnnxExportReport export_run_onnx(const std::string& project_root, const ProjectData& project, const std::string& run_id,
                                 const std::string& out_file, JobContext* ctx = nullptr);

}  // namespace tint
