// Decoding of user images with OpenCV into 8-bit RGB, with every failure named.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"

namespace tint {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& reason) { throw Error(name + ": " + reason); }

// True when the bytes after the last start-of-scan contain an end-of-image marker. libjpeg
// fills a truncated scan with grey and only warns, so truncation is checked here.
bool jpeg_is_complete(const std::vector<std::uint8_t>& b) {
    std::size_t last_sos = std::string::npos;
    for (std::size_t i = 0; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xDA) last_sos = i;
    if (last_sos == std::string::npos) return false;
    for (std::size_t i = b.size() - 1; i > last_sos + 1; --i)
        if (b[i - 1] == 0xFF && b[i] == 0xD9) return true;
    return false;
}

cv::Mat to_8bit(const cv::Mat& m) {
    cv::Mat out;
    switch (m.depth()) {
        case CV_8U: return m;
        case CV_16U: m.convertTo(out, CV_8U, 255.0 / 65535.0); return out;
        case CV_16S: m.convertTo(out, CV_8U, 255.0 / 32767.0); return out;
        case CV_32F:
        case CV_64F: m.convertTo(out, CV_8U, 255.0); return out;  // float images are taken as [0, 1]
        default: m.convertTo(out, CV_8U); return out;
    }
}

// Orientation transforms (the 8 of EXIF), used to find how the decoder oriented an image.
cv::Mat orient(const cv::Mat& m, int k) {
    cv::Mat out;
    switch (k) {
        case 0: return m;
        case 1: cv::flip(m, out, 1); return out;
        case 2: cv::rotate(m, out, cv::ROTATE_180); return out;
        case 3: cv::flip(m, out, 0); return out;
        case 4: cv::transpose(m, out); return out;
        case 5: cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE); return out;
        case 6: cv::transpose(m, out); cv::rotate(out, out, cv::ROTATE_180); return out;
        default: cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    }
}

bool same(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return false;
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    return cv::countNonZero(diff.reshape(1)) == 0;
}

ImageU8 to_image(const cv::Mat& rgb) {
    ImageU8 img;
    img.width    = rgb.cols;
    img.height   = rgb.rows;
    img.channels = rgb.channels();
    img.data.resize(static_cast<std::size_t>(rgb.total() * rgb.elemSize()));
    cv::Mat dst(rgb.rows, rgb.cols, rgb.type(), img.data.data());
    rgb.copyTo(dst);
    return img;
}

}  // namespace

