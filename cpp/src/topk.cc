#include "akhbar/topk.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <limits>
#include <string>
#include <utility>

#include "akhbar/error.h"
#include "akhbar/parallel.h"

namespace akhbar {

namespace {

// Slack on the Cauchy-Schwarz bound so float rounding in the computed heavy dot never prunes a true candidate.
constexpr float kBoundRelSlack = 1e-4f;
constexpr float kBoundAbsSlack = 1e-6f;

float Dot(const float* a, const float* b, std::size_t n) noexcept {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < n; i += 8) {
    for (int l = 0; l < 8; ++l) s[l] += a[i + l] * b[i + l];
  }
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// Better-first order: higher score, then smaller index.
struct Better {
  bool operator()(const std::pair<float, std::int32_t>& a, const std::pair<float, std::int32_t>& b) const noexcept {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  }
};

// The best k (score, index) pairs; the heap's front is the worst kept.
class TopHeap {
 public:
  explicit TopHeap(std::size_t k) : k_(k) { items_.reserve(k); }
  void Clear() { items_.clear(); }
  bool Full() const noexcept { return items_.size() >= k_; }
  const std::pair<float, std::int32_t>& Worst() const { return items_.front(); }
  void Push(float score, std::int32_t index) {
    const std::pair<float, std::int32_t> item(score, index);
    if (!Full()) {
      items_.push_back(item);
      std::push_heap(items_.begin(), items_.end(), Better());
    } else if (Better()(item, items_.front())) {
      std::pop_heap(items_.begin(), items_.end(), Better());
      items_.back() = item;
      std::push_heap(items_.begin(), items_.end(), Better());
    }
  }
  // Writes the kept items best first, padded with (-1, 0) up to k.
  const std::vector<std::pair<float, std::int32_t>>& items() const noexcept { return items_; }
  void Write(std::int32_t* out_indices, float* out_scores) {
    std::sort(items_.begin(), items_.end(), Better());
    for (std::size_t i = 0; i < k_; ++i) {
      out_indices[i] = i < items_.size() ? items_[i].second : -1;
      out_scores[i] = i < items_.size() ? items_[i].first : 0.0f;
    }
  }

 private:
  std::size_t k_;
  std::vector<std::pair<float, std::int32_t>> items_;
};

}  // namespace

void CheckCsr(const CsrView& m, const char* what) {
  if (m.n_rows > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) ||
      m.n_cols > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw InvalidArgument(std::string(what) + ": at most 2^31 - 1 rows and columns are supported");
  }
  if (m.n_rows > 0 && (m.indptr == nullptr)) throw InvalidArgument(std::string(what) + ": indptr is missing");
  if (m.indptr != nullptr && m.indptr[0] != 0) {
    throw InvalidArgument(std::string(what) + ": indptr[0] must be 0, not " + std::to_string(m.indptr[0]));
  }
  for (std::size_t r = 0; r < m.n_rows; ++r) {
    if (m.indptr[r + 1] < m.indptr[r]) {
      throw InvalidArgument(std::string(what) + ": indptr decreases at row " + std::to_string(r));
    }
  }
  const std::int64_t nnz = m.n_rows ? m.indptr[m.n_rows] : 0;
  for (std::int64_t p = 0; p < nnz; ++p) {
    const std::int32_t c = m.indices[p];
    if (c < 0 || static_cast<std::size_t>(c) >= m.n_cols) {
      throw InvalidArgument(std::string(what) + ": column index " + std::to_string(c) + " at position " +
                            std::to_string(p) + " is outside [0, " + std::to_string(m.n_cols) + ")");
    }
  }
}

