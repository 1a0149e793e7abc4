#include "akhbar/tokenizer.h"

#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/rbbi.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "corpus.h"

namespace akhbar {
namespace {

using Expected = std::vector<std::pair<std::string, std::string>>;  // (text, kind)

Expected Kinds(const Tokenizer& t, const std::string& text) {
  Expected out;
  for (const Token& tok : t.Tokenize(text)) out.emplace_back(tok.text, TokenKindName(tok.kind));
  return out;
}

struct Case {
  const char* name;
  std::string text;
  Expected tokens;
};

class TokenizerTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(TokenizerTableTest, Tokens) {
  static const Tokenizer tokenizer;
  EXPECT_EQ(Kinds(tokenizer, GetParam().text), GetParam().tokens) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, TokenizerTableTest,
    ::testing::Values(
        Case{"ArabicWords", "ذهب الولد إلى المدرسة", {{"ذهب", "word"}, {"الولد", "word"}, {"الي", "word"},
                                                       {"المدرسه", "word"}}},
        Case{"LatinWordsLowercased", "Apple iPhone", {{"apple", "word"}, {"iphone", "word"}}},
        Case{"CliticOnLatin", "وiPhone", {{"و", "clitic"}, {"iphone", "word"}}},
        Case{"ArticleCliticWithTatweel", "والـCNN", {{"وال", "clitic"}, {"cnn", "word"}}},
        Case{"CliticOnNumber", "و١٢٬٥٠٠", {{"و", "clitic"}, {"12500", "number"}}},
        Case{"BiCliticOnLatin", "بالـBBC", {{"بال", "clitic"}, {"bbc", "word"}}},
        Case{"NonCliticArabicBeforeLatin", "مصرEgypt", {{"مصر", "word"}, {"egypt", "word"}}},
        Case{"ArabicBeforeDigits", "عام2013", {{"عام", "word"}, {"2013", "number"}}},
        Case{"DigitsBeforeArabic", "2013م", {{"2013", "number"}, {"م", "word"}}},
        Case{"LatinWithDigitsStaysOne", "G20 mp3", {{"g20", "word"}, {"mp3", "word"}}},
        Case{"ThousandsArabicIndic", "١٢٬٥٠٠ جنيه", {{"12500", "number"}, {"جنيه", "word"}}},
        Case{"ThousandsAscii", "1,234,567", {{"1234567", "number"}}},
        Case{"ThousandsAndDecimal", "1,234.5", {{"1234.5", "number"}}},
        Case{"Decimal", "3.5 و٣٫٥", {{"3.5", "number"}, {"و", "clitic"}, {"3.5", "number"}}},
        Case{"CommaNotThousands", "12,50", {{"12,50", "number"}}},
        Case{"DotThousands", "1.234.567", {{"1234567", "number"}}},
        Case{"NumberTrailingDot", "عام 2013.", {{"عام", "word"}, {"2013", "number"}}},
        // The Arabic decimal separator separates digits only: alone, after a number or between letters it is
        // punctuation (it made a "number" of no digit, and the clitic test then dropped ب of ب٫م).
        Case{"DecimalSeparatorOutsideANumber", "٫ 5٫ مصر٫تونس ب٫م",
             {{"5", "number"}, {"مصر", "word"}, {"تونس", "word"}, {"ب", "word"}, {"م", "word"}}},
        Case{"Hashtag", "#قمة_الرياض اليوم", {{"#قمه_الرياض", "hashtag"}, {"اليوم", "word"}}},
        Case{"HashtagNeedsLetter", "#1 فقط", {{"1", "number"}, {"فقط", "word"}}},
        Case{"Mention", "@AlArabiya_Eng قال", {{"@alarabiya_eng", "mention"}, {"قال", "word"}}},
        Case{"Url", "زوروا https://www.youm7.com/News/2013/2/1.",
             {{"زوروا", "word"}, {"https://www.youm7.com/News/2013/2/1", "url"}}},
        Case{"WwwUrl", "(www.ahram.org.eg)", {{"www.ahram.org.eg", "url"}}},
        Case{"UrlEndsAtArabicComma", "http://t.co/x1،قال", {{"http://t.co/x1", "url"}, {"قال", "word"}}},
        Case{"UrlEndsAtAnUnopenedBracket", "(المصدر: http://x.com/a)وأضاف",
             {{"المصدر", "word"}, {"http://x.com/a", "url"}, {"واضاف", "word"}}},
        Case{"UrlKeepsItsBracketPair", "(https://en.wikipedia.org/wiki/Nile_(river)).",
             {{"https://en.wikipedia.org/wiki/Nile_(river)", "url"}}},
        Case{"UrlHostEndsAtAGluedArabicWord", "http://x.comقال", {{"http://x.com", "url"}, {"قال", "word"}}},
        Case{"UrlPathKeepsArabic", "https://ar.wikipedia.org/wiki/مصر", {{"https://ar.wikipedia.org/wiki/مصر", "url"}}},
        Case{"CliticOnHashtagAndMention", "ل#مصر ك@user",
             {{"ل", "clitic"}, {"#مصر", "hashtag"}, {"ك", "clitic"}, {"@user", "mention"}}},
        Case{"CliticOnQuotedWord", "لـ\"بايدن\" ب«الوطن» و(الأهرام) ك»الشروق«",
             {{"ل", "clitic"}, {"بايدن", "word"}, {"ب", "clitic"}, {"الوطن", "word"}, {"و", "clitic"},
              {"الاهرام", "word"}, {"ك", "clitic"}, {"الشروق", "word"}}},
        Case{"NoCliticBeforeAQuoteThatQuotesNothing", "ل\" و» قال«الوطن", {{"ل", "word"}, {"و", "word"}, {"قال", "word"},
                                                                            {"الوطن", "word"}}},
        Case{"NoTagAfterALatinLetter", "C#7 a@b", {{"c", "word"}, {"7", "number"}, {"a", "word"}, {"b", "word"}}},
        Case{"Email", "راسلونا: info@ahram.org.eg.", {{"راسلونا", "word"}, {"info@ahram.org.eg", "email"}}},
        Case{"GuillemetsSplit", "«مرسي»قال", {{"مرسي", "word"}, {"قال", "word"}}},
        Case{"CurlyQuotesSplit", "“الوطن”و", {{"الوطن", "word"}, {"و", "word"}}},
        Case{"ArabicPunctuationSplits", "لماذا؟لا،نعم؛ربما",
             {{"لماذا", "word"}, {"لا", "word"}, {"نعم", "word"}, {"ربما", "word"}}},
        Case{"ApostropheInsideLatin", "don't", {{"don't", "word"}}},
        Case{"Abbreviation", "U.S. army", {{"u.s", "word"}, {"army", "word"}}},
        Case{"ColonSplits", "الرئيس:قال", {{"الرئيس", "word"}, {"قال", "word"}}},
        Case{"PunctuationDroppedByDefault", "!!! ... ---", {}}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(TokenizerTest, PunctTokensWhenAsked) {
  TokenizerOptions o;
  o.punct = true;
  const Tokenizer t(o);
  EXPECT_EQ(Kinds(t, "مرحبا، عالم!"),
            (Expected{{"مرحبا", "word"}, {"،", "punct"}, {"عالم", "word"}, {"!", "punct"}}));
}

// An emoji lost its skin-tone modifier (in no token's span) and a flag was two tokens, one per regional
// indicator. A symbol's token now takes what UAX #29 keeps with it: marks and modifiers, a flag's pair, and a ZWJ
// with the pictograph it joins (the normaliser keeps a ZWJ between two emoji).
TEST(TokenizerTest, PunctTokensKeepEmojiSequencesWhole) {
  TokenizerOptions o;
  o.punct = true;
  const std::string thumbs = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // U+1F44D U+1F3FD
  const std::string egypt = "\xF0\x9F\x87\xAA\xF0\x9F\x87\xAC", saudi = "\xF0\x9F\x87\xB8\xF0\x9F\x87\xA6";
  const std::string man = "\xF0\x9F\x91\xA8", woman = "\xF0\x9F\x91\xA9", zwj = "\xE2\x80\x8D";
  const std::string text = "\xD9\x85\xD8\xB5\xD8\xB1 " + thumbs + " " + egypt + saudi + " " + man + zwj + woman + " !";
  std::vector<Token> tokens = Tokenizer(o).Tokenize(text);
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[1].text, thumbs);
  EXPECT_EQ(text.substr(tokens[1].start, tokens[1].end - tokens[1].start), thumbs);
  EXPECT_EQ(tokens[2].text, egypt);  // two flags side by side: two tokens, each a pair
  EXPECT_EQ(tokens[3].text, saudi);
  EXPECT_EQ(tokens[4].text, man + zwj + woman);
  EXPECT_EQ(text.substr(tokens[4].start, tokens[4].end - tokens[4].start), man + zwj + woman);
  EXPECT_EQ(tokens[5].text, "!");
  o.normalizer.remove_invisible = false;
  tokens = Tokenizer(o).Tokenize(text);
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[4].text, man + zwj + woman);
  // A mark between a flag's two letters does not part them (WB4 before WB15).
  const std::string vs16 = "\xEF\xB8\x8F";  // U+FE0F
  tokens = Tokenizer(o).Tokenize("\xF0\x9F\x87\xAA" + vs16 + "\xF0\x9F\x87\xAC" + vs16 + "!");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].text, "\xF0\x9F\x87\xAA" + vs16 + "\xF0\x9F\x87\xAC" + vs16);
  // A lone regional indicator, and one ZWJ before a non-pictograph: no pair, no join.
  tokens = Tokenizer(o).Tokenize("\xF0\x9F\x87\xAA!" + man + zwj + "!");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, "\xF0\x9F\x87\xAA");
  EXPECT_EQ(tokens[2].text, man + zwj);
  // A ZWJ that joins no two emoji is deleted by default: each pictograph its own token.
  o.normalizer.remove_invisible = true;
  tokens = Tokenizer(o).Tokenize(man + zwj + " " + woman + "\xD8\xA8" + zwj + man);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, man);
  EXPECT_EQ(tokens[1].text, woman);
  EXPECT_EQ(tokens[3].text, man);
}

