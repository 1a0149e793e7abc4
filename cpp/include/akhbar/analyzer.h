// The analyser: normalise, tokenise, drop stop words, stem, build word or character n-grams. Turns a text into
// the terms that vectorisers count.
#ifndef AKHBAR_ANALYZER_H_
#define AKHBAR_ANALYZER_H_

#include <algorithm>
#include <array>
#include <bitset>
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

// The options as bytes (a record that saved models keep beside their state), and back: DeserializeAnalyzerOptions
// throws FormatError for bytes that SerializeAnalyzerOptions did not write. AnalyzerOptionsDifference names the
// first option in which two sets differ ("normalizer.fold_alef", "stemmer", ...), or is empty if they are equal.
std::string SerializeAnalyzerOptions(const AnalyzerOptions& options);
AnalyzerOptions DeserializeAnalyzerOptions(std::string_view bytes);
std::string AnalyzerOptionsDifference(const AnalyzerOptions& a, const AnalyzerOptions& b);

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

// The tokens of one text before they become terms, for callers that work once per distinct token (the
// vectorisers memoise token -> term ids): the normalised text and its tokens, as byte ranges of it.
struct TextTokens {
  std::string normalized;
  std::vector<RawToken> tokens;
  std::string_view Surface(const RawToken& t) const noexcept {
    return std::string_view(normalized).substr(t.begin, t.end - t.begin);
  }
};

// Working memory of Analyzer::TokenTerm (one per thread).
struct TermScratch {
  std::string a, b, c;
  std::string word;  // ChunkTerms: the word of a simple chunk
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

  // Token-level access. The terms of a text are a function of its tokens alone: for "word", each token
  // (surface text and kind) has one unigram term or none (TokenTerm), and word n-grams join consecutive
  // unigram terms; for "char_wb", each whitespace-separated word gives its n-grams (WordNgrams). "char"
  // n-grams cross word boundaries and have no token form (token_level() is false).
  bool token_level() const noexcept { return mode_ != Mode::kChar; }
  bool word_level() const noexcept { return mode_ == Mode::kWord; }

  // Normalises valid UTF-8 `text` and stores its tokens in `out` (buffers reused): for "word" every token of
  // the tokeniser (kinds that give no term included), for "char_wb" the words between runs of Python
  // whitespace (kind kWord). Throws InvalidUtf8 on ill-formed input, InvalidArgument for "char". O(n), no
  // allocation once the buffers are large enough.
  void Tokens(std::string_view text, TextTokens* out) const;

  // "word": the unigram term of a token with text `surface` and `kind` (as Tokens gives them); false if the
  // token gives no term (punctuation, a stop word, a kind not kept, an empty stem). *term views `surface` or
  // `scratch`, valid until either changes. A pure function of (surface, kind). O(length).
  bool TokenTerm(std::string_view surface, TokenKind kind, TermScratch* scratch, std::string_view* term) const;

  // "word": calls fn(term) for each term of `chunk`, valid UTF-8 without ASCII whitespace (a piece of text
  // between whitespace, as the memos cut texts), in order: those of Tokens(chunk) through TokenTerm.
  // `tokens` and `scratch` are working memory; a term views them, valid until the next call.
  //
  // The commonest chunk, a word of Arabic letters with punctuation before or after it (`الحكومة،`), takes a
  // quick path (SimpleWord) instead of the normaliser and the tokeniser: about 8 in 10 of the distinct chunks
  // of egy2013.
  template <typename Fn>
  void ChunkTerms(std::string_view chunk, TextTokens* tokens, TermScratch* scratch, Fn&& fn) const;

  // "word": true if `chunk` (as for ChunkTerms) is one word of simple letters between edge punctuation; then
  // *word is the word as normalised (in `buffer`, working memory), and TokenTerm(*word, kWord) is the chunk's one
  // term (or none). A simple letter is a code point of U+0600..U+06FF that the normaliser maps alone to an Arabic
  // letter whatever surrounds it, and that the tokeniser keeps inside a word (with, after a letter, the harakat
  // and tatweel that the options delete); an edge is a punctuation mark that the tokeniser sets apart from the
  // letters before and after it. Both sets are found from the normaliser and the tokeniser themselves when the
  // analyser is made (SetUpSimpleWords), for its options.
  bool SimpleWord(std::string_view chunk, std::string* buffer, std::string_view* word) const;