CosineTopK::CosineTopK(const CsrView& corpus, const TopKIndexOptions& options)
    : n_rows_(corpus.n_rows), n_cols_(corpus.n_cols) {
  CheckCsr(corpus, "corpus");
  const std::int64_t nnz = n_rows_ ? corpus.indptr[n_rows_] : 0;
  std::vector<std::int64_t> df(n_cols_, 0);
  for (std::int64_t p = 0; p < nnz; ++p) ++df[static_cast<std::size_t>(corpus.indices[p])];

  // Heavy terms: the most frequent columns above the threshold.
  const double threshold = std::max(static_cast<double>(options.min_heavy_df),
                                    std::ceil(options.heavy_df_fraction * static_cast<double>(n_rows_)));
  for (std::size_t c = 0; c < n_cols_; ++c) {
    if (df[c] > 0 && static_cast<double>(df[c]) >= threshold) heavy_terms_.push_back(static_cast<std::int32_t>(c));
  }
  std::sort(heavy_terms_.begin(), heavy_terms_.end(),
            [&](std::int32_t a, std::int32_t b) { return df[a] > df[b] || (df[a] == df[b] && a < b); });
  if (heavy_terms_.size() > options.max_heavy_terms) heavy_terms_.resize(options.max_heavy_terms);
  std::sort(heavy_terms_.begin(), heavy_terms_.end());
  heavy_slot_.assign(n_cols_, -1);
  for (std::size_t s = 0; s < heavy_terms_.size(); ++s) heavy_slot_[heavy_terms_[s]] = static_cast<std::int32_t>(s);
  heavy_stride_ = (heavy_terms_.size() + 7) / 8 * 8;

  // Light postings, column-major, rows ascending within a column.
  col_ptr_.assign(n_cols_ + 1, 0);
  for (std::size_t c = 0; c < n_cols_; ++c) col_ptr_[c + 1] = col_ptr_[c] + (heavy_slot_[c] < 0 ? df[c] : 0);
  col_rows_.resize(static_cast<std::size_t>(col_ptr_[n_cols_]));
  col_values_.resize(col_rows_.size());
  std::vector<std::int64_t> fill(col_ptr_.begin(), col_ptr_.end() - 1);
  heavy_rows_.assign(n_rows_ * heavy_stride_, 0.0f);
  heavy_norms_.assign(n_rows_, 0.0f);
  for (std::size_t r = 0; r < n_rows_; ++r) {
    double norm2 = 0;
    for (std::int64_t p = corpus.indptr[r]; p < corpus.indptr[r + 1]; ++p) {
      const std::int32_t c = corpus.indices[p];
      const std::int32_t slot = heavy_slot_[c];
      if (slot >= 0) {
        heavy_rows_[r * heavy_stride_ + slot] += corpus.data[p];
      } else {
        const std::int64_t at = fill[c]++;
        col_rows_[at] = static_cast<std::int32_t>(r);
        col_values_[at] = corpus.data[p];
      }
    }
    for (std::size_t s = 0; s < heavy_stride_; ++s) {
      const double v = heavy_rows_[r * heavy_stride_ + s];
      norm2 += v * v;
    }
    heavy_norms_[r] = static_cast<float>(std::sqrt(norm2));
  }
  if (heavy_terms_.empty()) heavy_rows_.clear();
}

struct CosineTopK::Workspace {
  explicit Workspace(std::size_t n_rows, std::size_t stride, std::size_t k)
      : acc(n_rows, 0.0f), seeded(n_rows, 0), query_heavy(stride, 0.0f), heap(k), seeds(2 * k) {}
  std::vector<float> acc;  // light part of each corpus row's score; all zero between rows
  std::vector<std::uint8_t> seeded;
  std::vector<float> query_heavy;
  TopHeap heap;
  TopHeap seeds;
};

