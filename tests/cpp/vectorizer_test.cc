#include "akhbar/vectorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/hashing_vectorizer.h"
#include "akhbar/serialize.h"
#include "corpus.h"
#include "sparse_test_util.h"

namespace akhbar {
namespace {

// Whitespace-split documents as a term batch (the views point into `storage`).
struct Terms {
  std::vector<std::vector<std::string>> docs;
  DocumentBatch Batch() const {
    std::vector<std::string_view> terms;
    std::vector<std::size_t> offsets{0};
    for (const auto& d : docs) {
      for (const auto& t : d) terms.emplace_back(t);
      offsets.push_back(terms.size());
    }
    return DocumentBatch::FromTerms(terms, offsets);
  }
};

const Terms kToy{{{"b", "a", "b"}, {"c", "a"}, {}, {"a", "d", "d", "d"}}};

std::vector<std::string> Names(const Vectorizer& v) {
  std::vector<std::string> out;
  for (std::size_t c = 0; c < v.n_features(); ++c) out.emplace_back(v.FeatureName(c));
  return out;
}

TEST(VectorizerTest, CountsInSortedFeatureOrder) {
  VectorizerOptions o;
  o.weighting = Weighting::kCount;
  o.dtype = DType::kInt64;
  Vectorizer v(o, nullptr);
  const SparseMatrix m = v.FitTransform(kToy.Batch(), 1);
  EXPECT_EQ(Names(v), (std::vector<std::string>{"a", "b", "c", "d"}));
  ASSERT_EQ(m.n_rows, 4);
  ASSERT_EQ(m.n_cols, 4);
  EXPECT_EQ(m.At(0, 0), 1);
  EXPECT_EQ(m.At(0, 1), 2);
  EXPECT_EQ(m.At(1, 2), 1);
  EXPECT_EQ(m.RowStart(3), m.RowStart(2));  // empty document
  EXPECT_EQ(m.At(3, 3), 3);
  EXPECT_EQ(m.nnz(), 6u);
  EXPECT_EQ(v.FeatureIndex("d"), 3);
  EXPECT_EQ(v.FeatureIndex("zz"), -1);
  EXPECT_EQ(v.FeatureDocumentFrequencies(), (std::vector<std::uint64_t>{3, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(v.average_length(), 9.0 / 4);
}

TEST(VectorizerTest, LargeCountsSurviveCompactRows) {
  Terms docs;
  docs.docs.resize(3);
  for (int i = 0; i < 300; ++i) docs.docs[0].push_back("x");
  docs.docs[0].push_back("lonely");
  for (int i = 0; i < 70000; ++i) docs.docs[0].push_back("y");
  docs.docs[0].push_back("x");
  for (int i = 0; i < 255; ++i) docs.docs[1].push_back("y");
  docs.docs[1].push_back("x");
  docs.docs[2] = {"y", "x"};
  VectorizerOptions o;
  o.weighting = Weighting::kCount;
  o.dtype = DType::kInt64;
  o.min_df = 2;  // drops "lonely": rows are compacted and re-sorted
  for (int threads : {1, 2}) {
    Vectorizer v(o, nullptr);
    const SparseMatrix m = v.FitTransform(docs.Batch(), threads);
    ASSERT_EQ(Names(v), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(m.At(0, 0), 301);
    EXPECT_EQ(m.At(0, 1), 70000);
    EXPECT_EQ(m.At(1, 0), 1);
    EXPECT_EQ(m.At(1, 1), 255);
    EXPECT_EQ(m.At(2, 1), 1);
    const SparseMatrix t = v.Transform(docs.Batch(), threads);
    EXPECT_EQ(t.At(0, 1), 70000);
    EXPECT_EQ(t.At(1, 1), 255);
  }
}

TEST(VectorizerTest, TfidfMatchesTheFormula) {
  VectorizerOptions o;  // smooth idf, l2
  Vectorizer v(o, nullptr);
  const SparseMatrix m = v.FitTransform(kToy.Batch(), 1);
  const double n = 4;
  auto idf = [&](double df) { return std::log((n + 1) / (df + 1)) + 1; };
  const double a = 1 * idf(3), b = 2 * idf(1);
  const double norm = std::sqrt(a * a + b * b);
  EXPECT_NEAR(m.At(0, 0), a / norm, 1e-12);
  EXPECT_NEAR(m.At(0, 1), b / norm, 1e-12);
  EXPECT_NEAR(v.idf()[0], idf(3), 1e-12);
}

// Given idf weights (scikit-learn's idf_ setter) weight the transform, survive saving and last until a fit
// computes them again.
TEST(VectorizerTest, GivenIdfWeightsTransformAndAreSaved) {
  VectorizerOptions o;
  o.norm = Norm::kNone;
  Vectorizer v(o, nullptr);
  v.Fit(kToy.Batch(), 1);
  const std::string computed = v.Serialize();
  const std::vector<double> given{0.5, 2.0, -1.0, 4.0};
  v.SetIdf(given);
  EXPECT_TRUE(v.idf_given());
  const SparseMatrix m = v.Transform(kToy.Batch(), 1);
  EXPECT_DOUBLE_EQ(m.At(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(m.At(0, 1), 2 * 2.0);
  EXPECT_DOUBLE_EQ(m.At(1, 2), -1.0);
  const std::string saved = v.Serialize();
  std::unique_ptr<Vectorizer> back = Vectorizer::Deserialize(saved, nullptr);
  EXPECT_EQ(back->idf(), given);
  EXPECT_TRUE(back->idf_given());
  EXPECT_EQ(back->Serialize(), saved);
  EXPECT_FALSE(Vectorizer::Deserialize(computed, nullptr)->idf_given());
  EXPECT_THROW(v.SetIdf({1.0, 2.0}), InvalidArgument);
  EXPECT_THROW(v.SetIdf({1.0, std::nan(""), 1.0, 1.0}), InvalidArgument);
  EXPECT_THROW(v.SetIdf({1.0, 1.0, HUGE_VAL, 1.0}), InvalidArgument);
  VectorizerOptions counts;
  counts.weighting = Weighting::kCount;
  Vectorizer c(counts, nullptr);
  c.Fit(kToy.Batch(), 1);
  EXPECT_THROW(c.SetIdf(given), InvalidArgument);
  v.Fit(kToy.Batch(), 1);  // computed again
  EXPECT_FALSE(v.idf_given());
  EXPECT_EQ(v.Serialize(), computed);
}

TEST(VectorizerTest, Bm25MatchesTheFormula) {
  VectorizerOptions o;
  o.weighting = Weighting::kBm25;
  o.norm = Norm::kNone;
  o.k1 = 1.2;
  o.b = 0.75;
  Vectorizer v(o, nullptr);
  const SparseMatrix m = v.FitTransform(kToy.Batch(), 1);
  const double n = 4, avgdl = 9.0 / 4;
  auto idf = [&](double df) { return std::log(1 + (n - df + 0.5) / (df + 0.5)); };
  auto w = [&](double tf, double dl, double df) {
    return idf(df) * tf * (o.k1 + 1) / (tf + o.k1 * (1 - o.b + o.b * dl / avgdl));
  };
  EXPECT_NEAR(m.At(0, 1), w(2, 3, 1), 1e-12);
  EXPECT_NEAR(m.At(3, 3), w(3, 4, 1), 1e-12);
  EXPECT_NEAR(m.At(3, 0), w(1, 4, 3), 1e-12);
}

TEST(VectorizerTest, PruningAndMaxFeatures) {
  VectorizerOptions o;
  o.weighting = Weighting::kCount;
  o.min_df = 2;  // only "a" (df 3) survives
  Vectorizer v(o, nullptr);
  v.Fit(kToy.Batch(), 1);
  EXPECT_EQ(Names(v), (std::vector<std::string>{"a"}));

  VectorizerOptions top;
  top.weighting = Weighting::kCount;
  top.max_features = 2;  // totals: a 3, b 2, c 1, d 3 -> a, d (ties to the earlier term)
  Vectorizer t(top, nullptr);
  t.Fit(kToy.Batch(), 1);
  EXPECT_EQ(Names(t), (std::vector<std::string>{"a", "d"}));
  top.binary = true;  // by document frequency: a 3, then b c d 1 -> a, b
  Vectorizer tb(top, nullptr);
  tb.Fit(kToy.Batch(), 1);
  EXPECT_EQ(Names(tb), (std::vector<std::string>{"a", "b"}));

  VectorizerOptions none;
  none.min_df = 5;
  Vectorizer nv(none, nullptr);
  EXPECT_THROW(nv.Fit(kToy.Batch(), 1), InvalidArgument);
  VectorizerOptions crossed;
  crossed.min_df = 3;
  crossed.max_df = 2;
  crossed.max_df_is_fraction = false;
  Vectorizer cv(crossed, nullptr);
  EXPECT_THROW(cv.Fit(kToy.Batch(), 1), InvalidArgument);
}

TEST(VectorizerTest, TokensBuildWordNgramsLikeScikitLearn) {
  std::vector<std::string> got;
  const std::string_view toks[] = {"a", "b", "c"};
  std::string scratch;
  ForEachWordNgram(toks, 3, 1, 2, scratch, [&](std::string_view t) { got.emplace_back(t); });
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c", "a b", "b c"}));
  got.clear();
  ForEachWordNgram(toks, 3, 2, 5, scratch, [&](std::string_view t) { got.emplace_back(t); });
  EXPECT_EQ(got, (std::vector<std::string>{"a b", "b c", "a b c"}));
}

// The sizes a batch is split by for threads: text bytes, UCS-2 units or terms, or unknown without converting.
TEST(VectorizerTest, DocumentSizesForSplittingBatches) {
  const DocumentBatch texts = DocumentBatch::FromTexts({"abc", "", "\xD8\xA7"});
  EXPECT_EQ(texts.CheapSize(0), 3u);
  EXPECT_EQ(texts.CheapSize(1), 0u);
  EXPECT_EQ(texts.CheapSize(2), 2u);
  const DocumentBatch terms = DocumentBatch::FromTerms({"a", "b", "c"}, {0, 2, 2, 3});
  EXPECT_EQ(terms.CheapSize(0), 2u);
  EXPECT_EQ(terms.CheapSize(1), 0u);
  EXPECT_EQ(terms.CheapSize(2), 1u);
  const std::u16string ucs2 = u"\u0627\u0628";
  auto source = [](std::size_t, std::string&) { return std::string_view("ab"); };
  const DocumentBatch in_ucs2 = DocumentBatch::FromTextSource(2, source, [&](std::size_t i) {
    return i == 0 ? DocumentBatch::Ucs2{ucs2.data(), ucs2.size()} : DocumentBatch::Ucs2{};
  });
  EXPECT_EQ(in_ucs2.CheapSize(0), 2u);
  EXPECT_EQ(in_ucs2.CheapSize(1), DocumentBatch::kUnknownSize);
  EXPECT_EQ(DocumentBatch::FromTextSource(1, source).CheapSize(0), DocumentBatch::kUnknownSize);
}

TEST(VectorizerTest, FixedVocabularyKeepsOrderAndIgnoresOthers) {
  VectorizerOptions o;
  o.weighting = Weighting::kCount;
  Vectorizer v(o, nullptr);
  v.SetVocabulary({"d", "a", "zz"});
  const SparseMatrix m = v.FitTransform(kToy.Batch(), 1);
  EXPECT_EQ(Names(v), (std::vector<std::string>{"d", "a", "zz"}));
  EXPECT_EQ(m.At(3, 0), 3);
  EXPECT_EQ(m.At(0, 1), 1);
  EXPECT_THROW(v.SetVocabulary({"a", "a"}), InvalidArgument);
  EXPECT_THROW(v.SetVocabulary({}), InvalidArgument);
}

// Terms that are not UTF-8 are refused where they come in: they were fitted and saved, and the saved model then
// failed to load ("corrupt vocabulary: term 1 is not UTF-8").
TEST(VectorizerTest, TermsThatAreNotUtf8AreRefusedNotSaved) {
  const std::string bad = "caf\xE9";
  try {
    DocumentBatch::FromTerms({"news", "ok", bad, "news"}, {0, 2, 4});
    FAIL() << "a term that is not UTF-8 taken";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(std::string(e.what()).rfind("document 1, term 0: ", 0), 0u) << e.what();
    EXPECT_EQ(e.byte_offset(), 3u);
  }
  EXPECT_THROW(DocumentBatch::FromTokens({"a", bad}, {0, 2}), InvalidUtf8);
  Vectorizer v(VectorizerOptions(), nullptr);
  try {
    v.SetVocabulary({"news", "ab\xFF"});
    FAIL() << "a term that is not UTF-8 taken";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(std::string(e.what()).rfind("vocabulary term 1: ", 0), 0u) << e.what();
  }
  // Text terms fit, save and load.
  v.Fit(DocumentBatch::FromTerms({"news", "caf\xC3\xA9", "news"}, {0, 2, 3}), 1);
  EXPECT_EQ(Vectorizer::Deserialize(v.Serialize(), nullptr)->n_features(), 2u);
}

class VectorizerCorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::HaveCorpus("jawhara")) articles_ = new std::vector<testing::Article>(testing::LoadArticles("jawhara", 300));
  }
  static void TearDownTestSuite() {
    delete articles_;
    articles_ = nullptr;
  }
  void SetUp() override {
    if (articles_ == nullptr) GTEST_SKIP() << "shared corpus not found";
  }
  static DocumentBatch Texts(std::size_t begin, std::size_t end) {
    std::vector<std::string_view> t;
    for (std::size_t i = begin; i < end; ++i) t.emplace_back((*articles_)[i].text);
    return DocumentBatch::FromTexts(t);
  }
  static std::vector<testing::Article>* articles_;
};
std::vector<testing::Article>* VectorizerCorpusTest::articles_ = nullptr;

TEST_F(VectorizerCorpusTest, IdenticalForAnyThreadCountAndBatching) {
  AnalyzerOptions bigrams;
  bigrams.ngram_max = 2;
  for (const auto& analyzer : {std::make_shared<const Analyzer>(), std::make_shared<const Analyzer>(bigrams)}) {
    VectorizerOptions o;
    o.min_df = 2;
    o.max_features = 5000;
    Vectorizer one(o, analyzer);
    const SparseMatrix m1 = one.FitTransform(Texts(0, 300), 1);
    // One thread learns into the model's vocabulary batch after batch (its memo keeps what it resolved);
    // several threads merge their own vocabularies (the first batch's first part becomes the model's); a
    // one-document batch takes the one-thread way; a small batch beside the vocabulary counts by local ids.
    for (int threads : {1, 2, 3, 8}) {
      Vectorizer many(o, analyzer);
      many.BeginFit(true, true);
      many.AddBatch(Texts(0, 100), threads);
      many.AddBatch(Texts(100, 101), threads);
      many.AddBatch(Texts(101, 105), threads);
      many.AddBatch(Texts(105, 300), threads);
      many.EndFit();
      const SparseMatrix m = many.TakeFitMatrix(threads);
      EXPECT_TRUE(SameMatrix(m, m1)) << threads;
      EXPECT_EQ(many.Serialize(), one.Serialize()) << threads;
      EXPECT_TRUE(SameMatrix(many.Transform(Texts(0, 300), threads), m1));
    }
  }
}

// Documents [begin, end) from a source that takes 1 ms for each of the first `slow`: the thread that counts them
// falls behind, and the others take the rest of its part from it (RangeSplitter) into parts of their own.
DocumentBatch SlowTexts(const std::vector<testing::Article>& articles, std::size_t begin, std::size_t end,
                        std::size_t slow) {
  return DocumentBatch::FromTextSource(end - begin, [&articles, begin, slow](std::size_t i, std::string&) {
    if (i < slow) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return std::string_view(articles[begin + i].text);
  });
}

TEST_F(VectorizerCorpusTest, ThreadsTakingWorkFromASlowOneGiveTheSameModel) {
  AnalyzerOptions bigrams, trigrams;
  bigrams.ngram_max = 2;
  trigrams.ngram_max = 3;  // (trigrams are resolved through the stream's term cache)
  for (const AnalyzerOptions& ao : {AnalyzerOptions(), bigrams, trigrams}) {
    const auto analyzer = std::make_shared<const Analyzer>(ao);
    VectorizerOptions o;
    o.min_df = 2;
    // The first batch learns every term into the parts; the second, large beside the vocabulary, counts the
    // model's terms by their ids (the resolutions to part-local ids left in the memos are mapped to the
    // model's after the merge); the third, small beside it, counts by part-local ids alone.
    auto fit = [&](Vectorizer& v, int threads, bool keep_rows, bool last_batch) {
      v.BeginFit(true, keep_rows);
      if (threads == 1) {
        v.AddBatch(Texts(0, 10), 1);
        v.AddBatch(Texts(10, 250), 1);
        if (last_batch) v.AddBatch(Texts(250, 300), 1);
      } else {
        v.AddBatch(SlowTexts(*articles_, 0, 10, 3), threads);
        v.AddBatch(SlowTexts(*articles_, 10, 250, 60), threads);
        if (last_batch) v.AddBatch(SlowTexts(*articles_, 250, 300, 10), threads);
      }
      v.EndFit();
    };
    Vectorizer one(o, analyzer), one_two_batches(o, analyzer);
    fit(one, 1, true, true);
    const SparseMatrix m1 = one.TakeFitMatrix(1);
    fit(one_two_batches, 1, false, false);
    for (int threads : {2, 4}) {
      Vectorizer many(o, analyzer);
      fit(many, threads, true, true);
      EXPECT_TRUE(SameMatrix(many.TakeFitMatrix(threads), m1)) << threads;
      EXPECT_EQ(many.Serialize(), one.Serialize()) << threads;
      const SparseMatrix slow = many.Transform(SlowTexts(*articles_, 0, 300, 40), threads);
      EXPECT_TRUE(SameMatrix(slow, one.Transform(Texts(0, 300), 1))) << threads;
      // A one-thread transform through what the memos of the second batch resolved, mapped after its merge.
      Vectorizer two_batches(o, analyzer);
      fit(two_batches, threads, false, false);
      EXPECT_EQ(two_batches.Serialize(), one_two_batches.Serialize()) << threads;
      EXPECT_TRUE(SameMatrix(two_batches.Transform(Texts(0, 300), 1), one_two_batches.Transform(Texts(0, 300), 1)))
          << threads;
      // A fixed vocabulary: counted by its ids.
      const std::vector<std::string> names = Names(one);
      const std::vector<std::string_view> terms(names.begin(), names.end());
      Vectorizer given(o, analyzer), given_many(o, analyzer);
      given.SetVocabulary(terms);
      given_many.SetVocabulary(terms);
      given.Fit(Texts(0, 200), 1);
      given_many.Fit(SlowTexts(*articles_, 0, 200, 40), threads);
      EXPECT_EQ(given_many.Serialize(), given.Serialize()) << threads;
    }
  }
  // The error of the first failing document, although a faster thread met a later one first.
  Vectorizer v(VectorizerOptions{}, std::make_shared<const Analyzer>());
  const std::vector<testing::Article>& articles = *articles_;
  const DocumentBatch failing = DocumentBatch::FromTextSource(200, [&articles](std::size_t i, std::string&) {
    if (i < 40) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (i == 30 || i == 150) throw InvalidArgument("document " + std::to_string(i));
    return std::string_view(articles[i].text);
  });
  for (int threads : {1, 2, 4}) {
    v.BeginFit(false, false);
    try {
      v.AddBatch(failing, threads);
      FAIL() << "no error";
    } catch (const InvalidArgument& e) {
      EXPECT_STREQ(e.what(), "document 30") << threads;
    }
    v.AbortFit();
  }
  v.Fit(Texts(0, 100), 1);
  for (int threads : {1, 2, 4}) {
    try {
      v.Transform(failing, threads);
      FAIL() << "no error";
    } catch (const InvalidArgument& e) {
      EXPECT_STREQ(e.what(), "document 30") << threads;
    }
  }
}

TEST_F(VectorizerCorpusTest, PartialFitEqualsFitOnEverything) {
  auto analyzer = std::make_shared<const Analyzer>();
  VectorizerOptions o;
  o.min_df = 2;
  o.max_features = 2000;
  Vectorizer whole(o, analyzer);
  whole.Fit(Texts(0, 300), 2);
  Vectorizer parts(o, analyzer);
  parts.PartialFit(Texts(0, 120), 2);
  parts.PartialFit(Texts(120, 300), 2);
  ASSERT_EQ(Names(parts), Names(whole));
  EXPECT_EQ(parts.idf(), whole.idf());
  EXPECT_TRUE(SameMatrix(parts.Transform(Texts(0, 50), 1), whole.Transform(Texts(0, 50), 1)));
}

// A stream of single documents with min_df=2: the first partial fit keeps no term yet. It leaves a fitted model
// with no features (Fit refuses the same batch), which transforms to no columns, saves and loads, and grows
// features as later documents bring terms within the bounds, as Fit on all of them would.
TEST(VectorizerTest, PartialFitsWhoseBoundsKeepNoTermYetGiveNoFeatures) {
  VectorizerOptions o;
  o.min_df = 2;
  const Terms first{{{"a", "b"}}}, second{{{"b", "c"}}}, both{{{"a", "b"}, {"b", "c"}}};
  Vectorizer refit(o, nullptr);
  EXPECT_THROW(refit.Fit(first.Batch(), 1), InvalidArgument);
  Vectorizer v(o, nullptr);
  v.PartialFit(first.Batch(), 1);
  ASSERT_TRUE(v.fitted());
  EXPECT_EQ(v.n_features(), 0u);
  EXPECT_TRUE(v.idf().empty());
  const SparseMatrix none = v.Transform(first.Batch(), 1);
  EXPECT_EQ(none.n_rows, 1);
  EXPECT_EQ(none.n_cols, 0);
  EXPECT_EQ(none.nnz(), 0u);
  const std::unique_ptr<Vectorizer> loaded = Vectorizer::Deserialize(v.Serialize(), nullptr);
  EXPECT_EQ(loaded->Serialize(), v.Serialize());
  v.PartialFit(second.Batch(), 1);
  EXPECT_EQ(Names(v), (std::vector<std::string>{"b"}));
  Vectorizer whole(o, nullptr);
  whole.Fit(both.Batch(), 1);
  EXPECT_EQ(v.Serialize(), whole.Serialize());
  // Bounds no number of documents opens (max_df below min_df as two counts, or two fractions, or a fraction
  // min_df over a count max_df) are still an error.
  const std::vector<std::tuple<double, bool, double, bool>> closed = {
      {2, false, 1, false}, {0.6, true, 0.5, true}, {0.6, true, 1, false}};
  for (const auto& [min_df, min_fraction, max_df, max_fraction] : closed) {
    VectorizerOptions bounds;
    bounds.min_df = min_df;
    bounds.min_df_is_fraction = min_fraction;
    bounds.max_df = max_df;
    bounds.max_df_is_fraction = max_fraction;
    Vectorizer never(bounds, nullptr);
    EXPECT_THROW(never.PartialFit(both.Batch(), 1), InvalidArgument) << min_df << " " << max_df;
  }
  // A saved model without features whose bounds could never open is no model a fit makes: refused. (Its bytes:
  // the model above with max_df made a count, the byte that tells found by comparing two unfitted models.)
  Vectorizer none_yet(o, nullptr);
  none_yet.PartialFit(first.Batch(), 1);
  VectorizerOptions counts = o;
  counts.max_df_is_fraction = false;
  const std::string a(Unseal(Vectorizer(o, nullptr).Serialize(), "vectorizer"));
  const std::string b(Unseal(Vectorizer(counts, nullptr).Serialize(), "vectorizer"));
  ASSERT_EQ(a.size(), b.size());
  std::string payload(Unseal(none_yet.Serialize(), "vectorizer"));
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] != b[k]) payload[k] = b[k];
  }
  EXPECT_NO_THROW(Vectorizer::Deserialize(none_yet.Serialize(), nullptr));
  try {
    Vectorizer::Deserialize(Seal("vectorizer", payload), nullptr);
    FAIL() << "a model without features and bounds that never open was loaded";
  } catch (const FormatError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("max_df is below min_df"));
  }
}

// AbortFit puts back what a partial fit changed, after batches added terms and counts (on one thread: terms
// straight into the model's vocabulary; on two: merged from the threads'), and the model goes on as before.
TEST_F(VectorizerCorpusTest, AbortedPartialFitLeavesTheModelAsItWas) {
  auto analyzer = std::make_shared<const Analyzer>();
  VectorizerOptions o;
  o.max_features = 3000;
  for (int threads : {1, 2}) {
    Vectorizer v(o, analyzer);
    v.Fit(Texts(0, 100), threads);
    const std::string before = v.Serialize();
    const SparseMatrix m = v.Transform(Texts(0, 300), threads);
    v.BeginFit(false, false);
    v.AddBatch(Texts(100, 200), threads);
    v.AddBatch(Texts(200, 250), threads);
    v.AbortFit();
    EXPECT_EQ(v.Serialize(), before) << threads;
    EXPECT_TRUE(SameMatrix(v.Transform(Texts(0, 300), threads), m)) << threads;
    v.PartialFit(Texts(100, 300), threads);
    Vectorizer whole(o, analyzer);
    whole.Fit(Texts(0, 300), threads);
    EXPECT_EQ(v.Serialize(), whole.Serialize()) << threads;
    // A fit from scratch has nothing to go back to: aborted, the model is unfitted.
    v.BeginFit(true, false);
    v.AddBatch(Texts(0, 10), threads);
    v.AbortFit();
    EXPECT_FALSE(v.fitted());
  }
}

TEST_F(VectorizerCorpusTest, SerializeRoundTripAndCorruption) {
  auto analyzer = std::make_shared<const Analyzer>();
  VectorizerOptions o;
  o.weighting = Weighting::kBm25;
  o.dtype = DType::kFloat32;
  Vectorizer v(o, analyzer);
  v.Fit(Texts(0, 100), 1);
  const std::string bytes = v.Serialize("meta");
  std::string meta;
  auto back = Vectorizer::Deserialize(bytes, analyzer, &meta);
  EXPECT_EQ(meta, "meta");
  EXPECT_EQ(Names(*back), Names(v));
  EXPECT_TRUE(SameMatrix(back->Transform(Texts(100, 150), 1), v.Transform(Texts(100, 150), 1)));
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, bytes.size() / 3, bytes.size() - 1}) {
    EXPECT_THROW(Vectorizer::Deserialize(bytes.substr(0, cut), analyzer), FormatError);
  }
  for (std::size_t pos = 0; pos < bytes.size(); pos += bytes.size() / 50 + 1) {
    std::string flipped = bytes;
    flipped[pos] = static_cast<char>(flipped[pos] ^ 0x10);
    EXPECT_THROW(Vectorizer::Deserialize(flipped, analyzer), FormatError) << pos;
  }
}

