#include "akhbar/vectorizer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <utility>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "akhbar/error.h"
#include "akhbar/parallel.h"
#include "akhbar/prefetch.h"
#include "akhbar/pod_array.h"
#include "akhbar/serialize.h"
#include "akhbar/utf8.h"
#include "chunks.h"
#include "saved_analyzer.h"
#include "sparse_util.h"
#include "term_cache.h"

namespace akhbar {

// ---------------------------------------------------------------------------------------------------------
// SparseMatrix, CSR helpers

double SparseMatrix::Value(std::size_t k) const noexcept {
  switch (dtype) {
    case DType::kInt32: return data_i32[k];
    case DType::kInt64: return static_cast<double>(data_i64[k]);
    case DType::kFloat32: return data_f32[k];
    case DType::kFloat64: return data_f64[k];
  }
  return 0;
}

double SparseMatrix::At(std::int64_t row, std::int64_t col) const noexcept {
  std::int64_t lo = RowStart(row), hi = RowStart(row + 1);
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    const std::int64_t c = Column(static_cast<std::size_t>(mid));
    if (c == col) return Value(static_cast<std::size_t>(mid));
    if (c < col) lo = mid + 1; else hi = mid;
  }
  return 0;
}

namespace {

// Row buffers at least this large are given back to the system once freed (see ReleaseFreeMemory).
constexpr std::size_t kTrimBytes = std::size_t{8} << 20;

}  // namespace

namespace internal {

void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void AllocateCsr(SparseMatrix* m, std::int64_t n_rows, std::int64_t n_cols, DType dtype,
                 const std::vector<std::uint64_t>& row_start) {
  const std::uint64_t nnz = row_start.back();
  m->n_rows = n_rows;
  m->n_cols = n_cols;
  m->dtype = dtype;
  constexpr std::uint64_t kMax32 = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());
  m->wide_indices = nnz > kMax32 || static_cast<std::uint64_t>(n_cols) > kMax32;
  if (m->wide_indices) {
    m->indices64.resize(nnz);
    m->indptr64.assign(row_start.begin(), row_start.end());
  } else {
    m->indices32.resize(nnz);
    m->indptr32.assign(row_start.begin(), row_start.end());
  }
  switch (dtype) {
    case DType::kInt32: m->data_i32.resize(nnz); break;
    case DType::kInt64: m->data_i64.resize(nnz); break;
    case DType::kFloat32: m->data_f32.resize(nnz); break;
    case DType::kFloat64: m->data_f64.resize(nnz); break;
  }
}

void WriteEntries(SparseMatrix* m, std::uint64_t at, const std::uint32_t* cols, const double* values, std::size_t n) {
  if (m->wide_indices) {
    std::copy(cols, cols + n, m->indices64.begin() + static_cast<std::ptrdiff_t>(at));
  } else {
    std::copy(cols, cols + n, m->indices32.begin() + static_cast<std::ptrdiff_t>(at));
  }
  switch (m->dtype) {
    case DType::kInt32:
      for (std::size_t k = 0; k < n; ++k) m->data_i32[at + k] = static_cast<std::int32_t>(values[k]);
      break;
    case DType::kInt64:
      for (std::size_t k = 0; k < n; ++k) m->data_i64[at + k] = static_cast<std::int64_t>(values[k]);
      break;
    case DType::kFloat32:
      for (std::size_t k = 0; k < n; ++k) m->data_f32[at + k] = static_cast<float>(values[k]);
      break;
    case DType::kFloat64: std::copy(values, values + n, m->data_f64.begin() + static_cast<std::ptrdiff_t>(at)); break;
  }
}

void SortRow(std::uint64_t* begin, std::uint64_t* end, int column_bits, std::vector<std::uint64_t>& scratch) {
  const std::size_t n = static_cast<std::size_t>(end - begin);
  if (n < 48) {
    std::sort(begin, end);
    return;
  }
  // LSD radix sort on the column (bits 32 and up): branch-free, and columns are distinct. As few passes as
  // digits of at most 9 bits allow (17-bit columns, about 130k features: two passes of 9 and 8 bits, not
  // three of 8, 8 and 1), each pass clearing and summing its buckets.
  constexpr int kMaxBits = 9;
  const int passes = std::max(1, (column_bits + kMaxBits - 1) / kMaxBits);
  const int digit = (column_bits + passes - 1) / passes;
  const std::uint64_t mask = (std::uint64_t{1} << digit) - 1;
  scratch.resize(n);
  std::uint64_t* src = begin;
  std::uint64_t* dst = scratch.data();
  std::uint32_t count[std::size_t{1} << kMaxBits];
  const std::size_t buckets = std::size_t{1} << digit;
  for (int p = 0, shift = 32; p < passes; ++p, shift += digit) {
    std::fill(count, count + buckets, 0u);
    for (std::size_t k = 0; k < n; ++k) ++count[(src[k] >> shift) & mask];
    std::uint32_t sum = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
      const std::uint32_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (std::size_t k = 0; k < n; ++k) dst[count[(src[k] >> shift) & mask]++] = src[k];
    std::swap(src, dst);
  }
  if (passes % 2 == 1) std::copy(src, src + n, begin);
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------------------
// Documents

DocumentBatch DocumentBatch::FromTexts(std::vector<std::string_view> texts) {
  DocumentBatch b;
  b.kind_ = Kind::kTexts;
  b.size_ = texts.size();
  b.texts_ = std::move(texts);
  return b;
}

DocumentBatch DocumentBatch::FromTextSource(std::size_t n, TextSource source, Ucs2Source ucs2) {
  DocumentBatch b;
  b.kind_ = Kind::kTexts;
  b.size_ = n;
  b.source_ = std::move(source);
  b.ucs2_ = std::move(ucs2);
  return b;
}

std::size_t DocumentBatch::CheapSize(std::size_t i) const {
  if (kind_ != Kind::kTexts) return offsets_[i + 1] - offsets_[i];
  if (!source_) return texts_[i].size();
  const Ucs2 u = TextUcs2(i);
  return u.data != nullptr ? u.length : kUnknownSize;
}

namespace {

// The offsets, and the terms' UTF-8: a term that is not text would be saved with the model, and no load takes
// such a file (Vocabulary::Read refuses it), so it is refused here, by its document and its index there.
void CheckTerms(const std::vector<std::string_view>& terms, const std::vector<std::size_t>& offsets) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != terms.size()) {
    throw InvalidArgument("term offsets must start at 0 and end at the number of terms");
  }
  for (std::size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] < offsets[i - 1]) throw InvalidArgument("term offsets must not decrease");
    for (std::size_t k = offsets[i - 1]; k < offsets[i]; ++k) {
      if (utf8::Validate(terms[k]) != utf8::kValid) {
        const std::string label = "document " + std::to_string(i - 1) + ", term";
        ForText(label.c_str(), k - offsets[i - 1], [&] { utf8::CheckValid(terms[k]); });
      }
    }
  }
}

}  // namespace

DocumentBatch DocumentBatch::FromTerms(std::vector<std::string_view> terms, std::vector<std::size_t> offsets) {
  CheckTerms(terms, offsets);
  DocumentBatch b;
  b.kind_ = Kind::kTerms;
  b.size_ = offsets.size() - 1;
  b.terms_ = std::move(terms);
  b.offsets_ = std::move(offsets);
  return b;
}

DocumentBatch DocumentBatch::FromTokens(std::vector<std::string_view> tokens, std::vector<std::size_t> offsets) {
  DocumentBatch b = FromTerms(std::move(tokens), std::move(offsets));
  b.kind_ = Kind::kTokens;
  return b;
}

void ForEachWordNgram(const std::string_view* tokens, std::size_t n_tokens, int ngram_min, int ngram_max,
                      std::string& scratch, const std::function<void(std::string_view)>& fn) {
  std::size_t min_n = static_cast<std::size_t>(std::max(ngram_min, 1));
  const std::size_t max_n = static_cast<std::size_t>(std::max(ngram_max, 1));
  if (min_n == 1) {
    for (std::size_t i = 0; i < n_tokens; ++i) fn(tokens[i]);
    min_n = 2;
  }
  for (std::size_t n = min_n; n <= std::min(max_n, n_tokens); ++n) {
    for (std::size_t i = 0; i + n <= n_tokens; ++i) {
      scratch.assign(tokens[i].data(), tokens[i].size());
      for (std::size_t k = 1; k < n; ++k) {
        scratch.push_back(' ');
        scratch.append(tokens[i + k].data(), tokens[i + k].size());
      }
      fn(scratch);
    }
  }
}

