#pragma once
// Knowledge distillation of a tiny student from a teacher's soft labels (Hinton et al. 2015):
//   loss = T^2 KL(softmax(z_t / T) || softmax(z_s / T)) + alpha CE(z_s, intended class)
// The teacher gives probabilities p (a few-shot head's softmax), not logits. log p equals the
// head's logits up to a per-row constant, and softmax is blind to such constants, so we use
// z_t = log p: softmax(log p / T) = p^(1/T) / sum p^(1/T). p is clamped to 1e-12 before the log
// so that a zero probability stays finite.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "distill/augment.h"
#include "distill/evaluation.h"

namespace tint {
class JobContext;
}
namespace tint::nn {
struct StudentImpl;
}

namespace tint::distill {

/// The distillation loss, averaged over the batch. student_logits [B, C]; teacher_probs [B, C];
/// labels [B] int64 (a negative label has no intended class and adds no CE), may be undefined when
/// alpha is 0. Differentiable in student_logits.
struct KdLoss {
    torch::Tensor total, kd, ce;  ///< scalars; kd already multiplied by T^2, ce not by alpha
    torch::Tensor feature;        ///< mean (1 - cosine), not multiplied by beta; undefined without
};

/// Throws tint::Error ("<where>: the feature weight must be 0 or positive") unless it is.
void check_feature_weight(double feature_weight, const std::string& where);
/// Throws tint::Error (prefixed with `where`) unless `epochs` is 0, or positive for the short
/// MobileNetV2 student started from ImageNet (the only student the stage matching applies to).
void check_stage_match(int epochs, const std::string& student, const std::string& student_init, const std::string& where);

/// Mean over the batch of 1 - cos(student_features[i], teacher_features[i]); both [B, D].
torch::Tensor feature_loss(const torch::Tensor& student_features, const torch::Tensor& teacher_features);
KdLoss kd_loss(const torch::Tensor& student_logits, const torch::Tensor& teacher_probs, const torch::Tensor& labels,
               double temperature = 4.0, double alpha = 0.0);

enum class KdOptimizer { AdamW, Sgd };

struct KdOptions {
    std::string student = "conv4";  ///< make_student name
    double student_width = 1.0;     ///< Conv-4: channels = 64 * width
    /// "" (random, seeded) or "imagenet": the MobileNetV2 student (width 1.0) starts from the
    /// shipped ImageNet weights in student_init_dir (init_student_from_imagenet).
    std::string student_init;
    std::string student_init_dir;
    /// BatchNorm layers keep their statistics (eval mode) while the rest trains; for pretrained
    /// students fine-tuned on a few images.
    bool freeze_batchnorm = false;
    int input_size      = 84;
    int batch_size      = 32;
    int epochs          = 30;
    KdOptimizer optimizer = KdOptimizer::AdamW;
    double lr           = 1e-3;
    double weight_decay = 5e-4;     ///< AdamW: decoupled; SGD: added to the gradient (PyTorch)
    double momentum     = 0.9;      ///< SGD only (Nesterov)
    double warmup_epochs = 1.0;     ///< linear warm-up from lr / warmup_steps, then cosine to 0
    double temperature  = 4.0;
    double alpha        = 0.0;
    /// Weight of the feature term: beta * mean(1 - cos(P f_s, f_t)) between the student's pooled
    /// features f_s and the teacher's features f_t of the same image (KdData::teacher_features).
    /// P is the identity when the sizes agree, otherwise a bias-free linear map trained alongside
    /// (not part of the exported student). 0: logits only.
    double feature_weight = 0.0;
    /// Short MobileNetV2 started from ImageNet only: before the first epoch, this many passes over
    /// the training images in which each stage's output is pulled toward the full ImageNet
    /// MobileNetV2's (relative squared error, no labels). It teaches the kept blocks what the
    /// left-out residual repeats did. 0: none.
    int stage_match_epochs = 0;
    std::uint64_t seed  = 0;
    AugmentOptions augment;         ///< size is replaced by input_size
    Normalization normalization;
    bool preload_images = false;    ///< decode every training image once (small sets)
    std::string checkpoint_path;    ///< empty: no checkpoints, no resume
    bool resume = true;             ///< continue from checkpoint_path when it exists
    torch::Device device = torch::kCPU;
    bool mixed_precision = false;   ///< bf16 autocast on CUDA only; ignored on the CPU (fp32)
    int eval_batch_size  = 64;
    /// Test and diagnosis hook: sees (and may alter) each batch's images before the step.
    std::function<void(int epoch, std::int64_t step, torch::Tensor& images)> batch_hook;
};

/// Training data: image files with the teacher's probabilities (from soft_labels()).
struct KdData {
    std::vector<std::string> files;
    torch::Tensor teacher_probs;              ///< [N, C] float
    torch::Tensor teacher_features;           ///< [N, D] float; needed when feature_weight > 0
    std::vector<std::int64_t> labels;         ///< intended class per file, -1 = none; empty = none
    std::vector<std::string> class_names;     ///< C names
};

/// Optional validation set evaluated after each epoch.
struct KdValidation {
    std::vector<std::string> files;
    std::vector<std::int64_t> labels;
    torch::Tensor teacher_probs;  ///< [N, C]; undefined: no agreement
};

struct KdStep {
    int epoch = 0;            ///< 0-based
    std::int64_t step = 0;    ///< global step, 0-based
    std::int64_t total_steps = 0;
    double loss = 0, kd = 0, ce = 0, feature = 0, lr = 0;
};

struct KdEpoch {
    int epoch = 0;  ///< 0-based
    double train_loss = 0.0;  ///< mean over the epoch's batches
    double lr_end     = 0.0;
    bool has_validation = false;
    Evaluation validation;
};

/// Receives the trainer's events on the training thread.
class KdEvents {
public:
    virtual ~KdEvents() = default;
    virtual void on_step(const KdStep&) {}
    virtual void on_epoch(const KdEpoch&) {}
    /// Once, before training goes on, when a checkpoint was read: the epochs it had finished.
    virtual void on_resume(const std::vector<KdEpoch>& /*history*/) {}
    /// After each step of the stage-matching phase (KdOptions::stage_match_epochs).
    virtual void on_stage_match(std::int64_t /*step*/, std::int64_t /*total*/, double /*loss*/) {}
};

struct KdResult {
    std::shared_ptr<nn::StudentImpl> student;  ///< on options.device, eval mode
    std::vector<KdEpoch> history;              ///< every finished epoch, resumed ones included
    int epochs_done       = 0;
    int resumed_epochs    = 0;                 ///< epochs read from the checkpoint
    bool stopped_early    = false;             ///< cancel AfterCurrentItem
};

/// Trains a student. Each epoch's shuffling and augmentation are seeded by (seed, epoch) and the
/// student's initialisation by seed, so a resumed run equals an uninterrupted one. After every
/// epoch the student, its optimiser moments, the step count and the history are written to
/// checkpoint_path atomically. Cancel: Now stops before the next batch and throws tint::Cancelled;
/// AfterCurrentItem finishes the epoch and returns (stopped_early). Both leave the last
/// checkpoint. A non-finite loss throws tint::Error (the checkpoint of the last good epoch stays).
KdResult train_kd(const KdData& data, const KdOptions& options, JobContext* ctx = nullptr, KdEvents* events = nullptr,
                  const KdValidation* validation = nullptr);

/// Reads the student of a checkpoint written by train_kd (for export or evaluation).
std::shared_ptr<nn::StudentImpl> load_kd_student(const std::string& checkpoint_path);
/// The class names a checkpoint's student was trained on, in the order of its outputs.
std::vector<std::string> kd_checkpoint_class_names(const std::string& checkpoint_path);

}  // namespace tint::distill
