#pragma once
// safetensors header: types and the validating parser. Free of LibTorch so that the fuzz target
// can build it alone.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tint::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  ///< offset in the data area
    std::uint64_t end   = 0;
    std::int64_t numel() const;
};

struct SafetensorsHeader {
    std::uint64_t data_offset = 0;  ///< absolute offset of the data area in the file
    std::vector<TensorInfo> tensors;  ///< in header order
    std::map<std::string, std::string> metadata;
};

std::size_t dtype_size(DType t);
const char* dtype_name(DType t);

/// Parses and validates a header. `head` holds at least the first 8 + N bytes of the file (or all of
/// them when shorter: then the file is truncated); `file_size` is the size of the whole file.
/// Throws tint::Error naming `where` and the fault (length, JSON, dtype, shape, offsets, overlap).
SafetensorsHeader parse_safetensors_header(const std::uint8_t* head, std::size_t head_size, std::uint64_t file_size,
                                           const std::string& where);

}  // namespace tint::io
