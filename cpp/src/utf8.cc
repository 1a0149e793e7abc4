#include "akhbar/utf8.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "akhbar/error.h"

namespace akhbar {
namespace utf8 {

std::size_t Validate(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII runs, 8 bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    // Two-byte sequences (Arabic), then anything else through Decode.
    if (s[i] >= 0xC2 && s[i] < 0xE0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    int len;
    if (Decode(text, i, &len) < 0) return i;
    i += static_cast<std::size_t>(len);
  }
  return kValid;
}

void ThrowInvalid(std::string_view text, std::size_t offset) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[offset]));
  throw InvalidUtf8(offset, "invalid UTF-8: byte " + std::string(hex) + " at byte offset " + std::to_string(offset));
}

void CheckValid(std::string_view text) {
  const std::size_t bad = Validate(text);
  if (bad != kValid) ThrowInvalid(text, bad);
}

namespace {

// Length of the maximal subpart of an ill-formed sequence starting at `i` (at least 1).
std::size_t MaximalSubpart(std::string_view text, std::size_t i) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char b0 = s[i];
  unsigned char lo = 0x80, hi = 0xBF;
  int need;
  if (b0 >= 0xC2 && b0 < 0xE0) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 < 0xF0) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 < 0xF5) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  std::size_t j = i + 1;
  for (int k = 0; k < need && j < n; ++k, ++j) {
    const unsigned char b = s[j];
    if (k == 0 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) break;
  }
  return j - i;
}

}  // namespace

std::string Repair(std::string_view text, std::vector<std::uint32_t>* source_offsets, bool whole_surrogates) {
  std::string out;
  out.reserve(text.size());
  if (source_offsets) {
    source_offsets->clear();
    source_offsets->reserve(text.size());
  }
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    int len;
    std::size_t take;
    if (Decode(text, i, &len) >= 0) {
      out.append(text.data() + i, static_cast<std::size_t>(len));
      take = static_cast<std::size_t>(len);
    } else {
      const bool surrogate = whole_surrogates && s[i] == 0xED && i + 2 < text.size() && s[i + 1] >= 0xA0 &&
                             s[i + 1] <= 0xBF && (s[i + 2] & 0xC0) == 0x80;
      take = surrogate ? 3 : MaximalSubpart(text, i);
      out.append("\xEF\xBF\xBD");
      len = 3;
    }
    if (source_offsets) {
      for (int k = 0; k < len; ++k) source_offsets->push_back(static_cast<std::uint32_t>(i));
    }
    i += take;
  }
  return out;
}

std::size_t CountCodePoints(std::string_view text) noexcept {
  // The bytes that are not continuation bytes (10xxxxxx), eight at a time: words are short, and the compiler's
  // vectorised loop took about 100 instructions for a word of six letters (the light stemmer counts each).
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t count = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x;
    std::memcpy(&x, p + i, 8);
    const std::uint64_t continuation = x & ~(x << 1) & 0x8080808080808080ULL;  // bit 7 set, bit 6 clear
    count += 8 - static_cast<std::size_t>(((continuation >> 7) * 0x0101010101010101ULL) >> 56);
  }
  for (; i < n; ++i) count += (static_cast<unsigned char>(p[i]) & 0xC0) != 0x80;
  return count;
}

std::vector<std::uint32_t> ByteToCodePointIndex(std::string_view text) {
  std::vector<std::uint32_t> index(text.size() + 1);
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      index[i] = cp++;
    } else {
      index[i] = cp - 1;
    }
  }
  index[text.size()] = cp;
  return index;
}

}  // namespace utf8
}  // namespace akhbar
