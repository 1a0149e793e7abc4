// The vectorisers memoise the analysis per chunk of raw text between ASCII whitespace (and word bigrams per
// pair of words). These tests check that the counts are exactly those of running the analyser on every
// document, on texts built to stress the chunking: marks and tatweel at chunk edges, Unicode spaces inside a
// chunk, obfuscation fillers, ligatures that expand to several words, URLs, numbers, clitics, long chunks, and
// the same chunk in many contexts.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/error.h"
#include "akhbar/hashing_vectorizer.h"
#include "akhbar/utf8.h"
#include "akhbar/vectorizer.h"
#include "chunks.h"
#include "memo_test_util.h"
#include "sparse_test_util.h"
#include "sparse_util.h"
#include "term_cache.h"

namespace akhbar {
namespace {

using memo_test::Case;
using memo_test::Cases;
using memo_test::RandomDocs;

// A batch of the texts `d` (which must outlive it).
DocumentBatch TextBatch(const std::vector<std::string>& d) {
  return DocumentBatch::FromTexts(std::vector<std::string_view>(d.begin(), d.end()));
}

using Counts = std::map<std::string, std::int64_t>;

// Per document: term -> count, from the analyser alone.
std::vector<Counts> Reference(const Analyzer& a, const std::vector<std::string>& docs, std::uint64_t* total) {
  std::vector<Counts> out;
  *total = 0;
  for (const auto& d : docs) {
    Counts c;
    a.ForEachTerm(d, [&](std::string_view t) {
      ++c[std::string(t)];
      ++*total;
    });
    out.push_back(std::move(c));
  }
  return out;
}

Counts Row(const Vectorizer& v, const SparseMatrix& m, std::int64_t r) {
  Counts c;
  for (std::int64_t k = m.RowStart(r); k < m.RowStart(r + 1); ++k) {
    c[std::string(v.FeatureName(static_cast<std::size_t>(m.Column(static_cast<std::size_t>(k)))))] =
        static_cast<std::int64_t>(m.Value(static_cast<std::size_t>(k)));
  }
  return c;
}

// The chunks of p[0..n) as unit ranges, one unit at a time: the reference for SplitChunks.
template <typename Unit>
std::vector<std::pair<std::size_t, std::size_t>> ReferenceChunks(const Unit* p, std::size_t n) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < n;) {
    if (internal::IsAsciiSpace(p[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && !internal::IsAsciiSpace(p[j])) ++j;
    out.emplace_back(i, j);
    i = j;
  }
  return out;
}

// Raw counts, as int64: the matrices' values are the terms' counts.
VectorizerOptions CountOptions() {
  VectorizerOptions o;
  o.weighting = Weighting::kCount;
  o.dtype = DType::kInt64;
  return o;
}

// The default word analyser with n-grams of 1 to ngram_max words.
std::shared_ptr<const Analyzer> WordNgrams(int ngram_max) {
  AnalyzerOptions ao;
  ao.ngram_max = ngram_max;
  return std::make_shared<const Analyzer>(ao);
}

class MemoTest : public ::testing::TestWithParam<Case> {};

TEST_P(MemoTest, CountsEqualTheAnalyserOnEveryDocument) {
  const auto analyzer = std::make_shared<const Analyzer>(GetParam().options);
  const std::vector<std::string> docs = RandomDocs(7, 400);
  std::uint64_t total = 0;
  const std::vector<Counts> want = Reference(*analyzer, docs, &total);
  std::vector<std::string_view> views(docs.begin(), docs.end());
  const VectorizerOptions o = CountOptions();
  for (const int threads : {1, 2}) {
    Vectorizer v(o, analyzer);
    const SparseMatrix m = v.FitTransform(DocumentBatch::FromTexts(views), threads);
    ASSERT_EQ(m.n_rows, static_cast<std::int64_t>(docs.size()));
    for (std::size_t r = 0; r < docs.size(); ++r) {
      ASSERT_EQ(Row(v, m, static_cast<std::int64_t>(r)), want[r]) << "document " << r << ": " << docs[r];
    }
    EXPECT_DOUBLE_EQ(v.average_length() * static_cast<double>(docs.size()), static_cast<double>(total));
    // Transform with the fitted (read-only) vocabulary, documents in another order and on fresh memos.
    // Twice: the second finds what the first kept (with word unigrams, each word's column).
    std::vector<std::string_view> reversed(views.rbegin(), views.rend());
    for (int pass = 0; pass < 2; ++pass) {
      const SparseMatrix t = v.Transform(DocumentBatch::FromTexts(reversed), threads);
      for (std::size_t r = 0; r < docs.size(); ++r) {
        ASSERT_EQ(Row(v, t, static_cast<std::int64_t>(r)), want[docs.size() - 1 - r])
            << "transform " << pass << ", document " << r;
      }
    }
  }
}

TEST_P(MemoTest, FixedVocabularyCountsOnlyItsTerms) {
  const auto analyzer = std::make_shared<const Analyzer>(GetParam().options);
  const std::vector<std::string> docs = RandomDocs(11, 200);
  std::uint64_t total = 0;
  const std::vector<Counts> want = Reference(*analyzer, docs, &total);
  // Every third term the analyser produces, plus one it never does.
  std::vector<std::string> vocab{"zz-never"};
  std::map<std::string, int> seen;
  for (const auto& c : want) {
    for (const auto& [t, n] : c) {
      if (seen.emplace(t, 0).second && seen.size() % 3 == 0) vocab.push_back(t);
    }
  }
  const VectorizerOptions o = CountOptions();
  Vectorizer v(o, analyzer);
  v.SetVocabulary(std::vector<std::string_view>(vocab.begin(), vocab.end()));
  std::vector<std::string_view> views(docs.begin(), docs.end());
  const SparseMatrix m = v.FitTransform(DocumentBatch::FromTexts(views), 2);
  for (std::size_t r = 0; r < docs.size(); ++r) {
    Counts expected;
    for (const auto& [t, n] : want[r]) {
      if (v.FeatureIndex(t) >= 0) expected[t] = n;
    }
    ASSERT_EQ(Row(v, m, static_cast<std::int64_t>(r)), expected) << "document " << r;
  }
  EXPECT_DOUBLE_EQ(v.average_length() * static_cast<double>(docs.size()), static_cast<double>(total));
}

TEST_P(MemoTest, InvalidUtf8ReportsTheOffsetInTheDocument) {
  const auto analyzer = std::make_shared<const Analyzer>(GetParam().options);
  // The bad chunk comes after chunks already memoised by the first document.
  const std::vector<std::string> docs = {"الرئيس في القاهرة", "الرئيس في \xD8 القاهرة"};
  std::string want;
  try {
    analyzer->ForEachTerm(docs[1], [](std::string_view) {});
    FAIL() << "the analyser accepted ill-formed UTF-8";
  } catch (const InvalidUtf8& e) {
    want = e.what();
  }
  std::vector<std::string_view> views(docs.begin(), docs.end());
  Vectorizer v(VectorizerOptions(), analyzer);
  try {
    v.Fit(DocumentBatch::FromTexts(views), 1);
    FAIL() << "the vectoriser accepted ill-formed UTF-8";
  } catch (const InvalidUtf8& e) {
    // The analyser's error, with the document it is in.
    EXPECT_EQ(std::string(e.what()), "document 1: " + want);
    EXPECT_EQ(e.byte_offset(), 18u);
  }
  // The failed fit leaves nothing behind: fitting again equals a fresh vectoriser.
  const std::vector<std::string> good = {"الرئيس في القاهرة", "القاهرة \xD8\xA7 الرئيس", "في في",
                                         "الرئيس يزور القاهرة اليوم مع الوفد الكبير"};
  std::vector<std::string_view> good_views(good.begin(), good.end());
  Vectorizer fresh(VectorizerOptions(), analyzer);
  const SparseMatrix want_m = fresh.FitTransform(DocumentBatch::FromTexts(good_views), 1);
  const SparseMatrix got_m = v.FitTransform(DocumentBatch::FromTexts(good_views), 1);
  ASSERT_EQ(got_m.nnz(), want_m.nnz());
  for (std::int64_t r = 0; r < got_m.n_rows; ++r) EXPECT_EQ(Row(v, got_m, r), Row(fresh, want_m, r));
}

// A batch that fails part-way (one thread learns straight into the model's vocabulary) leaves the model as
// it was: a later partial fit equals fitting the good batches alone.
TEST(MemoFitTest, FailedBatchLeavesTheVocabularyAsItWas) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const std::vector<std::string> first = {"الرئيس في القاهرة", "مدرسة الاطفال"};
  const std::vector<std::string> bad = {"كلمات جديدة تماما هنا", "ثم خطا \xD8 هنا"};
  const std::vector<std::string> second = {"القاهرة عاصمة", "الرئيس الجديد"};
  VectorizerOptions o;
  Vectorizer v(o, analyzer);
  v.Fit(TextBatch(first), 1);
  EXPECT_THROW(v.PartialFit(TextBatch(bad), 1), InvalidUtf8);
  v.PartialFit(TextBatch(second), 1);
  std::vector<std::string> all = first;
  all.insert(all.end(), second.begin(), second.end());
  Vectorizer want(o, analyzer);
  want.Fit(TextBatch(all), 1);
  EXPECT_EQ(v.Serialize(), want.Serialize());
  EXPECT_EQ(v.FeatureIndex("جديده"), -1);
}

// A fit whose features cannot be made (here the selector fails) leaves the vectoriser unfitted: nothing
// may use features older than its vocabulary.
TEST(MemoFitTest, FailedEndFitLeavesTheModelUnfitted) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const std::vector<std::string> first = {"الرئيس في القاهرة", "مدرسة الاطفال", "القاهرة اليوم"};
  const std::vector<std::string> more = {"كلمات جديدة تماما هنا", "وصل الوفد"};
  VectorizerOptions o;
  o.max_features = 2;
  for (const bool keep_rows : {false, true}) {
    for (const int threads : {1, 2}) {  // (2: the memos are freed on another thread meanwhile)
      Vectorizer v(o, analyzer);
      v.Fit(TextBatch(first), 1);
      v.BeginFit(false, keep_rows);
      v.AddBatch(TextBatch(more), threads);
      EXPECT_THROW(v.EndFit([](const std::vector<std::uint64_t>&, std::size_t limit) {
                     return std::vector<std::size_t>(limit + 1, 0);
                   },
                            threads),
                   InvalidArgument);
      EXPECT_THROW(v.Transform(TextBatch(more), 1), InvalidArgument);
      EXPECT_THROW(v.TakeFitMatrix(threads), InvalidArgument);
    }
  }
}

