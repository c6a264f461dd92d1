#pragma once
// diffusers / transformers model folders: config.json files and weight files (plain, fp16 variant,
// or sharded with an index), with clear errors naming the folder and file.
#include <nlohmann/json.hpp>

#include <string>

#include "weights/state_dict.h"

namespace tint::io {

/// Parses a JSON file; throws tint::Error naming the file when absent or invalid.
nlohmann::json read_json_file(const std::string& path);

/// The safetensors weights of a component folder: `<base>.safetensors`, `<base>.fp16.safetensors`,
/// or `<base>.safetensors.index.json` with its shards. Throws when there are none (naming .bin files
/// when only those exist).
weights::TensorSource open_weights(const std::string& component_dir, const std::string& base);

/// `<root>/<name>` when it is a folder; otherwise throws naming model_index.json's expectation.
std::string component_dir(const std::string& root, const std::string& name);

}  // namespace tint::io
