// An allocator for the large hash tables that are probed at random (the analysis memos, vocabularies): blocks of
// 2 MB or more are aligned to 2 MB and advised to the kernel as transparent huge pages (Linux, where
// /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always"). A table of tens of MB then costs a few
// TLB entries instead of thousands, so a probe that misses the cache does not also wait for a page walk, and
// it is faulted in 2 MB at a time. Smaller blocks, and other systems, use the standard allocator.
#ifndef AKHBAR_HUGE_PAGES_H_
#define AKHBAR_HUGE_PAGES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

// Not under AddressSanitizer, which checks only what the standard allocator gives.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AKHBAR_NO_HUGE_PAGES 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define AKHBAR_NO_HUGE_PAGES 1
#endif
#if defined(__linux__) && !defined(AKHBAR_NO_HUGE_PAGES)
#define AKHBAR_HUGE_PAGES 1
#include <sys/mman.h>
#endif

namespace akhbar {
namespace internal {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugePageAllocator() noexcept = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
#if defined(AKHBAR_HUGE_PAGES)
    if (n <= static_cast<std::size_t>(-1) / sizeof(T) - kHugePage && n * sizeof(T) >= kHugePage) {
      // Mapped directly, 2 MB aligned, with nothing around it: a malloc header next to the block would make
      // the kernel fault in a whole huge page for it.
      const std::size_t bytes = Rounded(n);
      void* raw = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (raw == MAP_FAILED) throw std::bad_alloc();
      const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(raw);
      const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
      if (aligned > start) munmap(raw, aligned - start);
      const std::uintptr_t end = start + bytes + kHugePage;
      if (end > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
      madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // advice only: failure changes nothing
      return reinterpret_cast<T*>(aligned);
    }
#endif
    return std::allocator<T>().allocate(n);
  }

  void deallocate(T* p, std::size_t n) noexcept {
#if defined(AKHBAR_HUGE_PAGES)
    if (n <= static_cast<std::size_t>(-1) / sizeof(T) - kHugePage && n * sizeof(T) >= kHugePage) {
      munmap(p, Rounded(n));
      return;
    }
#endif
    std::allocator<T>().deallocate(p, n);
  }

  static std::size_t Rounded(std::size_t n) noexcept { return (n * sizeof(T) + kHugePage - 1) / kHugePage * kHugePage; }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept {
    return false;
  }
};

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_HUGE_PAGES_H_
