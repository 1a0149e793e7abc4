#include "akhbar/stemmer.h"

#include <gtest/gtest.h>
#include <libstemmer.h>

#include <cstring>
#include <random>
#include <algorithm>
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

// Behind the proclitics glued to names (و ف, ب ك ل, both), a protected word is still protected, and they go:
// وفلسطين gave فلسط where فلسطين gave فلسطين, so one name made two terms.
TEST(StemmerTest, ProtectedWordsBehindProclitics) {
  for (const StemMethod method : {StemMethod::kLight, StemMethod::kSnowball}) {
    const Stemmer s(method);
    for (const char* w : {"فلسطين", "وفلسطين", "فلفلسطين", "لفلسطين", "بفلسطين", "كفلسطين", "وبفلسطين", "فبفلسطين"}) {
      EXPECT_EQ(s.Stem(w), "فلسطين") << w;
    }
    for (const char* w :
         {"القاهره", "والقاهره", "بالقاهره", "كالقاهره", "فالقاهره", "للقاهره", "وللقاهره", "وبالقاهره"}) {
      EXPECT_EQ(s.Stem(w), "القاهره") << w;
    }
    EXPECT_EQ(s.Stem("وبايدن"), "بايدن");
    EXPECT_TRUE(s.IsProtected("بايدن"));
    EXPECT_FALSE(s.IsProtected("وبايدن"));  // a form, not a protected word
  }
  // Only the proclitics go, and only before a whole protected word.
  const Stemmer light(StemMethod::kLight), unprotected(StemMethod::kLight, {});
  for (const char* w : {"للالقاهره", "ووفلسطين", "مفلسطين", "وفلسطينيه"}) {
    EXPECT_EQ(light.Stem(w), unprotected.Stem(w)) << w;
  }
  // ل before a word that starts with ال: the article's alef goes, and its lam too before the word's own lam
  // (للاذقيه, لله); a name that starts with ال only once its alef is folded (ألمانيا -> المانيا) keeps it
  // (لألمانيا -> لالمانيا). Before, ل + اللاذقيه was made لللاذقيه and ل + المانيا only للمانيا (found by a review).
  for (const StemMethod method : {StemMethod::kLight, StemMethod::kSnowball}) {
    const Stemmer s(method, {"المانيا", "اللاذقيه", "الله"});
    for (const char* w : {"لالمانيا", "ولالمانيا", "فلالمانيا", "للمانيا", "بالمانيا"}) EXPECT_EQ(s.Stem(w), "المانيا") << w;
    for (const char* w : {"للاذقيه", "وللاذقيه", "باللاذقيه"}) EXPECT_EQ(s.Stem(w), "اللاذقيه") << w;
    EXPECT_EQ(s.Stem("لله"), "الله");
    EXPECT_EQ(s.Stem("ولله"), "الله");
  }
  // A form that is a protected word itself stays that word.
  const Stemmer both(StemMethod::kLight, {"عباس", "بعباس"});
  EXPECT_EQ(both.Stem("بعباس"), "بعباس");
  EXPECT_EQ(both.Stem("وبعباس"), "عباس");
  EXPECT_EQ(Stemmer(StemMethod::kNone).Stem("وفلسطين"), "وفلسطين");
  // An empty protected word protects nothing (its forms would be the bare proclitics, stemmed to nothing).
  EXPECT_EQ(Stemmer(StemMethod::kLight, {""}).Stem("و"), "و");
}

// The built-in names in every spelling of the letters that the default normaliser folds, so that they hold with
// that folding off (found by a review: with fold_alef_maksura off, السيسى was stemmed to سيسى).
TEST(StemmerTest, DefaultNamesInEverySpelling) {
  const std::vector<std::string> names = DefaultProtectedWords();
  for (const char* w : {"السيسي", "السيسى", "البرادعى", "الإسكندرية", "الاسكندرية", "الإسكندريه", "الاسكندريه", "موسى",
                        "موسي", "أوباما", "اوباما", "غزة", "غزه"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), w), names.end()) << w;
  }
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(names.front(), "بايدن");  // (each name as spelled comes first)
}