// In the middle of a partial fit the vocabulary has new terms that the features do not cover yet: a transform
// then is refused (it read the columns of those terms past the end of the column table).
TEST(MemoFitTest, TransformDuringABatchFitIsRefused) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const std::vector<std::string> first = {"الرئيس في القاهرة", "مدرسة الاطفال"};
  const std::vector<std::string> more = {"كلمات جديدة تماما هنا", "وصل الوفد الى القاهرة"};
  for (const int threads : {1, 2}) {
    Vectorizer v(VectorizerOptions(), analyzer);
    v.Fit(TextBatch(first), threads);
    const SparseMatrix before = v.Transform(TextBatch(more), threads);
    v.BeginFit(false, false);
    v.AddBatch(TextBatch(more), threads);
    EXPECT_THROW(v.Transform(TextBatch(more), threads), InvalidArgument);
    v.EndFit();
    const SparseMatrix after = v.Transform(TextBatch(more), threads);
    EXPECT_GT(after.nnz(), before.nnz());  // the new terms are features now
  }
}

// A transform forgets the words and word pairs it found missing from the vocabulary (it keeps the others'
// resolutions for the next call): after a partial fit learns them, they count.
TEST(MemoFitTest, TermsMissingFromATransformCountOnceLearned) {
  const std::vector<std::string> first = {"الرئيس في القاهرة", "مدرسة الاطفال", "وصل الوفد"};
  const std::vector<std::string> more = {"كلمات جديدة تماما هنا", "وصل الوفد الى القاهرة", "مدرسة الرئيس"};
  std::vector<std::string> all = first;
  all.insert(all.end(), more.begin(), more.end());
  const VectorizerOptions o = CountOptions();
  // (Unigrams alone: the transform keeps each word's column, kNotFound for the missing ones, which the new
  // features must replace.)
  for (const int ngram_max : {1, 2}) {
    const auto analyzer = WordNgrams(ngram_max);
    for (const int threads : {1, 2}) {
      Vectorizer v(o, analyzer);
      v.Fit(TextBatch(first), threads);
      for (int k = 0; k < 2; ++k) v.Transform(TextBatch(more), threads);  // (misses, resolved and forgotten)
      v.PartialFit(TextBatch(more), threads);
      Vectorizer want(o, analyzer);
      want.Fit(TextBatch(all), threads);
      const SparseMatrix got = v.Transform(TextBatch(more), threads), expected = want.Transform(TextBatch(more), 1);
      for (std::int64_t r = 0; r < got.n_rows; ++r) {
        EXPECT_EQ(Row(v, got, r), Row(want, expected, r)) << "ngram_max " << ngram_max << ", row " << r;
      }
    }
  }
}

