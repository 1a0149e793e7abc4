// AnalyzerMemo gives the analyser's terms, in order, for every text and every state of the memo: random texts
// built to stress the chunking (marks and tatweel at chunk edges, Unicode spaces inside a chunk, ligatures,
// URLs, numbers, clitics, long chunks), read as UTF-8, Latin-1, UCS-2 and UCS-4, under many option sets.
#include "akhbar/analysis_memo.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "memo_test_util.h"

namespace akhbar {
namespace {

using memo_test::Case;
using memo_test::Cases;
using memo_test::RandomDocs;

std::vector<char32_t> CodePoints(const std::string& text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    int len = 0;
    out.push_back(static_cast<char32_t>(utf8::Decode(text, i, &len)));
    i += static_cast<std::size_t>(len);
  }
  return out;
}

using Terms = std::vector<std::string>;

Terms TermsOf(const AnalyzerMemo& memo, const std::vector<std::uint32_t>& ids) {
  Terms out;
  for (const std::uint32_t id : ids) {
    EXPECT_LT(id, memo.term_count());
    out.emplace_back(memo.Term(id));
  }
  return out;
}

// The text in the narrowest of Python's storages that holds it, as the binding passes it.
Terms AnalyzeStored(AnalyzerMemo& memo, const std::string& text, bool* ok) {
  const std::vector<char32_t> cps = CodePoints(text);
  char32_t widest = 0;
  for (const char32_t c : cps) widest = std::max(widest, c);
  std::vector<std::uint32_t> ids;
  if (widest < 0x100) {
    const std::vector<std::uint8_t> units(cps.begin(), cps.end());
    *ok = memo.Analyze(units.data(), units.size(), &ids);
  } else if (widest < 0x10000) {
    const std::u16string units(cps.begin(), cps.end());
    *ok = memo.Analyze(units.data(), units.size(), &ids);
  } else {
    *ok = memo.Analyze(cps.data(), cps.size(), &ids);
  }
  return TermsOf(memo, ids);
}


class AnalyzerMemoTest : public ::testing::TestWithParam<Case> {};

TEST_P(AnalyzerMemoTest, TermsEqualTheAnalyserForEveryStorageAndMemoState) {
  const Analyzer analyzer(GetParam().options);
  const std::vector<std::string> docs = RandomDocs(5, 300);
  AnalyzerMemo memo(analyzer);
  // Two passes: the second finds every chunk in the memo.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t d = 0; d < docs.size(); ++d) {
      const Terms want = analyzer.Analyze(docs[d]);
      std::vector<std::uint32_t> ids;
      memo.Analyze(docs[d], &ids);
      ASSERT_EQ(TermsOf(memo, ids), want) << "UTF-8, pass " << pass << ", document " << d << ": " << docs[d];
      bool ok = false;
      ASSERT_EQ(AnalyzeStored(memo, docs[d], &ok), want) << "code units, pass " << pass << ", document " << d;
      ASSERT_TRUE(ok);
    }
  }
}