// A model is saved with its analyser's options (payload version 3): it loads with the analyser it was fitted
// with, and an analyser given that differs is refused, naming the option. Before, a C++ program had to give the
// same options again, and a different analyser went unnoticed (its terms silently missed the vocabulary).
TEST(VectorizerTest, SavedWithItsAnalyzer) {
  AnalyzerOptions ao;
  ao.stemmer = "none";
  ao.normalizer.fold_alef = false;
  ao.add_stop_words = {"قال"};
  ao.add_protected_words = {"الاهرام"};
  auto analyzer = std::make_shared<const Analyzer>(ao);
  const std::vector<std::string_view> texts = {"قال الرئيس إن المدارس مغلقة", "أحمد قال للمدارس", "المدارس والمدرسة"};
  VectorizerOptions o;
  Vectorizer v(o, analyzer);
  const SparseMatrix m = v.FitTransform(DocumentBatch::FromTexts(texts), 1);
  const std::string bytes = v.Serialize("meta");

  std::string meta;
  const std::unique_ptr<Vectorizer> back = Vectorizer::Deserialize(bytes, nullptr, &meta);
  EXPECT_EQ(meta, "meta");
  ASSERT_NE(back->analyzer(), nullptr);
  EXPECT_EQ(AnalyzerOptionsDifference(back->analyzer()->options(), ao), "");
  EXPECT_TRUE(SameMatrix(back->Transform(DocumentBatch::FromTexts(texts), 1), m));
  EXPECT_EQ(back->Serialize("meta"), bytes);
  EXPECT_EQ(Vectorizer::Deserialize(bytes, analyzer)->analyzer(), analyzer.get());  // (the one given, if equal)

  AnalyzerOptions other = ao;
  other.normalizer.fold_alef = true;
  try {
    Vectorizer::Deserialize(bytes, std::make_shared<const Analyzer>(other));
    FAIL() << "a different analyser was taken";
  } catch (const InvalidArgument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("normalizer.fold_alef"));
  }

  // A model without an analyser (terms given) stores none, and takes the one given.
  Vectorizer terms(o, nullptr);
  terms.Fit(kToy.Batch(), 1);
  EXPECT_EQ(Vectorizer::Deserialize(terms.Serialize(), nullptr)->analyzer(), nullptr);
  EXPECT_EQ(Vectorizer::Deserialize(terms.Serialize(), analyzer)->analyzer(), analyzer.get());

  // A file of version 1 (before given idf weights and analysers) loads with the analyser given.
  std::string payload(Unseal(bytes, "vectorizer"));
  const std::size_t tail = 1 + 12 + 1 + 8 + SerializeAnalyzerOptions(ao).size();  // idf flag, "meta", analyser
  ASSERT_GT(payload.size(), tail);
  std::string v1 = payload.substr(0, payload.size() - tail) + std::string("\4\0\0\0\0\0\0\0meta", 12);
  const std::uint32_t one = 1;
  std::memcpy(v1.data(), &one, 4);
  const std::unique_ptr<Vectorizer> old = Vectorizer::Deserialize(Seal("vectorizer", v1), analyzer, &meta);
  EXPECT_EQ(meta, "meta");
  EXPECT_EQ(old->analyzer(), analyzer.get());
  EXPECT_TRUE(SameMatrix(old->Transform(DocumentBatch::FromTexts(texts), 1), m));

  HashingOptions ho;
  HashingVectorizer h(ho, analyzer);
  const std::unique_ptr<HashingVectorizer> hback = HashingVectorizer::Deserialize(h.Serialize(), nullptr);
  ASSERT_NE(hback->analyzer(), nullptr);
  EXPECT_EQ(AnalyzerOptionsDifference(hback->analyzer()->options(), ao), "");
  EXPECT_TRUE(SameMatrix(hback->Transform(DocumentBatch::FromTexts(texts), 1),
                         h.Transform(DocumentBatch::FromTexts(texts), 1)));
  EXPECT_THROW(HashingVectorizer::Deserialize(h.Serialize(), std::make_shared<const Analyzer>(other)),
               InvalidArgument);
}

