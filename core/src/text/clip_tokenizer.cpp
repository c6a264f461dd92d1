// CLIP byte-level BPE tokenizer: a port of the Hugging Face transformers slow CLIPTokenizer (4.40, with ftfy 6.1
// installed) and of openai/CLIP's simple_tokenizer.SimpleTokenizer. Text pipeline of one piece of text:
//   ftfy-like fix_text -> whitespace runs to one space, strip -> Unicode lower() -> CLIP regex pre-tokenizer
//   -> UTF-8 bytes -> GPT-2 byte-unicode symbols -> BPE with ranked merges (the last symbol carries "</w>").
// Added and special tokens are cut out of the raw text first (leftmost, longest, case-sensitive), as transformers'
// added-token trie does; each remaining piece goes through the pipeline on its own.
#include "text/clip_tokenizer.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "tint/Error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tint::text {

namespace {

using U32 = std::u32string;

constexpr const char* kStartOfText = "<|startoftext|>";
constexpr const char* kEndOfText   = "<|endoftext|>";
constexpr const char* kEndOfWord   = "</w>";
constexpr long long kMaxVocabIds   = 10'000'000;  // a sanity bound: real CLIP vocabularies have 49408 entries
constexpr int kOpenAiMerges        = 49152 - 256 - 2;  // lines [1, 48895) of bpe_simple_vocab_16e6.txt
constexpr std::size_t kCacheLimit  = 100'000;          // BPE cache entries before it is cleared

// ---------------------------------------------------------------------------------------------------------------
// Errors and files

[[noreturn]] void fail(const fs::path& file, const std::string& why) { throw Error(file.string() + ": " + why); }

std::string shorten(const std::string& s, std::size_t n = 60) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

std::string read_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail(path, "file not found");
    if (fs::is_directory(path, ec)) fail(path, "is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) fail(path, "read error");
    return buf.str();
}

json parse_json_file(const fs::path& path) {
    std::string data = read_file(path);
    try {
        return json::parse(data);
    } catch (const json::exception& e) {
        fail(path, std::string("invalid JSON (") + e.what() + ")");
    }
}

std::string gunzip_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail(path, "file not found");
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::string out;
    std::array<char, 1 << 16> buf{};
    bool ok      = true;
    std::string why;
    for (;;) {
        int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            int errnum = 0;
            why        = gzerror(f, &errnum);
            ok         = false;
            break;
        }
        if (n == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    if (ok) {
        int errnum      = Z_OK;
        const char* msg = gzerror(f, &errnum);
        if (errnum != Z_OK && errnum != Z_STREAM_END) {
            ok  = false;
            why = msg;
        }
    }
    bool direct = ok && gzdirect(f) != 0;
    gzclose_r(f);
    if (!ok) fail(path, "corrupt or truncated gzip data (" + why + ")");
    if (direct) fail(path, "not a gzip file");
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// UTF-8 <-> UTF-32

// Decodes UTF-8; each invalid byte becomes U+FFFD (prompts from the GUI are always valid UTF-8).
U32 utf8_to_u32(const std::string& s) {
    U32 out;
    out.reserve(s.size());
    const std::size_t n = s.size();
    std::size_t i       = 0;
    while (i < n) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out += static_cast<char32_t>(b);
            ++i;
            continue;
        }
        std::size_t len = 0;
        char32_t cp = 0, min = 0;
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2, cp = b & 0x1F, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3, cp = b & 0x0F, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4, cp = b & 0x07, min = 0x10000;
        }
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            ok           = (c & 0xC0) == 0x80;
            cp           = (cp << 6) | (c & 0x3F);
        }
        if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            out += U'\uFFFD';
            ++i;
            continue;
        }
        out += cp;
        i += len;
    }
    return out;
}


void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string u32_to_utf8(const U32& s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : s) append_utf8(out, c);
    return out;
}

bool is_valid_utf8(const std::string& s) { return u32_to_utf8(utf8_to_u32(s)) == s; }

// ---------------------------------------------------------------------------------------------------------------
// ICU helpers: normalisation and Unicode lower-casing

icu::UnicodeString to_icu(const U32& s) {
    return icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()), static_cast<int32_t>(s.size()));
}

U32 from_icu(const icu::UnicodeString& us) {
    U32 out(static_cast<std::size_t>(us.countChar32()), U'\0');
    UErrorCode st = U_ZERO_ERROR;
    if (!out.empty()) us.toUTF32(reinterpret_cast<UChar32*>(out.data()), static_cast<int32_t>(out.size()), st);
    return out;
}

enum class Norm { nfc, nfkc };

U32 normalize(const U32& s, Norm form) {
    UErrorCode st              = U_ZERO_ERROR;
    const icu::Normalizer2* nm = form == Norm::nfc ? icu::Normalizer2::getNFCInstance(st)
                                                   : icu::Normalizer2::getNFKCInstance(st);
    if (U_FAILURE(st)) throw Error("ICU normaliser unavailable: " + std::string(u_errorName(st)));
    icu::UnicodeString in = to_icu(s);
    if (nm->isNormalized(in, st) && U_SUCCESS(st)) return s;
    st                     = U_ZERO_ERROR;
    icu::UnicodeString out = nm->normalize(in, st);
    if (U_FAILURE(st)) return s;
    return from_icu(out);
}