void CosineTopK::SearchRow(const CsrView& queries, std::size_t q, const TopKSearchOptions& o, Workspace& ws,
                           std::int32_t* out_indices, float* out_scores) const {
  ws.heap.Clear();
  std::fill(ws.query_heavy.begin(), ws.query_heavy.end(), 0.0f);
  float* const acc = ws.acc.data();

  // Light part: scatter the query's postings into the dense accumulator.
  bool any_heavy = false;
  for (std::int64_t p = queries.indptr[q]; p < queries.indptr[q + 1]; ++p) {
    const std::int32_t c = queries.indices[p];
    const float v = queries.data[p];
    const std::int32_t slot = heavy_slot_[c];
    if (slot >= 0) {
      ws.query_heavy[slot] += v;
      any_heavy = true;
      continue;
    }
    const std::int32_t* rows = col_rows_.data() + col_ptr_[c];
    const float* values = col_values_.data() + col_ptr_[c];
    const std::int64_t len = col_ptr_[c + 1] - col_ptr_[c];
    for (std::int64_t e = 0; e < len; ++e) acc[rows[e]] += v * values[e];
  }
  const std::int64_t self = o.exclude_self ? static_cast<std::int64_t>(q) + o.self_offset : -1;
  auto allowed = [&](std::size_t j) {
    return static_cast<std::int64_t>(j) != self && (o.allowed == nullptr || o.allowed[j] != 0);
  };
  auto offer = [&](float score, std::size_t j) {
    if (score > 0.0f && score >= o.min_score) ws.heap.Push(score, static_cast<std::int32_t>(j));
  };
  // The score a candidate must reach: the worst kept once k are kept.
  auto threshold = [&]() {
    return ws.heap.Full() ? std::max(ws.heap.Worst().first, o.min_score) : std::max(o.min_score, 0.0f);
  };

  float query_norm = 0.0f;
  if (any_heavy) {
    double n2 = 0;
    for (float v : ws.query_heavy) n2 += static_cast<double>(v) * v;
    query_norm = static_cast<float>(std::sqrt(n2));
  }
  const std::size_t n = n_rows_;
  if (query_norm == 0.0f) {
    float t = threshold();
    for (std::size_t j = 0; j < n; ++j) {
      const float s = acc[j];
      if (s == 0.0f) continue;
      acc[j] = 0.0f;
      if (s >= t && allowed(j)) {
        offer(s, j);
        t = threshold();
      }
    }
    ws.heap.Write(out_indices, out_scores);
    return;
  }

  const float* qh = ws.query_heavy.data();
  auto exact = [&](std::size_t j) {
    return acc[j] + Dot(qh, heavy_rows_.data() + j * heavy_stride_, heavy_stride_);
  };
  // 1. Score the 2k best light candidates exactly, to start with a high threshold.
  ws.seeds.Clear();
  for (std::size_t j = 0; j < n; ++j) {
    if (acc[j] != 0.0f && allowed(j)) ws.seeds.Push(acc[j], static_cast<std::int32_t>(j));
  }
  for (const auto& item : ws.seeds.items()) {
    ws.seeded[item.second] = 1;
    offer(exact(item.second), item.second);
  }
  // 2. Every other row whose bound light + |q_heavy| |d_heavy| reaches the threshold.
  const float bound_scale = query_norm * (1.0f + kBoundRelSlack);
  const float* norms = heavy_norms_.data();
  float t = threshold();
  for (std::size_t j = 0; j < n; ++j) {
    const float bound = acc[j] + bound_scale * norms[j] + kBoundAbsSlack;
    if (bound > 0.0f && bound >= t && !ws.seeded[j] && allowed(j)) {
      offer(exact(j), j);
      t = threshold();
    }
  }
  for (const auto& item : ws.seeds.items()) ws.seeded[item.second] = 0;
  std::fill(ws.acc.begin(), ws.acc.end(), 0.0f);
  ws.heap.Write(out_indices, out_scores);
}

void CosineTopK::Search(const CsrView& queries, std::size_t begin, std::size_t end, const TopKSearchOptions& options,
                        int n_threads, std::int32_t* out_indices, float* out_scores) const {
  if (options.k <= 0) throw InvalidArgument("k must be positive, not " + std::to_string(options.k));
  if (queries.n_cols != n_cols_) {
    throw InvalidArgument("queries have " + std::to_string(queries.n_cols) + " columns, the corpus " +
                          std::to_string(n_cols_));
  }
  if (begin > end || end > queries.n_rows) throw InvalidArgument("query row range out of bounds");
  // The query rows searched, as CheckCsr checks a corpus (a column past the corpus's read outside its arrays):
  // O(their stored values), which the search reads anyway.
  if (end > begin && queries.indptr == nullptr) throw InvalidArgument("queries: indptr is missing");
  for (std::size_t r = begin; r < end; ++r) {
    if (queries.indptr[r] < 0 || queries.indptr[r + 1] < queries.indptr[r]) {
      throw InvalidArgument("queries: indptr decreases at row " + std::to_string(r));
    }
    for (std::int64_t p = queries.indptr[r]; p < queries.indptr[r + 1]; ++p) {
      const std::int32_t c = queries.indices[p];
      if (c < 0 || static_cast<std::size_t>(c) >= n_cols_) {
        throw InvalidArgument("queries: column index " + std::to_string(c) + " at position " + std::to_string(p) +
                              " is outside [0, " + std::to_string(n_cols_) + ")");
      }
    }
  }
  const std::size_t k = static_cast<std::size_t>(options.k);
  const int threads = ResolveThreads(n_threads);
  const std::size_t rows = end - begin;
  const std::size_t chunk = std::max<std::size_t>(16, rows / (static_cast<std::size_t>(threads) * 8) + 1);
  ParallelFor(rows, threads, chunk, [&](std::size_t b, std::size_t e) {
    Workspace ws(n_rows_, heavy_stride_, k);
    for (std::size_t i = b; i < e; ++i) {
      SearchRow(queries, begin + i, options, ws, out_indices + i * k, out_scores + i * k);
    }
  });
}

