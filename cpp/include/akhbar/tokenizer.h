// Tokeniser for Arabic news: words, numbers, URLs, e-mail addresses, @mentions, #hashtags and (optionally)
// punctuation, each with its byte range in the ORIGINAL text so that it can be highlighted.
//
// The scanner follows Unicode's word-break rules (UAX #29, as ICU's BreakIterator applies them; a test checks
// agreement on the shared corpus) over ICU character properties, with these deliberate differences:
//  - URLs (http://, https://, www.), e-mail addresses, @mentions and #hashtags are one token each; a hashtag
//    keeps its underscores (#قمة_الرياض);
//  - a change between Arabic script and Latin letters or digits splits a token; if the Arabic part is a
//    proclitic (و ف ب ل ك ال وال فال بال كال لل وب ول فب فل وك وبال ...), it becomes a "clitic" token:
//    وiPhone -> و + iphone, والـCNN -> وال + cnn, و١٢٬٥٠٠ -> و + 12500;
//  - a number keeps its separators (one token), but thousands separators are removed when every group after
//    them has three digits: 12,500 -> 12500, 1,234.5 -> 1234.5, 3.5 stays 3.5;
//  - a middle mark (. ' : · ...) between two Arabic letters splits them: د.محمد -> د + محمد (UAX #29 keeps
//    U.S and can't whole, and so does the scanner for other letters);
//  - punctuation becomes tokens only if asked for (one token per character).
#ifndef AKHBAR_TOKENIZER_H_
#define AKHBAR_TOKENIZER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/normalizer.h"

namespace akhbar {

enum class TokenKind : std::uint8_t {
  kWord = 0,
  kNumber,
  kUrl,
  kEmail,
  kMention,
  kHashtag,
  kPunct,
  kClitic,  // a proclitic split off a Latin or digit token (وiPhone -> و) or a quoted word (لـ"بايدن" -> ل)
};

// "word", "number", "url", "email", "mention", "hashtag", "punct", "clitic".
const char* TokenKindName(TokenKind kind) noexcept;

// A token of an original text: `text` is its normalised form; [start, end) its byte range in the original.
struct Token {
  std::string text;
  TokenKind kind = TokenKind::kWord;
  std::size_t start = 0;
  std::size_t end = 0;
};

struct TokenizerOptions {
  NormalizerOptions normalizer;
  // Emit a "punct" token for every punctuation or symbol character (spaces are never tokens).
  bool punct = false;
  // Recognise URLs, e-mail addresses, @mentions and #hashtags as single tokens. Off: their parts are
  // tokenised as ordinary words (the sigils are punctuation).
  bool urls = true;
  bool emails = true;
  bool mentions = true;
  bool hashtags = true;
  // Split a proclitic off a Latin or digit token (وiPhone -> و + iphone). Off: the two halves still split at
  // the script change, but the Arabic half is a "word".
  bool split_clitics = true;
};

// A token of an already normalised text, as the scanner finds it: [begin, end) bytes of that text. For numbers
// whose thousands separators must be removed, `rewrite` is set (the term is the range without ',' and '٬').
struct RawToken {
  std::size_t begin;
  std::size_t end;
  TokenKind kind;
  bool rewrite;
};

// A configured tokeniser. Construction builds a normaliser (a few milliseconds); afterwards every method is
// const and thread-safe.
class Tokenizer {
 public:
  explicit Tokenizer(const TokenizerOptions& options = TokenizerOptions());
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  const TokenizerOptions& options() const noexcept;
  const Normalizer& normalizer() const noexcept;

  // Normalises valid UTF-8 `text` and returns its tokens in order, with byte offsets into `text`. Tokens never
  // overlap, except those that come from one original code point that normalisation expanded (ﷺ). Throws
  // InvalidUtf8 on ill-formed input. O(n).
  std::vector<Token> Tokenize(std::string_view text) const;

  // The normalised texts of the tokens of `text`.
  std::vector<std::string> TokenizeToStrings(std::string_view text) const;

  // Scans `normalized` (already normalised with any options; must be valid UTF-8) and calls fn for every
  // token, in order, without allocating. The hot path of the analyser. O(n).
  void Scan(std::string_view normalized, const std::function<void(const RawToken&)>& fn) const;

  // As Scan, appending the tokens to `out` (not cleared).
  void ScanInto(std::string_view normalized, std::vector<RawToken>* out) const;

  // Appends the term of `raw` (a token of `normalized`) to `out`: the range itself, or a number without its
  // thousands separators.
  static void AppendTerm(std::string_view normalized, const RawToken& raw, std::string* out);

  // As ScanInto for `*normalized`, the normalised form of `text`, whose URLs then keep the case of their path,
  // query and fragment, which the normaliser's fold_latin lowered: only a URL's scheme and host are
  // case-insensitive (RFC 3986), and t.co/AbC is not t.co/abc. Puts those capitals back into `*normalized`
  // (those whose folding takes as many bytes, which is every ASCII, Latin, Greek and Cyrillic one: the tokens
  // stay valid), normalising `text` again with offsets only when a URL token is there and `text` may hold a
  // capital (an ASCII one, or a code point outside the Arabic blocks that case folding changes). The analyser's
  // paths and TokenizeToStrings scan with it; Tokenize, which has the offsets already, restores the same way
  // without normalising again.
  void ScanText(std::string_view text, std::string* normalized, std::vector<RawToken>* out) const;

 private:
  template <typename Fn>
  void ScanImpl(std::string_view s, Fn&& fn) const;
  // The end of the hashtag or mention at `pos` (one the options ask for), or `pos` if none starts there.
  std::size_t TagEnd(std::string_view s, std::size_t pos) const;

  TokenizerOptions options_;
  std::unique_ptr<Normalizer> normalizer_;
};

// Tokenizes `text` with a default Tokenizer (built once). Convenience for tests and one-off use.
std::vector<std::string> Tokenize(std::string_view text);

}  // namespace akhbar

#endif  // AKHBAR_TOKENIZER_H_