void DocumentBatch::ForEachTerm(std::size_t i, const Analyzer* analyzer, int ngram_min, int ngram_max,
                                std::string& scratch, const std::function<void(std::string_view)>& fn) const {
  switch (kind_) {
    case Kind::kTexts: {
      if (analyzer == nullptr) throw InvalidArgument("text documents need an analyser");
      if (source_) {  // (a source names its own errors)
        analyzer->ForEachTerm(source_(i, scratch), fn);
        return;
      }
      ForText("document", i, [&] { analyzer->ForEachTerm(texts_[i], fn); });
      return;
    }
    case Kind::kTerms:
      for (std::size_t k = offsets_[i]; k < offsets_[i + 1]; ++k) fn(terms_[k]);
      return;
    case Kind::kTokens:
      ForEachWordNgram(terms_.data() + offsets_[i], offsets_[i + 1] - offsets_[i], ngram_min, ngram_max, scratch, fn);
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Options

void ValidateOptions(const VectorizerOptions& o) {
  auto bad = [](const std::string& what) { throw InvalidArgument(what); };
  if (o.min_df_is_fraction ? !(o.min_df >= 0 && o.min_df <= 1) : !(o.min_df >= 0)) {
    bad("min_df must be a count >= 0 or a fraction in [0, 1], got " + std::to_string(o.min_df));
  }
  if (o.max_df_is_fraction ? !(o.max_df >= 0 && o.max_df <= 1) : !(o.max_df >= 0)) {
    bad("max_df must be a count >= 0 or a fraction in [0, 1], got " + std::to_string(o.max_df));
  }
  if (!(o.k1 >= 0) || !std::isfinite(o.k1)) bad("k1 must be a finite number >= 0, got " + std::to_string(o.k1));
  if (!(o.b >= 0 && o.b <= 1)) bad("b must be in [0, 1], got " + std::to_string(o.b));
  if (o.token_ngram_min < 1 || o.token_ngram_max < o.token_ngram_min) {
    bad("ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, got (" + std::to_string(o.token_ngram_min) +
        ", " + std::to_string(o.token_ngram_max) + ")");
  }
  if (o.weighting == Weighting::kBm25 && o.sublinear_tf) {
    bad("sublinear_tf does not apply to BM25, which saturates term frequencies itself (k1); set sublinear_tf=False");
  }
  if (o.weighting != Weighting::kCount && (o.dtype == DType::kInt32 || o.dtype == DType::kInt64)) {
    bad("tf-idf and BM25 weights need a float dtype (float32 or float64)");
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vectorizer

namespace {

// Per-thread memo budget: past it (checked between documents) the memo is cleared.
constexpr std::size_t kMemoMaxChunks = std::size_t{3} << 18;  // distinct chunks (a 16 MB table at load 3/4)
constexpr std::size_t kMemoMaxKeys = std::size_t{1} << 22;    // term keys listed for the memoised chunks
constexpr std::size_t kMemoMaxTerms = std::size_t{1} << 21;   // distinct terms interned

}  // namespace

// The analysis of text chunks, kept by one worker thread across batches: chunk of raw text -> the keys of
// its terms, in order; key -> term. It depends on the analyser alone (not on any vocabulary).
struct AnalysisMemo {
  internal::TokenMemo chunks;          // chunk -> its one key and 1, or (offset, count) in keys
  std::vector<std::uint32_t> keys;     // per chunk: its unigram terms (word) or n-grams (char_wb)
  // key <-> term. A Vocabulary: its 8-byte slots keep more of the table in cache than inline keys in 32-byte
  // TokenMemo entries (measured: fit_transform 4% slower with those).
  Vocabulary terms;
  bool OverBudget() const noexcept {
    return chunks.size() > kMemoMaxChunks || keys.size() > kMemoMaxKeys || terms.size() > kMemoMaxTerms;
  }
  void Clear() {
    chunks.Clear();
    std::vector<std::uint32_t>().swap(keys);
    terms.Clear();
    DropResolution();
    std::vector<std::uint32_t>().swap(key_column);
  }
  // What a transform resolved (key -> column, known yet, bigram keys -> column), kept between transforms of
  // the model state `resolved_for` (0: nothing kept). Any change to the model gives a new state.
  std::uint64_t resolved_for = 0;
  // Or (resolved_for 0, pending_batch not 0) resolutions left in the part-local ids of part `pending_part` of
  // a fit's batch (ids from `pending_from` on), for the batch to map to the model's ids once it has merged
  // its parts (Vectorizer::AddBatch); dropped if anything else takes the memo first.
  std::uint64_t pending_batch = 0;
  std::uint32_t pending_part = 0, pending_from = 0;
  std::vector<std::uint32_t> target;
  std::vector<std::uint8_t> resolved;
  std::unique_ptr<internal::PairCache> pairs;
  // A transform's count of each column in the current document, 0 between documents: kept with the memo (a
  // transform of one article zeroed an array as long as the features: 5 MB and most of the call for a (1, 2)-gram
  // model of 1.3M features). Not analysis: Clear and DropResolution leave it.
  std::vector<std::uint32_t> column_counts;
  internal::ColumnSet columns;  // the columns of the current document, empty between documents
  // A word unigram transform's column of each key (TermStream::Columns): kNotFound, kUnsetColumn (not looked at
  // yet) or the column, for the model's term ids `columns_for` (Vectorizer::vocabulary_state_) and columns
  // `columns_features` (Vectorizer::features_state_). Kept while the keys are (Clear), whatever the resolutions.
  // A word without a column is kept as such: sound because the model's vocabulary grows only in a fit, after which
  // its features (and so features_state_) are set anew; a path that adds terms to a fitted model without that
  // must give a new features_state_ too.
  static constexpr std::uint32_t kUnsetColumn = Vocabulary::kNotFound - 1;
  std::vector<std::uint32_t> key_column;
  std::uint64_t columns_for = 0, columns_features = 0;
  std::size_t MemoryBytes() const noexcept {
    return chunks.MemoryBytes() + keys.capacity() * sizeof(std::uint32_t) + terms.MemoryBytes() +
           target.capacity() * sizeof(std::uint32_t) + resolved.capacity() + (pairs ? pairs->MemoryBytes() : 0) +
           (column_counts.capacity() + key_column.capacity()) * sizeof(std::uint32_t) + columns.MemoryBytes();
  }
  void DropResolution() {
    resolved_for = 0;
    pending_batch = 0;
    std::vector<std::uint32_t>().swap(target);
    std::vector<std::uint8_t>().swap(resolved);
    pairs.reset();
  }
  // Adds the chunks of `other` that this memo lacks, with their terms (and their ids in the model state
  // `state`, when `other` kept them for it). False, and nothing added, if that would put it over budget.
  bool MergeFrom(const AnalysisMemo& other, std::uint64_t state) {
    if (chunks.size() + other.chunks.size() > kMemoMaxChunks || keys.size() + other.keys.size() > kMemoMaxKeys ||
        terms.size() + other.terms.size() > kMemoMaxTerms) {
      return false;
    }
    const bool ids = state != 0 && resolved_for == state && other.resolved_for == state;
    constexpr std::uint32_t kUnmapped = 0xFFFFFFFFu;
    std::vector<std::uint32_t> key_of(other.terms.size(), kUnmapped);  // other's key -> this memo's
    auto map = [&](std::uint32_t k) {
      if (key_of[k] == kUnmapped) {
        key_of[k] = terms.Insert(other.terms.Term(k));
        if (ids && k < other.resolved.size() && other.resolved[k] == 1 && other.target[k] != Vocabulary::kNotFound) {
          if (target.size() <= key_of[k]) {
            target.resize(terms.size());
            resolved.resize(terms.size(), 0);
          }
          if (!resolved[key_of[k]]) {
            target[key_of[k]] = other.target[k];
            resolved[key_of[k]] = 1;
          }
        }
      }
      return key_of[k];
    };
    other.chunks.ForEach([&](const internal::TokenMemo::Key& key, const internal::TokenMemo::Entry& e) {
      bool found = false;
      internal::TokenMemo::Entry* mine = chunks.FindOrAdd(key, &found);
      if (found) return;
      mine->aux = e.aux;
      if (e.aux == 1) {
        mine->value = map(e.value);
        return;
      }
      mine->value = static_cast<std::uint32_t>(keys.size());
      for (std::uint32_t k = e.value; k < e.value + e.aux; ++k) keys.push_back(map(other.keys[k]));
    });
    return true;
  }
};

namespace {

// Model states for AnalysisMemo::resolved_for: unique in the process.
std::uint64_t NewModelState() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

// What the streams of one call learned beside the base memo they shared (read-only): their own memos (the
// chunks the base lacked) and their copies of the base's resolutions. Merged into the base once they are
// done, so that the base alone serves the next call. Thread-safe.
struct BaseLearning {
  std::mutex mu;
  std::vector<std::pair<std::vector<std::uint32_t>, std::vector<std::uint8_t>>> parts;
  std::vector<std::unique_ptr<AnalysisMemo>> own;
  void Add(std::vector<std::uint32_t>&& target, std::vector<std::uint8_t>&& resolved,
           std::unique_ptr<AnalysisMemo> memo) {
    std::lock_guard<std::mutex> lock(mu);
    parts.emplace_back(std::move(target), std::move(resolved));
    own.push_back(std::move(memo));
  }
  // Merges into `base`, then hands every memo back to `pool` (a merged own memo empty).
  void Finish(std::unique_ptr<AnalysisMemo> base, std::uint64_t state, Vectorizer::MemoPool* pool);

 private:
  // Keeps the model's ids (not kNotFound: the vocabulary may learn the term later) for the model state `state`.
  void MergeResolutions(AnalysisMemo* base, std::uint64_t state) {
    if (base->resolved_for != state) {
      base->DropResolution();
      base->resolved_for = state;
    }
    const std::size_t n = base->terms.size();
    base->target.resize(n);
    base->resolved.resize(n, 0);
    for (const auto& [target, resolved] : parts) {
      for (std::size_t k = 0; k < std::min(n, resolved.size()); ++k) {
        if (resolved[k] == 1 && base->resolved[k] == 0 && target[k] != Vocabulary::kNotFound) {
          base->target[k] = target[k];
          base->resolved[k] = 1;
        }
      }
    }
  }
};

// Memos not in use, handed to worker threads (any memo serves any thread; their contents never change a
// result). Thread-safe.
struct Vectorizer::MemoPool {
  ForkSafeMutex mu;
  std::vector<std::unique_ptr<AnalysisMemo>> free;
  std::unique_ptr<AnalysisMemo> Take() {
    std::lock_guard<ForkSafeMutex> lock(mu);
    if (free.empty()) return std::make_unique<AnalysisMemo>();
    std::unique_ptr<AnalysisMemo> m = std::move(free.back());
    free.pop_back();
    return m;
  }
  // A base for the `threads` threads of one call to share (read-only): the memo that knows the most chunks,
  // unless every thread can have a memo about as warm (at least half its chunks) or none knows any.
  static bool KnowsFewer(const std::unique_ptr<AnalysisMemo>& a, const std::unique_ptr<AnalysisMemo>& b) {
    return a->chunks.size() < b->chunks.size();
  }
  std::unique_ptr<AnalysisMemo> TakeBase(std::size_t threads) {
    std::lock_guard<ForkSafeMutex> lock(mu);
    if (free.empty()) return nullptr;
    const auto [least, most] = std::minmax_element(free.begin(), free.end(), KnowsFewer);
    if ((*most)->chunks.size() == 0) return nullptr;
    if (free.size() >= threads && (*least)->chunks.size() * 2 >= (*most)->chunks.size()) return nullptr;
    std::unique_ptr<AnalysisMemo> m = std::move(*most);
    free.erase(most);
    return m;
  }
  // Keeps at most one memo per core (more threads than cores would only multiply the memory); when full,
  // `m` replaces the one that knows the fewest chunks if it knows more.
  void Give(std::unique_ptr<AnalysisMemo> m) {
    std::lock_guard<ForkSafeMutex> lock(mu);
    if (free.size() < static_cast<std::size_t>(ResolveThreads(0))) {
      free.push_back(std::move(m));
      return;
    }
    auto it = std::min_element(free.begin(), free.end(), KnowsFewer);
    if (it != free.end() && (*it)->chunks.size() < m->chunks.size()) {
      free.erase(it);
      free.push_back(std::move(m));
    }
  }
  // What a call leaves for the next one: memos up to kKeptBytes in all (the most recently used first), so the
  // memory kept between calls stays bounded whatever n_jobs was; the others are freed.
  static constexpr std::size_t kKeptBytes = std::size_t{128} << 20;
  void Trim() {
    std::lock_guard<ForkSafeMutex> lock(mu);
    std::size_t kept = 0, k = free.size();
    for (; k > 0; --k) {
      const std::size_t bytes = free[k - 1]->MemoryBytes();
      if (kept + bytes > kKeptBytes) break;
      kept += bytes;
    }
    free.erase(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(k));
  }
  void Clear() {
    std::lock_guard<ForkSafeMutex> lock(mu);
    free.clear();
  }
  // Calls fn(memo) for each memo whose resolutions await the merge of batch `batch`.
  template <typename Fn>
  void ForEachPending(std::uint64_t batch, Fn&& fn) {
    std::lock_guard<ForkSafeMutex> lock(mu);
    for (auto& m : free) {
      if (m->pending_batch == batch && m->resolved_for == 0) fn(*m);
    }
  }
  std::size_t MemoryBytes() {
    std::lock_guard<ForkSafeMutex> lock(mu);
    std::size_t bytes = 0;
    for (const auto& m : free) bytes += sizeof(AnalysisMemo) + m->MemoryBytes();
    return bytes;
  }
};


void BaseLearning::Finish(std::unique_ptr<AnalysisMemo> base, std::uint64_t state, Vectorizer::MemoPool* pool) {
  MergeResolutions(base.get(), state);
  // Merging costs a few cache misses a chunk, all on this thread: worth it for the few new chunks of a call
  // that the base mostly knew, not when the own memos learned much (the base was far from complete).
  std::size_t learned = 0;
  for (const auto& m : own) learned += m->chunks.size();
  const bool merge = learned * 4 <= base->chunks.size();
  for (auto& m : own) {
    if (merge && base->MergeFrom(*m, state)) m->Clear();
    pool->Give(std::move(m));
  }
  own.clear();
  pool->Give(std::move(base));  // last: the pool keeps it first
}

namespace {

// Per term id: its count in the current document (0 between documents) and the documents counted. Side by
// side, so that counting a term and then its document touch one cache line: with n-grams the ids run into
// millions and each document's terms are scattered over tens of MB.
struct CountSlot {
  std::uint32_t count = 0, df = 0;
};

}  // namespace

struct Vectorizer::FitScratch {
  internal::PodArray<CountSlot> slots;  // every count and df 0
  internal::PodArray<std::uint64_t> tf;  // all 0
  internal::ExactBigrams bigrams;  // on from BeginFit for a fit that can use it (ExactBigramsFit)
};

namespace {

// Whether a fit of `analyzer`'s terms from an empty vocabulary can count word bigrams by the exact map of
// their words (internal::ExactBigrams): the text analyser's word unigrams and bigrams, nothing longer (a
// longer n-gram's text could equal a bigram's).
bool ExactBigramsFit(const Analyzer* analyzer) {
  if (analyzer == nullptr || !analyzer->token_level() || !analyzer->word_level()) return false;
  const AnalyzerOptions& o = analyzer->options();
  return o.ngram_min == 1 && o.ngram_max == 2;
}

}  // namespace

Vectorizer::Vectorizer(const VectorizerOptions& options, std::shared_ptr<const Analyzer> analyzer)
    : options_(options),
      analyzer_(std::move(analyzer)),
      memos_(std::make_unique<MemoPool>()),
      vocabulary_state_(NewModelState()) {
  ValidateOptions(options_);
}

Vectorizer::~Vectorizer() = default;

void Vectorizer::SetAnalyzer(std::shared_ptr<const Analyzer> analyzer) noexcept {
  analyzer_ = std::move(analyzer);
  memos_->Clear();
}

void Vectorizer::SetVocabulary(const std::vector<std::string_view>& terms) {
  if (terms.empty()) throw InvalidArgument("empty vocabulary passed to fit");
  Vocabulary v;
  for (const std::string_view t : terms) {
    // (Not text: it would be saved with the model, which no load then takes.)
    if (utf8::Validate(t) != utf8::kValid) ForText("vocabulary term", v.size(), [&] { utf8::CheckValid(t); });
    bool added = false;
    v.Insert(t, &added);
    if (!added) throw InvalidArgument("Duplicate term in vocabulary: '" + std::string(t) + "'");
  }
  v.ShrinkToFit();
  terms_ = std::move(v);
  vocabulary_state_ = NewModelState();
  fixed_ = true;
  fitted_ = false;
  checkpoint_.reset();
  in_fit_ = false;
  df_.assign(terms_.size(), 0);
  tf_.assign(options_.max_features > 0 ? terms_.size() : 0, 0);
  n_docs_ = total_length_ = 0;
  feature_term_.resize(terms_.size());
  std::iota(feature_term_.begin(), feature_term_.end(), 0u);
  column_of_term_ = feature_term_;
  features_state_ = NewModelState();
  idf_.clear();
}

void Vectorizer::CheckFitted() const {
  if (!fitted_) throw InvalidArgument("this vectoriser is not fitted yet: call fit or fit_transform first");
}

void Vectorizer::BeginFit(bool reset, bool keep_rows) {
  fit_scratch_.reset();
  checkpoint_.reset();
  if (!reset && fitted_) {
    auto c = std::make_unique<Checkpoint>();
    c->n_terms = terms_.size();
    c->df = df_;
    c->tf = tf_;
    c->n_docs = n_docs_;
    c->total_length = total_length_;
    c->feature_term = feature_term_;
    c->column_of_term = column_of_term_;
    c->idf = idf_;
    c->idf_given = idf_given_;
    checkpoint_ = std::move(c);
  }
  if (reset || !fitted_) {
    fitted_ = false;  // a refit: the old features no longer match; a failed fit leaves the model unfitted
    if (!fixed_) {
      terms_.Clear();
      vocabulary_state_ = NewModelState();
      if (ExactBigramsFit(analyzer_.get())) {
        fit_scratch_ = std::make_unique<FitScratch>();
        fit_scratch_->bigrams.on = true;
      }
    }
    df_.assign(terms_.size(), 0);
    tf_.assign(options_.max_features > 0 ? terms_.size() : 0, 0);
    n_docs_ = total_length_ = 0;
  }
  keep_rows_ = keep_rows;
  fit_rows_ = Rows();
  in_fit_ = true;
}

namespace {

constexpr std::size_t kSlotsAhead = 12;  // count slots (or columns, idf weights) of rare terms in flight

// The failure of the first document by index among threads, the same whatever their timing: each thread records
// its own (and stops), the others go on, so that every document before it is processed (and may fail first).
class FirstFailure {
 public:
  // In a thread's catch block: the failure of document `doc` (0 for one outside a document, which comes first).
  void Record(std::size_t doc) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_ || doc < doc_) {
      doc_ = doc;
      error_ = std::current_exception();
    }
  }
  bool failed() const noexcept { return error_ != nullptr; }
  [[noreturn]] void Rethrow() const { std::rethrow_exception(error_); }

 private:
  std::mutex mutex_;
  std::size_t doc_ = 0;
  std::exception_ptr error_;
};

// One thread's counts of a batch: a count slot (count in the current document, document frequency) and a total
// count per term id, over every part the thread counted.
struct ThreadCounts {
  internal::PodArray<CountSlot> slots;  // (grown without a copy: n-gram vocabularies run into millions)
  internal::PodArray<std::uint64_t> tf;
};

// What was counted over one contiguous range of documents (a part of a batch): its new terms and, by their
// part-local ids, their document frequencies and total counts (those of the model's terms stay in the
// thread's ThreadCounts), its rows.
struct ChunkCounts {
  Vocabulary vocab;  // new terms (learned vocabulary) in first-seen order
  std::vector<std::uint32_t> df;
  std::vector<std::uint64_t> tf;
  std::uint64_t total_length = 0;
  Vectorizer::RowSegment rows;
  std::size_t scratch_bytes = 0;  // working memory the thread freed
};

// Boundaries of `parts` parts of the batch (part p is documents [bounds[p], bounds[p + 1]), none empty) with
// about the same amount of text each, when every document's size is at hand (DocumentBatch::CheapSize), else
// the same number of documents: the threads then finish together (articles differ in length tenfold).
std::vector<std::size_t> SplitEvenly(const DocumentBatch& docs, std::size_t parts) {
  const std::size_t n = docs.size();
  parts = std::max<std::size_t>(std::min(parts, n), 1);
  if (parts == 1) return {0, n};
  std::vector<std::size_t> end_of(n);  // text up to the end of each document
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t size = docs.CheapSize(i);
    if (size == DocumentBatch::kUnknownSize) {
      total = 0;  // (a size not at hand: equal numbers of documents)
      break;
    }
    total += size + 1;
    end_of[i] = total;
  }
  std::vector<std::size_t> bounds{0};
  for (std::size_t p = 1; p < parts; ++p) {
    std::size_t at;
    if (total == 0) {
      at = n * p / parts;
    } else {
      const std::size_t target = total / parts * p;
      at = static_cast<std::size_t>(std::lower_bound(end_of.begin(), end_of.end(), target) - end_of.begin()) + 1;
    }
    at = std::min(std::max(at, bounds.back() + 1), n - (parts - p));
    bounds.push_back(at);
  }
  bounds.push_back(n);
  return bounds;
}

// The terms of one thread's documents as ids. The analysis is memoised per chunk of raw text between ASCII
// whitespace (AnalysisMemo): normalisation, tokenisation, stop words, stemming and n-gram building run once
// per distinct chunk, and each distinct term is resolved to its id once per stream; word bigrams are cached
// by the keys of their two words. `resolve` gives a term's id (a learned vocabulary inserts it; a fixed
// one may answer Vocabulary::kNotFound). The ids, their order and their count are exactly those of resolving
// every term that DocumentBatch::ForEachTerm gives, in its order; resolve sees every term for the first time
// in that order. `resolve(term, hash)` gets HashTerm(term) and looks the term up in `dest`. The memo is
// borrowed from `pool` for the stream's life.
template <typename Resolve>
class TermStream {
 public:
  // `state`, if not 0, names the model vocabulary's ids that `resolve` answers with (a term found in it
  // always gets the same id in that state): the stream then starts from, and leaves in the memo, what it
  // resolved, except ids from `local_from` on (the stream's own new terms) and kNotFound (the vocabulary may
  // learn the term later).
  //
  // `defer_batch`, if not 0, keeps the ids from `local_from` on too, left in the memo as the pending
  // resolutions of part `defer_part` of that batch (AnalysisMemo::pending_batch) for the batch to map.
  //
  // `base`, if not null, is a memo that several streams read at once and none writes (a warm memo shared by the
  // threads of one call): chunks are looked up in it first, and only its misses reach the stream's own memo.
  // Keys of the own memo then carry kOwnKey; what the stream resolves for the base's keys is its own, not
  // kept; the pair cache is the stream's own too.
  TermStream(const Analyzer* analyzer, int token_ngram_min, int token_ngram_max, Resolve resolve,
             Vectorizer::MemoPool* pool, const Vocabulary* dest, std::uint64_t state = 0,
             std::uint32_t local_from = kNoLocal, const AnalysisMemo* base = nullptr,
             BaseLearning* base_out = nullptr, std::uint64_t defer_batch = 0, std::uint32_t defer_part = 0)
      : analyzer_(analyzer),
        dest_(dest),
        token_nmin_(token_ngram_min),
        token_nmax_(token_ngram_max),
        resolve_(std::move(resolve)),
        pool_(pool),
        memo_(pool->Take()),
        base_(base),
        base_out_(base_out),
        own_tag_(base ? kOwnKey : 0),
        state_(state),
        local_from_(local_from),
        defer_batch_(defer_batch),
        defer_part_(defer_part),
        exceptions_(std::uncaught_exceptions()) {
    if (state_ != 0 && memo_->resolved_for == state_) {
      target_.swap(memo_->target);
      resolved_.swap(memo_->resolved);
      if (!base_) pairs_ = std::move(memo_->pairs);
    }
    memo_->DropResolution();
    if (base_) {
      if (state_ != 0 && base_->resolved_for == state_) {
        base_target_ = base_->target;
        base_resolved_ = base_->resolved;
      }
      base_resolved_.resize(base_->terms.size(), 0);
      base_target_.resize(base_->terms.size());
    }
  }
  // The memo goes back to the pool, unless an exception may have left an entry half made.
  ~TermStream() {
    if (!memo_ || std::uncaught_exceptions() != exceptions_) return;
    if (state_ != 0) {
      const bool defer = unkept_ && defer_batch_ != 0;
      if (unkept_ && local_from_ == kNoLocal) {
        // Only kNotFound is not kept (the vocabulary may learn the term later): the words and pairs this stream
        // found missing are forgotten, not looked for in every resolution and the whole pair cache (that pass
        // was half the time of a transform of one article with a (1, 2)-gram model).
        for (const std::uint32_t k : not_found_keys_) {
          if (k < resolved_.size()) resolved_[k] = 0;
        }
        if (pairs_) {
          for (const auto& [a, b] : not_found_pairs_) pairs_->Forget(a, b);
        }
      } else if (unkept_) {
        if (!defer) {
          for (std::size_t k = 0; k < resolved_.size(); ++k) {
            if (resolved_[k] && target_[k] >= local_from_) resolved_[k] = 0;
          }
        }
        if (pairs_) pairs_->EraseIdsFrom(local_from_);
      }
      memo_->target.swap(target_);
      memo_->resolved.swap(resolved_);
      if (!base_) memo_->pairs = std::move(pairs_);
      memo_->resolved_for = defer ? 0 : state_;
      if (defer) {
        memo_->pending_batch = defer_batch_;
        memo_->pending_part = defer_part_;
        memo_->pending_from = local_from_;
      }
    }
    try {
      if (base_out_ != nullptr) {
        base_out_->Add(std::move(base_target_), std::move(base_resolved_), std::move(memo_));
      } else {
        pool_->Give(std::move(memo_));
      }
    } catch (...) {  // out of memory keeping it: the memo is dropped (a destructor must not throw)
    }
  }
  TermStream(TermStream&&) = default;
  static constexpr std::uint32_t kNoLocal = Vocabulary::kNotFound;  // ids >= kNotFound: kNotFound only

  // Goes on with another part of the batch, whose new terms `resolve` now puts in `dest` (a vocabulary of the
  // part's own) with the same ids from `local_from`: what the stream resolved to the previous part's ids is
  // forgotten (every resolution without a state: all its ids are local), the analysis of the chunks is kept,
  // and the resolutions left in the memo at the end are part `defer_part`'s. Not with a base memo.
  void SwitchPart(const Vocabulary* dest, std::uint32_t defer_part) {
    dest_ = dest;
    defer_part_ = defer_part;
    cache_.Clear();
    if (state_ == 0) {
      std::fill(resolved_.begin(), resolved_.end(), std::uint8_t{0});
      if (pairs_) pairs_->Clear();
    } else if (unkept_) {
      for (std::size_t k = 0; k < resolved_.size(); ++k) {
        if (resolved_[k] && target_[k] >= local_from_) resolved_[k] = 0;
      }
      if (pairs_) pairs_->EraseIdsFrom(local_from_);
    }
  }

  // The memo's column counts (AnalysisMemo::column_counts), `n` of them at least, all 0, and its empty column
  // set with room for n columns. The memo goes back to the pool only if the stream ends without an exception,
  // so a count or column left behind by a failure is never reused.
  std::vector<std::uint32_t>& ColumnCounts(std::size_t n) {
    if (memo_->column_counts.size() < n) memo_->column_counts.resize(n, 0);
    memo_->columns.Reserve(n);
    return memo_->column_counts;
  }
  internal::ColumnSet& Columns() noexcept { return memo_->columns; }

  // Word bigrams through `exact` while it is on, new ones appended to `vocab` (the vocabulary `resolve`
  // inserts into): see internal::ExactBigrams. The stream turns it off (Flush) before it resolves a word with
  // a space, whose text could be a bigram's.
  void UseExactBigrams(internal::ExactBigrams* exact, Vocabulary* vocab) noexcept {
    exact_ = exact;
    exact_vocab_ = vocab;
  }

  // The ids of the terms of document i, in order (valid until the next call).
  const std::vector<std::uint32_t>& Document(const DocumentBatch& docs, std::size_t i) {
    // (A source names its own errors, and so does DocumentBatch::ForEachTerm, the path of other documents.)
    if (docs.HasSource() || docs.kind() != DocumentBatch::Kind::kTexts || !analyzer_ || !analyzer_->token_level()) {
      return AnalyseDocument(docs, i);
    }
    return ForText("document", i, [&]() -> const std::vector<std::uint32_t>& { return AnalyseDocument(docs, i); });
  }

  // Whether Columns serves `docs`: texts, a word analyser of unigrams alone, and no base memo.
  bool ColumnsServe(const DocumentBatch& docs) const noexcept {
    if (base_ != nullptr || docs.kind() != DocumentBatch::Kind::kTexts || !analyzer_ || !analyzer_->token_level() ||
        !analyzer_->word_level()) {
      return false;
    }
    const AnalyzerOptions& o = analyzer_->options();
    return o.ngram_min == 1 && o.ngram_max == 1;
  }
  // Readies Columns for the columns of the model state `features_state` (the `column_of` that Columns will be
  // given) over the term ids of the stream's state: the memo's kept columns are forgotten unless they are those.
  void UseColumns(std::uint64_t features_state) {
    if (memo_->columns_for != state_ || memo_->columns_features != features_state) {
      std::vector<std::uint32_t>().swap(memo_->key_column);
      memo_->columns_for = state_;
      memo_->columns_features = features_state;
    }
  }
  // A transform of word unigrams (ColumnsServe): the columns of document i's terms, without their ids. Calls
  // add(col) for each term with a column (column_of: term id -> column or kNotFound) and returns the number of
  // terms (the document's length). A word's column is kept in the memo (AnalysisMemo::key_column), so that a word
  // seen before costs one load, not its resolution's two and the column's (a warm transform of 5,548 unseen
  // egy2013 articles: 255M -> 226M instructions).
  template <typename Add>
  std::size_t Columns(const DocumentBatch& docs, std::size_t i, const std::uint32_t* column_of, Add&& add) {
    if (docs.HasSource()) return ColumnsOf(docs, i, column_of, add);
    return ForText("document", i, [&] { return ColumnsOf(docs, i, column_of, add); });
  }

 private:
  const std::vector<std::uint32_t>& AnalyseDocument(const DocumentBatch& docs, std::size_t i) {
    ids_.clear();
    if (docs.kind() != DocumentBatch::Kind::kTexts || !analyzer_ || !analyzer_->token_level()) {
      docs.ForEachTerm(i, analyzer_, token_nmin_, token_nmax_, scratch_,
                       [&](std::string_view t) { ids_.push_back(Cached(t)); });
      return ids_;
    }
    ChunkDocument(docs, i);
    if (analyzer_->word_level()) {
      WordDocument();
    } else {
      CharWbDocument();
    }
    if (memo_->OverBudget()) ClearMemo();
    return ids_;
  }

  // Splits document i (a text) into chunks and their memo keys (Chunks).
  void ChunkDocument(const DocumentBatch& docs, std::size_t i) {
    // Document i's UCS-2 view was fetched with the previous document, and its text prefetched (PrefetchBytes).
    ucs2_ = docs_ == &docs && next_doc_ == i ? next_ucs2_ : docs.TextUcs2(i);
    docs_ = &docs;
    doc_ = i;
    next_doc_ = i + 1;
    next_ucs2_ = next_doc_ < docs.size() ? docs.TextUcs2(next_doc_) : DocumentBatch::Ucs2();
    if (next_ucs2_.data != nullptr) internal::PrefetchBytes(next_ucs2_.data, next_ucs2_.length * sizeof(char16_t));
    if (ucs2_.data != nullptr) {
      text_ = std::string_view();
      Chunks(ucs2_.data, ucs2_.length, kUcs2Kind);
    } else {
      text_ = docs.Text(i, scratch_);
      Chunks(text_.data(), text_.size(), kUtf8Kind);
    }
  }

  // The memo's keys of the terms of the current document's chunks, in order (keys_), a word analyser's.
  void WordKeys() {
    ResolveChunks([this](std::string_view chunk) {
      analyzer_->ChunkTerms(chunk, &tokens_, &term_scratch_, [this](std::string_view term) { AddPending(term); });
    });
    keys_.resize(SpanKeyCount());  // written in place (a push_back per word was a call each)
    std::uint32_t* out = keys_.data();
    for (const auto& [off, aux] : spans_) {
      const bool from_base = (aux & kFromBase) != 0;
      const std::uint32_t n = aux & ~kFromBase, tag = from_base ? 0 : own_tag_;
      if (n == 1) {
        *out++ = off | tag;
      } else {
        const std::uint32_t* memo_keys = from_base ? base_->keys.data() : memo_->keys.data();
        for (std::uint32_t k = off; k < off + n; ++k) *out++ = memo_keys[k] | tag;
      }
    }
  }

  template <typename Add>
  std::size_t ColumnsOf(const DocumentBatch& docs, std::size_t i, const std::uint32_t* column_of, Add& add) {
    ChunkDocument(docs, i);
    WordKeys();
    std::vector<std::uint32_t>& key_column = memo_->key_column;
    if (key_column.size() < memo_->terms.size()) key_column.resize(memo_->terms.size(), AnalysisMemo::kUnsetColumn);
    // Keys seen before: their column. The others (new words, and those of the first transform of a model state)
    // resolved after, and their columns kept.
    column_pending_.clear();
    for (const std::uint32_t k : keys_) {
      const std::uint32_t c = key_column[k];
      if (c < AnalysisMemo::kUnsetColumn) {
        add(c);
      } else if (c == AnalysisMemo::kUnsetColumn) {
        column_pending_.push_back(k);
      }
    }
    const std::size_t n_terms = keys_.size();
    if (!column_pending_.empty()) {
      // Their ids as Unigrams gives them (the lookups of words not resolved yet prefetched ahead), then columns.
      ids_.clear();
      Unigrams(column_pending_);
      for (std::size_t j = 0; j < column_pending_.size(); ++j) {
        const std::uint32_t id = ids_[j];
        const std::uint32_t c = id == Vocabulary::kNotFound ? Vocabulary::kNotFound : column_of[id];
        key_column[column_pending_[j]] = c;
        if (c != Vocabulary::kNotFound) add(c);
      }
    }
    if (memo_->OverBudget()) ClearMemo();
    return n_terms;
  }

 private:
  // Memo lookups in flight (a warm transform of 5,548 egy2013 articles, four interleaved rounds of 30: 48 ahead
  // 41.0-44.8 ms, 24 ahead 41.3-47.2).
  static constexpr std::size_t kPrefetch = 48;

  std::uint32_t Cached(std::string_view term) {
    std::uint32_t id;
    if (term.size() > internal::TermCache::kMaxLen) return resolve_(term, HashTerm(term));
    if (!cache_.Get(term, &id)) {
      id = resolve_(term, HashTerm(term));
      cache_.Put(id);
    }
    return id;
  }

  // Keys of the own memo when there is a base memo (whose keys are below it).
  static constexpr std::uint32_t kOwnKey = 0x80000000u;

  // Where a key's term and resolution live: the own memo (key without kOwnKey) or the base.
  struct Side {
    std::vector<std::uint32_t>& target;
    std::vector<std::uint8_t>& resolved;
    const Vocabulary& terms;
    std::uint32_t index;
    bool own;
  };
  Side SideOf(std::uint32_t key) {
    if (base_ != nullptr && (key & kOwnKey) == 0) return {base_target_, base_resolved_, base_->terms, key, false};
    return {target_, resolved_, memo_->terms, key & ~kOwnKey, true};
  }
  std::string_view TermOf(std::uint32_t key) {
    const Side s = SideOf(key);
    return s.terms.Term(s.index);
  }

  // Records `id` as the resolution of the key at `s`.
  void Record(const Side& s, std::uint32_t id) {
    s.target[s.index] = id;
    s.resolved[s.index] = 1;
    if (id >= local_from_ && s.own) {
      unkept_ = true;
      if (local_from_ == kNoLocal) not_found_keys_.push_back(s.index);
    }
  }
  // Sizes the own memo's resolution arrays to its terms (the base's are sized once, at the start).
  void SizeOwnResolution() {
    if (resolved_.size() < memo_->terms.size()) {
      resolved_.resize(memo_->terms.size(), 0);
      target_.resize(memo_->terms.size());
    }
  }

  // The id of the term with key `key`, resolved on first use.
  std::uint32_t Target(std::uint32_t key) {
    const Side s = SideOf(key);
    if (s.own) SizeOwnResolution();
    if (!s.resolved[s.index]) {
      const std::string_view term = s.terms.Term(s.index);
      Record(s, resolve_(term, HashTerm(term)));
    }
    return s.target[s.index];
  }

  // Appends the ids of the words with memo keys `keys` (the document's, keys_, or some of them). Keys not resolved
  // yet (new chunks' new terms) are hashed and their vocabulary slots prefetched first, then resolved in order with
  // the rest of what their lookups read prefetched a few ahead (PrefetchAhead), so that their cache misses overlap.
  void Unigrams(const std::vector<std::uint32_t>& keys) {
    SizeOwnResolution();
    if (base_ == nullptr) {  // every key the own memo's (SideOf's test per key was a tenth of a transform's work)
      UnigramsBy(keys, [this](std::uint32_t k) { return Side{target_, resolved_, memo_->terms, k, true}; });
    } else {
      UnigramsBy(keys, [this](std::uint32_t k) { return SideOf(k); });
    }
  }
  template <typename SideFn>
  void UnigramsBy(const std::vector<std::uint32_t>& keys, SideFn&& side_of) {
    constexpr std::uint8_t kPending = 2;
    pending_hashes_.clear();
    for (const std::uint32_t k : keys) {
      const Side s = side_of(k);
      if (s.resolved[s.index] != 0) continue;
      const std::uint64_t h = HashTerm(s.terms.Term(s.index));
      dest_->Prefetch(h);
      pending_hashes_.push_back(h);
      s.resolved[s.index] = kPending;
    }
    const std::uint64_t* hash = pending_hashes_.data();
    const std::size_t n_pending = pending_hashes_.size();
    std::size_t p = 0;
    const std::size_t first = ids_.size();
    ids_.resize(first + keys.size());
    std::uint32_t* out = ids_.data() + first;
    for (const std::uint32_t k : keys) {
      const Side s = side_of(k);
      if (s.resolved[s.index] == kPending) {
        internal::PrefetchAhead(*dest_, n_pending, p, [hash](std::size_t j) { return hash[j]; });
        const std::string_view term = s.terms.Term(s.index);
        if (exact_ != nullptr && exact_->on && term.find(' ') != std::string_view::npos) exact_->Flush(exact_vocab_);
        Record(s, resolve_(term, hash[p++]));
      }
      *out++ = s.target[s.index];
    }
  }

  // Appends the ids of the document's word bigrams. Bigrams not in the pair cache are joined and hashed
  // first, with what their lookup reads prefetched as in Unigrams, then resolved in order.
  void Bigrams() {
    if (pairs_ == nullptr) pairs_ = std::make_unique<internal::PairCache>();
    const std::size_t nb = keys_.size() - 1;
    const std::size_t first = ids_.size();
    ids_.resize(first + nb);
    pending_.clear();
    joined_.clear();
    constexpr std::size_t kAhead = 16;  // pair slots in flight: with millions of distinct pairs most miss the cache
    for (std::size_t j = 0; j < std::min(nb, kAhead); ++j) pairs_->Prefetch(keys_[j], keys_[j + 1]);
    for (std::size_t j = 0; j < nb; ++j) {
      if (j + kAhead < nb) pairs_->Prefetch(keys_[j + kAhead], keys_[j + kAhead + 1]);
      if (pairs_->Get(keys_[j], keys_[j + 1], &ids_[first + j])) continue;
      const std::string_view ta = TermOf(keys_[j]), tb = TermOf(keys_[j + 1]);
      const std::size_t off = joined_.size();
      joined_.append(ta.data(), ta.size());
      joined_.push_back(' ');
      joined_.append(tb.data(), tb.size());
      const std::uint64_t h = HashTerm(std::string_view(joined_).substr(off));
      dest_->Prefetch(h);
      pending_.push_back({j, off, h});
    }
    for (const Pending& p : pending_) {
      internal::PrefetchAhead(*dest_, pending_.size(), static_cast<std::size_t>(&p - pending_.data()),
                              [this](std::size_t j) { return pending_[j].hash; });
      const std::size_t end = &p == &pending_.back() ? joined_.size() : (&p)[1].offset;
      const std::uint32_t id = resolve_(std::string_view(joined_).substr(p.offset, end - p.offset), p.hash);
      ids_[first + p.index] = id;
      pairs_->Put(keys_[p.index], keys_[p.index + 1], id);
      if (id >= local_from_) {  // (with a base, pairs_ is not kept anyway)
        unkept_ = true;
        if (local_from_ == kNoLocal) not_found_pairs_.emplace_back(keys_[p.index], keys_[p.index + 1]);
      }
    }
  }

  // Appends the ids of the document's word bigrams by the ids of their words (the unigram ids that Unigrams
  // just appended) in the exact map: a bigram it lacks is new, appended to the vocabulary without a lookup.
  void BigramsByWordIds() {
    internal::BigramMap& map = exact_->map;
    const std::size_t count = keys_.size(), nb = count - 1;
    const std::size_t first = ids_.size();
    ids_.resize(first + nb);
    const std::uint32_t* word = ids_.data() + first - count;
    std::uint32_t* out = ids_.data() + first;
    constexpr std::size_t kAhead = 16;  // map slots in flight: with millions of bigrams most are cache misses
    for (std::size_t j = 0; j < std::min(nb, kAhead); ++j) map.Prefetch(word[j], word[j + 1]);
    for (std::size_t j = 0; j < nb; ++j) {
      if (j + kAhead < nb) map.Prefetch(word[j + kAhead], word[j + kAhead + 1]);
      std::size_t slot = 0;
      std::uint32_t id = map.Find(word[j], word[j + 1], &slot);
      if (id == internal::BigramMap::kNone) {
        const std::string_view a = TermOf(keys_[j]), b = TermOf(keys_[j + 1]);
        joined_.assign(a.data(), a.size());
        joined_.push_back(' ');
        joined_.append(b.data(), b.size());
        id = exact_vocab_->AppendUnindexed(joined_);
        map.Add(slot, word[j], word[j + 1], id);
      }
      out[j] = id;
    }
  }

  // Memo key kinds: the same chunk read as UTF-8 or as UCS-2 has two entries (with the same analysis).
  static constexpr unsigned kUtf8Kind = 0, kUcs2Kind = 1;

  // Splits the text (n code units at p, UTF-8 bytes or UCS-2 units) at ASCII whitespace into chunks_ and
  // computes their memo keys. Analysis never crosses ASCII whitespace: the normaliser maps each code point
  // (NFC composes and reorders only up to a starter, and no composition involves a space; the obfuscation
  // repair works between letters and tatweels), tokens and char_wb words end at whitespace, so a text's terms
  // are those of its chunks in order, and a chunk's terms depend on its code points alone.
  template <typename Unit>
  void Chunks(const Unit* p, std::size_t n, unsigned kind) {
    internal::ChunkKeys(p, n, kind, base_ ? base_->chunks : memo_->chunks, kPrefetch, &chunks_, &memo_keys_);
  }

  // Chunk j of the current document as valid UTF-8 (for analysis on a memo miss). An invalid chunk makes
  // the whole document's own error be thrown (with its position in the document).
  std::string_view ChunkText(std::size_t j) {
    const auto [b, end] = chunks_[j];
    if (ucs2_.data == nullptr) {
      const std::string_view chunk = text_.substr(b, end - b);
      // Ill-formed UTF-8: analyse the whole text, which throws the error with its offset in the text.
      if (utf8::Validate(chunk) != utf8::kValid) analyzer_->Tokens(text_, &tokens_);
      return chunk;
    }
    std::string_view chunk;
    const std::size_t bad = utf8::FromWide(ucs2_.data + b, end - b, &chunk_utf8_, &chunk);
    if (bad != end - b) {
      docs_->Text(doc_, scratch_);  // throws the source's error for the lone surrogate
      throw InvalidArgument("document " + std::to_string(doc_) + ": lone surrogate at index " +
                            std::to_string(b + bad));
    }
    return chunk;
  }


  // Resolves every chunk to its keys in the memo, in order: spans_[j] is (key, 1) for a chunk with one key,
  // else (offset, count) in memo_->keys; for a chunk found in the base memo, the count carries kFromBase and
  // the key or offset is the base's. On a miss, `fill(chunk)` passes the terms of the chunk to AddPending;
  // they are interned in the memo once every chunk has been looked up (InternPending), so that the cache
  // misses of interning many new terms overlap instead of following one another.
  template <typename Fill>
  void ResolveChunks(Fill&& fill) {
    const std::size_t nc = chunks_.size();
    spans_.resize(nc);
    new_chunks_.clear();
    pending_terms_.Clear();
    internal::TokenMemo& memo = memo_->chunks;
    for (std::size_t j = 0; j < nc; ++j) {
      if (base_ != nullptr) {
        if (j + kPrefetch < nc) base_->chunks.Prefetch(memo_keys_[j + kPrefetch]);
        if (const internal::TokenMemo::Entry* b = base_->chunks.Find(memo_keys_[j])) {
          spans_[j] = {b->value, b->aux | kFromBase};
          continue;
        }
      } else if (j + kPrefetch < nc) {
        memo.Prefetch(memo_keys_[j + kPrefetch]);
      }
      bool found = false;
      internal::TokenMemo::Entry* e = memo.FindOrAdd(memo_keys_[j], &found);
      if (!found) {
        const std::string_view chunk = ChunkText(j);
        const std::uint32_t first = pending_terms_.size();
        fill(chunk);
        e->value = static_cast<std::uint32_t>(new_chunks_.size());
        e->aux = kPendingChunk;
        new_chunks_.push_back({static_cast<std::uint32_t>(j), first, pending_terms_.size() - first, 0});
      }
      spans_[j] = {e->value, e->aux};
    }
    if (!new_chunks_.empty()) InternPending();
  }

  // A term of a new chunk of the current document, to be interned by InternPending.
  void AddPending(std::string_view term) { pending_terms_.Add(term, memo_->terms); }

  // Interns the pending terms and completes the new chunks' entries and spans.
  void InternPending() {
    internal::CompleteNewChunks(pending_terms_, memo_keys_, &memo_->chunks, &memo_->terms, &memo_->keys,
                                &new_chunks_, &pending_ids_);
    for (auto& [value, aux] : spans_) {
      if (aux == kPendingChunk) {
        const internal::NewChunk& c = new_chunks_[value];
        value = c.value;
        aux = c.count;
      }
    }
  }

  // The number of keys of the current document's chunks (spans_).
  std::size_t SpanKeyCount() const noexcept {
    std::size_t total = 0;
    for (const auto& span : spans_) total += span.second & ~kFromBase;
    return total;
  }

  void WordDocument() {
    WordKeys();
    const AnalyzerOptions& o = analyzer_->options();
    const std::size_t count = keys_.size();
    const std::size_t min_n = static_cast<std::size_t>(o.ngram_min), max_n = static_cast<std::size_t>(o.ngram_max);
    if (min_n == 1) Unigrams(keys_);
    if (min_n <= 2 && max_n >= 2 && count >= 2) {
      if (min_n == 1 && exact_ != nullptr && exact_->on) {
        BigramsByWordIds();
      } else {
        Bigrams();
      }
    }
    for (std::size_t n = std::max<std::size_t>(min_n, 3); n <= max_n && n <= count; ++n) {
      for (std::size_t j = 0; j + n <= count; ++j) {
        joined_.clear();
        for (std::size_t k = j; k < j + n; ++k) {
          if (k > j) joined_.push_back(' ');
          const std::string_view t = TermOf(keys_[k]);
          joined_.append(t.data(), t.size());
        }
        ids_.push_back(Cached(joined_));
      }
    }
  }

  void CharWbDocument() {
    ResolveChunks([&](std::string_view chunk) {
      analyzer_->Tokens(chunk, &tokens_);
      for (const RawToken& t : tokens_.tokens) {
        analyzer_->WbNgrams(tokens_.Surface(t), &word_buffer_, &word_starts_, [this](std::string_view g) {
          AddPending(g);
        });
      }
    });
    // The keys of rarer chunks are far apart in the memo: load them ahead.
    const std::size_t nc = spans_.size();
    SizeOwnResolution();
    auto keys_of = [this](std::uint32_t aux) {
      return (aux & kFromBase) != 0 ? base_->keys.data() : memo_->keys.data();
    };
    ids_.resize(SpanKeyCount());  // (was empty) written in place: a push_back per n-gram was a call each
    std::uint32_t* out = ids_.data();
    for (std::size_t j = 0; j < nc; ++j) {
      if (j + 4 < nc && (spans_[j + 4].second & ~kFromBase) != 1) {
        internal::PrefetchLine(keys_of(spans_[j + 4].second) + spans_[j + 4].first);
      }
      const auto [off, aux] = spans_[j];
      const bool from_base = (aux & kFromBase) != 0;
      const std::uint32_t n = aux & ~kFromBase, tag = from_base ? 0 : own_tag_;
      if (n == 1) {
        *out++ = Target(off | tag);
        continue;
      }
      const std::uint32_t* memo_keys = keys_of(aux);
      const std::vector<std::uint8_t>& resolved = from_base ? base_resolved_ : resolved_;
      const std::vector<std::uint32_t>& target = from_base ? base_target_ : target_;
      for (std::uint32_t k = off; k < off + n; ++k) {
        const std::uint32_t key = memo_keys[k];
        *out++ = resolved[key] ? target[key] : Target(key | tag);
      }
    }
  }

  void ClearMemo() {
    memo_->Clear();
    target_.clear();
    resolved_.clear();
    not_found_keys_.clear();
    not_found_pairs_.clear();
    if (pairs_) pairs_->Clear();
  }

  const Analyzer* analyzer_;
  const Vocabulary* dest_;  // the vocabulary `resolve` looks terms up in (prefetched ahead)
  int token_nmin_, token_nmax_;
  Resolve resolve_;
  Vectorizer::MemoPool* pool_;
  std::unique_ptr<AnalysisMemo> memo_;
  const AnalysisMemo* base_;  // read-only, shared with other streams (may be null)
  BaseLearning* base_out_;  // gets what the stream resolved for the base's keys (may be null)
  std::uint32_t own_tag_;     // kOwnKey with a base, else 0
  static constexpr std::uint32_t kFromBase = 0x80000000u;  // in a span's count: the chunk is the base's
  std::uint64_t state_;
  std::uint32_t local_from_;
  std::uint64_t defer_batch_;
  std::uint32_t defer_part_;
  bool unkept_ = false;  // an id not to be kept in the memo was resolved
  // With no local ids (local_from_ kNoLocal), the own memo's keys and the pairs resolved to kNotFound.
  std::vector<std::uint32_t> not_found_keys_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> not_found_pairs_;
  int exceptions_;
  std::string scratch_, joined_, word_buffer_, chunk_utf8_;
  std::vector<std::uint32_t> word_starts_;
  // The current document: its batch and index, and its text as UTF-8 or (ucs2_.data set) as UCS-2; the next
  // document's index and UCS-2 view.
  const DocumentBatch* docs_ = nullptr;
  std::size_t doc_ = 0;
  std::string_view text_;
  DocumentBatch::Ucs2 ucs2_;
  std::size_t next_doc_ = 0;
  DocumentBatch::Ucs2 next_ucs2_;
  TextTokens tokens_;
  TermScratch term_scratch_;
  internal::TermCache cache_;
  // This stream's ids of the memo's terms by key (resolved_: known yet), and of bigrams by their words' keys.
  std::vector<std::uint32_t> target_;
  std::vector<std::uint8_t> resolved_;
  std::vector<std::uint32_t> base_target_;  // the same for the base memo's keys (the stream's copy)
  std::vector<std::uint8_t> base_resolved_;
  std::unique_ptr<internal::PairCache> pairs_;
  internal::ExactBigrams* exact_ = nullptr;  // (UseExactBigrams)
  Vocabulary* exact_vocab_ = nullptr;
  // The current document: chunks (byte ranges), their memo keys and values, word keys, term ids.
  internal::ChunkRanges chunks_;
  std::vector<internal::TokenMemo::Key> memo_keys_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans_;
  std::vector<std::uint32_t> keys_;
  std::vector<std::uint32_t> ids_;
  struct Pending {
    std::size_t index, offset;
    std::uint64_t hash;
  };
  std::vector<Pending> pending_;  // bigrams to resolve, their text in joined_
  // The current document's new chunks and their terms, to intern. A new chunk's entry and span hold (its index
  // here, kPendingChunk) until InternPending completes them.
  static constexpr std::uint32_t kPendingChunk = 0x7FFFFFFFu;
  std::vector<internal::NewChunk> new_chunks_;
  internal::PendingTerms pending_terms_;
  std::vector<std::uint32_t> pending_ids_;  // their keys, once interned
  std::vector<std::uint64_t> pending_hashes_;  // words to resolve, in order
  std::vector<std::uint32_t> column_pending_;  // keys whose column Columns looks up
};

template <typename Resolve>
TermStream<Resolve> MakeTermStream(const Analyzer* analyzer, int nmin, int nmax, Resolve resolve,
                                   Vectorizer::MemoPool* pool, const Vocabulary* dest, std::uint64_t state = 0,
                                   std::uint32_t local_from = TermStream<Resolve>::kNoLocal,
                                   const AnalysisMemo* base = nullptr, BaseLearning* base_out = nullptr,
                                   std::uint64_t defer_batch = 0, std::uint32_t defer_part = 0) {
  return TermStream<Resolve>(analyzer, nmin, nmax, std::move(resolve), pool, dest, state, local_from, base,
                             base_out, defer_batch, defer_part);
}

}  // namespace

void Vectorizer::AddBatch(const DocumentBatch& docs, int n_threads) {
  if (!in_fit_) throw InvalidArgument("AddBatch outside BeginFit/EndFit");
  const std::size_t n = docs.size();
  if (n == 0) return;
  const int threads = ResolveThreads(n_threads);
  if (n_docs_ + n > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument("more than 4294967295 documents fitted");
  }
  // One part per thread at first: each part has a vocabulary of its own, whose terms are all looked up again
  // in the merge below (interleaved runs of n_jobs=2 fit_transform: 0.322 s with two parts per thread, 0.312 s
  // with one, 0.291 s with one part and the resolutions mapped after the merge). A thread done with its part
  // takes the back half of the part with the most documents left as a part of its own (RangeSplitter), keeping
  // its memo: the threads end together even when one runs slower (the two halves of egy2013 by one thread each
  // ended up to 85 ms apart in 0.25-0.33 s).
  const std::vector<std::size_t> bounds = SplitEvenly(docs, static_cast<std::size_t>(threads));
  const std::size_t n_chunks = bounds.size() - 1;
  const std::size_t chunk = (n + n_chunks - 1) / n_chunks;  // documents per part, on average
  // A part taken costs a merge of its vocabulary and the resolution of its terms again: a few, not too small
  // (the threads then end within about 1/32 of a part's time of each other).
  const std::size_t max_parts = n_chunks == 1 ? 1 : n_chunks * 16;
  RangeSplitter ranges(bounds, max_parts, n / (n_chunks * 64));
  std::vector<std::unique_ptr<ChunkCounts>> parts(max_parts);
  for (std::size_t c = 0; c < n_chunks; ++c) parts[c] = std::make_unique<ChunkCounts>();
  std::vector<ThreadCounts> counts(n_chunks);
  const bool keep = keep_rows_;
  const bool fixed = fixed_;
  // Counting by the model's term ids takes arrays as long as the model's vocabulary in every thread, all held
  // until the merge: worth it when each part's documents are many beside the vocabulary (a fit's batches; a
  // part-local id costs a lookup, an insertion and a merge), not for small batches added to a large model
  // (partial_fit), which count by part-local ids alone (base 0). The bound keeps those arrays within about
  // 1 KB per document of the batch.
  const std::size_t terms_before = terms_.size();
  const bool model_ids = terms_before <= (n_chunks == 1 ? 1024 : 64) * chunk;
  // One part (one thread): it learns new terms straight into the model's vocabulary, whose ids then stay
  // valid for the rest of the fit, so that the memo keeps what it resolved from batch to batch.
  const bool direct = !fixed && n_chunks == 1 && model_ids;
  // Word bigrams by the exact map of a fit's first batches, while every batch takes this one-thread text path;
  // once one does not, the vocabulary indexes them and the map is gone.
  internal::ExactBigrams* exact = nullptr;
  if (fit_scratch_) {
    if (fit_scratch_->bigrams.on && direct && docs.kind() == DocumentBatch::Kind::kTexts &&
        ExactBigramsFit(analyzer_.get())) {
      exact = &fit_scratch_->bigrams;
    } else {
      fit_scratch_->bigrams.Flush(&terms_);
    }
  }
  if (direct && fit_scratch_) {  // the previous batch's slots, zeroed: no new pages to fault in and clear
    counts[0].slots.swap(fit_scratch_->slots);
    counts[0].tf.swap(fit_scratch_->tf);
  }
  // Several parts: ids below `base` are the model's terms, the others base + a part-local id.
  const std::size_t base = model_ids ? terms_before : 0;
  const bool track_tf = options_.max_features > 0;
  // Several parts counting by model ids: what their memos resolved to part-local ids is mapped to the model's
  // ids after the merge below, instead of being looked up again by the next batch.
  const std::uint64_t batch_token = NewModelState();
  const int nmin = options_.token_ngram_min, nmax = options_.token_ngram_max;

  // Counts the documents of range p (the next ones RangeSplitter gives) into the thread's counts `tc` and the
  // range's part. Ids below `base` are the model's terms, the others base + an id in the part's vocabulary (in
  // `direct`, the model's own), whose statistics move to the part at its end. *doc is the document being counted,
  // 0 outside one (so that a failure there, such as running out of memory, is reported first).
  auto count_range = [&](auto& stream, ThreadCounts& tc, ChunkCounts& part, std::size_t p,
                         internal::TouchedList& touched, std::size_t* doc) {
    internal::PodArray<CountSlot>& slots = tc.slots;
    const Vocabulary& vocab = direct ? terms_ : part.vocab;
    const std::size_t offset = direct ? 0 : base;
    const std::size_t known = fixed ? terms_.size() : offset;  // (ids the vocabulary does not grow past)
    if (slots.size() < known) {
      slots.resize(known);
      if (track_tf) tc.tf.resize(known, 0);
    }
    if (keep) {
      const std::size_t expected = ranges.end(p) - ranges.begin(p);
      part.rows.row_ends.reserve(expected);
      part.rows.lengths.reserve(expected);
    }
    for (std::size_t i; ranges.Next(p, &i);) {
      *doc = i;
      const std::vector<std::uint32_t>& ids = stream.Document(docs, i);
      touched.clear();
      if (fixed) {
        for (const std::uint32_t id : ids) {
          if (id != Vocabulary::kNotFound) touched.Add(id, slots[id].count++ == 0);
        }
      } else {
        const std::size_t size = offset + vocab.size();
        if (slots.size() < size) {
          slots.resize(size);
          if (track_tf) tc.tf.resize(size, 0);
        }
        // Rare terms' slots are far apart (millions of n-grams): load them a few terms ahead.
        CountSlot* c = slots.data();
        const std::size_t n_ids = ids.size();
        for (std::size_t j = 0; j < n_ids; ++j) {
          if (j + kSlotsAhead < n_ids) internal::PrefetchLine(c + ids[j + kSlotsAhead]);
          const std::uint32_t id = ids[j];
          touched.Add(id, c[id].count++ == 0);
        }
      }
      std::size_t at = keep ? part.rows.Extend(touched.size()) : 0;
      for (const std::uint32_t id : touched) {
        CountSlot& slot = slots[id];
        const std::uint32_t c = slot.count;
        slot.count = 0;
        ++slot.df;
        if (track_tf) tc.tf[id] += c;
        if (keep) part.rows.Set(at++, id, c);
      }
      const auto length = static_cast<std::uint32_t>(ids.size());
      part.total_length += length;
      if (keep) {
        part.rows.row_ends.push_back(part.rows.keys.size());
        part.rows.lengths.push_back(length);
      }
      *doc = 0;
    }
    if (direct || fixed) return;
    // The part's own terms: their statistics to the part, their slots cleared for the thread's next part.
    const std::size_t local_n = part.vocab.size();
    part.df.resize(local_n);
    if (track_tf) part.tf.resize(local_n);
    for (std::size_t lid = 0; lid < local_n && base + lid < slots.size(); ++lid) {
      part.df[lid] = slots[base + lid].df;
      slots[base + lid].df = 0;
      if (track_tf) {
        part.tf[lid] = tc.tf[base + lid];
        tc.tf[base + lid] = 0;
      }
    }
  };
  FirstFailure failure;
  // Thread w counts range w, then the ranges it takes from the others (RangeSplitter::Steal), each into a part
  // of its own, with one stream (one memo) throughout.
  auto count_worker = [&](int w) {
    std::size_t doc = 0;  // (the document being counted; 0 outside one)
    ThreadCounts& tc = counts[static_cast<std::size_t>(w)];
    try {
      internal::TouchedList touched;
      const auto first = static_cast<std::size_t>(w);
      // switch_to(part, p) readies the stream (made for part `first`) for another part.
      auto count_ranges = [&](auto& stream, auto&& switch_to) {
        std::size_t current = first;
        for (std::ptrdiff_t r = ranges.First(first); r >= 0; r = ranges.Steal()) {
          const auto p = static_cast<std::size_t>(r);
          if (!parts[p]) parts[p] = std::make_unique<ChunkCounts>();
          if (p != current) switch_to(*parts[p], p);
          current = p;
          count_range(stream, tc, *parts[p], p, touched, &doc);
        }
      };
      if (fixed) {
        auto stream = MakeTermStream(
            analyzer_.get(), nmin, nmax, [this](std::string_view t, std::uint64_t h) { return terms_.Find(t, h); },
            memos_.get(), &terms_, vocabulary_state_);
        count_ranges(stream, [](ChunkCounts&, std::size_t) {});
      } else if (direct) {
        auto stream = MakeTermStream(
            analyzer_.get(), nmin, nmax, [this](std::string_view t, std::uint64_t h) { return terms_.Insert(t, h); },
            memos_.get(), &terms_, vocabulary_state_);
        if (exact != nullptr) stream.UseExactBigrams(exact, &terms_);
        count_range(stream, tc, *parts[0], 0, touched, &doc);  // (one range: nobody to take work from)
      } else {
        // Several threads (or a small batch): the model's vocabulary is read-only meanwhile; terms new to it
        // (all terms, with base 0) go to the part's own vocabulary, merged in document order below. The memo
        // keeps the model's ids only.
        Vocabulary* vocab = &parts[first]->vocab;
        // (The stream prefetches what `resolve` looks up first: the model's vocabulary, with model ids.)
        auto switch_to = [&](auto& stream) {
          return [&](ChunkCounts& part, std::size_t p) {
            vocab = &part.vocab;
            stream.SwitchPart(model_ids ? &terms_ : vocab, static_cast<std::uint32_t>(p));
          };
        };
        if (model_ids) {
          const auto local_from = static_cast<std::uint32_t>(base);
          auto stream = MakeTermStream(
              analyzer_.get(), nmin, nmax,
              [this, &vocab, local_from](std::string_view t, std::uint64_t h) {
                const std::uint32_t id = terms_.Find(t, h);
                return id != Vocabulary::kNotFound ? id : local_from + vocab->Insert(t, h);
              },
              memos_.get(), &terms_, vocabulary_state_, local_from, nullptr, nullptr, batch_token,
              static_cast<std::uint32_t>(first));
          count_ranges(stream, switch_to(stream));
        } else {
          auto stream = MakeTermStream(
              analyzer_.get(), nmin, nmax,
              [&vocab](std::string_view t, std::uint64_t h) { return vocab->Insert(t, h); }, memos_.get(), vocab);
          count_ranges(stream, switch_to(stream));
        }
      }
    } catch (...) {
      failure.Record(doc);
    }
  };
  RunWorkers(static_cast<int>(n_chunks), count_worker);
  if (failure.failed()) {
    if (direct && terms_.size() != terms_before) {  // leave the model as it was
      // (The map may lack a bigram just appended: off. Select indexes every term it keeps.)
      if (exact != nullptr) exact->Off();
      std::vector<std::uint32_t> kept(terms_before);
      std::iota(kept.begin(), kept.end(), 0u);
      terms_ = terms_.Select(kept);
      vocabulary_state_ = NewModelState();
    }
    failure.Rethrow();
  }

  const std::vector<std::size_t> order = ranges.InOrder();  // the parts in document order
  // The statistics of the model's terms, by their ids, from each thread (with `fixed` or `direct`, every term).
  const std::size_t model_terms = fixed || direct ? terms_.size() : base;
  df_.resize(terms_.size(), 0);
  if (track_tf) tf_.resize(terms_.size(), 0);
  for (ThreadCounts& tc : counts) {
    const std::size_t m = std::min(model_terms, tc.slots.size());
    for (std::size_t id = 0; id < m; ++id) {
      df_[id] += tc.slots[id].df;
      tc.slots[id].df = 0;
      if (track_tf) {
        tf_[id] += tc.tf[id];
        tc.tf[id] = 0;
      }
    }
  }
  if (direct) {  // (zeroed: kept for the next batch)
    if (!fit_scratch_) fit_scratch_ = std::make_unique<FitScratch>();
    fit_scratch_->slots.swap(counts[0].slots);
    fit_scratch_->tf.swap(counts[0].tf);
  }
  // The parts' new terms, merged in document order: they get ids in first-seen order, whatever the parts.
  std::vector<std::vector<std::uint32_t>> global_ids(ranges.size());
  std::size_t adopted = ranges.size();  // the part whose vocabulary became the model's
  for (const std::size_t c : order) {
    ChunkCounts& part = *parts[c];
    if (!fixed && !direct) {
      const std::size_t local_n = part.vocab.size();
      // The first part of a first batch: its ids are the model's, so its vocabulary becomes the model's (no
      // re-insertion, and its rows keep their ids).
      const bool adopt = terms_.size() == 0;
      std::vector<std::uint32_t>& ids = global_ids[c];
      if (adopt) {
        terms_ = std::move(part.vocab);
        part.vocab = Vocabulary();
        adopted = c;
      } else {
        terms_.InsertAll(part.vocab, &ids);
      }
      for (std::uint32_t lid = 0; lid < local_n; ++lid) {
        const std::uint32_t g = adopt ? lid : ids[lid];
        if (g >= df_.size()) {
          df_.push_back(0);
          if (track_tf) tf_.push_back(0);
        }
        df_[g] += part.df[lid];
        if (track_tf) tf_[g] += part.tf[lid];
      }
      part.scratch_bytes += part.vocab.MemoryBytes() + part.df.capacity() * sizeof(std::uint32_t) +
                            part.tf.capacity() * sizeof(std::uint64_t);
      part.vocab.Clear();
    }
    n_docs_ += ranges.end(c) - ranges.begin(c);
    total_length_ += part.total_length;
  }
  memos_->ForEachPending(batch_token, [&](AnalysisMemo& m) {
    const std::vector<std::uint32_t>& ids = global_ids[m.pending_part];
    const bool own = m.pending_part == adopted;  // its local ids are the model's
    for (std::size_t k = 0; k < m.resolved.size(); ++k) {
      if (!m.resolved[k] || m.target[k] < m.pending_from) continue;
      const std::uint32_t lid = m.target[k] - m.pending_from;
      if (own) {
        m.target[k] = lid;
      } else if (lid < ids.size()) {
        m.target[k] = ids[lid];
      } else {
        m.resolved[k] = 0;
      }
    }
    m.pending_batch = 0;
    m.resolved_for = vocabulary_state_;
  });
  if (keep) {
    // The rows' part-local ids to the model's: the parts that did not become the model's vocabulary, each cut
    // into one piece per thread (with two threads only the second part has any: one thread alone took 3 ms).
    struct Piece {
      std::size_t part, begin, end;
    };
    std::vector<Piece> pieces;
    for (const std::size_t c : order) {
      if (global_ids[c].empty()) continue;
      const std::size_t n_keys = parts[c]->rows.keys.size();
      const auto cuts = static_cast<std::size_t>(threads);
      for (std::size_t t = 0; t < cuts; ++t) pieces.push_back({c, n_keys * t / cuts, n_keys * (t + 1) / cuts});
    }
    ParallelFor(pieces.size(), threads, 1, [&](std::size_t begin, std::size_t end) {
      for (std::size_t q = begin; q < end; ++q) {
        const Piece& piece = pieces[q];
        const std::uint32_t* local = global_ids[piece.part].data();  // by local id = key - base
        std::uint32_t* keys = parts[piece.part]->rows.keys.data();
        for (std::size_t k = piece.begin; k < piece.end; ++k) {
          if (keys[k] >= base) keys[k] = local[keys[k] - base];
        }
      }
    });
    for (const std::size_t c : order) {
      fit_rows_.n_rows += parts[c]->rows.row_ends.size();
      fit_rows_.segments.push_back(std::move(parts[c]->rows));
    }
  }
  // Give the freed working memory back to the system when there is much of it (n-gram vocabularies): it
  // keeps the peak low; for a little, trimming would only cost page faults in the next batch.
  std::size_t freed = 0;
  for (const auto& part : parts) {
    if (part) freed += part->scratch_bytes;
  }
  for (const ThreadCounts& tc : counts) {
    freed += tc.slots.capacity() * sizeof(CountSlot) + tc.tf.capacity() * sizeof(std::uint64_t);
  }
  for (const auto& ids : global_ids) freed += ids.capacity() * sizeof(std::uint32_t);
  parts.clear();
  counts.clear();
  global_ids.clear();
  if (freed >= kTrimBytes) internal::ReleaseFreeMemory();
}

void Vectorizer::EndFit(const TopSelector& select, int n_threads, bool partial) {
  if (!in_fit_) throw InvalidArgument("EndFit without BeginFit");
  // (A partial fit of a model with features has its features of before in the checkpoint.)
  const bool allow_no_features = partial && (!checkpoint_ || checkpoint_->feature_term.empty());
  in_fit_ = false;
  // The features are those of the vocabulary before this fit's batches until ComputeFeatures is done: nothing
  // may use them if anything below fails.
  fitted_ = false;
  if (fit_scratch_) fit_scratch_->bigrams.Flush(&terms_);  // (the vocabulary's table complete: Find sees all)
  fit_scratch_.reset();
  terms_.ShrinkToFit();
  df_.shrink_to_fit();
  tf_.shrink_to_fit();
  auto drop_memos = [this] {
    if (keep_rows_) {  // fit_transform: the matrix comes next, and with it the peak memory
      memos_->Clear();
      internal::ReleaseFreeMemory();
    } else {
      memos_->Trim();
    }
  };
  // Freeing tens of MB of memos takes milliseconds: on another thread while the features are computed, but
  // first when the vocabulary is large (sorting it takes memory that the memos would otherwise add to).
  const bool together = terms_.size() < (std::size_t{1} << 20);
  try {
    if (!together) drop_memos();
    ParallelFor(together ? 2 : 1, n_threads, 1, [&](std::size_t begin, std::size_t end) {
      for (std::size_t task = begin; task < end; ++task) {
        if (task == 0) {
          ComputeFeatures(select, allow_no_features);
        } else {
          drop_memos();
        }
      }
    });
  } catch (...) {
    // The features may be half made, or older than the vocabulary: nothing may use them.
    fitted_ = false;
    throw;
  }
  fitted_ = true;
  checkpoint_.reset();
}

void Vectorizer::AbortFit() {
  if (!in_fit_ && !checkpoint_) return;
  in_fit_ = false;
  fit_scratch_.reset();
  fit_rows_ = Rows();
  std::unique_ptr<Checkpoint> c = std::move(checkpoint_);
  if (!c) {
    fitted_ = false;
    // (An unfitted model's vocabulary holds nothing of use, but nothing in it may be out of Find's reach: the
    // bigrams of an exact map that was not flushed.)
    if (terms_.has_unindexed()) {
      terms_.Clear();
      vocabulary_state_ = NewModelState();
    }
    return;
  }
  terms_.Truncate(c->n_terms);
  df_ = std::move(c->df);
  tf_ = std::move(c->tf);
  n_docs_ = c->n_docs;
  total_length_ = c->total_length;
  feature_term_ = std::move(c->feature_term);
  column_of_term_ = std::move(c->column_of_term);
  features_state_ = NewModelState();
  idf_ = std::move(c->idf);
  idf_given_ = c->idf_given;
  // The memos may hold ids of the terms just forgotten: they must resolve again.
  vocabulary_state_ = NewModelState();
  fitted_ = true;
}

void Vectorizer::ComputeFeatures(const TopSelector& select, bool allow_no_features) {
  const double n = static_cast<double>(n_docs_);
  if (!fixed_) {
    if (terms_.empty() && !allow_no_features) {
      throw InvalidArgument("empty vocabulary; perhaps the documents only contain stop words");
    }
    const auto [low, high] = DfBounds(n);
    // (With allow_no_features, bounds that more documents can open keep no term for now.)
    if (high < low && (!allow_no_features || !DfBoundsCanOpen())) {
      throw InvalidArgument("max_df corresponds to < documents than min_df");
    }
    auto in_bounds = [&, low = low, high = high](std::uint32_t id) {
      const double df = df_[id];
      return df <= high && df >= low;
    };
    std::vector<std::uint32_t> kept;
    if (checkpoint_ && options_.max_features == 0) {
      // A partial fit: the features before it are in text order already. Those still within the bounds,
      // merged with the other terms now within them (new terms, and pruned ones whose frequency changed),
      // sorted alone: the same order as sorting all, without an O(terms log terms) sort per partial fit.
      const Checkpoint& before = *checkpoint_;
      std::vector<std::uint32_t> still, added;
      still.reserve(before.feature_term.size());
      for (const std::uint32_t id : before.feature_term) {
        if (in_bounds(id)) still.push_back(id);
      }
      for (std::uint32_t id = 0; id < terms_.size(); ++id) {
        const bool was_feature =
            id < before.column_of_term.size() && before.column_of_term[id] != Vocabulary::kNotFound;
        if (!was_feature && in_bounds(id)) added.push_back(id);
      }
      terms_.SortByTerm(&added);
      // Each added term's place among the others by binary search (few terms join a large vocabulary: a
      // merge would compare texts all along it, each a cache miss), then the runs copied between them.
      const auto by_text = [this](std::uint32_t a, std::uint32_t b) { return terms_.Term(a) < terms_.Term(b); };
      kept.reserve(still.size() + added.size());
      auto from = still.begin();
      for (const std::uint32_t id : added) {
        const auto at = std::lower_bound(from, still.end(), id, by_text);
        kept.insert(kept.end(), from, at);
        kept.push_back(id);
        from = at;
      }
      kept.insert(kept.end(), from, still.end());
    } else {
      kept.reserve(terms_.size());
      for (std::uint32_t id = 0; id < terms_.size(); ++id) {
        if (in_bounds(id)) kept.push_back(id);
      }
      terms_.SortByTerm(&kept);
    }
    if (options_.max_features > 0 && kept.size() > options_.max_features) {
      const std::size_t limit = static_cast<std::size_t>(options_.max_features);
      std::vector<std::uint64_t> tfs(kept.size());
      for (std::size_t k = 0; k < kept.size(); ++k) tfs[k] = options_.binary ? df_[kept[k]] : tf_[kept[k]];
      std::vector<std::size_t> chosen;
      if (select) {
        chosen = select(tfs, limit);
        if (chosen.size() != limit) throw InvalidArgument("feature selector returned the wrong number of features");
      } else {
        chosen.resize(kept.size());
        std::iota(chosen.begin(), chosen.end(), std::size_t{0});
        std::stable_sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) { return tfs[a] > tfs[b]; });
        chosen.resize(limit);
      }
      std::vector<char> mask(kept.size(), 0);
      for (const std::size_t p : chosen) {
        if (p >= kept.size() || mask[p]) throw InvalidArgument("feature selector returned an invalid position");
        mask[p] = 1;
      }
      std::size_t w = 0;
      for (std::size_t k = 0; k < kept.size(); ++k) {
        if (mask[k]) kept[w++] = kept[k];
      }
      kept.resize(w);
    }
    if (kept.empty() && !allow_no_features) {
      throw InvalidArgument("After pruning, no terms remain. Try a lower min_df or a higher max_df.");
    }
    kept.shrink_to_fit();
    feature_term_ = std::move(kept);
    column_of_term_.assign(terms_.size(), Vocabulary::kNotFound);
    features_state_ = NewModelState();
    const std::size_t n_features = feature_term_.size();
    for (std::uint32_t col = 0; col < n_features; ++col) {
      if (col + kSlotsAhead < n_features) {
        internal::PrefetchLine(column_of_term_.data() + feature_term_[col + kSlotsAhead]);
      }
      column_of_term_[feature_term_[col]] = col;
    }
  }
  idf_.clear();
  idf_given_ = false;
  if (options_.use_idf && options_.weighting != Weighting::kCount) {
    idf_.resize(feature_term_.size());
    for (std::size_t col = 0; col < feature_term_.size(); ++col) {
      if (col + kSlotsAhead < feature_term_.size()) {
        internal::PrefetchLine(df_.data() + feature_term_[col + kSlotsAhead]);
      }
      idf_[col] = Idf(n, df_[feature_term_[col]]);
    }
  }
}

