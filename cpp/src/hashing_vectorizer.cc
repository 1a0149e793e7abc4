#include "akhbar/hashing_vectorizer.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "akhbar/analysis_memo.h"
#include "akhbar/error.h"
#include "akhbar/parallel.h"
#include "akhbar/serialize.h"
#include "saved_analyzer.h"
#include "sparse_util.h"
#include "term_cache.h"

namespace akhbar {

namespace {

inline std::uint32_t Rotl(std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

constexpr std::uint32_t kPayloadVersion = 2;  // 2: the analyser's options (internal::PutAnalyzer)
constexpr char kKind[] = "hashing_vectorizer";

void Validate(const HashingOptions& o) {
  if (o.n_features < 1 || o.n_features > std::numeric_limits<std::int32_t>::max()) {
    throw InvalidArgument("n_features must be in [1, 2147483647], got " + std::to_string(o.n_features));
  }
  if (o.token_ngram_min < 1 || o.token_ngram_max < o.token_ngram_min) {
    throw InvalidArgument("ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n");
  }
  if (o.dtype == DType::kInt32 || o.dtype == DType::kInt64) {
    throw InvalidArgument("HashingVectorizer needs a float dtype (float32 or float64)");
  }
}

}  // namespace

std::int32_t MurmurHash3Signed(std::string_view data, std::uint32_t seed) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t len = data.size();
  const std::size_t nblocks = len / 4;
  std::uint32_t h1 = seed;
  constexpr std::uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  for (std::size_t i = 0; i < nblocks; ++i) {
    std::uint32_t k1;
    std::memcpy(&k1, p + i * 4, 4);
    k1 *= c1;
    k1 = Rotl(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = Rotl(h1, 13);
    h1 = h1 * 5 + 0xe6546b64;
  }
  const unsigned char* tail = p + nblocks * 4;
  std::uint32_t k1 = 0;
  switch (len & 3) {
    case 3: k1 ^= static_cast<std::uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k1 ^= static_cast<std::uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      k1 *= c1;
      k1 = Rotl(k1, 15);
      k1 *= c2;
      h1 ^= k1;
  }
  h1 ^= static_cast<std::uint32_t>(len);
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  std::int32_t out;
  std::memcpy(&out, &h1, 4);
  return out;
}

// One thread's memo: the analysis of the chunks and terms it met, and each term's hashed cell.
struct HashingVectorizer::Memo {
  explicit Memo(std::shared_ptr<const Analyzer> a) : analyzer(std::move(a)), analysis(*analyzer) {}
  static constexpr std::uint32_t kUnhashed = 0xFFFFFFFFu;
  std::shared_ptr<const Analyzer> analyzer;  // (kept alive for `analysis`, which refers to it)
  AnalyzerMemo analysis;
  // Memo term id -> column << 1 | (value negative), or kUnhashed. Columns are below 2^31 - 1, so a cell is
  // never kUnhashed.
  std::vector<std::uint32_t> cells;
  // Memo term id -> its count in the current document; 0 between documents (kept: a call of one article
  // zeroed an array as long as the memo's terms).
  std::vector<std::uint32_t> counts;
  std::size_t MemoryBytes() const noexcept {
    return sizeof(Memo) + analysis.MemoryBytes() + (cells.capacity() + counts.capacity()) * sizeof(std::uint32_t);
  }
};

// Memos not in use (any memo serves any thread; their contents never change a result): one per core at
// most, kKeptBytes in all. All are of the analyser of the vectorisers sharing the pool (copies), as
// SetAnalyzer gives a vectoriser a pool of its own. Thread-safe.
class HashingVectorizer::MemoPool {
 public:
  static constexpr std::size_t kKeptBytes = std::size_t{128} << 20;
  std::unique_ptr<Memo> Take(const std::shared_ptr<const Analyzer>& analyzer) {
    std::unique_ptr<Memo> m;
    {
      std::lock_guard<ForkSafeMutex> lock(mu_);
      if (!free_.empty()) {
        m = std::move(free_.back());
        free_.pop_back();
      }
    }
    // (Another analyser's memo could only come from a SetAnalyzer racing a transform, which the vectoriser does
    // not allow; it is dropped all the same.)
    if (m && m->analyzer == analyzer) return m;
    return std::make_unique<Memo>(analyzer);
  }
  // Keeps `m` (its working memory trimmed), replacing the memo that knows the fewest terms when the pool is
  // full, within kKeptBytes; else drops it.
  void Give(std::unique_ptr<Memo> m) {
    m->analysis.TrimWorkingMemory();
    std::lock_guard<ForkSafeMutex> lock(mu_);
    try {
      if (free_.size() >= static_cast<std::size_t>(ResolveThreads(0))) {
        auto fewest = std::min_element(free_.begin(), free_.end(), [](const auto& a, const auto& b) {
          return a->analysis.term_count() < b->analysis.term_count();
        });
        if ((*fewest)->analysis.term_count() >= m->analysis.term_count()) return;
        free_.erase(fewest);
      }
      std::size_t kept = m->MemoryBytes();
      for (const auto& f : free_) kept += f->MemoryBytes();
      if (kept <= kKeptBytes) free_.push_back(std::move(m));
    } catch (...) {  // (out of memory: the memo is dropped, not the call's result)
    }
  }
  std::size_t MemoryBytes() {
    std::lock_guard<ForkSafeMutex> lock(mu_);
    std::size_t bytes = 0;
    for (const auto& f : free_) bytes += f->MemoryBytes();
    return bytes;
  }
  void Clear() {
    std::lock_guard<ForkSafeMutex> lock(mu_);
    free_.clear();
  }

