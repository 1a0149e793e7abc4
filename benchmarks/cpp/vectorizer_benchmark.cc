// Google Benchmark of the vectorisers' C++ API on egy2013 (the first AKHBAR_BENCH_DOCS articles, default
// 10000): fit, fit_transform and transform, on 1 and 2 threads, word unigrams, word bigrams and char_wb
// 2-4-grams, plus the analyser alone (the share of the time the analyser takes), and hashing. Items are
// documents.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/hashing_vectorizer.h"
#include "akhbar/vectorizer.h"
#include "corpus.h"

namespace akhbar {
namespace {

const std::vector<std::string_view>& Texts() {
  static const auto* texts = [] {
    testing::RequireCorpus("egy2013");
    const char* env = std::getenv("AKHBAR_BENCH_DOCS");
    const std::size_t n = env ? std::strtoul(env, nullptr, 10) : 10000;
    static const std::vector<testing::Article> articles = testing::LoadArticles("egy2013", n);
    auto* out = new std::vector<std::string_view>();
    for (const auto& a : articles) out->push_back(a.text);
    return out;
  }();
  return *texts;
}

std::int64_t Bytes() {
  std::int64_t b = 0;
  for (const auto t : Texts()) b += static_cast<std::int64_t>(t.size());
  return b;
}

std::shared_ptr<const Analyzer> MakeAnalyzer(int kind) {
  AnalyzerOptions o;
  if (kind == 1) o.ngram_max = 2;
  if (kind == 2) {
    o.analyzer = "char_wb";
    o.ngram_min = 2;
    o.ngram_max = 4;
  }
  return std::make_shared<const Analyzer>(o);
}

// Args: analyser kind (0 word, 1 word 1-2 with min_df=2, 2 char_wb 2-4), threads.
void BM_FitTransform(benchmark::State& state) {
  const auto analyzer = MakeAnalyzer(static_cast<int>(state.range(0)));
  VectorizerOptions o;
  if (state.range(0) == 1) o.min_df = 2;
  const DocumentBatch docs = DocumentBatch::FromTexts(Texts());
  for (auto _ : state) {
    Vectorizer v(o, analyzer);
    SparseMatrix m = v.FitTransform(docs, static_cast<int>(state.range(1)));
    benchmark::DoNotOptimize(m.nnz());
    state.counters["features"] = static_cast<double>(v.n_features());
    state.counters["vocab_bytes_per_term"] = static_cast<double>(v.VocabularyBytes()) / v.terms().size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(Texts().size()));
  state.SetBytesProcessed(state.iterations() * Bytes());
}
BENCHMARK(BM_FitTransform)->ArgsProduct({{0, 1, 2}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Transform(benchmark::State& state) {
  const auto analyzer = MakeAnalyzer(0);
  const std::vector<std::string_view>& all = Texts();
  const std::size_t half = all.size() / 2;
  Vectorizer v(VectorizerOptions(), analyzer);
  v.Fit(DocumentBatch::FromTexts({all.begin(), all.begin() + static_cast<std::ptrdiff_t>(half)}), 2);
  const DocumentBatch unseen = DocumentBatch::FromTexts({all.begin() + static_cast<std::ptrdiff_t>(half), all.end()});
  for (auto _ : state) {
    SparseMatrix m = v.Transform(unseen, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(m.nnz());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(unseen.size()));
}
BENCHMARK(BM_Transform)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The analyser alone over the same documents: the floor under fit and transform.
void BM_AnalyzerOnly(benchmark::State& state) {
  const auto analyzer = MakeAnalyzer(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto t : Texts()) analyzer->ForEachTerm(t, [&](std::string_view) { ++n; });
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(Texts().size()));
  state.SetBytesProcessed(state.iterations() * Bytes());
}
BENCHMARK(BM_AnalyzerOnly)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Args: threads, cold (1: the analysis cache emptied before each run; 0: kept from the run before).
void BM_Hashing(benchmark::State& state) {
  HashingVectorizer h(HashingOptions(), MakeAnalyzer(0));
  const DocumentBatch docs = DocumentBatch::FromTexts(Texts());
  for (auto _ : state) {
    if (state.range(1) != 0) {
      state.PauseTiming();
      h.ClearCache();
      state.ResumeTiming();
    }
    SparseMatrix m = h.Transform(docs, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(m.nnz());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(Texts().size()));
  state.SetBytesProcessed(state.iterations() * Bytes());
}
BENCHMARK(BM_Hashing)->ArgsProduct({{1, 2}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace akhbar
