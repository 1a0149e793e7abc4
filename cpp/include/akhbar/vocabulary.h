// A compact string -> id map for vectoriser vocabularies: the terms live end to end in one byte arena (with a
// 32-bit offset per term), and an open-addressing table (linear probing, load factor <= 4/5) of 8-byte slots
// holding a term's id and 32-bit hash finds them, so a probe touches one cache line until the final compare.
// The table's size is any even number (a hash picks its slot by multiplication, not by a mask), so a finished
// vocabulary (ShrinkToFit, Select, Read) holds a table sized to its terms rather than to the next power of two.
// About 4 + 8/load + term-length bytes a term (no per-term heap allocation), against ~145 for a Python dict.
#ifndef AKHBAR_VOCABULARY_H_
#define AKHBAR_VOCABULARY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "akhbar/pod_array.h"
#include "akhbar/prefetch.h"
#include "akhbar/serialize.h"

namespace akhbar {

// 64-bit hash of `s` used by Vocabulary (stable across runs and platforms; not cryptographic). O(n).
std::uint64_t HashTerm(std::string_view s) noexcept;

// Terms with dense ids 0..size()-1 in insertion order. Not thread-safe for writes; const methods may run
// concurrently with each other.
class Vocabulary {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
  // Most terms a vocabulary can hold, and most bytes of term text (ids and arena offsets are 32-bit).
  static constexpr std::size_t kMaxTerms = 0xFFFFFFFEu;
  static constexpr std::size_t kMaxBytes = 0xFFFFFFFFu;

  Vocabulary() = default;

  std::size_t size() const noexcept { return offsets_.size() - 1; }
  bool empty() const noexcept { return size() == 0; }

  // Id of `term`, or kNotFound. `hash` must be HashTerm(term). O(1) expected.
  std::uint32_t Find(std::string_view term, std::uint64_t hash) const noexcept;
  std::uint32_t Find(std::string_view term) const noexcept { return Find(term, HashTerm(term)); }

  // Starts loading the table slot of a term with HashTerm `hash` into the cache (before Find or Insert).
  void Prefetch(std::uint64_t hash) const noexcept {
    if (!table_.empty()) internal::PrefetchLine(&table_[HomeSlot(Fold(hash))]);
  }
  // The next two loads of a Find or Insert, once its slot is in the cache (after Prefetch): the offsets of
  // the first term with the same 32-bit hash (PrefetchCandidate), then, once those are in the cache too, its
  // text (PrefetchText). Issued for many terms in turn, their cache misses overlap. No effect on results.
  void PrefetchCandidate(std::uint64_t hash) const noexcept {
    if (const std::uint32_t id = Candidate(hash); id != kNotFound) internal::PrefetchLine(&offsets_[id]);
  }
  void PrefetchText(std::uint64_t hash) const noexcept {
    if (const std::uint32_t id = Candidate(hash); id != kNotFound) internal::PrefetchLine(arena_.data() + offsets_[id]);
  }

  // Id of `term`, adding it with the next id if absent; `*added` (if not null) tells which. O(1) amortised.
  // Throws InvalidArgument past kMaxTerms terms or kMaxBytes bytes of text.
  std::uint32_t Insert(std::string_view term, std::uint64_t hash, bool* added = nullptr);
  std::uint32_t Insert(std::string_view term, bool* added = nullptr) { return Insert(term, HashTerm(term), added); }
  // Inserts every term of `other` in the order of its ids, and sets (*ids)[k] to the id here of other's term k.
  // The hashes kept in other's table serve, and the loads of many insertions overlap: several times faster
  // than inserting the terms one by one. Throws as Insert (the terms before the one that failed are in).
  void InsertAll(const Vocabulary& other, std::vector<std::uint32_t>* ids);

