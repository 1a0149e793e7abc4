// Bag-of-words vectorisers with scikit-learn's meaning: term counts, TF-IDF and BM25 weights over a learned
// (or fixed) vocabulary, as CSR matrices. Documents are counted batch by batch on several threads; each thread
// counts into its own vocabulary and the vocabularies are merged in document order, so vocabulary, statistics
// and matrices are identical for any thread count and any batch size.
//
// Weights of term t in document d (tf = count of t in d, or 1 if binary):
//   count:  tf
//   tfidf:  tf' * idf(t), tf' = 1 + ln(tf) if sublinear_tf else tf;
//           idf(t) = ln((N + s) / (df(t) + s)) + 1, s = 1 if smooth_idf else 0           (scikit-learn)
//   bm25:   idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl));
//           idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))                             (Lucene's BM25)
// N = documents fitted, df(t) = fitted documents containing t, |d| = number of terms the analyser produced for d
// (all of them, in the vocabulary or not), avgdl = mean |d| over the fitted documents. use_idf=false makes
// idf(t) = 1. tfidf and bm25 rows are then divided by their L1 or L2 norm if `norm` says so (all-zero rows stay).
#ifndef AKHBAR_VECTORIZER_H_
#define AKHBAR_VECTORIZER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/pod_array.h"
#include "akhbar/vocabulary.h"

namespace akhbar {

// An allocator that default-initialises new elements (no zero fill), so that sizing an output buffer does not
// touch its pages before they are written: peak memory then grows as the matrix is filled. Large matrices take
// their memory as PodArray blocks do (mapped pages), on small pages: a matrix is written once, in order, so
// huge pages save it no TLB misses, and where the system has to find and clear a fresh 2 MB page for each
// (as on the virtual machines these figures come from) its first touch cost 5x more: a char_wb (2, 4)
// fit_transform of egy2013 (68M values, 0.8 GB) took 5.2 s on huge pages, 3.8 s on small ones.
template <typename T>
struct DefaultInitAllocator : internal::BlockAllocator<T, false> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible<U>::value) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using Buffer = std::vector<T, DefaultInitAllocator<T>>;

enum class Norm { kNone, kL1, kL2 };
enum class Weighting { kCount, kTfidf, kBm25 };
enum class DType { kInt32, kInt64, kFloat32, kFloat64 };

// A matrix in CSR form (scipy's layout). Exactly one data vector is used (per dtype) and one index pair:
// 32-bit indices/indptr unless the number of stored values or columns needs 64 bits (wide_indices).
// Column indices are sorted within each row.
struct SparseMatrix {
  std::int64_t n_rows = 0;
  std::int64_t n_cols = 0;
  DType dtype = DType::kFloat64;
  bool wide_indices = false;
  Buffer<std::int32_t> data_i32;
  Buffer<std::int64_t> data_i64;
  Buffer<float> data_f32;
  Buffer<double> data_f64;
  Buffer<std::int32_t> indices32, indptr32;
  Buffer<std::int64_t> indices64, indptr64;

  std::size_t nnz() const noexcept { return wide_indices ? indices64.size() : indices32.size(); }
  // Start of row r in the stored arrays (r <= n_rows), column and value of stored entry k. O(1).
  std::int64_t RowStart(std::int64_t r) const noexcept {
    return wide_indices ? indptr64[static_cast<std::size_t>(r)] : indptr32[static_cast<std::size_t>(r)];
  }
  std::int64_t Column(std::size_t k) const noexcept { return wide_indices ? indices64[k] : indices32[k]; }
  double Value(std::size_t k) const noexcept;
  // Value at (row, col), 0 if not stored. O(log row length).
  double At(std::int64_t row, std::int64_t col) const noexcept;
};

