// Shared by the memo tests (AnalyzerMemo, the vectorisers' memo): random documents built to stress the
// chunking at ASCII whitespace (marks and tatweel at chunk edges, Unicode spaces inside a chunk, obfuscation
// fillers, ligatures that expand to several words, URLs, numbers, clitics, long chunks, astral letters), and
// the analyser option sets to run them under.
#ifndef AKHBAR_TESTS_CPP_MEMO_TEST_UTIL_H_
#define AKHBAR_TESTS_CPP_MEMO_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "akhbar/analyzer.h"

namespace akhbar {
namespace memo_test {

inline const std::vector<std::string> kPieces = {
    "الرئيس", "والرئيس", "الرئيسِ", "الرَّئيس", "الرئيـــس", "أعقـ.ـاب", "أعقـ*ـاب", "القِمَّةِ", "\u064E", "\u0651ب",
    "ـ", "ﷺ", "ﻻ", "ﻷنه", "فلسطين", "بايدن", "المدرسة", "مدرسة", "ى", "على", "في", "من", "وiPhone", "والـCNN",
    "و١٢٬٥٠٠", "12,500", "1,234.5", "3.5", "١٢٣", "#قمة_الرياض", "@user_1", "https://example.com/a?b=1.",
    "www.akhbar.org", "a.b@mail.example.com", "ٱلْحَمْدُ", "کتاب", "یک", "ABC", "Straße", "ﬁle", "ｆｕｌｌ",
    "،", "؛", "؟", "«", "»", "(", ")", ".", "-", "_", "'", "\"", "\u200C", "\u200F", "\u00AD", "e\u0301",
    "المستشفياتوالمؤسساتالحكوميةالكبرى", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "٫", "٬", "ؤ", "ئ", "\u0670", "café",
    "😀", "𝔸rab", "the", "and",
};
inline const std::vector<std::string> kSeparators = {" ", " ", " ", "  ", "\n", "\t", "\r\n", "\v", "\f", "\u00A0",
                                              "\u2003", "\u3000", "\x1C", "", "", "\u200B", "\u0085"};

inline std::vector<std::string> RandomDocs(std::uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<std::string> docs;
  for (int d = 0; d < n; ++d) {
    std::string doc;
    const int len = static_cast<int>(rng() % 40);
    for (int k = 0; k < len; ++k) {
      doc += kPieces[rng() % kPieces.size()];
      doc += kSeparators[rng() % kSeparators.size()];
    }
    docs.push_back(doc);
  }
  return docs;
}

struct Case {
  const char* name;
  AnalyzerOptions options;
};

inline std::vector<Case> Cases() {
  std::vector<Case> cases;
  auto add = [&](const char* name, auto edit) {
    AnalyzerOptions o;
    edit(o);
    cases.push_back({name, o});
  };
  add("word", [](AnalyzerOptions&) {});
  add("word_1_3", [](AnalyzerOptions& o) { o.ngram_max = 3; });
  add("word_2_2", [](AnalyzerOptions& o) { o.ngram_min = o.ngram_max = 2; });
  add("word_3_4", [](AnalyzerOptions& o) { o.ngram_min = 3, o.ngram_max = 4; });
  add("snowball", [](AnalyzerOptions& o) { o.stemmer = "snowball"; o.ngram_max = 2; });
  add("keep_all", [](AnalyzerOptions& o) { o.keep_clitics = true; o.stop_words = false; o.stemmer = "none"; });
  add("custom_lists", [](AnalyzerOptions& o) {
    o.stop_word_lists = {"arabic", "english"};
    o.add_stop_words = {"الرئيس"};
    o.remove_stop_words = {"في"};
    o.add_protected_words = {"المدرسة"};
    o.keep_numbers = false;
    o.keep_urls = false;
  });
  add("raw_spaces", [](AnalyzerOptions& o) {
    o.normalizer.normalize_whitespace = false;
    o.normalizer.remove_diacritics = false;
    o.normalizer.remove_invisible = false;
  });
  add("no_unicode", [](AnalyzerOptions& o) { o.normalizer.unicode = false; o.normalizer.remove_tatweel = false; });
  add("char_wb", [](AnalyzerOptions& o) { o.analyzer = "char_wb"; o.ngram_min = 2; o.ngram_max = 4; });
  add("char_wb_1_1", [](AnalyzerOptions& o) { o.analyzer = "char_wb"; });
  add("char_wb_raw", [](AnalyzerOptions& o) {
    o.analyzer = "char_wb";
    o.ngram_min = 1;
    o.ngram_max = 5;
    o.normalizer.normalize_whitespace = false;
  });
  add("char", [](AnalyzerOptions& o) { o.analyzer = "char"; o.ngram_min = 2; o.ngram_max = 3; });
  return cases;
}

}  // namespace memo_test
}  // namespace akhbar

#endif  // AKHBAR_TESTS_CPP_MEMO_TEST_UTIL_H_
