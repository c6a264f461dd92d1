#pragma once
// Image augmentation with OpenCV (torchvision semantics: RandomResizedCrop, RandomHorizontalFlip,
// ColorJitter), deterministic under a seed, and a background loader that turns a list of images
// into augmented, normalised float batches on its own thread.
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/seed.h"

#include "tint/Image.h"
#include "tint/JobContext.h"

namespace tint::distill {

// ---- random numbers ----
// std::uniform_*_distribution differ between standard libraries; these are fixed so that a seed
// gives the same images everywhere.

/// Uniform in [0, 1) from the top 53 bits.
double uniform01(std::mt19937_64& rng);
double uniform(std::mt19937_64& rng, double lo, double hi);
/// Uniform integer in [lo, hi] (inclusive), unbiased.
std::int64_t uniform_int(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi);
using ::tint::mix_seed;  // runtime/seed.h

// ---- conversions ----

/// ImageU8 (RGB) <-> cv::Mat CV_8UC3 holding RGB (copies).
cv::Mat to_mat(const ImageU8& image);
ImageU8 to_image(const cv::Mat& rgb);

/// Pixel normalisation of a model input: x = (u8 * scale - mean) / std per RGB channel.
struct Normalization {
    double scale = 1.0 / 255.0;
    std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
    std::array<float, 3> std{0.229f, 0.224f, 0.225f};
};

/// RGB CV_8UC3 -> planar float [3, rows, cols] normalised, written to `dst`.
void normalize_to_chw(const cv::Mat& rgb, const Normalization& norm, float* dst);

// ---- augmentations ----

struct RandomResizedCrop {
    double scale_min = 0.08, scale_max = 1.0;            ///< fraction of the image area
    double ratio_min = 3.0 / 4.0, ratio_max = 4.0 / 3.0;  ///< width / height
};

/// torchvision RandomResizedCrop.get_params: up to 10 draws of an area fraction (uniform) and a
/// log-uniform aspect ratio; the first crop that fits is placed uniformly. After 10 misses the
/// centre crop of the whole image clamped to the ratio range is returned.
cv::Rect sample_resized_crop(int width, int height, const RandomResizedCrop& params, std::mt19937_64& rng);

/// Crops `rect` and resizes it to `size`: area averaging when shrinking (no aliasing on large
/// photos), bilinear when enlarging.
cv::Mat crop_resize(const cv::Mat& rgb, const cv::Rect& rect, cv::Size size);

struct ColorJitter {
    double brightness = 0.4, contrast = 0.4, saturation = 0.4;  ///< factor in [max(0, 1 - v), 1 + v]
    double hue = 0.1;                                           ///< shift in [-hue, hue] turns, hue <= 0.5
};

// The single adjustments of torchvision.transforms.functional, on RGB CV_8UC3 (computed in float,
// rounded once at the end).
cv::Mat adjust_brightness(const cv::Mat& rgb, double factor);  ///< blend with black
cv::Mat adjust_contrast(const cv::Mat& rgb, double factor);    ///< blend with the mean grey level
cv::Mat adjust_saturation(const cv::Mat& rgb, double factor);  ///< blend with the grey image
cv::Mat adjust_hue(const cv::Mat& rgb, double shift);          ///< rotate the HSV hue by shift turns

/// ColorJitter: the four adjustments in a random order, each with a random factor (a zero
/// strength skips it).
cv::Mat color_jitter(const cv::Mat& rgb, const ColorJitter& params, std::mt19937_64& rng);

struct AugmentOptions {
    cv::Size size{224, 224};          ///< output size
    bool random_crop = true;          ///< RandomResizedCrop; otherwise the centre crop of the output's aspect
    RandomResizedCrop crop;
    double flip_probability   = 0.5;
    double jitter_probability = 0.8;  ///< as SimCLR's RandomApply(ColorJitter, p=0.8)
    ColorJitter jitter;
    double grayscale_probability = 0.0;
    /// No random change at all: the centre crop of the output's aspect, resized (what a training
    /// image looks like when the student must see exactly what the teacher labelled).
    void turn_off() {
        random_crop           = false;
        flip_probability      = 0.0;
        jitter_probability    = 0.0;
        grayscale_probability = 0.0;
    }
};

/// Crop + resize, flip, jitter, grey, in that order. RGB CV_8UC3 in, RGB CV_8UC3 of `size` out.
cv::Mat augment(const cv::Mat& rgb, const AugmentOptions& options, std::mt19937_64& rng);

/// The strong augmentation of the classic generator: crops of 25-100 % of the area (smaller ones
/// often lose the object and with it the label), flips, jitter 0.4/0.4/0.4/0.1 at p = 0.8,
/// grey at p = 0.1.
AugmentOptions heavy_augmentation(cv::Size size);

// ---- background loader ----

/// The random streams of an epoch: one for the shuffle, one per image (by its index in the
/// loader). They never coincide; streams of images below index 24 300 are those of earlier
/// versions, so recorded runs repeat exactly.
constexpr std::uint64_t kShuffleStream = 0x5eed;
std::uint64_t sample_stream(std::int64_t index);

struct LoaderSample {
    cv::Mat image;           ///< RGB CV_8UC3; when empty the image is obtained on the worker
    std::string path;        ///< decoded with load_image_rgb when `image` is empty (default)
    std::int64_t label = 0;
};

struct LoaderOptions {
    int batch_size = 32;
    int epochs     = 1;
    bool shuffle   = true;
    bool drop_last = false;
    std::size_t queue_capacity = 4;  ///< finished batches waiting for the consumer
    std::uint64_t seed = 0;
    AugmentOptions augment;
    Normalization normalization;
    /// How a sample without `image` becomes one (runs on the worker); default: load_image_rgb(path).
    std::function<cv::Mat(const LoaderSample&)> load;
};

struct Batch {
    torch::Tensor images;   ///< [B, 3, H, W] float32, normalised
    torch::Tensor labels;   ///< [B] int64
    torch::Tensor indices;  ///< [B] int64: positions in the sample list (for soft-label lookup)
    int epoch           = 0;
    std::int64_t number = 0;  ///< batches since the start
};

/// Produces batches on one worker thread, at most `queue_capacity` ahead of the consumer. Each
/// sample's augmentation is seeded from (seed, epoch, sample index), so the images do not depend
/// on timing or batch size; the order of each epoch is a seeded shuffle.
/// Cancel (the job's token, mode Now) stops the worker before its next image; destruction stops
/// and joins it. An exception on the worker reaches the consumer from next(), after the batches
/// finished before it.
class BackgroundLoader {
public:
    BackgroundLoader(std::vector<LoaderSample> samples, LoaderOptions options, CancelToken cancel = {});
    ~BackgroundLoader();
    BackgroundLoader(const BackgroundLoader&)            = delete;
    BackgroundLoader& operator=(const BackgroundLoader&) = delete;

    /// The next batch, waiting for it; std::nullopt after the last one (or after stop()).
    /// Throws tint::Cancelled when cancel-now was requested and the worker's exception when it failed.
    std::optional<Batch> next();
    /// Stops the worker and joins it (idempotent). Pending batches are dropped.
    void stop();

    std::int64_t batches_per_epoch() const;
    std::int64_t total_batches() const { return batches_per_epoch() * options_.epochs; }

private:
    void run();
    bool should_stop() const;

    std::vector<LoaderSample> samples_;
    LoaderOptions options_;
    CancelToken cancel_;

    mutable std::mutex mutex_;
    std::condition_variable ready_;  ///< consumer waits: a batch, the end, an error
    std::condition_variable space_;  ///< worker waits: room in the queue, or stop
    std::deque<Batch> queue_;
    bool stop_ = false, done_ = false;
    std::exception_ptr error_;
    std::thread worker_;
};

}  // namespace tint::distill
