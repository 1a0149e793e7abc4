#include "akhbar/clusters.h"

#include <algorithm>
#include <string>

#include "akhbar/error.h"

namespace akhbar {

UnionFind::UnionFind(std::size_t n) : parent_(n), size_(n, 1) {
  for (std::size_t i = 0; i < n; ++i) parent_[i] = static_cast<std::int32_t>(i);
}

std::int32_t UnionFind::Find(std::int32_t x) noexcept {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

bool UnionFind::Union(std::int32_t a, std::int32_t b) noexcept {
  a = Find(a);
  b = Find(b);
  if (a == b) return false;
  if (size_[a] < size_[b] || (size_[a] == size_[b] && b < a)) std::swap(a, b);
  parent_[b] = a;
  size_[a] += size_[b];
  return true;
}

std::vector<std::vector<std::int32_t>> ConnectedComponents(
    std::size_t n, const std::vector<std::pair<std::int32_t, std::int32_t>>& edges, std::size_t min_size) {
  UnionFind sets(n);
  for (const auto& [a, b] : edges) {
    if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= n || static_cast<std::size_t>(b) >= n) {
      throw InvalidArgument("edge (" + std::to_string(a) + ", " + std::to_string(b) + ") is outside [0, " +
                            std::to_string(n) + ")");
    }
    sets.Union(a, b);
  }
  // Group by representative, members ascending (rows visited in order).
  std::vector<std::int32_t> slot(n, -1);
  std::vector<std::vector<std::int32_t>> groups;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t root = sets.Find(static_cast<std::int32_t>(i));
    if (slot[root] < 0) {
      slot[root] = static_cast<std::int32_t>(groups.size());
      groups.emplace_back();
    }
    groups[slot[root]].push_back(static_cast<std::int32_t>(i));
  }
  std::vector<std::vector<std::int32_t>> out;
  for (auto& g : groups) {
    if (g.size() >= std::max<std::size_t>(min_size, 1)) out.push_back(std::move(g));
  }
  // Groups were created in order of their smallest member, so a stable sort by size keeps that tie order.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return out;
}

std::vector<std::pair<std::int32_t, std::int32_t>> NeighborEdges(std::size_t n, std::size_t k,
                                                                 const std::int32_t* indices, const float* scores,
                                                                 float threshold) {
  std::vector<std::pair<std::int32_t, std::int32_t>> edges;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < k; ++c) {
      const std::int32_t j = indices[i * k + c];
      if (j >= 0 && scores[i * k + c] >= threshold) edges.emplace_back(static_cast<std::int32_t>(i), j);
    }
  }
  return edges;
}

}  // namespace akhbar
