// Fuzz target for the safetensors header parser: any input either throws tint::Error or yields a
// header whose every tensor lies inside the file, with the right byte count and no overlap.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "io/safetensors_header.h"
#include "tint/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto h = tint::io::parse_safetensors_header(data, size, size, "fuzz");
        std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
        for (const auto& t : h.tensors) {
            if (t.begin > t.end || h.data_offset + t.end > size) std::abort();
            if (t.end - t.begin != static_cast<std::uint64_t>(t.numel()) * tint::io::dtype_size(t.dtype)) std::abort();
            ranges.emplace_back(t.begin, t.end);
        }
        std::sort(ranges.begin(), ranges.end());
        for (std::size_t i = 1; i < ranges.size(); ++i)
            if (ranges[i].first < ranges[i - 1].second) std::abort();
    } catch (const tint::Error&) {
    }
    return 0;
}
