// Exact cosine top-k (CosineTopK) against the brute-force reference, and MinHash signatures + LSH, on a TF-IDF
// matrix of egy2013 articles built here (words from MinHasher::Words, smoothed IDF, l2-normalised rows), or on a
// fixed-seed random matrix when the corpus is absent. Items are query rows (top-k) or articles (MinHash).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "akhbar/minhash.h"
#include "akhbar/topk.h"
#include "corpus.h"

namespace {

constexpr std::size_t kArticles = 10000;

struct Corpus {
  std::vector<std::string> texts;
  std::vector<std::int64_t> indptr{0};
  std::vector<std::int32_t> indices;
  std::vector<float> data;
  std::size_t n_cols = 0;
  akhbar::CsrView view() const {
    return akhbar::CsrView{indptr.size() - 1, n_cols, indptr.data(), indices.data(), data.data()};
  }
};

const Corpus& Data() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    std::vector<std::vector<std::string>> docs;
    if (akhbar::testing::HaveCorpus("egy2013")) {
      const akhbar::MinHasher words;
      for (auto& a : akhbar::testing::LoadArticles("egy2013", kArticles)) {
        c->texts.push_back(a.title + "\n" + a.text);
        docs.push_back(words.Words(c->texts.back()));
      }
    } else {
      std::fprintf(stderr, "shared corpus egy2013 absent (set AKHBAR_SHARED_DATA): a fixed-seed random matrix "
                           "instead\n");
      std::mt19937 rng(1);
      std::geometric_distribution<int> zipf(0.001);
      for (std::size_t i = 0; i < kArticles; ++i) {
        docs.emplace_back();
        for (int w = 0; w < 200; ++w) docs.back().push_back("w" + std::to_string(zipf(rng)));
        std::string t;
        for (const auto& w : docs.back()) t += w + " ";
        c->texts.push_back(t);
      }
    }
    std::unordered_map<std::string, std::int32_t> vocab;
    std::vector<std::vector<std::pair<std::int32_t, float>>> rows(docs.size());
    std::vector<double> df;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      std::unordered_map<std::int32_t, float> tf;
      for (const auto& w : docs[d]) {
        const auto it = vocab.emplace(w, static_cast<std::int32_t>(vocab.size())).first;
        tf[it->second] += 1;
      }
      df.resize(vocab.size(), 0);
      for (const auto& [t, f] : tf) {
        rows[d].emplace_back(t, f);
        df[t] += 1;
      }
      std::sort(rows[d].begin(), rows[d].end());
    }
    const double n = static_cast<double>(docs.size());
    for (auto& row : rows) {
      double norm = 0;
      for (auto& [t, w] : row) {
        w = static_cast<float>(w * (std::log((1 + n) / (1 + df[t])) + 1));
        norm += static_cast<double>(w) * w;
      }
      for (const auto& [t, w] : row) {
        c->indices.push_back(t);
        c->data.push_back(static_cast<float>(w / std::sqrt(norm)));
      }
      c->indptr.push_back(static_cast<std::int64_t>(c->indices.size()));
    }
    c->n_cols = vocab.size();
    return c;
  }();
  return *corpus;
}

// Top-10 of 1000 query rows against all rows; Arg = threads, second arg = heavy terms.
void BM_CosineTopK(benchmark::State& state) {
  const Corpus& c = Data();
  akhbar::TopKIndexOptions io;
  io.max_heavy_terms = static_cast<std::size_t>(state.range(1));
  const akhbar::CosineTopK index(c.view(), io);
  akhbar::TopKSearchOptions so;
  so.k = 10;
  so.exclude_self = true;
  const std::size_t rows = 1000;
  std::vector<std::int32_t> idx(rows * 10);
  std::vector<float> sc(rows * 10);
  for (auto _ : state) {
    index.Search(c.view(), 0, rows, so, static_cast<int>(state.range(0)), idx.data(), sc.data());
    benchmark::DoNotOptimize(idx.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
}
// (Wall-clock time: with 2 threads the main thread's CPU time alone gave a rate too high.)
BENCHMARK(BM_CosineTopK)->Args({1, 0})->Args({2, 0})->Args({1, 64})->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_CosineTopKBuild(benchmark::State& state) {
  const Corpus& c = Data();
  for (auto _ : state) {
    const akhbar::CosineTopK index(c.view());
    benchmark::DoNotOptimize(index.n_rows());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(c.indices.size()));
}
BENCHMARK(BM_CosineTopKBuild)->Unit(benchmark::kMillisecond);

// The reference: dense query row, one dot product per corpus row.
void BM_BruteForceTopK(benchmark::State& state) {
  const Corpus& c = Data();
  akhbar::CsrView q = c.view();
  q.n_rows = 100;
  akhbar::TopKSearchOptions so;
  so.k = 10;
  so.exclude_self = true;
  std::vector<std::int32_t> idx(q.n_rows * 10);
  std::vector<float> sc(q.n_rows * 10);
  for (auto _ : state) {
    akhbar::BruteForceTopK(q, c.view(), so, idx.data(), sc.data());
    benchmark::DoNotOptimize(idx.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(q.n_rows));
}
BENCHMARK(BM_BruteForceTopK)->Unit(benchmark::kMillisecond);

void BM_MinHashSignatures(benchmark::State& state) {
  const Corpus& c = Data();
  const akhbar::MinHasher h;
  const std::vector<std::string_view> views(c.texts.begin(), c.texts.end());
  std::vector<std::uint32_t> sig(views.size() * 128);
  std::int64_t bytes = 0;
  for (const auto& t : c.texts) bytes += static_cast<std::int64_t>(t.size());
  for (auto _ : state) {
    h.Signatures(views, 1, sig.data());
    benchmark::DoNotOptimize(sig.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(views.size()));
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_MinHashSignatures)->Unit(benchmark::kMillisecond);

void BM_NearDuplicates(benchmark::State& state) {
  const Corpus& c = Data();
  const akhbar::MinHasher h;
  const std::vector<std::string_view> views(c.texts.begin(), c.texts.end());
  std::vector<std::uint32_t> sig(views.size() * 128);
  h.Signatures(views, 2, sig.data());
  const akhbar::LshParams p = akhbar::OptimalLshParams(0.8, 128);
  for (auto _ : state) {
    auto pairs = akhbar::FindNearDuplicates(sig.data(), views.size(), 128, 0.8, p, 1);
    benchmark::DoNotOptimize(pairs.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(views.size()));
}
BENCHMARK(BM_NearDuplicates)->Unit(benchmark::kMillisecond);

}  // namespace
