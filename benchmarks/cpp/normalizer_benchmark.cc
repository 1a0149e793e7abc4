// The Arabic normaliser against ICU's NFKC alone, over the whole egy2013 corpus (loaded once), one thread.
// Run: build/<dir>/benchmarks/cpp/normalizer_benchmark
// The last benchmark, RatioToIcu, reports akhbar's throughput divided by each ICU baseline's.
#include <benchmark/benchmark.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <time.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "akhbar/normalizer.h"
#include "corpus.h"

namespace {

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    for (auto& a : akhbar::testing::LoadArticles("egy2013")) out.push_back(std::move(a.text));
    return out;
  }();
  return texts;
}

std::int64_t TotalBytes() {
  std::int64_t n = 0;
  for (const auto& t : Texts()) n += static_cast<std::int64_t>(t.size());
  return n;
}

// Measured throughput (bytes/s) of each benchmark, for the ratio.
std::map<std::string, double>& Throughput() {
  static std::map<std::string, double> m;
  return m;
}

// Thread CPU time: fair on a shared machine, and what bytes_per_second is computed from.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

template <typename Fn>
void RunOverCorpus(benchmark::State& state, const char* name, Fn&& fn) {
  if (!akhbar::testing::HaveCorpus("egy2013")) {
    state.SkipWithError("shared corpus egy2013 absent (set AKHBAR_SHARED_DATA)");
    return;
  }
  const auto& texts = Texts();
  const std::int64_t bytes = TotalBytes();
  double seconds = 0;
  for (auto _ : state) {
    const double start = CpuSeconds();
    for (const auto& t : texts) fn(t);
    seconds += CpuSeconds() - start;
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["docs"] = static_cast<double>(texts.size());
  Throughput()[name] = static_cast<double>(state.iterations() * bytes) / seconds;
}

void BM_Akhbar_Normalize(benchmark::State& state) {
  const akhbar::Normalizer normalizer;
  RunOverCorpus(state, "akhbar", [&](const std::string& t) {
    std::string out = normalizer.Normalize(t);
    benchmark::DoNotOptimize(out.data());
  });
}

void BM_Akhbar_NormalizeWithOffsets(benchmark::State& state) {
  const akhbar::Normalizer normalizer;
  std::vector<std::uint32_t> source;
  RunOverCorpus(state, "akhbar_offsets", [&](const std::string& t) {
    std::string out = normalizer.Normalize(t, &source);
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(source.data());
  });
}

// ICU's NFKC through its natural UTF-8 API: normalizeUTF8 into a StringByteSink.
void BM_Icu_NfkcUtf8(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  RunOverCorpus(state, "icu_utf8", [&](const std::string& t) {
    std::string out;
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(t.size()));
    UErrorCode s = U_ZERO_ERROR;
    nfkc->normalizeUTF8(0, icu::StringPiece(t.data(), static_cast<int32_t>(t.size())), sink, nullptr, s);
    benchmark::DoNotOptimize(out.data());
  });
}

// ICU's NFKC through UnicodeString: UTF-8 -> UTF-16, normalize, UTF-16 -> UTF-8.
void BM_Icu_NfkcUnicodeString(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  RunOverCorpus(state, "icu_unicodestring", [&](const std::string& t) {
    UErrorCode s = U_ZERO_ERROR;
    const icu::UnicodeString normalized =
        nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(t.data(), static_cast<int32_t>(t.size()))), s);
    std::string out;
    normalized.toUTF8String(out);
    benchmark::DoNotOptimize(out.data());
  });
}

void BM_RatioToIcu(benchmark::State& state) {
  auto& m = Throughput();
  for (auto _ : state) benchmark::DoNotOptimize(m.size());
  if (!m.count("akhbar") || !m.count("icu_utf8") || !m.count("icu_unicodestring")) {
    state.SkipWithError("run the whole file (no --benchmark_filter) to get the ratios");
    return;
  }
  state.counters["akhbar_MBps"] = m["akhbar"] / 1e6;
  state.counters["icu_nfkc_utf8_MBps"] = m["icu_utf8"] / 1e6;
  state.counters["icu_nfkc_ustring_MBps"] = m["icu_unicodestring"] / 1e6;
  state.counters["x_vs_icu_nfkc_utf8"] = m["akhbar"] / m["icu_utf8"];
  state.counters["x_vs_icu_nfkc_ustring"] = m["akhbar"] / m["icu_unicodestring"];
}

BENCHMARK(BM_Akhbar_Normalize)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Akhbar_NormalizeWithOffsets)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Icu_NfkcUtf8)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Icu_NfkcUnicodeString)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_RatioToIcu)->Iterations(1);

}  // namespace