std::pair<double, double> Vectorizer::DfBounds(double n_docs) const noexcept {
  return {options_.min_df_is_fraction ? options_.min_df * n_docs : options_.min_df,
          options_.max_df_is_fraction ? options_.max_df * n_docs : options_.max_df};
}

bool Vectorizer::DfBoundsCanOpen() const noexcept {
  // max_df below min_df for now: only a fraction max_df over a count min_df rises above it with more
  // documents (two counts stay, two fractions scale together, a fraction min_df over a count max_df rises).
  return options_.max_df_is_fraction && !options_.min_df_is_fraction;
}

double Vectorizer::Idf(double n_docs, double df) const noexcept {
  if (options_.weighting == Weighting::kTfidf) {
    const double s = options_.smooth_idf ? 1.0 : 0.0;
    return std::log((n_docs + s) / (df + s)) + 1.0;
  }
  return std::log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
}

void Vectorizer::CheckLoadedState() const {
  // Checked against what a fit makes, so that a file that passes its checksum but holds values no fit gives (a
  // damaged writer, or a hand-made file) is refused instead of giving NaN, negative or misordered output.
  if (n_docs_ > std::numeric_limits<std::uint32_t>::max()) throw FormatError("corrupt data: document count too large");
  std::uint32_t max_df = 0;
  for (const std::uint32_t d : df_) max_df = std::max(max_df, d);
  if (total_length_ < max_df) throw FormatError("corrupt data: the total length is below a document frequency");
  if (!fitted_) return;
  const double n = static_cast<double>(n_docs_);
  if (!fixed_) {
    // The features: the vocabulary's terms within the document-frequency bounds, in order of their text, all
    // of them or max_features of them.
    const auto [low, high] = DfBounds(n);
    // (A partial fit leaves bounds that keep no term yet, and no features: EndFit's `partial`.)
    if (high < low && (!feature_term_.empty() || !DfBoundsCanOpen())) {
      throw FormatError("corrupt data: max_df is below min_df");
    }
    std::size_t in_bounds = 0;
    for (const std::uint32_t d : df_) in_bounds += d >= low && d <= high;
    const std::size_t n_features = feature_term_.size();
    const bool capped = options_.max_features > 0 && in_bounds > options_.max_features;
    if (n_features != (capped ? static_cast<std::size_t>(options_.max_features) : in_bounds)) {
      throw FormatError("corrupt data: the features are not the terms the document-frequency bounds keep");
    }
    for (std::size_t col = 0; col < n_features; ++col) {
      const double d = df_[feature_term_[col]];
      if (d < low || d > high) throw FormatError("corrupt data: a feature is outside the document-frequency bounds");
      if (col > 0 && !(terms_.Term(feature_term_[col - 1]) < terms_.Term(feature_term_[col]))) {
        throw FormatError("corrupt data: the features are not in order of their text");
      }
    }
  }
  for (std::size_t col = 0; col < idf_.size(); ++col) {
    if (idf_given_) {
      if (!std::isfinite(idf_[col])) throw FormatError("corrupt data: a given idf weight is not finite");
      continue;
    }
    const double expected = Idf(n, df_[feature_term_[col]]), got = idf_[col];
    // The fit's computation, up to the last bits another platform's log may round differently; equal if
    // infinite (smooth_idf=False and a given term in no document). NaN is never equal.
    if (!(got == expected || std::fabs(got - expected) <= 1e-12 * std::fabs(expected))) {
      throw FormatError("corrupt data: an idf weight does not match its statistics");
    }
  }
}

