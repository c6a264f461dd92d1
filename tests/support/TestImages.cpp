#include "TestImages.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace testimg {
namespace {

cv::Mat split_bgr(int w, int h) {
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(255, 0, 0));                 // blue (BGR)
    m(cv::Rect(0, 0, w / 2, h)).setTo(cv::Scalar(0, 0, 255));        // red left half
    return m;
}

void encode_to(const std::string& path, const std::string& ext, const cv::Mat& m, std::vector<int> params = {}) {
    std::vector<std::uint8_t> buf;
    if (!cv::imencode(ext, m, buf, params)) throw std::runtime_error("encode failed");
    write_bytes(path, buf);
}

void put_be32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(v >> s));
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

}  // namespace

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + path);
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void write_split_jpeg(const std::string& path, int w, int h) {
    encode_to(path, ".jpg", split_bgr(w, h), {cv::IMWRITE_JPEG_QUALITY, 95});
}

void write_split_jpeg_exif(const std::string& path, int w, int h, int orientation) {
    std::vector<std::uint8_t> jpg;
    cv::imencode(".jpg", split_bgr(w, h), jpg, {cv::IMWRITE_JPEG_QUALITY, 95});
    // APP1 "Exif\0\0", little-endian TIFF header, one IFD entry: Orientation (0x0112) SHORT 1.
    std::vector<std::uint8_t> tiff = {'I', 'I', 42, 0, 8, 0, 0, 0,        // header, IFD at 8
                                      1, 0,                               // one entry
                                      0x12, 0x01, 3, 0, 1, 0, 0, 0,       // tag, type SHORT, count 1
                                      std::uint8_t(orientation), 0, 0, 0,  // value
                                      0, 0, 0, 0};                        // no next IFD
    std::vector<std::uint8_t> app1 = {0xFF, 0xE1};
    std::size_t len = 2 + 6 + tiff.size();
    app1.push_back(std::uint8_t(len >> 8));
    app1.push_back(std::uint8_t(len & 0xFF));
    for (char c : std::string("Exif\0\0", 6)) app1.push_back(std::uint8_t(c));
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    std::size_t at = 2;
    if (jpg[2] == 0xFF && jpg[3] == 0xE0) at = 4 + ((jpg[4] << 8) | jpg[5]);  // after JFIF APP0
    jpg.insert(jpg.begin() + std::ptrdiff_t(at), app1.begin(), app1.end());
    write_bytes(path, jpg);
}

void write_png(const std::string& path, int w, int h, int seed) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(std::uint8_t((x * 7 + seed * 31) & 255), std::uint8_t((y * 5 + seed) & 255),
                                              std::uint8_t((x + y + seed * 17) & 255));
    encode_to(path, ".png", m);
}

void write_gray_png(const std::string& path, int w, int h) { encode_to(path, ".png", cv::Mat(h, w, CV_8UC1, cv::Scalar(77))); }

void write_png16(const std::string& path, int w, int h) {
    encode_to(path, ".png", cv::Mat(h, w, CV_16UC3, cv::Scalar(32768, 32768, 32768)));
}

void write_rgba_png(const std::string& path, int w, int h) {
    cv::Mat m(h, w, CV_8UC4, cv::Scalar(0, 0, 0, 0));
    m(cv::Rect(0, 0, w / 2, h)).setTo(cv::Scalar(0, 255, 0, 255));
    encode_to(path, ".png", m);
}

void write_png_header_only(const std::string& path, int w, int h) {
    std::vector<std::uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    put_be32(b, 13);
    std::size_t chunk = b.size();
    for (char c : std::string("IHDR")) b.push_back(std::uint8_t(c));
    put_be32(b, std::uint32_t(w));
    put_be32(b, std::uint32_t(h));
    for (std::uint8_t v : {8, 2, 0, 0, 0}) b.push_back(v);  // 8-bit RGB
    put_be32(b, crc32(b.data() + chunk, b.size() - chunk));
    write_bytes(path, b);
}

}  // namespace testimg
