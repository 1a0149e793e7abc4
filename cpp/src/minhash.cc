#include "akhbar/minhash.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "akhbar/clusters.h"
#include "akhbar/error.h"
#include "akhbar/normalizer.h"
#include "akhbar/parallel.h"
#include "akhbar/utf8.h"
#include "hash_util.h"

namespace akhbar {

namespace {

using internal::Mix64;

inline std::uint64_t HashBytes(std::string_view s) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return Mix64(h);
}

bool IsWordChar(std::int32_t cp) {
  if (u_isalnum(cp)) return true;
  const std::int8_t type = u_charType(cp);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

// Calls fn(word) for each word of normalised text.
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  std::size_t start = std::string_view::npos;
  while (i < text.size()) {
    int len = 0;
    const std::int32_t cp = utf8::Decode(text, i, &len);
    if (len <= 0) utf8::CheckValid(text);
    if (IsWordChar(cp)) {
      if (start == std::string_view::npos) start = i;
    } else if (start != std::string_view::npos) {
      fn(text.substr(start, i - start));
      start = std::string_view::npos;
    }
    i += static_cast<std::size_t>(len);
  }
  if (start != std::string_view::npos) fn(text.substr(start));
}

double Probability(double s, int bands, int rows) { return 1.0 - std::pow(1.0 - std::pow(s, rows), bands); }

double Integrate(double lo, double hi, int bands, int rows, bool complement) {
  constexpr int kSteps = 64;
  if (hi <= lo) return 0;
  const double step = (hi - lo) / kSteps;
  double sum = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const double p = Probability(lo + i * step, bands, rows);
    sum += (i == 0 || i == kSteps ? 0.5 : 1.0) * (complement ? 1.0 - p : p);
  }
  return sum * step;
}

}  // namespace

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  if (options.num_perm < 8 || options.num_perm > 4096) {
    throw InvalidArgument("num_perm must be between 8 and 4096, not " + std::to_string(options.num_perm));
  }
  if (options.shingle_size < 1 || options.shingle_size > 32) {
    throw InvalidArgument("shingle_size must be between 1 and 32, not " + std::to_string(options.shingle_size));
  }
  normalizer_ = std::make_unique<Normalizer>();
}

MinHasher::~MinHasher() = default;

std::vector<std::string> MinHasher::Words(std::string_view text) const {
  const std::string normalized = normalizer_->Normalize(text);
  std::vector<std::string> words;
  ForEachWord(normalized, [&](std::string_view w) { words.emplace_back(w); });
  return words;
}

std::vector<std::uint64_t> MinHasher::ShingleHashes(std::string_view text) const {
  const std::string normalized = normalizer_->Normalize(text);
  std::vector<std::uint64_t> word_hashes;
  ForEachWord(normalized, [&](std::string_view w) { word_hashes.push_back(HashBytes(w)); });
  std::vector<std::uint64_t> out;
  if (word_hashes.empty()) return out;
  const std::size_t size = static_cast<std::size_t>(options_.shingle_size);
  const std::size_t span = std::min(size, word_hashes.size());
  out.reserve(word_hashes.size() - span + 1);
  for (std::size_t i = 0; i + span <= word_hashes.size(); ++i) {
    std::uint64_t h = options_.seed * 0x9E3779B97F4A7C15ULL + span;
    for (std::size_t k = 0; k < span; ++k) h = Mix64(h * 0x9E3779B97F4A7C15ULL + word_hashes[i + k]);
    out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void MinHasher::SignatureOfHashes(const std::vector<std::uint64_t>& hashes, std::uint32_t* out) const {
  const std::uint32_t bins = static_cast<std::uint32_t>(options_.num_perm);
  std::fill(out, out + bins, kEmptySignature);
  if (hashes.empty()) return;
  std::vector<bool> filled(bins, false);
  const std::uint64_t salt = Mix64(options_.seed ^ 0x5851F42D4C957F2DULL);
  for (const std::uint64_t x : hashes) {
    const std::uint64_t y = Mix64(x ^ salt);
    const std::uint32_t bin = static_cast<std::uint32_t>(((y >> 32) * bins) >> 32);
    const std::uint32_t value = std::min<std::uint32_t>(static_cast<std::uint32_t>(y), kEmptySignature - 1);
    if (!filled[bin] || value < out[bin]) out[bin] = value;
    filled[bin] = true;
  }
  std::vector<std::uint32_t> original(out, out + bins);
  if (options_.densification == Densification::kRotation) {
    // An empty bin takes the value of the next non-empty bin (circularly), shifted by the distance.
    for (std::uint32_t i = 0; i < bins; ++i) {
      if (filled[i]) continue;
      std::uint32_t d = 1;
      while (!filled[(i + d) % bins]) ++d;
      const std::uint32_t v = original[(i + d) % bins] + d * 0x9E3779B1u;
      out[i] = std::min<std::uint32_t>(v, kEmptySignature - 1);
    }
    return;
  }
  // An empty bin takes the value of the first non-empty bin among bins h(i, 1), h(i, 2), ...: the same
  // sequence for every text. For two texts, the first bin of it that either fills holds the smaller minimum
  // of their union, and they agree there exactly when both hold it: with probability their Jaccard similarity.
  // (Expected probes: bins / filled bins. A sequence that finds none in 64 rounds of `bins` probes, which has
  // a vanishing probability, ends at the next non-empty bin.)
  const std::uint64_t probe_salt = Mix64(options_.seed ^ 0xD1B54A32D192ED03ULL);
  for (std::uint32_t i = 0; i < bins; ++i) {
    if (filled[i]) continue;
    std::uint32_t from = bins;
    for (std::uint64_t t = 1; t <= 64ULL * bins && from == bins; ++t) {
      const std::uint64_t y = Mix64(probe_salt ^ ((static_cast<std::uint64_t>(i) << 32) | t));
      const auto j = static_cast<std::uint32_t>(((y >> 32) * bins) >> 32);
      if (filled[j]) from = j;
    }
    for (std::uint32_t d = 1; from == bins; ++d) {
      if (filled[(i + d) % bins]) from = (i + d) % bins;
    }
    out[i] = original[from];
  }
}

void MinHasher::Signature(std::string_view text, std::uint32_t* out) const {
  SignatureOfHashes(ShingleHashes(text), out);
}

void MinHasher::Signatures(const std::vector<std::string_view>& texts, int n_threads, std::uint32_t* out) const {
  const std::size_t m = static_cast<std::size_t>(options_.num_perm);
  ParallelFor(texts.size(), n_threads, 64, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) ForText("text", i, [&] { Signature(texts[i], out + i * m); });
  });
}