// A document with more distinct chunks than a memo keeps (786k) has it cleared after it, in the middle of a
// transform: the documents after it are counted exactly, from an empty memo, by the unigram path that keeps each
// word's column in the memo as by the path of (1, 2)-grams; and so are they in the next transform.
TEST(MemoFitTest, AMemoOverItsBudgetMidTransformIsClearedExactly) {
  std::string big;
  for (int k = 0; k < 800000; ++k) big += "w" + std::to_string(k) + " ";
  const std::vector<std::string> fitted = {"alpha beta w5 w799999", "w6 القاهرة", "gamma الرئيس"};
  const std::vector<std::string> docs = {"alpha beta w5", big, "alpha beta gamma w5 w799999", "w6 القاهرة alpha"};
  const VectorizerOptions o = CountOptions();
  for (const int ngram_max : {1, 2}) {
    const auto analyzer = WordNgrams(ngram_max);
    Vectorizer v(o, analyzer);
    v.Fit(TextBatch(fitted), 1);
    std::uint64_t total = 0;
    std::vector<Counts> want = Reference(*analyzer, docs, &total);
    for (Counts& c : want) {
      for (auto it = c.begin(); it != c.end();) it = v.FeatureIndex(it->first) < 0 ? c.erase(it) : std::next(it);
    }
    ASSERT_EQ(want[1].size(), 3u);  // (w5, w6 and w799999)
    for (int pass = 0; pass < 2; ++pass) {
      const SparseMatrix got = v.Transform(TextBatch(docs), 1);
      ASSERT_EQ(got.n_rows, 4);
      for (std::int64_t r = 0; r < got.n_rows; ++r) {
        EXPECT_EQ(Row(v, got, r), want[static_cast<std::size_t>(r)]) << "ngram_max " << ngram_max << ", pass "
                                                                     << pass << ", row " << r;
      }
      EXPECT_LT(v.CacheBytes(), std::size_t{8} << 20);  // (the memo that held the big document's chunks: 60 MB)
    }
  }
}

// A refit that fails leaves the model unfitted, not with its old features over an emptied vocabulary.
TEST(MemoFitTest, FailedRefitLeavesTheModelUnfitted) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const std::vector<std::string> good = {"الرئيس في القاهرة", "مدرسة الاطفال"};
  const std::vector<std::string> bad = {"وصل الوفد", "\xD8 القاهرة"};
  for (const int threads : {1, 2}) {
    Vectorizer v(VectorizerOptions(), analyzer);
    v.Fit(TextBatch(good), threads);
    ASSERT_GT(v.Transform(TextBatch(good), 1).Value(0), 0.0);
    EXPECT_THROW(v.Fit(TextBatch(bad), threads), InvalidUtf8);
    EXPECT_THROW(v.Transform(TextBatch(good), 1), InvalidArgument);
    v.Fit(TextBatch(good), threads);  // and it can be fitted again
    EXPECT_GT(v.Transform(TextBatch(good), 1).Value(0), 0.0);
  }
}

// UCS-2 of valid UTF-8 text, as Python stores a str whose code points are all below U+10000 (false for
// other text: Python stores it as UCS-4, which the vectoriser reads as UTF-8).
bool ToUcs2(const std::string& text, std::u16string* out) {
  out->clear();
  for (std::size_t i = 0; i < text.size();) {
    int len = 0;
    const std::int32_t cp = utf8::Decode(text, i, &len);
    if (cp < 0 || cp > 0xFFFF) return false;
    out->push_back(static_cast<char16_t>(cp));
    i += static_cast<std::size_t>(len);
  }
  return true;
}

