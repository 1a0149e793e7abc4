// Story clusters: connected components (union-find) over near-duplicate pairs and strong similarity edges.
#ifndef AKHBAR_CLUSTERS_H_
#define AKHBAR_CLUSTERS_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace akhbar {

// Disjoint sets over 0..n-1 with path halving and union by size. Not thread-safe.
class UnionFind {
 public:
  explicit UnionFind(std::size_t n);
  // The representative of x's set. Amortised O(alpha(n)).
  std::int32_t Find(std::int32_t x) noexcept;
  // Merges the sets of a and b; returns false if they were already one set.
  bool Union(std::int32_t a, std::int32_t b) noexcept;
  std::size_t size() const noexcept { return parent_.size(); }

 private:
  std::vector<std::int32_t> parent_;
  std::vector<std::int32_t> size_;
};

// The connected components of the graph on 0..n-1 with `edges`, keeping those with at least min_size members.
// Members ascend; components are ordered by decreasing size, then by smallest member, so the output depends only
// on the set of edges. Throws InvalidArgument for an edge outside [0, n). O(n + edges).
std::vector<std::vector<std::int32_t>> ConnectedComponents(
    std::size_t n, const std::vector<std::pair<std::int32_t, std::int32_t>>& edges, std::size_t min_size = 2);

// Edges from a top-k table (n rows of k neighbour indices and scores, -1 = none): (i, j) for every neighbour with
// score >= threshold. O(n * k).
std::vector<std::pair<std::int32_t, std::int32_t>> NeighborEdges(std::size_t n, std::size_t k,
                                                                 const std::int32_t* indices, const float* scores,
                                                                 float threshold);

}  // namespace akhbar

#endif  // AKHBAR_CLUSTERS_H_
