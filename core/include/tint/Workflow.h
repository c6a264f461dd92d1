#pragma once
// The interactive workflow around the engines: the settings kept in project.json, the synthetic
// images with their curation and teacher scores, the augmentation generator, the history of
// distillation runs, and the exports of the Export menu (curated dataset, model card).
// Std-only, like every public core header: the GUI uses it through the engine thread.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tint/Distill.h"
#include "tint/Tint.h"

namespace tint {

class JobContext;

// ------------------------------------------------------------------------------------ settings

/// JSON object text of the settings (what project.json keeps under "tint" and "distill").
std::string tint_settings_to_json(const TintSettings& settings);
std::string distill_spec_to_json(const DistillSpec& spec);
/// Parses settings text; absent keys keep their defaults, unknown keys are ignored, a key of the
/// wrong type throws tint::Error naming `where` and the key. Empty text gives the defaults.
TintSettings tint_settings_from_json(const std::string& text, const std::string& where);
DistillSpec distill_spec_from_json(const std::string& text, const std::string& where);

/// A folder shipped with the application (resources/<relative>, e.g. "demo/flowers"): looked for
/// in the installed share/tintbench beside the executable's folder, then in the source tree.
/// Empty when not found.
std::string find_shipped(const std::string& relative, const std::string& executable_dir,
                         const std::string& source_resources_dir);
/// find_shipped("models/" + name, ...).
std::string find_shipped_model(const std::string& name, const std::string& executable_dir,
                               const std::string& source_resources_dir);

/// What a model folder is, read from its configuration files only (quick enough to run as the user
/// types): `ok` false with the problem in plain words, otherwise a one-line description.
struct FolderCheck {
    bool ok = false;
    std::string text;
};
/// A diffusers Stable Diffusion folder: model_index.json, the five components, their configs and
/// safetensors weights.
FolderCheck check_generator_folder(const std::string& dir);
/// A teacher folder: the built-in ImageNet MobileNetV2, DINOv2 or CLIP vision with safetensors weights.
FolderCheck check_teacher_folder(const std::string& dir);

// ----------------------------------------------------------------------------- synthetic images

/// All synthetic images of the project, class by class in creation order.
struct ProjectSample {
    int class_index = 0;
    SampleRecord record;
};
std::vector<ProjectSample> list_samples(const std::string& project_root, const ProjectData& project);

/// Records curation decisions ("new", "accepted", "rejected") for samples of one class: one
/// durable line per sample appended to samples.jsonl. Throws tint::Error on an unknown status or
/// when the file cannot be written (nothing is recorded then).
void set_sample_status(const std::string& project_root, const ClassEntry& cls,
                       const std::vector<std::pair<std::string, std::string>>& id_and_status);

struct ScoreOptions {
    std::string teacher_dir;                  ///< as DistillSpec::teacher_dir
    std::string head = "logistic_regression";
    double duplicate_similarity = 0.97;       ///< cosine similarity of teacher features from which two images are near-duplicates
    bool rescore = false;                     ///< score again even when the stored scores are current
};
struct ScoreReport {
    int scored = 0, duplicates = 0;
    bool cancelled = false;
};
/// The teacher (with its head fitted on the supports) looks at every synthetic image: top-1
/// class and confidence, novelty (1 - the largest cosine similarity to the class's supports) and
/// near-duplicates of a support or of an earlier sample. The scores are appended to samples.jsonl
/// class by class; `on_scored` is called (on the calling thread) with each class's new records.
ScoreReport score_samples(const std::string& project_root, const ProjectData& project, const ScoreOptions& options,
                          JobContext& ctx,
                          const std::function<void(int class_index, const std::vector<SampleRecord>&)>& on_scored = {});

/// The augmentation generator (heavy crops, flips and colour jitter of the supports) writing into
/// synthetic/<class_dir>/aug-NNNNNN.png with samples.jsonl, like TINT sampling does, so its
/// images are curated the same way. Used when no diffusion model is configured.
struct AugmentSpec {
    std::vector<int> classes;  ///< empty: all classes
    int per_class      = 20;
    std::uint64_t seed = 0;
    int max_side       = 256;  ///< output images are square, at most this size
};
SynthesisReport generate_augmented(const std::string& project_root, const ProjectData& project, const AugmentSpec& spec,
                                   TintEvents& events, JobContext& ctx);

// ------------------------------------------------------------------------------------------ runs

struct RunSummary {
    std::string id;
    std::string started;            ///< ISO 8601 UTC, from the run id
    DistillSpec spec;               ///< the settings it was started with
    std::vector<DistillEpoch> history;
    double teacher_accuracy = -1;
    int train_images        = 0;
    bool has_student        = false;  ///< a checkpoint exists (exportable)
    /// The classes the run trained on, in the order of the student's outputs and of the confusion
    /// matrices (they stay so when the project's classes change later); empty when unknown.
    std::vector<std::string> class_names;
    /// The last epoch's validation accuracy, or -1.
    double accuracy() const { return history.empty() ? -1.0 : history.back().accuracy; }
};
/// The runs under runs/, newest first. A run whose files cannot be read is listed with what could
/// be read and a note in `problems`.
std::vector<RunSummary> list_runs(const std::string& project_root, std::vector<std::string>* problems = nullptr);

/// One validation image as the run's student sees it.
struct RunPrediction {
    std::string file;
    int true_class = 0, predicted = 0;
    double confidence = 0;
};
/// The student's predictions on the run's validation folder (what its confusion matrix counts).
std::vector<RunPrediction> run_validation_predictions(const std::string& project_root, const ProjectData& project,
                                                      const std::string& run_id, JobContext& ctx);

// --------------------------------------------------------------------------------------- exports

struct DatasetExportReport {
    std::string folder;
    int images = 0, supports = 0, synthetic = 0;
};
/// Copies the supports and the accepted synthetic images (and the undecided ones when asked) into
/// `out_dir`/<class name>/. `out_dir` must not exist or be empty; the copy is made in a temporary
/// folder beside it and renamed into place, so a failure leaves nothing half-written.
DatasetExportReport export_curated_dataset(const std::string& project_root, const ProjectData& project,
                                           const std::string& out_dir, bool include_undecided = false,
                                           JobContext* ctx = nullptr);

/// Markdown model card of a run: data, teacher and head, student, accuracy with its 95 %
/// interval, preprocessing, and how to load the ONNX file.
std::string model_card_markdown(const std::string& project_root, const ProjectData& project, const std::string& run_id);
/// Writes the model card atomically.
void write_model_card(const std::string& project_root, const ProjectData& project, const std::string& run_id,
                      const std::string& out_file);

/// Wilson score interval (95 %) of a proportion of `n` trials: {low, high}.
std::pair<double, double> wilson_interval(double proportion, long long n);

}  // namespace tint
