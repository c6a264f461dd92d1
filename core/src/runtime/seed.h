#pragma once
// Seeds derived from a run's seed and counters (epoch, step, image index, ...), so that any item's
// randomness can be recreated on its own: resumed runs and regenerated images need no saved RNG state.
#include <cstdint>

namespace tint {

/// Mixes a seed with up to two counters through the splitmix64 finaliser.
inline std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
    auto mix = [](std::uint64_t z) {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    return mix(mix(mix(a) ^ b) ^ c);
}

}  // namespace tint