  // Appends `term` with the next id but no table slot: Find, Insert and InsertAll do not see it until IndexAll.
  // For a caller that keeps its own exact index of these terms (the exact bigram map of a fit) and knows each
  // to be new: every term, appended so or inserted, must differ from every other. Throws as Insert.
  std::uint32_t AppendUnindexed(std::string_view term);
  // Gives every term appended by AppendUnindexed its table slot (the table grown as Insert would have grown
  // it). Throws std::bad_alloc, leaving the terms unindexed.
  void IndexAll();
  bool has_unindexed() const noexcept { return unindexed_count_ != 0; }

  // The term with id `id` (< size()). The view is valid until the next insertion.
  std::string_view Term(std::uint32_t id) const noexcept {
    return std::string_view(arena_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  // A new vocabulary holding the terms `ids` (each < size(), no repeats) with ids 0..ids.size()-1 in that
  // order. O(total length).
  Vocabulary Select(const std::vector<std::uint32_t>& ids) const;

  // Ids 0..size()-1 sorted by term in byte order (= code point order for UTF-8, = Python's str order).
  // O(n log n) comparisons.
  std::vector<std::uint32_t> SortedIds() const;
  // Sorts `ids` (each < size()) by term in the same order: radix passes over 16-byte keys, then memcmp.
  void SortByTerm(std::vector<std::uint32_t>* ids) const;

  // Reserves room for `terms` terms and `bytes` bytes of text.
  void Reserve(std::size_t terms, std::size_t bytes);
  // Frees spare capacity, and sizes the table to the terms (load 3/4; the next insertion may grow it).
  void ShrinkToFit();
  // Forgets the terms with ids n and up (the last ones added): to undo insertions. O(table size).
  void Truncate(std::size_t n);
  void Clear();

  // Heap bytes held (arena, offsets, hashes, table), capacity included.
  std::size_t MemoryBytes() const noexcept;

  // Appends the terms to `w` / reads them back (table rebuilt, duplicate terms rejected with FormatError).
  void Write(Writer& w) const;
  static Vocabulary Read(Reader& r);

 private:
  // The 32-bit hash the table keeps of a term with HashTerm `hash`.
  static std::uint32_t Fold(std::uint64_t hash) noexcept { return static_cast<std::uint32_t>(hash ^ (hash >> 32)); }
  // The first slot of a term with 32-bit hash h32: h32 scaled to the table's size (even, < 2^33).
  std::size_t HomeSlot(std::uint32_t h32) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(h32) * (table_.size() / 2)) >> 31);
  }
  std::size_t NextSlot(std::size_t slot) const noexcept { return slot + 1 == table_.size() ? 0 : slot + 1; }
  void Rehash(std::size_t capacity);
  // The id in the first slot from `hash`'s on with its 32-bit hash, or kNotFound (none before an empty slot).
  std::uint32_t Candidate(std::uint64_t hash) const noexcept;
  std::uint32_t CandidateFolded(std::uint32_t h32) const noexcept;
  std::uint32_t InsertFolded(std::string_view term, std::uint32_t h32, bool* added);
  // Appends `term`'s text with the next id (no table slot); throws as Insert past the limits.
  std::uint32_t AppendText(std::string_view term);
  bool Matches(std::uint32_t id, std::string_view term) const noexcept;

  // Text and offsets in PodArrays: growing them never holds two copies of a large vocabulary's text at once.
  // The table, read at random, on huge pages (HugePageAllocator).
  using Table = std::vector<std::uint64_t, internal::HugePageAllocator<std::uint64_t>>;
  internal::PodArray<char> arena_;
  internal::PodArray<std::uint32_t> offsets_ = internal::PodArray<std::uint32_t>(1, 0);
  Table table_;  // (hash32 << 32) | (id + 1), 0 = empty; size 0 or even
  // The terms AppendUnindexed added since the last IndexAll: bit id % 64 of word id / 64.
  std::vector<std::uint64_t> unindexed_;
  std::size_t unindexed_count_ = 0;
};

}  // namespace akhbar

#endif  // AKHBAR_VOCABULARY_H_
