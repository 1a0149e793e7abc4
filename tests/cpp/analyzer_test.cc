#include "akhbar/analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "akhbar/error.h"
#include "corpus.h"

namespace akhbar {
namespace {

using Terms = std::vector<std::string>;

AnalyzerOptions With(const std::string& stemmer, bool stop_words) {
  AnalyzerOptions o;
  o.stemmer = stemmer;
  o.stop_words = stop_words;
  return o;
}

TEST(AnalyzerTest, DefaultPipeline) {
  const Analyzer a;
  // Stop words (إلى folded to الي, مع, في) dropped, light stems, protected name kept, clitic dropped,
  // number without thousands separator.
  EXPECT_EQ(a.Analyze("ذهب الولد إلى المدرسة مع المعلمين في فلسطين وiPhone ١٢٬٥٠٠"),
            (Terms{"ذهب", "ولد", "مدرس", "معلم", "فلسطين", "iphone", "12500"}));
}

TEST(AnalyzerTest, StemmersAndStopWords) {
  const std::string text = "ذهب الولد إلى المدرسة";
  EXPECT_EQ(Analyzer(With("none", false)).Analyze(text), (Terms{"ذهب", "الولد", "الي", "المدرسه"}));
  EXPECT_EQ(Analyzer(With("none", true)).Analyze(text), (Terms{"ذهب", "الولد", "المدرسه"}));
  EXPECT_EQ(Analyzer(With("light", true)).Analyze(text), (Terms{"ذهب", "ولد", "مدرس"}));
  // Snowball sees ة before it is folded (المدرسة -> مدرس; on المدرسه it would stop at مدرسه).
  EXPECT_EQ(Analyzer(With("snowball", true)).Analyze(text), (Terms{"ذهب", "ولد", "مدرس"}));
}

TEST(AnalyzerTest, TokenKindOptions) {
  AnalyzerOptions o = With("none", false);
  const std::string text = "وiPhone 2013 http://x.com/a #وسم";
  EXPECT_EQ(Analyzer(o).Analyze(text), (Terms{"iphone", "2013", "http://x.com/a", "#وسم"}));
  o.keep_clitics = true;
  o.keep_numbers = false;
  o.keep_urls = false;
  EXPECT_EQ(Analyzer(o).Analyze(text), (Terms{"و", "iphone", "#وسم"}));
}

TEST(AnalyzerTest, UserStopAndProtectedWords) {
  AnalyzerOptions o;
  o.add_stop_words = {"ذهب"};
  o.remove_stop_words = {"مع"};
  o.add_protected_words = {"المدرسة"};
  EXPECT_EQ(Analyzer(o).Analyze("ذهب مع المدرسة"), (Terms{"مع", "المدرسه"}));
}

// Stop words apply to every kind of term (numbers, hashtags, mentions, URLs), not words alone; a proclitic
// kept by keep_clitics stays.
TEST(AnalyzerTest, StopWordsOfEveryTokenKind) {
  AnalyzerOptions o;
  o.add_stop_words = {"12", "#قمه", "@user", "http://x.com", "و"};
  o.keep_clitics = true;
  EXPECT_EQ(Analyzer(o).Analyze("12 ١٢ 13 #قمة @user @b http://x.com وiPhone"),
            (Terms{"13", "@b", "و", "iphone"}));
}

TEST(AnalyzerTest, WordNgramsInScikitLearnOrder) {
  AnalyzerOptions o = With("none", false);
  o.ngram_min = 1;
  o.ngram_max = 3;
  EXPECT_EQ(Analyzer(o).Analyze("a b c"), (Terms{"a", "b", "c", "a b", "b c", "a b c"}));
  o.ngram_min = 2;
  o.ngram_max = 2;
  EXPECT_EQ(Analyzer(o).Analyze("a b c"), (Terms{"a b", "b c"}));
  EXPECT_EQ(Analyzer(o).Analyze("a"), Terms{});
}

TEST(AnalyzerTest, CharNgrams) {
  AnalyzerOptions o;
  o.analyzer = "char";
  o.ngram_min = 2;
  o.ngram_max = 3;
  EXPECT_EQ(Analyzer(o).Analyze("أبت ج"), (Terms{"اب", "بت", "ت ", " ج", "ابت", "بت ", "ت ج"}));
}

TEST(AnalyzerTest, CharWbNgrams) {
  AnalyzerOptions o;
  o.analyzer = "char_wb";
  o.ngram_min = 2;
  o.ngram_max = 3;
  // " ab " -> 2: " a" "ab" "b "; 3: " ab" "ab ". " c " -> 2: " c" "c "; 3: " c " (short word counted once).
  EXPECT_EQ(Analyzer(o).Analyze("ab c"), (Terms{" a", "ab", "b ", " ab", "ab ", " c", "c ", " c "}));
}

TEST(AnalyzerTest, InvalidOptions) {
  AnalyzerOptions o;
  o.analyzer = "words";
  EXPECT_THROW(Analyzer{o}, InvalidArgument);
  o = AnalyzerOptions();
  o.ngram_min = 2;
  o.ngram_max = 1;
  EXPECT_THROW(Analyzer{o}, InvalidArgument);
  o = AnalyzerOptions();
  o.stemmer = "porter";
  EXPECT_THROW(Analyzer{o}, InvalidArgument);
  o = AnalyzerOptions();
  o.stop_word_lists = {"klingon"};
  EXPECT_THROW(Analyzer{o}, InvalidArgument);
  EXPECT_THROW(Analyzer().Analyze("\xC3"), InvalidUtf8);
}

TEST(AnalyzerTest, ForEachTermBatchAndThreadsAgree) {
  if (!testing::HaveCorpus("egy2013")) GTEST_SKIP() << "shared corpus not found";
  const auto articles = testing::LoadArticles("egy2013", 200);
  std::vector<std::string_view> texts;
  for (const auto& a : articles) texts.push_back(a.text);
  for (const char* stemmer : {"none", "light", "snowball"}) {
    AnalyzerOptions o = With(stemmer, true);
    o.ngram_max = 2;
    const Analyzer a(o);
    const auto one = a.AnalyzeBatch(texts, 1);
    const auto four = a.AnalyzeBatch(texts, 4);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const Terms expected = a.Analyze(texts[i]);
      ASSERT_EQ(one[i].size(), expected.size());
      for (std::size_t k = 0; k < expected.size(); ++k) {
        ASSERT_EQ(one[i][k], expected[k]);
        ASSERT_EQ(four[i][k], expected[k]);
      }
    }
  }
}

}  // namespace
}  // namespace akhbar
