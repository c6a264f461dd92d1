#pragma once
// Reading config.json values with the upstream default when a key is absent or null, and an error
// naming the file and key when it has the wrong type.
#include <nlohmann/json.hpp>

#include <string>

#include "tint/Error.h"

namespace tint::io {

template <class T>
T json_get(const nlohmann::json& j, const char* key, const T& fallback, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw Error(where + ": key '" + key + "' has an unexpected value " + it->dump());
    }
}

}  // namespace tint::io
