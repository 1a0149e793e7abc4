#include "akhbar/vocabulary.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "hash_util.h"

namespace akhbar {

namespace {

// Most table slots: HomeSlot's product of a 32-bit hash and half the slots stays within 64 bits (kMaxTerms
// terms still leave the table half empty).
constexpr std::size_t kMaxSlots = static_cast<std::size_t>(
    std::min<std::uint64_t>((std::uint64_t{1} << 33) - 2, std::numeric_limits<std::size_t>::max() - 1));

}  // namespace

// Whole 8-byte words, the last one overlapping the one before it, and terms under 8 bytes in one word from two
// overlapping loads: no loop over a tail byte by byte (2.4M bigrams hashed in 30 ms, not 50). The length is in
// the seed, so two terms of one length that differ anywhere differ in a word.
std::uint64_t HashTerm(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xff51afd7ed558ccdULL);
  auto mix = [&h](std::uint64_t w) {
    h = (h ^ w) * 0x9FB21C651E98DF25ULL;
    h ^= h >> 29;
  };
  auto load64 = [](const char* q) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
    return w;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) mix(load64(p + i));
    mix(load64(p + n - 8));
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    mix(a | (static_cast<std::uint64_t>(b) << 32));
  } else if (n > 0) {
    const auto byte = [p](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
    mix(byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16));
  }
  return internal::Mix64(h);
}

bool Vocabulary::Matches(std::uint32_t id, std::string_view term) const noexcept {
  std::size_t n = offsets_[id + 1] - offsets_[id];
  if (n != term.size()) return false;
  const char* a = arena_.data() + offsets_[id];
  const char* b = term.data();
  for (; n >= 8; n -= 8, a += 8, b += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; n > 0; --n) {
    if (*a++ != *b++) return false;
  }
  return true;
}

std::uint32_t Vocabulary::Find(std::string_view term, std::uint64_t hash) const noexcept {
  if (table_.empty()) return kNotFound;
  const std::uint32_t h32 = Fold(hash);
  for (std::size_t slot = HomeSlot(h32);; slot = NextSlot(slot)) {
    const std::uint64_t e = table_[slot];
    if (e == 0) return kNotFound;
    if (static_cast<std::uint32_t>(e >> 32) == h32) {
      const std::uint32_t id = static_cast<std::uint32_t>(e) - 1;
      if (Matches(id, term)) return id;
    }
  }
}

std::uint32_t Vocabulary::Candidate(std::uint64_t hash) const noexcept { return CandidateFolded(Fold(hash)); }

std::uint32_t Vocabulary::CandidateFolded(std::uint32_t h32) const noexcept {
  if (table_.empty()) return kNotFound;
  for (std::size_t slot = HomeSlot(h32);; slot = NextSlot(slot)) {
    const std::uint64_t e = table_[slot];
    if (e == 0) return kNotFound;
    if (static_cast<std::uint32_t>(e >> 32) == h32) return static_cast<std::uint32_t>(e) - 1;
  }
}

void Vocabulary::Rehash(std::size_t capacity) {
  Table old(capacity, 0);
  old.swap(table_);
  if (old.empty()) return;
  // HomeSlot grows with the hash in a table of any size, so the old table holds the entries nearly in the
  // order of their new homes: the first entry of a run of slots that wrapped around the end goes last, and
  // within a run the order is that of insertion. Entries are taken in that order, packed in place (no branch
  // on empty slots, which the CPU cannot predict), and each goes to the first free slot from its home as
  // always, found without probing while its home is in the run of slots just filled (the shrink of a 2.5M-term
  // table: 28 -> 7-10 ms).
  const std::size_t old_half = old.size() / 2;
  std::size_t first_free = 0;
  while (old[first_free] != 0) ++first_free;  // (a table is never full)
  std::vector<std::uint64_t> wrapped;  // (entries of the first run whose homes are at the end)
  std::size_t n_entries = 0;
  for (std::size_t s = 0; s < first_free; ++s) {
    const std::uint64_t e = old[s];
    if (static_cast<std::size_t>(((e >> 32) * old_half) >> 31) > s) {
      wrapped.push_back(e);
    } else {
      old[n_entries++] = e;
    }
  }
  for (std::size_t s = first_free; s < old.size(); ++s) {
    const std::uint64_t e = old[s];
    old[n_entries] = e;
    n_entries += e != 0;
  }
  for (const std::uint64_t e : wrapped) old[n_entries++] = e;
  // Slots [run_start, next) are taken, and none from next on.
  const std::size_t n = table_.size();
  std::size_t run_start = 0, next = 0;
  for (std::size_t k = 0; k < n_entries; ++k) {
    const std::uint64_t e = old[k];
    const std::size_t home = HomeSlot(static_cast<std::uint32_t>(e >> 32));
    const std::size_t slot = std::max(home, next);
    if (home >= run_start && slot < n) {
      table_[slot] = e;
      run_start = home > next ? home : run_start;
      next = slot + 1;
    } else {  // out of order, or past the end: probe (it finds a gap before run_start, next, or wraps around)
      std::size_t at = home;
      while (table_[at] != 0) at = NextSlot(at);
      table_[at] = e;
      if (at == next) ++next;
    }
  }
}

