#include "akhbar/boilerplate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "akhbar/error.h"

namespace akhbar {
namespace {

std::vector<std::string> Corpus(std::vector<std::int32_t>* sources) {
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) {
    const bool site_a = i % 2 == 0;
    std::string t = "خبر رقم " + std::to_string(i) + " عن موضوع مختلف\nتفاصيل الخبر " + std::to_string(i * 7);
    if (site_a) t += "\nاقرأ أيضاً:\n  مقالات   ذات صلة";  // chrome of source 0 (spacing varies)
    if (!site_a && i % 4 == 1) t = "بقلم: محرر الموقع\n" + t;  // byline of source 1 in 10 of its 20 articles
    texts.push_back(t);
    sources->push_back(site_a ? 0 : 1);
  }
  return texts;
}

TEST(Boilerplate, FindsRepeatedLinesPerSource) {
  std::vector<std::int32_t> sources;
  const std::vector<std::string> texts = Corpus(&sources);
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const Boilerplate b = Boilerplate::Find(views, sources, BoilerplateOptions(), 2);
  ASSERT_EQ(b.lines().size(), 3u);
  EXPECT_EQ(b.lines()[0].source, 0);
  EXPECT_EQ(b.lines()[0].count, 20u);
  EXPECT_EQ(b.lines()[2].source, 1);
  EXPECT_EQ(b.lines()[2].line, b.NormalizeLine("بقلم: محرر الموقع"));
  EXPECT_EQ(b.lines()[2].count, 10u);
  EXPECT_EQ(b.Strip(texts[0], 0), "خبر رقم 0 عن موضوع مختلف\nتفاصيل الخبر 0");
  // Lines are boilerplate only for their own source.
  EXPECT_EQ(b.Strip("اقرأ أيضا:\nنص", 1), "اقرأ أيضا:\nنص");
  EXPECT_EQ(b.Strip("اقرأ أيضا:\nنص", 0), "نص");
  // A text of unknown source (a query) loses the lines of every source, here and through the saved list.
  const std::string query = "اقرأ أيضا:\nنص\nبقلم: محرر الموقع\nآخر";
  EXPECT_EQ(b.Strip(query, Boilerplate::kAnySource), "نص\nآخر");
  EXPECT_EQ(Boilerplate(b.lines()).Strip(query, Boilerplate::kAnySource), "نص\nآخر");
  EXPECT_EQ(b.Strip(query, 7), query);
  // Same result for one thread, and through the saved line list.
  const Boilerplate one = Boilerplate::Find(views, sources, BoilerplateOptions(), 1);
  ASSERT_EQ(one.lines().size(), b.lines().size());
  const Boilerplate copy(b.lines());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(copy.Strip(texts[i], sources[i]), b.Strip(texts[i], sources[i]));
    EXPECT_EQ(one.Strip(texts[i], sources[i]), b.Strip(texts[i], sources[i]));
  }
}

// Lines end at any line break Python's splitlines knows, and the lines kept keep their own breaks: pages with
// \r-only or U+2028 breaks were one line each, and their chrome was never found (found by a review helper).
TEST(Boilerplate, EveryKindOfLineBreak) {
  const std::vector<std::string> breaks = {"\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085", "\f", "\v", "\x1c", "\x1e"};
  for (const std::string& br : breaks) {
    std::vector<std::string> texts;
    std::vector<std::int32_t> sources;
    for (int i = 0; i < 10; ++i) {
      texts.push_back("خبر رقم " + std::to_string(i) + br + "تفاصيل " + std::to_string(i) + br + "اقرأ أيضاً");
      sources.push_back(0);
    }
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    const Boilerplate b = Boilerplate::Find(views, sources, BoilerplateOptions(), 1);
    ASSERT_EQ(b.lines().size(), 1u) << br;
    EXPECT_EQ(b.lines()[0].line, b.NormalizeLine("اقرأ أيضاً"));
    EXPECT_EQ(b.Strip(texts[3], 0), "خبر رقم 3" + br + "تفاصيل 3") << br;
    EXPECT_EQ(b.Strip("اقرأ أيضاً" + br + "نص" + br + "اقرأ أيضاً" + br + "آخر", 0), "نص" + br + "آخر") << br;
  }
  // Mixed breaks: each kept line is followed by its own.
  const Boilerplate b(std::vector<BoilerplateLine>{{0, Boilerplate().NormalizeLine("حذف"), 5}});
  EXPECT_EQ(b.Strip("أ\r\nحذف\nب\u2028ج", 0), "أ\r\nب\u2028ج");
}

