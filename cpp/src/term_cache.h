// Internal: per-thread memos of the vectorisers (none is thread-safe; each worker thread has its own).
// TermCache: a small direct-mapped cache term -> id in front of a Vocabulary lookup, so that frequent short
// terms (Zipf) cost a few word compares instead of a full hash, a probe of a large table and a compare in the
// arena. TouchedList, TokenMemo, PairCache and PendingTerms: see below.
#ifndef AKHBAR_SRC_TERM_CACHE_H_
#define AKHBAR_SRC_TERM_CACHE_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/pod_array.h"
#include "akhbar/prefetch.h"
#include "akhbar/vocabulary.h"

namespace akhbar {
namespace internal {

class TermCache {
 public:
  static constexpr std::size_t kMaxLen = 23;  // longer terms are not cached
  std::size_t MemoryBytes() const noexcept { return entries_.capacity() * sizeof(Entry); }

  // The entries (1 MB by default) are made at the first Get: a stream that never asks (a transform of word
  // unigrams) does not clear them (a third of a one-article TfidfVectorizer.transform).
  explicit TermCache(int log2_entries = 15) : shift_(64 - log2_entries), log2_entries_(log2_entries) {}

  // Looks `term` up (term.size() <= kMaxLen). Returns true and sets *id on a hit; on a miss, remembers the slot
  // for the Put that follows.
  bool Get(std::string_view term, std::uint32_t* id) {
    if (entries_.empty()) entries_.resize(std::size_t{1} << log2_entries_);
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
  void Clear() { std::fill(entries_.begin(), entries_.end(), Entry()); }

 private:
  struct Entry {
    std::uint64_t k[3] = {~0ULL, 0, 0};  // byte 0 = 0xFF is no valid length: empty
    std::uint32_t id = 0;
  };
  int shift_;
  int log2_entries_;
  std::vector<Entry> entries_;
  Entry* last_ = nullptr;
  std::uint64_t pending_[3] = {0, 0, 0};
};

// The distinct ids of one document in first-seen order. Add writes unconditionally and advances only for a
// new id, so counting has no branch that depends on whether the id was seen (about half of char n-grams).
class TouchedList {
 public:
  void Add(std::uint32_t id, bool is_new) {
    if (size_ == ids_.size()) ids_.resize(std::max<std::size_t>(ids_.size() * 2, 1024));
    ids_[size_] = id;
    size_ += is_new;
  }
  void clear() noexcept { size_ = 0; }
  std::size_t size() const noexcept { return size_; }
  const std::uint32_t* begin() const noexcept { return ids_.data(); }
  const std::uint32_t* end() const noexcept { return ids_.data() + size_; }

 private:
  std::vector<std::uint32_t> ids_;
  std::size_t size_ = 0;
};

// Per inline key length 0..23: the bytes of the three key words that hold the header and the text.
struct KeyMasks {
  struct Masks {
    std::uint64_t k[3];
  };
  Masks m[24];
  static constexpr std::uint64_t Keep(int bytes) noexcept {
    return bytes >= 8 ? ~0ULL : bytes <= 0 ? 0 : (std::uint64_t{1} << (8 * bytes)) - 1;
  }
  constexpr KeyMasks() : m() {
    for (int n = 0; n < 24; ++n) m[n] = Masks{{Keep(n + 1), Keep(n - 7), Keep(n - 15)}};
  }
};
inline constexpr KeyMasks kKeyMasks{};

// Empties the open-addressing table *entries into `capacity` (a power of two) slots of `empty`, and sets the mask
// and the shift that take a 64-bit hash's top bits to a slot.
template <typename Entry>
void ResetTable(PodArray<Entry, true>* entries, std::size_t capacity, const Entry& empty, std::size_t* mask,
                int* shift) {
  PodArray<Entry, true>(capacity, empty).swap(*entries);
  *mask = capacity - 1;
  *shift = 64;
  for (std::size_t c = capacity; c > 1; c >>= 1) --*shift;
}

// The slot of the pair (a, b) in a table of 2^(64 - shift) slots.
inline std::size_t PairSlot(std::uint32_t a, std::uint32_t b, int shift) noexcept {
  return static_cast<std::size_t>((((static_cast<std::uint64_t>(a) << 32) | b) * 0x9E3779B97F4A7C15ULL) >> shift);
}

// An exact map (byte string, kind < 8) -> two 32-bit values: the vectorisers' per-thread memo of text
// chunks -> term ids, so that the analysis of a chunk (normalisation, tokenisation, stop words, stemming,
// n-grams, vocabulary lookups) runs once per distinct chunk. Open addressing with linear probing, 32-byte
// entries, load <= 3/4; keys of up to kInline bytes live in the entry (one cache line per probe), longer ones
// in an arena. Grows fourfold, then by doubling; the owner bounds it with Clear().
class TokenMemo {
 public:
  static constexpr std::size_t kInline = 23;
  struct Entry {
    std::uint64_t k[3];
    std::uint32_t value;
    std::uint32_t aux;
  };
  // A key and its hash, computed once so that the lookup can be prefetched ahead of it. Views the bytes.
  struct Key {
    std::uint64_t k[3];
    std::uint64_t h;
    const char* p;
  };