// Python's str.lower(): full Unicode lower-case mapping, no locale tailoring, final sigma in context.
U32 lower(const U32& s) {
    icu::UnicodeString us = to_icu(s);
    us.toLower(icu::Locale::getRoot());
    return from_icu(us);
}

// Python's str.isspace() (used by `re` \s, str.strip() and str.split()).
bool py_isspace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_letter(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_L_MASK) != 0; }
bool is_number(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0; }
bool is_regex_space(char32_t c) { return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE) != 0; }

// ---------------------------------------------------------------------------------------------------------------
// ftfy.fix_text, the part Stable Diffusion prompts need. Implemented (ftfy 6.1 defaults, same order, repeated until
// the text no longer changes):
//   * unescape_html: `&name;` and `&#NNN;` / `&#xHH;` entities, skipped from the first line containing '<' on
//     (ftfy's "auto" mode). Named entities: the HTML 4 set (Latin-1, typography, arrows, a few maths symbols) and
//     their all-upper-case spellings; the rest of the HTML 5 table is not included.
//   * fix_encoding: UTF-8 read as Windows-1252 / Latin-1 ("cafÃ©", "â€™", "ã‚¿", "ðŸ±") where the sequence starts
//     with Â, Ã (2 bytes), â, ã (3 bytes) or ð (4 bytes). ftfy's statistical badness test, other lead characters
//     (Central European, Cyrillic mojibake), restore_byte_a0, replace_lossy_sequences and multi-encoding guesses
//     (MacRoman, cp437, ...) are not implemented.
//   * fix_c1_controls, fix_latin_ligatures, fix_character_width (full/half-width forms), uncurl_quotes,
//     fix_line_breaks, remove_terminal_escapes, remove_control_chars, NFC normalisation: as ftfy.

constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// The byte of `c` in "sloppy" Windows-1252 (undefined cp1252 bytes pass through as Latin-1), or -1.
int sloppy_cp1252_byte(char32_t c) {
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return static_cast<int>(c);
    for (std::size_t i = 0; i < kCp1252High.size(); ++i)
        if (kCp1252High[i] == c) return static_cast<int>(0x80 + i);
    return -1;
}

