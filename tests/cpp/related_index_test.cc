#include "akhbar/related_index.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "akhbar/error.h"

namespace akhbar {
namespace {

std::string_view Bytes(const void* p, std::size_t n) { return std::string_view(static_cast<const char*>(p), n); }

TEST(RelatedIndexFile, RoundTripAlignedSections) {
  const std::vector<std::int64_t> indptr = {0, 2, 3};
  const std::vector<float> data = {0.5f, 0.25f, 1.0f};
  const std::string meta = "{\"n\": 2}";
  const std::string file = WriteSections(kRelatedIndexKind, {{"meta", SectionType::kBytes, meta},
                                                            {"indptr", SectionType::kInt64, Bytes(indptr.data(), 24)},
                                                            {"data", SectionType::kFloat32, Bytes(data.data(), 12)},
                                                            {"empty", SectionType::kUint32, std::string_view()}});
  const std::vector<SectionRef> refs = ReadSections(file, kRelatedIndexKind);
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].name, "meta");
  EXPECT_EQ(file.substr(refs[0].offset, refs[0].count), meta);
  EXPECT_EQ(refs[1].count, 3u);
  EXPECT_EQ(refs[2].dtype, SectionType::kFloat32);
  EXPECT_EQ(refs[3].count, 0u);
  for (const auto& r : refs) EXPECT_EQ(r.offset % kSectionAlignment, 0u) << r.name;
  std::vector<std::int64_t> back(3);
  std::memcpy(back.data(), file.data() + refs[1].offset, 24);
  EXPECT_EQ(back, indptr);
  EXPECT_STREQ(SectionTypeName(SectionType::kInt64), "<i8");
}

TEST(RelatedIndexFile, DamageIsAFormatError) {
  const std::vector<float> data(100, 1.0f);
  const std::string file = WriteSections(kRelatedIndexKind, {{"data", SectionType::kFloat32, Bytes(data.data(), 400)}});
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{40}, file.size() - 1}) {
    EXPECT_THROW(ReadSections(file.substr(0, cut), kRelatedIndexKind), FormatError) << cut;
  }
  std::string flipped = file;
  flipped[flipped.size() / 2] ^= 0x10;
  EXPECT_THROW(ReadSections(flipped, kRelatedIndexKind), FormatError);
  EXPECT_THROW(ReadSections(file, "tfidf"), FormatError);  // another object's file
  EXPECT_THROW(WriteSections(kRelatedIndexKind, {{"a", SectionType::kFloat32, "abc"}}), InvalidArgument);
  EXPECT_THROW(WriteSections(kRelatedIndexKind, {{"a", SectionType::kBytes, "x"}, {"a", SectionType::kBytes, "y"}}),
               InvalidArgument);
}

}  // namespace
}  // namespace akhbar