// Documents read as UCS-2 (every other one, so that both memo key kinds meet) count exactly as the analyser
// does, in fit and in repeated transforms (warm memos, kept resolutions), for any thread count.
TEST_P(MemoTest, Ucs2DocumentsCountAsTheirUtf8) {
  const auto analyzer = std::make_shared<const Analyzer>(GetParam().options);
  const std::vector<std::string> docs = RandomDocs(13, 300);
  std::uint64_t total = 0;
  const std::vector<Counts> want = Reference(*analyzer, docs, &total);
  std::vector<std::u16string> wide;
  std::vector<bool> storable;
  for (const auto& d : docs) {
    wide.emplace_back();
    storable.push_back(ToUcs2(d, &wide.back()));
  }
  std::atomic<int> ucs2_reads{0};
  auto batch = [&](std::size_t parity) {
    return DocumentBatch::FromTextSource(
        docs.size(), [&](std::size_t i, std::string&) { return std::string_view(docs[i]); },
        [&, parity](std::size_t i) {
          DocumentBatch::Ucs2 u;
          if (i % 2 == parity && storable[i]) {
            u.data = wide[i].data();
            u.length = wide[i].size();
            ++ucs2_reads;
          }
          return u;
        });
  };
  const VectorizerOptions o = CountOptions();
  for (const int threads : {1, 2}) {
    Vectorizer v(o, analyzer);
    const SparseMatrix m = v.FitTransform(batch(0), threads);
    for (std::size_t r = 0; r < docs.size(); ++r) {
      ASSERT_EQ(Row(v, m, static_cast<std::int64_t>(r)), want[r]) << "document " << r << ": " << docs[r];
    }
    EXPECT_DOUBLE_EQ(v.average_length() * static_cast<double>(docs.size()), static_cast<double>(total));
    for (const std::size_t parity : {1, 0, 1}) {
      const SparseMatrix t = v.Transform(batch(parity), threads);
      for (std::size_t r = 0; r < docs.size(); ++r) {
        ASSERT_EQ(Row(v, t, static_cast<std::int64_t>(r)), want[r]) << "transform, document " << r;
      }
    }
  }
  // The char analyser crosses whitespace: it reads UTF-8 text, never the UCS-2.
  if (analyzer->token_level()) {
    EXPECT_GT(ucs2_reads.load(), 0);
  }
}

// Transforms on several threads share the warmest memo read-only (the base), each thread learning the chunks
// the base lacks in its own memo: counts stay exact for documents the base knows, half knows and does not
// know, whatever the sequence of thread counts, and the pool's memos stay consistent from call to call.
TEST_P(MemoTest, TransformThreadsShareTheWarmMemo) {
  const auto analyzer = std::make_shared<const Analyzer>(GetParam().options);
  const std::vector<std::string> seen = RandomDocs(17, 150), unseen = RandomDocs(19, 150);
  std::vector<std::string> mixed;
  for (std::size_t i = 0; i < 150; ++i) mixed.push_back(i % 2 ? seen[i] : unseen[i]);
  std::uint64_t total = 0;
  const VectorizerOptions o = CountOptions();
  for (const int fit_threads : {1, 2}) {
    Vectorizer v(o, analyzer);
    v.Fit(TextBatch(seen), fit_threads);  // keeps its memos (a fit_transform frees them)
    const std::vector<const std::vector<std::string>*> sets = {&unseen, &mixed, &seen};
    for (const int threads : {2, 3, 1, 2}) {
      for (const std::vector<std::string>* docs : sets) {
        const std::vector<Counts> want = Reference(*analyzer, *docs, &total);
        const SparseMatrix t = v.Transform(TextBatch(*docs), threads);
        ASSERT_EQ(t.n_rows, static_cast<std::int64_t>(docs->size()));
        for (std::size_t r = 0; r < docs->size(); ++r) {
          Counts expected;
          for (const auto& [term, n] : want[r]) {
            if (v.FeatureIndex(term) >= 0) expected[term] = n;
          }
          ASSERT_EQ(Row(v, t, static_cast<std::int64_t>(r)), expected)
              << "fit on " << fit_threads << ", transform on " << threads << " threads, document " << r;
        }
      }
    }
  }
}

// After a transform on several threads, what their own memos learned is merged into the shared base: one memo
// then knows every distinct chunk of the fitted and the transformed documents, and serves alone.
TEST(MemoBaseTest, ThreadsLearningIsMergedIntoTheBase) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const std::vector<std::string> seen = RandomDocs(23, 400), fresh = RandomDocs(29, 12);
  auto distinct_chunks = [](std::initializer_list<const std::vector<std::string>*> sets) {
    std::set<std::string> chunks;
    for (const auto* docs : sets) {
      for (const std::string& d : *docs) {
        for (const auto& [b, e] : ReferenceChunks(d.data(), d.size())) chunks.insert(d.substr(b, e - b));
      }
    }
    return chunks.size();
  };
  Vectorizer v(VectorizerOptions(), analyzer);
  v.Fit(TextBatch(seen), 1);
  ASSERT_EQ(v.CachedChunkCounts(), std::vector<std::size_t>{distinct_chunks({&seen})});
  const SparseMatrix one = v.Transform(TextBatch(fresh), 1);
  Vectorizer w(VectorizerOptions(), analyzer);
  w.Fit(TextBatch(seen), 1);
  const SparseMatrix two = w.Transform(TextBatch(fresh), 2);
  const std::vector<std::size_t> counts = w.CachedChunkCounts();
  ASSERT_FALSE(counts.empty());
  EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), distinct_chunks({&seen, &fresh}));
  ASSERT_EQ(one.nnz(), two.nnz());
  for (std::int64_t r = 0; r < one.n_rows; ++r) EXPECT_EQ(Row(v, one, r), Row(w, two, r));
}

