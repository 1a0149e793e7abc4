// The Arabic normaliser against ICU's NFKC alone, over the whole egy2013 corpus (loaded once), one thread.
// Run: build/<dir>/benchmarks/cpp/normalizer_benchmark
// The last benchmark, RatioToIcu, reports akhbar's throughput divided by each ICU baseline's.
// BM_Akhbar_NormalizeCodePointsToUtf16 is the path of Python str input (code points in, UTF-16 out).
#include <benchmark/benchmark.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <time.h>

#include <algorithm>
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

// The corpus as Python stores it (PEP 393): each text at the narrowest of 1, 2 or 4 bytes per code point.
struct StoredText {
  std::basic_string<std::uint8_t> latin1;
  std::u16string ucs2;
  std::u32string utf32;
  akhbar::CodePointText view;
};

const std::vector<StoredText>& StoredTexts() {
  static const std::vector<StoredText> stored = [] {
    std::vector<StoredText> out(Texts().size());
    for (std::size_t k = 0; k < out.size(); ++k) {
      const icu::UnicodeString u = icu::UnicodeString::fromUTF8(Texts()[k]);
      StoredText& s = out[k];
      UChar32 max = 0;
      for (int32_t i = 0; i < u.length();) {
        const UChar32 c = u.char32At(i);
        s.utf32.push_back(static_cast<char32_t>(c));
        max = std::max(max, c);
        i += U16_LENGTH(c);
      }
      if (max < 0x100) {
        s.latin1.assign(s.utf32.begin(), s.utf32.end());
        s.view = akhbar::CodePointText(s.latin1.data(), s.latin1.size());
      } else if (max < 0x10000) {
        s.ucs2.assign(s.utf32.begin(), s.utf32.end());
        s.view = akhbar::CodePointText(s.ucs2.data(), s.ucs2.size());
      } else {
        s.view = akhbar::CodePointText(s.utf32.data(), s.utf32.size());
      }
    }
    return out;
  }();
  return stored;
}

// The path of Python str input: from the stored code points straight to UTF-16 (no UTF-8). bytes_per_second
// still counts the corpus's UTF-8 bytes, so the figure compares with BM_Akhbar_Normalize.
void BM_Akhbar_NormalizeCodePointsToUtf16(benchmark::State& state) {
  const akhbar::Normalizer normalizer;
  if (akhbar::testing::HaveCorpus("egy2013")) StoredTexts();  // converted outside the timing
  std::size_t k = 0;
  std::u16string out;
  RunOverCorpus(state, "akhbar_utf16", [&](const std::string&) {
    const auto& stored = StoredTexts();
    out.clear();
    benchmark::DoNotOptimize(normalizer.NormalizeToUtf16(stored[k].view, &out));
    benchmark::DoNotOptimize(out.data());
    k = k + 1 == stored.size() ? 0 : k + 1;
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
  if (m.count("akhbar_utf16")) {
    state.counters["akhbar_utf16_MBps"] = m["akhbar_utf16"] / 1e6;
    state.counters["x_utf16_vs_icu_nfkc_ustring"] = m["akhbar_utf16"] / m["icu_unicodestring"];
  }
}

BENCHMARK(BM_Akhbar_Normalize)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Akhbar_NormalizeWithOffsets)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Akhbar_NormalizeCodePointsToUtf16)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Icu_NfkcUtf8)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Icu_NfkcUnicodeString)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_RatioToIcu)->Iterations(1);

}  // namespace
