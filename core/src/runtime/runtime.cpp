// Back-end versions and thread settings.
#include <torch/torch.h>
#include <opencv2/core.hpp>
#include <spdlog/version.h>

#include <malloc.h>

#include <mutex>
#include <thread>

#include "tint/Log.h"
#include "tint/Runtime.h"

namespace tint {

RuntimeInfo runtime_info() {
    RuntimeInfo r;
    r.torch_version  = TORCH_VERSION;
    r.opencv_version = CV_VERSION;
    r.spdlog_version = std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) + "." +
                       std::to_string(SPDLOG_VER_PATCH);
    r.cuda_available = torch::cuda::is_available();
    r.cuda_devices   = r.cuda_available ? static_cast<int>(torch::cuda::device_count()) : 0;
    r.threads        = at::get_num_threads();
    return r;
}

int hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

void configure_allocator() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Tensors of a few MB to a few hundred MB are allocated and freed at every model step. glibc
        // serves those with fresh mmap()s whose pages fault in one by one; on virtual machines those
        // faults cost more than the arithmetic (measured: 75 % of a tiny-UNet sampling run). Keeping
        // freed memory in the heap lets the next step reuse it.
        mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
        mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    });
}

void set_compute_threads(int n) {
    configure_allocator();
    if (n <= 0) n = hardware_threads();
    at::set_num_threads(n);
    cv::setNumThreads(n);
    log::info("tint.runtime", "compute threads: " + std::to_string(at::get_num_threads()));
}

}  // namespace tint
