// safetensors header parsing and validation (no LibTorch: this is the part the fuzzer drives).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

#include "io/safetensors_header.h"
#include "tint/Error.h"

namespace tint::io {

namespace {
constexpr std::uint64_t kMaxHeader = 100ull * 1024 * 1024;

bool parse_dtype(const std::string& s, DType& out) {
    static const std::pair<const char*, DType> table[] = {
        {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"I64", DType::I64},
        {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},   {"U8", DType::U8},     {"BOOL", DType::BOOL}};
    for (const auto& [name, t] : table)
        if (s == name) {
            out = t;
            return true;
        }
    return false;
}
}  // namespace

std::size_t dtype_size(DType t) {
    switch (t) {
        case DType::F64:
        case DType::I64: return 8;
        case DType::F32:
        case DType::I32: return 4;
        case DType::F16:
        case DType::BF16:
        case DType::I16: return 2;
        default: return 1;
    }
}

const char* dtype_name(DType t) {
    switch (t) {
        case DType::F64: return "F64";
        case DType::F32: return "F32";
        case DType::F16: return "F16";
        case DType::BF16: return "BF16";
        case DType::I64: return "I64";
        case DType::I32: return "I32";
        case DType::I16: return "I16";
        case DType::I8: return "I8";
        case DType::U8: return "U8";
        default: return "BOOL";
    }
}

std::int64_t TensorInfo::numel() const {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

SafetensorsHeader parse_safetensors_header(const std::uint8_t* head, std::size_t head_size, std::uint64_t file_size,
                                           const std::string& where) {
    if (file_size < 8 || head_size < 8) throw Error(where + ": not a safetensors file (shorter than 8 bytes)");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | head[i];
    if (n > kMaxHeader) throw Error(where + ": not a safetensors file (header length " + std::to_string(n) + " is implausible)");
    if (8 + n > file_size)
        throw Error(where + ": the header length (" + std::to_string(n) + " bytes) runs past the end of the file (" +
                    std::to_string(file_size) + " bytes); the file is truncated or not safetensors");
    if (8 + n > head_size) throw Error(where + ": the header could not be read completely");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(head + 8, head + 8 + n);
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": the header is not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!j.is_object()) throw Error(where + ": the header is not a JSON object");
    SafetensorsHeader h;
    h.data_offset          = 8 + n;
    const std::uint64_t data = file_size - h.data_offset;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& key = it.key();
        const auto& v          = it.value();
        if (key == "__metadata__") {
            if (!v.is_object()) throw Error(where + ": __metadata__ must be an object of strings");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string()) throw Error(where + ": __metadata__ value '" + m.key() + "' is not a string");
                h.metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        std::string here = where + ": tensor '" + key + "'";
        if (!v.is_object()) throw Error(here + " must be an object");
        auto dt = v.find("dtype"), sh = v.find("shape"), off = v.find("data_offsets");
        if (dt == v.end() || sh == v.end() || off == v.end())
            throw Error(here + " needs 'dtype', 'shape' and 'data_offsets'");
        TensorInfo t;
        t.name = key;
        if (!dt->is_string() || !parse_dtype(dt->get<std::string>(), t.dtype))
            throw Error(here + " has an unknown dtype " + dt->dump());
        if (!sh->is_array()) throw Error(here + ": 'shape' must be a list");
        std::uint64_t numel = 1;
        for (const auto& d : *sh) {
            if (!d.is_number_unsigned() && !(d.is_number_integer() && d.get<std::int64_t>() >= 0))
                throw Error(here + ": invalid dimension " + d.dump());
            std::uint64_t dim = d.get<std::uint64_t>();
            if (dim > 0 && numel > std::numeric_limits<std::uint64_t>::max() / 16 / dim)
                throw Error(here + ": the shape is too large");
            numel *= dim;
            t.shape.push_back(static_cast<std::int64_t>(dim));
        }
        if (!off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() || !(*off)[1].is_number_unsigned())
            throw Error(here + ": 'data_offsets' must be two non-negative integers");
        t.begin = (*off)[0].get<std::uint64_t>();
        t.end   = (*off)[1].get<std::uint64_t>();
        if (t.begin > t.end) throw Error(here + ": data_offsets are reversed");
        if (t.end > data)
            throw Error(here + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                        "] lie outside the data area (" + std::to_string(data) + " bytes); the file is truncated or the header is wrong");
        if (t.end - t.begin != numel * dtype_size(t.dtype))
            throw Error(here + ": " + std::to_string(t.end - t.begin) + " bytes stored, but " + dtype_name(t.dtype) +
                        " with " + std::to_string(numel) + " elements needs " + std::to_string(numel * dtype_size(t.dtype)));
        h.tensors.push_back(std::move(t));
    }
    std::vector<const TensorInfo*> order;
    for (const auto& t : h.tensors) order.push_back(&t);
    std::sort(order.begin(), order.end(), [](const TensorInfo* a, const TensorInfo* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    for (std::size_t i = 1; i < order.size(); ++i)
        if (order[i]->begin < order[i - 1]->end)
            throw Error(where + ": tensors '" + order[i - 1]->name + "' and '" + order[i]->name + "' overlap");
    return h;
}

}  // namespace tint::io
