#pragma once
// The *.tintproj project folder: project.json (schema-versioned) and the support set.
// Every change is written at once and atomically; see DESIGN.md "Project folder".
#include <map>
#include <string>
#include <vector>

#include "tint/Image.h"

namespace tint {

class JobContext;

/// The schema this build writes and the newest it reads.
inline constexpr int kProjectSchema = 1;
inline constexpr const char* kProjectFileName = "project.json";
inline constexpr const char* kProjectSuffix   = ".tintproj";

struct SupportImage {
    std::string file;    ///< relative to the project folder, '/'-separated ("support/daisy/img_0001.jpg")
    std::string source;  ///< where it was imported from (information only)
    std::string hash;    ///< content hash of the file, for duplicate detection
    int width  = 0;      ///< after EXIF orientation
    int height = 0;
};

struct ClassEntry {
    std::string name;  ///< shown to the user; unique, compared case-insensitively
    std::string dir;   ///< folder name under support/, inversions/, synthetic/; fixed at creation
    std::vector<SupportImage> supports;
};

struct ModelSettings {
    std::string generator_dir;  ///< diffusers folder (empty: none configured)
    std::string teacher_dir;    ///< Hugging Face folder or built-in teacher name
    std::string device    = "cpu";
    std::string precision = "fp32";
};

struct ProjectData {
    int schema = kProjectSchema;
    std::string name;
    std::string created;   ///< ISO 8601 UTC
    std::string modified;  ///< ISO 8601 UTC
    std::vector<ClassEntry> classes;
    ModelSettings models;
    /// The inversion and distillation settings as JSON object text ("tint", "distill" in
    /// project.json; empty: the defaults). Mapped to TintSettings / DistillSpec by tint/Workflow.h.
    std::string tint_settings;
    std::string distill_settings;
    /// Top-level keys this version does not know, kept verbatim (JSON text) so that saving
    /// does not drop them.
    std::map<std::string, std::string> unknown;
};

/// JSON text of a project (pretty-printed, stable key order).
std::string project_to_json(const ProjectData& data);
/// Parses project.json text; `where` names the file in messages. Rejects newer schemas.
ProjectData project_from_json(const std::string& text, const std::string& where);

/// A file that could not be imported, with the reason in plain words.
struct ImportFailure {
    std::string path;
    std::string reason;
};

/// An image copied into the project by stage_support_images().
struct StagedImage {
    std::string class_dir;
    SupportImage image;
    ImageU8 thumbnail;
};

struct ImportGroup {
    std::string class_dir;            ///< destination class folder
    std::vector<std::string> files;   ///< source files
};

struct ImportReport {
    std::vector<StagedImage> imported;
    std::vector<ImportFailure> failed;
    bool cancelled = false;  ///< stopped early on request; `imported` holds what was done
};

/// An opened project folder. Not thread-safe: one owner (the GUI thread) mutates it; the
/// engine thread only stages files through the free functions below.
class Project {
public:
    /// Creates a new project folder (must not exist, or be empty) and writes project.json.
    static Project create(const std::string& folder, const std::string& name);
    /// Opens a project folder (or the project.json inside it). Nothing on disk is changed.
    static Project open(const std::string& folder_or_file);

    const std::string& root() const { return root_; }
    const ProjectData& data() const { return data_; }
    std::string absolute(const std::string& relative) const;
    std::string project_file() const;

    /// Writes project.json atomically (temp + fsync + rename).
    void save();

    int class_index(const std::string& name) const;  ///< -1 when absent (case-insensitive)
    int class_index_by_dir(const std::string& dir) const;
    /// Adds a class and saves. Throws tint::Error on an empty or duplicate name.
    const ClassEntry& add_class(const std::string& name);
    void rename_class(int index, const std::string& new_name);
    /// Removes the class from project.json, then deletes its folders.
    void remove_class(int index);
    /// Removes one support image from project.json, then deletes the file.
    void remove_support(int class_index, int image_index);
    /// Adds staged images to their classes and saves. Images whose class is gone, or whose picture
    /// the class already has (staged by another import meanwhile), are deleted. Returns how many
    /// were added.
    int add_staged(const std::vector<StagedImage>& staged);
    void set_models(const ModelSettings& models);
    /// Stores the inversion and distillation settings (JSON object text, see ProjectData).
    void set_workflow_settings(const std::string& tint_settings, const std::string& distill_settings);

    /// Hashes of all support images of a class (for stage_support_images' duplicate check).
    std::map<std::string, std::string> support_hashes(int class_index) const;

private:
    Project() = default;
    void touch_and_save();
    std::string root_;
    ProjectData data_;
};

/// Checks, copies and thumbnails images into <root>/support/<class_dir>/. Bad files are
/// reported one by one; the good ones are copied. `known_hashes` (hash -> existing file) per
/// class dir makes re-importing the same picture a reported duplicate. Polls `ctx` per file.
ImportReport stage_support_images(const std::string& root, const std::vector<ImportGroup>& groups,
                                  const std::map<std::string, std::map<std::string, std::string>>& known_hashes,
                                  int thumbnail_size, JobContext& ctx, const ImageLimits& limits = {});

/// Image files (by extension) directly inside a folder, sorted by name.
std::vector<std::string> list_image_files(const std::string& folder);

/// A folder-per-class tree: each sub-folder with images is a class.
struct ClassFolder {
    std::string class_name;
    std::vector<std::string> files;
};
std::vector<ClassFolder> scan_class_folders(const std::string& root, const JobContext* ctx = nullptr);

/// A folder name for a class: file-system safe, unique among `taken`.
std::string make_class_dir(const std::string& class_name, const std::vector<std::string>& taken);

/// Creates the demo project at `folder` from a folder-per-class photo tree (`photos`), taking
/// the first `shots` photos of each class as supports and copying ATTRIBUTION.txt beside them.
Project create_demo_project(const std::string& folder, const std::string& photos, int shots, JobContext& ctx);

}  // namespace tint