TEST_P(AnalyzerMemoTest, SmallBudgetIsClearedWithoutChangingTerms) {
  const Analyzer analyzer(GetParam().options);
  const std::vector<std::string> docs = RandomDocs(9, 200);
  AnalyzerMemo memo(analyzer, 16);
  int clears = 0;
  std::vector<std::uint32_t> ids;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    memo.Analyze(docs[d], &ids);
    ASSERT_EQ(TermsOf(memo, ids), analyzer.Analyze(docs[d])) << "document " << d;
    if (memo.OverBudget()) {
      memo.Clear();
      ++clears;
      EXPECT_EQ(memo.term_count(), 0u);
    }
  }
  EXPECT_GT(clears, 0);
  EXPECT_GT(memo.MemoryBytes(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Options, AnalyzerMemoTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// The budget: max_entries terms, but 2.5 times as many chunks (many chunks share their terms: كتاب، كتاب!
// ...), so that a memo holds a corpus's chunks once it holds its terms.
TEST(AnalyzerMemoBudget, ChunksMayOutnumberTerms) {
  const Analyzer analyzer;
  AnalyzerMemo memo(analyzer, 16);
  std::vector<std::uint32_t> ids;
  for (int k = 0; k < 40; ++k) {
    memo.Analyze("كتاب" + std::string(static_cast<std::size_t>(k), '!'), &ids);
    ASSERT_EQ(ids.size(), 1u);
    ASSERT_FALSE(memo.OverBudget()) << k + 1 << " chunks, one term";
  }
  EXPECT_EQ(memo.term_count(), 1u);
  memo.Analyze("كتاب" + std::string(40, '!'), &ids);  // the 41st chunk
  EXPECT_TRUE(memo.OverBudget());
  memo.Clear();
  for (int k = 0; k <= 16; ++k) memo.Analyze(std::to_string(1000 + k), &ids);  // 17 terms
  EXPECT_TRUE(memo.OverBudget());
}

// A long text leaves working memory as large as itself (the chunks' bounds and keys: about 56 bytes a chunk),
// counted in MemoryBytes; TrimWorkingMemory frees it and keeps what the memo learned.
TEST(AnalyzerMemoBudget, TrimWorkingMemoryFreesALongTextsBuffers) {
  const Analyzer a;
  AnalyzerMemo memo(a);
  std::string text;
  for (int k = 0; k < 200000; ++k) text += "الرئيس في القاهرة ";
  std::vector<std::uint32_t> ids;
  memo.Analyze(text, &ids);
  const std::size_t terms = memo.term_count();
  const std::size_t before = memo.MemoryBytes();
  EXPECT_GT(before, std::size_t{20} << 20);  // 600k chunks
  memo.TrimWorkingMemory(before);  // (within `keep`: nothing freed)
  EXPECT_EQ(memo.MemoryBytes(), before);
  memo.TrimWorkingMemory();
  EXPECT_LT(memo.MemoryBytes(), std::size_t{1} << 20);
  EXPECT_EQ(memo.term_count(), terms);
  std::vector<std::uint32_t> again;
  memo.Analyze(text, &again);
  EXPECT_EQ(again, ids);
  EXPECT_EQ(memo.term_count(), terms);
}

TEST(AnalyzerMemoErrors, InvalidUtf8ThrowsTheAnalysersErrorEveryTime) {
  const Analyzer analyzer;
  AnalyzerMemo memo(analyzer);
  const std::string bad = "الرئيس في \xD8 القاهرة";
  std::string want;
  try {
    analyzer.Analyze(bad);
    FAIL() << "the analyser accepted ill-formed UTF-8";
  } catch (const InvalidUtf8& e) {
    want = e.what();
  }
  std::vector<std::uint32_t> ids;
  memo.Analyze("الرئيس في القاهرة", &ids);
  for (int k = 0; k < 2; ++k) {  // the bad chunk unseen, then remembered as invalid
    try {
      memo.Analyze(bad, &ids);
      FAIL() << "the memo accepted ill-formed UTF-8";
    } catch (const InvalidUtf8& e) {
      EXPECT_EQ(std::string(e.what()), want);
    }
  }
  // The same bad chunk later in another text: the offset is that text's.
  const std::string later = "القاهرة القاهرة \xD8 ";
  try {
    memo.Analyze(later, &ids);
    FAIL();
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(e.byte_offset(), later.size() - 2);
  }
  memo.Analyze("الرئيس في القاهرة", &ids);
  EXPECT_EQ(TermsOf(memo, ids), analyzer.Analyze("الرئيس في القاهرة"));
}

TEST(AnalyzerMemoErrors, SurrogatesAreReportedEveryTime) {
  for (const char* kind : {"word", "char_wb", "char"}) {
    AnalyzerOptions o;
    o.analyzer = kind;
    const Analyzer analyzer(o);
    AnalyzerMemo memo(analyzer);
    std::vector<std::uint32_t> ids;
    const std::u16string good = u"الرئيس في القاهرة";
    const std::u16string bad = u"الرئيس \xD83D في";
    std::u32string bad4 = U"في \U0001F600 x";
    bad4[5] = 0xDC00;
    for (int k = 0; k < 2; ++k) {
      EXPECT_FALSE(memo.Analyze(bad.data(), bad.size(), &ids)) << kind;
      EXPECT_FALSE(memo.Analyze(bad4.data(), bad4.size(), &ids)) << kind;
      ASSERT_TRUE(memo.Analyze(good.data(), good.size(), &ids));
      EXPECT_EQ(TermsOf(memo, ids), analyzer.Analyze("الرئيس في القاهرة")) << kind;
    }
  }
}

}  // namespace
}  // namespace akhbar