std::uint32_t Vocabulary::Insert(std::string_view term, std::uint64_t hash, bool* added) {
  return InsertFolded(term, Fold(hash), added);
}

void Vocabulary::InsertAll(const Vocabulary& other, std::vector<std::uint32_t>* ids) {
  if (other.has_unindexed()) throw std::logic_error("Vocabulary::InsertAll: the other vocabulary has unindexed terms");
  const std::size_t n = other.size();
  std::vector<std::uint32_t> h32(n);
  for (const std::uint64_t e : other.table_) {
    if (e != 0) h32[static_cast<std::uint32_t>(e) - 1] = static_cast<std::uint32_t>(e >> 32);
  }
  ids->assign(n, kNotFound);
  // Each insertion's loads, some insertions ahead: its table slot, then the offsets of the term found there,
  // then its text.
  constexpr std::size_t kSlotAhead = 24, kOffsetsAhead = 16, kTextAhead = 8;
  for (std::size_t k = 0; k < n; ++k) {
    if (!table_.empty()) {
      if (k + kSlotAhead < n) internal::PrefetchLine(&table_[HomeSlot(h32[k + kSlotAhead])]);
      if (k + kOffsetsAhead < n) {
        if (const std::uint32_t id = CandidateFolded(h32[k + kOffsetsAhead]); id != kNotFound) {
          internal::PrefetchLine(&offsets_[id]);
        }
      }
      if (k + kTextAhead < n) {
        if (const std::uint32_t id = CandidateFolded(h32[k + kTextAhead]); id != kNotFound) {
          internal::PrefetchLine(arena_.data() + offsets_[id]);
        }
      }
    }
    (*ids)[k] = InsertFolded(other.Term(static_cast<std::uint32_t>(k)), h32[k], nullptr);
  }
}

std::uint32_t Vocabulary::InsertFolded(std::string_view term, std::uint32_t h32, bool* added) {
  if (table_.empty()) Rehash(16);
  std::size_t slot = HomeSlot(h32);
  for (;; slot = NextSlot(slot)) {
    const std::uint64_t e = table_[slot];
    if (e == 0) break;
    if (static_cast<std::uint32_t>(e >> 32) == h32) {
      const std::uint32_t id = static_cast<std::uint32_t>(e) - 1;
      if (Matches(id, term)) {
        if (added) *added = false;
        return id;
      }
    }
  }
  const std::uint32_t id = AppendText(term);
  table_[slot] = (static_cast<std::uint64_t>(h32) << 32) | (id + 1u);
  // (Terms appended unindexed take no slot until IndexAll, which grows the table for them.)
  if ((size() - unindexed_count_) * 5 > table_.size() * 4) Rehash(std::min(table_.size() * 2, kMaxSlots));
  if (added) *added = true;
  return id;
}

std::uint32_t Vocabulary::AppendText(std::string_view term) {
  if (size() >= kMaxTerms || arena_.size() + term.size() > kMaxBytes) {
    throw InvalidArgument("vocabulary too large (" + std::to_string(size()) + " terms, " +
                          std::to_string(arena_.size()) +
                          " bytes of text): use min_df, max_features or HashingVectorizer");
  }
  const auto id = static_cast<std::uint32_t>(size());
  // Room for the offset first: if an allocation fails, the text and the offsets still agree (text appended
  // without its offset would be read as part of the next term's).
  offsets_.reserve_more(1);
  arena_.append(term.data(), term.size());
  offsets_.push_back(static_cast<std::uint32_t>(arena_.size()));
  return id;
}

