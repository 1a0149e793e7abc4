#include "akhbar/minhash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "akhbar/clusters.h"
#include "akhbar/error.h"

namespace akhbar {
namespace {

std::string RandomText(std::mt19937& rng, int words) {
  static const std::vector<std::string> vocab = {"القاهرة", "الرئيس", "مرسي", "الحكومة", "المعارضة", "جبهة",
                                                 "الانقاذ", "وزير", "الداخلية", "مظاهرات", "التحرير", "بورسعيد",
                                                 "الشرطة", "قال", "اليوم", "مصدر", "الدستور", "انتخابات",
                                                 "البرلمان", "الجيش", "السفيرة", "الامريكية", "news", "2013"};
  std::uniform_int_distribution<std::size_t> pick(0, vocab.size() - 1);
  std::string s;
  for (int i = 0; i < words; ++i) s += (i ? " " : "") + vocab[pick(rng)];
  return s;
}

TEST(MinHash, WordsAreNormalised) {
  const MinHasher h;
  EXPECT_EQ(h.Words("أعلنَ الرئيسُ، اليوم: 12 قراراً!"),
            (std::vector<std::string>{"اعلن", "الرئيس", "اليوم", "12", "قرارا"}));
  EXPECT_TRUE(h.ShingleHashes(" ... ").empty());
  EXPECT_EQ(h.ShingleHashes("واحد اثنان").size(), 1u);  // fewer words than a shingle: one shingle
  EXPECT_EQ(h.ShingleHashes("أ ب ج د").size(), 2u);
  EXPECT_THROW(h.Words(std::string("\xFF")), InvalidUtf8);
}

// The estimate tracks the exact Jaccard similarity of the shingle sets.
TEST(MinHash, EstimateTracksExactJaccard) {
  std::mt19937 rng(5);
  MinHashOptions o;
  o.num_perm = 256;
  const MinHasher h(o);
  double total_error = 0;
  const int trials = 60;
  for (int t = 0; t < trials; ++t) {
    const std::string base = RandomText(rng, 200);
    // A prefix of the base (cut at a space) plus new words.
    std::size_t cut = base.size() * static_cast<std::size_t>(t % 10 + 1) / 11;
    cut = base.rfind(' ', cut);
    std::string edited = base.substr(0, cut) + " " + RandomText(rng, 20 * (t % 5));
    const auto a = h.ShingleHashes(base), b = h.ShingleHashes(edited);
    std::vector<std::uint32_t> sa(o.num_perm), sb(o.num_perm);
    h.SignatureOfHashes(a, sa.data());
    h.SignatureOfHashes(b, sb.data());
    const double exact = ExactJaccard(a, b);
    const double est = EstimateJaccard(sa.data(), sb.data(), o.num_perm);
    EXPECT_NEAR(est, exact, 0.15) << "trial " << t;
    total_error += std::fabs(est - exact);
  }
  EXPECT_LT(total_error / trials, 0.05);
}

// Short texts (titles, alerts: a few shingles, most bins empty): optimal densification keeps the estimate
// unbiased with an error close to independent permutations'; rotation underestimated them.
TEST(MinHash, ShortTextsEstimateWithOptimalDensification) {
  std::mt19937 rng(11);
  std::vector<std::uint64_t> universe(4000);
  for (auto& x : universe) x = (static_cast<std::uint64_t>(rng()) << 32) | rng();
  MinHashOptions o;
  const MinHasher optimal(o);
  o.densification = Densification::kRotation;
  const MinHasher rotation(o);
  for (const int size : {3, 6, 12, 25}) {
    double error[2] = {0, 0}, bias[2] = {0, 0};
    const int trials = 400;
    for (int t = 0; t < trials; ++t) {
      // Two sets of `size` shingles sharing the first `shared`.
      std::shuffle(universe.begin(), universe.end(), rng);
      const int shared = 1 + static_cast<int>(rng() % static_cast<unsigned>(size));
      std::vector<std::uint64_t> a(universe.begin(), universe.begin() + size);
      std::vector<std::uint64_t> b(universe.begin(), universe.begin() + shared);
      b.insert(b.end(), universe.begin() + size, universe.begin() + size + (size - shared));
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      const double exact = ExactJaccard(a, b);
      int k = 0;
      for (const MinHasher* h : {&optimal, &rotation}) {
        std::vector<std::uint32_t> sa(o.num_perm), sb(o.num_perm);
        h->SignatureOfHashes(a, sa.data());
        h->SignatureOfHashes(b, sb.data());
        const double est = EstimateJaccard(sa.data(), sb.data(), o.num_perm);
        error[k] += std::fabs(est - exact) / trials;
        bias[k] += (est - exact) / trials;
        ++k;
      }
    }
    // Independent permutations give a mean error of about 0.035 here.
    EXPECT_LT(error[0], 0.04) << size << " shingles";
    EXPECT_LT(std::fabs(bias[0]), 0.01) << size << " shingles";
    EXPECT_GT(error[1], error[0]) << size << " shingles";
  }
  // Both fill every bin of a non-empty text from its own minima: a one-shingle text has one value throughout.
  std::vector<std::uint32_t> one(o.num_perm);
  optimal.SignatureOfHashes({42}, one.data());
  EXPECT_EQ(std::count(one.begin(), one.end(), one[0]), o.num_perm);
}

// The error of a batch names the first ill-formed text by index, whatever the thread count and timing.
TEST(MinHash, SignaturesNameTheFirstBadText) {
  const MinHasher h;
  std::vector<std::string> texts(300, "ذهب الولد الى المدرسة");
  texts[63] = std::string(20000, 'a') + "\xFF";  // late in a slow chunk
  texts[64] = "\xFF";                          // first thing of the next chunk
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<std::uint32_t> out(texts.size() * 128);
  for (const int threads : {1, 2, 4}) {
    for (int run = 0; run < 5; ++run) {
      try {
        h.Signatures(views, threads, out.data());
        FAIL() << "ill-formed text taken";
      } catch (const InvalidUtf8& e) {
        EXPECT_EQ(e.byte_offset(), 20000u);
        EXPECT_EQ(std::string(e.what()).rfind("text 63: ", 0), 0u) << e.what();
      }
    }
  }
  EXPECT_THROW(OptimalLshParams(0.5, 0), InvalidArgument);
}

TEST(MinHash, OptimalParamsFitThreshold) {
  for (double t : {0.5, 0.8, 0.9}) {
    const LshParams p = OptimalLshParams(t, 128);
    EXPECT_LE(p.bands * p.rows, 128);
    // The S-curve's midpoint (1/b)^(1/r) sits near the threshold.
    EXPECT_NEAR(std::pow(1.0 / p.bands, 1.0 / p.rows), t, 0.12) << t;
  }
  EXPECT_THROW(OptimalLshParams(1.0, 128), InvalidArgument);
}

// A pair whose estimate is exactly the threshold is kept ("at least"): 7 of 10 equal values is 0.7, which as a
// float is below the double 0.7.
TEST(MinHash, NearDuplicatesKeepAnEstimateEqualToTheThreshold) {
  std::vector<std::uint32_t> sig(2 * 10);
  for (std::uint32_t k = 0; k < 10; ++k) {
    sig[k] = 100 + k;
    sig[10 + k] = k < 7 ? 100 + k : 500 + k;  // 7 of 10 positions agree
  }
  ASSERT_EQ(EstimateJaccard(&sig[0], &sig[10], 10), 0.7);
  ASSERT_LT(static_cast<float>(0.7), 0.7);
  const auto pairs = FindNearDuplicates(sig.data(), 2, 10, 0.7, LshParams{10, 1}, 1);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].a, 0);
  EXPECT_EQ(pairs[0].b, 1);
  EXPECT_FLOAT_EQ(pairs[0].jaccard, 0.7f);
  EXPECT_TRUE(FindNearDuplicates(sig.data(), 2, 10, 0.71, LshParams{10, 1}, 1).empty());
}