// A kind name that is no text under a valid checksum: the error quotes its bytes as \xNN (Python could not
// decode the raw bytes in the message: a UnicodeDecodeError came out instead of akhbar.FormatError).
TEST(SerializeTest, ADamagedKindNameIsQuotedInTheError) {
  std::string sealed = Seal("vectorizer", "payload");
  const std::size_t at = sealed.find("vectorizer");
  ASSERT_NE(at, std::string::npos);
  sealed[at] = '\xFF';
  sealed[at + 1] = '\'';
  const std::uint32_t crc = Crc32(std::string_view(sealed).substr(0, sealed.size() - 4));
  std::memcpy(&sealed[sealed.size() - 4], &crc, 4);
  try {
    Unseal(sealed, "vectorizer");
    FAIL() << "no FormatError";
  } catch (const FormatError& e) {
    EXPECT_STREQ(e.what(), "this file holds a '\\xff\\x27ctorizer', not a 'vectorizer'");
  }
}

// Writers of one path at once: each through a temporary file of its own (they shared path + ".tmp", and removed
// or renamed one another's), and a file of the user's named so is left alone.
TEST(SerializeTest, WritersOfOnePathAtOnceAllSucceed) {
  const std::string dir = ::testing::TempDir() + "akhbar_write_file_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/model.akhbar";
  WriteFile(path + ".tmp", "the user's");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 50; ++k) {
        try {
          WriteFile(path, std::string(1000 + t, static_cast<char>('a' + t)));
        } catch (const IoError&) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const std::string written = ReadFile(path);
  ASSERT_GE(written.size(), 1000u);
  EXPECT_EQ(written, std::string(written.size(), static_cast<char>('a' + (written.size() - 1000))));
  EXPECT_EQ(ReadFile(path + ".tmp"), "the user's");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 2u);
  std::filesystem::remove_all(dir);
}

