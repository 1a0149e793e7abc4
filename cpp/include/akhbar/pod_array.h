// A growable array of trivially copyable values for the large working arrays of vocabularies and
// vectorisers (term text, offsets, hash tables, counts). On Linux its large blocks are mapped pages that grow
// and shrink with mremap: the pages move, nothing is copied, and the old and the new block are never both
// resident, which std::vector's copy on growth (and shrink_to_fit) costs at the peak of a fit. Small blocks
// (and every block elsewhere) use malloc/realloc.
#ifndef AKHBAR_POD_ARRAY_H_
#define AKHBAR_POD_ARRAY_H_

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace akhbar {
namespace internal {

// Resizes a block of `old_bytes` capacity (nullptr when 0) to `new_bytes` (0 frees it), keeping the first
// min(used_bytes, new_bytes) bytes. Returns the block (nullptr for 0 bytes); throws std::bad_alloc.
// `huge_pages`: a new mapped block of 4 MB or more asks for transparent huge pages (for blocks read at random
// and never grown, such as hash tables: growing one with mremap could split its huge pages).
void* ResizeBlock(void* block, std::size_t old_bytes, std::size_t used_bytes, std::size_t new_bytes,
                  bool huge_pages = false);
// The capacity in bytes ResizeBlock gives a request of `bytes` (whole pages for mapped blocks).
std::size_t BlockBytes(std::size_t bytes) noexcept;

// kHugePages: its blocks ask for huge pages (see ResizeBlock); for arrays sized once, not grown.
template <typename T, bool kHugePages = false>
class PodArray {
  static_assert(std::is_trivially_copyable_v<T>, "PodArray holds trivially copyable values");

 public:
  using value_type = T;
  PodArray() = default;
  explicit PodArray(std::size_t n, T fill = T()) { resize(n, fill); }
  PodArray(const PodArray& other) { assign(other.data(), other.size()); }
  PodArray(PodArray&& other) noexcept { swap(other); }
  PodArray& operator=(const PodArray& other) {
    if (this != &other) assign(other.data(), other.size());
    return *this;
  }
  PodArray& operator=(PodArray&& other) noexcept {
    PodArray(std::move(other)).swap(*this);
    return *this;
  }
  ~PodArray() { ResizeBlock(data_, capacity_ * sizeof(T), 0, 0); }

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }
  T& back() noexcept { return data_[size_ - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity_) Reallocate(n);
  }
  // Room for n more values without a reallocation. The array grows by at least half its capacity, so that
  // appending n values (by any of the calls below) costs O(n) in all.
  void reserve_more(std::size_t n) {
    if (size_ + n > capacity_) Reallocate(std::max({size_ + n, capacity_ + capacity_ / 2, std::size_t{16}}));
  }
  void resize(std::size_t n, T fill = T()) {
    if (n > size_) {
      reserve_more(n - size_);
      std::fill(data_ + size_, data_ + n, fill);
    }
    size_ = n;
  }
  void push_back(T value) {
    reserve_more(1);
    data_[size_++] = value;
  }
  void append(const T* values, std::size_t n) {
    if (n == 0) return;
    // (values may lie in this array, which a reallocation may move)
    const std::less<const T*> before;
    const bool inside = !before(values, data_) && before(values, data_ + size_);
    const std::size_t at = inside ? static_cast<std::size_t>(values - data_) : 0;
    reserve_more(n);
    if (inside) values = data_ + at;
    std::memmove(data_ + size_, values, n * sizeof(T));
    size_ += n;
  }
  void assign(const T* values, std::size_t n) {
    size_ = 0;
    append(values, n);
  }
  void clear() noexcept { size_ = 0; }
  // Non-binding, as std::vector's: if the smaller block cannot be had, the array keeps its block.
  void shrink_to_fit() noexcept {
    if (BlockBytes(size_ * sizeof(T)) >= capacity_ * sizeof(T)) return;
    try {
      Reallocate(size_);
    } catch (const std::bad_alloc&) {
    }
  }
  void swap(PodArray& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  void Reallocate(std::size_t n) {
    const std::size_t bytes = BlockBytes(n * sizeof(T));
    data_ = static_cast<T*>(ResizeBlock(data_, capacity_ * sizeof(T), size_ * sizeof(T), bytes, kHugePages));
    capacity_ = bytes / sizeof(T);
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// A std::allocator whose large blocks are ResizeBlock's. kHugePages: they ask for huge pages, for vectors
// allocated once and read at random (hash tables).
template <typename T, bool kHugePages>
struct BlockAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = BlockAllocator<U, kHugePages>;
  };
  BlockAllocator() = default;
  template <typename U>
  BlockAllocator(const BlockAllocator<U, kHugePages>&) noexcept {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(ResizeBlock(nullptr, 0, 0, BlockBytes(n * sizeof(T)), kHugePages));
  }
  void deallocate(T* p, std::size_t n) noexcept { ResizeBlock(p, BlockBytes(n * sizeof(T)), 0, 0); }
};
template <typename T>
using HugePageAllocator = BlockAllocator<T, true>;

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_POD_ARRAY_H_