// A surrogate unit in a UCS-2 document raises the error the document's text gives.
TEST(MemoUcs2Test, SurrogateRaisesTheTextError) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const std::u16string bad = u"الرئيس \xD800 القاهرة";
  for (const bool fit : {true, false}) {
    Vectorizer v(VectorizerOptions(), analyzer);
    if (!fit) {
      const std::vector<std::string_view> seed = {"الرئيس في القاهرة"};
      v.Fit(DocumentBatch::FromTexts(seed), 1);
    }
    const DocumentBatch b = DocumentBatch::FromTextSource(
        1, [](std::size_t, std::string&) -> std::string_view { throw InvalidArgument("document 0: lone surrogate"); },
        [&](std::size_t) { return DocumentBatch::Ucs2{bad.data(), bad.size()}; });
    try {
      if (fit) {
        v.Fit(b, 1);
      } else {
        v.Transform(b, 1);
      }
      FAIL() << "a lone surrogate was accepted";
    } catch (const InvalidArgument& e) {
      EXPECT_STREQ(e.what(), "document 0: lone surrogate");
    }
  }
}

// The analyser's terms of each document as a term batch (hashed term by term, without a memo). `storage`
// must outlive the batch.
DocumentBatch AnalysedTerms(const Analyzer& a, const std::vector<std::string>& docs,
                            std::vector<std::string>* storage) {
  std::vector<std::size_t> offsets{0};
  for (const auto& d : docs) {
    a.ForEachTerm(d, [&](std::string_view t) { storage->emplace_back(t); });
    offsets.push_back(storage->size());
  }
  return DocumentBatch::FromTerms(std::vector<std::string_view>(storage->begin(), storage->end()), offsets);
}

// The hashing vectoriser reads text through memos (each distinct chunk analysed once, each distinct term
// hashed once): its matrix equals hashing the analyser's terms one by one, for UTF-8 and UCS-2 documents,
// cold and warm memos and any thread count, with few columns (colliding terms summed, with their signs) and
// with many.
TEST_P(MemoTest, HashingTextsHashTheAnalysersTerms) {
  const auto analyzer = std::make_shared<const Analyzer>(GetParam().options);
  const std::vector<std::string> docs = RandomDocs(23, 300);
  std::vector<std::string> storage;
  const DocumentBatch terms = AnalysedTerms(*analyzer, docs, &storage);
  std::vector<std::u16string> wide;
  std::vector<bool> storable;
  for (const auto& d : docs) {
    wide.emplace_back();
    storable.push_back(ToUcs2(d, &wide.back()));
  }
  auto batch = [&](std::size_t parity) {
    return DocumentBatch::FromTextSource(
        docs.size(), [&](std::size_t i, std::string&) { return std::string_view(docs[i]); },
        [&, parity](std::size_t i) {
          DocumentBatch::Ucs2 u;
          if (i % 2 == parity && storable[i]) u = {wide[i].data(), wide[i].size()};
          return u;
        });
  };
  for (const std::int64_t n_features : {std::int64_t{16}, std::int64_t{1} << 20}) {
    for (const Norm norm : {Norm::kNone, Norm::kL2}) {
      HashingOptions o;
      o.n_features = n_features;
      o.norm = norm;
      const HashingVectorizer h(o, analyzer);
      const SparseMatrix want = h.Transform(terms, 1);
      EXPECT_EQ(h.CacheBytes(), 0u);  // (a term batch needs no memo)
      for (const int threads : {1, 2}) {
        for (const std::size_t parity : {0, 1, 0}) {
          EXPECT_TRUE(SameMatrix(h.Transform(batch(parity), threads), want)) << threads << " " << parity;
        }
        EXPECT_TRUE(SameMatrix(h.Transform(TextBatch(docs), threads), want)) << threads;
      }
      EXPECT_GT(h.CacheBytes(), 0u);
      h.ClearCache();
      EXPECT_EQ(h.CacheBytes(), 0u);
      EXPECT_TRUE(SameMatrix(h.Transform(TextBatch(docs), 1), want));
    }
  }
}

// A document with more distinct terms than a memo keeps (2^18) has it cleared after it: the documents after
// it are hashed from an empty memo, exactly.
TEST(HashingMemoTest, AMemoOverItsBudgetIsClearedBetweenDocuments) {
  const auto analyzer = std::make_shared<const Analyzer>();
  std::string big;
  for (int k = 0; k < 270000; ++k) big += "w" + std::to_string(k) + " ";
  const std::vector<std::string> docs = {"alpha beta", big, "alpha beta gamma w5", "w6 القاهرة alpha"};
  std::vector<std::string> storage;
  HashingOptions o;
  o.norm = Norm::kNone;
  const HashingVectorizer h(o, analyzer);
  const SparseMatrix want = h.Transform(AnalysedTerms(*analyzer, docs, &storage), 1);
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_TRUE(SameMatrix(h.Transform(TextBatch(docs), 1), want)) << pass;
    EXPECT_LT(h.CacheBytes(), std::size_t{4} << 20);  // (the memo that held the big document's terms: 30 MB)
  }
}

// The memos kept between calls keep what they learned, not the working memory of a long document.
TEST(HashingMemoTest, ALongDocumentsWorkingMemoryIsNotKept) {
  const auto analyzer = std::make_shared<const Analyzer>();
  std::string text;
  for (int k = 0; k < 200000; ++k) text += "الرئيس في القاهرة ";
  const std::vector<std::string> docs = {text, "الرئيس"};
  std::vector<std::string> storage;
  const HashingVectorizer h(HashingOptions(), analyzer);
  const SparseMatrix want = h.Transform(AnalysedTerms(*analyzer, docs, &storage), 1);
  EXPECT_TRUE(SameMatrix(h.Transform(TextBatch(docs), 1), want));
  EXPECT_GT(h.CacheBytes(), 0u);
  EXPECT_LT(h.CacheBytes(), std::size_t{2} << 20);  // (the working memory of its 600k chunks: over 30 MB)
  EXPECT_TRUE(SameMatrix(h.Transform(TextBatch(docs), 1), want));
}

