// A stateless vectoriser that maps terms to columns by hashing (scikit-learn's HashingVectorizer): no
// vocabulary to learn or store, any corpus size, the same column for a term in every process.
#ifndef AKHBAR_HASHING_VECTORIZER_H_
#define AKHBAR_HASHING_VECTORIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <utility>

#include "akhbar/analyzer.h"
#include "akhbar/vectorizer.h"

namespace akhbar {

// MurmurHash3 (x86, 32-bit) of `data` as a signed value, as scikit-learn's murmurhash3_32(..., positive=False).
std::int32_t MurmurHash3Signed(std::string_view data, std::uint32_t seed = 0) noexcept;

struct HashingOptions {
  std::int64_t n_features = 1 << 20;  // columns, in [1, 2^31 - 1]
  bool alternate_sign = true;  // a term's value is negated when its hash is negative (preserves inner products)
  bool binary = false;  // non-zero values become 1 (after summing)
  Norm norm = Norm::kL2;
  DType dtype = DType::kFloat64;
  int token_ngram_min = 1;  // word n-grams of token batches
  int token_ngram_max = 1;
};

// Column of a term: |h| mod n_features with h its signed MurmurHash3 (scikit-learn's rule, including
// h = -2^31); its value +1, or -1 when alternate_sign and h < 0; values of the same column add up (explicit
// zeros are kept, as scikit-learn's sum_duplicates does). Immutable and thread-safe.
//
// Text is analysed through a memo per thread (AnalyzerMemo: each distinct chunk of text between whitespace
// analysed once, each distinct term hashed once), kept between calls as the Vectorizer's are (128 MB at most
// in all; about 40 MB for all of egy2013): results never depend on it.
class HashingVectorizer {
 public:
  // Throws InvalidArgument for invalid options.
  HashingVectorizer(const HashingOptions& options, std::shared_ptr<const Analyzer> analyzer);
  // Copies share the analysis memos. (No moves: a moved-from vectoriser would have none.)
  HashingVectorizer(const HashingVectorizer&) = default;
  HashingVectorizer& operator=(const HashingVectorizer&) = default;

  const HashingOptions& options() const noexcept { return options_; }
  const Analyzer* analyzer() const noexcept { return analyzer_.get(); }
  // Replaces the analyser (e.g. after Deserialize). Not thread-safe.
  void SetAnalyzer(std::shared_ptr<const Analyzer> analyzer);

  // The matrix of `docs`, work split over n_threads; identical for any thread count. O(terms).
  SparseMatrix Transform(const DocumentBatch& docs, int n_threads) const;

  // Transform in batches: rows of each batch are appended to `rows`; Finish assembles (and frees) them.
  struct RowPart {
    std::vector<std::uint32_t> cols;
    std::vector<double> values;
    std::vector<std::uint64_t> row_ends;
  };
  struct Rows {
    std::vector<RowPart> parts;
    std::size_t n_rows = 0;
  };
  void TransformBatch(const DocumentBatch& docs, int n_threads, Rows* rows) const;
  SparseMatrix Finish(Rows&& rows, int n_threads) const;

  // Heap bytes of the analysis memos kept between calls, and freeing them. Thread-safe.
  std::size_t CacheBytes() const;
  void ClearCache() const;

  // Options, `metadata` and the analyser's options in the akhbar envelope (kind "hashing_vectorizer").
  // Deserialize throws FormatError (damaged data); the analyser is `analyzer` if not null, which must have
  // the stored options (InvalidArgument naming the first that differs), else one made from them (a file of
  // version 1 stored none: `analyzer` is used as given).
  std::string Serialize(std::string_view metadata = {}) const;
  static std::unique_ptr<HashingVectorizer> Deserialize(std::string_view bytes, std::shared_ptr<const Analyzer> analyzer,
                                                        std::string* metadata = nullptr);

 private:
  struct Memo;
  class MemoPool;
  // The rows of documents [begin, end) of a text batch, through a memo.
  void TextRows(const DocumentBatch& docs, std::size_t begin, std::size_t end, RowPart* part) const;

  HashingOptions options_;
  std::shared_ptr<const Analyzer> analyzer_;
  std::shared_ptr<MemoPool> memos_;  // (shared by copies, which have the same options)
};

}  // namespace akhbar

#endif  // AKHBAR_HASHING_VECTORIZER_H_