const std::unordered_map<std::string, char32_t>& html_entities() {
    static const std::unordered_map<std::string, char32_t> table = [] {
        std::unordered_map<std::string, char32_t> t;
        // Latin-1 supplement, U+00A0 .. U+00FF, in order.
        static const char* const latin1[96] = {
            "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",
            "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",
            "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12",
            "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
            "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde",
            "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",
            "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
            "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
            "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
            "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};
        for (int i = 0; i < 96; ++i) t[latin1[i]] = static_cast<char32_t>(0xA0 + i);
        const std::pair<const char*, char32_t> other[] = {
            {"quot", 0x22},      {"amp", 0x26},       {"apos", 0x27},     {"lt", 0x3C},       {"gt", 0x3E},
            {"OElig", 0x152},    {"oelig", 0x153},    {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},
            {"fnof", 0x192},     {"circ", 0x2C6},     {"tilde", 0x2DC},   {"ensp", 0x2002},   {"emsp", 0x2003},
            {"thinsp", 0x2009},  {"zwnj", 0x200C},    {"zwj", 0x200D},    {"lrm", 0x200E},    {"rlm", 0x200F},
            {"ndash", 0x2013},   {"mdash", 0x2014},   {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},
            {"ldquo", 0x201C},   {"rdquo", 0x201D},   {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021},
            {"bull", 0x2022},    {"hellip", 0x2026},  {"permil", 0x2030}, {"prime", 0x2032},  {"Prime", 0x2033},
            {"lsaquo", 0x2039},  {"rsaquo", 0x203A},  {"oline", 0x203E},  {"frasl", 0x2044},  {"euro", 0x20AC},
            {"trade", 0x2122},   {"larr", 0x2190},    {"uarr", 0x2191},   {"rarr", 0x2192},   {"darr", 0x2193},
            {"harr", 0x2194},    {"minus", 0x2212},   {"infin", 0x221E},  {"ne", 0x2260},     {"le", 0x2264},
            {"ge", 0x2265},      {"loz", 0x25CA},     {"spades", 0x2660}, {"clubs", 0x2663},  {"hearts", 0x2665},
            {"diams", 0x2666}};
        for (const auto& [name, cp] : other) t[name] = cp;
        return t;
    }();
    return table;
}

// Python html.unescape() of one numeric character reference: "" drops it, nullopt keeps the text unchanged.
std::optional<U32> numeric_entity(const std::string& body) {
    // body is what follows "&#", without the ';'
    bool hex        = !body.empty() && (body[0] == 'x' || body[0] == 'X');
    std::string num = hex ? body.substr(1) : body;
    if (num.empty()) return std::nullopt;
    unsigned long long value = 0;
    for (char ch : num) {
        int d = -1;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (hex && ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
        else if (hex && ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
        if (d < 0) return std::nullopt;
        value = std::min<unsigned long long>(value * (hex ? 16 : 10) + static_cast<unsigned>(d), 0x7FFFFFFFULL);
    }
    if (value == 0) return U32(1, U'\uFFFD');
    if (value == 0x0D) return U32(1, U'\r');
    if (value >= 0x80 && value <= 0x9F) return U32(1, kCp1252High[value - 0x80]);
    if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) return U32(1, U'\uFFFD');
    const bool invalid = (value >= 0x1 && value <= 0x8) || value == 0xB || (value >= 0xE && value <= 0x1F) ||
                         (value >= 0x7F && value <= 0x9F) || (value >= 0xFDD0 && value <= 0xFDEF) ||
                         (value & 0xFFFE) == 0xFFFE;
    if (invalid) return U32();
    return U32(1, static_cast<char32_t>(value));
}

bool is_ascii_alnum(char32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// ftfy's unescape_html: entities matching `&#?[0-9A-Za-z]{1,24};`.
U32 unescape_html(const U32& s) {
    if (s.find(U'&') == U32::npos) return s;
    U32 out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] != U'&') {
            out += s[i++];
            continue;
        }
        std::size_t j    = i + 1;
        const bool hashed = j < s.size() && s[j] == U'#';
        if (hashed) ++j;
        std::size_t k = j;
        while (k < s.size() && k - j < 25 && is_ascii_alnum(s[k])) ++k;
        const std::size_t len = k - j;
        if (len < 1 || len > 24 || k >= s.size() || s[k] != U';') {
            out += s[i++];
            continue;
        }
        std::string body;
        for (std::size_t p = j; p < k; ++p) body += static_cast<char>(s[p]);
        std::optional<U32> repl;
        if (hashed) {
            repl = numeric_entity(body);
        } else {
            const auto& table = html_entities();
            if (auto it = table.find(body); it != table.end()) {
                repl = U32(1, it->second);
            } else {
                // ftfy also decodes entities whose lower-case name was upper-cased (&EACUTE; -> É).
                std::string low = body;
                std::transform(low.begin(), low.end(), low.begin(), [](char ch) {
                    return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                });
                std::string up = low;
                std::transform(up.begin(), up.end(), up.begin(), [](char ch) {
                    return static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                });
                if (body == up && body != low)
                    if (auto lt = table.find(low); lt != table.end())
                        repl = U32(1, static_cast<char32_t>(u_toupper(static_cast<UChar32>(lt->second))));
            }
        }
        if (repl) {
            out += *repl;
        } else {
            out.append(s, i, k + 1 - i);
        }
        i = k + 1;
    }
    return out;
}

// UTF-8 that was decoded as Windows-1252 / Latin-1 (see the list above for the sequences handled).
U32 fix_mojibake(const U32& s) {
    U32 out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char32_t lead = s[i];
        std::size_t extra   = 0;
        if (lead == 0xC2 || lead == 0xC3) extra = 1;       // Â Ã: U+0080 .. U+00FF
        else if (lead == 0xE2 || lead == 0xE3) extra = 2;  // â ã: U+2000 .. U+3FFF (punctuation, symbols, kana)
        else if (lead == 0xF0) extra = 3;                  // ð: U+10000 .. U+3FFFF (emoji)
        if (extra != 0 && i + extra < s.size()) {
            char32_t cp = lead & (extra == 1 ? 0x1F : extra == 2 ? 0x0F : 0x07);
            bool ok     = true;
            for (std::size_t k = 1; ok && k <= extra; ++k) {
                const int b = sloppy_cp1252_byte(s[i + k]);
                ok          = b >= 0x80 && b <= 0xBF;
                cp          = (cp << 6) | static_cast<char32_t>(b & 0x3F);
            }
            if (ok && extra == 3 && cp < 0x10000) ok = false;  // overlong
            if (ok) {
                out += cp;
                i += extra + 1;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

U32 fix_c1_controls(U32 s) {
    for (char32_t& c : s)
        if (c >= 0x80 && c <= 0x9F) c = kCp1252High[c - 0x80];
    return s;
}

U32 fix_latin_ligatures(const U32& s) {
    U32 out;
    for (char32_t c : s) {
        switch (c) {
        case 0x0132: out += U"IJ"; break;
        case 0x0133: out += U"ij"; break;
        case 0x0149: out += U"\u02BCn"; break;
        case 0x01F1: out += U"DZ"; break;
        case 0x01F2: out += U"Dz"; break;
        case 0x01F3: out += U"dz"; break;
        case 0x01C4: out += U"D\u017D"; break;
        case 0x01C5: out += U"D\u017E"; break;
        case 0x01C6: out += U"d\u017E"; break;
        case 0x01C7: out += U"LJ"; break;
        case 0x01C8: out += U"Lj"; break;
        case 0x01C9: out += U"lj"; break;
        case 0x01CA: out += U"NJ"; break;
        case 0x01CB: out += U"Nj"; break;
        case 0x01CC: out += U"nj"; break;
        case 0xFB00: out += U"ff"; break;
        case 0xFB01: out += U"fi"; break;
        case 0xFB02: out += U"fl"; break;
        case 0xFB03: out += U"ffi"; break;
        case 0xFB04: out += U"ffl"; break;
        case 0xFB05: out += U"\u017Ft"; break;
        case 0xFB06: out += U"st"; break;
        default: out += c;
        }
    }
    return out;
}

// Full-width and half-width forms (U+FF01 .. U+FFEF) by NFKC, the ideographic space by a space.
U32 fix_character_width(const U32& s) {
    U32 out;
    for (char32_t c : s) {
        if (c == 0x3000) out += U' ';
        else if (c >= 0xFF01 && c <= 0xFFEF) out += normalize(U32(1, c), Norm::nfkc);
        else out += c;
    }
    return out;
}

U32 uncurl_quotes(U32 s) {
    for (char32_t& c : s) {
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B)) c = U'\'';
        else if (c >= 0x201C && c <= 0x201F) c = U'"';
    }
    return s;
}

U32 fix_line_breaks(const U32& s) {
    U32 out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char32_t c = s[i];
        if (c == U'\r' && i + 1 < s.size() && s[i + 1] == U'\n') continue;
        out += (c == U'\r' || c == 0x2028 || c == 0x2029 || c == 0x85) ? U'\n' : c;
    }
    return out;
}