  TokenMemo() { Reset(1u << 12); }

  // The key of (p[0..len), kind). `avail` is the number of bytes readable from p (>= len); with 23 or more
  // a short key is read with three unaligned loads. The bytes must stay unchanged until FindOrAdd(key).
  static Key MakeKey(const char* p, std::size_t len, std::size_t avail, unsigned kind) noexcept {
    Key key;
    key.p = p;
    std::uint64_t& k0 = key.k[0];
    std::uint64_t& k1 = key.k[1];
    std::uint64_t& k2 = key.k[2];
    if (len > kInline) {
      // Header byte: the long marker | kind << 5, then 56 bits of the hash.
      k0 = (HashBytes(p, len) << 8) | kLongMarker | (static_cast<std::uint64_t>(kind) << 5);
      k1 = 0;
      k2 = len;
      key.h = Hash(k0, 0, 0);
      return key;
    }
    const std::uint64_t header = len | (static_cast<std::uint64_t>(kind) << 5);
    if (avail >= 23) {
      std::memcpy(&k0, p, 8);
      std::memcpy(&k1, p + 7, 8);
      std::memcpy(&k2, p + 15, 8);
      const KeyMasks::Masks& m = kKeyMasks.m[len];
      k0 = ((k0 << 8) | header) & m.k[0];
      k1 &= m.k[1];
      k2 &= m.k[2];
    } else {
      unsigned char buf[24] = {};
      buf[0] = static_cast<unsigned char>(header);
      std::memcpy(buf + 1, p, len);
      std::memcpy(&k0, buf, 8);
      std::memcpy(&k1, buf + 8, 8);
      std::memcpy(&k2, buf + 16, 8);
    }
    key.h = Hash(k0, k1, k2);
    return key;
  }

  // Starts loading the slot of `key` into the cache.
  void Prefetch(const Key& key) const noexcept { PrefetchLine(&entries_[key.h >> shift_]); }

  // The entry of `key`. *found tells whether it existed; a new entry has its key set and its values left for
  // the caller to fill before the next call. O(1) expected. (A hit, which nearly every lookup of a warm memo
  // is, inline; adding out of line: as one call, a lookup cost 46 instructions, 20 of them the call's.)
  Entry* FindOrAdd(const Key& key, bool* found) {
    const std::size_t slot = Probe(key, found);
    if (*found) return &entries_[slot];
    return Add(key, slot);
  }

  // The entry of `key`, which the memo holds (for the owner completing an entry it added).
  Entry& Existing(const Key& key) noexcept {
    bool found = false;
    return entries_[Probe(key, &found)];
  }

  // The entry of `key`, or null. Read-only: safe from several threads while nobody adds.
  const Entry* Find(const Key& key) const noexcept {
    bool found = false;
    const std::size_t slot = Probe(key, &found);
    return found ? &entries_[slot] : nullptr;
  }

