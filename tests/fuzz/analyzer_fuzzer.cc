// Fuzzes the analyser under several option sets (word 1-2 grams with the light or Snowball stemmer, char_wb):
// valid input gives non-empty, valid UTF-8 terms, and Analyze agrees with ForEachTerm and with AnalyzerMemo (a
// memo kept warm across inputs, reading the text as UTF-8 and as UCS-2 or UCS-4); ill-formed input throws
// InvalidUtf8 at utf8::Validate's offset, from the memo too.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/analysis_memo.h"
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

akhbar::AnalyzerMemo& MemoFor(std::uint8_t bits) {
  static std::unique_ptr<akhbar::AnalyzerMemo> cache[4];
  auto& slot = cache[bits & 3];
  if (!slot) slot = std::make_unique<akhbar::AnalyzerMemo>(AnalyzerFor(bits), std::size_t{1} << 12);
  if (slot->OverBudget()) slot->Clear();
  return *slot;
}

void ExpectTerms(const akhbar::AnalyzerMemo& memo, const std::vector<std::uint32_t>& ids,
                 const std::vector<std::string>& terms) {
  if (ids.size() != terms.size()) std::abort();
  for (std::size_t k = 0; k < ids.size(); ++k) {
    if (ids[k] >= memo.term_count() || memo.Term(ids[k]) != terms[k]) std::abort();
  }
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
    akhbar::AnalyzerMemo& memo = MemoFor(data[0]);
    std::vector<std::uint32_t> ids;
    memo.Analyze(text, &ids);
    ExpectTerms(memo, ids, terms);
    std::u32string wide;
    for (std::size_t i = 0; i < text.size();) {
      int len = 0;
      wide.push_back(static_cast<char32_t>(akhbar::utf8::Decode(text, i, &len)));
      i += static_cast<std::size_t>(len);
    }
    bool bmp = true;
    for (const char32_t c : wide) bmp = bmp && c < 0x10000;
    bool ok;
    if (bmp) {
      const std::u16string units(wide.begin(), wide.end());
      ok = memo.Analyze(units.data(), units.size(), &ids);
    } else {
      ok = memo.Analyze(wide.data(), wide.size(), &ids);
    }
    if (!ok) std::abort();  // valid UTF-8 holds no surrogate
    ExpectTerms(memo, ids, terms);
  } catch (const akhbar::InvalidUtf8& e) {
    if (bad == akhbar::utf8::kValid || e.byte_offset() != bad) std::abort();
    std::vector<std::uint32_t> ids;
    try {
      MemoFor(data[0]).Analyze(text, &ids);
    } catch (const akhbar::InvalidUtf8& m) {
      if (m.byte_offset() != bad) std::abort();
      return 0;
    }
    std::abort();  // the memo accepted ill-formed UTF-8
  }
  return 0;
}