// ANSI terminal escapes: ESC '[' [0-9;]* [A-Za-z].
U32 remove_terminal_escapes(const U32& s) {
    U32 out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == U'[') {
            std::size_t k = i + 2;
            while (k < s.size() && ((s[k] >= U'0' && s[k] <= U'9') || s[k] == U';')) ++k;
            if (k < s.size() && ((s[k] >= U'a' && s[k] <= U'z') || (s[k] >= U'A' && s[k] <= U'Z'))) {
                i = k + 1;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

U32 remove_control_chars(const U32& s) {
    U32 out;
    for (char32_t c : s) {
        const bool drop = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
                          (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
        if (!drop) out += c;
    }
    return out;
}

U32 fix_segment(U32 s, bool unescape) {
    for (int round = 0; round < 16; ++round) {
        const U32 before = s;
        if (unescape) s = unescape_html(s);
        s = fix_mojibake(s);
        s = fix_c1_controls(std::move(s));
        s = fix_latin_ligatures(s);
        s = fix_character_width(s);
        s = uncurl_quotes(std::move(s));
        s = fix_line_breaks(s);
        s = remove_terminal_escapes(s);
        s = remove_control_chars(s);
        s = normalize(s, Norm::nfc);
        if (s == before) break;
    }
    return s;
}

// ftfy.fix_text: line by line; HTML unescaping stops for good at the first line that contains '<'.
U32 fix_text(const U32& text) {
    U32 out;
    bool unescape   = true;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl  = text.find(U'\n', pos);
        const std::size_t end = nl == U32::npos ? text.size() : nl + 1;
        U32 segment           = text.substr(pos, end - pos);
        if (unescape && segment.find(U'<') != U32::npos) unescape = false;
        out += fix_segment(std::move(segment), unescape);
        pos = end;
    }
    return out;
}

// CLIP's whitespace_clean: re.sub(r"\s+", " ", text).strip().
U32 whitespace_clean(const U32& s) {
    U32 out;
    bool pending_space = false;
    for (char32_t c : s) {
        if (py_isspace(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += U' ';
        pending_space = false;
        out += c;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The CLIP pre-tokenizer regex, matched by hand (IGNORECASE, on lower-cased text):
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+

bool folds_to(char32_t c, char ascii) {
    return c == static_cast<char32_t>(ascii) ||
           u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT) == static_cast<UChar32>(ascii);
}

bool matches_at(const U32& s, std::size_t i, const char* literal) {
    for (std::size_t k = 0; literal[k] != '\0'; ++k)
        if (i + k >= s.size() || !folds_to(s[i + k], literal[k])) return false;
    return true;
}

std::vector<U32> pre_tokenize(const U32& s) {
    static const char* const kSpecials[]     = {"<|startoftext|>", "<|endoftext|>"};
    static const char* const kContractions[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    std::vector<U32> words;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t len = 0;
        const char32_t c = s[i];
        if (c == U'<') {
            for (const char* sp : kSpecials)
                if (len == 0 && matches_at(s, i, sp)) len = std::strlen(sp);
        } else if (c == U'\'') {
            for (const char* ct : kContractions)
                if (len == 0 && matches_at(s, i, ct)) len = std::strlen(ct);
        }
        if (len == 0) {
            if (is_letter(c)) {
                while (i + len < s.size() && is_letter(s[i + len])) ++len;
            } else if (is_number(c)) {
                len = 1;
            } else if (!is_regex_space(c)) {
                while (i + len < s.size() && !is_regex_space(s[i + len]) && !is_letter(s[i + len]) &&
                       !is_number(s[i + len]))
                    ++len;
            }
        }
        if (len == 0) {
            ++i;
            continue;
        }
        words.push_back(s.substr(i, len));
        i += len;
    }
    return words;
}

// ---------------------------------------------------------------------------------------------------------------
// GPT-2 bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 .. U+0143.

const std::array<std::string, 256>& byte_symbols() {
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            append_utf8(t[static_cast<std::size_t>(b)], printable ? static_cast<char32_t>(b) : next++);
        }
        return t;
    }();
    return table;
}

// Splits a UTF-8 string into its characters (each a UTF-8 string).
std::vector<std::string> utf8_chars(const std::string& s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
        out.push_back(s.substr(i, len));
        i += len;
    }
    return out;
}

// Splits a merges line into its symbols (Python str.split() on the ASCII whitespace that can occur).
std::vector<std::string> split_fields(const std::string& line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        std::size_t k = i;
        while (k < line.size() && !std::isspace(static_cast<unsigned char>(line[k]))) ++k;
        if (k > i) out.push_back(line.substr(i, k - i));
        i = k;
    }
    return out;
}

std::vector<std::string> split_lines(const std::string& data) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos <= data.size()) {
        std::size_t nl = data.find('\n', pos);
        if (nl == std::string::npos) nl = data.size();
        lines.push_back(data.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

// A special token of the configuration files: its text and the file that named it.
struct SpecialSpec {
    std::string content;
    fs::path source;
};

// A token entry: a plain string, an object with a "content" string, or null (absent).
std::optional<std::string> token_content(const json& v, const fs::path& file, const std::string& key) {
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object()) {
        auto it = v.find("content");
        if (it != v.end() && it->is_string()) return it->get<std::string>();
    }
    fail(file, "'" + key + "' must be a string or an object with a string 'content'");
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

struct ClipTokenizer::Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::string>> words;
};

ClipTokenizer::ClipTokenizer() : m_cache(std::make_unique<Cache>()) {}
ClipTokenizer::~ClipTokenizer() = default;

ClipTokenizer::ClipTokenizer(const ClipTokenizer& other)
    : m_encoder(other.m_encoder),
      m_decoder(other.m_decoder),
      m_bpe_ranks(other.m_bpe_ranks),
      m_added(other.m_added),
      m_bos_id(other.m_bos_id),
      m_eos_id(other.m_eos_id),
      m_pad_id(other.m_pad_id),
      m_unk_id(other.m_unk_id),
      m_max_length(other.m_max_length),
      m_cache(std::make_unique<Cache>()) {}

ClipTokenizer::ClipTokenizer(ClipTokenizer&& other) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&& other) noexcept = default;

