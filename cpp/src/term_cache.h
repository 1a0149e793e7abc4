// Internal: a small direct-mapped cache term -> id in front of a Vocabulary lookup. Frequent short terms
// (Zipf) then cost a few word compares instead of a full hash, a probe of a large table and a compare in the
// arena. One per worker thread; not thread-safe.
#ifndef AKHBAR_SRC_TERM_CACHE_H_
#define AKHBAR_SRC_TERM_CACHE_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace akhbar {
namespace internal {

class TermCache {
 public:
  static constexpr std::size_t kMaxLen = 23;  // longer terms are not cached

  explicit TermCache(int log2_entries = 15)
      : shift_(64 - log2_entries), entries_(std::size_t{1} << log2_entries) {}

  // Looks `term` up (term.size() <= kMaxLen). Returns true and sets *id on a hit; on a miss, remembers the slot
  // for the Put that follows.
  bool Get(std::string_view term, std::uint32_t* id) noexcept {
    std::uint64_t k[3] = {0, 0, 0};
    std::memcpy(reinterpret_cast<char*>(k) + 1, term.data(), term.size());
    k[0] |= term.size();  // byte 0 (little-endian) holds the length
    const std::uint64_t h = (k[0] * 0x9E3779B97F4A7C15ULL) ^ (k[1] * 0xC2B2AE3D27D4EB4FULL) ^ (k[2] * 0x165667B19E3779F9ULL);
    Entry& e = entries_[(h ^ (h >> 29)) >> shift_];
    if (e.k[0] == k[0] && e.k[1] == k[1] && e.k[2] == k[2]) {
      *id = e.id;
      return true;
    }
    last_ = &e;
    std::memcpy(pending_, k, sizeof k);
    return false;
  }
  // Stores the id of the term of the last missed Get.
  void Put(std::uint32_t id) noexcept {
    std::memcpy(last_->k, pending_, sizeof pending_);
    last_->id = id;
  }

 private:
  struct Entry {
    std::uint64_t k[3] = {~0ULL, 0, 0};  // byte 0 = 0xFF is no valid length: empty
    std::uint32_t id = 0;
  };
  int shift_;
  std::vector<Entry> entries_;
  Entry* last_ = nullptr;
  std::uint64_t pending_[3] = {0, 0, 0};
};

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_TERM_CACHE_H_
