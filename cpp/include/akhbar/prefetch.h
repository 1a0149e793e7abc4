// PrefetchLine(p): starts loading the cache line of p (read or write intent), never faulting. For the hash
// tables and arrays that are larger than the caches, loaded some steps ahead of their use so that the misses
// overlap.
//
// Why not __builtin_prefetch alone: GCC (12) counts a function whose only effect is a prefetch as free of side
// effects, and deletes a call to it that it has not inlined early, so that a Prefetch(key) member function
// silently did nothing once it grew a few lines (found by reading the code GCC made for the analyser's memo
// lookups). An asm statement with volatile is an effect that GCC keeps.
#ifndef AKHBAR_PREFETCH_H_
#define AKHBAR_PREFETCH_H_

#include <cstddef>

namespace akhbar {
namespace internal {

inline void PrefetchLine(const void* p) noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  asm volatile("prefetcht0 (%0)" : : "r"(p));
#else
  __builtin_prefetch(p);
#endif
}

// Starts loading the first min(n, limit) bytes at p: the next text of a batch, while the current one is worked
// on. Texts are scattered in memory and read once; the hardware prefetcher only follows a text after its first
// misses, so that each text's start was a run of cache misses (a one-thread pass of the analyser over egy2013,
// memo warm: 0.267 -> 0.255 s).
inline void PrefetchBytes(const void* p, std::size_t n, std::size_t limit = 8192) noexcept {
  const char* c = static_cast<const char*>(p);
  const std::size_t end = n < limit ? n : limit;
  for (std::size_t at = 0; at < end; at += 64) PrefetchLine(c + at);
}

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_PREFETCH_H_