// Documents to vectorise, read by index from worker threads: texts for the analyser, or terms already
// analysed (used as they are), or tokens (word n-grams are built from them as scikit-learn's word analyser
// does, joined by one space). Holds views: the caller keeps the data alive while the batch is used.
class DocumentBatch {
 public:
  enum class Kind { kTexts, kTerms, kTokens };
  // Fetches document i as valid UTF-8, optionally using `scratch` for storage; must be thread-safe.
  using TextSource = std::function<std::string_view(std::size_t i, std::string& scratch)>;
  // Document i as UCS-2, one code point (U+0000..U+FFFF) a unit, as Python stores a str whose largest code
  // point is in U+0100..U+FFFF; data == nullptr if it is not at hand that way. A surrogate unit is invalid:
  // Text(i) must throw the error for it.
  struct Ucs2 {
    const char16_t* data = nullptr;
    std::size_t length = 0;
  };
  using Ucs2Source = std::function<Ucs2(std::size_t i)>;

  static DocumentBatch FromTexts(std::vector<std::string_view> texts);
  // `ucs2`, if given, offers the same documents as UCS-2 where that is their native form: the vectoriser then
  // reads them in place and converts to UTF-8 only the pieces it has not analysed before. Text(i) must give
  // the same text (or throw the error that text has).
  static DocumentBatch FromTextSource(std::size_t n, TextSource source, Ucs2Source ucs2 = nullptr);
  // Terms of document i are terms[offsets[i] .. offsets[i+1]); offsets has n + 1 entries starting at 0. Throws
  // InvalidArgument for bad offsets, InvalidUtf8 for a term that is not UTF-8 (naming its document and index).
  static DocumentBatch FromTerms(std::vector<std::string_view> terms, std::vector<std::size_t> offsets);
  static DocumentBatch FromTokens(std::vector<std::string_view> tokens, std::vector<std::size_t> offsets);

  Kind kind() const noexcept { return kind_; }
  // Whether the texts come from a TextSource (which names the document in its own errors).
  bool HasSource() const noexcept { return static_cast<bool>(source_); }
  std::size_t size() const noexcept { return size_; }

  // Calls fn(term) for every term of document i. Text needs `analyzer` (InvalidArgument if null); tokens
  // use ngram_min..ngram_max. `scratch` is per-thread working memory.
  void ForEachTerm(std::size_t i, const Analyzer* analyzer, int ngram_min, int ngram_max, std::string& scratch,
                   const std::function<void(std::string_view)>& fn) const;

  // The text of document i of a text batch (kind() == kTexts), possibly stored in `scratch`.
  std::string_view Text(std::size_t i, std::string& scratch) const { return source_ ? source_(i, scratch) : texts_[i]; }
  // Document i as UCS-2 if the source offers it that way (data == nullptr otherwise).
  Ucs2 TextUcs2(std::size_t i) const { return ucs2_ ? ucs2_(i) : Ucs2(); }
  // How much text document i has (code units, or terms), when that is at hand without converting it;
  // kUnknownSize if it is not. For splitting a batch into parts of about equal work.
  static constexpr std::size_t kUnknownSize = static_cast<std::size_t>(-1);
  std::size_t CheapSize(std::size_t i) const;

 private:
  Kind kind_ = Kind::kTexts;
  std::size_t size_ = 0;
  std::vector<std::string_view> texts_;
  TextSource source_;
  Ucs2Source ucs2_;
  std::vector<std::string_view> terms_;
  std::vector<std::size_t> offsets_;
};

// Picks which of `tfs.size()` candidate features (given in feature order) to keep when more than `limit`
// pass the document-frequency bounds: returns `limit` distinct positions. The default keeps the highest total
// counts, ties going to the earlier feature; Python passes numpy's argsort to match scikit-learn exactly.
using TopSelector = std::function<std::vector<std::size_t>(const std::vector<std::uint64_t>& tfs, std::size_t limit)>;

struct VectorizerOptions {
  Weighting weighting = Weighting::kTfidf;
  DType dtype = DType::kFloat64;
  bool binary = false;
  Norm norm = Norm::kL2;  // tfidf and bm25 only
  bool use_idf = true;
  bool smooth_idf = true;  // tfidf only
  bool sublinear_tf = false;  // tfidf only
  double k1 = 1.2;  // bm25: term-frequency saturation, >= 0
  double b = 0.75;  // bm25: length normalisation, in [0, 1]
  // Document-frequency bounds, as scikit-learn: a count of documents, or a fraction of them if *_is_fraction.
  double min_df = 1;
  bool min_df_is_fraction = false;
  double max_df = 1.0;
  bool max_df_is_fraction = true;
  // Keep at most this many features (by total count; by document frequency if binary). 0: no limit.
  std::uint64_t max_features = 0;
  // Word n-grams built from token batches (DocumentBatch::FromTokens).
  int token_ngram_min = 1;
  int token_ngram_max = 1;
};