  // "char_wb": calls fn for every n-gram of `word` (no whitespace in it), in scikit-learn's order. `buffer`
  // is working memory. O(length * ngram span).
  void WordNgrams(std::string_view word, std::string* buffer, const std::function<void(std::string_view)>& fn) const;
  // The same with any callable, called directly (a std::function call per n-gram was 7% of a char_wb fit);
  // `starts` is working memory too.
  template <typename Fn>
  void WbNgrams(std::string_view word, std::string* buffer, std::vector<std::uint32_t>* starts, Fn&& fn) const;

  const Normalizer& normalizer() const noexcept;
  const Tokenizer& tokenizer() const noexcept;
  const StopWords& stop_words() const noexcept;
  const Stemmer& stemmer() const noexcept;

 private:
  enum class Mode { kWord, kChar, kCharWb };
  void SetUpSimpleWords();
  bool IsEdge(char32_t c) const noexcept { return c < edges_.size() && edges_[c]; }
  template <typename Fn>
  void WordTerms(std::string_view text, std::string* norm, Fn&& fn) const;

  AnalyzerOptions options_;
  Mode mode_;
  std::unique_ptr<Tokenizer> tokenizer_;  // holds the normaliser
  StopWords stop_words_;
  std::unique_ptr<Stemmer> stemmer_;
  // Snowball: the tokeniser keeps ة, ى and the alef forms, and terms are folded afterwards as the options ask.
  bool NeedsPostFold(std::string_view term) const;
  bool fold_teh_marbuta_ = false;
  bool fold_alef_maksura_ = false;
  bool fold_alef_ = false;
  // SimpleWord's sets: simple_[c - 0x600] is the letter that code point c normalises to, kDeletedInWord for
  // a mark or tatweel that normalisation deletes after a letter, 0 for the others; edges_[c] tells whether c
  // is an edge.
  static constexpr char16_t kDeletedInWord = 0xFFFF;
  std::array<char16_t, 256> simple_{};
  std::bitset<0x2100> edges_;
};

template <typename Fn>
void Analyzer::ChunkTerms(std::string_view chunk, TextTokens* tokens, TermScratch* scratch, Fn&& fn) const {
  std::string_view word, term;
  if (SimpleWord(chunk, &scratch->word, &word)) {
    if (TokenTerm(word, TokenKind::kWord, scratch, &term)) fn(term);
    return;
  }
  Tokens(chunk, tokens);
  for (const RawToken& t : tokens->tokens) {
    if (TokenTerm(tokens->Surface(t), t.kind, scratch, &term)) fn(term);
  }
}

// scikit-learn's _char_wb_ngrams for one word: n-grams of each length of " " + word + " ", a short word
// counted once.
template <typename Fn>
void Analyzer::WbNgrams(std::string_view word, std::string* w, std::vector<std::uint32_t>* ws, Fn&& fn) const {
  const int min_n = options_.ngram_min, max_n = options_.ngram_max;
  w->assign(1, ' ');
  w->append(word);
  w->push_back(' ');
  ws->clear();
  for (std::size_t k = 0; k < w->size();) {
    ws->push_back(static_cast<std::uint32_t>(k));
    const auto b = static_cast<unsigned char>((*w)[k]);
    k += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;  // (valid UTF-8: the lead byte gives the length)
  }
  ws->push_back(static_cast<std::uint32_t>(w->size()));
  const std::size_t w_len = ws->size() - 1;
  const std::string_view wv(*w);
  const std::uint32_t* st = ws->data();
  for (int n = min_n; n <= max_n; ++n) {
    const std::size_t un = static_cast<std::size_t>(n);
    std::size_t offset = 0;
    auto emit = [&](std::size_t off) {
      const std::size_t e = std::min(off + un, w_len);
      fn(wv.substr(st[off], st[e] - st[off]));
    };
    emit(0);
    while (offset + un < w_len) {
      ++offset;
      emit(offset);
    }
    if (offset == 0) break;
  }
}

}  // namespace akhbar

#endif  // AKHBAR_ANALYZER_H_