// Snowball deletes harakat and tatweel before stemming: a protected word written with them is protected too
// (an analyser with remove_diacritics off gave بايد for بَايْدِن). The light stemmer, Lucene's, deletes none.
TEST(StemmerTest, SnowballProtectsWordsWithHarakatAndTatweel) {
  const Stemmer s(StemMethod::kSnowball), plain(StemMethod::kSnowball, {});
  EXPECT_EQ(s.Stem("بَايْدِن"), "بايدن");
  EXPECT_EQ(s.Stem("لبايـدن"), "بايدن");
  EXPECT_EQ(s.Stem("وَفِلَسْطِين"), "فلسطين");
  for (const char* w : {"الْمُعَلِّمُونَ", "مـدرسـة", "كَتَبَ"}) EXPECT_EQ(s.Stem(w), plain.Stem(w)) << w;
  EXPECT_EQ(Stemmer(StemMethod::kLight).Stem("بَايْدِن"), "بَايْدِن");
}

std::string Libstemmer(sb_stemmer* s, const std::string& w) {
  const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size()));
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s)));
}

// Long words take a one-pass form of Snowball's character mapping first (its own is quadratic on runs of
// tatweel or diacritics). Random long words of letters, the characters it maps, and the prefixes and suffixes its
// steps look for: the stems are libstemmer's own. Then a run of a million tatweels, which took 9 s.
TEST(StemmerTest, SnowballLongWordsEqualLibstemmer) {
  const std::vector<std::string> pieces = {
      "ا", "ل", "ب", "ك", "ف", "و", "ت", "ن", "ي", "ه", "م", "س", "ة", "ى", "أ", "إ", "آ", "ؤ", "ئ", "ء",
      "ال", "بال", "كال", "لل", "ات", "ون", "ين", "ها", "هم", "كما", "ـ", "ً", "ٌ", "ٍ", "َ", "ُ", "ِ", "ّ", "ْ",
      "٠", "٣", "٩", "ﺍ", "ﺑ", "ﻼ", "ﻷ", "ﻹ", "ﻵ", "ﺀ", "ﻰ", "ﺓ", "ﻳ", "x", "7"};
  sb_stemmer* direct = sb_stemmer_new("arabic", "UTF_8");
  ASSERT_NE(direct, nullptr);
  const Stemmer snowball(StemMethod::kSnowball, {});
  std::mt19937 rng(5);
  for (int trial = 0; trial < 4000; ++trial) {
    std::string w;
    const int n = 20 + static_cast<int>(rng() % 60);
    // Runs of one piece too (mostly tatweel or diacritics), and short words that map to almost nothing.
    const bool runs = trial % 3 == 0;
    for (int k = 0; k < n; ++k) {
      const std::string& p = pieces[rng() % pieces.size()];
      w += p;
      if (runs && rng() % 4 == 0) {
        for (int r = static_cast<int>(rng() % 20); r > 0; --r) w += p;
      }
    }
    if (trial % 5 == 0) {  // a few letters, then only characters Snowball deletes: a word that maps to little
      w = pieces[rng() % 24] + pieces[rng() % 20];  // (20-23: the prefixes Checks1 looks for)
      for (int k = 0; k < 40; ++k) w += pieces[30 + rng() % 9];
      if (rng() % 2) w += pieces[rng() % 20];
    }
    ASSERT_EQ(snowball.Stem(w), Libstemmer(direct, w)) << w;
  }
  const std::string tatweels = "بال" + [] {
    std::string t;
    for (int k = 0; k < 1000000; ++k) t += "ـ";
    return t;
  }() + "كتاب";
  EXPECT_EQ(snowball.Stem(tatweels), snowball.Stem("بالكتاب"));
  sb_stemmer_delete(direct);
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
