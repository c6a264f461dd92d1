#pragma once
// Soft-label cache: the teacher's class probabilities (teacher features -> fitted few-shot head ->
// predict_proba) for a list of image files, computed once and kept in a safetensors file whose
// metadata says what produced them. Reused only while the teacher, the head, the class names and
// the files (paths and contents) are all unchanged.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace tint {
class JobContext;
}

namespace tint::distill {

class Teacher;
class FewShotHead;

/// A stable hash of a fitted head: its kind, sizes, hyper-parameters and tensor bytes.
std::string head_hash(const FewShotHead& head);

struct SoftLabelOptions {
    int batch_size = 16;  ///< images per teacher forward pass (cancel is polled per batch)
    /// Also return (and cache beside the probabilities) the teacher's features of every file, for
    /// the trainer's feature term. A cache file without them is then recomputed.
    bool with_features = false;
};

struct SoftLabels {
    torch::Tensor probabilities;  ///< [N, C] float32 on the CPU, row i for files[i]
    torch::Tensor features;       ///< [N, D] float32 on the CPU when with_features, else undefined
    bool reused = false;          ///< read from the cache file
    std::string reason;           ///< why it was (re)computed; empty when reused
};

/// Returns the teacher's probabilities for `files`, from `cache_path` when its metadata matches
/// (teacher identity, head hash, class names, file paths in order and their content hashes),
/// otherwise computed and written there atomically. `class_names` must have head.num_classes()
/// entries. Progress goes to `ctx` under the stage "soft_labels"; cancel-now is polled before each
/// batch (tint::Cancelled; the old cache file is left as it was). Throws tint::Error naming the
/// file on unreadable images or a head that does not fit the teacher.
SoftLabels soft_labels(Teacher& teacher, const FewShotHead& head, const std::vector<std::string>& files,
                       const std::vector<std::string>& class_names, const std::string& cache_path,
                       JobContext* ctx = nullptr, const SoftLabelOptions& options = {});

}  // namespace tint::distill
