// Exact sparse cosine top-k: for each query row, the k corpus rows with the largest dot product, without ever
// holding a rows-by-rows similarity matrix.
//
// Rows are usually l2-normalised TF-IDF vectors, so the dot product is the cosine. The corpus is split once into
// "light" terms (an inverted index, scattered into a dense per-thread accumulator, Gustavson style) and the few
// "heavy" terms with the largest document frequencies (stop-word-like; stored as a small dense row per document).
// A query first accumulates its light part; the Cauchy-Schwarz bound light + |q_heavy| * |d_heavy| then limits
// the documents whose heavy part must be computed (with no heavy terms, this is plain Gustavson accumulation). The result is exact: the same as brute force up to float
// rounding, with ties broken by the smaller row index.
#ifndef AKHBAR_TOPK_H_
#define AKHBAR_TOPK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace akhbar {

// A read-only CSR matrix: row r holds indices[indptr[r] .. indptr[r+1]) (column numbers, ascending or not) and
// their values. The arrays are borrowed, never copied by the view.
struct CsrView {
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  const std::int64_t* indptr = nullptr;  // n_rows + 1 entries
  const std::int32_t* indices = nullptr;
  const float* data = nullptr;
};

// Throws InvalidArgument (naming `what`) unless `m` is a well-formed CSR matrix: indptr starts at 0, never
// decreases, and every index is in [0, n_cols). O(n_rows + nnz).
void CheckCsr(const CsrView& m, const char* what);

struct TopKIndexOptions {
  // A term is heavy if it occurs in at least max(min_heavy_df, heavy_df_fraction * n_rows) rows; at most
  // max_heavy_terms terms (those with the highest document frequency) are heavy. Off (0) by default: on egy2013's
  // TF-IDF and BM25 matrices the bound pruned too little to pay for the heavy dot products (20.7 s against
  // 16.2 s for plain accumulation, one thread, with stop words kept); it can pay off when a few terms are in
  // most rows and scores are low.
  double heavy_df_fraction = 0.02;
  std::size_t min_heavy_df = 64;
  std::size_t max_heavy_terms = 0;
};

struct TopKSearchOptions {
  int k = 10;
  // Only matches with score > 0 and score >= min_score are returned.
  float min_score = 0.0f;
  // If true, query row q never returns corpus row q + self_offset (an article does not list itself).
  bool exclude_self = false;
  std::int64_t self_offset = 0;
  // Optional: corpus row j is returned only if allowed[j] != 0 (n_rows bytes, borrowed).
  const std::uint8_t* allowed = nullptr;
};

// The corpus side of the search. Immutable after construction; Search is const and thread-safe.
class CosineTopK {
 public:
  // Copies the corpus into its own layout. O(nnz + n_rows * heavy terms) time and memory. Throws
  // InvalidArgument for a malformed matrix.
  explicit CosineTopK(const CsrView& corpus, const TopKIndexOptions& options = TopKIndexOptions());

  std::size_t n_rows() const noexcept { return n_rows_; }
  std::size_t n_cols() const noexcept { return n_cols_; }
  std::size_t n_heavy_terms() const noexcept { return heavy_terms_.size(); }

  // For query rows [begin, end) of `queries` (which must have n_cols() columns), writes the best k corpus rows
  // in decreasing score (ties: smaller index first) to out_indices / out_scores, row-major, (end - begin) * k
  // entries, padding with -1 and 0 where fewer than k rows qualify. Runs on n_threads threads (<= 0: all); the
  // output is identical for any thread count. Memory: O(n_rows) per thread.
  void Search(const CsrView& queries, std::size_t begin, std::size_t end, const TopKSearchOptions& options,
              int n_threads, std::int32_t* out_indices, float* out_scores) const;

 private:
  friend class AllPairsTopK;
  struct Workspace;
  void SearchRow(const CsrView& queries, std::size_t q, const TopKSearchOptions& options, Workspace& ws,
                 std::int32_t* out_indices, float* out_scores) const;

  std::size_t n_rows_ = 0;
  std::size_t n_cols_ = 0;
  // Light terms: column-major postings (row, value).
  std::vector<std::int64_t> col_ptr_;
  std::vector<std::int32_t> col_rows_;
  std::vector<float> col_values_;
  // Heavy terms: slot of each column (-1 if light), dense rows of width heavy_stride_, their norms, and the rows
  // ordered by decreasing heavy norm (ties by index).
  std::vector<std::int32_t> heavy_slot_;
  std::vector<std::int32_t> heavy_terms_;
  std::size_t heavy_stride_ = 0;
  std::vector<float> heavy_rows_;
  std::vector<float> heavy_norms_;
};

// Top-k of every corpus row against the others (what Search gives with queries = corpus and exclude_self), using
// the symmetry of the dot product: each pair is scored once, from its smaller row, and offered to both rows. With
// no heavy terms this halves the work of Search; with heavy terms it runs Search. Use: construct, call
// Process(begin, end) for consecutive row ranges covering [0, n_rows) (in any split), then Finish. The output is
// identical to Search's, for any split and thread count. Memory: n_rows * k * 8 bytes per thread. Not thread-safe
// (each Process call runs its own threads).
class AllPairsTopK {
 public:
  AllPairsTopK(const CosineTopK& index, const CsrView& corpus, int k, float min_score, int n_threads);
  ~AllPairsTopK();
  AllPairsTopK(const AllPairsTopK&) = delete;
  AllPairsTopK& operator=(const AllPairsTopK&) = delete;

  // Scores the pairs (i, j > i) for rows i in [begin, end); rows must come in increasing, contiguous order.
  void Process(std::size_t begin, std::size_t end);
  // Writes n_rows * k indices and scores as Search does. Call once, after every row was processed.
  void Finish(std::int32_t* out_indices, float* out_scores);

 private:
  struct State;
  const CosineTopK& index_;
  CsrView corpus_;
  int k_;
  float min_score_;
  int threads_;
  std::size_t next_row_ = 0;
  std::unique_ptr<State> state_;  // (freed when the constructor throws, too)
};

// Brute-force reference of CosineTopK::Search for tests: O(n_queries * n_rows * row length).
void BruteForceTopK(const CsrView& queries, const CsrView& corpus, const TopKSearchOptions& options,
                    std::int32_t* out_indices, float* out_scores);

}  // namespace akhbar

#endif  // AKHBAR_TOPK_H_