// Throws InvalidArgument naming the first invalid option.
void ValidateOptions(const VectorizerOptions& options);

// The features of a fitted model: a learned vocabulary sorted by term (scikit-learn's order) or a fixed one in
// the caller's order, with the corpus statistics needed to weight, prune and update it.
//
// The model keeps the statistics of every term seen, also those pruned by min_df/max_df/max_features, so that
// PartialFit(b) after Fit(a) gives exactly the model Fit(a + b) would. Thread-safety: const methods may run
// concurrently; the others need exclusive access.
class Vectorizer {
 public:
  // `analyzer` turns text batches into terms; it may be null if only term or token batches are given.
  Vectorizer(const VectorizerOptions& options, std::shared_ptr<const Analyzer> analyzer);
  ~Vectorizer();
  Vectorizer(const Vectorizer&) = delete;
  Vectorizer& operator=(const Vectorizer&) = delete;

  const VectorizerOptions& options() const noexcept { return options_; }
  const Analyzer* analyzer() const noexcept { return analyzer_.get(); }
  // Replaces the analyser (e.g. after Deserialize); it must produce the terms the model was fitted with.
  void SetAnalyzer(std::shared_ptr<const Analyzer> analyzer) noexcept;

  // Fixes the features to `terms` in this order (scikit-learn's `vocabulary=`): fitting then counts only them
  // and never prunes. Forgets any fitted state. Throws InvalidArgument for an empty list or a repeated term,
  // InvalidUtf8 for a term that is not UTF-8.
  void SetVocabulary(const std::vector<std::string_view>& terms);
  bool fixed_vocabulary() const noexcept { return fixed_; }

  // Fits on all documents, replacing the fitted state. Throws InvalidArgument if no feature remains.
  void Fit(const DocumentBatch& docs, int n_threads);
  // Fit, then the weighted matrix of `docs`, without analysing them twice.
  SparseMatrix FitTransform(const DocumentBatch& docs, int n_threads);
  // Adds `docs` to the statistics (new terms, document frequencies, N) and recomputes features and idf.
  // On an unfitted model, equals Fit, except that until the model has features, bounds keeping no term yet
  // give a model with no features (EndFit's `partial`) instead of an error.
  void PartialFit(const DocumentBatch& docs, int n_threads);

  // Fitting in batches, for streams: BeginFit(reset) (reset forgets the statistics: Fit; else PartialFit),
  // AddBatch for each batch, EndFit to prune and sort. With keep_rows, TakeFitMatrix() then returns the weighted
  // rows of every document added since BeginFit. Memory: O(vocabulary) plus, with keep_rows, O(non-zeros).
  // EndFit frees the analysis memos (keep_rows) on a second thread, if n_threads allows, while it prunes.
  void BeginFit(bool reset, bool keep_rows);
  void AddBatch(const DocumentBatch& docs, int n_threads);
  // `partial` (a partial fit, of a model with or without features): until the model has features, bounds that
  // keep no term yet, or no term at all yet (documents of stop words only), leave the model fitted with no
  // features (a first batch of one article with min_df=2) instead of throwing; later batches bring terms within
  // them. max_df below min_df still throws unless more documents can lift it (a fraction max_df over a count
  // min_df), and so does a partial fit that prunes every feature of a model that has some.
  void EndFit(const TopSelector& select = nullptr, int n_threads = 1, bool partial = false);
  // After a batch fit failed (an AddBatch or EndFit threw, or the caller gave up): a partial fit of a fitted
  // model gets back its statistics and features of before BeginFit (BeginFit(false, ...) keeps them: O(terms)
  // copies, not a serialisation); any other fit leaves the model unfitted. No-op outside a fit.
  void AbortFit();
  SparseMatrix TakeFitMatrix(int n_threads);