void Vectorizer::Fit(const DocumentBatch& docs, int n_threads) {
  BeginFit(true, false);
  AddBatch(docs, n_threads);
  EndFit();
}

SparseMatrix Vectorizer::FitTransform(const DocumentBatch& docs, int n_threads) {
  BeginFit(true, true);
  AddBatch(docs, n_threads);
  EndFit();
  return TakeFitMatrix(n_threads);
}

void Vectorizer::PartialFit(const DocumentBatch& docs, int n_threads) {
  BeginFit(false, false);
  AddBatch(docs, n_threads);
  EndFit(nullptr, 1, /*partial=*/true);
}

SparseMatrix Vectorizer::TakeFitMatrix(int n_threads) {
  CheckFitted();
  if (!keep_rows_) throw InvalidArgument("TakeFitMatrix needs BeginFit(..., keep_rows=true)");
  keep_rows_ = false;
  Rows rows = std::move(fit_rows_);
  fit_rows_ = Rows();
  // Term ids to columns: drop pruned terms, sort each row by column.
  const int bits = internal::ColumnBits(feature_term_.size());
  ParallelFor(rows.segments.size(), n_threads, 1, [&](std::size_t begin, std::size_t end) {
    std::vector<std::uint64_t> row, scratch;
    for (std::size_t s = begin; s < end; ++s) {
      RowSegment& seg = rows.segments[s];
      const std::size_t n_keys = seg.keys.size();
      std::uint64_t start = 0, w = 0;
      std::size_t large_in = 0, large_out = 0;
      for (std::uint64_t& row_end : seg.row_ends) {
        // Every entry is written, and the kept ones advance: whether a term was pruned (min_df) is no branch.
        row.resize(row_end - start);
        std::size_t kept = 0;
        for (std::uint64_t k = start; k < row_end; ++k) {
          // The columns of rare terms are far apart (millions of n-grams): load them a few entries ahead.
          if (k + kSlotsAhead < n_keys) internal::PrefetchLine(column_of_term_.data() + seg.keys[k + kSlotsAhead]);
          const std::uint32_t c = seg.counts[k] == 255 ? seg.large[large_in++] : seg.counts[k];
          const std::uint32_t col = column_of_term_[seg.keys[k]];
          row[kept] = (static_cast<std::uint64_t>(col) << 32) | c;
          kept += col != Vocabulary::kNotFound;
        }
        row.resize(kept);
        internal::SortRow(row.data(), row.data() + row.size(), bits, scratch);
        for (const std::uint64_t e : row) {
          const auto c = static_cast<std::uint32_t>(e);
          seg.keys[w] = static_cast<std::uint32_t>(e >> 32);
          if (c < 255) {
            seg.counts[w] = static_cast<std::uint8_t>(c);
          } else {
            seg.counts[w] = 255;
            seg.large[large_out++] = c;
          }
          ++w;
        }
        start = row_end;
        row_end = w;
      }
      seg.keys.resize(w);
      seg.keys.shrink_to_fit();
      seg.counts.resize(w);
      seg.counts.shrink_to_fit();
      seg.large.resize(large_out);
    }
  });
  if (rows.n_rows >= 1024) internal::ReleaseFreeMemory();
  return Finish(std::move(rows), n_threads);
}