ClipTokenizer& ClipTokenizer::operator=(const ClipTokenizer& other) {
    if (this != &other) {
        ClipTokenizer copy(other);
        *this = std::move(copy);
    }
    return *this;
}

void ClipTokenizer::set_token_id(int id, const std::string& token) {
    if (static_cast<std::size_t>(id) >= m_decoder.size()) m_decoder.resize(static_cast<std::size_t>(id) + 1);
    m_decoder[static_cast<std::size_t>(id)] = token;
}

// Special tokens are cut out of the raw text like added tokens (transformers registers them in its trie).
void ClipTokenizer::register_special(const std::string& token, const std::string& source_file) {
    if (m_added.count(token) != 0) return;
    auto it = m_encoder.find(token);
    if (it == m_encoder.end())
        throw Error(source_file + ": special token '" + shorten(token) + "' is not in the vocabulary");
    m_added[token] = it->second;
}

ClipTokenizer ClipTokenizer::from_diffusers_folder(const std::string& dir) {
    const fs::path root(dir);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw Error(dir + ": tokenizer folder not found");
    ClipTokenizer t;

    // vocab.json: token -> id
    const fs::path vocab_path = root / "vocab.json";
    {
        const json vocab = parse_json_file(vocab_path);
        if (!vocab.is_object() || vocab.empty()) fail(vocab_path, "expected a non-empty JSON object token -> id");
        long long max_id = -1;
        for (auto it = vocab.begin(); it != vocab.end(); ++it) {
            if (!it.value().is_number_integer())
                fail(vocab_path, "the id of '" + shorten(it.key()) + "' is not an integer");
            const long long id = it.value().get<long long>();
            if (id < 0 || id >= kMaxVocabIds) fail(vocab_path, "id " + std::to_string(id) + " out of range");
            if (it.key().empty()) fail(vocab_path, "empty token");
            max_id = std::max(max_id, id);
        }
        t.m_decoder.assign(static_cast<std::size_t>(max_id + 1), std::string());
        for (auto it = vocab.begin(); it != vocab.end(); ++it) {
            const int id = static_cast<int>(it.value().get<long long>());
            std::string& slot = t.m_decoder[static_cast<std::size_t>(id)];
            if (!slot.empty())
                fail(vocab_path, "id " + std::to_string(id) + " is used by both '" + shorten(slot) + "' and '" +
                                     shorten(it.key()) + "'");
            slot               = it.key();
            t.m_encoder[slot]  = id;
        }
    }

    // merges.txt: "first second" per line, ranked by line order, after an optional "#version" header
    const fs::path merges_path = root / "merges.txt";
    {
        const std::vector<std::string> lines = split_lines(read_file(merges_path));
        int rank                             = 0;
        for (std::size_t n = 0; n < lines.size(); ++n) {
            std::string line = lines[n];
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (n == 0 && line.rfind("#version", 0) == 0) continue;
            const std::vector<std::string> parts = split_fields(line);
            if (parts.empty()) continue;
            const std::string where = "line " + std::to_string(n + 1) + ": ";
            if (parts.size() != 2)
                fail(merges_path, where + "expected two symbols separated by a space, got '" + shorten(line) + "'");
            const std::string merged = parts[0] + parts[1];
            if (t.m_encoder.count(merged) == 0)
                fail(merges_path, where + "the merge result '" + shorten(merged) + "' of '" + shorten(line) +
                                      "' is not in vocab.json");
            t.m_bpe_ranks[parts[0] + " " + parts[1]] = rank++;
        }
    }

    // Special tokens: tokenizer_config.json, then special_tokens_map.json (which wins, as in transformers).
    SpecialSpec bos{kStartOfText, vocab_path}, eos{kEndOfText, vocab_path}, unk{kEndOfText, vocab_path},
        pad{kEndOfText, vocab_path};
    std::vector<SpecialSpec> additional;
    auto read_specials = [&](const json& cfg, const fs::path& file) {
        const std::pair<const char*, SpecialSpec*> keys[] = {
            {"bos_token", &bos}, {"eos_token", &eos}, {"unk_token", &unk}, {"pad_token", &pad}};
        for (const auto& [key, spec] : keys) {
            auto it = cfg.find(key);
            if (it == cfg.end()) continue;
            if (auto content = token_content(*it, file, key)) *spec = SpecialSpec{*content, file};
        }
        if (auto it = cfg.find("additional_special_tokens"); it != cfg.end() && !it->is_null()) {
            if (!it->is_array()) fail(file, "'additional_special_tokens' must be a list");
            for (const json& v : *it)
                if (auto content = token_content(v, file, "additional_special_tokens"))
                    additional.push_back(SpecialSpec{*content, file});
        }
    };

    const fs::path config_path = root / "tokenizer_config.json";
    if (fs::exists(config_path, ec)) {
        const json cfg = parse_json_file(config_path);
        if (!cfg.is_object()) fail(config_path, "expected a JSON object");
        if (auto it = cfg.find("model_max_length"); it != cfg.end() && !it->is_null()) {
            if (!it->is_number()) fail(config_path, "'model_max_length' must be a number");
            // transformers writes int(1e30) for "no limit" (a float in JSON); that keeps the default of 77.
            if (it->is_number_integer()) {
                const bool huge = it->is_number_unsigned() && it->get<unsigned long long>() > INT_MAX;
                const long long v = huge ? INT_MAX : it->get<long long>();
                if (v < 2) fail(config_path, "'model_max_length' must be at least 2");
                if (v < INT_MAX) t.m_max_length = static_cast<int>(v);
            }
        }
        if (auto it = cfg.find("added_tokens_decoder"); it != cfg.end() && !it->is_null()) {
            if (!it->is_object()) fail(config_path, "'added_tokens_decoder' must be an object id -> token");
            for (auto e = it->begin(); e != it->end(); ++e) {
                const std::string& key = e.key();
                const bool digits      = !key.empty() && key.size() <= 8 &&
                                    std::all_of(key.begin(), key.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
                if (!digits || std::stoll(key) >= kMaxVocabIds)
                    fail(config_path, "'added_tokens_decoder' key '" + shorten(key) + "' is not a valid id");
                auto content = token_content(e.value(), config_path, "added_tokens_decoder." + key);
                if (!content || content->empty()) fail(config_path, "added token " + key + " has no content");
                const int id        = static_cast<int>(std::stoll(key));
                t.m_added[*content] = id;
                t.set_token_id(id, *content);
            }
        }
        read_specials(cfg, config_path);
    }

    const fs::path map_path = root / "special_tokens_map.json";
    if (fs::exists(map_path, ec)) {
        const json cfg = parse_json_file(map_path);
        if (!cfg.is_object()) fail(map_path, "expected a JSON object");
        read_specials(cfg, map_path);
    }

    // Legacy added_tokens.json (token -> id), written by transformers < 4.34 next to textual-inversion tokens.
    const fs::path legacy_path = root / "added_tokens.json";
    if (fs::exists(legacy_path, ec)) {
        const json added = parse_json_file(legacy_path);
        if (!added.is_object()) fail(legacy_path, "expected a JSON object token -> id");
        for (auto it = added.begin(); it != added.end(); ++it) {
            if (!it.value().is_number_integer() || it.value().get<long long>() < 0 ||
                it.value().get<long long>() >= kMaxVocabIds || it.key().empty())
                fail(legacy_path, "bad entry for '" + shorten(it.key()) + "'");
            const int id         = static_cast<int>(it.value().get<long long>());
            t.m_added[it.key()] = id;
            t.set_token_id(id, it.key());
        }
    }

    for (const SpecialSpec* spec : {&bos, &eos, &unk, &pad}) t.register_special(spec->content, spec->source.string());
    for (const SpecialSpec& spec : additional) t.register_special(spec.content, spec.source.string());
    t.m_bos_id = t.token_id(bos.content);
    t.m_eos_id = t.token_id(eos.content);
    t.m_unk_id = t.token_id(unk.content);
    t.m_pad_id = t.token_id(pad.content);
    return t;
}

ClipTokenizer ClipTokenizer::from_openai_bpe_gz(const std::string& path) {
    const fs::path file(path);
    const std::string data = gunzip_file(file);
    if (!is_valid_utf8(data)) fail(file, "the decompressed text is not valid UTF-8");
    const std::vector<std::string> lines = split_lines(data);
    if (lines.size() < static_cast<std::size_t>(kOpenAiMerges) + 1)
        fail(file, "expected a header line and " + std::to_string(kOpenAiMerges) + " merges, found " +
                       std::to_string(lines.empty() ? 0 : lines.size() - 1) + " lines");

    ClipTokenizer t;
    std::vector<std::string> vocab;
    vocab.reserve(2 * 256 + kOpenAiMerges + 2);
    // bytes_to_unicode().values() in dict order: the symbols sorted by code point.
    std::vector<std::string> symbols(byte_symbols().begin(), byte_symbols().end());
    std::sort(symbols.begin(), symbols.end(),
              [](const std::string& a, const std::string& b) { return utf8_to_u32(a) < utf8_to_u32(b); });
    for (const std::string& s : symbols) vocab.push_back(s);
    for (const std::string& s : symbols) vocab.push_back(s + kEndOfWord);
    for (int n = 1; n <= kOpenAiMerges; ++n) {
        const std::vector<std::string> parts = split_fields(lines[static_cast<std::size_t>(n)]);
        if (parts.size() != 2)
            fail(file, "line " + std::to_string(n + 1) + ": expected two symbols separated by a space, got '" +
                           shorten(lines[static_cast<std::size_t>(n)]) + "'");
        vocab.push_back(parts[0] + parts[1]);
        t.m_bpe_ranks[parts[0] + " " + parts[1]] = n - 1;  // a repeated pair keeps its last rank (Python dict)
    }
    vocab.push_back(kStartOfText);
    vocab.push_back(kEndOfText);
    t.m_decoder = vocab;
    for (std::size_t id = 0; id < vocab.size(); ++id) t.m_encoder[vocab[id]] = static_cast<int>(id);
    t.register_special(kStartOfText, path);
    t.register_special(kEndOfText, path);
    t.m_bos_id = t.token_id(kStartOfText);
    t.m_eos_id = t.token_id(kEndOfText);
    t.m_unk_id = t.m_eos_id;
    t.m_pad_id = t.m_eos_id;
    return t;
}

// ---------------------------------------------------------------------------------------------------------------

std::vector<std::string> ClipTokenizer::bpe(const std::string& word) const {
    if (m_cache) {
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        if (auto it = m_cache->words.find(word); it != m_cache->words.end()) return it->second;
    }
    std::vector<std::string> parts = utf8_chars(word);
    if (parts.empty()) return parts;
    parts.back() += kEndOfWord;
    std::vector<std::string> merged;
    while (parts.size() > 1) {
        int best_rank      = INT_MAX;
        std::size_t best_i = 0;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            auto it = m_bpe_ranks.find(parts[i] + " " + parts[i + 1]);
            if (it != m_bpe_ranks.end() && it->second < best_rank) {
                best_rank = it->second;
                best_i    = i;
            }
        }
        if (best_rank == INT_MAX) break;
        const std::string first  = parts[best_i];
        const std::string second = parts[best_i + 1];
        merged.clear();
        for (std::size_t i = 0; i < parts.size();) {
            if (i + 1 < parts.size() && parts[i] == first && parts[i + 1] == second) {
                merged.push_back(first + second);
                i += 2;
            } else {
                merged.push_back(parts[i]);
                i += 1;
            }
        }
        parts.swap(merged);
    }
    if (m_cache) {
        std::lock_guard<std::mutex> lock(m_cache->mutex);
        if (m_cache->words.size() >= kCacheLimit) m_cache->words.clear();
        m_cache->words.emplace(word, parts);
    }
    return parts;
}

