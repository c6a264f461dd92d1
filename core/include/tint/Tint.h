#pragma once
// TINT: textual inversion per class, null-text inversion per support, and TINT sampling, with the
// inversion store in the project folder (DESIGN.md "Project folder"). Defaults are the reference's
// (TINT-REFERENCE.md §2-§4).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tint/Image.h"
#include "tint/Project.h"

namespace tint {

class JobContext;

struct TintSettings {
    std::string model_dir;           ///< diffusers folder of the generator
    std::string device    = "cpu";
    std::string precision = "fp32";
    int resolution        = 0;       ///< working size in pixels; 0 = the model's native size (512 for SD 1.5)
    std::string prompt_template = "A photo of an {}";  ///< {} = the class token
    // Textual inversion (§2).
    int ti_steps            = 5000;
    double ti_lr            = 1e-3;
    double ti_weight_decay  = 0.01;
    int ti_min_timestep     = 250;
    int ti_batch            = 1;      ///< supports per step (the reference: 1)
    bool ti_early_stop      = false;  ///< stop when the smoothed loss plateaus
    int ti_plateau_window   = 250;
    int ti_plateau_patience = 3;
    // Null-text inversion (§3).
    int steps          = 25;
    double guidance    = 7.5;
    int nti_inner_steps = 10;
    double nti_lr      = 1e-2;
    double nti_epsilon = 1e-5;
    std::uint64_t seed = 0;
    int checkpoint_every = 25;  ///< textual-inversion steps between saved checkpoints
};

struct TokenNeighbour {
    std::string token;  ///< vocabulary text ("flower", "</w>" removed)
    double similarity = 0;
};

struct ReconstructionEvent {
    std::string class_dir;
    int support = 0;           ///< index in the class
    ImageU8 original;          ///< the support at the working size
    ImageU8 null_text;         ///< reconstruction with the optimised null-text trajectory
    ImageU8 ddim;              ///< plain DDIM-inversion reconstruction (empty-prompt unconditional branch)
    double psnr_null_text = 0;
    double psnr_ddim      = 0;
    double latent_rmse_null_text = 0;  ///< RMS distance of the reconstruction's latent to the support's
    double latent_rmse_ddim      = 0;  ///< the same for plain DDIM inversion
};

struct SampleEvent {
    std::string class_dir;
    std::string id;            ///< file stem under synthetic/<class_dir>/
    std::string file;          ///< relative to the project folder
    int support = 0;           ///< the support whose null-text trajectory was used
    std::uint64_t seed = 0;
    ImageU8 image;
};

/// What the user watches. Called on the worker thread; every method has an empty default.
class TintEvents {
public:
    virtual ~TintEvents() = default;
    virtual void textual_inversion_step(const std::string& /*class_dir*/, int /*step*/, int /*total*/, double /*loss*/) {}
    virtual void token_neighbours(const std::string& /*class_dir*/, int /*step*/, const std::vector<TokenNeighbour>&) {}
    virtual void null_text_step(const std::string& /*class_dir*/, int /*timestep*/, int /*total*/,
                                const std::vector<double>& /*loss_per_support*/) {}
    virtual void reconstruction(const ReconstructionEvent&) {}
    virtual void sample(const SampleEvent&) {}
    virtual void message(const std::string& /*class_dir*/, const std::string& /*text*/) {}
};

enum class InversionState { None, Partial, Done, Stale };

struct ClassInversionStatus {
    std::string class_dir;
    InversionState token     = InversionState::None;
    InversionState null_text = InversionState::None;
    int ti_steps_done      = 0;
    int nti_timesteps_done = 0;
    std::string stale_reason;  ///< why a stored result no longer applies
    std::string token_text;    ///< the placeholder ("<daisy>")
};

/// What is stored for a class, and whether it still matches the model, supports and settings.
/// With `compare_settings` false only the model and the supports must match (what sampling needs:
/// it uses the settings stored with the inversion).
ClassInversionStatus inversion_status(const std::string& project_root, const ClassEntry& cls,
                                      const TintSettings& settings, bool compare_settings = true);

/// Deletes a class's stored inversion (token, null-text trajectories, checkpoints).
void clear_inversion(const std::string& project_root, const ClassEntry& cls);

struct SynthesisSpec {
    std::vector<int> classes;  ///< empty: all classes
    int per_class      = 10;
    std::uint64_t seed = 0;
    double alpha       = 1.0;  ///< 1: fresh noise (the reference); < 1 blends towards the support's z_T
    int width = 0, height = 0; ///< 0: each support's own size
    int batch = 1;             ///< images per guided sampling batch
};

struct SynthesisReport {
    int written = 0;
    bool cancelled = false;
};

enum class EmbeddingFormat {
    Diffusers,  ///< learned_embeds.safetensors: {token: [1, D]}
    WebUI,      ///< single-file embedding: {"emb_params": [n, D]} with name metadata
};

/// Runs TINT on a project's classes. Keeps the loaded generator between calls (one engine per
/// engine thread). Not thread-safe.
class TintEngine {
public:
    TintEngine();
    ~TintEngine();
    TintEngine(const TintEngine&) = delete;
    TintEngine& operator=(const TintEngine&) = delete;

    /// Textual inversion, then null-text inversion, for each class (all when `classes` is empty).
    /// Finished, still-valid classes are skipped unless `force`; unfinished ones resume from their
    /// checkpoint. Stale results (another model, other supports or settings) are recomputed.
    void invert(const std::string& project_root, const ProjectData& project, const std::vector<int>& classes,
                const TintSettings& settings, TintEvents& events, JobContext& ctx, bool force = false);

    /// TINT sampling into synthetic/<class_dir>/ (PNG + samples.jsonl); classes need a finished
    /// inversion made with `settings.model_dir` from their current supports. The prompt template,
    /// step count and guidance are the ones stored with the inversion.
    SynthesisReport synthesize(const std::string& project_root, const ProjectData& project, const SynthesisSpec& spec,
                               const TintSettings& settings, TintEvents& events, JobContext& ctx);

    /// Drops the loaded generator (frees its memory).
    void unload();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Writes a class's learned token in a format other tools load. Throws when it is not finished.
void export_embedding(const std::string& project_root, const ClassEntry& cls, const std::string& out_file,
                      EmbeddingFormat format);

/// One line of synthetic/<class_dir>/samples.jsonl.
struct SampleRecord {
    std::string id, file, status = "new";  ///< status: "new", "accepted" or "rejected"
    std::string generator = "tint";        ///< "tint" or "augment"
    int support = 0;
    std::uint64_t seed = 0;
    int width = 0, height = 0;
    // Teacher scores (tint/Workflow.h score_samples); -1 / empty until scored.
    int teacher_class         = -1;  ///< the teacher head's top-1 class index
    double teacher_confidence = -1;  ///< its probability
    double novelty            = -1;  ///< 1 - the largest cosine similarity to a support of the class
    std::string duplicate_of;        ///< "support:<file>" or "sample:<id>" when nearly identical
    std::string scored_by;           ///< what the scores were computed with (teacher, head, classes)
};

/// Reads samples.jsonl of a class (a torn last line from a crash is skipped). A later line about
/// the same id updates the fields it carries (status changes, teacher scores).
std::vector<SampleRecord> read_samples(const std::string& project_root, const ClassEntry& cls);

}  // namespace tint
