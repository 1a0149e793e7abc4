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

// Writes n entries at stored position `at`. Safe to call concurrently for disjoint ranges.
void WriteEntries(SparseMatrix* m, std::uint64_t at, const std::uint32_t* cols, const double* values, std::size_t n);

// Sorts packed (column << 32 | count) entries of one row by column: std::sort for short rows, LSD radix on
// the column's `column_bits` bits (8 per pass) for longer ones. `scratch` is reused between calls.
void SortRow(std::uint64_t* begin, std::uint64_t* end, int column_bits, std::vector<std::uint64_t>& scratch);

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