double EstimateJaccard(const std::uint32_t* a, const std::uint32_t* b, int num_perm) noexcept {
  if (num_perm <= 0 || a[0] == kEmptySignature || b[0] == kEmptySignature) return 0.0;
  int equal = 0;
  for (int i = 0; i < num_perm; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / num_perm;
}

double ExactJaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) noexcept {
  if (a.empty() && b.empty()) return 1.0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

LshParams OptimalLshParams(double threshold, int num_perm, double fp_weight, double fn_weight) {
  if (!(threshold > 0.0 && threshold < 1.0)) {
    throw InvalidArgument("threshold must be between 0 and 1 (exclusive), not " + std::to_string(threshold));
  }
  if (num_perm < 1) throw InvalidArgument("num_perm must be positive, not " + std::to_string(num_perm));
  LshParams best{1, 1};
  double best_error = INFINITY;
  for (int b = 1; b <= num_perm; ++b) {
    for (int r = 1; r <= num_perm / b; ++r) {
      const double fp = Integrate(0.0, threshold, b, r, false);
      const double fn = Integrate(threshold, 1.0, b, r, true);
      const double error = fp * fp_weight + fn * fn_weight;
      if (error < best_error) {
        best_error = error;
        best = {b, r};
      }
    }
  }
  return best;
}

namespace {

void CheckLshParams(LshParams params, int num_perm) {
  if (params.bands < 1 || params.rows < 1 || params.bands * params.rows > num_perm) {
    throw InvalidArgument("LSH bands * rows must be at most num_perm");
  }
}

// The LSH keys of band `band` of the non-empty signatures, as (key, article) sorted: the articles of one bucket
// are a run of one key.
void BandKeys(const std::uint32_t* signatures, std::size_t n, std::size_t m, LshParams params, std::size_t band,
              std::vector<std::pair<std::uint64_t, std::int32_t>>* keys, const std::vector<char>* skip = nullptr) {
  keys->clear();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t* sig = signatures + i * m;
    if (sig[0] == kEmptySignature || (skip != nullptr && (*skip)[i])) continue;
    std::uint64_t h = band + 1;
    for (int r = 0; r < params.rows; ++r) h = Mix64(h * 0x9E3779B97F4A7C15ULL + sig[band * params.rows + r]);
    keys->emplace_back(h, static_cast<std::int32_t>(i));
  }
  std::sort(keys->begin(), keys->end());
}

}  // namespace

