// Splitting text into chunks at ASCII whitespace, for the analysis memos (AnalyzerMemo and the vectorisers'):
// analysis never crosses ASCII whitespace, so a text's terms are those of its chunks, in order.
#ifndef AKHBAR_SRC_CHUNKS_H_
#define AKHBAR_SRC_CHUNKS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "term_cache.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace akhbar {
namespace internal {

template <typename Unit>
inline bool IsAsciiSpace(Unit c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

#if defined(__SSE2__)
// Bit k set: unit k of the 16 at p is ASCII whitespace (' ' or '\t'..'\r').
inline unsigned SpaceMask(const void* p) noexcept {
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t' - 1), cr = _mm_set1_epi8('\r' + 1);
  const __m128i v = _mm_loadu_si128(static_cast<const __m128i*>(p));
  // Signed compares: bytes >= 0x80 are negative, never whitespace.
  const __m128i ws =
      _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_and_si128(_mm_cmpgt_epi8(v, tab), _mm_cmplt_epi8(v, cr)));
  return static_cast<unsigned>(_mm_movemask_epi8(ws));
}
inline unsigned SpaceMask(const char* p) noexcept { return SpaceMask(static_cast<const void*>(p)); }
inline unsigned SpaceMask(const std::uint8_t* p) noexcept { return SpaceMask(static_cast<const void*>(p)); }
inline unsigned SpaceMask(const char16_t* p) noexcept {
  const __m128i space = _mm_set1_epi16(' '), tab = _mm_set1_epi16('\t' - 1), cr = _mm_set1_epi16('\r' + 1);
  auto ws = [&](__m128i v) {  // units >= 0x8000 are negative: never whitespace
    return _mm_or_si128(_mm_cmpeq_epi16(v, space), _mm_and_si128(_mm_cmpgt_epi16(v, tab), _mm_cmplt_epi16(v, cr)));
  };
  const __m128i lo = ws(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  const __m128i hi = ws(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8)));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(lo, hi)));
}
#endif

// The chunks of one text: chunk j is the unit range [begin(j), end(j)). Kept between texts, so that its
// buffer is allocated once.
class ChunkRanges {
 public:
  std::size_t size() const noexcept { return bounds_size_ / 2; }
  std::size_t begin(std::size_t j) const noexcept { return bounds_[2 * j]; }
  std::size_t end(std::size_t j) const noexcept { return bounds_[2 * j + 1]; }
  std::pair<std::size_t, std::size_t> operator[](std::size_t j) const noexcept { return {begin(j), end(j)}; }
  std::size_t MemoryBytes() const noexcept { return bounds_.capacity() * sizeof(std::size_t); }

 private:
  template <typename Unit>
  friend void SplitChunks(const Unit* p, std::size_t n, ChunkRanges* out);
  // Chunk starts and ends, alternating (bounds_size_ of them); bounds_ may be longer.
  std::vector<std::size_t> bounds_;
  std::size_t bounds_size_ = 0;
};

#if defined(__SSE2__)
// Bit k set: unit k of the 64 at p is ASCII whitespace.
template <typename Unit>
inline std::uint64_t SpaceMask64(const Unit* p) noexcept {
  return static_cast<std::uint64_t>(SpaceMask(p)) | static_cast<std::uint64_t>(SpaceMask(p + 16)) << 16 |
         static_cast<std::uint64_t>(SpaceMask(p + 32)) << 32 | static_cast<std::uint64_t>(SpaceMask(p + 48)) << 48;
}
#endif

// Set bits of x. Inline bit arithmetic: the portable x86-64 build has no popcnt instruction, and
// __builtin_popcountll would call libgcc's table-driven function.
inline std::size_t PopCount(std::uint64_t x) noexcept {
#if defined(__POPCNT__)
  return static_cast<std::size_t>(__builtin_popcountll(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<std::size_t>((x * 0x0101010101010101ULL) >> 56);
#endif
}

// The maximal runs of units that are not ASCII whitespace. For 1- and 2-byte units, 64 units at a time: the
// bit mask of positions where whitespace starts or stops, written out 8 positions at a time (most blocks of
// news text have 10 to 25), with no branch per chunk.
template <typename Unit>
void SplitChunks(const Unit* p, std::size_t n, ChunkRanges* out) {
  constexpr std::size_t kSlack = 8;
  std::vector<std::size_t>& bounds = out->bounds_;
  // Room for `need` bounds; grown with the chunks found, not the text's length (one text of tens of MB with
  // few chunks would otherwise hold 8 bytes a unit until the next one).
  auto reserve = [&](std::size_t need) {
    if (bounds.size() < need) bounds.resize(std::max(need, bounds.size() * 2));
    return bounds.data();
  };
  std::size_t* b = reserve(std::min<std::size_t>(n, 4096) + 2 + kSlack);
  std::size_t c = 0, i = 0;
  bool prev_space = true;  // before the text
#if defined(__SSE2__)
  if constexpr (sizeof(Unit) <= 2) {
    std::uint64_t before_block = 1;
    for (; i + 64 <= n; i += 64) {
      if (bounds.size() < c + 64 + kSlack) b = reserve(c + 64 + kSlack);
      const std::uint64_t m = SpaceMask64(p + i);
      std::uint64_t t = m ^ ((m << 1) | before_block);  // bit k: unit k and unit k - 1 differ
      before_block = m >> 63;
      const std::size_t count = PopCount(t);
      std::size_t* o = b + c;
      while (t != 0) {  // 8 positions a round; those past `count` are scratch (bit 63 | 0 keeps ctz defined)
        for (int k = 0; k < 8; ++k) {
          o[k] = i + static_cast<std::size_t>(__builtin_ctzll(t | (std::uint64_t{1} << 63)));
          t &= t - 1;
        }
        o += 8;
      }
      c += count;
    }
    prev_space = before_block != 0;
  }
#endif
  b = reserve(c + (n - i) + 2);
  for (; i < n; ++i) {
    const bool ws = IsAsciiSpace(p[i]);
    if (ws != prev_space) b[c++] = i;
    prev_space = ws;
  }
  if (c % 2 == 1) b[c++] = n;
  out->bounds_size_ = c;
}

// Splits p[0..n) into *ranges (SplitChunks) and sets (*keys)[j] to the memo key of chunk j (its code units'
// bytes, tagged with `kind`; *keys may be longer than the chunk count), starting to load the memo slots of the first
// `prefetch` chunks.
template <typename Unit>
void ChunkKeys(const Unit* p, std::size_t n, unsigned kind, const TokenMemo& memo, std::size_t prefetch,
               ChunkRanges* ranges, std::vector<TokenMemo::Key>* keys) {
  SplitChunks(p, n, ranges);
  const std::size_t nc = ranges->size();
  if (keys->size() < nc) keys->resize(nc);  // never shrunk: no re-initialisation per text
  const char* bytes = reinterpret_cast<const char*>(p);
  constexpr std::size_t w = sizeof(Unit);
  for (std::size_t j = 0; j < nc; ++j) {
    const std::size_t b = ranges->begin(j), e = ranges->end(j);
    (*keys)[j] = TokenMemo::MakeKey(bytes + b * w, (e - b) * w, (n - b) * w, kind);
    if (j < prefetch) memo.Prefetch((*keys)[j]);
  }
}

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_CHUNKS_H_
