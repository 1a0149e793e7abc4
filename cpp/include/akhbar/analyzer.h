// The analyser: normalise, tokenise, drop stop words, stem, build word or character n-grams. Turns a text into
// the terms that vectorisers count.
#ifndef AKHBAR_ANALYZER_H_
#define AKHBAR_ANALYZER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/normalizer.h"
#include "akhbar/stemmer.h"
#include "akhbar/stopwords.h"
#include "akhbar/tokenizer.h"

namespace akhbar {

// Every option of the analyser. The defaults (light stemmer, Arabic stop words) were chosen on the egy2013
// related-articles benchmark (benchmarks/python/quality_analysis.py; see the README).
struct AnalyzerOptions {
  NormalizerOptions normalizer;
  // "word", "char" or "char_wb" (character n-grams inside word boundaries, padded with spaces as scikit-learn).
  // "char" and "char_wb" work on the normalised text exactly as scikit-learn's _char_ngrams and
  // _char_wb_ngrams do; the word options below (stop words, stemmer, token kinds) then do not apply.
  std::string analyzer = "word";
  // n-gram lengths (words for "word", code points otherwise), 1 <= ngram_min <= ngram_max. Word n-grams are
  // joined by one space, in scikit-learn's order (all unigrams, then bigrams, ...).
  int ngram_min = 1;
  int ngram_max = 1;

  // Drop stop words: the union of the built-in `stop_word_lists` ("arabic", "english") and
  // `add_stop_words`, minus `remove_stop_words`, all normalised with `normalizer` (a folded form matches).
  // Only "word" tokens are checked, before stemming.
  bool stop_words = true;
  std::vector<std::string> stop_word_lists = {"arabic"};
  std::vector<std::string> add_stop_words;
  std::vector<std::string> remove_stop_words;

  // "none", "light" (Lucene's Arabic light stemmer) or "snowball" (Snowball's Arabic stemmer). Applies to
  // "word" tokens only.
  std::string stemmer = "light";
  // Words the stemmer leaves alone (normalised with `normalizer` before matching): `protected_words` (by
  // default the built-in list of names, DefaultProtectedWords()) plus `add_protected_words`.
  std::vector<std::string> protected_words = DefaultProtectedWords();
  std::vector<std::string> add_protected_words;

  // Which tokens become terms. Numbers (thousands separators removed), URLs and e-mail addresses, and the
  // proclitics split off Latin or digit tokens (وiPhone -> و + iphone). Words, hashtags and mentions always.
  bool keep_numbers = true;
  bool keep_urls = true;
  bool keep_clitics = false;
};

// The terms of one text, concatenated: term i is bytes[ends[i-1] .. ends[i]) (ends[-1] = 0).
struct TermList {
  std::string bytes;
  std::vector<std::uint32_t> ends;
  std::size_t size() const noexcept { return ends.size(); }
  std::string_view operator[](std::size_t i) const noexcept {
    const std::uint32_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(b, ends[i] - b);
  }
};

// A configured analyser. Immutable after construction; every method is const and thread-safe.
class Analyzer {
 public:
  // Throws InvalidArgument for an invalid option (unknown analyzer, stemmer or stop-word list, bad n-gram
  // range) and InvalidUtf8 for an ill-formed stop or protected word.
  explicit Analyzer(const AnalyzerOptions& options = AnalyzerOptions());
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  const AnalyzerOptions& options() const noexcept;

  // Calls fn(term) for every term of valid UTF-8 `text`, in order. The view is valid only during the call.
  // Throws InvalidUtf8 on ill-formed input. O(n * ngram span); one allocation per text (the normalised text)
  // for unigrams, no allocation per term.
  void ForEachTerm(std::string_view text, const std::function<void(std::string_view)>& fn) const;

  // The terms of `text`, in order.
  std::vector<std::string> Analyze(std::string_view text) const;

  // The terms of `text`, appended to `out` (cleared first).
  void AnalyzeInto(std::string_view text, TermList* out) const;

  // The terms of every text over `n_threads` threads (<= 0: all cores); the same for any thread count.
  // Throws InvalidUtf8 for the first invalid text (by index).
  std::vector<TermList> AnalyzeBatch(const std::vector<std::string_view>& texts, int n_threads = 1) const;

  const Normalizer& normalizer() const noexcept;
  const Tokenizer& tokenizer() const noexcept;
  const StopWords& stop_words() const noexcept;
  const Stemmer& stemmer() const noexcept;

 private:
  enum class Mode { kWord, kChar, kCharWb };
  template <typename Fn>
  void WordTerms(std::string_view norm, Fn&& fn) const;

  AnalyzerOptions options_;
  Mode mode_;
  std::unique_ptr<Tokenizer> tokenizer_;  // holds the normaliser
  StopWords stop_words_;
  std::unique_ptr<Stemmer> stemmer_;
  // Snowball: the tokeniser keeps ة and ى, and terms are folded afterwards as the options ask.
  bool fold_teh_marbuta_ = false;
  bool fold_alef_maksura_ = false;
};

}  // namespace akhbar

#endif  // AKHBAR_ANALYZER_H_