std::uint32_t Vocabulary::AppendUnindexed(std::string_view term) {
  const std::size_t word = size() / 64;
  if (unindexed_.size() <= word) unindexed_.resize(std::max<std::size_t>(word + 1, 2 * unindexed_.size()), 0);
  const std::uint32_t id = AppendText(term);
  unindexed_[id / 64] |= std::uint64_t{1} << (id % 64);
  ++unindexed_count_;
  return id;
}

void Vocabulary::IndexAll() {
  if (unindexed_count_ == 0) return;
  std::size_t capacity = table_.empty() ? 16 : table_.size();
  while (size() * 5 > capacity * 4 && capacity < kMaxSlots) capacity = std::min(capacity * 2, kMaxSlots);
  if (capacity != table_.size()) Rehash(capacity);
  // In id order, so the text is read in order; each term's slot loaded a block of terms before it is filled.
  // The terms are new and distinct: no compare, only the first free slot from the home.
  constexpr std::size_t kBlock = 64;
  std::uint32_t ids[kBlock], h32[kBlock];
  std::size_t n = 0;
  auto place = [&] {
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t slot = HomeSlot(h32[k]);
      while (table_[slot] != 0) slot = NextSlot(slot);
      table_[slot] = (static_cast<std::uint64_t>(h32[k]) << 32) | (ids[k] + 1u);
    }
    n = 0;
  };
  for (std::size_t w = 0; w < unindexed_.size(); ++w) {
    for (std::uint64_t bits = unindexed_[w]; bits != 0; bits &= bits - 1) {
      const auto id = static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
      ids[n] = id;
      h32[n] = Fold(HashTerm(Term(id)));
      internal::PrefetchLine(&table_[HomeSlot(h32[n])]);
      if (++n == kBlock) place();
    }
  }
  place();
  std::vector<std::uint64_t>().swap(unindexed_);
  unindexed_count_ = 0;
}

namespace {

// A table for n terms at load 3/4 (growth rehashes past 4/5): even, at least 16.
std::size_t CapacityFor(std::size_t n) {
  const std::size_t capacity = n + n / 3 + 2;
  return std::max<std::size_t>(16, capacity + (capacity & 1));
}

}  // namespace

Vocabulary Vocabulary::Select(const std::vector<std::uint32_t>& ids) const {
  Vocabulary out;
  std::size_t bytes = 0;
  for (const std::uint32_t id : ids) bytes += offsets_[id + 1] - offsets_[id];
  out.Reserve(ids.size(), bytes);
  out.Rehash(CapacityFor(ids.size()));
  for (const std::uint32_t id : ids) out.Insert(Term(id));
  return out;
}

std::vector<std::uint32_t> Vocabulary::SortedIds() const {
  std::vector<std::uint32_t> ids(size());
  for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
  SortByTerm(&ids);
  return ids;
}