// A URL was case-folded whole, which makes a shortened link (bit.ly/3AbC) another link. Only the scheme and the
// host are case-insensitive (RFC 3986): they are folded, the path, query and fragment keep their case.
TEST(TokenizerTest, UrlsKeepTheCaseOfTheirPath) {
  const Tokenizer t;
  const std::string text = "\xD8\xB1\xD8\xA7\xD8\xA8\xD8\xB7 HTTPS://Bit.LY/3AbC?Q=X#Top "
                           "WWW.Ahram.ORG.eg/News/\xD9\x85\xD8\xB5\xD8\xB1/A WWW.Ahram.ORG.eg?Id=B Word";
  const std::vector<Token> tokens = t.Tokenize(text);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[1].text, "https://bit.ly/3AbC?Q=X#Top");
  EXPECT_EQ(text.substr(tokens[1].start, tokens[1].end - tokens[1].start), "HTTPS://Bit.LY/3AbC?Q=X#Top");
  EXPECT_EQ(tokens[2].text, "www.ahram.org.eg/News/\xD9\x85\xD8\xB5\xD8\xB1/A");
  EXPECT_EQ(tokens[3].text, "www.ahram.org.eg?Id=B");
  EXPECT_EQ(tokens[4].text, "word");  // other Latin text is folded as before
  // A "://" past the host is in the path or query (a share link), not a scheme's; a port is the host's.
  EXPECT_EQ(t.Tokenize("www.Facebook.com/Sharer.php?U=http://Youm7.com/A")[0].text,
            "www.facebook.com/Sharer.php?U=http://Youm7.com/A");
  EXPECT_EQ(t.Tokenize("www.X.com:8080/AbC")[0].text, "www.x.com:8080/AbC");
  // Capitals beyond ASCII keep their case too (they were folded: http://x.com/äB); the host is folded whatever
  // its letters; a capital whose folding takes other bytes (the Kelvin sign, U+212A, to k) stays folded.
  EXPECT_EQ(t.Tokenize("HTTP://X.COM/\u00C4B/\u00C9te/\u03A3\u039F\u03A6\u0399\u0391?\u0414=1")[0].text,
            "http://x.com/\u00C4B/\u00C9te/\u03A3\u039F\u03A6\u0399\u0391?\u0414=1");
  EXPECT_EQ(t.Tokenize("http://\u00C4x.com/\u00C4")[0].text, "http://\u00E4x.com/\u00C4");
  EXPECT_EQ(t.Tokenize("http://x.com/\u212A")[0].text, "http://x.com/k");
  EXPECT_EQ(t.Tokenize("\u0645\u0635\u0631 http://x.com/\u00C4 \u00C4")[2].text, "\u00E4");
  std::vector<std::string> texts;
  for (const Token& tok : tokens) texts.push_back(tok.text);
  EXPECT_EQ(t.TokenizeToStrings(text), texts);
  // The analyser's terms (whole text, and chunk by chunk through Tokens) are the tokeniser's; a URL among the
  // stop words still matches whatever the case of its path.
  AnalyzerOptions ao;
  EXPECT_EQ(Analyzer(ao).Analyze(text)[1], "https://bit.ly/3AbC?Q=X#Top");
  TextTokens chunk;
  Analyzer(ao).Tokens("HTTPS://Bit.LY/3AbC?Q=X#Top", &chunk);
  ASSERT_EQ(chunk.tokens.size(), 1u);
  EXPECT_EQ(chunk.Surface(chunk.tokens[0]), "https://bit.ly/3AbC?Q=X#Top");
  ao.add_stop_words = {"https://bit.ly/3abc?q=x#top"};
  for (const std::string& term : Analyzer(ao).Analyze(text)) EXPECT_EQ(term.find("bit.ly"), std::string::npos);
  // Without fold_latin nothing is folded.
  TokenizerOptions keep;
  keep.normalizer.fold_latin = false;
  EXPECT_EQ(Tokenizer(keep).Tokenize(text)[1].text, "HTTPS://Bit.LY/3AbC?Q=X#Top");
}

