#pragma once
// Plain 8-bit image buffer shared between the core library and its callers.
#include <cstdint>
#include <string>
#include <vector>

namespace tint {

/// Interleaved 8-bit RGB (channels == 3) or gray (channels == 1), rows tightly packed.
struct ImageU8 {
    int width    = 0;
    int height   = 0;
    int channels = 3;
    std::vector<std::uint8_t> data;

    bool empty() const { return width <= 0 || height <= 0 || data.empty(); }
    std::size_t stride() const { return static_cast<std::size_t>(width) * channels; }
};

/// Limits applied when decoding user images.
struct ImageLimits {
    long long max_pixels  = 100LL * 1000 * 1000;  ///< refuse larger images before decoding them
    long long max_bytes   = 512LL * 1024 * 1024;  ///< refuse larger files before reading them
};

/// Decodes an image file to 8-bit RGB: EXIF orientation applied, gray expanded, alpha composited
/// over white, 16-bit scaled down, CMYK converted. Throws tint::Error naming the file and reason.
ImageU8 load_image_rgb(const std::string& path, const ImageLimits& limits = {});

/// Same, from bytes already in memory; `name` is used in messages.
ImageU8 decode_image_rgb(const std::vector<std::uint8_t>& bytes, const std::string& name,
                         const ImageLimits& limits = {});

/// Width and height read from the file header only (PNG, JPEG, BMP, GIF, WebP, TIFF, PNM).
/// Returns false when the format is not recognised.
bool probe_image_size(const std::vector<std::uint8_t>& head, int& width, int& height, std::string& format);

/// Area-averaged downscale so that the longer side is at most max_side (never upscales).
ImageU8 make_thumbnail(const ImageU8& image, int max_side);

/// Writes a PNG atomically. Throws tint::Error on failure.
void save_png(const ImageU8& image, const std::string& path);

}  // namespace tint