// LSH output against brute force over every pair: every reported pair is right, and nearly all pairs far above
// the threshold are found. Identical for 1 and 2 threads.
TEST(MinHash, NearDuplicatesAgainstBruteForce) {
  std::mt19937 rng(11);
  std::vector<std::string> texts;
  for (int i = 0; i < 60; ++i) texts.push_back(RandomText(rng, 120));
  for (int i = 0; i < 20; ++i) texts.push_back(texts[i] + " " + RandomText(rng, 3));  // light edits
  texts.push_back("");  // never pairs
  texts.push_back("");
  const MinHasher h;
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<std::uint32_t> sig(texts.size() * 128);
  h.Signatures(views, 2, sig.data());
  const LshParams p = OptimalLshParams(0.8, 128);
  const auto pairs = FindNearDuplicates(sig.data(), texts.size(), 128, 0.8, p, 1);
  EXPECT_EQ(FindNearDuplicates(sig.data(), texts.size(), 128, 0.8, p, 2).size(), pairs.size());
  int strong = 0, found_strong = 0;
  for (std::size_t a = 0; a < texts.size(); ++a) {
    for (std::size_t b = a + 1; b < texts.size(); ++b) {
      const double est = EstimateJaccard(&sig[a * 128], &sig[b * 128], 128);
      bool reported = false;
      for (const auto& q : pairs) reported |= (q.a == static_cast<int>(a) && q.b == static_cast<int>(b));
      if (reported) {
        EXPECT_GE(est, 0.8);
      }
      if (est >= 0.9) {
        ++strong;
        found_strong += reported;
      }
    }
  }
  EXPECT_GE(strong, 15);
  EXPECT_GE(found_strong, strong - 1);
  for (const auto& q : pairs) {
    EXPECT_LT(q.a, q.b);
    EXPECT_LT(q.b, 80);
  }
}


// The components of the near-duplicate pairs, made without listing them: on signatures drawn from few values
// (many candidates, estimates on both sides of the threshold) and with a group of copies, for any thread count.
TEST(MinHash, NearDuplicateComponentsAreThoseOfThePairs) {
  std::mt19937 rng(7);
  constexpr int kPerm = 12;
  constexpr std::size_t kN = 400;
  std::vector<std::uint32_t> sig(kN * kPerm);
  for (auto& v : sig) v = rng() % 3 + 1;
  for (std::size_t i = 300; i < kN; ++i) std::copy_n(sig.begin(), kPerm, sig.begin() + i * kPerm);  // copies of 0
  for (const double threshold : {0.5, 0.75, 0.9}) {
    const LshParams p{4, 3};
    const auto pairs = FindNearDuplicates(sig.data(), kN, kPerm, threshold, p, 1);
    std::vector<std::pair<std::int32_t, std::int32_t>> edges;
    for (const auto& e : pairs) edges.emplace_back(e.a, e.b);
    const auto want = ConnectedComponents(kN, edges, 1);
    for (const int threads : {1, 3}) {
      const std::vector<std::int32_t> component = NearDuplicateComponents(sig.data(), kN, kPerm, threshold, p, threads);
      ASSERT_EQ(component.size(), kN);
      for (const auto& group : want) {
        for (const std::int32_t i : group) EXPECT_EQ(component[static_cast<std::size_t>(i)], group.front()) << i;
      }
    }
  }
  EXPECT_THROW(NearDuplicateComponents(sig.data(), kN, kPerm, 0.5, LshParams{5, 3}, 1), InvalidArgument);
}

}  // namespace
}  // namespace akhbar