ImageU8 decode_image_rgb(const std::vector<std::uint8_t>& bytes, const std::string& name, const ImageLimits& limits) {
    if (bytes.empty()) fail(name, "the file is empty (0 bytes)");
    int w = 0, h = 0;
    std::string format;
    bool known = probe_image_size(bytes, w, h, format);
    // The pixel limit is checked before decoding, so the size must be read from the header: a file
    // whose header gives none (or a format not read here) is refused rather than decoded blind.
    if (!known) fail(name, "not an image in a format the workbench reads (JPEG, PNG, BMP, GIF, WebP, TIFF, PNM)");
    if (w <= 0 || h <= 0) fail(name, "the image header gives no size; the file is corrupt or truncated");
    if (known && static_cast<long long>(w) * h > limits.max_pixels)
        fail(name, "the image is " + std::to_string(w) + "x" + std::to_string(h) + " pixels, more than the limit of " +
                       std::to_string(limits.max_pixels / 1000000) + " megapixels");
    if (format == "jpeg" && !jpeg_is_complete(bytes)) fail(name, "the JPEG data is truncated or corrupt");

    cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data()));
    cv::Mat decoded;
    bool may_have_alpha = format == "png" || format == "webp" || format == "tiff" || format == "bmp" || !known;
    try {
        if (may_have_alpha) {
            cv::Mat raw = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
            if (!raw.empty() && raw.channels() == 4) {
                // Composite over white. The decoder applies EXIF orientation only in its
                // alpha-dropping mode, so find which of the 8 orientations it chose.
                cv::Mat oriented = cv::imdecode(buf, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
                cv::Mat raw_bgr;
                cv::cvtColor(raw, raw_bgr, cv::COLOR_BGRA2BGR);
                for (int k = 0; k < 8 && !oriented.empty(); ++k) {
                    if (same(orient(raw_bgr, k), oriented)) {
                        raw = orient(raw, k);
                        break;
                    }
                }
                cv::Mat f;
                raw.convertTo(f, CV_32F, raw.depth() == CV_16U ? 1.0 / 65535.0 : raw.depth() == CV_8U ? 1.0 / 255.0 : 1.0);
                std::vector<cv::Mat> ch;
                cv::split(f, ch);
                for (int c = 0; c < 3; ++c) ch[c] = ch[c].mul(ch[3]) + (1.0f - ch[3]);
                ch.pop_back();
                cv::merge(ch, decoded);
                decoded.convertTo(decoded, CV_8U, 255.0);
            } else if (!raw.empty() && format != "png" && format != "webp" && format != "tiff" && format != "bmp") {
                decoded = raw;  // unknown container: use what the decoder gave
            }
        }
        if (decoded.empty()) decoded = cv::imdecode(buf, cv::IMREAD_ANYDEPTH | cv::IMREAD_ANYCOLOR);
    } catch (const cv::Exception& e) {
        fail(name, std::string("the image data is corrupt (") + e.err + ")");
    }
    if (decoded.empty()) {
        if (!known) fail(name, "not an image file (unrecognised content)");
        fail(name, "the " + format + " data is truncated or corrupt");
    }
    if (static_cast<long long>(decoded.cols) * decoded.rows > limits.max_pixels)
        fail(name, "the image is " + std::to_string(decoded.cols) + "x" + std::to_string(decoded.rows) +
                       " pixels, more than the limit");

    cv::Mat m = to_8bit(decoded);
    cv::Mat rgb;
    switch (m.channels()) {
        case 1: cv::cvtColor(m, rgb, cv::COLOR_GRAY2RGB); break;
        case 3: cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB); break;
        case 4: cv::cvtColor(m, rgb, cv::COLOR_BGRA2RGB); break;
        default: fail(name, "unsupported number of channels (" + std::to_string(m.channels()) + ")");
    }
    return to_image(rgb);
}

ImageU8 load_image_rgb(const std::string& path, const ImageLimits& limits) {
    return decode_image_rgb(read_file_bytes(path, limits.max_bytes), path, limits);
}

ImageU8 make_thumbnail(const ImageU8& image, int max_side) {
    if (image.empty()) return {};
    int type = image.channels == 1 ? CV_8UC1 : CV_8UC3;
    cv::Mat src(image.height, image.width, type, const_cast<std::uint8_t*>(image.data.data()));
    double scale = std::min(1.0, double(max_side) / std::max(image.width, image.height));
    if (scale >= 1.0) return image;
    cv::Mat dst;
    cv::resize(src, dst, cv::Size(std::max(1, int(image.width * scale + 0.5)), std::max(1, int(image.height * scale + 0.5))),
               0, 0, cv::INTER_AREA);
    return to_image(dst);
}

void save_png(const ImageU8& image, const std::string& path) {
    if (image.empty()) throw Error("cannot write '" + path + "': the image is empty");
    int type = image.channels == 1 ? CV_8UC1 : CV_8UC3;
    cv::Mat src(image.height, image.width, type, const_cast<std::uint8_t*>(image.data.data()));
    cv::Mat bgr;
    if (image.channels == 3)
        cv::cvtColor(src, bgr, cv::COLOR_RGB2BGR);
    else
        bgr = src;
    std::vector<std::uint8_t> out;
    if (!cv::imencode(".png", bgr, out)) throw Error("cannot encode '" + path + "' as PNG");
    write_file_atomic(path, out);
}

}  // namespace tint