  // Calls fn(key, entry) for every entry, in slot order, with the key as MakeKey gave it (valid until this
  // memo changes): to copy entries into another memo.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Entry& e : entries_) {
      if (e.k[0] == kEmpty) continue;
      Key key;
      key.k[0] = e.k[0];
      if (IsLong(e.k[0])) {
        key.k[1] = 0;
        key.k[2] = e.k[2];
        key.p = arena_.data() + e.k[1];
        key.h = Hash(e.k[0], 0, 0);
      } else {
        key.k[1] = e.k[1];
        key.k[2] = e.k[2];
        key.p = nullptr;
        key.h = Hash(e.k[0], e.k[1], e.k[2]);
      }
      fn(key, e);
    }
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t MemoryBytes() const noexcept { return entries_.capacity() * sizeof(Entry) + arena_.capacity(); }
  void Clear() {
    Reset(1u << 12);
    std::vector<char>().swap(arena_);
  }

 private:
  // Inline headers are length (<= 23) | kind << 5, so their low five bits are <= 23; long keys use 30, the
  // empty slot 31.
  static constexpr std::uint64_t kLongMarker = 30;
  static constexpr std::uint64_t kEmpty = ~0ULL;
  static bool IsLong(std::uint64_t k0) noexcept { return (k0 & 31) == kLongMarker; }
  static std::uint64_t Hash(std::uint64_t k0, std::uint64_t k1, std::uint64_t k2) noexcept {
    std::uint64_t h = (k0 * 0x9E3779B97F4A7C15ULL) ^ (k1 * 0xC2B2AE3D27D4EB4FULL) ^ (k2 * 0x165667B19E3779F9ULL);
    h ^= h >> 32;
    return h * 0xD6E8FEB86659FD93ULL;
  }
  static std::uint64_t HashBytes(const char* p, std::size_t n) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xff51afd7ed558ccdULL);
    for (; n >= 8; n -= 8, p += 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 0x9FB21C651E98DF25ULL;
      h ^= h >> 29;
    }
    if (n > 0) {
      std::uint64_t w = 0;
      std::memcpy(&w, p, n);
      h = (h ^ w) * 0x9FB21C651E98DF25ULL;
      h ^= h >> 29;
    }
    return h;
  }

  // Adds `key` at `slot`, the empty slot where Probe found it would go (growing the table first if full).
#if defined(__GNUC__)
  __attribute__((noinline))
#endif
  Entry* Add(const Key& key, std::size_t slot) {
    if ((size_ + 1) * 4 > entries_.size() * 3) {
      Grow();
      bool found = false;
      slot = Probe(key, &found);
    }
    std::uint64_t k1 = key.k[1];
    if (IsLong(key.k[0])) {  // (the text first: if that fails, the table is unchanged)
      k1 = arena_.size();
      arena_.insert(arena_.end(), key.p, key.p + key.k[2]);
    }
    Entry& e = entries_[slot];
    e.k[0] = key.k[0];
    e.k[1] = k1;
    e.k[2] = key.k[2];
    ++size_;
    return &e;
  }

  // The slot of `key` (*found), or the empty slot where it would go.
  std::size_t Probe(const Key& key, bool* found) const noexcept {
    const bool is_long = IsLong(key.k[0]);
    for (std::size_t slot = key.h >> shift_;; slot = (slot + 1) & mask_) {
      const Entry& e = entries_[slot];
      if (e.k[0] == key.k[0] && e.k[2] == key.k[2] &&
          (is_long ? std::memcmp(arena_.data() + e.k[1], key.p, key.k[2]) == 0 : e.k[1] == key.k[1])) {
        *found = true;
        return slot;
      }
      if (e.k[0] == kEmpty) {
        *found = false;
        return slot;
      }
    }
  }