void Vectorizer::TransformBatch(const DocumentBatch& docs, int n_threads, Rows* rows) const {
  CheckFitted();
  // Mid-fit (a partial fit), the vocabulary has terms that the features do not cover yet.
  if (in_fit_) throw InvalidArgument("cannot transform in the middle of a batch fit: call EndFit first");
  const std::size_t n = docs.size();
  if (n == 0) return;
  const int threads = ResolveThreads(n_threads);
  // One range of documents per thread, each with one stream (one memo) for all the ranges it counts: a thread
  // done with its own takes the back half of the range with the most left (RangeSplitter), so that the
  // threads end together. Each range gives a segment of rows, in document order.
  const std::vector<std::size_t> bounds = SplitEvenly(docs, static_cast<std::size_t>(threads));
  const std::size_t n_workers = bounds.size() - 1;
  const std::size_t max_ranges = n_workers == 1 ? 1 : n_workers * 16;
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw InvalidArgument("more than 4294967295 documents in one batch");
  }
  RangeSplitter ranges(bounds, max_ranges, n / (n_workers * 64));
  std::vector<RowSegment> parts(max_ranges);
  // Several threads share the warmest memo read-only, each with its own memo for the chunks it lacks: every
  // thread starts warm, and the memory of one warm memo serves them all. Afterwards, what the threads' own
  // memos learned is merged into it (few chunks of a transform's batch are new), so that the next call again
  // finds one memo that knows them all. (After a failure too: the base is unchanged, and the own memos of
  // the streams that ended normally are whole.)
  std::unique_ptr<AnalysisMemo> base = n_workers > 1 ? memos_->TakeBase(n_workers) : nullptr;
  BaseLearning learned;
  const int nmin = options_.token_ngram_min, nmax = options_.token_ngram_max;
  FirstFailure failure;
  auto transform_worker = [&](int w) {
    std::size_t doc = 0;  // (the document being transformed; 0 outside one, so that a failure there comes first)
    try {
      // The stream gives term ids (kept by the memo from fit to transform), mapped to columns here.
      auto stream = MakeTermStream(
          analyzer_.get(), nmin, nmax, [this](std::string_view term, std::uint64_t h) { return terms_.Find(term, h); },
          memos_.get(), &terms_, vocabulary_state_, Vocabulary::kNotFound, base.get(), base ? &learned : nullptr);
      std::vector<std::uint32_t>& counts = stream.ColumnCounts(feature_term_.size());
      internal::ColumnSet& columns = stream.Columns();
      const std::uint32_t* column_of = column_of_term_.data();
      // Word unigrams: the stream gives the columns (TermStream::Columns); otherwise term ids, mapped here.
      const bool by_columns = stream.ColumnsServe(docs) && feature_term_.size() < AnalysisMemo::kUnsetColumn;
      if (by_columns) stream.UseColumns(features_state_);
      // The distinct columns in increasing order (ColumnSet), each with its count.
      std::size_t distinct = 0;
      auto add = [&](std::uint32_t col) {
        distinct += counts[col]++ == 0;
        columns.Add(col);
      };
      for (std::ptrdiff_t r = ranges.First(static_cast<std::size_t>(w)); r >= 0; r = ranges.Steal()) {
        const auto p = static_cast<std::size_t>(r);
        RowSegment& seg = parts[p];
        seg.row_ends.reserve(ranges.end(p) - ranges.begin(p));
        seg.lengths.reserve(ranges.end(p) - ranges.begin(p));
        for (std::size_t i; ranges.Next(p, &i);) {
          doc = i;
          distinct = 0;
          std::size_t length = 0;
          if (by_columns) {
            length = stream.Columns(docs, i, column_of, add);
          } else {
            const std::vector<std::uint32_t>& ids = stream.Document(docs, i);
            length = ids.size();
            for (const std::uint32_t id : ids) {
              if (id == Vocabulary::kNotFound) continue;
              const std::uint32_t col = column_of[id];
              if (col != Vocabulary::kNotFound) add(col);
            }
          }
          std::size_t at = seg.Extend(distinct);
          columns.Drain([&](std::uint32_t col) {
            seg.Set(at++, col, counts[col]);
            counts[col] = 0;
          });
          seg.row_ends.push_back(seg.keys.size());
          seg.lengths.push_back(static_cast<std::uint32_t>(length));
          doc = 0;
        }
      }
    } catch (...) {
      failure.Record(doc);
    }
  };
  RunWorkers(static_cast<int>(n_workers), transform_worker);
  if (base) learned.Finish(std::move(base), vocabulary_state_, memos_.get());
  if (failure.failed()) failure.Rethrow();
  for (const std::size_t c : ranges.InOrder()) {
    rows->n_rows += parts[c].row_ends.size();
    rows->segments.push_back(std::move(parts[c]));
  }
}

