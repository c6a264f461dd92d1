// project.json <-> ProjectData.
#include <nlohmann/json.hpp>

#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Project.h"

namespace tint {

using nlohmann::json;

namespace {

const char* const kKnownKeys[] = {"schema", "name", "created", "modified", "classes", "models", "tint", "distill"};

template <class T>
T get_or(const json& j, const char* key, const T& fallback, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw Error(where + ": key '" + key + "' has the wrong type (" + it->type_name() + ")");
    }
}

}  // namespace

std::string project_to_json(const ProjectData& d) {
    json j = json::object();
    j["schema"]   = d.schema;
    j["name"]     = d.name;
    j["created"]  = d.created;
    j["modified"] = d.modified;
    json classes  = json::array();
    for (const auto& c : d.classes) {
        json supports = json::array();
        for (const auto& s : c.supports)
            supports.push_back(
                {{"file", s.file}, {"source", s.source}, {"hash", s.hash}, {"width", s.width}, {"height", s.height}});
        classes.push_back({{"name", c.name}, {"dir", c.dir}, {"supports", supports}});
    }
    j["classes"] = classes;
    j["models"]  = {{"generator_dir", d.models.generator_dir},
                    {"teacher_dir", d.models.teacher_dir},
                    {"device", d.models.device},
                    {"precision", d.models.precision}};
    if (!d.tint_settings.empty()) j["tint"] = json::parse(d.tint_settings);
    if (!d.distill_settings.empty()) j["distill"] = json::parse(d.distill_settings);
    for (const auto& [key, text] : d.unknown) j[key] = json::parse(text);
    return j.dump(2) + "\n";
}

ProjectData project_from_json(const std::string& text, const std::string& where) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(where + ": not a valid project file (JSON error at byte " + std::to_string(e.byte) +
                    "; the file may be truncated or corrupt)");
    }
    if (!j.is_object()) throw Error(where + ": not a valid project file (expected a JSON object)");
    auto sit = j.find("schema");
    if (sit == j.end() || !sit->is_number_integer())
        throw Error(where + ": not a valid project file (no integer 'schema' key)");
    ProjectData d;
    d.schema = sit->get<int>();
    if (d.schema > kProjectSchema)
        throw Error(where + ": written by a newer TINT Workbench (project schema " + std::to_string(d.schema) +
                    "; this version reads up to schema " + std::to_string(kProjectSchema) + ")");
    if (d.schema < 1) throw Error(where + ": invalid project schema " + std::to_string(d.schema));
    d.name     = get_or<std::string>(j, "name", "", where);
    d.created  = get_or<std::string>(j, "created", "", where);
    d.modified = get_or<std::string>(j, "modified", "", where);

    json classes = get_or<json>(j, "classes", json::array(), where);
    if (!classes.is_array()) throw Error(where + ": key 'classes' must be a list");
    for (std::size_t i = 0; i < classes.size(); ++i) {
        const json& c    = classes[i];
        std::string here = where + ": classes[" + std::to_string(i) + "]";
        if (!c.is_object()) throw Error(here + " must be an object");
        ClassEntry e;
        e.name = get_or<std::string>(c, "name", "", here);
        e.dir  = get_or<std::string>(c, "dir", "", here);
        if (e.name.empty() || e.dir.empty()) throw Error(here + " needs a 'name' and a 'dir'");
        if (!is_plain_name(e.dir) || e.dir.find(':') != std::string::npos)
            throw Error(here + ": invalid folder name '" + e.dir + "'");
        for (const auto& other : d.classes)
            if (lower_ascii(other.dir) == lower_ascii(e.dir))
                throw Error(here + ": the folder '" + e.dir + "' is used by the class '" + other.name + "' too");
        json supports = get_or<json>(c, "supports", json::array(), here);
        if (!supports.is_array()) throw Error(here + ": 'supports' must be a list");
        for (std::size_t k = 0; k < supports.size(); ++k) {
            const json& s     = supports[k];
            std::string shere = here + ".supports[" + std::to_string(k) + "]";
            if (!s.is_object()) throw Error(shere + " must be an object");
            SupportImage im;
            im.file   = get_or<std::string>(s, "file", "", shere);
            im.source = get_or<std::string>(s, "source", "", shere);
            im.hash   = get_or<std::string>(s, "hash", "", shere);
            im.width  = get_or<int>(s, "width", 0, shere);
            im.height = get_or<int>(s, "height", 0, shere);
            // A support lives at support/<class folder>/<name>: anything else (absolute, "..", the
            // folder itself) could make a removal delete or a read reach outside the class.
            const std::string prefix = "support/" + e.dir + "/";
            if (im.file.compare(0, prefix.size(), prefix) != 0 || !is_plain_name(im.file.substr(prefix.size())))
                throw Error(shere + ": invalid file path '" + im.file + "' (expected " + prefix + "<name>)");
            e.supports.push_back(std::move(im));
        }
        d.classes.push_back(std::move(e));
    }
    json models = get_or<json>(j, "models", json::object(), where);
    if (!models.is_object()) throw Error(where + ": key 'models' must be an object");
    d.models.generator_dir = get_or<std::string>(models, "generator_dir", "", where + ": models");
    d.models.teacher_dir   = get_or<std::string>(models, "teacher_dir", "", where + ": models");
    d.models.device        = get_or<std::string>(models, "device", "cpu", where + ": models");
    d.models.precision     = get_or<std::string>(models, "precision", "fp32", where + ": models");

    for (const char* key : {"tint", "distill"}) {
        json section = get_or<json>(j, key, json(), where);
        if (section.is_null()) continue;
        if (!section.is_object()) throw Error(where + ": key '" + key + "' must be an object");
        (std::string(key) == "tint" ? d.tint_settings : d.distill_settings) = section.dump();
    }

    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const char* k : kKnownKeys) known = known || it.key() == k;
        if (!known) d.unknown[it.key()] = it.value().dump();
    }
    return d;
}

}  // namespace tint