TEST(TokenizerTest, SpecialTokensCanBeSwitchedOff) {
  TokenizerOptions o;
  o.urls = o.emails = o.mentions = o.hashtags = o.split_clitics = false;
  const Tokenizer t(o);
  EXPECT_EQ(Kinds(t, "#قمة @cnn وiPhone"),
            (Expected{{"قمه", "word"}, {"cnn", "word"}, {"و", "word"}, {"iphone", "word"}}));
  EXPECT_EQ(Kinds(t, "a@b.com"), (Expected{{"a", "word"}, {"b.com", "word"}}));
  // E-mails off, mentions on: an address is no mention (it gave foo, the mention @bar, com).
  TokenizerOptions no_emails;
  no_emails.emails = false;
  EXPECT_EQ(Kinds(Tokenizer(no_emails), "foo@bar.com @cnn"),
            (Expected{{"foo", "word"}, {"bar.com", "word"}, {"@cnn", "mention"}}));
}

// Long runs of characters that may begin an e-mail address ("....", "----", separators in web text): each
// start looked for an '@' to the end of the run, so that a million dots took minutes. The tokens stay the same.
TEST(TokenizerTest, LongRunsOfEmailCharactersAreScannedOnce) {
  TokenizerOptions o;
  o.punct = true;
  const Tokenizer t(o);
  const std::string dots(300000, '.');
  std::size_t n_dots = 0, n_other = 0;
  t.Scan(dots + " a.b@c.de", [&](const RawToken& r) {
    if (r.kind == TokenKind::kPunct) {
      ++n_dots;
    } else {
      EXPECT_EQ(r.kind, TokenKind::kEmail);
      EXPECT_EQ(r.begin, dots.size() + 1);
      ++n_other;
    }
  });
  EXPECT_EQ(n_dots, dots.size());
  EXPECT_EQ(n_other, 1u);
  // A run that reaches an '@' is the address's local part.
  const std::vector<Token> tokens = t.Tokenize(std::string(300000, '-') + "x@y.com tail");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kEmail);
  EXPECT_EQ(tokens[0].start, 0u);
  EXPECT_EQ(tokens[1].text, "tail");
}