SparseMatrix Vectorizer::Transform(const DocumentBatch& docs, int n_threads) const {
  Rows rows;
  TransformBatch(docs, n_threads, &rows);
  return Finish(std::move(rows), n_threads);
}

double Vectorizer::average_length() const noexcept {
  return n_docs_ == 0 ? 0.0 : static_cast<double>(total_length_) / static_cast<double>(n_docs_);
}

SparseMatrix Vectorizer::Finish(Rows&& rows_in, int n_threads) const {
  CheckFitted();
  Rows rows = std::move(rows_in);
  const std::size_t n_seg = rows.segments.size();
  std::vector<std::size_t> first_row;
  const std::vector<std::uint64_t> row_start = internal::RowStarts(rows.segments, rows.n_rows, &first_row);
  SparseMatrix m;
  internal::AllocateCsr(&m, static_cast<std::int64_t>(row_start.size() - 1), static_cast<std::int64_t>(feature_term_.size()),
                        options_.dtype, row_start);
  const VectorizerOptions& o = options_;
  const double avgdl = average_length() > 0 ? average_length() : 1.0;
  const Weighting weighting = o.weighting;
  const bool binary = o.binary, sublinear = o.sublinear_tf;
  const double k1_plus_1 = o.k1 + 1.0;
  const double* const idf = idf_.empty() ? nullptr : idf_.data();
  ParallelFor(n_seg, n_threads, 1, [&](std::size_t begin, std::size_t end) {
    std::vector<double> values;
    for (std::size_t s = begin; s < end; ++s) {
      RowSegment& seg = rows.segments[s];
      // Rows last first, the entries written given back every kTrimBytes / 4 (the arrays shrink in place), so
      // that the matrix never sits beside a whole segment of entries: the peak of a fit_transform is the end.
      std::size_t large = seg.large.size();
      std::uint64_t given_back_at = seg.keys.size();
      for (std::size_t r = seg.row_ends.size(); r-- > 0;) {
        const std::uint64_t start = r == 0 ? 0 : seg.row_ends[r - 1];
        const std::size_t len = seg.row_ends[r] - start;
        const std::uint32_t* cols = seg.keys.data() + start;
        const std::uint8_t* counts = seg.counts.data() + start;
        if (r > 0) {
          // The entries were written long before (out of the cache), and rows are read last first, which the
          // hardware's prefetch does not follow: the next row's are loaded while this one is weighted (a
          // transform's Finish of 5548 egy2013 articles, best of 25: 8.75 -> 7.0-7.5 ms; char_wb (2, 4): 87 -> 77-80).
          const std::uint64_t prev = r == 1 ? 0 : seg.row_ends[r - 2];
          internal::PrefetchBytes(seg.keys.data() + prev, (start - prev) * sizeof(std::uint32_t), 4096);
          internal::PrefetchBytes(seg.counts.data() + prev, start - prev, 1024);
        }
        // One simple loop per step, with the options read once (the values stay in the cache): the counts
        // (those of 255 and more from `large`), binary, then the weights.
        values.resize(len);
        double* v = values.data();
        std::size_t n_large = 0;
        for (std::size_t k = 0; k < len; ++k) {
          v[k] = counts[k];
          n_large += counts[k] == 255;
        }
        if (n_large > 0) {
          large -= n_large;
          for (std::size_t k = 0, l = large; k < len; ++k) {
            if (counts[k] == 255) v[k] = seg.large[l++];
          }
        }
        if (binary) std::fill(v, v + len, 1.0);
        if (weighting == Weighting::kBm25) {
          const double denom_add = o.k1 * (1.0 - o.b + o.b * seg.lengths[r] / avgdl);
          for (std::size_t k = 0; k < len; ++k) {
            const double w = v[k] * k1_plus_1 / (v[k] + denom_add);
            v[k] = idf == nullptr ? w : w * idf[cols[k]];
          }
        } else if (weighting == Weighting::kTfidf) {
          if (sublinear) {
            for (std::size_t k = 0; k < len; ++k) v[k] = std::log(v[k]) + 1.0;
          }
          if (idf != nullptr) {
            for (std::size_t k = 0; k < len; ++k) {
              if (k + kSlotsAhead < len) internal::PrefetchLine(idf + cols[k + kSlotsAhead]);
              v[k] *= idf[cols[k]];
            }
          }
        }
        if (weighting != Weighting::kCount) internal::NormalizeRow(o.norm, v, len);
        internal::WriteEntries(&m, row_start[first_row[s] + r], cols, values.data(), len);
        if ((given_back_at - start) * (sizeof(std::uint32_t) + 1) >= kTrimBytes / 4) {
          seg.keys.resize(start);
          seg.keys.shrink_to_fit();
          seg.counts.resize(start);
          seg.counts.shrink_to_fit();
          given_back_at = start;
        }
      }
      const std::size_t freed = seg.keys.capacity() * sizeof(std::uint32_t) + seg.counts.capacity();
      seg = RowSegment();
      if (freed >= kTrimBytes) internal::ReleaseFreeMemory();
    }
  });
  memos_->Trim();
  return m;
}