int ClipTokenizer::vocab_lookup(const std::string& token) const {
    if (auto it = m_added.find(token); it != m_added.end()) return it->second;
    if (auto it = m_encoder.find(token); it != m_encoder.end()) return it->second;
    return m_unk_id;
}

void ClipTokenizer::run_plain(const std::string& utf8_piece, std::vector<std::string>* tokens,
                              std::vector<int>* ids) const {
    const U32 text                = lower(whitespace_clean(fix_text(utf8_to_u32(utf8_piece))));
    const auto& symbols           = byte_symbols();
    for (const U32& word32 : pre_tokenize(text)) {
        const std::string word = u32_to_utf8(word32);
        std::vector<std::string> pieces;
        if (word == kStartOfText || word == kEndOfText) {
            pieces.push_back(word);  // CLIP's BPE cache is seeded with these two
        } else {
            std::string encoded;
            for (unsigned char b : word) encoded += symbols[b];
            pieces = bpe(encoded);
        }
        for (std::string& p : pieces) {
            if (ids) ids->push_back(vocab_lookup(p));
            if (tokens) tokens->push_back(std::move(p));
        }
    }
}

void ClipTokenizer::run(const std::string& utf8_text, std::vector<std::string>* tokens,
                        std::vector<int>* ids) const {
    std::size_t start = 0, i = 0;
    while (i < utf8_text.size()) {
        const std::string* best = nullptr;
        int best_id             = -1;
        for (const auto& [token, id] : m_added) {
            if ((!best || token.size() > best->size()) && utf8_text.compare(i, token.size(), token) == 0) {
                best    = &token;
                best_id = id;
            }
        }
        if (!best) {
            ++i;
            continue;
        }
        if (i > start) run_plain(utf8_text.substr(start, i - start), tokens, ids);
        if (tokens) tokens->push_back(*best);
        if (ids) ids->push_back(best_id);
        i += best->size();
        start = i;
    }
    if (start < utf8_text.size()) run_plain(utf8_text.substr(start), tokens, ids);
}