  // Weighted matrix of `docs` over the fitted features (terms outside them are ignored). Throws
  // InvalidArgument if not fitted. O(terms) work split over n_threads.
  SparseMatrix Transform(const DocumentBatch& docs, int n_threads) const;
  // Counted, unweighted rows of consecutive documents: per row its keys (term ids or columns) and counts,
  // and its length |d|. A count is one byte; 255 means "the next value of `large`" (5 bytes an entry).
  struct RowSegment {
    internal::PodArray<std::uint32_t> keys;  // (grown without a copy)
    internal::PodArray<std::uint8_t> counts;
    std::vector<std::uint32_t> large;
    std::vector<std::uint64_t> row_ends;  // end of each row in keys
    std::vector<std::uint32_t> lengths;
    // Room for n more entries, from the index returned, for Set to fill in order (one resize for a row
    // instead of a push_back per entry).
    std::size_t Extend(std::size_t n) {
      const std::size_t at = keys.size();
      keys.resize(at + n);
      counts.resize(at + n);
      return at;
    }
    void Set(std::size_t k, std::uint32_t key, std::uint32_t count) {
      keys[k] = key;
      if (count < 255) {
        counts[k] = static_cast<std::uint8_t>(count);
      } else {
        counts[k] = 255;
        large.push_back(count);
      }
    }
  };
  struct Rows {
    std::vector<RowSegment> segments;
    std::size_t n_rows = 0;
  };
  // Transform in batches: the rows of each batch are appended to `rows`; Finish weights them into the matrix
  // (freeing `rows` as it goes).
  void TransformBatch(const DocumentBatch& docs, int n_threads, Rows* rows) const;
  SparseMatrix Finish(Rows&& rows, int n_threads) const;

  // Internal: the analysis memos of worker threads, kept from batch to batch of one fit or transform (until
  // EndFit or Finish) so that each distinct chunk of text is analysed once. They never change a result.
  struct MemoPool;
  // Internal: the count slots of a one-thread fit, kept zeroed from batch to batch (until EndFit) instead of
  // being allocated and zeroed anew for each batch.
  struct FitScratch;

  bool fitted() const noexcept { return fitted_; }
  std::size_t n_features() const noexcept { return feature_term_.size(); }
  // Term of feature `column` (< n_features()). The view is valid until the model changes.
  std::string_view FeatureName(std::size_t column) const noexcept;
  // Column of `term`, or -1.
  std::int64_t FeatureIndex(std::string_view term) const noexcept;
  // Per feature: idf (empty for count weighting or use_idf=false), document frequency, total count (kept only
  // with max_features, which needs it; empty otherwise).
  const std::vector<double>& idf() const noexcept { return idf_; }
  // Replaces the idf weights (n_features() finite values) of a fitted model that uses them, as scikit-learn's
  // `idf_` setter does, until the next fit or partial fit computes them again from the statistics. Saved with
  // the model. Throws InvalidArgument otherwise.
  void SetIdf(std::vector<double> idf);
  bool idf_given() const noexcept { return idf_given_; }
  std::vector<std::uint64_t> FeatureDocumentFrequencies() const;
  std::vector<std::uint64_t> FeatureTotalCounts() const;
  std::uint64_t n_documents() const noexcept { return n_docs_; }
  // Mean number of terms per fitted document (BM25's avgdl).
  double average_length() const noexcept;
  // Every term seen by fitting (features and pruned terms), in first-seen order.
  const Vocabulary& terms() const noexcept { return terms_; }

  // Heap bytes of the term vocabulary alone, and of the whole fitted model.
  std::size_t VocabularyBytes() const noexcept { return terms_.MemoryBytes(); }
  std::size_t MemoryBytes() const noexcept;
  // The analysis cache kept between calls (memos of the analysis of text pieces, one per worker thread, each
  // bounded): its heap bytes, and dropping it (the next call starts cold; results never depend on it).
  // Thread-safe.
  std::size_t CacheBytes() const;
  void ClearCache();
  // Distinct chunks of text known by each analysis memo kept for the next call, most recently kept last (for
  // tests and diagnostics).
  std::vector<std::size_t> CachedChunkCounts() const;

