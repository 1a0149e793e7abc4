// UTF-8 validation, decoding and repair. All functions are thread-safe and allocation-free unless they
// return a std::string.
#ifndef AKHBAR_UTF8_H_
#define AKHBAR_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace akhbar {
namespace utf8 {

// Returned by Validate when the input is well-formed.
inline constexpr std::size_t kValid = static_cast<std::size_t>(-1);

// Byte offset of the first byte of the first ill-formed sequence (overlong forms, surrogates, values above
// U+10FFFF and truncated sequences are ill-formed), or kValid. O(n).
std::size_t Validate(std::string_view text) noexcept;

// Throws akhbar::InvalidUtf8 naming the byte offset if `text` is not valid UTF-8.
void CheckValid(std::string_view text);

// Throws akhbar::InvalidUtf8 for the ill-formed sequence at byte `offset` of `text`.
[[noreturn]] void ThrowInvalid(std::string_view text, std::size_t offset);

// Replaces every ill-formed sequence by U+FFFD (Unicode's "maximal subpart" practice, as Python's and WHATWG's
// decoders: an encoded surrogate ED A0..BF xx is three). With `whole_surrogates`, an encoded surrogate is one
// U+FFFD instead: for text that came from a Python str, whose lone surrogates are one code point each.
// If `source_offsets` is not null it receives, for each byte of the result, the byte offset in `text`
// it came from. O(n).
std::string Repair(std::string_view text, std::vector<std::uint32_t>* source_offsets = nullptr,
                   bool whole_surrogates = false);

// Number of code points in valid UTF-8 `text`. O(n).
std::size_t CountCodePoints(std::string_view text) noexcept;

// Appends code point `cp` (must be a scalar value) to `out`.
inline void Append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Writes the UTF-8 form of the code units p[0..n) of a string stored as Python stores a str (Latin-1, UCS-2
// without surrogates, or code points) into `buffer` and sets *out to view it. The buffer keeps its size (grown
// when too short, never cut), so that a text no longer than one before costs no call into the library (sizing and
// then cutting a std::string were a third of the cost of converting a chunk of seven letters); written in place
// (a push_back per byte, as Append, was most of it). Returns n, or the index of the first unit that has no UTF-8
// form (a surrogate, or a value above U+10FFFF); *out is then unspecified.
template <typename Unit>
std::size_t FromWide(const Unit* p, std::size_t n, std::string* buffer, std::string_view* out) {
  constexpr std::size_t kMaxBytes = sizeof(Unit) == 1 ? 2 : sizeof(Unit) == 2 ? 3 : 4;  // UTF-8 bytes a unit
  if (buffer->size() < kMaxBytes * n) buffer->resize(kMaxBytes * n);
  char* const begin = buffer->data();
  char* o = begin;
  for (std::size_t k = 0; k < n; ++k) {
    const char32_t c = p[k];
    if (c < 0x80) {
      *o++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *o++ = static_cast<char>(0xC0 | (c >> 6));
      *o++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0xD800 || (c > 0xDFFF && c < 0x10000)) {
      *o++ = static_cast<char>(0xE0 | (c >> 12));
      *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c >= 0x10000 && c <= 0x10FFFF) {
      *o++ = static_cast<char>(0xF0 | (c >> 18));
      *o++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      return k;
    }
  }
  *out = std::string_view(begin, static_cast<std::size_t>(o - begin));
  return n;
}

// Decodes the code point starting at byte `i` of `text`, stores its length in `*len`, and returns it, or
// returns -1 (and *len = 0) if the sequence at `i` is ill-formed or truncated.
inline std::int32_t Decode(std::string_view text, std::size_t i, int* len) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char b0 = s[i];
  *len = 0;
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  if (b0 < 0xC2) return -1;
  if (b0 < 0xE0) {
    if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return -1;
    *len = 2;
    return ((b0 & 0x1F) << 6) | (s[i + 1] & 0x3F);
  }
  if (b0 < 0xF0) {
    if (i + 2 >= n) {
      // Truncated: still report -1.
      return -1;
    }
    const unsigned char b1 = s[i + 1], b2 = s[i + 2];
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return -1;
    if (b0 == 0xE0 && b1 < 0xA0) return -1;  // overlong
    if (b0 == 0xED && b1 >= 0xA0) return -1;  // surrogate
    *len = 3;
    return ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
  }
  if (b0 < 0xF5) {
    if (i + 3 >= n) return -1;
    const unsigned char b1 = s[i + 1], b2 = s[i + 2], b3 = s[i + 3];
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80 || (b3 & 0xC0) != 0x80) return -1;
    if (b0 == 0xF0 && b1 < 0x90) return -1;  // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return -1;  // above U+10FFFF
    *len = 4;
    return ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
  }
  return -1;
}

// For valid UTF-8 `text`, the code point index of every byte offset 0..size() (continuation bytes get
// the index of their code point's start; entry size() is the number of code points). O(n).
std::vector<std::uint32_t> ByteToCodePointIndex(std::string_view text);

}  // namespace utf8
}  // namespace akhbar

#endif  // AKHBAR_UTF8_H_