std::vector<NearDuplicatePair> FindNearDuplicates(const std::uint32_t* signatures, std::size_t n, int num_perm,
                                                  double threshold, LshParams params, int n_threads) {
  CheckLshParams(params, num_perm);
  const std::size_t m = static_cast<std::size_t>(num_perm);
  const std::size_t bands = static_cast<std::size_t>(params.bands);
  std::vector<std::vector<std::uint64_t>> per_band(bands);  // candidate pairs as (a << 32 | b)
  ParallelFor(bands, n_threads, 1, [&](std::size_t b0, std::size_t b1) {
    std::vector<std::pair<std::uint64_t, std::int32_t>> keys;
    for (std::size_t band = b0; band < b1; ++band) {
      BandKeys(signatures, n, m, params, band, &keys);
      auto& pairs = per_band[band];
      for (std::size_t g = 0; g < keys.size();) {
        std::size_t e = g + 1;
        while (e < keys.size() && keys[e].first == keys[g].first) ++e;
        for (std::size_t x = g; x < e; ++x) {
          for (std::size_t y = x + 1; y < e; ++y) {
            pairs.push_back(static_cast<std::uint64_t>(keys[x].second) << 32 | static_cast<std::uint32_t>(keys[y].second));
          }
        }
        g = e;
      }
      std::sort(pairs.begin(), pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    }
  });
  std::vector<std::uint64_t> candidates;
  for (auto& p : per_band) {
    candidates.insert(candidates.end(), p.begin(), p.end());
    std::vector<std::uint64_t>().swap(p);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  // (In double, as the threshold: a float estimate of exactly the threshold, such as 70 / 100 for 0.7, can
  // fall below it.)
  std::vector<double> estimate(candidates.size());
  ParallelFor(candidates.size(), n_threads, 4096, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::size_t x = static_cast<std::size_t>(candidates[i] >> 32);
      const std::size_t y = static_cast<std::size_t>(candidates[i] & 0xFFFFFFFFu);
      estimate[i] = EstimateJaccard(signatures + x * m, signatures + y * m, num_perm);
    }
  });
  std::vector<NearDuplicatePair> out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (estimate[i] >= threshold) {
      out.push_back({static_cast<std::int32_t>(candidates[i] >> 32),
                     static_cast<std::int32_t>(candidates[i] & 0xFFFFFFFFu), static_cast<float>(estimate[i])});
    }
  }
  return out;
}

std::vector<std::int32_t> NearDuplicateComponents(const std::uint32_t* signatures, std::size_t n, int num_perm,
                                                  double threshold, LshParams params, int n_threads) {
  CheckLshParams(params, num_perm);
  const std::size_t m = static_cast<std::size_t>(num_perm);
  const std::size_t bands = static_cast<std::size_t>(params.bands);
  // Equal signatures (copies of one text: the commonest large group) are joined first, and only the first of
  // them goes into the buckets.
  UnionFind sets(n);
  std::vector<char> copy(n, 0);
  {
    std::vector<std::pair<std::uint64_t, std::int32_t>> whole;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t* sig = signatures + i * m;
      if (sig[0] == kEmptySignature) continue;
      std::uint64_t h = 0;
      for (std::size_t r = 0; r < m; ++r) h = Mix64(h * 0x9E3779B97F4A7C15ULL + sig[r]);
      whole.emplace_back(h, static_cast<std::int32_t>(i));
    }
    std::sort(whole.begin(), whole.end());
    for (std::size_t g = 0, e = 0; g < whole.size(); g = e) {
      const std::uint32_t* first = signatures + static_cast<std::size_t>(whole[g].second) * m;
      for (e = g + 1; e < whole.size() && whole[e].first == whole[g].first; ++e) {
        const std::size_t i = static_cast<std::size_t>(whole[e].second);
        if (std::equal(first, first + m, signatures + i * m)) {
          sets.Union(whole[g].second, whole[e].second);
          copy[i] = 1;
        }
      }
    }
  }
  std::vector<std::vector<std::pair<std::uint64_t, std::int32_t>>> keys(bands);
  ParallelFor(bands, n_threads, 1, [&](std::size_t b0, std::size_t b1) {
    for (std::size_t band = b0; band < b1; ++band) BandKeys(signatures, n, m, params, band, &keys[band], &copy);
  });
  // Bands and buckets in order, on one thread (the components do not depend on the order; which pairs are
  // estimated does).
  for (auto& band_keys : keys) {
    for (std::size_t g = 0; g < band_keys.size();) {
      std::size_t e = g + 1;
      while (e < band_keys.size() && band_keys[e].first == band_keys[g].first) ++e;
      for (std::size_t y = g + 1; y < e; ++y) {
        const std::int32_t b = band_keys[y].second;
        for (std::size_t x = g; x < y; ++x) {
          const std::int32_t a = band_keys[x].second;
          if (sets.Find(a) == sets.Find(b)) continue;  // (already joined: the pair's estimate changes nothing)
          const std::uint32_t* sa = signatures + static_cast<std::size_t>(a) * m;
          if (EstimateJaccard(sa, signatures + static_cast<std::size_t>(b) * m, num_perm) >= threshold) sets.Union(a, b);
        }
      }
      g = e;
    }
    std::vector<std::pair<std::uint64_t, std::int32_t>>().swap(band_keys);
  }
  std::vector<std::int32_t> smallest(n, -1), component(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t& s = smallest[static_cast<std::size_t>(sets.Find(static_cast<std::int32_t>(i)))];
    if (s < 0) s = static_cast<std::int32_t>(i);
    component[i] = s;
  }
  return component;
}

}  // namespace akhbar