std::vector<int> ClipTokenizer::encode(const std::string& utf8_text) const {
    std::vector<int> ids;
    run(utf8_text, nullptr, &ids);
    return ids;
}

std::vector<std::string> ClipTokenizer::tokenize(const std::string& utf8_text) const {
    std::vector<std::string> tokens;
    run(utf8_text, &tokens, nullptr);
    return tokens;
}

std::vector<int> ClipTokenizer::encode_with_special(const std::string& utf8_text) const {
    std::vector<int> ids{m_bos_id};
    run(utf8_text, nullptr, &ids);
    ids.push_back(m_eos_id);
    return ids;
}

std::vector<int> ClipTokenizer::encode_truncated(const std::string& utf8_text, int max_length) const {
    if (max_length < 2) throw Error("CLIP tokenizer: max_length " + std::to_string(max_length) + " is below 2");
    std::vector<int> text = encode(utf8_text);
    const auto keep       = std::min(text.size(), static_cast<std::size_t>(max_length - 2));
    std::vector<int> ids{m_bos_id};
    ids.insert(ids.end(), text.begin(), text.begin() + static_cast<std::ptrdiff_t>(keep));
    ids.push_back(m_eos_id);
    return ids;
}

std::vector<int> ClipTokenizer::encode_padded(const std::string& utf8_text, int max_length) const {
    return encode_padded_with_mask(utf8_text, max_length).ids;
}