void Vectorizer::SetIdf(std::vector<double> idf) {
  CheckFitted();
  if (in_fit_) throw InvalidArgument("cannot set the idf weights in the middle of a batch fit");
  if (!options_.use_idf || options_.weighting == Weighting::kCount) {
    throw InvalidArgument("this model uses no idf weights (use_idf=False, or counts)");
  }
  if (idf.size() != feature_term_.size()) {
    throw InvalidArgument("idf has " + std::to_string(idf.size()) + " values for " +
                          std::to_string(feature_term_.size()) + " features");
  }
  for (std::size_t col = 0; col < idf.size(); ++col) {
    if (!std::isfinite(idf[col])) throw InvalidArgument("idf[" + std::to_string(col) + "] is not finite");
  }
  idf_ = std::move(idf);
  idf_given_ = true;
}

std::string_view Vectorizer::FeatureName(std::size_t column) const noexcept { return terms_.Term(feature_term_[column]); }

std::int64_t Vectorizer::FeatureIndex(std::string_view term) const noexcept {
  const std::uint32_t id = terms_.Find(term);
  if (id == Vocabulary::kNotFound || id >= column_of_term_.size()) return -1;
  const std::uint32_t col = column_of_term_[id];
  return col == Vocabulary::kNotFound ? -1 : static_cast<std::int64_t>(col);
}