  void Reset(std::size_t capacity) {
    ResetTable(&entries_, capacity, Entry{{kEmpty, 0, 0}, 0, 0}, &mask_, &shift_);
    size_ = 0;
  }
  void Grow() {
    PodArray<Entry, true> old;
    old.swap(entries_);
    // Four times larger up to 2^20 slots (32 MB), then twice: a memo grows to hundreds of thousands of chunks
    // on a corpus, and each growth moved every entry into a new table that had to be filled (a first fit of
    // egy2013 4.6% faster, a first analyser pass 4.7%).
    Reset(old.size() * (old.size() <= (std::size_t{1} << 18) ? 4 : 2));
    for (const Entry& e : old) {
      if (e.k[0] == kEmpty) continue;
      std::size_t slot = (IsLong(e.k[0]) ? Hash(e.k[0], 0, 0) : Hash(e.k[0], e.k[1], e.k[2])) >> shift_;
      while (entries_[slot].k[0] != kEmpty) slot = (slot + 1) & mask_;
      entries_[slot] = e;
      ++size_;
    }
  }

  PodArray<Entry, true> entries_;
  std::vector<char> arena_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

// A direct-mapped cache (a, b) -> id: the vectorisers' per-thread memo of word bigrams by the ids of their two
// words, so a repeated bigram is found without building and hashing its text. It starts small and grows fourfold,
// up to 2^max_log2 entries, each time its misses (Puts) pass a quarter of its entries, so that a small model's
// memo stays small. (A one-thread fit of word (1, 2)-grams counts bigrams by an exact map instead: ExactBigrams.
// Up to 2^21 entries it made that fit 6% faster before the map, but held 24 MB a thread: 20 MB more at the peak of
// a two-thread fit, and transforms in small calls slower, which forgot the unknown pairs in a pass over it.)
class PairCache {
 public:
  explicit PairCache(int log2_entries = 16, int max_log2 = 18)
      : shift_(64 - log2_entries), max_log2_(max_log2), entries_(std::size_t{1} << log2_entries) {}

  // True and *id if (a, b) is cached (a != 0xFFFFFFFF).
  bool Get(std::uint32_t a, std::uint32_t b, std::uint32_t* id) noexcept {
    Entry& e = entries_[Slot(a, b)];
    if (e.a == a && e.b == b) {
      *id = e.id;
      return true;
    }
    return false;
  }
  void Put(std::uint32_t a, std::uint32_t b, std::uint32_t id) {
    if (++puts_ * 4 > entries_.size() && 64 - shift_ < max_log2_) Grow();
    entries_[Slot(a, b)] = Entry{a, b, id};
  }
  // Starts loading the slot of (a, b) into the cache (a Get some pairs later).
  void Prefetch(std::uint32_t a, std::uint32_t b) const noexcept { PrefetchLine(&entries_[Slot(a, b)]); }
  void Clear() { std::fill(entries_.begin(), entries_.end(), Entry()); }
  // Forgets the pair (a, b), if cached.
  void Forget(std::uint32_t a, std::uint32_t b) noexcept {
    Entry& e = entries_[Slot(a, b)];
    if (e.a == a && e.b == b) e = Entry();
  }
  // Forgets the pairs whose id is `first` or more.
  void EraseIdsFrom(std::uint32_t first) {
    for (Entry& e : entries_) {
      if (e.id >= first) e = Entry();
    }
  }
  std::size_t MemoryBytes() const noexcept { return entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    std::uint32_t a = 0xFFFFFFFFu, b = 0, id = 0;
  };
  std::size_t Slot(std::uint32_t a, std::uint32_t b) const noexcept { return PairSlot(a, b, shift_); }
  // Starts again empty (a cache may forget). On std::bad_alloc it stays as it was.
  void Grow() {
    const int log2 = std::min(66 - shift_, max_log2_);
    std::vector<Entry>(std::size_t{1} << log2).swap(entries_);
    shift_ = 64 - log2;
    puts_ = 0;
  }
  int shift_;
  int max_log2_;
  std::vector<Entry> entries_;
  std::size_t puts_ = 0;  // since the last growth
};

// An exact map (a, b) -> id of word bigrams by the vocabulary ids of their two words: open addressing with
// linear probing, 12-byte entries, load <= 3/4. Grows fourfold up to 2^22 slots (48 MB), then by doubling: egy2013's
// 2.4M bigrams took six doublings from 2^16 slots, each moving every entry into a new table (its (1, 2)-gram fit
// 2.5% faster, interleaved runs).
class BigramMap {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;  // (no word id: a vocabulary holds < 2^32 - 1 terms)
  BigramMap() { Reset(std::size_t{1} << 16); }

