// Fuzzes the normaliser with arbitrary bytes and option sets: it must either throw InvalidUtf8 (for ill-formed
// input, at the offset utf8::Validate names) or return valid UTF-8 that is stable under a second pass, with one
// non-decreasing in-range source offset per output code point.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/normalizer.h"
#include "akhbar/utf8.h"

namespace {

const akhbar::Normalizer& NormalizerFor(std::uint8_t bits) {
  static std::unique_ptr<akhbar::Normalizer> cache[32];
  auto& slot = cache[bits & 31];
  if (!slot) {
    akhbar::NormalizerOptions o;
    o.remove_diacritics = bits & 1;
    o.fold_hamza_carriers = bits & 2;
    o.keep_newlines = bits & 4;
    o.remove_tatweel = bits & 8;
    o.strip_accents = bits & 16;
    slot = std::make_unique<akhbar::Normalizer>(o);
  }
  return *slot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const akhbar::Normalizer& n = NormalizerFor(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t bad = akhbar::utf8::Validate(text);
  std::vector<std::uint32_t> source;
  std::string out;
  try {
    out = n.Normalize(text, &source);
  } catch (const akhbar::InvalidUtf8& e) {
    if (bad == akhbar::utf8::kValid || e.byte_offset() != bad) std::abort();
    return 0;
  }
  if (bad != akhbar::utf8::kValid) std::abort();
  if (akhbar::utf8::Validate(out) != akhbar::utf8::kValid) std::abort();
  if (source.size() != akhbar::utf8::CountCodePoints(out)) std::abort();
  for (std::size_t k = 0; k < source.size(); ++k) {
    if (source[k] >= text.size() || (k > 0 && source[k] < source[k - 1])) std::abort();
  }
  if (n.Normalize(out) != out) std::abort();
  return 0;
}
