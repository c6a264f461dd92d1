// Project folder: creation, opening, class and support-set changes, each saved at once.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Log.h"
#include "tint/Project.h"

namespace fs = std::filesystem;

namespace tint {
namespace {

const char* const kSubfolders[] = {"support", "inversions", "synthetic", "runs", "logs"};

std::string now_iso8601() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string trimmed(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 when the bytes there are not one.
std::size_t utf8_sequence(const std::string& s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) > 0x9F) return 0;   // surrogates
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) > 0x8F) return 0;   // above U+10FFFF
    return n;
}

// The text with each byte that is not part of valid UTF-8 replaced by U+FFFD (for names that are
// only shown or recorded, such as where an imported file came from).
std::string utf8_display(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string checked_class_name(const std::string& raw) {
    std::string name = trimmed(raw);
    if (name.empty()) throw Error("a class name cannot be empty");
    if (name.size() > 200) throw Error("the class name is too long (at most 200 bytes)");
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f) throw Error("the class name contains a control character");
    if (!valid_utf8(name))
        throw Error("the class name is not UTF-8 text (a folder named in another encoding?); rename it and try again");
    return name;
}

bool is_image_extension(const fs::path& p) {
    static const char* const exts[] = {".jpg", ".jpeg", ".jpe", ".png", ".bmp",  ".webp", ".tif",
                                       ".tiff", ".gif", ".pgm", ".ppm", ".pbm", ".pnm"};
    std::string e = lower_ascii(p.extension().string());
    return std::any_of(std::begin(exts), std::end(exts), [&](const char* x) { return e == x; });
}

// A file name for a copied support image, unique in `dir`.
std::string unique_file_name(const fs::path& dir, const fs::path& source) {
    std::string stem = source.stem().string();
    std::string ext  = lower_ascii(source.extension().string());
    // Whole UTF-8 characters only (a name in another encoding gets '_' for its odd bytes), at most
    // 100 bytes: the name goes into project.json, which is UTF-8.
    std::string safe;
    for (std::size_t i = 0; i < stem.size();) {
        const std::size_t n = utf8_sequence(stem, i);
        const unsigned char c = static_cast<unsigned char>(stem[i]);
        const std::size_t take = n == 0 ? 1 : n;
        if (safe.size() + (n == 0 ? 1 : n) > 100) break;
        if (n == 0 || c < 0x20 || c == '/' || c == '\\' || c == 0x7f) safe += '_';
        else safe.append(stem, i, n);
        i += take;
    }
    if (safe.empty() || safe[0] == '.') safe = "image" + safe;
    std::string name = safe + ext;
    for (int n = 2; fs::exists(dir / name); ++n) name = safe + "-" + std::to_string(n) + ext;
    return name;
}

void remove_quietly(const fs::path& p) {
    std::error_code ec;
    fs::remove_all(p, ec);
    if (ec) log::warn("tint.project", "could not delete '" + p.string() + "': " + ec.message());
}

}  // namespace

