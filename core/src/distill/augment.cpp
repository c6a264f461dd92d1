#include "distill/augment.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tint/Error.h"

namespace tint::distill {

// ---- random numbers ----

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

std::int64_t uniform_int(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
    if (hi < lo) throw Error("uniform_int: empty range");
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    if (range == 0) return static_cast<std::int64_t>(rng());  // the whole 64-bit range
    // Rejection of the incomplete last block keeps every value equally likely.
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
    std::uint64_t v;
    do v = rng();
    while (v >= limit);
    return lo + static_cast<std::int64_t>(v % range);
}

// ---- conversions ----

cv::Mat to_mat(const ImageU8& image) {
    if (image.empty() || image.channels != 3) throw Error("augmentation needs an RGB image");
    return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.data.data())).clone();
}

ImageU8 to_image(const cv::Mat& rgb) {
    if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("expected an 8-bit RGB image");
    ImageU8 img{rgb.cols, rgb.rows, 3, std::vector<std::uint8_t>(rgb.total() * 3)};
    rgb.copyTo(cv::Mat(rgb.rows, rgb.cols, CV_8UC3, img.data.data()));
    return img;
}

void normalize_to_chw(const cv::Mat& rgb, const Normalization& n, float* dst) {
    if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("normalisation needs an 8-bit RGB image");
    const std::size_t plane = static_cast<std::size_t>(rgb.rows) * rgb.cols;
    // The same arithmetic as nn::ImagePreprocessor: rescale in double, normalise in float.
    float lut[3][256];
    for (int c = 0; c < 3; ++c)
        for (int v = 0; v < 256; ++v) lut[c][v] = (static_cast<float>(v * n.scale) - n.mean[c]) / n.std[c];
    for (int y = 0; y < rgb.rows; ++y) {
        const std::uint8_t* row = rgb.ptr<std::uint8_t>(y);
        const std::size_t base  = static_cast<std::size_t>(y) * rgb.cols;
        for (int x = 0; x < rgb.cols; ++x)
            for (int c = 0; c < 3; ++c) dst[c * plane + base + x] = lut[c][row[x * 3 + c]];
    }
}

// ---- augmentations ----

cv::Rect sample_resized_crop(int width, int height, const RandomResizedCrop& p, std::mt19937_64& rng) {
    if (width < 1 || height < 1) throw Error("random resized crop: empty image");
    if (!(p.scale_min > 0 && p.scale_min <= p.scale_max && p.ratio_min > 0 && p.ratio_min <= p.ratio_max))
        throw Error("random resized crop: scale and ratio must be positive, increasing ranges");
    const double area = static_cast<double>(width) * height;
    const double log_lo = std::log(p.ratio_min), log_hi = std::log(p.ratio_max);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double target = area * uniform(rng, p.scale_min, p.scale_max);
        const double aspect = std::exp(uniform(rng, log_lo, log_hi));
        // Python's round() rounds halves to even, as nearbyint does in the default mode.
        const int w = static_cast<int>(std::nearbyint(std::sqrt(target * aspect)));
        const int h = static_cast<int>(std::nearbyint(std::sqrt(target / aspect)));
        if (w > 0 && w <= width && h > 0 && h <= height) {
            const int top  = static_cast<int>(uniform_int(rng, 0, height - h));
            const int left = static_cast<int>(uniform_int(rng, 0, width - w));
            return {left, top, w, h};
        }
    }
    const double in_ratio = static_cast<double>(width) / height;
    int w = width, h = height;
    if (in_ratio < p.ratio_min) h = std::max(1, static_cast<int>(std::nearbyint(w / p.ratio_min)));
    else if (in_ratio > p.ratio_max) w = std::max(1, static_cast<int>(std::nearbyint(h * p.ratio_max)));
    return {(width - w) / 2, (height - h) / 2, w, h};
}