// "www." not followed by a letter or digit is no URL, but that was decided after reading to the next space:
// "www.-" repeated 60,000 times (300k characters) took about 20 s. The tokens stay the same.
TEST(TokenizerTest, RefusedUrlStartsAreNotScanned) {
  const Tokenizer t;
  std::string run;
  for (int k = 0; k < 60000; ++k) run += "www.-";
  std::size_t words = 0, urls = 0;
  std::size_t last_begin = 0;
  t.Scan(run + " www.example.com", [&](const RawToken& r) {
    if (r.kind == TokenKind::kUrl) {
      ++urls;
      last_begin = r.begin;
    } else {
      EXPECT_EQ(r.kind, TokenKind::kWord);
      ++words;
    }
  });
  EXPECT_EQ(words, 60000u);  // each "www"
  EXPECT_EQ(urls, 1u);
  EXPECT_EQ(last_begin, run.size() + 1);
  EXPECT_EQ(Kinds(t, "www.-x http://a.b/c www.ab"),
            (Expected{{"www", "word"}, {"x", "word"}, {"http://a.b/c", "url"}, {"www.ab", "url"}}));
}

TEST(TokenizerTest, OffsetsPointIntoTheOriginal) {
  const Tokenizer t;
  const std::string text = "في أعقـ.ـاب  القِمَّةِ، وiPhone";
  const std::vector<Token> tokens = t.Tokenize(text);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(text.substr(tokens[1].start, tokens[1].end - tokens[1].start), "أعقـ.ـاب");
  EXPECT_EQ(tokens[1].text, "اعقاب");
  // Trailing diacritics deleted by normalisation belong to the word; the comma does not.
  EXPECT_EQ(text.substr(tokens[2].start, tokens[2].end - tokens[2].start), "القِمَّةِ");
  EXPECT_EQ(text.substr(tokens[3].start, tokens[3].end - tokens[3].start), "و");
  EXPECT_EQ(text.substr(tokens[4].start, tokens[4].end - tokens[4].start), "iPhone");
}

