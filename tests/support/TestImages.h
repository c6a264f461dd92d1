#pragma once
// Writes test images of every kind the importer must handle (OpenCV encoders, plus hand-made
// EXIF and headers), so that the tests create their own corpus.
#include <cstdint>
#include <string>
#include <vector>

namespace testimg {

/// Left half red, right half blue (RGB), w x h, as JPEG (quality 95).
void write_split_jpeg(const std::string& path, int w, int h);
/// Same picture with an EXIF orientation tag inserted after the JFIF header.
void write_split_jpeg_exif(const std::string& path, int w, int h, int orientation);
/// 8-bit RGB noise-free gradient PNG; `seed` varies the colours so files differ.
void write_png(const std::string& path, int w, int h, int seed = 0);
void write_gray_png(const std::string& path, int w, int h);
/// 16-bit RGB PNG with value 65535 * 0.5 everywhere (expected 8-bit: 128).
void write_png16(const std::string& path, int w, int h);
/// RGBA PNG: opaque green left half, fully transparent right half (expected: green | white).
void write_rgba_png(const std::string& path, int w, int h);
/// A PNG signature + IHDR claiming w x h, with no image data.
void write_png_header_only(const std::string& path, int w, int h);
void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_bytes(const std::string& path);

}  // namespace testimg
