// A deterministic mutation driver for compilers without libFuzzer: reads seed files, then feeds
// the target N mutants of them (bit flips, byte overwrites with interesting values, truncation,
// duplication and insertion of digits into the JSON). Built with AddressSanitizer and UBSan.
//   fuzz_driver ITERATIONS SEED_FILE...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s ITERATIONS SEED_FILE...\n", argv[0]);
        return 2;
    }
    const long iterations = std::atol(argv[1]);
    std::vector<std::vector<std::uint8_t>> seeds;
    for (int i = 2; i < argc; ++i) {
        std::ifstream f(argv[i], std::ios::binary);
        seeds.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(seeds.back().data(), seeds.back().size());
    }
    std::mt19937_64 rng(12345);
    const std::uint8_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, '"', ',', '[', ']', '{', '}', '-', '9', '0', ' '};
    for (long it = 0; it < iterations; ++it) {
        std::vector<std::uint8_t> m = seeds[rng() % seeds.size()];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !m.empty(); ++e) {
            std::size_t at = rng() % m.size();
            switch (rng() % 6) {
                case 0: m[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
                case 1: m[at] = interesting[rng() % sizeof interesting]; break;
                case 2: m.resize(at); break;
                case 3: m.insert(m.begin() + static_cast<long>(at), m.begin(), m.begin() + static_cast<long>(std::min<std::size_t>(at, 16))); break;
                case 4: m.insert(m.begin() + static_cast<long>(at), static_cast<std::uint8_t>('0' + rng() % 10)); break;
                default: if (at < 8) m[at] = static_cast<std::uint8_t>(rng()); break;  // the length prefix
            }
        }
        LLVMFuzzerTestOneInput(m.data(), m.size());
    }
    std::printf("%ld mutants, no crash\n", iterations);
    return 0;
}