TEST(TokenizerTest, InvalidUtf8Throws) {
  const Tokenizer t;
  EXPECT_THROW(t.Tokenize("abc\xC3"), InvalidUtf8);
}

// Random mixes of Arabic, Latin, digits, punctuation, diacritics, tatweel and spaces: offsets are in order,
// do not overlap, and each slice of the original, normalised, contains the token (or is the token).
TEST(TokenizerTest, RandomMixesHaveOrderedDisjointOffsets) {
  const std::vector<std::string> pieces = {"ب", "ا", "ل", "و", "ة", "ى", "أ", "ـ", "َ", "ّ", "a", "B", "1", "٣",
                                           "٬", ",", ".", "#", "@", "_", " ", "  ", "«", "»", "،", "؟", "'",
                                           "http://", "x@y.com", "\u200c", "-", "ﻻ"};
  std::mt19937 rng(42);
  TokenizerOptions o;
  o.punct = true;
  const Tokenizer t(o);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    const int len = static_cast<int>(rng() % 25);
    for (int k = 0; k < len; ++k) text += pieces[rng() % pieces.size()];
    const std::vector<Token> tokens = t.Tokenize(text);
    std::size_t prev_end = 0;
    for (const Token& tok : tokens) {
      ASSERT_LE(prev_end, tok.start) << text;
      ASSERT_LT(tok.start, tok.end) << text;
      ASSERT_LE(tok.end, text.size()) << text;
      ASSERT_FALSE(tok.text.empty()) << text;
      prev_end = tok.end;
    }
  }
}

