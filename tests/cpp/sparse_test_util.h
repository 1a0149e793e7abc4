// Shared by the vectoriser tests: exact comparison of sparse matrices.
#ifndef AKHBAR_TESTS_CPP_SPARSE_TEST_UTIL_H_
#define AKHBAR_TESTS_CPP_SPARSE_TEST_UTIL_H_

#include <cstdint>

#include "akhbar/vectorizer.h"

namespace akhbar {

// The same shape, row starts, columns and values (compared exactly).
inline bool SameMatrix(const SparseMatrix& a, const SparseMatrix& b) {
  if (a.n_rows != b.n_rows || a.n_cols != b.n_cols || a.nnz() != b.nnz()) return false;
  for (std::int64_t r = 0; r <= a.n_rows; ++r) {
    if (a.RowStart(r) != b.RowStart(r)) return false;
  }
  for (std::size_t k = 0; k < a.nnz(); ++k) {
    if (a.Column(k) != b.Column(k) || a.Value(k) != b.Value(k)) return false;
  }
  return true;
}

}  // namespace akhbar

#endif  // AKHBAR_TESTS_CPP_SPARSE_TEST_UTIL_H_