 private:
  ForkSafeMutex mu_;
  std::vector<std::unique_ptr<Memo>> free_;
};

HashingVectorizer::HashingVectorizer(const HashingOptions& options, std::shared_ptr<const Analyzer> analyzer)
    : options_(options), analyzer_(std::move(analyzer)), memos_(std::make_shared<MemoPool>()) {
  Validate(options_);
}

void HashingVectorizer::SetAnalyzer(std::shared_ptr<const Analyzer> analyzer) {
  std::shared_ptr<MemoPool> memos = std::make_shared<MemoPool>();  // (first: it may throw)
  analyzer_ = std::move(analyzer);
  memos_ = std::move(memos);
}

std::size_t HashingVectorizer::CacheBytes() const { return memos_->MemoryBytes(); }
void HashingVectorizer::ClearCache() const { memos_->Clear(); }

namespace {

// The column of a term whose signed MurmurHash3 is h: |h| mod n_features, by scikit-learn's rule (h = -2^31
// included).
std::uint32_t HashedColumn(std::int32_t h, std::int64_t nf) noexcept {
  const std::int64_t col = h == std::numeric_limits<std::int32_t>::min()
                               ? (2147483647LL - (nf - 1)) % nf
                               : (h < 0 ? -static_cast<std::int64_t>(h) : h) % nf;
  return static_cast<std::uint32_t>(col);
}

// Adds `value` at column `col` of the row that starts at `start` in `part`, its columns given in order: an
// equal column adds up.
void AddToRow(HashingVectorizer::RowPart* part, std::size_t start, std::uint32_t col, double value) {
  if (part->cols.size() > start && part->cols.back() == col) {
    part->values.back() += value;
  } else {
    part->cols.push_back(col);
    part->values.push_back(value);
  }
}

// Ends the row that starts at `start` in `part`: binary, then the norm.
void EndRow(const HashingOptions& o, HashingVectorizer::RowPart* part, std::size_t start) {
  double* v = part->values.data() + start;
  const std::size_t len = part->values.size() - start;
  if (o.binary) std::fill(v, v + len, 1.0);
  internal::NormalizeRow(o.norm, v, len);
  part->row_ends.push_back(part->cols.size());
}

// The memo ids of the terms of document i of a text batch, with the errors that Analyzer::ForEachTerm on
// the document's text gives (a source names the document in its own; others are named here).
void DocumentIds(const DocumentBatch& docs, std::size_t i, AnalyzerMemo* memo, std::vector<std::uint32_t>* ids,
                 std::string& scratch) {
  const DocumentBatch::Ucs2 u = docs.TextUcs2(i);
  if (u.data != nullptr) {
    if (memo->Analyze(u.data, u.length, ids)) return;
    docs.Text(i, scratch);  // throws the source's error for the surrogate
    throw InvalidArgument("document " + std::to_string(i) + ": a lone surrogate");
  }
  if (docs.HasSource()) {
    memo->Analyze(docs.Text(i, scratch), ids);
    return;
  }
  ForText("document", i, [&] { memo->Analyze(docs.Text(i, scratch), ids); });
}

}  // namespace

void HashingVectorizer::TextRows(const DocumentBatch& docs, std::size_t begin, std::size_t end,
                                 RowPart* part) const {
  std::unique_ptr<Memo> memo = memos_->Take(analyzer_);
  const std::int64_t nf = options_.n_features;
  const int bits = internal::ColumnBits(static_cast<std::size_t>(nf));
  std::vector<std::uint32_t> ids;
  internal::TouchedList touched;
  std::vector<std::uint64_t> row, sort_scratch;
  std::string scratch;
  std::vector<std::uint32_t>& cells = memo->cells;
  std::vector<std::uint32_t>& counts = memo->counts;
  for (std::size_t i = begin; i < end; ++i) {
    DocumentIds(docs, i, &memo->analysis, &ids, scratch);
    const std::size_t n_terms = memo->analysis.term_count();
    if (counts.size() < n_terms) counts.resize(n_terms, 0);
    if (cells.size() < n_terms) cells.resize(n_terms, Memo::kUnhashed);
    touched.clear();
    for (const std::uint32_t id : ids) touched.Add(id, counts[id]++ == 0);
    // Each distinct term once, by column (its memo id beside it): terms hashed to one column are summed.
    row.clear();
    for (const std::uint32_t id : touched) {
      std::uint32_t& cell = cells[id];
      if (cell == Memo::kUnhashed) {
        const std::int32_t h = MurmurHash3Signed(memo->analysis.Term(id));
        cell = HashedColumn(h, nf) << 1 | static_cast<std::uint32_t>(options_.alternate_sign && h < 0);
      }
      row.push_back(static_cast<std::uint64_t>(cell >> 1) << 32 | id);
    }
    internal::SortRow(row.data(), row.data() + row.size(), bits, sort_scratch);
    const std::size_t start = part->cols.size();
    for (const std::uint64_t e : row) {
      const auto col = static_cast<std::uint32_t>(e >> 32);
      const auto id = static_cast<std::uint32_t>(e);
      AddToRow(part, start, col, (cells[id] & 1) ? -static_cast<double>(counts[id]) : static_cast<double>(counts[id]));
      counts[id] = 0;
    }
    EndRow(options_, part, start);
    if (memo->analysis.OverBudget()) {  // (its terms' cells and counts go with them: all counts are 0 here)
      memo->analysis.Clear();
      std::vector<std::uint32_t>().swap(cells);
      std::vector<std::uint32_t>().swap(counts);
    }
  }
  // (Not after an exception: the memo may then have been cleared under its cells, or left counts behind.)
  memos_->Give(std::move(memo));
}

SparseMatrix HashingVectorizer::Transform(const DocumentBatch& docs, int n_threads) const {
  Rows rows;
  TransformBatch(docs, n_threads, &rows);
  return Finish(std::move(rows), n_threads);
}

void HashingVectorizer::TransformBatch(const DocumentBatch& docs, int n_threads, Rows* rows) const {
  const std::size_t n = docs.size();
  const int threads = ResolveThreads(n_threads);
  const std::size_t chunk = threads <= 1 ? std::max<std::size_t>(n, 1) : std::max<std::size_t>((n + 2 * threads - 1) / (2 * threads), 1);
  const std::size_t n_chunks = n == 0 ? 0 : (n + chunk - 1) / chunk;
  std::vector<RowPart> parts(n_chunks);
  const std::int64_t nf = options_.n_features;
  const bool alternate = options_.alternate_sign;
  const bool memoised = docs.kind() == DocumentBatch::Kind::kTexts && analyzer_ != nullptr;
  ParallelFor(n, threads, chunk, [&](std::size_t begin, std::size_t end) {
    RowPart& part = parts[begin / chunk];
    if (memoised) return TextRows(docs, begin, end, &part);
    std::vector<std::pair<std::uint32_t, double>> row;
    std::string scratch;
    const std::function<void(std::string_view)> on_term = [&](std::string_view term) {
      const std::int32_t h = MurmurHash3Signed(term);
      row.emplace_back(HashedColumn(h, nf), (alternate && h < 0) ? -1.0 : 1.0);
    };
    for (std::size_t i = begin; i < end; ++i) {
      row.clear();
      docs.ForEachTerm(i, analyzer_.get(), options_.token_ngram_min, options_.token_ngram_max, scratch, on_term);
      std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      const std::size_t start = part.cols.size();
      for (const auto& [col, value] : row) AddToRow(&part, start, col, value);
      EndRow(options_, &part, start);
    }
  });
  for (auto& part : parts) {
    rows->n_rows += part.row_ends.size();
    rows->parts.push_back(std::move(part));
  }
}

SparseMatrix HashingVectorizer::Finish(Rows&& rows_in, int n_threads) const {
  Rows rows = std::move(rows_in);
  const std::size_t n_parts = rows.parts.size();
  std::vector<std::size_t> first_row;
  const std::vector<std::uint64_t> row_start = internal::RowStarts(rows.parts, rows.n_rows, &first_row);
  SparseMatrix m;
  internal::AllocateCsr(&m, static_cast<std::int64_t>(row_start.size() - 1), options_.n_features, options_.dtype, row_start);
  ParallelFor(n_parts, n_threads, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; ++c) {
      RowPart& part = rows.parts[c];
      internal::WriteEntries(&m, row_start[first_row[c]], part.cols.data(), part.values.data(), part.cols.size());
      part = RowPart();
    }
  });
  return m;
}