// UTF-16 word segments of ICU's word BreakIterator (root locale) that are words or numbers, as byte ranges of
// the UTF-8 `s`.
std::set<std::pair<std::size_t, std::size_t>> IcuWords(const std::string& s) {
  std::set<std::pair<std::size_t, std::size_t>> out;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  std::vector<std::size_t> byte_of(static_cast<std::size_t>(u.length()) + 1, 0);
  std::size_t b = 0;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    const int32_t n = U16_LENGTH(c);
    for (int32_t k = 0; k < n; ++k) byte_of[static_cast<std::size_t>(i + k)] = b;
    b += static_cast<std::size_t>(U8_LENGTH(c));
    i += n;
  }
  byte_of[static_cast<std::size_t>(u.length())] = b;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  EXPECT_TRUE(U_SUCCESS(status));
  it->setText(u);
  int32_t start = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    if (it->getRuleStatus() != UBRK_WORD_NONE) {
      out.emplace(byte_of[static_cast<std::size_t>(start)], byte_of[static_cast<std::size_t>(end)]);
    }
  }
  return out;
}

bool HasArabicToOtherChange(const std::string& s) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  int last = -1;  // 0 Arabic, 1 Latin letter or digit
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    const UChar32 c = u.char32At(i);
    int g = -1;
    UErrorCode e = U_ZERO_ERROR;
    if (c == 0x0640 || (u_isalpha(c) && uscript_getScript(c, &e) == USCRIPT_ARABIC)) g = 0;
    else if (u_isalnum(c)) g = 1;
    if (g < 0) continue;
    if (last >= 0 && g != last) return true;
    last = g;
  }
  return false;
}

// Whether s has a middle mark (Word_Break MidLetter, MidNumLet or Single_Quote) between two Arabic letters,
// marks (Extend) aside, which UAX #29 keeps inside a word and the scanner splits at.
bool HasMidBetweenArabicLetters(const std::string& s) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  auto arabic_letter = [](UChar32 c) {
    UErrorCode e = U_ZERO_ERROR;
    return u_isalpha(c) && uscript_getScript(c, &e) == USCRIPT_ARABIC;
  };
  std::vector<UChar32> bases;  // code points other than Extend, in order
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    const UChar32 c = u.char32At(i);
    const int wb = u_getIntPropertyValue(c, UCHAR_WORD_BREAK);
    if (wb != U_WB_EXTEND && wb != U_WB_FORMAT && wb != U_WB_ZWJ) bases.push_back(c);
  }
  for (std::size_t k = 1; k + 1 < bases.size(); ++k) {
    const int wb = u_getIntPropertyValue(bases[k], UCHAR_WORD_BREAK);
    const bool mid = wb == U_WB_MIDLETTER || wb == U_WB_MIDNUMLET || wb == U_WB_SINGLE_QUOTE;
    if (mid && arabic_letter(bases[k - 1]) && arabic_letter(bases[k + 1])) return true;
  }
  return false;
}

TEST(TokenizerTest, MiddleMarksSplitArabicWordsOnly) {
  const Tokenizer t;
  auto texts = [&](const std::string& s) {
    std::vector<std::string> out;
    for (const Token& tok : t.Tokenize(s)) out.push_back(tok.text);
    return out;
  };
  EXPECT_EQ(texts("د.محمد"), (std::vector<std::string>{"د", "محمد"}));
  EXPECT_EQ(texts("قال.وأضاف"), (std::vector<std::string>{"قال", "واضاف"}));
  EXPECT_EQ(texts("ج.م.ع"), (std::vector<std::string>{"ج", "م", "ع"}));
  EXPECT_EQ(texts("قال'وأضاف"), (std::vector<std::string>{"قال", "واضاف"}));
  EXPECT_EQ(texts("محمد·علي"), (std::vector<std::string>{"محمد", "علي"}));
  EXPECT_EQ(texts("2013م.وقال"), (std::vector<std::string>{"2013", "م", "وقال"}));
  // Marks after a letter do not hide the split; Latin words keep their middle marks (UAX #29).
  EXPECT_EQ(texts("محمَّد.علي"), (std::vector<std::string>{"محمد", "علي"}));
  EXPECT_EQ(texts("U.S can't"), (std::vector<std::string>{"u.s", "can't"}));
  EXPECT_EQ(texts("3.5"), (std::vector<std::string>{"3.5"}));
  // The tatweel-wrapped obfuscation is repaired by the normaliser first: one word.
  EXPECT_EQ(texts("أعقـ.ـاب"), (std::vector<std::string>{"اعقاب"}));
}