// Per-thread top-k lists of every row, in one flat array.
class HeapArray {
 public:
  HeapArray(std::size_t n, std::size_t k)
      : k_(k), items_(n * k), sizes_(n, 0), floors_(n, -std::numeric_limits<float>::infinity()) {}
  void Push(std::size_t row, float score, std::int32_t index) {
    auto* begin = items_.data() + row * k_;
    const std::pair<float, std::int32_t> item(score, index);
    std::uint32_t& size = sizes_[row];
    if (size < k_) {
      begin[size++] = item;
      std::push_heap(begin, begin + size, Better());
      if (size == k_) floors_[row] = begin[0].first;
    } else if (Better()(item, begin[0])) {
      std::pop_heap(begin, begin + k_, Better());
      begin[k_ - 1] = item;
      std::push_heap(begin, begin + k_, Better());
      floors_[row] = begin[0].first;
    }
  }
  // The worst kept score of a full row, else -infinity (a contiguous array, for scanning).
  const float* floors() const noexcept { return floors_.data(); }
  const std::pair<float, std::int32_t>* Row(std::size_t row, std::size_t* size) const {
    *size = sizes_[row];
    return items_.data() + row * k_;
  }

 private:
  std::size_t k_;
  std::vector<std::pair<float, std::int32_t>> items_;
  std::vector<std::uint32_t> sizes_;
  std::vector<float> floors_;
};

struct AllPairsTopK::State {
  std::vector<HeapArray> heaps;  // one per thread
  std::vector<std::int32_t> full_i;  // results of Search when there are heavy terms
  std::vector<float> full_s;
};

AllPairsTopK::AllPairsTopK(const CosineTopK& index, const CsrView& corpus, int k, float min_score, int n_threads)
    : index_(index), corpus_(corpus), k_(k), min_score_(min_score), threads_(ResolveThreads(n_threads)),
      state_(std::make_unique<State>()) {
  // No more threads (each with a heap per row) than chunks of rows for them to take.
  threads_ = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads_), index.n_rows() / 32 + 1));
  if (k <= 0) throw InvalidArgument("k must be positive, not " + std::to_string(k));
  if (corpus.n_rows != index.n_rows() || corpus.n_cols != index.n_cols()) {
    throw InvalidArgument("AllPairsTopK needs the matrix the index was built from");
  }
  const std::size_t n = index.n_rows();
  if (index.n_heavy_terms() > 0) {
    state_->full_i.resize(n * static_cast<std::size_t>(k));
    state_->full_s.resize(n * static_cast<std::size_t>(k));
  } else {
    for (int t = 0; t < threads_; ++t) state_->heaps.emplace_back(n, static_cast<std::size_t>(k));
  }
}

AllPairsTopK::~AllPairsTopK() = default;

