#pragma once
// Evaluation of a student (or of the teacher's few-shot head) on a labelled image list, the
// statistics of few-shot episodes (TINT-REFERENCE.md §6) and a seeded N-way K-shot episode sampler.
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "distill/augment.h"
#include "tint/Project.h"

namespace tint {
class JobContext;
}
namespace tint::nn {
struct StudentImpl;
}

namespace tint::distill {

class Teacher;
class FewShotHead;

struct Evaluation {
    std::int64_t count = 0;
    double accuracy    = 0.0;
    double agreement   = std::nan("");  ///< top-1 equal to the teacher's; NaN without teacher labels
    /// confusion[true][predicted], num_classes x num_classes.
    std::vector<std::vector<std::int64_t>> confusion;
};

/// predicted [N] and labels [N] int64 in [0, C); teacher_predicted [N] (optional, undefined = none).
Evaluation evaluate_predictions(const torch::Tensor& predicted, const torch::Tensor& labels, std::int64_t num_classes,
                                const torch::Tensor& teacher_predicted = {});

/// The student's deterministic view of each image: the centre crop of the output's aspect resized
/// to size x size (no flip, no jitter), RGB CV_8UC3.
std::vector<cv::Mat> evaluation_views(const std::vector<cv::Mat>& images, int size);
/// Same-sized RGB CV_8UC3 images normalised -> [N, 3, H, W].
torch::Tensor normalized_pixels(const std::vector<cv::Mat>& views, const Normalization& norm);
/// evaluation_views() normalised: RGB CV_8UC3 images -> [N, 3, size, size].
torch::Tensor evaluation_pixels(const std::vector<cv::Mat>& images, int size, const Normalization& norm);
/// The same for image files, decoded a few at a time (only the small views are kept).
torch::Tensor evaluation_pixels(const std::vector<std::string>& files, int size, const Normalization& norm,
                                JobContext* ctx = nullptr);

/// Student logits [N, C] for preprocessed pixels, `batch_size` at a time in eval mode (the
/// student's train/eval mode is restored); on the student's device, returned on the CPU.
torch::Tensor student_logits(nn::StudentImpl& student, const torch::Tensor& pixels, int batch_size = 64);
/// The student's pooled features [N, D] (what its classifier sees), computed like student_logits().
torch::Tensor student_features(nn::StudentImpl& student, const torch::Tensor& pixels, int batch_size = 64);
/// Cosine similarity of each row of a [N, D] with the same row of b [N, D] -> [N] (differentiable;
/// a zero row gives 0). Shapes are the caller's to check.
torch::Tensor row_cosine(const torch::Tensor& a, const torch::Tensor& b);
/// Mean over rows of row_cosine(a, b), in float64 on the CPU; 0 rows: 0.
double mean_cosine(const torch::Tensor& a, const torch::Tensor& b);

/// Accuracy, confusion and (with teacher_probs [N, C]) agreement of a student on image files.
Evaluation evaluate_student(nn::StudentImpl& student, const std::vector<std::string>& files,
                            const std::vector<std::int64_t>& labels, std::int64_t num_classes, int input_size,
                            const Normalization& norm = {}, const torch::Tensor& teacher_probs = {},
                            JobContext* ctx = nullptr);

/// Accuracy and confusion of the teacher's head on image files (agreement is 1 by definition).
Evaluation evaluate_teacher(Teacher& teacher, const FewShotHead& head, const std::vector<std::string>& files,
                            const std::vector<std::int64_t>& labels, JobContext* ctx = nullptr);

// ---- episodes ----

/// Mean accuracy over E episodes of M queries each and its 95 % interval from the variance
/// decomposition Var(A) = (1/E) [sigma^2 (1 - 1/M) + mu (1 - mu) / M].
struct EpisodeStatistics {
    std::int64_t episodes = 0, queries = 0;  ///< E, M
    double mean            = 0.0;            ///< mu hat
    double sample_variance = 0.0;            ///< s^2 of the per-episode accuracies (divisor E - 1)
    /// sigma^2 hat = (s^2 - mu(1-mu)/M) / (1 - 1/M), clamped at 0 (sampling noise can make it
    /// negative); 0 when M == 1 (not identifiable).
    double sigma2        = 0.0;
    double variance_mean = 0.0;  ///< Var(A) with sigma2 and mean plugged in
    double half_width    = 0.0;  ///< 1.96 sqrt(Var(A))
    double lower = 0.0, upper = 0.0;
};

/// Needs at least two episodes and M >= 1; accuracies in [0, 1]. Throws tint::Error otherwise.
EpisodeStatistics episode_statistics(const std::vector<double>& accuracies, std::int64_t queries_per_episode);

/// Var(A) for E episodes of M queries given mu and sigma^2.
double episode_mean_variance(double mean, double sigma2, std::int64_t episodes, std::int64_t queries);

struct EpisodePlan {
    std::int64_t episodes = 0, queries = 0;  ///< E, M
    double half_width     = 0.0;             ///< predicted 1.96 sqrt(Var(A)) for this plan
    double cost           = 0.0;             ///< E (1 + query_cost * M), in episode units
};

/// The cheapest (E, M) whose predicted half-width is at most `target_half_width`, for M a multiple
/// of `query_step` (N-way episodes have M = N Q queries) in [query_step, max_queries]. An episode (specialisation + generation + distillation) costs 1, a query
/// `query_cost` (almost free: default 0.001), so the plan favours many queries and few episodes;
/// E never drops below `min_episodes`. mean and sigma2 usually come from episode_statistics.
EpisodePlan recommend_episodes(double mean, double sigma2, double target_half_width, std::int64_t max_queries,
                               double query_cost = 0.001, std::int64_t min_episodes = 2, std::int64_t query_step = 1);

struct Episode {
    std::vector<std::string> classes;  ///< the N class folder names, in episode label order
    std::vector<std::string> support_files, query_files;
    std::vector<std::int64_t> support_labels, query_labels;  ///< indices into classes
};

/// Episodes from a folder-per-class dataset (ImageFolder: one sub-folder per class, image files
/// inside, scanned once in sorted order).
class EpisodeSampler {
public:
    explicit EpisodeSampler(const std::string& root);
    const std::vector<std::string>& classes() const { return classes_; }
    const std::vector<std::vector<std::string>>& files() const { return files_; }
    /// N classes drawn from those with at least K + Q images, then K supports and Q disjoint
    /// queries per class. Determined by (seed, index) alone. Throws tint::Error when fewer than N
    /// classes have K + Q images.
    Episode sample(int n_way, int k_shot, int q_query, std::uint64_t seed, std::uint64_t index) const;

private:
    std::string root_;
    std::vector<std::string> classes_;
    std::vector<std::vector<std::string>> files_;
};

// ---- validation folders ----

/// The images of a validation folder (one sub-folder per class, names matched case-insensitively
/// with the project's classes), leaving out supports that were imported from it. Sub-folders that
/// name no class are listed in `ignored`.
struct ValidationFiles {
    std::vector<std::string> files;
    std::vector<std::int64_t> labels;
    std::vector<std::string> ignored;
};
ValidationFiles validation_files(const ProjectData& project, const std::string& dir);

}  // namespace tint::distill