  void Prefetch(std::uint32_t a, std::uint32_t b) const noexcept { PrefetchLine(&entries_[Home(a, b)]); }
  // The id of (a, b); else kNone, and *slot is where Add puts (a, b).
  std::uint32_t Find(std::uint32_t a, std::uint32_t b, std::size_t* slot) const noexcept {
    for (std::size_t s = Home(a, b);; s = (s + 1) & mask_) {
      const Entry& e = entries_[s];
      if (e.a == a && e.b == b) return e.id;
      if (e.a == kNone) {
        *slot = s;
        return kNone;
      }
    }
  }
  // Adds (a, b) -> id, absent: `slot` from the Find that missed it, with no Add since.
  void Add(std::size_t slot, std::uint32_t a, std::uint32_t b, std::uint32_t id) {
    if ((size_ + 1) * 4 > entries_.size() * 3) {
      Grow();
      Find(a, b, &slot);
    }
    entries_[slot] = Entry{a, b, id};
    ++size_;
  }
  std::size_t size() const noexcept { return size_; }
  std::size_t MemoryBytes() const noexcept { return entries_.size() * sizeof(Entry); }
  // Frees the table (the map is empty and unusable until Reset).
  void Release() { PodArray<Entry, true>().swap(entries_), size_ = 0; }