TEST(Boilerplate, ThresholdsAndErrors) {
  std::vector<std::int32_t> sources;
  const std::vector<std::string> texts = Corpus(&sources);
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  BoilerplateOptions strict;
  strict.min_docs = 15;  // the byline (10 articles) no longer counts
  EXPECT_EQ(Boilerplate::Find(views, sources, strict).lines().size(), 2u);
  BoilerplateOptions short_lines;
  short_lines.max_line_chars = 5;
  EXPECT_EQ(Boilerplate::Find(views, sources, short_lines).lines().size(), 0u);
  EXPECT_THROW(Boilerplate::Find(views, {0, 1}), InvalidArgument);
  EXPECT_EQ(Boilerplate().Strip("a\nb", 0), "a\nb");
  // Ill-formed text is refused as Find refuses it (an empty set passed it through), by its offset in the text.
  const Boilerplate found = Boilerplate::Find(views, sources);
  for (const Boilerplate* b : {&found, static_cast<const Boilerplate*>(nullptr)}) {
    const Boilerplate empty;
    const Boilerplate& set = b ? *b : empty;
    try {
      set.Strip("a\nb\xFF", 0);
      FAIL() << "ill-formed text taken";
    } catch (const InvalidUtf8& e) {
      EXPECT_EQ(e.byte_offset(), 3u);
    }
    try {
      set.StripBatch({"a", "b", "c\xC3"}, {0, 0, 0}, 2);
      FAIL() << "ill-formed text taken";
    } catch (const InvalidUtf8& e) {
      EXPECT_EQ(std::string(e.what()).rfind("text 2: ", 0), 0u) << e.what();
    }
  }
  // Find names the first ill-formed text too, for any number of threads (it gave the offset alone).
  std::vector<std::string_view> bad(views.begin(), views.end());
  bad[7] = "ab\xFF";
  bad[30] = "abcdef\xFF";
  for (const int threads : {1, 2}) {
    try {
      Boilerplate::Find(bad, sources, BoilerplateOptions(), threads);
      FAIL() << "ill-formed text taken";
    } catch (const InvalidUtf8& e) {
      EXPECT_EQ(std::string(e.what()).rfind("text 7: ", 0), 0u) << e.what();
      EXPECT_EQ(e.byte_offset(), 2u);
    }
  }
}

// A story a source published five times is not five articles whose every line is chrome: copies count once,
// and an article whose every line is boilerplate is kept whole (found in review: all five came out empty).
TEST(Boilerplate, CopiesCountOnceAndNoArticleIsStrippedToNothing) {
  std::vector<std::int32_t> sources;
  std::vector<std::string> texts = Corpus(&sources);
  const std::string story = "قصة منشورة عدة مرات\nسطرها الثاني\nوسطرها الثالث";
  for (int copy = 0; copy < 5; ++copy) {
    texts.push_back(story);
    sources.push_back(0);
  }
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const Boilerplate b = Boilerplate::Find(views, sources, BoilerplateOptions(), 2);
  EXPECT_EQ(b.lines().size(), 3u);  // the chrome of the corpus, none of the story's lines
  EXPECT_EQ(b.Strip(story, 0), story);
  EXPECT_EQ(b.lines()[0].count, 20u);  // (the copies hold no chrome)
  // Made of chrome alone (here, by a saved list that names every line), an article stays as it was.
  const Boilerplate all({{0, b.NormalizeLine("سطر اول"), 9}, {0, b.NormalizeLine("سطر ثان"), 9}});
  EXPECT_EQ(all.Strip("سطر اول\n\nسطر ثان", 0), "سطر اول\n\nسطر ثان");
  EXPECT_EQ(all.Strip("سطر اول\nنص\nسطر ثان", 0), "نص");
}

}  // namespace
}  // namespace akhbar