std::string make_class_dir(const std::string& class_name, const std::vector<std::string>& taken) {
    std::string dir;
    for (unsigned char c : class_name) {
        if (c < 0x20 || c == 0x7f || std::string("/\\:*?\"<>| ").find(char(c)) != std::string::npos)
            dir += '_';
        else
            dir += char(c);
    }
    while (!dir.empty() && (dir[0] == '.' || dir[0] == '_')) dir.erase(0, 1);
    if (dir.size() > 64) {
        std::size_t cut = 64;
        while (cut > 0 && (static_cast<unsigned char>(dir[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
        dir.resize(cut);
    }
    if (dir.empty()) dir = "class";
    std::string candidate = dir;
    auto used = [&](const std::string& d) {
        return std::any_of(taken.begin(), taken.end(), [&](const std::string& t) { return lower_ascii(t) == lower_ascii(d); });
    };
    for (int n = 2; used(candidate); ++n) candidate = dir + "-" + std::to_string(n);
    return candidate;
}

Project Project::create(const std::string& folder, const std::string& name) {
    fs::path root(folder);
    std::error_code ec;
    if (fs::exists(root, ec)) {
        if (!fs::is_directory(root, ec)) throw Error("cannot create a project at '" + folder + "': a file is in the way");
        if (!fs::is_empty(root, ec)) throw Error("cannot create a project at '" + folder + "': the folder is not empty");
    }
    fs::create_directories(root, ec);
    if (ec) throw Error("cannot create the folder '" + folder + "': " + ec.message());
    for (const char* sub : kSubfolders) {
        fs::create_directories(root / sub, ec);
        if (ec) throw Error("cannot create the folder '" + (root / sub).string() + "': " + ec.message());
    }
    Project p;
    p.root_          = fs::absolute(root).lexically_normal().string();
    p.data_.name     = name.empty() ? root.stem().string() : name;
    p.data_.created  = now_iso8601();
    p.data_.modified = p.data_.created;
    p.save();
    return p;
}

Project Project::open(const std::string& folder_or_file) {
    fs::path path(folder_or_file);
    std::error_code ec;
    if (!fs::is_directory(path, ec) && path.filename() == kProjectFileName) path = path.parent_path();
    if (!fs::is_directory(path, ec)) throw Error("'" + folder_or_file + "' is not a project folder");
    fs::path file = path / kProjectFileName;
    if (!fs::exists(file, ec)) throw Error("'" + path.string() + "' has no " + kProjectFileName);
    auto bytes = read_file_bytes(file.string(), 64LL * 1024 * 1024);
    Project p;
    p.data_ = project_from_json(std::string(bytes.begin(), bytes.end()), file.string());
    p.root_ = fs::absolute(path).lexically_normal().string();
    if (p.root_.size() > 1 && p.root_.back() == '/') p.root_.pop_back();
    return p;
}

std::string Project::absolute(const std::string& relative) const { return (fs::path(root_) / relative).string(); }

std::string Project::project_file() const { return absolute(kProjectFileName); }

void Project::save() { write_file_atomic(project_file(), project_to_json(data_)); }

void Project::touch_and_save() {
    data_.modified = now_iso8601();
    save();
}

int Project::class_index(const std::string& name) const {
    std::string key = lower_ascii(trimmed(name));
    for (std::size_t i = 0; i < data_.classes.size(); ++i)
        if (lower_ascii(data_.classes[i].name) == key) return static_cast<int>(i);
    return -1;
}

int Project::class_index_by_dir(const std::string& dir) const {
    for (std::size_t i = 0; i < data_.classes.size(); ++i)
        if (data_.classes[i].dir == dir) return static_cast<int>(i);
    return -1;
}

const ClassEntry& Project::add_class(const std::string& raw_name) {
    std::string name = checked_class_name(raw_name);
    if (class_index(name) >= 0) throw Error("a class named '" + name + "' already exists");
    std::vector<std::string> taken;
    for (const auto& c : data_.classes) taken.push_back(c.dir);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(root_) / "support", ec)) taken.push_back(e.path().filename());
    ClassEntry c;
    c.name = name;
    c.dir  = make_class_dir(name, taken);
    fs::create_directories(fs::path(root_) / "support" / c.dir, ec);
    if (ec) throw Error("cannot create the folder for class '" + name + "': " + ec.message());
    data_.classes.push_back(c);
    try {
        touch_and_save();
    } catch (...) {
        data_.classes.pop_back();
        throw;
    }
    return data_.classes.back();
}

void Project::rename_class(int index, const std::string& new_name) {
    if (index < 0 || index >= int(data_.classes.size())) throw Error("no such class");
    std::string name = checked_class_name(new_name);
    int other        = class_index(name);
    if (other >= 0 && other != index) throw Error("a class named '" + name + "' already exists");
    std::string old          = data_.classes[index].name;
    data_.classes[index].name = name;
    try {
        touch_and_save();
    } catch (...) {
        data_.classes[index].name = old;
        throw;
    }
}

void Project::remove_class(int index) {
    if (index < 0 || index >= int(data_.classes.size())) throw Error("no such class");
    ClassEntry removed = data_.classes[index];
    data_.classes.erase(data_.classes.begin() + index);
    try {
        touch_and_save();
    } catch (...) {
        data_.classes.insert(data_.classes.begin() + index, removed);
        throw;
    }
    for (const char* sub : {"support", "inversions", "synthetic"}) remove_quietly(fs::path(root_) / sub / removed.dir);
}

void Project::remove_support(int ci, int ii) {
    if (ci < 0 || ci >= int(data_.classes.size())) throw Error("no such class");
    auto& sup = data_.classes[ci].supports;
    if (ii < 0 || ii >= int(sup.size())) throw Error("no such support image");
    SupportImage removed = sup[ii];
    sup.erase(sup.begin() + ii);
    try {
        touch_and_save();
    } catch (...) {
        sup.insert(sup.begin() + ii, removed);
        throw;
    }
    std::error_code ec;  // one file: never a folder
    fs::remove(absolute(removed.file), ec);
    if (ec) log::warn("tint.project", "could not delete '" + absolute(removed.file) + "': " + ec.message());
}

int Project::add_staged(const std::vector<StagedImage>& staged) {
    int added = 0;
    ProjectData before = data_;
    for (const auto& s : staged) {
        int ci = class_index_by_dir(s.class_dir);
        if (ci < 0) {
            remove_quietly(absolute(s.image.file));
            continue;
        }
        // The same picture staged by two imports that ran one after the other (each checked only
        // the class as it was when it was queued) goes in once.
        bool duplicate = false;
        for (const auto& existing : data_.classes[ci].supports)
            if (!s.image.hash.empty() && existing.hash == s.image.hash && existing.file != s.image.file) duplicate = true;
        if (duplicate) {
            remove_quietly(absolute(s.image.file));
            continue;
        }
        data_.classes[ci].supports.push_back(s.image);
        ++added;
    }
    if (added == 0) return 0;
    try {
        touch_and_save();
    } catch (...) {
        data_ = before;
        throw;
    }
    return added;
}

void Project::set_models(const ModelSettings& models) {
    ModelSettings old = data_.models;
    data_.models      = models;
    try {
        touch_and_save();
    } catch (...) {
        data_.models = old;
        throw;
    }
}

void Project::set_workflow_settings(const std::string& tint_settings, const std::string& distill_settings) {
    const std::string old_tint = data_.tint_settings, old_distill = data_.distill_settings;
    data_.tint_settings    = tint_settings;
    data_.distill_settings = distill_settings;
    try {
        touch_and_save();
    } catch (...) {
        data_.tint_settings    = old_tint;
        data_.distill_settings = old_distill;
        throw;
    }
}

std::map<std::string, std::string> Project::support_hashes(int ci) const {
    std::map<std::string, std::string> out;
    if (ci < 0 || ci >= int(data_.classes.size())) return out;
    for (const auto& s : data_.classes[ci].supports) out[s.hash] = s.file;
    return out;
}

std::vector<std::string> list_image_files(const std::string& folder) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        if (e.is_regular_file(ec) && is_image_extension(e.path())) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<ClassFolder> scan_class_folders(const std::string& root, const JobContext* ctx) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw Error("'" + root + "' is not a folder");
    std::vector<ClassFolder> out;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        // A scan of a large tree (a network drive) stops between folders; nothing is imported then.
        if (ctx && ctx->stop_before_next_item()) throw Cancelled();
        if (!e.is_directory(ec) || e.path().filename().string().front() == '.') continue;
        ClassFolder cf;
        cf.class_name = e.path().filename().string();
        cf.files      = list_image_files(e.path().string());
        if (!cf.files.empty()) out.push_back(std::move(cf));
    }
    if (ec) throw Error("cannot list '" + root + "': " + ec.message());
    std::sort(out.begin(), out.end(), [](const ClassFolder& a, const ClassFolder& b) { return a.class_name < b.class_name; });
    return out;
}

