// Internal hashing helpers shared by the vocabulary and MinHash.
#ifndef AKHBAR_SRC_HASH_UTIL_H_
#define AKHBAR_SRC_HASH_UTIL_H_

#include <cstdint>

namespace akhbar {
namespace internal {

// SplitMix64's finaliser: a fast bijective mix of all 64 bits.
inline std::uint64_t Mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_HASH_UTIL_H_