 private:
  struct Entry {
    std::uint32_t a, b, id;
  };
  std::size_t Home(std::uint32_t a, std::uint32_t b) const noexcept { return PairSlot(a, b, shift_); }
  void Reset(std::size_t capacity) {
    ResetTable(&entries_, capacity, Entry{kNone, 0, 0}, &mask_, &shift_);
    size_ = 0;
  }
  void Grow() {
    PodArray<Entry, true> old;
    old.swap(entries_);
    Reset(old.size() * (old.size() < (std::size_t{1} << 22) ? 4 : 2));
    for (const Entry& e : old) {
      if (e.a == kNone) continue;
      std::size_t s = Home(e.a, e.b);
      while (entries_[s].a != kNone) s = (s + 1) & mask_;
      entries_[s] = e;
      ++size_;
    }
  }
  PodArray<Entry, true> entries_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

// The word bigrams of a one-thread fit of word (1, 2)-grams from an empty vocabulary, while `on`: the map holds
// every bigram of the vocabulary by its words' ids, so a bigram it lacks is new and joins the vocabulary with
// AppendUnindexed, without a lookup of its text; the vocabulary's table gets them all at once (Flush), before
// anything else may look a term up. (egy2013's 2.4M distinct bigrams: the lookups of their texts, most of them
// cache misses in a table of millions of slots, were a fifth of the fit.) Off for good after a Flush.
struct ExactBigrams {
  bool on = false;
  BigramMap map;
  // Turns the map off (freed first, so that it never sits beside the grown table) and indexes the appended
  // bigrams. On std::bad_alloc they stay unindexed, and the next Flush tries again.
  void Flush(Vocabulary* vocab) {
    Off();
    if (vocab->has_unindexed()) vocab->IndexAll();
  }
  void Off() {
    on = false;
    map.Release();
  }
};

// Lookups of n terms in `vocab` in a software pipeline: before the k-th, PrefetchAhead(vocab, n, k, hash_at)
// (hash_at(j): the j-th term's HashTerm) loads the candidate's offsets of the term 2 * kAhead lookups ahead
// and the candidate's text of the one kAhead ahead, so that the dependent cache misses of each lookup
// overlap with the lookups before it. The table slots must have been prefetched before (Vocabulary::Prefetch).
template <typename HashAt>
void PrefetchAhead(const Vocabulary& vocab, std::size_t n, std::size_t k, HashAt&& hash_at) {
  constexpr std::size_t kAhead = 4;
  if (k == 0) {
    for (std::size_t j = 0; j < std::min(n, 2 * kAhead); ++j) vocab.PrefetchCandidate(hash_at(j));
    for (std::size_t j = 0; j < std::min(n, kAhead); ++j) vocab.PrefetchText(hash_at(j));
  }
  if (k + 2 * kAhead < n) vocab.PrefetchCandidate(hash_at(k + 2 * kAhead));
  if (k + kAhead < n) vocab.PrefetchText(hash_at(k + kAhead));
}

// The terms of a document's new chunks, gathered while its chunks are looked up in a memo and interned into
// the memo's Vocabulary together afterwards: each term's table slot is loaded when it is added, the rest of
// what its Insert reads in a pipeline (PrefetchAhead), so that the three dependent cache misses of each
// Insert overlap with others instead of following one another. Insertion order (and so each term's id) is
// the order of Add.
class PendingTerms {
 public:
  std::size_t MemoryBytes() const noexcept { return text_.capacity() + terms_.capacity() * sizeof(Term); }
  void Clear() noexcept {
    text_.clear();
    terms_.clear();
  }
  // Queues `term` (its slot in `vocab` starts loading).
  void Add(std::string_view term, const Vocabulary& vocab) {
    const std::uint64_t h = HashTerm(term);
    vocab.Prefetch(h);
    text_.append(term.data(), term.size());
    terms_.push_back({static_cast<std::uint32_t>(text_.size()), h});
  }
  std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(terms_.size()); }
  // Inserts every queued term into `vocab` in order; (*ids)[k] is the id of the k-th.
  void InternAll(Vocabulary* vocab, std::vector<std::uint32_t>* ids) const {
    const std::size_t n = terms_.size();
    ids->resize(n);
    std::uint32_t from = 0;
    for (std::size_t k = 0; k < n; ++k) {
      PrefetchAhead(*vocab, n, k, [this](std::size_t j) { return terms_[j].hash; });
      (*ids)[k] = vocab->Insert(std::string_view(text_.data() + from, terms_[k].end - from), terms_[k].hash);
      from = terms_[k].end;
    }
  }

 private:
  struct Term {
    std::uint32_t end;  // in text_
    std::uint64_t hash;
  };
  std::string text_;
  std::vector<Term> terms_;
};

// A chunk of the current text new to a memo: its index in the text, its queued terms in PendingTerms
// ([first, first + count)), and once they are interned its entry's value.
struct NewChunk {
  std::uint32_t chunk, first, count, value;
};

// Interns the terms in `pending` into `terms`, and completes each new chunk's entry in `chunks` (found by
// its key in `memo_keys`: the table may have grown since the entry was added) as the memos store a chunk: its
// one term's key in the entry (most chunks), else the offset of its keys, appended to *keys. `ids` is scratch.
inline void CompleteNewChunks(const PendingTerms& pending, const std::vector<TokenMemo::Key>& memo_keys,
                              TokenMemo* chunks, Vocabulary* terms, std::vector<std::uint32_t>* keys,
                              std::vector<NewChunk>* new_chunks, std::vector<std::uint32_t>* ids) {
  pending.InternAll(terms, ids);
  for (NewChunk& c : *new_chunks) {
    if (c.count == 1) {
      c.value = (*ids)[c.first];
    } else {
      c.value = static_cast<std::uint32_t>(keys->size());
      keys->insert(keys->end(), ids->begin() + c.first, ids->begin() + c.first + c.count);
    }
    TokenMemo::Entry& e = chunks->Existing(memo_keys[c.chunk]);
    e.value = c.value;
    e.aux = c.count;
  }
}

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_TERM_CACHE_H_