cv::Mat crop_resize(const cv::Mat& rgb, const cv::Rect& rect, cv::Size size) {
    if ((rect & cv::Rect(0, 0, rgb.cols, rgb.rows)) != rect || rect.area() == 0)
        throw Error("crop outside the image");
    cv::Mat out;
    const bool shrink = rect.width >= size.width && rect.height >= size.height;
    cv::resize(rgb(rect), out, size, 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

namespace {

void check_rgb(const cv::Mat& m, const char* what) {
    if (m.empty() || m.type() != CV_8UC3) throw Error(std::string(what) + " needs an 8-bit RGB image");
}

cv::Mat to_float(const cv::Mat& u8) {
    cv::Mat f;
    u8.convertTo(f, CV_32FC3);
    return f;
}

cv::Mat to_u8(const cv::Mat& f) {
    cv::Mat u8;
    f.convertTo(u8, CV_8UC3);  // rounds to nearest and saturates
    return u8;
}

void clamp255(cv::Mat& f) {
    cv::min(f, 255.0, f);
    cv::max(f, 0.0, f);
}

// Grey as ITU-R 601 luma (torchvision's rgb_to_grayscale), one channel.
cv::Mat grey_of(const cv::Mat& f) {
    cv::Mat g;
    cv::transform(f, g, cv::Matx13f(0.299f, 0.587f, 0.114f));
    return g;
}

// The float steps (values in [0, 255], clamped after each, as torchvision's _blend does).
void brightness_f(cv::Mat& f, double factor) {
    f *= factor;
    clamp255(f);
}

void contrast_f(cv::Mat& f, double factor) {
    const double mean = cv::mean(grey_of(f))[0];
    f = f * factor + cv::Scalar::all((1.0 - factor) * mean);
    clamp255(f);
}

void saturation_f(cv::Mat& f, double factor) {
    cv::Mat g3;
    cv::cvtColor(grey_of(f), g3, cv::COLOR_GRAY2RGB);
    cv::addWeighted(f, factor, g3, 1.0 - factor, 0.0, f);
    clamp255(f);
}

void hue_f(cv::Mat& f, double shift) {
    if (shift == 0.0) return;
    cv::Mat hsv;
    cv::cvtColor(f * (1.0 / 255.0), hsv, cv::COLOR_RGB2HSV);  // float: H in [0, 360)
    const float deg = static_cast<float>(shift * 360.0);
    hsv.forEach<cv::Vec3f>([deg](cv::Vec3f& p, const int*) {
        float h = std::fmod(p[0] + deg, 360.0f);
        p[0]    = h < 0 ? h + 360.0f : h;
    });
    cv::cvtColor(hsv, f, cv::COLOR_HSV2RGB);
    f *= 255.0;
    clamp255(f);
}

void check_factor(double factor, const char* what) {
    if (!(factor >= 0) || !std::isfinite(factor)) throw Error(std::string(what) + ": the factor must be non-negative");
}

}  // namespace

cv::Mat adjust_brightness(const cv::Mat& rgb, double factor) {
    check_rgb(rgb, "brightness");
    check_factor(factor, "brightness");
    cv::Mat f = to_float(rgb);
    brightness_f(f, factor);
    return to_u8(f);
}

cv::Mat adjust_contrast(const cv::Mat& rgb, double factor) {
    check_rgb(rgb, "contrast");
    check_factor(factor, "contrast");
    cv::Mat f = to_float(rgb);
    contrast_f(f, factor);
    return to_u8(f);
}

cv::Mat adjust_saturation(const cv::Mat& rgb, double factor) {
    check_rgb(rgb, "saturation");
    check_factor(factor, "saturation");
    cv::Mat f = to_float(rgb);
    saturation_f(f, factor);
    return to_u8(f);
}

cv::Mat adjust_hue(const cv::Mat& rgb, double shift) {
    check_rgb(rgb, "hue");
    if (!(std::abs(shift) <= 0.5)) throw Error("hue: the shift must lie in [-0.5, 0.5]");
    cv::Mat f = to_float(rgb);
    hue_f(f, shift);
    return to_u8(f);
}

cv::Mat color_jitter(const cv::Mat& rgb, const ColorJitter& p, std::mt19937_64& rng) {
    check_rgb(rgb, "colour jitter");
    if (p.brightness < 0 || p.contrast < 0 || p.saturation < 0 || p.hue < 0 || p.hue > 0.5)
        throw Error("colour jitter: strengths must be non-negative and hue at most 0.5");
    // As torchvision: a random order, then the factors drawn in the fixed order b, c, s, h.
    int order[4] = {0, 1, 2, 3};
    for (int i = 3; i > 0; --i) std::swap(order[i], order[uniform_int(rng, 0, i)]);
    auto factor = [&](double v) { return v > 0 ? uniform(rng, std::max(0.0, 1.0 - v), 1.0 + v) : 1.0; };
    const double fb = factor(p.brightness), fc = factor(p.contrast), fs = factor(p.saturation);
    const double fh = p.hue > 0 ? uniform(rng, -p.hue, p.hue) : 0.0;
    cv::Mat f = to_float(rgb);
    for (int op : order) {
        switch (op) {
            case 0: if (p.brightness > 0) brightness_f(f, fb); break;
            case 1: if (p.contrast > 0) contrast_f(f, fc); break;
            case 2: if (p.saturation > 0) saturation_f(f, fs); break;
            default: if (p.hue > 0) hue_f(f, fh); break;
        }
    }
    return to_u8(f);
}

cv::Mat augment(const cv::Mat& rgb, const AugmentOptions& o, std::mt19937_64& rng) {
    check_rgb(rgb, "augmentation");
    if (o.size.width < 1 || o.size.height < 1) throw Error("augmentation: the output size must be positive");
    cv::Rect rect;
    if (o.random_crop) {
        rect = sample_resized_crop(rgb.cols, rgb.rows, o.crop, rng);
    } else {  // the largest centred crop with the output's aspect ratio
        const double want = static_cast<double>(o.size.width) / o.size.height;
        int w = rgb.cols, h = rgb.rows;
        if (static_cast<double>(w) / h > want) w = std::max(1, static_cast<int>(std::lround(h * want)));
        else h = std::max(1, static_cast<int>(std::lround(w / want)));
        rect = {(rgb.cols - w) / 2, (rgb.rows - h) / 2, w, h};
    }
    cv::Mat out = crop_resize(rgb, rect, o.size);
    // Every draw happens whatever the outcome of the previous ones, so that each option only
    // changes its own effect.
    const bool flip = uniform01(rng) < o.flip_probability;
    const bool jitter = uniform01(rng) < o.jitter_probability;
    const bool grey = uniform01(rng) < o.grayscale_probability;
    if (flip) cv::flip(out, out, 1);
    if (jitter) out = color_jitter(out, o.jitter, rng);
    if (grey) {
        cv::Mat g;
        cv::cvtColor(out, g, cv::COLOR_RGB2GRAY);
        cv::cvtColor(g, out, cv::COLOR_GRAY2RGB);
    }
    return out;
}

AugmentOptions heavy_augmentation(cv::Size size) {
    AugmentOptions o;
    o.size                  = size;
    o.crop.scale_min        = 0.25;
    o.flip_probability      = 0.5;
    o.jitter_probability    = 0.8;
    o.jitter                = ColorJitter{0.4, 0.4, 0.4, 0.1};
    o.grayscale_probability = 0.1;
    return o;
}

// ---- background loader ----

BackgroundLoader::BackgroundLoader(std::vector<LoaderSample> samples, LoaderOptions options, CancelToken cancel)
    : samples_(std::move(samples)), options_(std::move(options)), cancel_(std::move(cancel)) {
    if (options_.batch_size < 1) throw Error("loader: the batch size must be at least 1");
    if (options_.epochs < 0) throw Error("loader: the number of epochs must not be negative");
    if (options_.queue_capacity < 1) throw Error("loader: the queue must hold at least one batch");
    if (!options_.load)
        options_.load = [](const LoaderSample& s) { return to_mat(load_image_rgb(s.path)); };
    worker_ = std::thread([this] { run(); });
}

BackgroundLoader::~BackgroundLoader() { stop(); }

std::int64_t BackgroundLoader::batches_per_epoch() const {
    const std::int64_t n = static_cast<std::int64_t>(samples_.size()), bs = options_.batch_size;
    return options_.drop_last ? n / bs : (n + bs - 1) / bs;
}

bool BackgroundLoader::should_stop() const {
    if (cancel_.mode() == CancelMode::Now) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_;
}

void BackgroundLoader::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        queue_.clear();
    }
    space_.notify_all();
    ready_.notify_all();
    if (worker_.joinable()) worker_.join();
}

