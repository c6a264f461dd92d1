#pragma once
// The few-shot benchmark on a folder-per-class photo set (`tintbench-cli benchmark`): seeded
// N-way K-shot episodes with disjoint supports and queries. Per episode the teacher's few-shot head
// is fitted on the supports, a student is trained on the supports alone (hard labels) and another
// is distilled from the teacher (soft labels on the supports and on heavy augmentations of them);
// all three are scored on the episode's queries. A second teacher head, fitted and scored on the
// pixels the student sees (each photo at the student's input size, then enlarged by the teacher's
// own preprocessing), shows how much of the teacher's accuracy survives the small input at all.
// Result: the mean accuracy of each with its 95 % interval (TINT-REFERENCE.md §6), the episode
// plan for a target half-width, and the exported student's ONNX inference time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tint {

class JobContext;

struct BenchmarkSpec {
    std::string data_dir;                         ///< one sub-folder of images per class
    std::string teacher_dir;                      ///< as DistillSpec::teacher_dir
    std::string teacher_features = "pooled";      ///< or "logits" (built-in ImageNet MobileNetV2 only)
    std::string head             = "logistic_regression";
    int teacher_finetune_blocks  = 0;             ///< as DistillSpec: per episode, on its supports
    int teacher_finetune_steps   = 100;
    std::string student          = "conv4";
    double width                 = 1.0;
    std::string student_init;                     ///< "" or "imagenet" (MobileNetV2 ×1.0)
    std::string student_init_dir;                 ///< empty: teacher_dir
    int input_size   = 84;
    double crop_min  = 0.08;  ///< as DistillSpec::crop_min
    int epochs       = 30;
    int batch_size   = 32;
    double lr        = 1e-3;
    double temperature = 4.0;
    double alpha       = 0.0;
    double feature_weight = 0.0;  ///< as DistillSpec::feature_weight (distilled student only)
    int stage_match_epochs = 0;   ///< as DistillSpec::stage_match_epochs (both students)
    /// The distilled student's on-the-fly augmentation (crop, flip, jitter). Off: it sees exactly
    /// the images the teacher labelled (its variety then comes from the classic generator).
    bool distilled_augment = true;
    int n_way  = 5;
    int k_shot = 5;
    int queries = 0;          ///< per class; 0: as many as the smallest class leaves after the supports
    int episodes = 10;
    int classic_per_class = 50;  ///< heavy augmentations of the supports labelled by the teacher
    std::uint64_t seed = 0;
    double target_half_width = 0.02;  ///< for the recommended plan
    std::string work_dir;     ///< where each episode's generated images go; empty: a temporary folder
    bool train_supervised = true;   ///< the hard-label student
    bool train_distilled  = true;   ///< the distilled student
    int onnx_runs = 200;            ///< timed runs of the exported student; 0: no timing
};

/// One method's accuracies over the episodes and their statistics.
struct BenchmarkArm {
    /// "teacher", "teacher at student size", "supervised student", "distilled student"
    std::string name;
    std::vector<double> accuracies;  ///< per episode, in [0, 1]
    double mean = 0, half_width = 0, lower = 0, upper = 0, sigma2 = 0;  ///< half_width etc. need two episodes
    long long plan_episodes = 0, plan_queries = 0;  ///< cheapest plan for the target half-width
    double plan_half_width = 0;
};

struct BenchmarkEpisode {
    int index = 0;  ///< 0-based
    std::vector<std::string> classes;
    double teacher = -1, supervised = -1, distilled = -1;  ///< accuracy on the queries; -1 = not run
    /// The teacher's head fitted and scored on the student's view of supports and queries.
    double teacher_student_size = -1;
    /// Mean cosine over the queries between the teacher's full-size features and (a) the distilled
    /// student's pooled features, when their sizes match; (b) the teacher's own features of the
    /// student's view. How closely the student's representation follows the teacher's on photos
    /// it never saw, and how closely the smaller picture alone lets it.
    std::optional<double> distilled_feature_cosine, teacher_student_size_feature_cosine;
    double seconds = 0;
};

class BenchmarkEvents {
public:
    virtual ~BenchmarkEvents() = default;
    virtual void episode(const BenchmarkEpisode&) {}
    virtual void message(const std::string&) {}
};

struct BenchmarkResult {
    int episodes_done = 0;
    long long queries_per_episode = 0;  ///< N x queries per class
    std::vector<BenchmarkEpisode> episodes;
    /// teacher, teacher at student size, then the students that were trained
    std::vector<BenchmarkArm> arms;
    long long student_parameters = 0;
    double onnx_ms_per_image = -1;      ///< median, batch 1, OpenCV dnn; -1 = not timed
    double onnx_max_abs_diff = 0;       ///< the export's own OpenCV-vs-LibTorch check
    long long onnx_file_size = 0;
    double seconds = 0;
    bool stopped_early = false;         ///< cancel after the current episode
};

/// Cancel: AfterCurrentItem finishes the running episode and returns the episodes done;
/// Now throws tint::Cancelled at the next training step. Progress goes to ctx under the stage
/// "benchmark" with the episode, the phase and the estimated time left in the message.
BenchmarkResult run_benchmark(const BenchmarkSpec& spec, BenchmarkEvents& events, JobContext& ctx);

/// The spec, the per-episode accuracies and the statistics as JSON text.
std::string benchmark_json(const BenchmarkSpec& spec, const BenchmarkResult& result);

}  // namespace tint
