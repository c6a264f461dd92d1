#pragma once
// The demo flower photos shipped in resources/demo/flowers (5 classes x 12 JPEGs), listed in a
// fixed order so that tests pick the same photos everywhere.
#include <cstdint>
#include <string>
#include <vector>

namespace testdata {

struct PhotoSet {
    std::vector<std::string> classes;  ///< folder names, sorted
    std::vector<std::string> files;    ///< by class, then by file name
    std::vector<std::int64_t> labels;  ///< index into classes, one per file
};

/// All classes, or only `cls` (then classes has that one name and every label is 0).
PhotoSet demo_flowers(const std::string& cls = {});
/// The sorted .jpg files of one class.
std::vector<std::string> demo_flower_files(const std::string& cls);

}  // namespace testdata
