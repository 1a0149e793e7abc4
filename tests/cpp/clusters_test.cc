#include "akhbar/clusters.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "akhbar/error.h"

namespace akhbar {
namespace {

using Edges = std::vector<std::pair<std::int32_t, std::int32_t>>;

TEST(Clusters, ComponentsOrderedAndMembersAscending) {
  const auto c = ConnectedComponents(10, Edges{{8, 9}, {3, 1}, {1, 5}, {0, 7}});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0], (std::vector<std::int32_t>{1, 3, 5}));
  EXPECT_EQ(c[1], (std::vector<std::int32_t>{0, 7}));
  EXPECT_EQ(c[2], (std::vector<std::int32_t>{8, 9}));
  EXPECT_EQ(ConnectedComponents(4, Edges{}, 1).size(), 4u);
  EXPECT_THROW(ConnectedComponents(3, Edges{{0, 3}}), InvalidArgument);
}

// Against a brute-force flood fill, and independent of edge order.
TEST(Clusters, MatchesFloodFill) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 40;
    Edges edges;
    std::uniform_int_distribution<int> node(0, n - 1);
    for (int e = 0; e < 25; ++e) edges.emplace_back(node(rng), node(rng));
    std::vector<int> label(n, -1);
    int next = 0;
    for (std::size_t s = 0; s < n; ++s) {
      if (label[s] >= 0) continue;
      std::vector<int> stack{static_cast<int>(s)};
      label[s] = next;
      while (!stack.empty()) {
        const int x = stack.back();
        stack.pop_back();
        for (const auto& [a, b] : edges) {
          for (const int y : {a == x ? b : -1, b == x ? a : -1}) {
            if (y >= 0 && label[y] < 0) {
              label[y] = next;
              stack.push_back(y);
            }
          }
        }
      }
      ++next;
    }
    const auto got = ConnectedComponents(n, edges, 1);
    std::size_t total = 0;
    for (const auto& g : got) {
      total += g.size();
      for (const auto m : g) EXPECT_EQ(label[m], label[g[0]]);
    }
    EXPECT_EQ(total, n);
    EXPECT_EQ(got.size(), static_cast<std::size_t>(next));
    Edges shuffled = edges;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    EXPECT_EQ(ConnectedComponents(n, shuffled, 1), got);
  }
}

TEST(Clusters, NeighborEdges) {
  const std::int32_t idx[] = {1, -1, 0, 2, 1, 0};
  const float sc[] = {0.9f, 0.0f, 0.9f, 0.2f, 0.6f, 0.4f};
  const Edges e = NeighborEdges(3, 2, idx, sc, 0.5f);
  EXPECT_EQ(e, (Edges{{0, 1}, {1, 0}, {2, 1}}));
}

}  // namespace
}  // namespace akhbar