std::vector<std::uint64_t> Vectorizer::FeatureDocumentFrequencies() const {
  std::vector<std::uint64_t> out(feature_term_.size());
  for (std::size_t c = 0; c < out.size(); ++c) out[c] = df_[feature_term_[c]];
  return out;
}

std::vector<std::uint64_t> Vectorizer::FeatureTotalCounts() const {
  if (tf_.empty()) return {};
  std::vector<std::uint64_t> out(feature_term_.size());
  for (std::size_t c = 0; c < out.size(); ++c) out[c] = tf_[feature_term_[c]];
  return out;
}

std::size_t Vectorizer::CacheBytes() const { return memos_->MemoryBytes(); }

std::vector<std::size_t> Vectorizer::CachedChunkCounts() const {
  std::lock_guard<ForkSafeMutex> lock(memos_->mu);
  std::vector<std::size_t> out;
  for (const auto& m : memos_->free) out.push_back(m->chunks.size());
  return out;
}

void Vectorizer::ClearCache() {
  memos_->Clear();
  internal::ReleaseFreeMemory();
}

std::size_t Vectorizer::MemoryBytes() const noexcept {
  return terms_.MemoryBytes() + df_.capacity() * sizeof(std::uint32_t) + tf_.capacity() * sizeof(std::uint64_t) +
         feature_term_.capacity() * sizeof(std::uint32_t) + column_of_term_.capacity() * sizeof(std::uint32_t) +
         idf_.capacity() * sizeof(double);
}

// ---------------------------------------------------------------------------------------------------------
// Persistence

namespace {

// Version 2 added whether the idf weights were given (SetIdf), written only when they were (version 1 without);
// version 3 writes that flag always, and the analyser's options after the metadata (internal::PutAnalyzer).
constexpr std::uint32_t kPayloadVersion = 3;
constexpr char kKind[] = "vectorizer";

template <typename E>
E GetEnum(Reader& r, const char* what, int max) {
  const auto v = r.Get<std::uint8_t>(what);
  if (v > max) throw FormatError(std::string("corrupt data: ") + what + " " + std::to_string(v) + " is not valid");
  return static_cast<E>(v);
}

bool GetBool(Reader& r, const char* what) { return GetEnum<std::uint8_t>(r, what, 1) != 0; }

}  // namespace

std::string Vectorizer::Serialize(std::string_view metadata) const {
  if (in_fit_) throw InvalidArgument("cannot save a vectoriser in the middle of a batch fit");
  Writer w;
  w.Put<std::uint32_t>(kPayloadVersion);
  const VectorizerOptions& o = options_;
  w.Put<std::uint8_t>(static_cast<std::uint8_t>(o.weighting));
  w.Put<std::uint8_t>(static_cast<std::uint8_t>(o.dtype));
  w.Put<std::uint8_t>(o.binary);
  w.Put<std::uint8_t>(static_cast<std::uint8_t>(o.norm));
  w.Put<std::uint8_t>(o.use_idf);
  w.Put<std::uint8_t>(o.smooth_idf);
  w.Put<std::uint8_t>(o.sublinear_tf);
  w.Put<double>(o.k1);
  w.Put<double>(o.b);
  w.Put<double>(o.min_df);
  w.Put<std::uint8_t>(o.min_df_is_fraction);
  w.Put<double>(o.max_df);
  w.Put<std::uint8_t>(o.max_df_is_fraction);
  w.Put<std::uint64_t>(o.max_features);
  w.Put<std::int32_t>(o.token_ngram_min);
  w.Put<std::int32_t>(o.token_ngram_max);
  w.Put<std::uint8_t>(fixed_);
  w.Put<std::uint8_t>(fitted_);
  terms_.Write(w);
  w.PutArray(df_);
  w.PutArray(tf_);
  w.Put<std::uint64_t>(n_docs_);
  w.Put<std::uint64_t>(total_length_);
  w.PutArray(feature_term_);
  w.PutArray(idf_);
  w.Put<std::uint8_t>(idf_given_);
  w.PutString(metadata);
  internal::PutAnalyzer(w, analyzer_.get());
  return Seal(kKind, w.bytes());
}

std::unique_ptr<Vectorizer> Vectorizer::Deserialize(std::string_view bytes, std::shared_ptr<const Analyzer> analyzer,
                                                    std::string* metadata) {
  Reader r(Unseal(bytes, kKind));
  const std::uint32_t version = ReadPayloadVersion(r, "vectorizer", kPayloadVersion, 1);
  VectorizerOptions o;
  o.weighting = GetEnum<Weighting>(r, "weighting", 2);
  o.dtype = GetEnum<DType>(r, "dtype", 3);
  o.binary = GetBool(r, "binary");
  o.norm = GetEnum<Norm>(r, "norm", 2);
  o.use_idf = GetBool(r, "use_idf");
  o.smooth_idf = GetBool(r, "smooth_idf");
  o.sublinear_tf = GetBool(r, "sublinear_tf");
  o.k1 = r.Get<double>("k1");
  o.b = r.Get<double>("b");
  o.min_df = r.Get<double>("min_df");
  o.min_df_is_fraction = GetBool(r, "min_df kind");
  o.max_df = r.Get<double>("max_df");
  o.max_df_is_fraction = GetBool(r, "max_df kind");
  o.max_features = r.Get<std::uint64_t>("max_features");
  o.token_ngram_min = r.Get<std::int32_t>("ngram min");
  o.token_ngram_max = r.Get<std::int32_t>("ngram max");
  try {
    ValidateOptions(o);
  } catch (const InvalidArgument& e) {
    throw FormatError(std::string("corrupt data: ") + e.what());
  }
  auto v = std::make_unique<Vectorizer>(o, std::move(analyzer));
  v->fixed_ = GetBool(r, "fixed vocabulary flag");
  v->fitted_ = GetBool(r, "fitted flag");
  v->terms_ = Vocabulary::Read(r);
  const std::size_t n_terms = v->terms_.size();
  v->df_ = r.GetArray<std::uint32_t>("document frequencies", n_terms);
  v->tf_ = r.GetArray<std::uint64_t>("term counts", n_terms);
  if (v->df_.size() != n_terms || v->tf_.size() != (o.max_features > 0 ? n_terms : 0)) {
    throw FormatError("corrupt data: statistics do not match the vocabulary");
  }
  v->n_docs_ = r.Get<std::uint64_t>("document count");
  v->total_length_ = r.Get<std::uint64_t>("total length");
  v->feature_term_ = r.GetArray<std::uint32_t>("features", n_terms);
  v->column_of_term_.assign(n_terms, Vocabulary::kNotFound);
  v->features_state_ = NewModelState();
  for (std::uint32_t col = 0; col < v->feature_term_.size(); ++col) {
    const std::uint32_t id = v->feature_term_[col];
    if (id >= n_terms || v->column_of_term_[id] != Vocabulary::kNotFound) {
      throw FormatError("corrupt data: feature " + std::to_string(col) + " names an invalid term");
    }
    v->column_of_term_[id] = col;
  }
  for (std::uint32_t d : v->df_) {
    if (d > v->n_docs_) throw FormatError("corrupt data: a document frequency exceeds the document count");
  }
  if (v->fixed_ && v->feature_term_.size() != n_terms) throw FormatError("corrupt data: fixed vocabulary mismatch");
  // (A fitted model without features comes from a partial fit whose bounds keep no term yet: CheckLoadedState
  // checks that they keep none. A fixed vocabulary always has features.)
  if (v->fitted_ && v->fixed_ && v->feature_term_.empty()) {
    throw FormatError("corrupt data: fitted model without features");
  }
  v->idf_ = r.GetArray<double>("idf", v->feature_term_.size());
  const bool want_idf = v->fitted_ && o.use_idf && o.weighting != Weighting::kCount;
  if (v->idf_.size() != (want_idf ? v->feature_term_.size() : 0)) throw FormatError("corrupt data: idf does not match the features");
  if (version >= 2) {  // (version 2 wrote the flag only when set)
    v->idf_given_ = GetBool(r, "idf given");
    if (version == 2 && !v->idf_given_) throw FormatError("corrupt data: a version 2 model without given idf weights");
    if (v->idf_given_ && !want_idf) throw FormatError("corrupt data: given idf weights in a model that has none");
  }
  const std::string_view meta = r.GetString("metadata");
  if (metadata) metadata->assign(meta.data(), meta.size());
  if (version >= 3) v->analyzer_ = internal::GetAnalyzer(r, std::move(v->analyzer_));
  r.ExpectEnd("vectorizer state");
  v->CheckLoadedState();
  v->vocabulary_state_ = NewModelState();
  return v;
}

}  // namespace akhbar