ClipTokenizer::Padded ClipTokenizer::encode_padded_with_mask(const std::string& utf8_text, int max_length) const {
    Padded out;
    out.ids = encode_truncated(utf8_text, max_length);
    out.attention_mask.assign(out.ids.size(), 1);
    out.ids.resize(static_cast<std::size_t>(max_length), m_pad_id);
    out.attention_mask.resize(static_cast<std::size_t>(max_length), 0);
    return out;
}

int ClipTokenizer::add_token(const std::string& token) {
    if (token.empty()) throw Error("CLIP tokenizer: cannot add an empty token");
    if (auto it = m_added.find(token); it != m_added.end()) return it->second;
    if (auto it = m_encoder.find(token); it != m_encoder.end()) {
        m_added[token] = it->second;  // as transformers: an existing entry keeps its id but is now matched whole
        return it->second;
    }
    const int id = vocab_size();
    m_added[token] = id;
    set_token_id(id, token);
    return id;
}

int ClipTokenizer::token_id(const std::string& token) const {
    if (auto it = m_added.find(token); it != m_added.end()) return it->second;
    if (auto it = m_encoder.find(token); it != m_encoder.end()) return it->second;
    return -1;
}

std::string ClipTokenizer::token_text(int id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= m_decoder.size() || m_decoder[static_cast<std::size_t>(id)].empty())
        throw Error("CLIP tokenizer: no token has id " + std::to_string(id));
    return m_decoder[static_cast<std::size_t>(id)];
}

std::string ClipTokenizer::token_display_text(int id) const {
    std::string t = token_text(id);
    if (m_added.count(t)) return t;
    static const std::unordered_map<std::string, char> inverse = [] {
        std::unordered_map<std::string, char> m;
        const auto& sym = byte_symbols();
        for (int b = 0; b < 256; ++b) m[sym[static_cast<std::size_t>(b)]] = static_cast<char>(b);
        return m;
    }();
    const bool word_end = t.size() >= 4 && t.compare(t.size() - 4, 4, "</w>") == 0;
    if (word_end) t.resize(t.size() - 4);
    std::string out;
    for (const auto& ch : utf8_chars(t)) {
        auto it = inverse.find(ch);
        if (it == inverse.end()) return token_text(id);  // not a byte-level token: show it as stored
        out.push_back(it->second);
    }
    return out;
}

int ClipTokenizer::vocab_size() const { return static_cast<int>(m_decoder.size()); }

}  // namespace tint::text
