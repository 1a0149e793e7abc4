#include "akhbar/stemmer.h"

#include <gtest/gtest.h>
#include <libstemmer.h>

#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/tokenizer.h"
#include "corpus.h"

namespace akhbar {
namespace {

class LightStemTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(LightStemTest, LuceneBehaviour) {
  EXPECT_EQ(LightStem(GetParam().first), GetParam().second) << GetParam().first;
}

INSTANTIATE_TEST_SUITE_P(
    Prefixes, LightStemTest,
    ::testing::Values(std::make_pair("الكتاب", "كتاب"), std::make_pair("والكتاب", "كتاب"),
                      std::make_pair("بالكتاب", "كتاب"), std::make_pair("كالكتاب", "كتاب"),
                      std::make_pair("فالكتاب", "كتاب"), std::make_pair("للكتاب", "كتاب"),
                      std::make_pair("وكتب", "كتب"),
                      // Guards: و needs 4 letters; the others leave at least 2.
                      std::make_pair("ولد", "ولد"), std::make_pair("الم", "الم"), std::make_pair("الما", "ما"),
                      // Only the first matching prefix goes (ال is tried before وال).
                      std::make_pair("والد", "الد")));

INSTANTIATE_TEST_SUITE_P(
    Suffixes, LightStemTest,
    ::testing::Values(std::make_pair("كتابها", "كتاب"), std::make_pair("معلمان", "معلم"),
                      std::make_pair("معلمات", "معلم"), std::make_pair("معلمون", "معلم"),
                      std::make_pair("معلمين", "معلم"), std::make_pair("كتابيه", "كتاب"),
                      std::make_pair("مدرسية", "مدرس"), std::make_pair("كتابه", "كتاب"),
                      std::make_pair("مدرسة", "مدرس"), std::make_pair("كتابي", "كتاب"),
                      // Several suffixes in the list's order: ها then ان.
                      std::make_pair("كتابانها", "كتاب"),
                      // Guards: two letters must remain.
                      std::make_pair("بها", "بها"), std::make_pair("فيه", "في"), std::make_pair("هي", "هي"),
                      // Prefix and suffix together.
                      std::make_pair("والمعلمات", "معلم"), std::make_pair("المدرسه", "مدرس")));

TEST(StemmerTest, Methods) {
  EXPECT_EQ(ParseStemMethod("light"), StemMethod::kLight);
  EXPECT_EQ(ParseStemMethod("snowball"), StemMethod::kSnowball);
  EXPECT_EQ(ParseStemMethod("none"), StemMethod::kNone);
  EXPECT_THROW(ParseStemMethod("porter"), InvalidArgument);
  EXPECT_EQ(Stemmer(StemMethod::kNone).Stem("والكتاب"), "والكتاب");
  EXPECT_EQ(Stemmer(StemMethod::kLight).Stem("والكتاب"), "كتاب");
  EXPECT_THROW(Stemmer(StemMethod::kLight).Stem("\xff"), InvalidUtf8);
}

TEST(StemmerTest, ProtectedWordsKeepTheirLetters) {
  const Stemmer unprotected(StemMethod::kSnowball, {});
  const Stemmer snowball(StemMethod::kSnowball);
  EXPECT_EQ(unprotected.Stem("بايدن"), "بايد");  // the harm the list prevents
  EXPECT_EQ(snowball.Stem("بايدن"), "بايدن");
  const Stemmer light(StemMethod::kLight);
  EXPECT_EQ(Stemmer(StemMethod::kLight, {}).Stem("فلسطين"), "فلسط");
  EXPECT_EQ(light.Stem("فلسطين"), "فلسطين");
  const Stemmer extended(StemMethod::kLight, {"الكتاب"});
  EXPECT_EQ(extended.Stem("الكتاب"), "الكتاب");
  EXPECT_EQ(extended.Stem("فلسطين"), "فلسط");  // a user list replaces the default
}

std::string Libstemmer(sb_stemmer* s, const std::string& w) {
  const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size()));
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s)));
}

TEST(StemmerTest, SnowballEqualsLibstemmerOnCorpus) {
  if (!testing::HaveCorpus("egy2013")) GTEST_SKIP() << "shared corpus not found";
  std::set<std::string> words;
  const Tokenizer tokenizer;
  for (const auto& a : testing::LoadArticles("egy2013", 300)) {
    for (auto& w : tokenizer.TokenizeToStrings(a.text)) words.insert(std::move(w));
  }
  ASSERT_GT(words.size(), 5000u);
  sb_stemmer* direct = sb_stemmer_new("arabic", "UTF_8");
  ASSERT_NE(direct, nullptr);
  const Stemmer snowball(StemMethod::kSnowball, {});
  std::vector<std::string_view> views(words.begin(), words.end());
  const std::vector<std::string> batch = snowball.StemBatch(views, 2);
  std::size_t changed = 0, i = 0;
  for (const auto& w : words) {
    const std::string expected = Libstemmer(direct, w);
    ASSERT_EQ(snowball.Stem(w), expected) << w;
    ASSERT_EQ(batch[i++], expected) << w;
    changed += expected != w;
  }
  sb_stemmer_delete(direct);
  EXPECT_GT(changed, words.size() / 4);  // the stemmer really ran
}

TEST(StemmerTest, BatchIsTheSameForAnyThreadCount) {
  std::vector<std::string> words;
  for (int i = 0; i < 20000; ++i) words.push_back(i % 2 ? "والمعلمات" : "المدرسة");
  std::vector<std::string_view> views(words.begin(), words.end());
  for (StemMethod m : {StemMethod::kLight, StemMethod::kSnowball}) {
    const Stemmer s(m);
    EXPECT_EQ(s.StemBatch(views, 1), s.StemBatch(views, 4));
  }
}

}  // namespace
}  // namespace akhbar
