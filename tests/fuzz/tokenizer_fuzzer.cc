// Fuzzes the tokeniser: ill-formed UTF-8 must throw InvalidUtf8 at utf8::Validate's offset; otherwise every
// token is non-empty valid UTF-8 whose [start, end) lies inside the input, with starts and ends in order
// (tokens that come from one expanded character, such as U+FDFA, share that character and so may overlap).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "akhbar/error.h"
#include "akhbar/tokenizer.h"
#include "akhbar/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static std::unique_ptr<akhbar::Tokenizer> tokenizers[4];
  auto& slot = tokenizers[data[0] & 3];
  if (!slot) {
    akhbar::TokenizerOptions o;
    o.punct = data[0] & 1;
    o.split_clitics = data[0] & 2;
    slot = std::make_unique<akhbar::Tokenizer>(o);
  }
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t bad = akhbar::utf8::Validate(text);
  try {
    const auto tokens = slot->Tokenize(text);
    if (bad != akhbar::utf8::kValid) std::abort();
    std::size_t last_start = 0, last_end = 0;
    for (const auto& t : tokens) {
      if (t.text.empty() || akhbar::utf8::Validate(t.text) != akhbar::utf8::kValid) std::abort();
      if (t.start >= t.end || t.end > text.size()) std::abort();
      if (t.start < last_start) std::abort();
      if (t.end < last_end) std::abort();
      last_start = t.start;
      last_end = t.end;
    }
  } catch (const akhbar::InvalidUtf8& e) {
    if (bad == akhbar::utf8::kValid || e.byte_offset() != bad) std::abort();
  }
  return 0;
}
