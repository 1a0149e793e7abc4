// Internal helpers shared by the vectorisers: CSR allocation, typed writes, row normalisation.
#ifndef AKHBAR_SRC_SPARSE_UTIL_H_
#define AKHBAR_SRC_SPARSE_UTIL_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <vector>

#include "akhbar/vectorizer.h"

namespace akhbar {
namespace internal {

// Gives freed heap pages back to the operating system (glibc's malloc_trim; a no-op elsewhere), so that row
// buffers freed while a matrix is filled do not stay resident alongside it.
void ReleaseFreeMemory();

// Sets shape and dtype, picks the index width from nnz and n_cols, allocates data/indices and copies indptr
// (row_start has n_rows + 1 entries).
void AllocateCsr(SparseMatrix* m, std::int64_t n_rows, std::int64_t n_cols, DType dtype,
                 const std::vector<std::uint64_t>& row_start);

// The CSR row starts of row segments (anything with `row_ends`, each segment's row ends counted from its own
// start), in order: n_rows + 1 entries from 0. (*first_row)[s] is the index of segment s's first row.
template <typename Segment>
std::vector<std::uint64_t> RowStarts(const std::vector<Segment>& segments, std::size_t n_rows,
                                     std::vector<std::size_t>* first_row) {
  std::vector<std::uint64_t> row_start;
  row_start.reserve(n_rows + 1);
  row_start.push_back(0);
  first_row->assign(segments.size() + 1, 0);
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const std::uint64_t base = row_start.back();
    for (const std::uint64_t e : segments[s].row_ends) row_start.push_back(base + e);
    (*first_row)[s + 1] = row_start.size() - 1;
  }
  return row_start;
}

// Writes n entries at stored position `at`. Safe to call concurrently for disjoint ranges.
void WriteEntries(SparseMatrix* m, std::uint64_t at, const std::uint32_t* cols, const double* values, std::size_t n);

// Sorts packed (column << 32 | count) entries of one row by column: std::sort for short rows, LSD radix on
// the column's `column_bits` bits (digits of at most 9 bits) for longer ones. `scratch` is reused between calls.
void SortRow(std::uint64_t* begin, std::uint64_t* end, int column_bits, std::vector<std::uint64_t>& scratch);

// A set of columns, visited in increasing order without a sort: a bitmap over the columns with two summary
// levels above it (bit b of word w of a level: word 64 * w + b of the level below is not zero). Add is three
// bit-ors, with no branch; Drain visits the columns in order, costs the columns plus the words of the levels that
// hold them (and one top word per 2^18 columns), and leaves the set empty. Sorting a row of a hundred columns
// took about 9,000 instructions (radix) where this takes about 2,000.
class ColumnSet {
 public:
  // Room for columns < n_cols. Keeps what the set holds.
  void Reserve(std::size_t n_cols) {
    const std::size_t w0 = (n_cols + 63) >> 6, w1 = (w0 + 63) >> 6, w2 = (w1 + 63) >> 6;
    if (level_[0].size() >= w0) return;
    level_[0].resize(w0, 0);
    level_[1].resize(w1, 0);
    level_[2].resize(w2, 0);
  }
  // Adds column `col` (< the n_cols reserved); adding it again changes nothing.
  void Add(std::uint32_t col) noexcept {
    level_[0][col >> 6] |= std::uint64_t{1} << (col & 63);
    level_[1][col >> 12] |= std::uint64_t{1} << ((col >> 6) & 63);
    level_[2][col >> 18] |= std::uint64_t{1} << ((col >> 12) & 63);
  }
  // Calls fn(col) for each column of the set, in increasing order, and empties the set.
  template <typename Fn>
  void Drain(Fn&& fn) {
    std::uint64_t* const l0 = level_[0].data();
    std::uint64_t* const l1 = level_[1].data();
    std::uint64_t* const l2 = level_[2].data();
    for (std::size_t i2 = 0, n2 = level_[2].size(); i2 < n2; ++i2) {
      for (std::uint64_t b2 = l2[i2]; b2 != 0; b2 &= b2 - 1) {
        const std::size_t i1 = (i2 << 6) | static_cast<std::size_t>(__builtin_ctzll(b2));
        for (std::uint64_t b1 = l1[i1]; b1 != 0; b1 &= b1 - 1) {
          const std::size_t i0 = (i1 << 6) | static_cast<std::size_t>(__builtin_ctzll(b1));
          for (std::uint64_t b0 = l0[i0]; b0 != 0; b0 &= b0 - 1) {
            fn(static_cast<std::uint32_t>((i0 << 6) | static_cast<std::size_t>(__builtin_ctzll(b0))));
          }
          l0[i0] = 0;
        }
        l1[i1] = 0;
      }
      l2[i2] = 0;
    }
  }
  std::size_t MemoryBytes() const noexcept {
    return (level_[0].capacity() + level_[1].capacity() + level_[2].capacity()) * sizeof(std::uint64_t);
  }

 private:
  std::vector<std::uint64_t> level_[3];
};

// Bits needed for columns < n_cols.
inline int ColumnBits(std::size_t n_cols) {
  int bits = 1;
  while (bits < 32 && (std::size_t{1} << bits) < n_cols) ++bits;
  return bits;
}

// Divides values by their L1 or L2 norm (unless zero), as scikit-learn's normalize.
inline void NormalizeRow(Norm norm, double* v, std::size_t n) {
  if (norm == Norm::kNone || n == 0) return;
  double s = 0;
  if (norm == Norm::kL1) {
    for (std::size_t k = 0; k < n; ++k) s += std::fabs(v[k]);
  } else {
    for (std::size_t k = 0; k < n; ++k) s += v[k] * v[k];
    s = std::sqrt(s);
  }
  if (s == 0) return;
  for (std::size_t k = 0; k < n; ++k) v[k] /= s;
}

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_SPARSE_UTIL_H_
