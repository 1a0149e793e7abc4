#include "akhbar/pod_array.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace akhbar {
namespace internal {
namespace {

// Values that tell every position apart, to check that no resize loses or moves one.
std::uint32_t ValueAt(std::size_t i) { return static_cast<std::uint32_t>(i * 2654435761u + 7); }

void ExpectValues(const PodArray<std::uint32_t>& a, std::size_t n) {
  ASSERT_EQ(a.size(), n);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(a[i], ValueAt(i)) << i << " of " << n;
}

// Growing across the size where blocks become mapped pages (1 MB), and shrinking back below it, keeps the
// values in place, element by element and in bulk.
TEST(PodArrayTest, KeepsValuesAcrossSmallAndMappedBlocks) {
  PodArray<std::uint32_t> a;
  EXPECT_TRUE(a.empty());
  constexpr std::size_t kBig = 3 << 20;  // 12 MB of values
  for (std::size_t i = 0; i < kBig; ++i) a.push_back(ValueAt(i));
  ExpectValues(a, kBig);
  EXPECT_GE(a.capacity(), kBig);

  a.resize(1000);
  a.shrink_to_fit();  // mapped -> malloc
  ExpectValues(a, 1000);
  EXPECT_LT(a.capacity(), std::size_t{1} << 18);

  std::vector<std::uint32_t> more(kBig);
  for (std::size_t i = 0; i < kBig; ++i) more[i] = ValueAt(1000 + i);
  a.append(more.data(), more.size());  // malloc -> mapped
  ExpectValues(a, 1000 + kBig);

  a.resize(kBig / 2);
  a.shrink_to_fit();  // mapped -> smaller mapped
  ExpectValues(a, kBig / 2);
  EXPECT_LT(a.capacity(), kBig / 2 + 4096);

  a.resize(kBig / 2 + 10, 42u);
  for (std::size_t i = kBig / 2; i < kBig / 2 + 10; ++i) EXPECT_EQ(a[i], 42u);
  a.resize(0);
  a.shrink_to_fit();
  EXPECT_EQ(a.capacity(), 0u);
  EXPECT_EQ(a.data(), nullptr);
}

// Appending a part of the array itself, when the append moves the array, copies the values it had.
TEST(PodArrayTest, AppendsItsOwnValues) {
  PodArray<std::uint32_t> a;
  for (std::size_t i = 0; i < 1000; ++i) a.push_back(ValueAt(i));
  a.shrink_to_fit();
  ASSERT_EQ(a.capacity(), a.size());
  a.append(a.data() + 10, 500);  // must grow (and may move) first
  ASSERT_EQ(a.size(), 1500u);
  for (std::size_t i = 0; i < 500; ++i) ASSERT_EQ(a[1000 + i], ValueAt(10 + i)) << i;
}

TEST(PodArrayTest, CopiesAndMovesOwnTheirValues) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{10}, std::size_t{1} << 19}) {
    PodArray<std::uint32_t> a;
    for (std::size_t i = 0; i < n; ++i) a.push_back(ValueAt(i));
    PodArray<std::uint32_t> copy(a);
    ExpectValues(copy, n);
    if (n > 0) {
      copy[0] = 1;
      EXPECT_EQ(a[0], ValueAt(0));  // a deep copy
    }
    PodArray<std::uint32_t> moved(std::move(a));
    ExpectValues(moved, n);
    EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): a moved-from array is empty
    PodArray<std::uint32_t> assigned;
    assigned = moved;
    ExpectValues(assigned, n);
    assigned = std::move(moved);
    ExpectValues(assigned, n);
    assigned = assigned;  // self-assignment keeps the values
    ExpectValues(assigned, n);
  }
}

// Blocks that ask for huge pages (hash tables sized once, matrices) hold their values like the others.
TEST(PodArrayTest, HugePageBlocksKeepTheirValues) {
  constexpr std::size_t kN = std::size_t{5} << 20;  // 40 MB of 8-byte values
  PodArray<std::uint64_t, true> table(kN, 7);
  for (std::size_t i = 0; i < kN; i += 4099) table[i] = i;
  for (std::size_t i = 0; i < kN; ++i) ASSERT_EQ(table[i], i % 4099 == 0 ? i : 7u) << i;
  PodArray<std::uint64_t, true> copy(table);
  EXPECT_EQ(copy[4099 * 100], 4099u * 100);
  void* block = ResizeBlock(nullptr, 0, 0, BlockBytes(kN), true);
  static_cast<char*>(block)[kN - 1] = 1;
  ResizeBlock(block, BlockBytes(kN), 0, 0, true);
}

}  // namespace
}  // namespace internal
}  // namespace akhbar
