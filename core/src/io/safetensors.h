#pragma once
// safetensors: header parsing with full validation, per-tensor reads (never the whole file), and
// an atomic writer. Format: 8-byte little-endian header length N, N bytes of JSON, then the data.
#include <torch/torch.h>

#include "io/safetensors_header.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tint::io {

torch::ScalarType to_scalar_type(DType t);

/// An open safetensors file: the header is read at open; tensors are read one at a time.
class SafetensorsFile {
public:
    static SafetensorsFile open(const std::string& path);

    const std::string& path() const { return path_; }
    const std::vector<TensorInfo>& tensors() const { return header_.tensors; }
    const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
    const TensorInfo* find(const std::string& name) const;
    bool contains(const std::string& name) const { return find(name) != nullptr; }

    /// Reads one tensor into a new CPU tensor of its stored dtype. Throws tint::Error when absent or
    /// when the file cannot be read (it may have changed since open).
    torch::Tensor read(const std::string& name) const;

private:
    std::string path_;
    SafetensorsHeader header_;
    std::map<std::string, std::size_t> index_;
};

/// Writes tensors (any CPU or device tensor; stored little-endian, contiguous) atomically.
/// Tensors are stored in the order given; names must be unique.
void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace tint::io