// Copies share their memos; a copy given another analyser has its own, so neither sees the other's terms.
TEST(HashingMemoTest, ACopyGivenAnotherAnalyserKeepsItsOwnMemo) {
  AnalyzerOptions none;
  none.stemmer = "none";
  const auto light = std::make_shared<const Analyzer>(), plain = std::make_shared<const Analyzer>(none);
  const std::vector<std::string> docs = RandomDocs(29, 100);
  const SparseMatrix want_light = HashingVectorizer(HashingOptions(), light).Transform(TextBatch(docs), 1);
  const SparseMatrix want_plain = HashingVectorizer(HashingOptions(), plain).Transform(TextBatch(docs), 1);
  ASSERT_FALSE(SameMatrix(want_light, want_plain));
  HashingVectorizer a(HashingOptions(), light);
  a.Transform(TextBatch(docs), 2);
  HashingVectorizer b = a;
  EXPECT_TRUE(SameMatrix(b.Transform(TextBatch(docs), 1), want_light));  // (a's memo)
  b.SetAnalyzer(plain);
  EXPECT_TRUE(SameMatrix(b.Transform(TextBatch(docs), 1), want_plain));
  EXPECT_TRUE(SameMatrix(a.Transform(TextBatch(docs), 1), want_light));
}

// Ill-formed text raises the analyser's error with the document's index (a source's own error as it is), and
// the vectoriser then hashes other documents exactly.
TEST(HashingMemoTest, BadTextRaisesTheDocumentsError) {
  const auto analyzer = std::make_shared<const Analyzer>();
  const HashingVectorizer h(HashingOptions(), analyzer);
  const std::vector<std::string> bad = {"الرئيس في القاهرة", "الرئيس في \xD8 القاهرة"};
  try {
    h.Transform(TextBatch(bad), 1);
    FAIL() << "ill-formed UTF-8 was accepted";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(std::string(e.what()).rfind("document 1: ", 0), 0u) << e.what();
    EXPECT_EQ(e.byte_offset(), 18u);
  }
  const std::u16string surrogate = u"الرئيس \xD800 القاهرة";
  const DocumentBatch b = DocumentBatch::FromTextSource(
      1, [](std::size_t, std::string&) -> std::string_view { throw InvalidArgument("document 0: lone surrogate"); },
      [&](std::size_t) { return DocumentBatch::Ucs2{surrogate.data(), surrogate.size()}; });
  try {
    h.Transform(b, 1);
    FAIL() << "a lone surrogate was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(), "document 0: lone surrogate");
  }
  const std::vector<std::string> docs = RandomDocs(31, 50);
  std::vector<std::string> storage;
  EXPECT_TRUE(SameMatrix(h.Transform(TextBatch(docs), 2), h.Transform(AnalysedTerms(*analyzer, docs, &storage), 1)));
}

INSTANTIATE_TEST_SUITE_P(Options, MemoTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// The chunk splitter (64 units at a time for 1- and 2-byte units) against a unit-by-unit reference, on random
// texts dense and sparse in whitespace, of every length around the block size, reusing one ChunkRanges.
template <typename Unit>
void CheckSplitChunks(const std::vector<char32_t>& alphabet) {
  std::mt19937 rng(7);
  internal::ChunkRanges ranges;
  for (int round = 0; round < 3000; ++round) {
    const std::size_t n = round < 300 ? static_cast<std::size_t>(round) : rng() % 700;
    const unsigned space_per_mille = std::vector<unsigned>{0, 20, 200, 500, 900, 1000}[rng() % 6];
    static const char kSpaces[] = {' ', '\t', '\n', '\v', '\f', '\r'};
    std::vector<Unit> text(n);
    for (Unit& u : text) {
      u = rng() % 1000 < space_per_mille ? static_cast<Unit>(kSpaces[rng() % 6])
                                         : static_cast<Unit>(alphabet[rng() % alphabet.size()]);
    }
    const std::vector<std::pair<std::size_t, std::size_t>> want = ReferenceChunks(text.data(), n);
    internal::SplitChunks(text.data(), n, &ranges);
    ASSERT_EQ(ranges.size(), want.size()) << "round " << round << " n " << n;
    for (std::size_t j = 0; j < want.size(); ++j) ASSERT_EQ(ranges[j], want[j]) << "round " << round;
  }
}

TEST(ChunksTest, SplitChunksMatchesAUnitByUnitSplit) {
  // Units that look like whitespace in other encodings or widths must not split: NEL, NBSP, U+2028, a UCS-2
  // unit whose low byte is a space (U+0620), and units above 0x8000 (negative in signed SIMD compares).
  CheckSplitChunks<char>({U'a', 0x1F, U'!', 0x85, 0xA0, 0xD8, 0x7F});
  CheckSplitChunks<std::uint8_t>({'a', 0x1F, 0x85, 0xA0, 0xFF});
  CheckSplitChunks<char16_t>({u'a', 0x0620, 0x0627, 0x0085, 0x00A0, 0x2028, 0x3000, 0x8020, 0xD83D, 0xFF09, 0x0920});
  CheckSplitChunks<char32_t>({U'a', 0x0627, 0x0085, 0x3000, 0x1F600, 0x100020});
}

TEST(Utf8FromWideTest, EncodesAsAppendAndStopsAtTheFirstUnitWithoutAForm) {
  // Every code point (surrogates and values past U+10FFFF excepted), in runs with ASCII between them.
  std::vector<char32_t> units;
  std::string want;
  for (char32_t c = 0; c <= 0x10FFFF; c += (c < 0x3000 ? 1 : 61)) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    units.push_back(c);
    utf8::Append(c, want);
    if (c % 7 == 0) {
      units.push_back('a');
      want.push_back('a');
    }
  }
  // (The buffer keeps its size: the shorter texts after the first are written over the start of a longer one.)
  std::string buffer = "left over";
  std::string_view got;
  ASSERT_EQ(utf8::FromWide(units.data(), units.size(), &buffer, &got), units.size());
  EXPECT_EQ(got, want);
  std::vector<char16_t> bmp;
  std::string want16;
  for (char32_t c = 0; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    bmp.push_back(static_cast<char16_t>(c));
    utf8::Append(c, want16);
  }
  ASSERT_EQ(utf8::FromWide(bmp.data(), bmp.size(), &buffer, &got), bmp.size());
  EXPECT_EQ(got, want16);
  const std::uint8_t latin1[] = {'A', 0xE9, 0x80, 0xFF};
  ASSERT_EQ(utf8::FromWide(latin1, 4, &buffer, &got), 4u);
  EXPECT_EQ(got, "A\xC3\xA9\xC2\x80\xC3\xBF");
  // The index of the first unit without a UTF-8 form.
  const char16_t lone[] = {u'\u0628', 0xDC00, u'\u0629'};
  EXPECT_EQ(utf8::FromWide(lone, 3, &buffer, &got), 1u);
  const char32_t high[] = {U'a', U'b', 0x110000};
  EXPECT_EQ(utf8::FromWide(high, 3, &buffer, &got), 2u);
  const char32_t surrogate[] = {0xD800};
  EXPECT_EQ(utf8::FromWide(surrogate, 1, &buffer, &got), 0u);
}