// Agreement with ICU's word boundaries on the corpus, except where our rules differ on purpose: URLs,
// e-mails, mentions, hashtags, the split between Arabic and Latin/digits, middle marks between Arabic
// letters, and number separators other than , . ٫ ٬ (; and ، split numbers here).
TEST(TokenizerTest, AgreesWithIcuWordBoundariesOnCorpus) {
  if (!testing::HaveCorpus("egy2013")) GTEST_SKIP() << "shared corpus not found";
  const auto articles = testing::LoadArticles("egy2013", 1000);
  const Tokenizer t;
  std::size_t icu_total = 0, excused = 0;
  std::vector<std::string> disagreements;
  for (const auto& a : articles) {
    const std::string norm = t.normalizer().Normalize(a.title + "\n" + a.text);
    const auto icu = IcuWords(norm);
    std::set<std::pair<std::size_t, std::size_t>> ours;
    std::vector<std::pair<std::size_t, std::size_t>> special;  // spans of url/email/mention/hashtag tokens
    t.Scan(norm, [&](const RawToken& r) {
      ours.emplace(r.begin, r.end);
      if (r.kind == TokenKind::kUrl || r.kind == TokenKind::kEmail || r.kind == TokenKind::kMention ||
          r.kind == TokenKind::kHashtag) {
        special.emplace_back(r.begin, r.end);
      }
    });
    // Connected groups of overlapping spans of either side; a group agrees if both sides have the same spans.
    std::vector<std::pair<std::pair<std::size_t, std::size_t>, int>> all;  // (span, 0 ICU / 1 ours)
    for (const auto& w : icu) all.push_back({w, 0});
    for (const auto& w : ours) all.push_back({w, 1});
    std::sort(all.begin(), all.end());
    icu_total += icu.size();
    for (std::size_t i = 0; i < all.size();) {
      std::size_t j = i, group_end = all[i].first.second;
      std::set<std::pair<std::size_t, std::size_t>> side[2];
      while (j < all.size() && all[j].first.first < group_end) {
        group_end = std::max(group_end, all[j].first.second);
        side[all[j].second].insert(all[j].first);
        ++j;
      }
      const std::size_t b = all[i].first.first;
      i = j;
      if (side[0] == side[1]) continue;
      const std::string seg = norm.substr(b, group_end - b);
      bool ok = HasArabicToOtherChange(seg) || HasMidBetweenArabicLetters(seg);
      for (const auto& s : special) ok = ok || (b < s.second && s.first < group_end);
      for (char32_t sep : {U'\u060C', U';', U'\'', U'\u2019', U'\u066C'}) {
        std::string enc;
        utf8::Append(sep, enc);
        ok = ok || seg.find(enc) != std::string::npos;
      }
      if (ok) {
        ++excused;
      } else {
        disagreements.push_back("[" + seg + "]");
      }
    }
  }
  std::string sample;
  for (std::size_t i = 0; i < disagreements.size() && i < 30; ++i) sample += disagreements[i] + "\n";
  RecordProperty("icu_words", static_cast<int>(icu_total));
  RecordProperty("excused", static_cast<int>(excused));
  EXPECT_GT(icu_total, 10000u);
  EXPECT_TRUE(disagreements.empty()) << disagreements.size() << " unexplained disagreements of " << icu_total
                                     << " ICU words (" << excused << " excused by our rules):\n"
                                     << sample;
}

}  // namespace
}  // namespace akhbar
