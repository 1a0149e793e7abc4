// Fuzzes the analyser under several option sets (word 1-2 grams with the light or Snowball stemmer, char_wb):
// valid input gives non-empty, valid UTF-8 terms, and Analyze agrees with ForEachTerm; ill-formed input throws
// InvalidUtf8 at utf8::Validate's offset.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/error.h"
#include "akhbar/utf8.h"

namespace {

const akhbar::Analyzer& AnalyzerFor(std::uint8_t bits) {
  static std::unique_ptr<akhbar::Analyzer> cache[4];
  auto& slot = cache[bits & 3];
  if (!slot) {
    akhbar::AnalyzerOptions o;
    switch (bits & 3) {
      case 0: break;
      case 1: o.ngram_max = 2; o.stemmer = "snowball"; break;
      case 2: o.analyzer = "char_wb"; o.ngram_min = 2; o.ngram_max = 4; break;
      default: o.analyzer = "char"; o.ngram_min = 1; o.ngram_max = 3; o.stop_words = false; break;
    }
    slot = std::make_unique<akhbar::Analyzer>(o);
  }
  return *slot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const akhbar::Analyzer& a = AnalyzerFor(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t bad = akhbar::utf8::Validate(text);
  try {
    const std::vector<std::string> terms = a.Analyze(text);
    if (bad != akhbar::utf8::kValid) std::abort();
    std::size_t k = 0;
    a.ForEachTerm(text, [&](std::string_view t) {
      if (k >= terms.size() || terms[k] != t) std::abort();
      ++k;
    });
    if (k != terms.size()) std::abort();
    for (const auto& t : terms) {
      if (t.empty() || akhbar::utf8::Validate(t) != akhbar::utf8::kValid) std::abort();
    }
  } catch (const akhbar::InvalidUtf8& e) {
    if (bad == akhbar::utf8::kValid || e.byte_offset() != bad) std::abort();
  }
  return 0;
}
