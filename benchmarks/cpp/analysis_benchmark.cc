// Tokeniser and analyser throughput on egy2013 (bytes of original text per second), against ICU's word
// BreakIterator (the tokeniser's reference) in the same run.
#include <benchmark/benchmark.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "akhbar/analysis_memo.h"
#include "akhbar/analyzer.h"
#include "akhbar/utf8.h"
#include "akhbar/tokenizer.h"
#include "corpus.h"

namespace {

const std::vector<std::string>& Texts() {
  static const std::vector<std::string>* texts = [] {
    akhbar::testing::RequireCorpus("egy2013");
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

// The distinct chunks (between ASCII whitespace) of the 2000 texts, in first-seen order: what a memo analyses
// on its misses, one short string at a time.
const std::vector<std::string>& DistinctChunks() {
  static const std::vector<std::string>* chunks = [] {
    auto* out = new std::vector<std::string>;
    std::unordered_set<std::string> seen;
    for (const auto& t : Texts()) {
      std::size_t i = 0;
      while (i < t.size()) {
        while (i < t.size() && (t[i] == ' ' || (t[i] >= '\t' && t[i] <= '\r'))) ++i;
        std::size_t j = i;
        while (j < t.size() && !(t[j] == ' ' || (t[j] >= '\t' && t[j] <= '\r'))) ++j;
        if (j > i && seen.insert(t.substr(i, j - i)).second) out->push_back(t.substr(i, j - i));
        i = j;
      }
    }
    return out;
  }();
  return *chunks;
}

// The memo's miss path: Tokens + TokenTerm on each distinct chunk alone (per-call costs dominate), against
// BM_Analyzer's whole texts. Bytes are the chunks'.
void BM_AnalyzerDistinctChunks(benchmark::State& state) {
  const akhbar::Analyzer a;
  akhbar::TextTokens tokens;
  akhbar::TermScratch scratch;
  std::size_t terms = 0;
  std::int64_t bytes = 0;
  for (const auto& c : DistinctChunks()) bytes += static_cast<std::int64_t>(c.size());
  for (auto _ : state) {
    for (const auto& c : DistinctChunks()) {
      a.Tokens(c, &tokens);
      for (const akhbar::RawToken& t : tokens.tokens) {
        std::string_view term;
        terms += a.TokenTerm(tokens.Surface(t), t.kind, &scratch, &term);
      }
    }
    benchmark::DoNotOptimize(terms);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["chunks_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * DistinctChunks().size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnalyzerDistinctChunks)->Unit(benchmark::kMillisecond);

// The texts as UCS-2 (Python's storage of most Arabic str); texts outside the BMP are left out.
const std::vector<std::u16string>& Ucs2Texts() {
  static const std::vector<std::u16string>* texts = [] {
    auto* out = new std::vector<std::u16string>;
    for (const auto& t : Texts()) {
      std::u16string u;
      bool bmp = true;
      for (std::size_t i = 0; i < t.size() && bmp;) {
        int len = 0;
        const std::int32_t cp = akhbar::utf8::Decode(t, i, &len);
        bmp = cp >= 0 && cp < 0x10000;
        u.push_back(static_cast<char16_t>(cp));
        i += static_cast<std::size_t>(len);
      }
      if (bmp) out->push_back(std::move(u));
    }
    return out;
  }();
  return *texts;
}

// AnalyzerMemo (the Python analyser's path): term ids of every text, each distinct chunk between ASCII
// whitespace analysed once. Arg 0: a new memo every iteration (cold: every distinct chunk of the 2000 texts
// analysed once), 1: one memo for all iterations (warm: lookups only). Arg 1: UTF-8 (0) or UCS-2 (1) input.
// Bytes are those of the UTF-8 texts (UCS-2: of the texts used).
void BM_AnalyzerMemo(benchmark::State& state) {
  const akhbar::Analyzer a;
  const bool warm = state.range(0) == 1, ucs2 = state.range(1) == 1;
  auto memo = std::make_unique<akhbar::AnalyzerMemo>(a);
  std::vector<std::uint32_t> ids;
  std::size_t terms = 0;
  auto run = [&] {
    if (ucs2) {
      for (const auto& t : Ucs2Texts()) {
        memo->Analyze(t.data(), t.size(), &ids);
        terms += ids.size();
      }
    } else {
      for (const auto& t : Texts()) {
        memo->Analyze(t, &ids);
        terms += ids.size();
      }
    }
  };
  if (warm) run();
  terms = 0;
  for (auto _ : state) {
    if (!warm) {
      state.PauseTiming();
      memo = std::make_unique<akhbar::AnalyzerMemo>(a);
      state.ResumeTiming();
    }
    run();
    benchmark::DoNotOptimize(ids.data());
  }
  std::int64_t bytes = 0;
  if (ucs2) {
    for (const auto& t : Ucs2Texts()) {
      std::string u;
      for (char16_t c : t) akhbar::utf8::Append(c, u);
      bytes += static_cast<std::int64_t>(u.size());
    }
  } else {
    bytes = TotalBytes();
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetLabel(std::string(warm ? "warm" : "cold") + (ucs2 ? " ucs2" : " utf8"));
  state.counters["terms_per_second"] = benchmark::Counter(static_cast<double>(terms), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnalyzerMemo)->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1})->Unit(benchmark::kMillisecond);

}  // namespace
