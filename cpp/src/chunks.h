// Splitting text into chunks at ASCII whitespace, for the analysis memos (AnalyzerMemo and the vectorisers'):
// analysis never crosses ASCII whitespace, so a text's terms are those of its chunks, in order.
#ifndef AKHBAR_SRC_CHUNKS_H_
#define AKHBAR_SRC_CHUNKS_H_

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

// The maximal runs of units that are not ASCII whitespace, as [begin, end) unit ranges.
template <typename Unit>
void SplitChunks(const Unit* p, std::size_t n, std::vector<std::pair<std::size_t, std::size_t>>* out) {
  out->clear();
  std::size_t i = 0, start = 0;
  bool in_chunk = false;
#if defined(__SSE2__)
  if constexpr (sizeof(Unit) <= 2) {
    // 16 units at a time: bit masks of chunk starts and ends, walked with count-trailing-zeros.
    unsigned prev_space = 1;  // the unit before the block is whitespace (or the text start)
    for (; i + 16 <= n; i += 16) {
      const unsigned m = SpaceMask(p + i);
      const unsigned before = ((m << 1) | prev_space) & 0xFFFFu;  // bit k: unit k - 1 is whitespace
      unsigned starts = ~m & before & 0xFFFFu;
      unsigned ends = m & ~before & 0xFFFFu;
      prev_space = m >> 15;
      for (;;) {
        if (!in_chunk) {
          if (starts == 0) break;
          start = i + static_cast<std::size_t>(__builtin_ctz(starts));
          starts &= starts - 1;
          in_chunk = true;
        } else {
          if (ends == 0) break;
          out->emplace_back(start, i + static_cast<std::size_t>(__builtin_ctz(ends)));
          ends &= ends - 1;
          in_chunk = false;
        }
      }
    }
  }
#endif
  for (; i < n; ++i) {
    const bool ws = IsAsciiSpace(p[i]);
    if (ws && in_chunk) {
      out->emplace_back(start, i);
      in_chunk = false;
    } else if (!ws && !in_chunk) {
      start = i;
      in_chunk = true;
    }
  }
  if (in_chunk) out->emplace_back(start, n);
}

// Splits p[0..n) into *ranges (SplitChunks) and sets (*keys)[j] to the memo key of chunk j (its code units'
// bytes, tagged with `kind`), starting to load the memo slots of the first `prefetch` chunks.
template <typename Unit>
void ChunkKeys(const Unit* p, std::size_t n, unsigned kind, const TokenMemo& memo, std::size_t prefetch,
               std::vector<std::pair<std::size_t, std::size_t>>* ranges, std::vector<TokenMemo::Key>* keys) {
  SplitChunks(p, n, ranges);
  const std::size_t nc = ranges->size();
  keys->resize(nc);
  const char* bytes = reinterpret_cast<const char*>(p);
  constexpr std::size_t w = sizeof(Unit);
  for (std::size_t j = 0; j < nc; ++j) {
    const auto [b, e] = (*ranges)[j];
    (*keys)[j] = TokenMemo::MakeKey(bytes + b * w, (e - b) * w, (n - b) * w, kind);
    if (j < prefetch) memo.Prefetch((*keys)[j]);
  }
}

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_CHUNKS_H_
