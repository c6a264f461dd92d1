#pragma once
// Fine-tuning the last blocks of a teacher on the support set: the blocks after a frozen trunk,
// with a cosine classifier started from the class means, learn from augmented views of the
// supports. The few-shot head is then fitted again on the fine-tuned features. The tail's weights
// are saved beside a run so that a resumed run and an exported model card use the same teacher.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "distill/teacher.h"
#include "tint/Image.h"

namespace tint {
class JobContext;
}

namespace tint::distill {

struct TeacherFineTuneOptions {
    int blocks     = 2;     ///< last blocks unfrozen, with everything after them
    int steps      = 100;   ///< optimiser steps
    int batch_size = 16;    ///< augmented views per step
    double lr      = 1e-4;  ///< AdamW peak learning rate of the blocks; the classifier's is 10x
    double weight_decay = 0.01;
    double scale   = 10.0;  ///< cosine-classifier logit scale
    std::uint64_t seed = 0;
};

struct TeacherFineTuneReport {
    int steps = 0;
    std::vector<double> losses;            ///< cross entropy of each step's augmented batch
    std::int64_t trainable_parameters = 0;
    double initial_loss() const;           ///< mean of the first 10 % of the steps (at least one)
    double final_loss() const;             ///< mean of the last 10 %
};

/// Fine-tunes `teacher` in place on labelled images (every class in [0, num_classes) needs one).
/// Augmentation: the classic generator's crops (25-100 % of the area), flips, colour jitter, at the
/// teacher's input size and normalisation. AdamW with 10 % warm-up and cosine decay, deterministic
/// under the seed. Parameters outside the tail do not change (their requires_grad is restored).
/// Progress under the stage "teacher fine-tuning"; cancel is polled every step and leaves the
/// teacher as loaded (tail restored). Afterwards teacher.identity() names the fine-tuning.
TeacherFineTuneReport fine_tune_teacher(Teacher& teacher, const std::vector<ImageU8>& images,
                                        const std::vector<std::int64_t>& labels, std::int64_t num_classes,
                                        const TeacherFineTuneOptions& options, JobContext* ctx = nullptr);

/// The tail tensors of `blocks` blocks, cloned (to restore them later).
std::vector<std::pair<std::string, torch::Tensor>> snapshot_tail(Teacher& teacher, int blocks);
/// Copies a snapshot back and clears the fine-tuned identity.
void restore_tail(Teacher& teacher, const std::vector<std::pair<std::string, torch::Tensor>>& snapshot);

/// Writes the fine-tuned tail (float32 safetensors; the base identity, blocks and options in the
/// metadata) atomically. Throws when the teacher is not fine-tuned.
void save_teacher_tail(Teacher& teacher, const std::string& path, const TeacherFineTuneOptions& options);
/// Applies a file of save_teacher_tail to a teacher freshly loaded from the same folder: refuses,
/// naming the file, a file of another teacher, missing, unexpected or mis-shaped tensors, and
/// non-finite values; the teacher is unchanged then.
void load_teacher_tail(Teacher& teacher, const std::string& path);

}  // namespace tint::distill