ImportReport stage_support_images(const std::string& root, const std::vector<ImportGroup>& groups,
                                  const std::map<std::string, std::map<std::string, std::string>>& known_hashes,
                                  int thumbnail_size, JobContext& ctx, const ImageLimits& limits) {
    ImportReport report;
    long long total = 0, done = 0;
    for (const auto& g : groups) total += static_cast<long long>(g.files.size());
    auto hashes = known_hashes;
    for (const auto& g : groups) {
        fs::path dir = fs::path(root) / "support" / g.class_dir;
        std::error_code ec;
        fs::create_directories(dir, ec);
        for (const auto& file : g.files) {
            // Either kind of stop ends the import between files and reports the files already
            // copied (each is complete), so that the caller records them: none is left unlisted.
            if (ctx.cancel().requested()) {
                report.cancelled = true;
                return report;
            }
            ctx.report({"import", done, total, std::nan(""), fs::path(file).filename().string()});
            ++done;
            try {
                std::error_code fec;
                if (!fs::exists(file, fec)) throw Error(file + ": the file does not exist");
                if (!fs::is_regular_file(file, fec)) throw Error(file + ": not a regular file");
                auto bytes       = read_file_bytes(file, limits.max_bytes);
                ImageU8 image    = decode_image_rgb(bytes, file, limits);
                std::string hash = content_hash(bytes);
                auto& known      = hashes[g.class_dir];
                if (auto it = known.find(hash); it != known.end())
                    throw Error(file + ": the same picture is already in this class (" + it->second + ")");
                std::string name = unique_file_name(dir, file);
                std::string rel  = "support/" + g.class_dir + "/" + name;
                write_file_atomic((dir / name).string(), bytes);
                known[hash] = rel;
                StagedImage s;
                s.class_dir    = g.class_dir;
                s.image.file   = rel;
                s.image.source = utf8_display(fs::absolute(file).string());  // project.json is UTF-8
                s.image.hash   = hash;
                s.image.width  = image.width;
                s.image.height = image.height;
                s.thumbnail    = make_thumbnail(image, thumbnail_size);
                report.imported.push_back(std::move(s));
            } catch (const Error& e) {
                std::string what = e.what();
                // Messages start with the file name; keep only the reason for the report.
                std::string prefix = file + ": ";
                std::string reason = what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
                std::string cr     = "cannot read '" + file + "': ";
                if (reason.rfind(cr, 0) == 0) reason = "cannot read the file: " + reason.substr(cr.size());
                report.failed.push_back({file, reason});
                log::warn("tint.import", file + ": " + reason);
            }
        }
    }
    ctx.report({"import", total, total, std::nan(""), {}});
    return report;
}

Project create_demo_project(const std::string& folder, const std::string& photos, int shots, JobContext& ctx) {
    auto classes = scan_class_folders(photos);
    if (classes.empty()) throw Error("no class folders with images in '" + photos + "'");
    Project p = Project::create(folder, "Flowers (demo)");
    std::vector<ImportGroup> groups;
    for (const auto& cf : classes) {
        const ClassEntry& c = p.add_class(cf.class_name);
        ImportGroup g;
        g.class_dir = c.dir;
        g.files.assign(cf.files.begin(), cf.files.begin() + std::min<std::size_t>(cf.files.size(), shots));
        groups.push_back(std::move(g));
    }
    ImportReport r = stage_support_images(p.root(), groups, {}, 160, ctx);
    if (r.cancelled) throw Cancelled();  // a demo is complete or not made at all
    p.add_staged(r.imported);
    fs::path attribution = fs::path(photos) / "ATTRIBUTION.txt";
    std::error_code ec;
    if (fs::exists(attribution, ec)) copy_file_atomic(attribution.string(), p.absolute("support/ATTRIBUTION.txt"));
    return p;
}

}  // namespace tint