std::optional<Batch> BackgroundLoader::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty() || done_ || stop_; });
    if (cancel_.mode() == CancelMode::Now) {
        lock.unlock();
        stop();
        throw Cancelled();
    }
    if (!queue_.empty()) {
        Batch b = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        space_.notify_one();
        return b;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
}

std::uint64_t sample_stream(std::int64_t index) {
    const auto tag = static_cast<std::uint64_t>(index) + 1;
    return tag >= kShuffleStream ? tag + 1 : tag;  // steps over the shuffle's stream
}

void BackgroundLoader::run() {
    try {
        const auto n = static_cast<std::int64_t>(samples_.size());
        const std::int64_t per_epoch = batches_per_epoch();
        const int H = options_.augment.size.height, W = options_.augment.size.width;
        std::int64_t number = 0;
        for (int epoch = 0; epoch < options_.epochs; ++epoch) {
            std::vector<std::int64_t> order(static_cast<std::size_t>(n));
            std::iota(order.begin(), order.end(), 0);
            if (options_.shuffle) {
                std::mt19937_64 rng(mix_seed(options_.seed, static_cast<std::uint64_t>(epoch), kShuffleStream));
                for (std::int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[uniform_int(rng, 0, i)]);
            }
            for (std::int64_t b = 0; b < per_epoch; ++b) {
                const std::int64_t start = b * options_.batch_size;
                const std::int64_t count = std::min<std::int64_t>(options_.batch_size, n - start);
                Batch batch;
                batch.epoch   = epoch;
                batch.number  = number++;
                batch.images  = torch::empty({count, 3, H, W}, torch::kFloat32);
                batch.labels  = torch::empty({count}, torch::kInt64);
                batch.indices = torch::empty({count}, torch::kInt64);
                float* dst    = batch.images.data_ptr<float>();
                for (std::int64_t k = 0; k < count; ++k) {
                    if (should_stop()) {
                        std::lock_guard<std::mutex> lock(mutex_);
                        done_ = true;
                        ready_.notify_all();
                        return;
                    }
                    const std::int64_t idx = order[static_cast<std::size_t>(start + k)];
                    const LoaderSample& s  = samples_[static_cast<std::size_t>(idx)];
                    cv::Mat img            = s.image.empty() ? options_.load(s) : s.image;
                    std::mt19937_64 rng(mix_seed(options_.seed, static_cast<std::uint64_t>(epoch), sample_stream(idx)));
                    cv::Mat out = augment(img, options_.augment, rng);
                    normalize_to_chw(out, options_.normalization, dst + k * 3 * H * W);
                    batch.labels.data_ptr<std::int64_t>()[k]  = s.label;
                    batch.indices.data_ptr<std::int64_t>()[k] = idx;
                }
                std::unique_lock<std::mutex> lock(mutex_);
                space_.wait(lock, [&] { return queue_.size() < options_.queue_capacity || stop_; });
                if (stop_) {
                    done_ = true;
                    ready_.notify_all();
                    return;
                }
                queue_.push_back(std::move(batch));
                lock.unlock();
                ready_.notify_one();
            }
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    ready_.notify_all();
}

}  // namespace tint::distill