namespace {

// The 8 bytes at p as a big-endian number.
std::uint64_t BigEndian64(const unsigned char* p) {
  std::uint64_t v;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(&v, p, 8);
  v = __builtin_bswap64(v);
#else
  v = 0;
  for (std::size_t k = 0; k < 8; ++k) v = (v << 8) | p[k];
#endif
  return v;
}

// The first 16 bytes of a term's sort key, big-endian in two words, zero-padded: a code of each code point
// whose byte order is the order of the code points (so of the UTF-8 text), one byte for ASCII and for the
// Arabic letters U+0621..U+069D, so that the key holds 16 Arabic letters, not 8:
//   U+0000..U+007F     the byte itself           00..7F
//   U+0080..U+0620     80 hi lo
//   U+0621..U+069D     81..FD
//   U+069E..           FE and three bytes
// Keys that differ order their terms; equal keys leave the order to the terms' bytes. False if the text is not
// UTF-8 in the part read (overlong forms, cut sequences): raw bytes must serve then.
bool CodePointKey(const unsigned char* t, std::size_t len, std::uint64_t* key) {
  unsigned char out[16 + 3] = {};
  std::size_t o = 0;
  for (std::size_t i = 0; i < len && o < 16;) {
    // ASCII and the letters U+0621..U+067F (D8 A1..D9 BF): most of the text.
    const unsigned b = t[i];
    const unsigned c = i + 1 < len ? t[i + 1] : 0u;
    const unsigned low = ((b & 1u) << 6) | (c & 0x3Fu);  // U+0600 + low
    const bool letter = (b & 0xFE) == 0xD8 && (c & 0xC0) == 0x80 && low >= 0x21;
    if (letter || b < 0x80) {
      out[o++] = static_cast<unsigned char>(letter ? 0x81 - 0x21 + low : b);
      i += letter ? 2 : 1;
      continue;
    }
    std::uint32_t cp;
    std::size_t n;
    if ((b & 0xE0) == 0xC0) {
      cp = b & 0x1F, n = 2;
    } else if ((b & 0xF0) == 0xE0) {
      cp = b & 0x0F, n = 3;
    } else if ((b & 0xF8) == 0xF0) {
      cp = b & 0x07, n = 4;
    } else {
      return false;
    }
    if (len - i < n) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((t[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t[i + k] & 0x3F);
    }
    if (cp < (n == 2 ? 0x80u : n == 3 ? 0x800u : 0x10000u)) return false;  // overlong
    i += n;
    if (cp >= 0x621 && cp <= 0x69D) {
      out[o++] = static_cast<unsigned char>(0x81 + (cp - 0x621));
    } else if (cp < 0x621) {
      out[o] = 0x80, out[o + 1] = static_cast<unsigned char>(cp >> 8), out[o + 2] = static_cast<unsigned char>(cp);
      o += 3;
    } else {
      out[o] = 0xFE, out[o + 1] = static_cast<unsigned char>(cp >> 16);
      out[o + 2] = static_cast<unsigned char>(cp >> 8), out[o + 3] = static_cast<unsigned char>(cp);
      o += 4;
    }
  }
  for (std::size_t w = 0; w < 2; ++w) key[w] = BigEndian64(out + 8 * w);
  return true;
}

void RawKey(const unsigned char* t, std::size_t len, std::uint64_t* key) {
  for (std::size_t w = 0; w < 2; ++w) {
    std::uint64_t v = 0;
    for (std::size_t i = 8 * w; i < 8 * w + 8; ++i) v = (v << 8) | (i < len ? t[i] : 0u);
    key[w] = v;
  }
}

}  // namespace

void Vocabulary::SortByTerm(std::vector<std::uint32_t>* ids) const {
  // Sort (16-byte key, id): most comparisons never touch the arena. (Word bigrams that share their first word
  // tie on a shorter key, and each tie costs two reads at random places in the arena. The key of CodePointKey
  // holds 16 Arabic letters where raw bytes held 8: sorting egy2013's 1.04M (1, 2)-gram features took 94 ms
  // with 24 raw bytes, 58 ms with it.)
  struct Key {
    std::uint64_t p[2];
    std::uint32_t id;
  };
  // (Huge pages: 24 MB of 4 KB pages for a million terms took 9 ms to fault in, more than the radix pass.)
  using Keys = std::vector<Key, internal::HugePageAllocator<Key>>;
  Keys keys(ids->size());
  const auto* base = reinterpret_cast<const unsigned char*>(arena_.data());
  const std::uint32_t* off = offsets_.data();
  bool code_points = true;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const std::uint32_t id = (*ids)[k];
    keys[k].id = id;
    code_points = CodePointKey(base + off[id], off[id + 1] - off[id], keys[k].p);
    if (!code_points) break;
  }
  if (!code_points) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::uint32_t id = (*ids)[k];
      keys[k].id = id;
      RawKey(base + off[id], off[id + 1] - off[id], keys[k].p);
    }
  }
  auto less = [base, off](const Key& a, const Key& b) {
    if (a.p[0] != b.p[0]) return a.p[0] < b.p[0];
    if (a.p[1] != b.p[1]) return a.p[1] < b.p[1];
    const std::size_t la = off[a.id + 1] - off[a.id], lb = off[b.id + 1] - off[b.id];
    const int c = std::memcmp(base + off[a.id], base + off[b.id], std::min(la, lb));
    return c != 0 ? c < 0 : la < lb;
  };
  if (keys.size() < (std::size_t{1} << 16)) {
    std::sort(keys.begin(), keys.end(), less);
  } else {
    // Many terms: LSD radix sort on the first 8 bytes (four passes of 16 bits), then each run of equal first
    // bytes by the comparison.
    Keys tmp(keys.size());
    std::vector<std::uint32_t> count(std::size_t{1} << 16);
    for (int shift = 0; shift < 64; shift += 16) {
      std::fill(count.begin(), count.end(), 0u);
      for (const Key& k : keys) ++count[(k.p[0] >> shift) & 0xFFFF];
      std::uint32_t sum = 0;
      for (std::uint32_t& c : count) {
        const std::uint32_t n = c;
        c = sum;
        sum += n;
      }
      for (const Key& k : keys) tmp[count[(k.p[0] >> shift) & 0xFFFF]++] = k;
      keys.swap(tmp);
    }
    for (std::size_t b = 0; b < keys.size();) {
      std::size_t e = b + 1;
      while (e < keys.size() && keys[e].p[0] == keys[b].p[0]) ++e;
      if (e - b > 1) {
        std::sort(keys.begin() + static_cast<std::ptrdiff_t>(b), keys.begin() + static_cast<std::ptrdiff_t>(e), less);
      }
      b = e;
    }
  }
  for (std::size_t k = 0; k < keys.size(); ++k) (*ids)[k] = keys[k].id;
}

