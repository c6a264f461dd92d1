#pragma once
// The baseline image generator used when no diffusion model is configured: heavily augmented
// copies of each class's support images, written as PNG with reproducible per-image seeds.
#include <cstdint>
#include <string>
#include <vector>

#include "distill/augment.h"

namespace tint {
class JobContext;
}

namespace tint::distill {

struct ClassSupport {
    std::string name;                 ///< the class; also its sub-folder of the output
    std::vector<std::string> images;  ///< support image files
};

struct ClassicGeneratorOptions {
    int per_class     = 20;
    std::uint64_t seed = 0;
    /// Output images are square with side min(the support's shorter side, max_side).
    int max_side = 512;
    /// Crop, flip, jitter and grey settings; the output size is set per image from max_side.
    AugmentOptions augment = heavy_augmentation({512, 512});
};

struct GeneratedImage {
    std::string class_name;
    std::string path;
    int index         = 0;  ///< n of the class (0 .. per_class-1)
    int support_index = 0;  ///< which support image it was made from
    std::uint64_t seed = 0;  ///< seed of its std::mt19937_64
};

/// Side of the classic images made to train a student of `input_size` pixels: twice the student's
/// size, at least 128. (Making them at the teacher's own 256 px instead was measured in the
/// benchmark and trained worse 84 px students: 57.7 % against 60.3 % on the same episodes.)
int classic_side_for_student(int input_size);

/// The seed of image n of a class: depends on the run seed, the class name and n only, so adding
/// classes or images does not change the others.
std::uint64_t classic_image_seed(std::uint64_t seed, const std::string& class_name, int n);

/// Writes `<out_dir>/<class>/classic-<nnnn>.png` for n = 0 .. per_class-1, image n made from
/// support n mod count with classic_image_seed(). Each file is written atomically, progress goes
/// to ctx under the stage "classic_augment", cancel-now throws tint::Cancelled and cancel-after-item
/// returns the images finished so far. The output folders are created first; a folder that
/// cannot be created or written, an unreadable support or a bad class name throws tint::Error
/// naming it before any image is made.
std::vector<GeneratedImage> generate_classic(const std::vector<ClassSupport>& classes, const std::string& out_dir,
                                             const ClassicGeneratorOptions& options, JobContext& ctx);

}  // namespace tint::distill