// Rows sorted by column (radix for long rows, with digits fitted to the column width) equal std::sort's, for
// every width from 1 to 32 bits, short and long rows, counts kept with their columns.
TEST(SortRowTest, EqualsStdSortForEveryColumnWidth) {
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> scratch;
  for (int bits = 1; bits <= 32; ++bits) {
    const std::uint64_t domain = std::uint64_t{1} << bits;
    for (const std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{47}, std::size_t{48}, std::size_t{184},
                                std::size_t{3000}}) {
      std::vector<std::uint64_t> row;
      std::set<std::uint64_t> used;
      while (row.size() < std::min<std::uint64_t>(n, domain)) {
        const std::uint64_t col = rng() % domain;
        if (used.insert(col).second) row.push_back((col << 32) | (rng() & 0xFFFFFFFFu));
      }
      std::vector<std::uint64_t> want = row;
      std::sort(want.begin(), want.end());
      internal::SortRow(row.data(), row.data() + row.size(), bits, scratch);
      ASSERT_EQ(row, want) << bits << " bits, " << n << " entries";
    }
  }
}

TEST(ColumnSetTest, DrainsDistinctColumnsInOrderAndEmpties) {
  std::mt19937_64 rng(9);
  internal::ColumnSet set;
  // Sizes below, at and above one word of each level (64, 4096, 2^18 columns), growing (Reserve keeps the set's
  // room), up to several top-level words.
  for (const std::uint64_t domain : {std::uint64_t{1}, std::uint64_t{64}, std::uint64_t{65}, std::uint64_t{4097},
                                     std::uint64_t{1} << 18, (std::uint64_t{1} << 18) + 1, std::uint64_t{3000000}}) {
    set.Reserve(static_cast<std::size_t>(domain));
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{5000}}) {
      std::set<std::uint32_t> want;
      for (std::size_t k = 0; k < n; ++k) {
        // Repeats, both ends of the range, and columns sharing words of each level.
        const std::uint32_t col = k % 7 == 0   ? static_cast<std::uint32_t>(domain - 1)
                                  : k % 5 == 0 ? 0u
                                  : k % 3 == 0 ? static_cast<std::uint32_t>((rng() % domain) & ~std::uint64_t{63})
                                               : static_cast<std::uint32_t>(rng() % domain);
        want.insert(col);
        set.Add(col);
      }
      std::vector<std::uint32_t> got;
      set.Drain([&](std::uint32_t col) { got.push_back(col); });
      ASSERT_EQ(got, std::vector<std::uint32_t>(want.begin(), want.end())) << domain << " columns, " << n << " adds";
      got.clear();
      set.Drain([&](std::uint32_t col) { got.push_back(col); });
      ASSERT_TRUE(got.empty()) << "not emptied: " << domain << " columns, " << n << " adds";
    }
  }
}

TEST(TokenMemoTest, KeysOfEveryLengthAndKindAreDistinctAndFound) {
  internal::TokenMemo memo;
  std::vector<std::string> words;
  for (int len = 0; len <= 40; ++len) {
    for (char c : {'a', 'b'}) {
      if (len == 0 && c == 'b') continue;
      std::string w(static_cast<std::size_t>(len), 'x');
      if (len > 0) w[static_cast<std::size_t>(len) - 1] = c;
      words.push_back(w);
    }
  }
  // Keys read with wide loads (text followed by other bytes) and copied (text at the end) must agree.
  std::uint32_t next = 0;
  for (const auto& w : words) {
    for (unsigned kind : {0u, 3u}) {
      const std::string padded = w + "yyyyyyyyyyyyyyyyyyyyyyyy";
      bool found = true;
      internal::TokenMemo::Entry* e =
          memo.FindOrAdd(internal::TokenMemo::MakeKey(padded.data(), w.size(), padded.size(), kind), &found);
      ASSERT_FALSE(found) << w.size();
      e->value = next++;
      const internal::TokenMemo::Entry* again =
          memo.FindOrAdd(internal::TokenMemo::MakeKey(w.data(), w.size(), w.size(), kind), &found);
      ASSERT_TRUE(found) << w.size();
      EXPECT_EQ(again->value, next - 1);
    }
  }
  EXPECT_EQ(memo.size(), next);
}

