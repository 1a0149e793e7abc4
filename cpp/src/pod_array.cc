#include "akhbar/pod_array.h"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace akhbar {
namespace internal {

#if defined(__linux__)
namespace {

constexpr std::size_t kMapBytes = std::size_t{1} << 20;  // blocks from 1 MB on are mapped pages

// Asks for transparent huge pages (where the system gives them on request, as with THP "madvise"): the hash
// tables of a fit are read at random, and with 4 KB pages most reads also miss the TLB (measured: a word
// fit 8% faster with its memo table on huge pages).
void AdviseHugePages(void* p, std::size_t bytes) noexcept {
#if defined(MADV_HUGEPAGE)
  if (bytes >= (std::size_t{4} << 20)) madvise(p, bytes, MADV_HUGEPAGE);  // (advice: a failure changes nothing)
#else
  (void)p;
  (void)bytes;
#endif
}

std::size_t PageBytes() noexcept {
  static const std::size_t page = [] {
    const long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<std::size_t>(p) : std::size_t{4096};
  }();
  return page;
}

}  // namespace
#endif

std::size_t BlockBytes(std::size_t bytes) noexcept {
#if defined(__linux__)
  if (bytes >= kMapBytes) return (bytes + PageBytes() - 1) / PageBytes() * PageBytes();
#endif
  return bytes;
}

void* ResizeBlock(void* block, std::size_t old_bytes, std::size_t used_bytes, std::size_t new_bytes, bool huge_pages) {
  const std::size_t keep = std::min(used_bytes, new_bytes);
#if defined(__linux__)
  // A block is mapped exactly when its capacity is kMapBytes or more (BlockBytes gives whole pages then).
  const bool was_mapped = block != nullptr && old_bytes >= kMapBytes;
  const bool mapped = new_bytes >= kMapBytes;
  if (was_mapped && mapped) {
    void* p = mremap(block, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  if (mapped) {
    void* p = mmap(nullptr, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (huge_pages) AdviseHugePages(p, new_bytes);
    if (keep > 0) std::memcpy(p, block, keep);
    std::free(block);
    return p;
  }
  if (was_mapped) {
    void* p = nullptr;
    if (new_bytes > 0) {
      p = std::malloc(new_bytes);
      if (p == nullptr) throw std::bad_alloc();
      if (keep > 0) std::memcpy(p, block, keep);
    }
    munmap(block, old_bytes);
    return p;
  }
#else
  (void)old_bytes;
  (void)keep;
  (void)huge_pages;
#endif
  if (new_bytes == 0) {
    std::free(block);
    return nullptr;
  }
  void* p = std::realloc(block, new_bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace internal
}  // namespace akhbar
