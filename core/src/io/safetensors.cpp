// safetensors reading (per tensor, with pread into the tensor's own storage) and writing.
#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <set>

#include "tint/Error.h"
#include "tint/FileUtil.h"

namespace tint::io {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

void pread_all(int fd, void* dst, std::uint64_t size, std::uint64_t offset, const std::string& where) {
    auto* p = static_cast<char*>(dst);
    while (size > 0) {
        ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(where + ": read error: " + system_error_text(errno));
        }
        if (n == 0) throw Error(where + ": unexpected end of file (the file changed or is truncated)");
        p += n;
        size -= static_cast<std::uint64_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

DType from_scalar_type(torch::ScalarType t, const std::string& name) {
    switch (t) {
        case torch::kFloat64: return DType::F64;
        case torch::kFloat32: return DType::F32;
        case torch::kFloat16: return DType::F16;
        case torch::kBFloat16: return DType::BF16;
        case torch::kInt64: return DType::I64;
        case torch::kInt32: return DType::I32;
        case torch::kInt16: return DType::I16;
        case torch::kInt8: return DType::I8;
        case torch::kUInt8: return DType::U8;
        case torch::kBool: return DType::BOOL;
        default: throw Error("tensor '" + name + "': dtype " + std::string(c10::toString(t)) + " cannot be stored in safetensors");
    }
}

}  // namespace

torch::ScalarType to_scalar_type(DType t) {
    switch (t) {
        case DType::F64: return torch::kFloat64;
        case DType::F32: return torch::kFloat32;
        case DType::F16: return torch::kFloat16;
        case DType::BF16: return torch::kBFloat16;
        case DType::I64: return torch::kInt64;
        case DType::I32: return torch::kInt32;
        case DType::I16: return torch::kInt16;
        case DType::I8: return torch::kInt8;
        case DType::U8: return torch::kUInt8;
        default: return torch::kBool;
    }
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) throw Error("cannot open '" + path + "': " + system_error_text(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw Error("cannot open '" + path + "': " + system_error_text(errno));
    if (!S_ISREG(st.st_mode)) throw Error("cannot open '" + path + "': not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    std::uint8_t len8[8] = {};
    if (size >= 8) pread_all(f.fd, len8, 8, 0, path);
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | len8[i];
    std::vector<std::uint8_t> head(8);
    std::copy(len8, len8 + 8, head.begin());
    if (size >= 8 && n <= 100ull * 1024 * 1024 && 8 + n <= size) {
        head.resize(8 + n);
        pread_all(f.fd, head.data() + 8, n, 8, path);
    }
    SafetensorsFile out;
    out.path_   = path;
    out.header_ = parse_safetensors_header(head.data(), head.size(), size, path);
    for (std::size_t i = 0; i < out.header_.tensors.size(); ++i) out.index_[out.header_.tensors[i].name] = i;
    return out;
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

torch::Tensor SafetensorsFile::read(const std::string& name) const {
    const TensorInfo* t = find(name);
    if (!t) throw Error(path_ + ": no tensor named '" + name + "'");
    torch::Tensor out = torch::empty(t->shape, torch::TensorOptions().dtype(to_scalar_type(t->dtype)));
    if (t->end == t->begin) return out;
    Fd f;
    f.fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) throw Error("cannot open '" + path_ + "': " + system_error_text(errno));
    pread_all(f.fd, out.data_ptr(), t->end - t->begin, header_.data_offset + t->begin, path_ + ": tensor '" + name + "'");
    return out;
}

void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::vector<torch::Tensor> cpu;
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name == "__metadata__" || !names.insert(name).second)
            throw Error("cannot write '" + path + "': duplicate or reserved tensor name '" + name + "'");
        torch::Tensor c = tensor.detach().to(torch::kCPU).contiguous();
        DType dt        = from_scalar_type(c.scalar_type(), name);
        std::uint64_t bytes = static_cast<std::uint64_t>(c.numel()) * dtype_size(dt);
        std::vector<std::int64_t> shape(c.sizes().begin(), c.sizes().end());
        header[name] = {{"dtype", dtype_name(dt)}, {"shape", shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        cpu.push_back(c);
    }
    std::string json = header.dump();
    json.append((8 - (json.size() % 8)) % 8, ' ');  // the data area starts 8-byte aligned
    std::string out;
    out.reserve(8 + json.size() + offset);
    std::uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
    out += json;
    for (const auto& c : cpu) out.append(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
    write_file_atomic(path, out);
}

}  // namespace tint::io
