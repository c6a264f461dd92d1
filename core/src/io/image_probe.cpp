// Header-only size probing, so that huge images are refused before a decoder allocates them.
#include <cstring>
#include <string>
#include <vector>

#include "tint/Image.h"

namespace tint {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint32_t be16(const Bytes& b, std::size_t i) { return (b[i] << 8) | b[i + 1]; }
std::uint32_t be32(const Bytes& b, std::size_t i) {
    return (std::uint32_t(b[i]) << 24) | (std::uint32_t(b[i + 1]) << 16) | (std::uint32_t(b[i + 2]) << 8) | b[i + 3];
}
std::uint32_t le16(const Bytes& b, std::size_t i) { return b[i] | (b[i + 1] << 8); }
std::uint32_t le24(const Bytes& b, std::size_t i) { return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16); }
std::uint32_t le32(const Bytes& b, std::size_t i) {
    return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (std::uint32_t(b[i + 3]) << 24);
}
bool starts(const Bytes& b, const char* magic, std::size_t at = 0) {
    std::size_t n = std::strlen(magic);
    return b.size() >= at + n && std::memcmp(b.data() + at, magic, n) == 0;
}

bool probe_jpeg(const Bytes& b, int& w, int& h) {
    std::size_t i = 2;
    while (i + 4 <= b.size()) {
        if (b[i] != 0xFF) return false;
        std::uint8_t m = b[i + 1];
        if (m == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {  // markers without a length
            i += 2;
            continue;
        }
        std::size_t len = be16(b, i + 2);
        bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (i + 9 > b.size()) return false;
            h = static_cast<int>(be16(b, i + 5));
            w = static_cast<int>(be16(b, i + 7));
            return true;
        }
        if (m == 0xDA || m == 0xD9) return false;  // scan before any frame header
        i += 2 + len;
    }
    return false;
}

bool probe_tiff(const Bytes& b, int& w, int& h) {
    bool le = b[0] == 'I';
    auto u16 = [&](std::size_t i) { return le ? le16(b, i) : be16(b, i); };
    auto u32 = [&](std::size_t i) { return le ? le32(b, i) : be32(b, i); };
    std::size_t ifd = u32(4);
    if (ifd + 2 > b.size()) return false;
    std::size_t n = u16(ifd);
    bool gotw = false, goth = false;
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t e = ifd + 2 + 12 * k;
        if (e + 12 > b.size()) break;
        std::uint32_t tag = u16(e), type = u16(e + 2);
        std::uint32_t v = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256) w = static_cast<int>(v), gotw = true;
        if (tag == 257) h = static_cast<int>(v), goth = true;
    }
    return gotw && goth;
}

bool probe_pnm(const Bytes& b, int& w, int& h) {
    // P1..P6: magic, then width and height as decimal text with comments allowed.
    std::size_t i = 2;
    long vals[2];
    for (long& v : vals) {
        for (;;) {
            while (i < b.size() && std::isspace(b[i])) ++i;
            if (i < b.size() && b[i] == '#') {
                while (i < b.size() && b[i] != '\n') ++i;
                continue;
            }
            break;
        }
        if (i >= b.size() || !std::isdigit(b[i])) return false;
        v = 0;
        while (i < b.size() && std::isdigit(b[i]) && v < 1000000000L) v = v * 10 + (b[i++] - '0');
    }
    w = static_cast<int>(vals[0]);
    h = static_cast<int>(vals[1]);
    return true;
}

}  // namespace

bool probe_image_size(const Bytes& b, int& w, int& h, std::string& format) {
    w = h = 0;
    if (b.size() >= 24 && starts(b, "\x89PNG\r\n\x1a\n") && starts(b, "IHDR", 12)) {
        format = "png";
        w      = static_cast<int>(be32(b, 16));
        h      = static_cast<int>(be32(b, 20));
        return true;
    }
    if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
        format = "jpeg";
        return probe_jpeg(b, w, h) || true;  // a JPEG without a frame header is still a JPEG (size 0)
    }
    if (b.size() >= 10 && (starts(b, "GIF87a") || starts(b, "GIF89a"))) {
        format = "gif";
        w      = static_cast<int>(le16(b, 6));
        h      = static_cast<int>(le16(b, 8));
        return true;
    }
    if (b.size() >= 26 && starts(b, "BM")) {
        format = "bmp";
        w      = static_cast<int>(static_cast<std::int32_t>(le32(b, 18)));
        int hh = static_cast<int>(static_cast<std::int32_t>(le32(b, 22)));
        h      = hh < 0 ? -hh : hh;
        return true;
    }
    if (b.size() >= 30 && starts(b, "RIFF") && starts(b, "WEBP", 8)) {
        format = "webp";
        if (starts(b, "VP8 ", 12)) {
            w = static_cast<int>(le16(b, 26) & 0x3FFF);
            h = static_cast<int>(le16(b, 28) & 0x3FFF);
        } else if (starts(b, "VP8L", 12) && b.size() >= 25) {
            std::uint32_t bits = le32(b, 21);
            w                  = static_cast<int>((bits & 0x3FFF) + 1);
            h                  = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
        } else if (starts(b, "VP8X", 12)) {
            w = static_cast<int>(le24(b, 24) + 1);
            h = static_cast<int>(le24(b, 27) + 1);
        }
        return true;
    }
    if (b.size() >= 8 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) ||
                          (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
        format = "tiff";
        return probe_tiff(b, w, h) || true;
    }
    if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) {
        format = "pnm";
        return probe_pnm(b, w, h) || true;
    }
    format.clear();
    return false;
}

}  // namespace tint