  // Versioned binary state (akhbar envelope, kind "vectorizer"): options, vocabulary, statistics, features,
  // `metadata` (opaque caller bytes, e.g. Python parameters) and the analyser's options (if it has an analyser).
  std::string Serialize(std::string_view metadata = {}) const;
  // Throws FormatError (truncated, corrupt, unknown version) with the reason. The model's analyser is
  // `analyzer` if not null, which must have the stored options (InvalidArgument naming the first that
  // differs), else one made from the stored options: Deserialize(bytes, nullptr) gives back a model that
  // analyses as the saved one did. (Files of akhbar before version 3 of this record stored no options: their
  // model has `analyzer` as given.)
  static std::unique_ptr<Vectorizer> Deserialize(std::string_view bytes, std::shared_ptr<const Analyzer> analyzer,
                                                 std::string* metadata = nullptr);

 private:
  void ComputeFeatures(const TopSelector& select, bool allow_no_features);
  // The document frequencies a feature may have in a fit of `n_docs` documents: (min_df, max_df) as counts.
  std::pair<double, double> DfBounds(double n_docs) const noexcept;
  // Whether bounds with max_df below min_df can keep terms once there are more documents.
  bool DfBoundsCanOpen() const noexcept;
  // The idf weight of a term in `df` of `n_docs` documents (TF-IDF or BM25, as the options say).
  double Idf(double n_docs, double df) const noexcept;
  // FormatError unless the loaded statistics, features and weights are ones a fit makes.
  void CheckLoadedState() const;
  void CheckFitted() const;

  VectorizerOptions options_;
  std::shared_ptr<const Analyzer> analyzer_;
  bool fixed_ = false;
  bool fitted_ = false;
  // Every term seen, with its document frequency and (with max_features) total count.
  Vocabulary terms_;
  std::vector<std::uint32_t> df_;
  std::vector<std::uint64_t> tf_;
  std::uint64_t n_docs_ = 0;
  std::uint64_t total_length_ = 0;
  // Features: column -> term id, term id -> column (kNotFound if pruned), idf per column.
  std::vector<std::uint32_t> feature_term_;
  std::vector<std::uint32_t> column_of_term_;
  std::vector<double> idf_;
  bool idf_given_ = false;  // idf_ set by SetIdf, not computed from the statistics
  // What a partial fit of a fitted model changes, as it was at BeginFit (for AbortFit).
  struct Checkpoint {
    std::size_t n_terms = 0;
    std::vector<std::uint32_t> df;
    std::vector<std::uint64_t> tf;
    std::uint64_t n_docs = 0, total_length = 0;
    std::vector<std::uint32_t> feature_term, column_of_term;
    std::vector<double> idf;
    bool idf_given = false;
  };
  std::unique_ptr<Checkpoint> checkpoint_;
  // Fit in progress.
  bool keep_rows_ = false;
  bool in_fit_ = false;
  Rows fit_rows_;
  // The analysis memos of the worker threads (see vectorizer.cc), kept between calls: a later transform
  // starts warm. Bounded per thread; dropped when the analyser changes and when fit_transform builds its
  // matrix (to keep its peak memory low).
  std::unique_ptr<MemoPool> memos_;
  std::unique_ptr<FitScratch> fit_scratch_;
  // Names the term ids of terms_, so that memos can keep what fits and transforms resolved against them: a
  // new value when the ids may change meaning (cleared, replaced), not when terms are added.
  std::uint64_t vocabulary_state_ = 0;
  // Names column_of_term_ likewise: a new value whenever it is set.
  std::uint64_t features_state_ = 0;
};

// The word n-grams scikit-learn's word analyser builds from `tokens`: all n from ngram_min to ngram_max,
// grouped by n, tokens joined with one space. Calls fn for each; `scratch` holds the joined text.
void ForEachWordNgram(const std::string_view* tokens, std::size_t n_tokens, int ngram_min, int ngram_max,
                      std::string& scratch, const std::function<void(std::string_view)>& fn);

}  // namespace akhbar

#endif  // AKHBAR_VECTORIZER_H_
