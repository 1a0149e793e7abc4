#include "akhbar/analyzer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/related_index.h"  // (with vectorizer.h below: their enums once clashed)
#include "akhbar/vectorizer.h"
#include "akhbar/utf8.h"
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

TEST(AnalyzerTest, BatchErrorsNameTheText) {
  const std::vector<std::string_view> texts = {"نص", "نص", std::string_view("ab\xC3", 3)};
  try {
    Analyzer().AnalyzeBatch(texts, 2);
    FAIL() << "ill-formed text taken";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(e.byte_offset(), 2u);
    EXPECT_EQ(std::string(e.what()).rfind("text 2: ", 0), 0u) << e.what();
  }
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

// A chunk's terms the long way: Tokens, then TokenTerm for each token.
Terms LongWay(const Analyzer& a, const std::string& chunk) {
  TextTokens tokens;
  TermScratch scratch;
  Terms out;
  a.Tokens(chunk, &tokens);
  for (const RawToken& t : tokens.tokens) {
    std::string_view term;
    if (a.TokenTerm(tokens.Surface(t), t.kind, &scratch, &term)) out.emplace_back(term);
  }
  return out;
}

Terms ChunkWay(const Analyzer& a, const std::string& chunk) {
  TextTokens tokens;
  TermScratch scratch;
  Terms out;
  a.ChunkTerms(chunk, &tokens, &scratch, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

TEST(AnalyzerTest, ChunkTermsQuickPathAgreesWithTheTokeniser) {
  // Every code point of the Arabic block, the edge candidates and characters that look like them or that the
  // tokeniser or normaliser treat specially next to letters.
  std::vector<std::string> alphabet;
  auto add = [&](char32_t c) {
    std::string s;
    utf8::Append(c, s);
    alphabet.push_back(s);
  };
  for (char32_t c = 0x600; c <= 0x6FF; ++c) add(c);
  for (char32_t c : {U'.', U',', U':', U';', U'!', U'?', U'"', U'(', U')', U'[', U']', U'\'', U'-', U'#', U'@', U'_',
                     U'/', U'%', U'0', U'9', U'a', U'Z', U'\u00AB', U'\u00BB', U'\u00A0', U'\u00E9', U'\u0301',
                     U'\u2018', U'\u2019', U'\u201C', U'\u201D', U'\u2026', U'\u200B', U'\u200C', U'\u200D',
                     U'\u200F', U'\uFEFB', U'\uFDF2', U'\uFE8D', U'\U0001F600', U'\u08A0', U'\u0750'}) {
    add(c);
  }
  std::vector<AnalyzerOptions> option_sets(8);
  option_sets[1].normalizer.remove_diacritics = false;
  option_sets[2].normalizer.remove_tatweel = false;
  option_sets[3].normalizer.unicode = false;
  option_sets[3].normalizer.repair_obfuscation = false;
  option_sets[4].stemmer = "snowball";
  option_sets[5].normalizer.fold_hamza_carriers = true;
  option_sets[5].normalizer.fold_persian = false;
  option_sets[6].stemmer = "none";
  option_sets[6].stop_words = false;
  option_sets[7].normalizer.fold_alef = false;
  option_sets[7].normalizer.fold_teh_marbuta = false;
  option_sets[7].normalizer.fold_alef_maksura = false;
  std::mt19937 rng(7);
  for (std::size_t o = 0; o < option_sets.size(); ++o) {
    const Analyzer a(option_sets[o]);
    std::size_t quick = 0;
    std::string buffer;
    std::string_view word;
    auto check = [&](const std::string& chunk) {
      quick += a.SimpleWord(chunk, &buffer, &word);
      ASSERT_EQ(ChunkWay(a, chunk), LongWay(a, chunk)) << "options " << o << ", chunk '" << chunk << "'";
    };
    // Every pair (for two option sets: the pairs are 90 000), and each symbol between and around letters.
    const std::string beh = "\xD8\xA8", alef = "\xD8\xA7";
    for (const auto& x : alphabet) {
      for (const std::string& chunk : {x, beh + x + beh, x + beh + alef + x, alef + x + x + beh, beh + x}) check(chunk);
      if (o < 2) {
        for (const auto& y : alphabet) check(x + y);
      }
    }
    // Random chunks, mostly letters.
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), letter(0x21, 0x4A), len(1, 9);
    for (int r = 0; r < 4000; ++r) {
      std::string chunk;
      for (std::size_t k = len(rng); k > 0; --k) {
        if (rng() % 3 == 0) {
          chunk += alphabet[pick(rng)];
        } else {
          chunk += alphabet[letter(rng)];
        }
      }
      check(chunk);
    }
    // The quick path did take chunks (of letters, of letters with marks or punctuation around them).
    EXPECT_GT(quick, 1000u) << "options " << o;
  }
  // Its sets come from the normaliser and the tokeniser: a letter before a mark the options keep, a tatweel
  // kept, punctuation inside a word take the long way.
  AnalyzerOptions keep;
  keep.normalizer.remove_diacritics = false;
  keep.normalizer.remove_tatweel = false;
  const Analyzer kept(keep), plain;
  std::string buffer;
  std::string_view word;
  // «أعقَاب،
  EXPECT_TRUE(plain.SimpleWord("\xC2\xAB\xD8\xA3\xD8\xB9\xD9\x82\xD9\x8E\xD8\xA7\xD8\xA8\xD8\x8C", &buffer, &word));
  EXPECT_EQ(word, "\xD8\xA7\xD8\xB9\xD9\x82\xD8\xA7\xD8\xA8");  // اعقاب
  EXPECT_FALSE(kept.SimpleWord("\xD8\xA3\xD8\xB9\xD9\x82\xD9\x8E\xD8\xA7\xD8\xA8", &buffer, &word));
  EXPECT_FALSE(kept.SimpleWord("\xD8\xB9\xD9\x80\xD8\xA8", &buffer, &word));            // عـب
  EXPECT_FALSE(plain.SimpleWord("\xD8\xB9.\xD8\xA8", &buffer, &word));                     // ع.ب
  EXPECT_FALSE(plain.SimpleWord("\xD9\x8E\xD8\xB9\xD8\xA8", &buffer, &word));            // a haraka first
  EXPECT_FALSE(plain.SimpleWord("\xD9\xA1\xD9\xA2", &buffer, &word));                      // ١٢ (digits)
  EXPECT_FALSE(plain.SimpleWord("(((", &buffer, &word));
  // Ill-formed input is no simple word: ChunkTerms takes the long way, which throws.
  for (const char* bad : {"\xD8", "\xD8\xB9\xD8", "\xD8\x41", "\xD8\xB9\xC2", "\xD8\xB9\xE2\x80"}) {
    EXPECT_FALSE(plain.SimpleWord(bad, &buffer, &word)) << bad;
    EXPECT_THROW(ChunkWay(plain, bad), InvalidUtf8) << bad;
  }
}


// The options' record (kept in saved vectorisers) gives back every option; a damaged one is a FormatError.
TEST(AnalyzerOptionsTest, RoundTripAndDifference) {
  AnalyzerOptions o;
  o.normalizer.keep_newlines = true;
  o.normalizer.fold_latin = false;
  o.analyzer = "char_wb";
  o.ngram_min = 2;
  o.ngram_max = 4;
  o.stop_word_lists = {"arabic", "english"};
  o.remove_stop_words = {"في"};
  o.stemmer = "snowball";
  o.protected_words = {};
  o.keep_clitics = true;
  const std::string bytes = SerializeAnalyzerOptions(o);
  const AnalyzerOptions back = DeserializeAnalyzerOptions(bytes);
  EXPECT_EQ(AnalyzerOptionsDifference(back, o), "");
  EXPECT_EQ(SerializeAnalyzerOptions(back), bytes);
  EXPECT_EQ(AnalyzerOptionsDifference(AnalyzerOptions(), o), "normalizer.keep_newlines");
  AnalyzerOptions p = o;
  p.add_protected_words = {"بايدن"};
  EXPECT_EQ(AnalyzerOptionsDifference(o, p), "add_protected_words");
  p = o;
  p.keep_clitics = false;
  EXPECT_EQ(AnalyzerOptionsDifference(o, p), "keep_clitics");
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THROW(DeserializeAnalyzerOptions(bytes.substr(0, cut)), FormatError) << cut;
  }
  EXPECT_THROW(DeserializeAnalyzerOptions(bytes + "x"), FormatError);
  std::string flag = bytes;
  flag[4] = 2;  // (the first option, a flag)
  EXPECT_THROW(DeserializeAnalyzerOptions(flag), FormatError);
  // Options without strip_accents are written as version 1, which older akhbar reads; with it, version 2, which
  // holds it at the end (and whose truncation before it is an error, not version 1).
  auto version = [](const std::string& b) { return static_cast<unsigned char>(b[0]); };
  EXPECT_EQ(version(bytes), 1u);
  AnalyzerOptions s = o;
  s.normalizer.strip_accents = true;
  const std::string v2 = SerializeAnalyzerOptions(s);
  EXPECT_EQ(version(v2), 2u);
  EXPECT_EQ(v2.size(), bytes.size() + 1);
  EXPECT_EQ(AnalyzerOptionsDifference(DeserializeAnalyzerOptions(v2), s), "");
  EXPECT_EQ(AnalyzerOptionsDifference(o, s), "normalizer.strip_accents");
  EXPECT_THROW(DeserializeAnalyzerOptions(v2.substr(0, v2.size() - 1)), FormatError);
  std::string v3 = v2;
  v3[0] = 3;
  EXPECT_THROW(DeserializeAnalyzerOptions(v3), FormatError);
}

}  // namespace
}  // namespace akhbar
