#include "akhbar/topk.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "akhbar/error.h"

namespace akhbar {
namespace {

// A random sparse matrix with small integer values (so many exact ties), some empty rows and duplicated rows,
// rows l2-normalised.
struct Matrix {
  std::vector<std::int64_t> indptr{0};
  std::vector<std::int32_t> indices;
  std::vector<float> data;
  std::size_t n_cols = 0;
  CsrView view() const {
    return CsrView{indptr.size() - 1, n_cols, indptr.data(), indices.data(), data.data()};
  }
};

Matrix RandomMatrix(std::size_t rows, std::size_t cols, double density, unsigned seed, bool negative = false) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<int> v(1, 3);
  Matrix m;
  m.n_cols = cols;
  for (std::size_t r = 0; r < rows; ++r) {
    if (r % 7 == 3 && r > 0) {  // a copy of the previous row
      const std::int64_t b = m.indptr[r - 1], e = m.indptr[r];
      for (std::int64_t p = b; p < e; ++p) {
        m.indices.push_back(m.indices[p]);
        m.data.push_back(m.data[p]);
      }
    } else if (r % 11 != 5) {  // rows 5, 16, ... stay empty
      std::vector<float> row;
      double norm = 0;
      std::vector<std::int32_t> cols_used;
      for (std::size_t c = 0; c < cols; ++c) {
        // The first columns are dense (heavy), the rest sparse.
        if (u(rng) < (c < 4 ? 0.8 : density)) {
          float x = static_cast<float>(v(rng));
          if (negative && u(rng) < 0.3) x = -x;
          cols_used.push_back(static_cast<std::int32_t>(c));
          row.push_back(x);
          norm += static_cast<double>(x) * x;
        }
      }
      for (std::size_t i = 0; i < row.size(); ++i) {
        m.indices.push_back(cols_used[i]);
        m.data.push_back(static_cast<float>(row[i] / std::sqrt(norm)));
      }
    }
    m.indptr.push_back(static_cast<std::int64_t>(m.indices.size()));
  }
  return m;
}

double RowDot(const Matrix& m, std::size_t a, std::size_t b) {
  std::vector<double> dense(m.n_cols, 0.0);
  for (std::int64_t p = m.indptr[a]; p < m.indptr[a + 1]; ++p) dense[m.indices[p]] += m.data[p];
  double s = 0;
  for (std::int64_t p = m.indptr[b]; p < m.indptr[b + 1]; ++p) s += dense[m.indices[p]] * m.data[p];
  return s;
}

struct Case {
  std::size_t rows, cols;
  double density;
  int k;
  std::size_t max_heavy;
  bool negative;
  float min_score;
};

class TopKTest : public ::testing::TestWithParam<Case> {};

TEST_P(TopKTest, MatchesBruteForce) {
  const Case c = GetParam();
  const Matrix m = RandomMatrix(c.rows, c.cols, c.density, 42 + static_cast<unsigned>(c.rows), c.negative);
  TopKIndexOptions io;
  io.min_heavy_df = 1;
  io.heavy_df_fraction = 0.3;
  io.max_heavy_terms = c.max_heavy;
  const CosineTopK index(m.view(), io);
  EXPECT_LE(index.n_heavy_terms(), c.max_heavy);
  TopKSearchOptions so;
  so.k = c.k;
  so.exclude_self = true;
  so.min_score = c.min_score;
  const std::size_t k = static_cast<std::size_t>(c.k);
  std::vector<std::int32_t> got_i(c.rows * k), want_i(c.rows * k);
  std::vector<float> got_s(c.rows * k), want_s(c.rows * k);
  BruteForceTopK(m.view(), m.view(), so, want_i.data(), want_s.data());
  std::vector<std::int32_t> first_i;
  for (int threads : {1, 2}) {
    index.Search(m.view(), 0, c.rows, so, threads, got_i.data(), got_s.data());
    if (threads == 1) first_i = got_i;
    EXPECT_EQ(got_i, first_i);
    for (std::size_t r = 0; r < c.rows; ++r) {
      for (std::size_t j = 0; j < k; ++j) {
        const std::size_t at = r * k + j;
        EXPECT_NEAR(got_s[at], want_s[at], 1e-5) << "row " << r << " rank " << j;
        EXPECT_EQ(got_i[at] < 0, want_i[at] < 0) << "row " << r << " rank " << j;
        if (got_i[at] >= 0) {
          // The returned row really has that score, and equal scores come in increasing row order.
          EXPECT_NEAR(got_s[at], RowDot(m, r, static_cast<std::size_t>(got_i[at])), 1e-5);
          if (j > 0 && got_s[at] == got_s[at - 1]) {
            EXPECT_LT(got_i[at - 1], got_i[at]) << "row " << r;
          }
        }
        EXPECT_NE(got_i[at], static_cast<std::int32_t>(r));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, TopKTest,
                         ::testing::Values(Case{60, 30, 0.1, 5, 0, false, 0.0f}, Case{60, 30, 0.1, 5, 4, false, 0.0f},
                                           Case{120, 80, 0.05, 10, 8, false, 0.0f},
                                           Case{40, 20, 0.2, 100, 4, false, 0.0f},  // k > n
                                           Case{90, 50, 0.08, 7, 4, false, 0.3f},
                                           Case{1, 5, 0.5, 3, 2, false, 0.0f},
                                           Case{80, 40, 0.1, 6, 4, true, 0.0f}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           const Case& c = info.param;
                           return "n" + std::to_string(c.rows) + "_k" + std::to_string(c.k) + "_heavy" +
                                  std::to_string(c.max_heavy) + (c.negative ? "_negative" : "") +
                                  (c.min_score > 0 ? "_min_score" : "");
                         });

TEST(TopK, CopiedRowsTieInIndexOrder) {
  const Matrix m = RandomMatrix(30, 20, 0.2, 13);  // row 3 copies row 2, row 10 copies row 9
  TopKIndexOptions io;
  io.max_heavy_terms = 4;  // the heavy-term path too
  io.min_heavy_df = 1;
  const CosineTopK index(m.view(), io);
  TopKSearchOptions so;
  so.k = 29;
  so.exclude_self = true;
  std::vector<std::int32_t> idx(30 * 29);
  std::vector<float> sc(30 * 29);
  index.Search(m.view(), 0, 30, so, 1, idx.data(), sc.data());
  for (std::size_t q : {0u, 1u, 4u}) {
    std::size_t at2 = 99, at3 = 99;
    for (std::size_t j = 0; j < 29; ++j) {
      if (idx[q * 29 + j] == 2) at2 = j;
      if (idx[q * 29 + j] == 3) at3 = j;
    }
    ASSERT_LT(at3, 29u);
    EXPECT_EQ(at3, at2 + 1);
    EXPECT_EQ(sc[q * 29 + at2], sc[q * 29 + at3]);
  }
}

TEST(TopK, EmptyRowsAndPadding) {
  const Matrix m = RandomMatrix(30, 20, 0.1, 7);
  const CosineTopK index(m.view());
  TopKSearchOptions so;
  so.k = 40;
  so.exclude_self = true;
  std::vector<std::int32_t> idx(30 * 40);
  std::vector<float> sc(30 * 40);
  index.Search(m.view(), 0, 30, so, 1, idx.data(), sc.data());
  for (std::size_t j = 0; j < 40; ++j) EXPECT_EQ(idx[5 * 40 + j], -1);  // row 5 is empty
  EXPECT_EQ(idx[0 * 40 + 29], -1);  // at most 29 other rows
}

TEST(TopK, AllowedMaskAndQueries) {
  const Matrix m = RandomMatrix(50, 20, 0.2, 9);
  const CosineTopK index(m.view());
  std::vector<std::uint8_t> allowed(50, 1);
  for (std::size_t i = 0; i < 50; i += 2) allowed[i] = 0;
  TopKSearchOptions so;
  so.k = 5;
  so.allowed = allowed.data();
  std::vector<std::int32_t> got(50 * 5), want(50 * 5);
  std::vector<float> gs(50 * 5), ws(50 * 5);
  index.Search(m.view(), 0, 50, so, 2, got.data(), gs.data());
  BruteForceTopK(m.view(), m.view(), so, want.data(), ws.data());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(gs[i], ws[i], 1e-5);
    if (got[i] >= 0) {
      EXPECT_EQ(got[i] % 2, 1);
    }
  }
}

TEST(TopK, RejectsBadInput) {
  Matrix m = RandomMatrix(5, 4, 0.5, 1);
  m.indices[0] = 9;  // out of range
  EXPECT_THROW(CosineTopK{m.view()}, InvalidArgument);
  const Matrix ok = RandomMatrix(5, 4, 0.5, 1);
  const CosineTopK index(ok.view());
  TopKSearchOptions so;
  so.k = 0;
  std::vector<std::int32_t> i(5);
  std::vector<float> s(5);
  EXPECT_THROW(index.Search(ok.view(), 0, 5, so, 1, i.data(), s.data()), InvalidArgument);
  // Queries are checked as the corpus is (a column past the corpus's read outside its arrays); only the rows
  // searched.
  so.k = 2;
  i.resize(10);
  s.resize(10);
  Matrix bad = RandomMatrix(5, 4, 0.9, 2);
  bad.indices[bad.indptr[3]] = 1000000;
  EXPECT_THROW(index.Search(bad.view(), 3, 4, so, 1, i.data(), s.data()), InvalidArgument);
  EXPECT_NO_THROW(index.Search(bad.view(), 0, 3, so, 1, i.data(), s.data()));
  // A refused all-pairs search frees what it took (LeakSanitizer found 72 bytes a refusal).
  EXPECT_THROW(AllPairsTopK(index, ok.view(), 0, 0.0f, 1), InvalidArgument);
}

}  // namespace
}  // namespace akhbar

namespace akhbar {
namespace {

// The symmetric all-pairs pass gives exactly Search's output, for any split into row ranges and thread count.
TEST(AllPairsTopK, EqualsSearchForAnySplit) {
  for (const bool negative : {false, true}) {
    const Matrix m = RandomMatrix(150, 60, 0.08, 21, negative);
    TopKIndexOptions io;
    io.max_heavy_terms = 0;
    const CosineTopK index(m.view(), io);
    for (const int k : {1, 7, 200}) {
      for (const float min_score : {0.0f, 0.35f}) {
        TopKSearchOptions so;
        so.k = k;
        so.min_score = min_score;
        so.exclude_self = true;
        const std::size_t size = 150 * static_cast<std::size_t>(k);
        std::vector<std::int32_t> want_i(size), got_i(size);
        std::vector<float> want_s(size), got_s(size);
        index.Search(m.view(), 0, 150, so, 1, want_i.data(), want_s.data());
        for (const int threads : {1, 2, 3}) {
          AllPairsTopK all(index, m.view(), k, min_score, threads);
          all.Process(0, 17);
          all.Process(17, 17);
          all.Process(17, 100);
          EXPECT_THROW(all.Finish(got_i.data(), got_s.data()), InvalidArgument);  // rows 100.. missing
          all.Process(100, 150);
          all.Finish(got_i.data(), got_s.data());
          EXPECT_EQ(got_i, want_i) << "k " << k << " threads " << threads;
          EXPECT_EQ(got_s, want_s) << "k " << k << " threads " << threads;
        }
      }
    }
  }
}

TEST(AllPairsTopK, HeavyTermsFallBackToSearch) {
  const Matrix m = RandomMatrix(80, 30, 0.1, 4);
  TopKIndexOptions io;
  io.min_heavy_df = 1;
  io.max_heavy_terms = 3;
  const CosineTopK index(m.view(), io);
  ASSERT_EQ(index.n_heavy_terms(), 3u);
  TopKSearchOptions so;
  so.k = 5;
  so.exclude_self = true;
  std::vector<std::int32_t> want_i(400), got_i(400);
  std::vector<float> want_s(400), got_s(400);
  index.Search(m.view(), 0, 80, so, 1, want_i.data(), want_s.data());
  AllPairsTopK all(index, m.view(), 5, 0.0f, 2);
  EXPECT_THROW(all.Process(10, 20), InvalidArgument);  // out of order
  all.Process(0, 80);
  all.Finish(got_i.data(), got_s.data());
  EXPECT_EQ(got_i, want_i);
  EXPECT_EQ(got_s, want_s);
}

}  // namespace
}  // namespace akhbar