TEST(HashingVectorizerTest, MurmurHashMatchesReferenceValues) {
  // scikit-learn: murmurhash3_32("", 0) == 0, ("a") == 1009084850, ("hello") == 613153351, ("مصر") == 1373147606.
  EXPECT_EQ(MurmurHash3Signed(""), 0);
  EXPECT_EQ(MurmurHash3Signed("a"), 1009084850);
  EXPECT_EQ(MurmurHash3Signed("hello"), 613153351);
  EXPECT_EQ(MurmurHash3Signed("مصر"), 1373147606);
}

TEST(HashingVectorizerTest, SumsSignsAndNormalises) {
  HashingOptions o;
  o.n_features = 8;
  o.norm = Norm::kNone;
  HashingVectorizer h(o, nullptr);
  const SparseMatrix m = h.Transform(kToy.Batch(), 2);
  ASSERT_EQ(m.n_rows, 4);
  ASSERT_EQ(m.n_cols, 8);
  double total = 0;
  for (std::size_t k = 0; k < m.nnz(); ++k) total += std::fabs(m.Value(k));
  EXPECT_LE(total, 9);
  EXPECT_EQ(m.RowStart(3), m.RowStart(2));
  o.n_features = 0;
  EXPECT_THROW(HashingVectorizer(o, nullptr), InvalidArgument);
}

}  // namespace
}  // namespace akhbar
