#pragma once
// Versions and process-wide numeric settings of the compute back end.
#include <string>

namespace tint {

struct RuntimeInfo {
    std::string torch_version;
    std::string opencv_version;
    std::string spdlog_version;
    bool cuda_available = false;
    int cuda_devices    = 0;
    int threads         = 0;  ///< current intra-op thread count
};

RuntimeInfo runtime_info();

/// Sets LibTorch's intra-op threads (and OpenCV's). n <= 0 picks the number of cores.
/// Debian's LibTorch starts with one thread, so callers always set this explicitly.
void set_compute_threads(int n);

/// Tunes the C allocator for large, short-lived tensors (once per process; set_compute_threads
/// calls it).
void configure_allocator();

/// Number of hardware threads (at least 1).
int hardware_threads();

}  // namespace tint
