#include "akhbar/normalizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <random>
#include <thread>
#include <string>
#include <utility>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "corpus.h"

namespace akhbar {
namespace {

using Flag = bool NormalizerOptions::*;

NormalizerOptions With(std::initializer_list<std::pair<Flag, bool>> changes) {
  NormalizerOptions o;
  for (const auto& [flag, value] : changes) o.*flag = value;
  return o;
}

std::string Cp(char32_t c) {
  std::string s;
  utf8::Append(c, s);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Cases under given options: {name, input, expected, options}.

struct Case {
  const char* name;
  std::string input;
  std::string expected;
  NormalizerOptions options;
};

class CaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(CaseTest, Normalizes) {
  const Case& c = GetParam();
  const Normalizer n(c.options);
  const std::string out = n.Normalize(c.input);
  EXPECT_EQ(out, c.expected);
  EXPECT_EQ(n.Normalize(out), out) << "not idempotent";
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

const NormalizerOptions kDefault;
const NormalizerOptions kKeepAlef = With({{&NormalizerOptions::fold_alef, false}});
const NormalizerOptions kKeepMarks = With({{&NormalizerOptions::remove_diacritics, false}});

INSTANTIATE_TEST_SUITE_P(
    Arabic, CaseTest,
    ::testing::Values(
        // Shadda and tanwin.
        Case{"ShaddaQayyiman", "قيّما", "قيما", kDefault},
        Case{"ShaddaAlbannaa", "البنّاء", "البناء", kDefault},
        Case{"TanwinMiraran", "مراراً", "مرارا", kDefault},
        Case{"ShaddaKeptWhenAsked", "قيّما", "قيّما", kKeepMarks},
        Case{"TanwinKeptWhenAsked", "مراراً", "مراراً", kKeepMarks},
        Case{"SuperscriptAlef", "هٰذا", "هذا", kDefault},
        Case{"QuranicMarks", "قُلْ ۖ هُوَ ۚ اللَّهُ ۗ", "قل هو الله", kDefault},
        Case{"Tatweel", "جمـــيل", "جميل", kDefault},
        // Presentation forms.
        Case{"PresentationLetters", "ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ", "السلام عليكم", kDefault},
        Case{"IsolatedHarakatNoSpace", "ب\uFE7C\uFE76", "ب\u064E\u0651", kKeepMarks},
        Case{"IsolatedHarakatDeleted", "ب\uFE7C \uFE70", "ب", kDefault},
        Case{"MedialTatweelHaraka", "ب\uFE77ب", "ب\u0640\u064Eب",
             With({{&NormalizerOptions::remove_diacritics, false}, {&NormalizerOptions::remove_tatweel, false}})},
        Case{"ShaddaLigatureNoSpace", "ب\uFC60", "ب\u064E\u0651", kKeepMarks},
        Case{"LamAlefHamzaAbove", "\uFEF7", "لأ", kKeepAlef},
        Case{"LamAlefHamzaAboveFinal", "\uFEF8", "لأ", kKeepAlef},
        Case{"LamAlefHamzaBelow", "\uFEF9", "لإ", kKeepAlef},
        Case{"LamAlefMadda", "\uFEF5", "لآ", kKeepAlef},
        Case{"LamAlefPlain", "\uFEFB", "لا", kKeepAlef},
        Case{"LamAlefFolded", "\uFEF7\uFEF9\uFEF5", "لالالا", kDefault},
        Case{"Allah", "\uFDF2", "الله", kDefault},
        Case{"Salla", "\uFDFA", "صلى الله عليه وسلم", With({{&NormalizerOptions::fold_alef_maksura, false}})},
        Case{"SallaFolded", "النبي \uFDFA قال", "النبي صلي الله عليه وسلم قال", kDefault},
        // A ligature of several words is set apart from the letters around it, once.
        Case{"SallaGlued", "النبي\uFDFAقال", "النبي صلي الله عليه وسلم قال", kDefault},
        Case{"JallaGlued", "الله\uFDFB\u200Bو", "الله جل جلاله و", kDefault},
        Case{"SallaGluedKeepSpaces", "ا\uFDFA  b\uFDFA\t", "ا صلي الله عليه وسلم  b صلي الله عليه وسلم\t",
             With({{&NormalizerOptions::normalize_whitespace, false}})},
        // Any whitespace next to it is space enough; the marks after it stay on its last word, then a space.
        Case{"SallaBetweenNbsp", "ب\u00A0\uFDFA\u2028ب", "ب\u00A0صلي الله عليه وسلم\u2028ب",
             With({{&NormalizerOptions::normalize_whitespace, false}})},
        Case{"SallaThenMark", "\uFDFA\u0651ب", "صلي الله عليه وسلم\u0651 ب", kKeepMarks},
        Case{"SallaThenMarkBeyondBmp", "\uFDFA\U0001D17Bب", "صلي الله عليه وسلم\U0001D17B ب", kDefault},
        // The rial sign is the word ريال, set apart as ﷺ's words are (glued, مليون﷼ gave مليونريال).
        // An emoji keycap is its character: 1️⃣ is 1 (the variation selector is invisible, the keycap deleted).
        // strip_accents: the accents of other scripts go (as scikit-learn's strip_accents="unicode"), a mark alone
        // too; Arabic letters keep their hamza (that function makes الرئيس رييس); Hangul stays whole; off by default.
        Case{"StripAccents", "Café Ǖ e\u0301 \u0301 Ελλάδα Ёж الرئيس ؤ 한국 \U0001D165x",
             "cafe u e ελλαδα еж الرئيس ؤ 한국 x", With({{&NormalizerOptions::strip_accents, true}})},
        Case{"AccentsKeptByDefault", "Café Ελλάδα", "café ελλάδα", kDefault},
        Case{"KeycapIsItsCharacter", "1\uFE0F\u20E3 \u0662\u20E3 #\uFE0F\u20E3", "1 2 #", kDefault},
        Case{"RialSignIsAWordOfItsOwn", "مليون\uFDFC 5\uFDFC \uFDFC", "مليون ريال 5 ريال ريال", kDefault},
        Case{"Rial", "100 \uFDFC", "100 ريال", kDefault},
        Case{"PresentationOff", "\uFEFB\uFDF2", "\uFEFB\uFDF2", With({{&NormalizerOptions::unicode, false}})},
        // Hamza composition by NFC.
        Case{"AlefHamzaAbove", "ا\u0654", "أ", kKeepAlef},
        Case{"AlefHamzaBelow", "ا\u0655", "إ", kKeepAlef},
        Case{"AlefMadda", "ا\u0653", "آ", kKeepAlef},
        Case{"WawHamza", "و\u0654", "ؤ", kDefault},
        Case{"YehHamza", "ي\u0654", "ئ", kDefault},
        Case{"AlefHamzaThenFold", "ا\u0654حمد", "احمد", kDefault},
        Case{"HamzaAcrossFatha", "ا\u064E\u0654", "\u0623\u064E", With({{&NormalizerOptions::fold_alef, false},
                                                                 {&NormalizerOptions::remove_diacritics, false}})},
        Case{"MarksReordered", "ب\u0651\u0650", "ب\u0650\u0651", kKeepMarks},
        Case{"MarksReorderedAfterDeletion", "ب\u0651\u200D\u0650", "ب\u0650\u0651", kKeepMarks},
        // Letter folds.
        Case{"AlefVariants", "أ إ آ ٱ ٲ ٳ", "ا ا ا ا ا ا", kDefault},
        Case{"AlefMaksura", "على مستشفى", "علي مستشفي", kDefault},
        Case{"TehMarbuta", "مدرسة جميلة", "مدرسه جميله", kDefault},
        Case{"PersianKaf", "کتاب", "كتاب", kDefault},
        Case{"PersianYeh", "ایران", "ايران", kDefault},
        Case{"YehBarree", "ے", "ي", kDefault},
        Case{"Ae", "ە", "ه", kDefault},
        Case{"HehYehAbove", "ۀ", "ه", kDefault},
        Case{"HehGoal", "ہ", "ه", kDefault},
        Case{"HehDoachashmee", "ھ", "ه", kDefault},
        Case{"HamzaCarriersKeptByDefault", "مسؤول بريئة", "مسؤول بريئه", kDefault},
        Case{"HamzaCarriersFolded", "مسؤول بريئة", "مسوول برييه", With({{&NormalizerOptions::fold_hamza_carriers, true}})},
        // Digits and separators.
        Case{"ArabicIndicDigits", "٠١٢٣٤٥٦٧٨٩", "0123456789", kDefault},
        Case{"ExtendedDigits", "۰۱۲۳۴۵۶۷۸۹", "0123456789", kDefault},
        Case{"DecimalSeparator", "٣٫١٤", "3.14", kDefault},
        Case{"ThousandsSeparator", "١٬٠٠٠٬٠٠٠", "1,000,000", kDefault},
        Case{"SeparatorAfterAsciiDigits", "12٫5", "12.5", kDefault},
        Case{"SeparatorAcrossDeleted", "1٫ـ2 3ـ٬4", "1.2 3,4", kDefault},
        Case{"SeparatorNotBetweenDigits", "٫١ ١٫ ب٫١", "٫1 1٫ ب٫1", kDefault},
        Case{"FullwidthDigitsWithSeparator", "１٫２", "1.2", kDefault},
        // Invisible characters.
        Case{"Zwnj", "می\u200Cخواهم", "ميخواهم", kDefault},
        Case{"ZwjBidiBom", "\uFEFF\u200Eنص\u200F\u200D\u061C", "نص", kDefault},
        Case{"EmbeddingsIsolates", "\u202Aa\u202B\u202Cb\u202D\u202E\u2066c\u2067\u2068\u2069", "abc", kDefault},
        Case{"SoftHyphenZwsp", "مع\u00ADلو\u200Bمات\u2060", "معلومات", kDefault},
        Case{"ControlCharacters", std::string("a\x01\x7F") + "b", "ab", kDefault},
        // Whitespace.
        Case{"Nbsp", "قال\u00A0إن", "قال ان", kDefault},
        Case{"RunsCollapse", " \t a \u00A0\u202F\u3000 b \n\r\n ", "a b", kDefault},
        Case{"KeepNewlines", "a \n\n b\u2029c d", "a\nb\nc d", With({{&NormalizerOptions::keep_newlines, true}})},
        // Every line break of Python's splitlines: form feed (a page break) and vertical tab were spaces.
        Case{"KeepNewlinesFormFeed", "a\fb\vc\x1C" "d\x1F" "e", "a\nb\nc\nd e",
             With({{&NormalizerOptions::keep_newlines, true}})},
        Case{"SpacesAroundDeleted", "a \u200B b\u200C ", "a b", kDefault},
        Case{"WhitespaceOff", " a\u00A0 b ", " a\u00A0 b ", With({{&NormalizerOptions::normalize_whitespace, false}})},
        // Obfuscation repair.
        Case{"ObfuscationIssue1", "في أعقـ.ـاب القمة", "في اعقاب القمه", kDefault},
        Case{"ObfuscationIssue2", "وقـ.ـف إطـ.ـلاق النـ.ـار", "وقف اطلاق النار", kDefault},
        Case{"ObfuscationAsterisk", "قتـ*ـل", "قتل", kDefault},
        Case{"ObfuscationHyphen", "مظـ-ـاهرة", "مظاهره", kDefault},
        Case{"ObfuscationLongFiller", "ثـــ..ـ*ـورة", "ثوره", kDefault},
        Case{"ObfuscationWithHaraka", "ثـَ.ـورة", "ثوره", kDefault},
        // With diacritics kept, a haraka on the letter or on the tatweel stopped the repair (the letter had to be the
        // last code point written, and the haraka ended the padding run).
        Case{"ObfuscationKeepsHarakatOnLetterAndTatweel", "أعقَـ.ـاب أعقـَ.ـاب قَّـ.ـتل", "اعقَاب اعقَاب قَّتل",
             With({{&NormalizerOptions::remove_diacritics, false}})},
        // Invisible characters past the BMP (tag characters, variation selectors 17-256) are deleted in a padding run
        // as the BMP's are: they stopped the scan, and the filler stayed.
        Case{"ObfuscationWithTagCharacter", "بـ.\U000E0041ـب بـ\U000E0100.ـب بـ.ـ\U000E0041ب", "بب بب بب", kDefault},
        Case{"ObfuscationWithTagCharacterKeepsTatweel", "بـ.\U000E0041ـب", "بــب",
             With({{&NormalizerOptions::remove_tatweel, false}, {&NormalizerOptions::unicode, false}})},
        Case{"ObfuscationKeepsTatweel", "أعقـ.ـاب", "اعقــاب", With({{&NormalizerOptions::remove_tatweel, false}})},
        Case{"ObfuscationOff", "أعقـ.ـاب", "اعقـ.ـاب", With({{&NormalizerOptions::repair_obfuscation, false},
                                                            {&NormalizerOptions::remove_tatweel, false}})},
        Case{"ObfuscationOffTatweelRemoved", "أعقـ.ـاب", "اعق.اب", With({{&NormalizerOptions::repair_obfuscation, false}})},
        Case{"SentencePunctuationStays", "قال: نعم. ثم ذهب، وعاد! لماذا؟ (غدا) - انتهى.",
             "قال: نعم. ثم ذهب، وعاد! لماذا؟ (غدا) - انتهي.", kDefault},
        Case{"QuoteAfterTatweelStays", "قال لـ\"اليوم\" وبـ«الوطن»", "قال ل\"اليوم\" وب«الوطن»", kDefault},
        Case{"QuoteBetweenTatweelsStays", "لـ«ـبوابة»", "ل«بوابه»", kDefault},
        Case{"PunctuationAfterTatweelNoTatweelAfter", "هـ.ع", "ه.ع", kDefault},
        Case{"PunctuationAtWordEnd", "كلمـ. ـة", "كلم. ه", kDefault},
        Case{"FillerBeforeDigit", "بـ.ـ5", "ب.5", kDefault},
        // Latin.
        Case{"CaseFolding", "Hello WORLD Straße ΣΟΦΙΑ", "hello world strasse σοφια", kDefault},
        Case{"Fullwidth", "ＡＢＣ１２３！", "abc123!", kDefault},
        Case{"LatinKept", "Hello ＡＢＣ", "Hello ＡＢＣ", With({{&NormalizerOptions::fold_latin, false}})},
        Case{"NfcLatin", "e\u0301", "\u00E9", kDefault},
        Case{"Emoji", "خبر 😀 عاجل", "خبر 😀 عاجل", kDefault},
        Case{"Empty", "", "", kDefault},
        Case{"OnlyDeleted", "ـ\u064E\u200F ", "", kDefault}),
    CaseName);

// ---------------------------------------------------------------------------------------------------------
// Every option: the result with the option on and with it off (all others at their defaults).

struct OptionCase {
  const char* name;
  Flag flag;
  std::string input, when_on, when_off;
};

class OptionTest : public ::testing::TestWithParam<OptionCase> {};

TEST_P(OptionTest, OnAndOff) {
  const OptionCase& c = GetParam();
  NormalizerOptions on, off;
  on.*c.flag = true;
  off.*c.flag = false;
  EXPECT_EQ(Normalizer(on).Normalize(c.input), c.when_on);
  EXPECT_EQ(Normalizer(off).Normalize(c.input), c.when_off);
}

INSTANTIATE_TEST_SUITE_P(
    EveryOption, OptionTest,
    ::testing::Values(
        OptionCase{"unicode", &NormalizerOptions::unicode, "\uFEFB \uFDF2 \u0627\u0654", "لا الله ا", "\uFEFB \uFDF2 ا"},
        OptionCase{"remove_diacritics", &NormalizerOptions::remove_diacritics, "م\u064Fح\u064Eم\u064E\u0651د\u064C", "محمد", "م\u064Fح\u064Eم\u064E\u0651د\u064C"},
        OptionCase{"remove_tatweel", &NormalizerOptions::remove_tatweel, "جمـيل", "جميل", "جمـيل"},
        OptionCase{"fold_alef", &NormalizerOptions::fold_alef, "أإآٱ", "اااا", "أإآٱ"},
        OptionCase{"fold_alef_maksura", &NormalizerOptions::fold_alef_maksura, "على", "علي", "على"},
        OptionCase{"fold_teh_marbuta", &NormalizerOptions::fold_teh_marbuta, "مدرسة", "مدرسه", "مدرسة"},
        OptionCase{"fold_persian", &NormalizerOptions::fold_persian, "ک ی ے ە ۀ ہ ھ", "ك ي ي ه ه ه ه", "ک ی ے ە ۀ ہ ھ"},
        OptionCase{"fold_hamza_carriers", &NormalizerOptions::fold_hamza_carriers, "ؤئ", "وي", "ؤئ"},
        OptionCase{"ascii_digits", &NormalizerOptions::ascii_digits, "١٫٥ ۲٬۰۰۰", "1.5 2,000", "١٫٥ ۲٬۰۰۰"},
        OptionCase{"remove_invisible", &NormalizerOptions::remove_invisible, "a\u200Cb\u00AD", "ab", "a\u200Cb\u00AD"},
        OptionCase{"normalize_whitespace", &NormalizerOptions::normalize_whitespace, " a\u00A0\u00A0b\n",
                   "a b", " a\u00A0\u00A0b\n"},
        OptionCase{"keep_newlines", &NormalizerOptions::keep_newlines, "a \r\n b c", "a\nb c", "a b c"},
        OptionCase{"repair_obfuscation", &NormalizerOptions::repair_obfuscation, "أعقـ.ـاب", "اعقاب", "اعق.اب"},
        OptionCase{"fold_latin", &NormalizerOptions::fold_latin, "ABCｄ", "abcd", "ABCｄ"}),
    [](const ::testing::TestParamInfo<OptionCase>& info) { return std::string(info.param.name); });

// Every Unicode space and line break becomes one plain space.
TEST(NormalizerWhitespace, EveryUnicodeSpace) {
  const Normalizer n;
  std::vector<char32_t> spaces = {U'\t', U'\n', U'\v', U'\f', U'\r', 0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0x2028, 0x2029};
  for (char32_t c : {0x20, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
                     0x2009, 0x200A, 0x202F, 0x205F, 0x3000}) {
    spaces.push_back(c);
  }
  for (const char32_t c : spaces) {
    EXPECT_EQ(n.Normalize("ا" + Cp(c) + "ب" + Cp(c) + Cp(c) + "ت"), "ا ب ت") << std::hex << static_cast<int>(c);
    EXPECT_EQ(n.Normalize(Cp(c) + "x" + Cp(c)), "x") << std::hex << static_cast<int>(c);
  }
}

TEST(NormalizerInvisible, EveryInvisibleIsDeleted) {
  const Normalizer n;
  for (const char32_t c : {0x00AD, 0x034F, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B,
                           0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068,
                           0x2069, 0xFEFF}) {
    EXPECT_EQ(n.Normalize("كت" + Cp(c) + "اب"), "كتاب") << std::hex << static_cast<int>(c);
  }
}

// A ZWJ between two emoji makes one emoji of them (a family, a profession) and stays, mapped to itself; any other
// ZWJ is deleted like every invisible character, also one before a pictograph that follows a letter, or one
// whose emoji are parted by a space.
TEST(NormalizerInvisible, ZwjJoiningEmojiStays) {
  const Normalizer n;
  const std::string man = Cp(0x1F468), woman = Cp(0x1F469), girl = Cp(0x1F467), zwj = Cp(0x200D);
  const std::string family = man + zwj + woman + zwj + girl;
  std::vector<std::uint32_t> source;
  EXPECT_EQ(n.Normalize("عائلة " + family, &source), "عائله " + family);
  ASSERT_EQ(source.size(), 11u);
  EXPECT_EQ(source[7], 15u);  // the first ZWJ: its byte offset ("عائلة " is 11 bytes, the man 4)
  EXPECT_EQ(source[9], 22u);
  // A skin tone, then a laptop; a heart whose variation selector goes (the ZWJs around it stay).
  const std::string coder = woman + Cp(0x1F3FD) + zwj + Cp(0x1F4BB);
  EXPECT_EQ(n.Normalize(coder), coder);
  EXPECT_EQ(n.Normalize(woman + zwj + Cp(0x2764) + Cp(0xFE0F) + zwj + man), woman + zwj + Cp(0x2764) + zwj + man);
  // Two ZWJs in a row: one stays.
  EXPECT_EQ(n.Normalize(man + zwj + zwj + woman), man + zwj + woman);
  const std::string beh = "\xD8\xA8", flag = Cp(0x1F1EA) + Cp(0x1F1EC);
  for (const std::string& text : {man + zwj, zwj + man, man + zwj + " " + woman, man + " " + zwj + woman,
                                  beh + zwj + man, man + zwj + beh, flag + zwj + man}) {
    EXPECT_EQ(n.Normalize(text).find(zwj), std::string::npos) << text;
  }
  for (const std::string& text : {family, coder, man + zwj + zwj + woman, man + zwj + " " + woman}) {
    EXPECT_EQ(n.Normalize(n.Normalize(text)), n.Normalize(text)) << text;  // idempotent
  }
  NormalizerOptions keep;
  keep.remove_invisible = false;
  EXPECT_EQ(Normalizer(keep).Normalize("\xD8\xA8" + zwj + man), "\xD8\xA8" + zwj + man);
}

// A run of ZWJs after an emoji that joins nothing: each ZWJ looked ahead to the end of the run (400k took minutes).
// Linear now: the lookahead of one covers the others. The result is unchanged.
TEST(NormalizerInvisible, ARunOfZwjsAfterAnEmojiIsScannedOnce) {
  const Normalizer n;
  const std::string emoji = Cp(0x1F600);
  std::string run;
  for (int k = 0; k < 400000; ++k) run += Cp(0x200D) + (k % 2 ? Cp(0x200B) : "");
  EXPECT_EQ(n.Normalize(emoji + run), emoji);
  EXPECT_EQ(n.Normalize(emoji + run + "x"), emoji + "x");
  EXPECT_EQ(n.Normalize(emoji + run + emoji), emoji + Cp(0x200D) + emoji);
}

TEST(NormalizerPresentation, EveryFormBecomesBaseLetters) {
  const Normalizer n;
  for (char32_t c = 0xFE80; c <= 0xFEFC; ++c) {  // letters and lam-alef
    const std::string out = n.Normalize(Cp(c));
    ASSERT_FALSE(out.empty()) << std::hex << static_cast<int>(c);
    std::size_t i = 0;
    while (i < out.size()) {
      int len;
      const std::int32_t d = utf8::Decode(out, i, &len);
      EXPECT_TRUE(d >= 0x0621 && d <= 0x064A) << std::hex << static_cast<int>(c) << " -> " << d;
      i += static_cast<std::size_t>(len);
    }
  }
  // Isolated harakat forms never leave a space behind, with marks kept or deleted.
  const Normalizer keep(kKeepMarks);
  for (char32_t c = 0xFE70; c <= 0xFE7F; ++c) {
    if (c == 0xFE73 || c == 0xFE75) continue;  // tail fragment, unassigned
    EXPECT_EQ(n.Normalize("ب" + Cp(c) + "ت"), "بت") << std::hex << static_cast<int>(c);
    EXPECT_EQ(keep.Normalize("ب" + Cp(c)).find(' '), std::string::npos) << std::hex << static_cast<int>(c);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Properties over option sets: idempotence on every BMP code point in context, offsets, batch.

class OptionSetTest : public ::testing::TestWithParam<NormalizerOptions> {};

NormalizerOptions AllOff() {
  NormalizerOptions o;
  for (Flag f : {&NormalizerOptions::unicode, &NormalizerOptions::remove_diacritics, &NormalizerOptions::remove_tatweel,
                 &NormalizerOptions::fold_alef, &NormalizerOptions::fold_alef_maksura,
                 &NormalizerOptions::fold_teh_marbuta, &NormalizerOptions::fold_persian,
                 &NormalizerOptions::fold_hamza_carriers, &NormalizerOptions::ascii_digits,
                 &NormalizerOptions::remove_invisible, &NormalizerOptions::normalize_whitespace,
                 &NormalizerOptions::keep_newlines, &NormalizerOptions::repair_obfuscation,
                 &NormalizerOptions::fold_latin, &NormalizerOptions::strip_accents}) {
    o.*f = false;
  }
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    OptionSets, OptionSetTest,
    ::testing::Values(NormalizerOptions(), AllOff(),
                      With({{&NormalizerOptions::fold_hamza_carriers, true}, {&NormalizerOptions::keep_newlines, true}}),
                      With({{&NormalizerOptions::remove_diacritics, false}, {&NormalizerOptions::remove_tatweel, false}}),
                      With({{&NormalizerOptions::unicode, false}, {&NormalizerOptions::remove_invisible, false}}),
                      With({{&NormalizerOptions::normalize_whitespace, false}, {&NormalizerOptions::fold_alef, false},
                            {&NormalizerOptions::ascii_digits, false}}),
                      With({{&NormalizerOptions::strip_accents, true}}),
                      With({{&NormalizerOptions::strip_accents, true}, {&NormalizerOptions::unicode, false},
                            {&NormalizerOptions::fold_latin, false}})));

// Each BMP code point alone and inside Arabic, digit and obfuscation contexts. NormalizeInto, reusing one
// buffer throughout (NFC's slow path included), gives what Normalize gives.
TEST_P(OptionSetTest, IdempotentOnEveryBmpCodePointInContext) {
  const Normalizer n(GetParam());
  int failures = 0;
  std::string into = "stale contents";
  for (char32_t c = 0; c < 0x10000 && failures < 10; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::string s = Cp(c);
    for (const std::string& text : {s, "ب" + s + "ت", "ا" + s + "\u0654", "1" + s + "٫2", "٣٫" + s + "٤",
                                    "بـ" + s + "ـت", "بـ.ـ" + s, s + "ـ.ـب", "a " + s + " \u064E"}) {
      const std::string once = n.Normalize(text);
      n.NormalizeInto(text, &into);
      if (into != once) {
        ADD_FAILURE() << "U+" << std::hex << static_cast<int>(c) << " in '" << text << "': NormalizeInto gives '"
                      << into << "', Normalize '" << once << "'";
        ++failures;
      }
      const std::string twice = n.Normalize(once);
      if (once != twice) {
        ADD_FAILURE() << "U+" << std::hex << static_cast<int>(c) << " in '" << text << "': '" << once << "' then '"
                      << twice << "'";
        ++failures;
      }
    }
  }
}

// Offsets never decrease, are in range and each starts an input code point; for a 1:1 letter they point at it.
TEST_P(OptionSetTest, OffsetsAreMonotoneAndPointAtSources) {
  const Normalizer n(GetParam());
  const std::vector<std::string> texts = {
      "في أعقـ.ـاب القمة", "قيّما  البنّاء\u00A0مراراً", "ﻷ ﷲ ﷺ ﷼ ا\u0654 ب\u0651\u0650", "١٬٠٠٠٫٥ ABC ＡＢ",
      "\u200F\u202Bنص\u202C \r\n\t x", "e\u0301 İ ß 😀", ""};
  for (const std::string& text : texts) {
    std::vector<std::uint32_t> source;
    const std::string out = n.Normalize(text, &source);
    EXPECT_EQ(out, n.Normalize(text));
    ASSERT_EQ(source.size(), utf8::CountCodePoints(out)) << text;
    std::size_t i = 0, k = 0;
    while (i < out.size()) {
      int len;
      const std::int32_t o = utf8::Decode(out, i, &len);
      const std::uint32_t at = source[k];
      ASSERT_LT(at, text.size());
      EXPECT_NE(static_cast<unsigned char>(text[at]) & 0xC0, 0x80) << "offset inside a code point";
      if (k > 0) {
        EXPECT_GE(at, source[k - 1]);
      }
      // A folded or composed Arabic letter must come from the input span that starts at its source (up to
      // the next larger offset): normalising that span alone yields it.
      int in_len;
      const std::int32_t in = utf8::Decode(text, at, &in_len);
      if (o >= 0x0621 && o <= 0x064A && in >= 0x0621 && in <= 0x064A && o != in) {
        std::size_t end = text.size();
        for (std::size_t m = k + 1; m < source.size(); ++m) {
          if (source[m] > at) {
            end = source[m];
            break;
          }
        }
        const std::string span = n.Normalize(text.substr(at, end - at));
        EXPECT_NE(span.find(Cp(static_cast<char32_t>(o))), std::string::npos) << text << " at " << at;
      }
      i += static_cast<std::size_t>(len);
      ++k;
    }
  }
}

TEST_P(OptionSetTest, BatchEqualsOneByOneForAnyThreadCount) {
  const Normalizer n(GetParam());
  std::vector<std::string> texts;
  for (int k = 0; k < 500; ++k) {
    texts.push_back("نص " + std::to_string(k) + " في أعقـ.ـاب\u00A0القمة " + std::string(k % 7, '.') +
                    (k % 3 == 0 ? "ب\u0651\u0650" : "١٫٢"));
  }
  texts.push_back("");
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<std::string> expected;
  for (const auto& t : texts) expected.push_back(n.Normalize(t));
  for (const int threads : {1, 2, 4}) EXPECT_EQ(n.NormalizeBatch(views, threads), expected) << threads;
}

TEST(NormalizerOffsets, ExactOffsets) {
  const Normalizer n(With({{&NormalizerOptions::fold_teh_marbuta, false}, {&NormalizerOptions::fold_alef, false}}));
  std::vector<std::uint32_t> source;
  // "أعقـ.ـاب": bytes أ0 ع2 ق4 ـ6 .8 ـ9 ا11 ب13
  EXPECT_EQ(n.Normalize("أعقـ.ـاب", &source), "أعقاب");
  EXPECT_EQ(source, (std::vector<std::uint32_t>{0, 2, 4, 11, 13}));
  // A space run maps to its first space; NFC composition to its base letter.
  EXPECT_EQ(n.Normalize("ب \u00A0ا\u0654", &source), "ب أ");
  EXPECT_EQ(source, (std::vector<std::uint32_t>{0, 2, 5}));
  // An expansion: every code point of ﷲ maps to it.
  EXPECT_EQ(n.Normalize("x\uFDF2", &source), "xالله");
  EXPECT_EQ(source, (std::vector<std::uint32_t>{0, 1, 1, 1, 1}));
  // Digit separator.
  EXPECT_EQ(n.Normalize("١٫٥", &source), "1.5");
  EXPECT_EQ(source, (std::vector<std::uint32_t>{0, 2, 4}));
}

// ---------------------------------------------------------------------------------------------------------
// Invalid UTF-8: the byte offset of the first bad sequence, from the fast and the slow (NFC) paths.

struct BadUtf8 {
  const char* name;
  std::string text;
  std::size_t offset;
};

class InvalidUtf8Test : public ::testing::TestWithParam<BadUtf8> {};

TEST_P(InvalidUtf8Test, NamesTheByteOffset) {
  const BadUtf8& c = GetParam();
  const Normalizer n;
  for (const std::string& text : {c.text, "e\u0301" + c.text}) {  // the second goes through NFC
    const std::size_t expected = c.offset + (text.size() - c.text.size());
    try {
      n.Normalize(text);
      ADD_FAILURE() << "no exception";
    } catch (const InvalidUtf8& e) {
      EXPECT_EQ(e.byte_offset(), expected);
      EXPECT_NE(std::string(e.what()).find("byte offset " + std::to_string(expected)), std::string::npos) << e.what();
    }
    std::string into;
    EXPECT_THROW(n.NormalizeInto(text, &into), InvalidUtf8);
  }
  const std::vector<std::string_view> batch = {"ok", c.text};
  try {
    n.NormalizeBatch(batch, 2);
    ADD_FAILURE() << "no exception";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(e.byte_offset(), c.offset);
    EXPECT_NE(std::string(e.what()).find("text 1"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Bad, InvalidUtf8Test,
    ::testing::Values(BadUtf8{"Ff", "ab\xFF", 2}, BadUtf8{"LoneContinuation", "ب\x80", 2},
                      BadUtf8{"Overlong2", "a\xC0\xAF", 1}, BadUtf8{"Overlong3", "ب\xE0\x80\xAF", 2},
                      BadUtf8{"Overlong4", "\xF0\x80\x80\xAF", 0}, BadUtf8{"Surrogate", "xy\xED\xA0\x80", 2},
                      BadUtf8{"LowSurrogate", "\xED\xBF\xBF", 0}, BadUtf8{"AboveMax", "ب\xF4\x90\x80\x80", 2},
                      BadUtf8{"F5", "\xF5\x80\x80\x80", 0}, BadUtf8{"Truncated2", "بب\xD8", 4},
                      BadUtf8{"Truncated3", "a\xE2\x82", 1}, BadUtf8{"Truncated4", "\xF0\x9F\x98", 0},
                      BadUtf8{"BadSecondByte", "\xD8\x41", 0}, BadUtf8{"InsideObfuscation", "بـ.\xFF", 5}),
    [](const ::testing::TestParamInfo<BadUtf8>& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------------------------------------
// Real articles from ../shared/data/egy2013 with tatweel, diacritics and NBSP.

TEST(NormalizerCorpus, RealArticlesComeOutClean) {
  if (!testing::HaveCorpus("egy2013")) GTEST_SKIP() << "shared corpus egy2013 absent";
  const std::vector<testing::Article> articles = testing::LoadArticles("egy2013", 4000);
  const Normalizer n;
  int with_tatweel = 0, with_diacritics = 0, with_nbsp = 0, all_three = 0;
  std::vector<std::string_view> texts;
  for (const auto& a : articles) {
    const bool tatweel = a.text.find("\u0640") != std::string::npos;
    const bool nbsp = a.text.find("\u00A0") != std::string::npos;
    bool diacritics = false;
    for (const char* mark : {"\u064B", "\u064C", "\u064D", "\u064E", "\u064F", "\u0650", "\u0651", "\u0652"}) {
      diacritics = diacritics || a.text.find(mark) != std::string::npos;
    }
    with_tatweel += tatweel;
    with_diacritics += diacritics;
    with_nbsp += nbsp;
    all_three += tatweel && diacritics && nbsp;
    if (tatweel || diacritics || nbsp) texts.push_back(a.text);
  }
  // The corpus really has the noise we claim to remove.
  ASSERT_GT(with_tatweel, 50);
  ASSERT_GT(with_diacritics, 50);
  ASSERT_GT(with_nbsp, 50);
  ASSERT_GT(all_three, 5);
  const std::vector<std::string> out = n.NormalizeBatch(texts, 2);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::string& t = out[k];
    EXPECT_EQ(t.find("\u0640"), std::string::npos) << k;
    EXPECT_EQ(t.find("\u00A0"), std::string::npos) << k;
    EXPECT_EQ(t.find("  "), std::string::npos) << k;
    for (const char* mark : {"\u064B", "\u064C", "\u064D", "\u064E", "\u064F", "\u0650", "\u0651", "\u0652"}) {
      EXPECT_EQ(t.find(mark), std::string::npos) << k;
    }
    EXPECT_EQ(n.Normalize(t), t) << "not idempotent: article " << k;
    std::vector<std::uint32_t> source;
    EXPECT_EQ(n.Normalize(texts[k], &source), t);
    EXPECT_EQ(source.size(), utf8::CountCodePoints(t));
  }
}


// ---------------------------------------------------------------------------------------------------------
// The code point path (Latin-1 / UCS-2 / UTF-32 in, UTF-16 out) against the UTF-8 path: the same code points,
// the same offsets (code point indexes instead of byte offsets), the same largest code point.

std::u32string CodePointsOf(const std::string& utf8) {
  std::u32string out;
  for (std::size_t i = 0; i < utf8.size();) {
    int len;
    out.push_back(static_cast<char32_t>(utf8::Decode(utf8, i, &len)));
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::string Utf8Of(std::u16string_view u) {
  std::string out;
  for (std::size_t k = 0; k < u.size(); ++k) {
    char32_t c = u[k];
    if (c >= 0xD800 && c <= 0xDBFF && k + 1 < u.size()) c = 0x10000 + ((c - 0xD800) << 10) + (u[++k] - 0xDC00);
    utf8::Append(c, out);
  }
  return out;
}

// `text` at every width that holds it: the same data as Python would store it, and the wider forms.
struct Widths {
  std::basic_string<std::uint8_t> latin1;
  std::u16string ucs2;
  std::u32string utf32;
  std::vector<CodePointText> views;
};

Widths AllWidths(const std::u32string& cps) {
  Widths w;
  w.utf32 = cps;
  char32_t max = 0;
  for (const char32_t c : cps) max = std::max(max, c);
  for (const char32_t c : cps) {
    w.latin1.push_back(static_cast<std::uint8_t>(c));
    w.ucs2.push_back(static_cast<char16_t>(c));
  }
  if (max < 0x100) w.views.emplace_back(w.latin1.data(), w.latin1.size());
  if (max < 0x10000) w.views.emplace_back(w.ucs2.data(), w.ucs2.size());
  w.views.emplace_back(w.utf32.data(), w.utf32.size());
  return w;
}

// Empty if the code point path agrees with the UTF-8 path on `text`, else what differs.
std::string CodePointPathDiff(const Normalizer& n, const std::string& text) {
  std::vector<std::uint32_t> byte_source;
  const std::string expected = n.Normalize(text, &byte_source);
  const std::vector<std::uint32_t> index = utf8::ByteToCodePointIndex(text);
  std::vector<std::uint32_t> expected_source;
  for (const std::uint32_t b : byte_source) expected_source.push_back(index[b]);
  char32_t expected_max = 0;
  for (const char32_t c : CodePointsOf(expected)) expected_max = std::max(expected_max, c);
  const Widths w = AllWidths(CodePointsOf(text));
  for (const CodePointText& view : w.views) {
    const std::string where = "width " + std::to_string(view.width) + ": ";
    std::u16string out = u"<>";  // appended to, never overwritten
    std::vector<std::uint32_t> source;
    const char32_t max = n.NormalizeToUtf16(view, &out, &source);
    if (out.substr(0, 2) != u"<>") return where + "overwrote the buffer";
    const std::string got = Utf8Of(std::u16string_view(out).substr(2));
    if (got != expected) return where + "'" + got + "' instead of '" + expected + "'";
    if (max != expected_max) return where + "max code point " + std::to_string(max);
    if (source != expected_source) return where + "offsets differ";
    std::u16string plain;
    if (n.NormalizeToUtf16(view, &plain) != max || plain != out.substr(2)) return where + "differs without offsets";
  }
  return "";
}

TEST_P(CaseTest, CodePointPathAgrees) {
  const Case& c = GetParam();
  EXPECT_EQ(CodePointPathDiff(Normalizer(c.options), c.input), "");
}

TEST_P(OptionTest, CodePointPathAgrees) {
  const OptionCase& c = GetParam();
  NormalizerOptions on, off;
  on.*c.flag = true;
  off.*c.flag = false;
  EXPECT_EQ(CodePointPathDiff(Normalizer(on), c.input), "");
  EXPECT_EQ(CodePointPathDiff(Normalizer(off), c.input), "");
}

// Every BMP code point (and a few astral ones) alone and in the contexts of the idempotence test.
TEST_P(OptionSetTest, CodePointPathAgreesOnEveryCodePointInContext) {
  const Normalizer n(GetParam());
  int failures = 0;
  std::vector<char32_t> cps;
  for (char32_t c = 0; c < 0x10000; ++c) {
    if (c < 0xD800 || c > 0xDFFF) cps.push_back(c);
  }
  for (const char32_t c : {0x10000, 0x10400, 0x1D400, 0x1F600, 0x1EE00, 0x1D15E, 0xE0041, 0x10FFFF}) cps.push_back(c);
  for (const char32_t c : cps) {
    if (failures >= 10) break;
    const std::string s = Cp(c);
    for (const std::string& text : {s, "ب" + s + "ت", "ا" + s + "\u0654", "1" + s + "٫2", "٣٫" + s + "٤",
                                    "بـ" + s + "ـت", "بـ.ـ" + s, s + "ـ.ـب", "a " + s + " \u064E", s + "\u00E9 x"}) {
      const std::string diff = CodePointPathDiff(n, text);
      if (!diff.empty()) {
        ADD_FAILURE() << "U+" << std::hex << static_cast<int>(c) << " in '" << text << "': " << diff;
        ++failures;
      }
    }
  }
}

TEST_P(OptionSetTest, CodePointBatchEqualsOneByOneForAnyThreadCount) {
  const Normalizer n(GetParam());
  std::vector<Widths> texts;
  for (int k = 0; k < 300; ++k) {
    const std::string t = "نص " + std::to_string(k) + " في أعقـ.ـاب\u00A0القمة " + std::string(k % 7, '.') +
                          (k % 3 == 0 ? "ب\u0651\u0650" : "١٫٢") + (k % 5 == 0 ? " 😀" : "");
    texts.push_back(AllWidths(CodePointsOf(k % 11 == 0 ? "Latin-1 only \u00E9\u00A0" + std::to_string(k) : t)));
  }
  texts.push_back(AllWidths(U""));
  std::u16string lone = u"ab";
  lone.push_back(0xDC00);
  std::vector<CodePointText> views;
  for (std::size_t k = 0; k < texts.size(); ++k) {
    views.push_back(texts[k].views[k % texts[k].views.size()]);  // mixed widths
    if (k == 100) views.emplace_back(lone.data(), lone.size());  // invalid, at 101
  }
  std::vector<std::u16string> expected;
  std::vector<char32_t> expected_max;
  for (const CodePointText& v : views) {
    std::u16string out;
    char32_t max = 0;
    try {
      max = n.NormalizeToUtf16(v, &out);
    } catch (const InvalidArgument&) {
    }
    expected.push_back(out);
    expected_max.push_back(max);
  }
  Utf16Batch batch;
  for (const int threads : {1, 2, 4}) {
    n.NormalizeBatchToUtf16(views, threads, &batch);
    ASSERT_EQ(batch.size(), views.size());
    for (std::size_t k = 0; k < views.size(); ++k) {
      EXPECT_EQ(batch.text(k), expected[k]) << threads << " threads, text " << k;
      EXPECT_EQ(batch.max_code_point(k), expected_max[k]) << k;
      EXPECT_EQ(batch.invalid_at(k), k == 101 ? 2 : Utf16Batch::kValid) << k;
    }
  }
  // Refilling with fewer texts replaces everything.
  n.NormalizeBatchToUtf16(std::vector<CodePointText>(views.begin(), views.begin() + 3), 2, &batch);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.text(2), expected[2]);
  n.NormalizeBatchToUtf16({}, 2, &batch);
  EXPECT_EQ(batch.size(), 0u);
}

TEST(NormalizerCodePoints, SurrogatesAndOutOfRangeNameTheIndex) {
  const Normalizer n;
  for (const bool through_nfc : {false, true}) {  // e + U+0301 sends the text through ICU
    std::u16string ucs2 = through_nfc ? u"e\u0301\u0628\u0640" : u"\u0628\u0640ab";
    const std::size_t at = ucs2.size();
    ucs2 += u'\xD83D';
    ucs2 += u'\xDE00';  // a pair in UTF-16, but two lone surrogates as code points
    std::u32string utf32(ucs2.begin(), ucs2.end());
    for (const CodePointText& view :
         {CodePointText(ucs2.data(), ucs2.size()), CodePointText(utf32.data(), utf32.size())}) {
      std::u16string out = u"kept";
      std::vector<std::uint32_t> source;
      try {
        n.NormalizeToUtf16(view, &out, &source);
        ADD_FAILURE() << "no exception";
      } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("lone surrogate U+D83D at index " + std::to_string(at)), std::string::npos)
            << e.what();
      }
      EXPECT_EQ(out, u"kept");
    }
  }
  const std::u32string too_big = U"ab\U0010FFFF" + std::u32string(1, static_cast<char32_t>(0x110000));
  std::u16string out;
  EXPECT_THROW(n.NormalizeToUtf16(std::u32string_view(too_big), &out), InvalidArgument);
  CodePointText bad_width{std::u32string_view(too_big)};
  bad_width.width = 3;
  EXPECT_THROW(n.NormalizeToUtf16(bad_width, &out), InvalidArgument);
}

TEST(NormalizerCodePoints, AstralCodePointsBecomePairs) {
  const Normalizer n;
  std::u16string out;
  // Deseret capital letters fold to small ones (U+10400 -> U+10428).
  EXPECT_EQ(n.NormalizeToUtf16(std::u32string_view(U"خبر \U0001F600 \U00010400"), &out), 0x1F600u);
  EXPECT_EQ(Utf8Of(out), "خبر \U0001F600 \U00010428");
  out.clear();
  std::vector<std::uint32_t> source;
  EXPECT_EQ(n.NormalizeToUtf16(std::u32string_view(U"\U00010400A"), &out, &source), 0x10428u);
  EXPECT_EQ(out, u"\U00010428a");
  EXPECT_EQ(source, (std::vector<std::uint32_t>{0, 1}));
}

// Real articles: the code point batch equals the UTF-8 batch, for the storage width Python would pick.
TEST(NormalizerCorpus, CodePointPathAgreesOnRealArticles) {
  if (!testing::HaveCorpus("egy2013")) GTEST_SKIP() << "shared corpus egy2013 absent";
  const std::vector<testing::Article> articles = testing::LoadArticles("egy2013", 3000);
  std::vector<std::string_view> utf8_texts;
  std::vector<Widths> widths;
  for (const auto& a : articles) {
    utf8_texts.push_back(a.text);
    widths.push_back(AllWidths(CodePointsOf(a.text)));
  }
  std::vector<CodePointText> views;
  for (const Widths& w : widths) views.push_back(w.views.front());  // the narrowest
  for (const NormalizerOptions& options : {NormalizerOptions(), AllOff(), kKeepMarks}) {
    const Normalizer n(options);
    const std::vector<std::string> expected = n.NormalizeBatch(utf8_texts, 2);
    Utf16Batch batch;
    n.NormalizeBatchToUtf16(views, 2, &batch);
    int failures = 0;
    for (std::size_t k = 0; k < views.size() && failures < 5; ++k) {
      if (Utf8Of(batch.text(k)) != expected[k] || batch.invalid_at(k) != Utf16Batch::kValid) {
        ADD_FAILURE() << "article " << k;
        ++failures;
      }
    }
    for (std::size_t k = 0; k < 200; ++k) EXPECT_EQ(CodePointPathDiff(n, articles[k].text), "") << k;
  }
}

// Normalisers with the same options share their tables (built once, cached by the options): every option
// still changes the result, from any number of threads at once, and after the cache has let tables go.
TEST(NormalizerTables, EveryOptionKeepsItsOwnTablesWhenShared) {
  const std::string probe =
      "\xEF\xBB\xBB ك\xD9\x8E\xD8\xAA\xD8\xA8 كـتب أحمد على مدرسة \xDA\xA9 مؤتمر ١٢ a\xE2\x80\x8C" "b x  y\nz "
      "أعقـ.ـاب ABC \xC3\xA9";
  const std::vector<Flag> flags = {
      &NormalizerOptions::unicode,           &NormalizerOptions::remove_diacritics, &NormalizerOptions::remove_tatweel,
      &NormalizerOptions::fold_alef,         &NormalizerOptions::fold_alef_maksura, &NormalizerOptions::fold_teh_marbuta,
      &NormalizerOptions::fold_persian,      &NormalizerOptions::fold_hamza_carriers, &NormalizerOptions::ascii_digits,
      &NormalizerOptions::remove_invisible,  &NormalizerOptions::normalize_whitespace, &NormalizerOptions::keep_newlines,
      &NormalizerOptions::repair_obfuscation, &NormalizerOptions::fold_latin,
      &NormalizerOptions::strip_accents};
  auto options = [&](std::size_t i) {  // 0: the defaults, i: flag i - 1 flipped
    NormalizerOptions o;
    if (i > 0) o.*flags[i - 1] = !(o.*flags[i - 1]);
    return o;
  };
  const std::size_t n = flags.size() + 1;
  std::vector<std::string> first(n), again(n);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {  // every thread makes every option set; thread t keeps those with i % 4 == t
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < n; ++i) {
        const std::string out = Normalizer(options(i)).Normalize(probe);
        if (i % 4 == static_cast<std::size_t>(t)) first[i] = out;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (std::size_t i = 0; i < n; ++i) again[i] = Normalizer(options(n - 1 - i)).Normalize(probe);
  std::reverse(again.begin(), again.end());
  EXPECT_EQ(first, again);
  // Each option changes its own part of the probe: all the results differ.
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(first[i], first[j]) << "option sets " << i << " and " << j;
  }
}


// A text that holds code points NFC may change goes the slow way only in the pieces that hold them, cut at single
// spaces between plain letters (one decomposed mark made a whole article 20 to 100 times slower). What the cut
// rests on: for short texts (one piece, the slow way whole), A + " " + B normalises as A and B apart, joined by a
// space, whatever A and B hold between the letters at their ends; and a long text cut into pieces gives those
// pieces' results joined, with offsets into the whole text.
TEST(NormalizerSlowPath, PiecesCutAtASpaceBetweenLettersAreIndependent) {
  const std::vector<std::string> parts = {
      "\xD9\x8E", "\xD9\x93", "\xD9\x94", "\xD9\x95", "\xD9\x80", "\xCC\x81", "e", "\xD8\xA7", "\xD8\xA8", " ", "  ",
      "\xC2\xA0", "\xE2\x80\xA8", "\n", "\xE2\x80\x8B", "\xE2\x80\x8D", "\xF0\x9F\x91\xA8", ".", "-", "\"",
      "\xEF\xB7\xBA", "\xEF\xBB\xB7", "\xE1\x84\x80", "\xE1\x85\xA1", "\xD9\xA3", "\xDB\x8C", "A", "\xCE\xA3"};
  const std::vector<std::string> letters = {"\xD8\xA7", "\xD9\x82", "x", "7", "\xD8\xA9", "\xD9\x8A"};
  std::mt19937 rng(11);
  const auto random_text = [&](int n) {
    std::string t;
    for (int k = 0; k < n; ++k) t += parts[rng() % parts.size()];
    return t;
  };
  for (const bool keep_newlines : {false, true}) {
    for (const bool whitespace : {true, false}) {
      NormalizerOptions o;
      o.keep_newlines = keep_newlines;
      o.normalize_whitespace = whitespace;
      const Normalizer n(o);
      for (int trial = 0; trial < 400; ++trial) {
        const std::string a = random_text(static_cast<int>(rng() % 12)) + letters[rng() % letters.size()];
        const std::string b = letters[rng() % letters.size()] + random_text(static_cast<int>(rng() % 12));
        const std::string na = n.Normalize(a), nb = n.Normalize(b);
        const std::string joined = na.empty() || nb.empty() ? na + nb : na + " " + nb;
        EXPECT_EQ(n.Normalize(a + " " + b), joined) << a << " | " << b;
      }
    }
  }
  // Long: pieces of about 5 KB (each cut again inside), some with marks NFC composes (U+0654 after alef, a decomposed e-acute).
  const Normalizer n;
  std::vector<std::string> pieces;
  std::string whole;
  for (int k = 0; k < 4; ++k) {
    std::string piece = "\xD8\xA8";
    while (piece.size() < 5000) piece += k % 2 == 0 ? " \xD9\x83\xD8\xAA\xD8\xA8" : " \xD8\xA7\xD9\x94\xD9\x82 e\xCC\x81t";
    piece += "\xD8\xA8";
    pieces.push_back(piece);
    whole += (k ? " " : "") + piece;
  }
  std::vector<std::uint32_t> source;
  const std::string out = n.Normalize(whole, &source);
  std::string want;
  std::vector<std::uint32_t> want_source;
  std::size_t at = 0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    if (k) {
      want += " ";
      want_source.push_back(static_cast<std::uint32_t>(at - 1));
    }
    std::vector<std::uint32_t> s;
    want += n.Normalize(pieces[k], &s);
    for (const std::uint32_t x : s) want_source.push_back(static_cast<std::uint32_t>(at) + x);
    at += pieces[k].size() + 1;
  }
  EXPECT_EQ(out, want);
  EXPECT_EQ(source, want_source);
  EXPECT_EQ(out.find("\xD9\x94"), std::string::npos);  // (the hamzas composed, then folded: the slow way ran)
  // Ill-formed UTF-8 in a later piece: the error names its offset in the text, not in the piece (found by the
  // fuzzer).
  std::string bad = "\xD8\xA7\xD9\x94";
  while (bad.size() < 1000) bad += " \xD9\x83\xD8\xAA\xD8\xA8";
  bad += "\xD8";
  try {
    n.Normalize(bad);
    FAIL() << "no error";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(e.byte_offset(), bad.size() - 1);
  }
}

}  // namespace
}  // namespace akhbar
