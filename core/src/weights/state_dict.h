#pragma once
// Strict, module-driven loading: every parameter and buffer of a module is looked up by its
// registered name in the checkpoint; missing, mis-shaped and unexpected tensors are all reported.
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "io/safetensors.h"

namespace tint {
class JobContext;
}

namespace tint::weights {

/// One or more safetensors files seen as one set of tensors (sharded checkpoints).
class TensorSource {
public:
    void add(io::SafetensorsFile file) { files_.push_back(std::move(file)); }
    /// The file holding `name`, or nullptr.
    const io::SafetensorsFile* file_of(const std::string& name) const;
    std::vector<std::string> names() const;
    std::string describe() const;  ///< the file names, for messages

private:
    std::vector<io::SafetensorsFile> files_;
};

struct LoadReport {
    std::vector<std::string> missing;     ///< "name [expected shape]"
    std::vector<std::string> mismatched;  ///< "name: file has [..], model expects [..]"
    std::vector<std::string> unexpected;  ///< in the file, not in the model
    int loaded = 0;
    bool ok() const { return missing.empty() && mismatched.empty(); }
    std::string summary(std::size_t max_lines = 20) const;
};

struct LoadOptions {
    std::string prefix;                        ///< prepended to module names ("" for diffusers components)
    std::vector<std::string> ignore_unexpected;  ///< file tensors that may be present (e.g. position_ids)
    /// Other spellings of a module key in older files (returns candidates, tried in order).
    std::function<std::vector<std::string>(const std::string&)> aliases;
    bool strict = true;                        ///< throw on missing or mis-shaped tensors
    JobContext* ctx = nullptr;                 ///< polled for cancel between tensors
};

/// Copies the tensors into the module's parameters and buffers (converted to their dtype and
/// device). Shapes must match, except that [C, C, 1, 1] and [C, C] are accepted for each other
/// (1x1 convolution vs linear layer, as older and newer diffusers files differ).
/// In strict mode throws tint::Error with the whole report when anything is missing or mis-shaped.
LoadReport load_module(torch::nn::Module& module, const TensorSource& source, const LoadOptions& options = {});

std::string shape_string(at::IntArrayRef shape);

}  // namespace tint::weights