void Vocabulary::Reserve(std::size_t terms, std::size_t bytes) {
  arena_.reserve(bytes);
  offsets_.reserve(terms + 1);
}

void Vocabulary::ShrinkToFit() {
  arena_.shrink_to_fit();
  offsets_.shrink_to_fit();
  if (table_.empty() || CapacityFor(size()) >= table_.size()) return;
  try {
    Rehash(CapacityFor(size()));
  } catch (const std::bad_alloc&) {  // (non-binding, like the standard shrink_to_fit: the table stays as it was)
  }
}

void Vocabulary::Truncate(std::size_t n) {
  if (n >= size()) return;
  for (std::size_t id = n; id < size() && id / 64 < unindexed_.size(); ++id) {
    const std::uint64_t bit = std::uint64_t{1} << (id % 64);
    unindexed_count_ -= (unindexed_[id / 64] & bit) != 0;
    unindexed_[id / 64] &= ~bit;
  }
  arena_.resize(offsets_[n]);
  offsets_.resize(n + 1);
  // The kept entries go into an empty table of the same size, each at the first free slot from its home.
  Table old(table_.size(), 0);
  old.swap(table_);
  for (const std::uint64_t e : old) {
    if (e == 0 || (e & 0xFFFFFFFFu) > n) continue;  // (slots hold id + 1)
    std::size_t slot = HomeSlot(static_cast<std::uint32_t>(e >> 32));
    while (table_[slot] != 0) slot = NextSlot(slot);
    table_[slot] = e;
  }
}

void Vocabulary::Clear() { *this = Vocabulary(); }

std::size_t Vocabulary::MemoryBytes() const noexcept {
  return arena_.capacity() + offsets_.capacity() * sizeof(std::uint32_t) + table_.capacity() * sizeof(std::uint64_t) +
         unindexed_.capacity() * sizeof(std::uint64_t);
}

void Vocabulary::Write(Writer& w) const {
  w.PutString(std::string_view(arena_.data(), arena_.size()));
  w.PutArray(offsets_.data(), offsets_.size());
}

Vocabulary Vocabulary::Read(Reader& r) {
  Vocabulary v;
  const std::string_view arena = r.GetString("vocabulary text");
  if (arena.size() > kMaxBytes) throw FormatError("corrupt vocabulary: text too large");
  std::vector<std::uint32_t> offsets = r.GetArray<std::uint32_t>("vocabulary offsets", kMaxTerms + 1);
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != arena.size()) {
    throw FormatError("corrupt vocabulary: term offsets do not match the text");
  }
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) throw FormatError("corrupt vocabulary: term offsets decrease");
  }
  const std::size_t n = offsets.size() - 1;
  v.Reserve(n, arena.size());
  v.Rehash(CapacityFor(n));
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view term = arena.substr(offsets[i], offsets[i + 1] - offsets[i]);
    if (utf8::Validate(term) != utf8::kValid) throw FormatError("corrupt vocabulary: term " + std::to_string(i) + " is not UTF-8");
    bool added = false;
    v.Insert(term, &added);
    if (!added) throw FormatError("corrupt vocabulary: term " + std::to_string(i) + " is a repeat");
  }
  return v;
}

}  // namespace akhbar