TEST(BigramMapTest, MatchesAnOrderedMapThroughGrowth) {
  internal::BigramMap map;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> truth;
  std::mt19937 rng(3);
  for (std::uint32_t k = 0; k < 200000; ++k) {
    const std::uint32_t a = rng() % 2000, b = rng() % 2000;
    std::size_t slot = 0;
    const std::uint32_t got = map.Find(a, b, &slot);
    const auto it = truth.find({a, b});
    if (it == truth.end()) {
      ASSERT_EQ(got, internal::BigramMap::kNone) << a << " " << b;
      map.Add(slot, a, b, k);
      truth.emplace(std::make_pair(a, b), k);
    } else {
      ASSERT_EQ(got, it->second) << a << " " << b;
    }
  }
  EXPECT_EQ(map.size(), truth.size());
  EXPECT_GT(truth.size(), std::size_t{1} << 16);  // (grown past its first table)
}

// The bigrams of a one-thread fit of word (1, 2)-grams go through an exact map of their words' ids and join
// the vocabulary unindexed until the map is dropped: a batch on two threads, a batch of given terms and a
// failed batch drop it part-way. Every way gives the model of the same documents fitted on two threads.
TEST(MemoFitTest, ExactBigramsGiveTheModelOfEveryOtherPath) {
  AnalyzerOptions ao;
  ao.ngram_max = 2;
  const auto analyzer = std::make_shared<const Analyzer>(ao);
  std::vector<std::string> docs = RandomDocs(13, 300);
  for (int i = 0; i < 100; ++i) docs.push_back(docs[static_cast<std::size_t>(i) * 2] + " " + docs[i]);  // repeats
  const std::vector<std::string> b1(docs.begin(), docs.begin() + 150), b2(docs.begin() + 150, docs.begin() + 300),
      b3(docs.begin() + 300, docs.end());
  VectorizerOptions o;
  Vectorizer want(o, analyzer);
  want.Fit(TextBatch(docs), 2);
  const std::string want_bytes = want.Serialize();
  auto terms_of = [&](const std::vector<std::string>& d, std::vector<std::string>* storage) {
    std::vector<std::size_t> offsets = {0};
    for (const auto& text : d) {
      analyzer->ForEachTerm(text, [&](std::string_view t) { storage->emplace_back(t); });
      offsets.push_back(storage->size());
    }
    return offsets;
  };
  for (const int middle : {1, 2, 0}) {  // threads of the second batch; 0: given as terms
    Vectorizer v(o, analyzer);
    v.BeginFit(true, false);
    v.AddBatch(TextBatch(b1), 1);
    std::vector<std::string> storage;
    if (middle == 0) {
      const std::vector<std::size_t> offsets = terms_of(b2, &storage);
      v.AddBatch(DocumentBatch::FromTerms(std::vector<std::string_view>(storage.begin(), storage.end()), offsets), 1);
    } else {
      v.AddBatch(TextBatch(b2), middle);
    }
    v.AddBatch(TextBatch(b3), 1);
    v.EndFit();
    EXPECT_EQ(v.Serialize(), want_bytes) << "second batch: " << middle;
  }
  // A batch that fails after its first documents appended new bigrams leaves the vocabulary as it was.
  const std::vector<std::string> bad = {"كلمات جديدة تماما هنا وهناك", "ثم خطا \xD8 هنا"};
  Vectorizer v(o, analyzer);
  v.BeginFit(true, false);
  v.AddBatch(TextBatch(b1), 1);
  v.AddBatch(TextBatch(b2), 1);
  EXPECT_THROW(v.AddBatch(TextBatch(bad), 1), InvalidUtf8);
  v.AddBatch(TextBatch(b3), 1);
  v.EndFit();
  EXPECT_EQ(v.Serialize(), want_bytes);
  // An aborted fit leaves no term out of Find's reach.
  Vectorizer aborted(o, analyzer);
  aborted.BeginFit(true, false);
  aborted.AddBatch(TextBatch(b1), 1);
  aborted.AbortFit();
  const Vocabulary& terms = aborted.terms();
  for (std::uint32_t id = 0; id < terms.size(); ++id) ASSERT_EQ(terms.Find(terms.Term(id)), id);
}

TEST(PairCacheTest, GrowsToItsBoundAndNeverAnswersWrong) {
  internal::PairCache cache(4, 8);  // 16 entries, growing to 256
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> truth;
  std::mt19937 rng(7);
  std::size_t hits = 0;
  for (std::uint32_t k = 0; k < 20000; ++k) {
    const std::uint32_t a = rng() % 300, b = rng() % 300;
    std::uint32_t id = 0;
    if (cache.Get(a, b, &id)) {
      ASSERT_EQ(id, truth.at({a, b})) << a << " " << b;
      ++hits;
    } else {
      const auto [it, added] = truth.emplace(std::make_pair(a, b), k);
      cache.Put(a, b, it->second);
    }
  }
  EXPECT_GT(hits, 0u);
  EXPECT_EQ(cache.MemoryBytes(), internal::PairCache(8, 8).MemoryBytes());  // grown to its bound, no further
  EXPECT_GT(cache.MemoryBytes(), internal::PairCache(4, 8).MemoryBytes());
  cache.EraseIdsFrom(10000);
  for (const auto& [pair, id] : truth) {
    std::uint32_t got = 0;
    if (cache.Get(pair.first, pair.second, &got)) {
      EXPECT_EQ(got, id);
      EXPECT_LT(got, 10000u);
    }
  }
  cache.Clear();
  std::uint32_t got = 0;
  for (const auto& [pair, id] : truth) EXPECT_FALSE(cache.Get(pair.first, pair.second, &got));
}

}  // namespace
}  // namespace akhbar
