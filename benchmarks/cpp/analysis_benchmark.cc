// Tokeniser and analyser throughput on egy2013 (bytes of original text per second), against ICU's word
// BreakIterator (the tokeniser's reference) in the same run.
#include <benchmark/benchmark.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <string>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/tokenizer.h"
#include "corpus.h"

namespace {

const std::vector<std::string>& Texts() {
  static const std::vector<std::string>* texts = [] {
    auto* out = new std::vector<std::string>;
    for (auto& a : akhbar::testing::LoadArticles("egy2013", 2000)) out->push_back(std::move(a.text));
    return out;
  }();
  return *texts;
}

std::int64_t TotalBytes() {
  std::int64_t n = 0;
  for (const auto& t : Texts()) n += static_cast<std::int64_t>(t.size());
  return n;
}

// Normalise + scan, terms not materialised (the analyser's path).
void BM_TokenizerScan(benchmark::State& state) {
  const akhbar::Tokenizer tok;
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& t : Texts()) {
      const std::string norm = tok.normalizer().Normalize(t);
      tok.Scan(norm, [&](const akhbar::RawToken& r) { n += r.end - r.begin; });
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_TokenizerScan)->Unit(benchmark::kMillisecond);

// Full tokens with texts and offsets into the original.
void BM_TokenizerTokens(benchmark::State& state) {
  const akhbar::Tokenizer tok;
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& t : Texts()) n += tok.Tokenize(t).size();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_TokenizerTokens)->Unit(benchmark::kMillisecond);

// ICU's word BreakIterator over the same (un-normalised) texts, words only: the alternative.
void BM_IcuWordBreak(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& t : Texts()) {
      const icu::UnicodeString u = icu::UnicodeString::fromUTF8(t);
      it->setText(u);
      for (int32_t e = it->next(); e != icu::BreakIterator::DONE; e = it->next()) {
        n += it->getRuleStatus() != UBRK_WORD_NONE;
      }
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_IcuWordBreak)->Unit(benchmark::kMillisecond);

void RunAnalyzer(benchmark::State& state, const akhbar::AnalyzerOptions& o) {
  const akhbar::Analyzer a(o);
  std::size_t terms = 0;
  for (auto _ : state) {
    for (const auto& t : Texts()) a.ForEachTerm(t, [&](std::string_view s) { terms += s.size() != 0; });
    benchmark::DoNotOptimize(terms);
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes());
  state.counters["terms_per_second"] =
      benchmark::Counter(static_cast<double>(terms), benchmark::Counter::kIsRate);
}

void BM_Analyzer(benchmark::State& state) {
  akhbar::AnalyzerOptions o;
  static const char* const kStemmers[] = {"none", "light", "snowball"};
  o.stemmer = kStemmers[state.range(0)];
  o.ngram_max = static_cast<int>(state.range(1));
  state.SetLabel(std::string("stemmer=") + o.stemmer + " ngram_max=" + std::to_string(o.ngram_max));
  RunAnalyzer(state, o);
}
BENCHMARK(BM_Analyzer)->Args({0, 1})->Args({1, 1})->Args({2, 1})->Args({1, 2})->Unit(benchmark::kMillisecond);

void BM_AnalyzerCharWb(benchmark::State& state) {
  akhbar::AnalyzerOptions o;
  o.analyzer = "char_wb";
  o.ngram_min = 2;
  o.ngram_max = 4;
  RunAnalyzer(state, o);
}
BENCHMARK(BM_AnalyzerCharWb)->Unit(benchmark::kMillisecond);

}  // namespace
