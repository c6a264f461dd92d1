#include "DemoPhotos.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace testdata {

namespace {
const fs::path kRoot = TINT_SOURCE_RESOURCES "/demo/flowers";

std::vector<std::string> jpegs(const fs::path& dir) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".jpg") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}
}  // namespace

PhotoSet demo_flowers(const std::string& cls) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(kRoot))
        if (e.is_directory() && (cls.empty() || e.path().filename() == cls)) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    PhotoSet set;
    for (const auto& d : dirs) {
        for (auto& f : jpegs(d)) {
            set.files.push_back(std::move(f));
            set.labels.push_back(static_cast<std::int64_t>(set.classes.size()));
        }
        set.classes.push_back(d.filename().string());
    }
    return set;
}

std::vector<std::string> demo_flower_files(const std::string& cls) { return jpegs(kRoot / cls); }

}  // namespace testdata
