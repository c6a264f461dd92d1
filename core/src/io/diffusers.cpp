#include "io/diffusers.h"

#include <filesystem>
#include <set>

#include "tint/Error.h"
#include "tint/FileUtil.h"

namespace fs = std::filesystem;

namespace tint::io {

nlohmann::json read_json_file(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error("'" + path + "' is missing");
    auto bytes = read_file_bytes(path, 64LL * 1024 * 1024);
    try {
        return nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& e) {
        throw Error("'" + path + "' is not valid JSON (" + e.what() + ")");
    }
}

std::string component_dir(const std::string& root, const std::string& name) {
    fs::path dir = fs::path(root) / name;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("'" + root + "' has no " + name + "/ folder; a Stable Diffusion folder in diffusers layout has "
                    "model_index.json, unet/, vae/, text_encoder/, tokenizer/ and scheduler/");
    return dir.string();
}

weights::TensorSource open_weights(const std::string& dir, const std::string& base) {
    weights::TensorSource src;
    std::error_code ec;
    for (const char* suffix : {".safetensors", ".fp16.safetensors"}) {
        fs::path f = fs::path(dir) / (base + suffix);
        if (fs::exists(f, ec)) {
            src.add(SafetensorsFile::open(f.string()));
            return src;
        }
    }
    for (const char* suffix : {".safetensors.index.json", ".safetensors.index.fp16.json"}) {
        fs::path idx = fs::path(dir) / (base + suffix);
        if (!fs::exists(idx, ec)) continue;
        auto j = read_json_file(idx.string());
        auto map = j.find("weight_map");
        if (map == j.end() || !map->is_object()) throw Error("'" + idx.string() + "' has no 'weight_map'");
        std::set<std::string> shards;
        for (auto it = map->begin(); it != map->end(); ++it) {
            if (!it.value().is_string()) throw Error("'" + idx.string() + "': weight_map values must be file names");
            std::string shard = it.value().get<std::string>();
            if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
                throw Error("'" + idx.string() + "': invalid shard name '" + shard + "'");
            shards.insert(shard);
        }
        for (const auto& s : shards) src.add(SafetensorsFile::open((fs::path(dir) / s).string()));
        return src;
    }
    if (fs::exists(fs::path(dir) / (base + ".bin"), ec) || fs::exists(fs::path(dir) / "pytorch_model.bin", ec))
        throw Error("'" + dir + "' has only PyTorch .bin weights; TINT Workbench reads safetensors (convert them, or "
                    "download the safetensors files of the model)");
    throw Error("'" + dir + "' has no " + base + ".safetensors");
}

}  // namespace tint::io