std::string HashingVectorizer::Serialize(std::string_view metadata) const {
  Writer w;
  w.Put<std::uint32_t>(kPayloadVersion);
  w.Put<std::int64_t>(options_.n_features);
  w.Put<std::uint8_t>(options_.alternate_sign);
  w.Put<std::uint8_t>(options_.binary);
  w.Put<std::uint8_t>(static_cast<std::uint8_t>(options_.norm));
  w.Put<std::uint8_t>(static_cast<std::uint8_t>(options_.dtype));
  w.Put<std::int32_t>(options_.token_ngram_min);
  w.Put<std::int32_t>(options_.token_ngram_max);
  w.PutString(metadata);
  internal::PutAnalyzer(w, analyzer_.get());
  return Seal(kKind, w.bytes());
}

std::unique_ptr<HashingVectorizer> HashingVectorizer::Deserialize(std::string_view bytes,
                                                                  std::shared_ptr<const Analyzer> analyzer,
                                                                  std::string* metadata) {
  Reader r(Unseal(bytes, kKind));
  const std::uint32_t version = ReadPayloadVersion(r, "hashing vectorizer", kPayloadVersion, 1);
  HashingOptions o;
  o.n_features = r.Get<std::int64_t>("n_features");
  const auto flag = [&](const char* what) {
    const auto v = r.Get<std::uint8_t>(what);
    if (v > 1) throw FormatError(std::string("corrupt data: ") + what);
    return v != 0;
  };
  o.alternate_sign = flag("alternate_sign");
  o.binary = flag("binary");
  const auto norm = r.Get<std::uint8_t>("norm");
  const auto dtype = r.Get<std::uint8_t>("dtype");
  if (norm > 2 || dtype > 3) throw FormatError("corrupt data: norm or dtype");
  o.norm = static_cast<Norm>(norm);
  o.dtype = static_cast<DType>(dtype);
  o.token_ngram_min = r.Get<std::int32_t>("ngram min");
  o.token_ngram_max = r.Get<std::int32_t>("ngram max");
  try {
    Validate(o);
  } catch (const InvalidArgument& e) {
    throw FormatError(std::string("corrupt data: ") + e.what());
  }
  const std::string_view meta = r.GetString("metadata");
  if (metadata) metadata->assign(meta.data(), meta.size());
  if (version >= 2) analyzer = internal::GetAnalyzer(r, std::move(analyzer));
  r.ExpectEnd("hashing vectorizer state");
  return std::make_unique<HashingVectorizer>(o, std::move(analyzer));
}

}  // namespace akhbar
