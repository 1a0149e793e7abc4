#include "akhbar/stopwords.h"

#include <gtest/gtest.h>

#include "akhbar/error.h"

namespace akhbar {
namespace {

TEST(StopWordsTest, BuiltinLists) {
  EXPECT_EQ(BuiltinStopWords("arabic").size(), 119u);
  EXPECT_EQ(BuiltinStopWords("english").size(), 318u);
  EXPECT_THROW(BuiltinStopWords("french"), InvalidArgument);
}

TEST(StopWordsTest, MatchesFoldedForms) {
  const Normalizer n;
  const StopWords s(n, {"arabic"});
  // The list has إلى and الى; both fold to الي, as the analyser's text does.
  EXPECT_TRUE(s.Contains(n.Normalize("إلى")));
  EXPECT_TRUE(s.Contains("الي"));
  EXPECT_TRUE(s.Contains("في"));
  EXPECT_FALSE(s.Contains("إلى"));  // the set holds normalised words only
  EXPECT_FALSE(s.Contains("كتاب"));
  EXPECT_LT(s.size(), BuiltinStopWords("arabic").size());  // folded duplicates merged
}

TEST(StopWordsTest, FollowsTheNormaliserOptions) {
  NormalizerOptions o;
  o.fold_alef_maksura = false;
  const Normalizer n(o);
  const StopWords s(n, {"arabic"});
  EXPECT_TRUE(s.Contains("الى"));
  EXPECT_FALSE(s.Contains("الي") && !s.Contains("الى"));
}

TEST(StopWordsTest, AddRemoveReplace) {
  const Normalizer n;
  const StopWords s(n, {"arabic", "english"}, {"قال", "أكد"}, {"في", "THE"});
  EXPECT_TRUE(s.Contains("قال"));
  EXPECT_TRUE(s.Contains("اكد"));
  EXPECT_FALSE(s.Contains("في"));
  EXPECT_FALSE(s.Contains("the"));
  EXPECT_TRUE(s.Contains("and"));
  const StopWords only(n, {}, {"قال"});
  EXPECT_EQ(only.Words(), std::vector<std::string>{"قال"});
  EXPECT_THROW(StopWords(n, {}, {"\xff"}), InvalidUtf8);
}

}  // namespace
}  // namespace akhbar