void AllPairsTopK::Process(std::size_t begin, std::size_t end) {
  if (begin != next_row_ || end < begin || end > index_.n_rows()) {
    throw InvalidArgument("AllPairsTopK::Process: rows must come in order, from row " + std::to_string(next_row_));
  }
  next_row_ = end;
  if (begin == end) return;
  const std::size_t k = static_cast<std::size_t>(k_);
  if (!state_->full_i.empty()) {
    TopKSearchOptions o;
    o.k = k_;
    o.min_score = min_score_;
    o.exclude_self = true;
    index_.Search(corpus_, begin, end, o, threads_, state_->full_i.data() + begin * k,
                  state_->full_s.data() + begin * k);
    return;
  }
  const std::size_t n = index_.n_rows();
  const CosineTopK& ix = index_;
  constexpr std::size_t kChunk = 32;
  std::atomic<std::size_t> next{begin};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&](int w) {
    try {
      HeapArray& heaps = state_->heaps[static_cast<std::size_t>(w)];
      std::vector<float> acc(n, 0.0f);
      for (;;) {
        const std::size_t b = next.fetch_add(kChunk);
        if (b >= end || failed.load(std::memory_order_relaxed)) return;
        const std::size_t e = std::min(end, b + kChunk);
        for (std::size_t i = b; i < e; ++i) {
          std::size_t lo = n;  // smallest row touched
          for (std::int64_t p = corpus_.indptr[i]; p < corpus_.indptr[i + 1]; ++p) {
            const std::int32_t c = corpus_.indices[p];
            const float v = corpus_.data[p];
            const std::int32_t* rows_begin = ix.col_rows_.data() + ix.col_ptr_[c];
            const std::int32_t* rows_end = ix.col_rows_.data() + ix.col_ptr_[c + 1];
            const std::int32_t* from = std::upper_bound(rows_begin, rows_end, static_cast<std::int32_t>(i));
            const float* values = ix.col_values_.data() + (from - ix.col_rows_.data());
            const std::int64_t len = rows_end - from;
            if (len > 0) lo = std::min(lo, static_cast<std::size_t>(*from));
            for (std::int64_t q = 0; q < len; ++q) acc[from[q]] += v * values[q];
          }
          const float* floors = heaps.floors();
          const float lowest = std::max(min_score_, std::numeric_limits<float>::min());
          for (std::size_t j = lo; j < n; ++j) {
            const float s = acc[j];
            if (s == 0.0f) continue;
            acc[j] = 0.0f;
            if (s < lowest) continue;
            if (s >= floors[i]) heaps.Push(i, s, static_cast<std::int32_t>(j));
            if (s >= floors[j]) heaps.Push(j, s, static_cast<std::int32_t>(i));
          }
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  RunWorkers(threads_, worker);  // (each worker takes rows from `next`: a thread not started takes none)
  if (error) std::rethrow_exception(error);
}

void AllPairsTopK::Finish(std::int32_t* out_indices, float* out_scores) {
  const std::size_t n = index_.n_rows();
  const std::size_t k = static_cast<std::size_t>(k_);
  if (next_row_ != n) throw InvalidArgument("AllPairsTopK::Finish before every row was processed");
  if (!state_->full_i.empty()) {
    std::copy(state_->full_i.begin(), state_->full_i.end(), out_indices);
    std::copy(state_->full_s.begin(), state_->full_s.end(), out_scores);
    return;
  }
  ParallelFor(n, threads_, 1024, [&](std::size_t b, std::size_t e) {
    TopHeap merged(k);
    for (std::size_t r = b; r < e; ++r) {
      merged.Clear();
      for (const HeapArray& h : state_->heaps) {
        std::size_t size = 0;
        const auto* items = h.Row(r, &size);
        for (std::size_t i = 0; i < size; ++i) merged.Push(items[i].first, items[i].second);
      }
      merged.Write(out_indices + r * k, out_scores + r * k);
    }
  });
}

void BruteForceTopK(const CsrView& queries, const CsrView& corpus, const TopKSearchOptions& o,
                    std::int32_t* out_indices, float* out_scores) {
  const std::size_t k = static_cast<std::size_t>(o.k);
  std::vector<double> dense(queries.n_cols, 0.0);
  TopHeap heap(k);
  for (std::size_t q = 0; q < queries.n_rows; ++q) {
    std::fill(dense.begin(), dense.end(), 0.0);
    for (std::int64_t p = queries.indptr[q]; p < queries.indptr[q + 1]; ++p) dense[queries.indices[p]] += queries.data[p];
    heap.Clear();
    for (std::size_t j = 0; j < corpus.n_rows; ++j) {
      if (o.exclude_self && static_cast<std::int64_t>(j) == static_cast<std::int64_t>(q) + o.self_offset) continue;
      if (o.allowed != nullptr && o.allowed[j] == 0) continue;
      double s = 0;
      for (std::int64_t p = corpus.indptr[j]; p < corpus.indptr[j + 1]; ++p) s += dense[corpus.indices[p]] * corpus.data[p];
      const float score = static_cast<float>(s);
      if (score > 0.0f && score >= o.min_score) heap.Push(score, static_cast<std::int32_t>(j));
    }
    heap.Write(out_indices + q * k, out_scores + q * k);
  }
}

}  // namespace akhbar
