#include "akhbar/tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include "akhbar/utf8.h"
#include "char_class.h"
#include "icu_data.h"

namespace akhbar {

namespace {

using text_class::Cls;

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Proclitics split off a Latin or digit token (normalised forms; tatweel stripped before the check).
bool IsProclitic(std::string_view w) {
  static const char* const kClitics[] = {
      "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول", "فب", "فل",
      "وك", "فك", "وبال", "فبال", "وكال", "فكال", "أل", "وأل", "بأل", "فأل", "كأل", "وبأل"};
  for (const char* c : kClitics) {
    if (w == c) return true;
  }
  return false;
}

struct Decoded {
  char32_t cp;
  int len;
  Cls cls;
};

inline Decoded At(std::string_view s, std::size_t i) {
  const unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1, text_class::Ascii(b)};
  if ((b & 0xE0) == 0xC0 && i + 1 < s.size()) {  // two-byte sequences: all of Arabic
    const unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b1 & 0xC0) == 0x80) {
      const char32_t cp = (static_cast<char32_t>(b & 0x1F) << 6) | (b1 & 0x3F);
      return {cp, 2, text_class::Of(cp)};
    }
  }
  int len = 0;
  const std::int32_t cp = utf8::Decode(s, i, &len);
  if (cp < 0) return {0xFFFD, 1, Cls::kOther};
  return {static_cast<char32_t>(cp), len, text_class::Of(static_cast<char32_t>(cp))};
}

inline bool IsWordBase(Cls c) {
  return c == Cls::kArabic || c == Cls::kLetter || c == Cls::kDigit || c == Cls::kUnderscore;
}

bool StartsWithNoCase(std::string_view s, std::size_t i, const char* prefix) {
  const std::size_t n = std::strlen(prefix);
  if (i + n > s.size()) return false;
  for (std::size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

// Characters that end a URL (besides spaces): quotes, angle brackets, Arabic punctuation.
bool EndsUrl(char32_t c) {
  switch (c) {
    case '"': case '<': case '>': case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x060C: case 0x061B:
    case 0x061F: case 0x06D4:
      return true;
    default:
      return false;
  }
}

// Trailing characters trimmed off a URL (sentence punctuation).
bool TrimmedFromUrl(char32_t c) {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case ')': case ']': case '}': case '\'':
    case 0x2019:
      return true;
    default:
      return false;
  }
}

// End of a URL starting at i, or i if there is none. Linear overall: a start is refused before its body is
// scanned, or after a scan of trimmed characters only (none of which starts a URL). (The "www." check came after
// the scan, which read to the next space: "www.-" repeated was quadratic.)
std::size_t MatchUrl(std::string_view s, std::size_t i) {
  std::size_t j;
  if (StartsWithNoCase(s, i, "https://")) {
    j = i + 8;
  } else if (StartsWithNoCase(s, i, "http://")) {
    j = i + 7;
  } else if (StartsWithNoCase(s, i, "www.")) {
    j = i + 4;
    if (j >= s.size() || !IsAsciiAlnum(static_cast<unsigned char>(s[j]))) return i;
  } else {
    return i;
  }
  const std::size_t body = j;
  std::size_t last_keep = j;  // end after the last character that is not trimmed
  int open = 0;               // brackets opened in the URL and not closed yet
  bool in_host = true;        // before the path, query or fragment
  bool ascii_host = false;    // the host has an ASCII letter or digit
  while (j < s.size()) {
    const Decoded d = At(s, j);
    if (d.cls == Cls::kSpace || EndsUrl(d.cp)) break;
    // A closing bracket that closes nothing in the URL closes the text around it: "(المصدر: http://x.com)وأضاف"
    // (Wikipedia's /wiki/Foo_(bar) keeps its pair).
    bool closes = false;  // (then not trimmed: the pair is the URL's)
    if (d.cp == '(' || d.cp == '[' || d.cp == '{') {
      ++open;
    } else if (d.cp == ')' || d.cp == ']' || d.cp == '}') {
      if (open == 0) break;
      --open;
      closes = true;
    }
    if (in_host) {
      if (d.cp == '/' || d.cp == '?' || d.cp == '#') {
        in_host = false;
      } else if (d.cp < 0x80) {
        ascii_host = ascii_host || IsAsciiAlnum(static_cast<unsigned char>(d.cp));
      } else if (ascii_host && d.cls == Cls::kArabic) {
        break;  // an Arabic word glued to a Latin host ("http://x.comقال"); an Arabic host is a host of its own
      }
    }
    j += static_cast<std::size_t>(d.len);
    if (closes || !TrimmedFromUrl(d.cp)) last_keep = j;
  }
  return last_keep == body ? i : last_keep;
}

bool IsEmailLocal(unsigned char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// End of an e-mail address starting at i (local@label.label...), or i. *local_end: the end of the local part's
// run of characters; a match from any start in [i, *local_end) fails if this one does (it reads the same '@'
// and domain), which the caller uses to stay linear on long runs of such characters ("....").
std::size_t MatchEmail(std::string_view s, std::size_t i, std::size_t* local_end) {
  std::size_t j = i;
  while (j < s.size() && IsEmailLocal(static_cast<unsigned char>(s[j]))) ++j;
  *local_end = j;
  if (j == i || j >= s.size() || s[j] != '@') return i;
  std::size_t k = j + 1;
  int labels = 0;
  std::size_t end = i;
  while (true) {
    const std::size_t label = k;
    while (k < s.size() && (IsAsciiAlnum(static_cast<unsigned char>(s[k])) || s[k] == '-')) ++k;
    if (k == label) break;
    ++labels;
    if (labels >= 2) end = k;
    if (k + 1 < s.size() && s[k] == '.' && IsAsciiAlnum(static_cast<unsigned char>(s[k + 1]))) {
      ++k;
    } else {
      break;
    }
  }
  return labels >= 2 ? end : i;
}

// End of a run of word characters (letters, digits, underscores, marks) starting at i; *letters tells whether
// it held a letter.
std::size_t MatchWordChars(std::string_view s, std::size_t i, bool* letters) {
  std::size_t j = i;
  *letters = false;
  while (j < s.size()) {
    const Decoded d = At(s, j);
    if (d.cls == Cls::kArabic || d.cls == Cls::kLetter) {
      *letters = true;
    } else if (d.cls != Cls::kDigit && d.cls != Cls::kUnderscore && !(d.cls == Cls::kExtend && j > i)) {
      break;
    }
    j += static_cast<std::size_t>(d.len);
  }
  return j;
}

bool IsThousandsSep(char32_t c) { return c == ',' || c == 0x066C; }
bool IsDecimalSep(char32_t c) { return c == '.' || c == 0x066B; }

// The separator that acts as a thousands separator in number token `num` (',' or '.' family), or 0.
// ',' / '٬' groups of three digits before at most one decimal point; or '.' used twice or more with groups of
// three and no ','.
int ThousandsKind(std::string_view num) {
  int commas = 0, dots = 0;
  bool commas_ok = true, dots_ok = true, dot_seen = false;
  std::size_t i = 0;
  char32_t pending = 0;
  int group = 0;
  auto close_group = [&]() {
    if (pending == 0) return;
    if (IsThousandsSep(pending)) {
      if (group != 3 || dot_seen) commas_ok = false;
    } else if (group != 3) {
      dots_ok = false;
    }
  };
  while (i < num.size()) {
    const Decoded d = At(num, i);
    if (IsThousandsSep(d.cp)) {
      close_group();
      pending = d.cp;
      group = 0;
      ++commas;
    } else if (IsDecimalSep(d.cp)) {
      close_group();
      pending = d.cp;
      group = 0;
      ++dots;
      dot_seen = true;
    } else if (d.cls == Cls::kDigit) {
      ++group;
    } else {
      return 0;
    }
    i += static_cast<std::size_t>(d.len);
  }
  close_group();
  if (commas > 0 && commas_ok && dots <= 1) return 1;
  if (commas == 0 && dots >= 2 && dots_ok) return 2;
  return 0;
}

}  // namespace

const char* TokenKindName(TokenKind kind) noexcept {
  switch (kind) {
    case TokenKind::kWord: return "word";
    case TokenKind::kNumber: return "number";
    case TokenKind::kUrl: return "url";
    case TokenKind::kEmail: return "email";
    case TokenKind::kMention: return "mention";
    case TokenKind::kHashtag: return "hashtag";
    case TokenKind::kPunct: return "punct";
    case TokenKind::kClitic: return "clitic";
  }
  return "word";
}

Tokenizer::Tokenizer(const TokenizerOptions& options)
    : options_(options), normalizer_(new Normalizer(options.normalizer)) {
  text_class::Init();
}
Tokenizer::~Tokenizer() = default;

const TokenizerOptions& Tokenizer::options() const noexcept { return options_; }
const Normalizer& Tokenizer::normalizer() const noexcept { return *normalizer_; }

namespace {

// Byte offset in a URL's text where its path, query or fragment starts (its length if none). A scheme's "://"
// comes before any '/', '?' or '#' of the rest: one further on is in the path or query (www.x.com/s?u=http://y).
std::size_t UrlPathStart(std::string_view url) {
  constexpr std::size_t npos = std::string_view::npos;
  const std::size_t colon = url.find(':'), first = url.find_first_of("/?#");
  const std::size_t from = colon != npos && colon < first && url.compare(colon, 3, "://") == 0 ? colon + 3 : 0;
  const std::size_t p = url.find_first_of("/?#", from);
  return p == npos ? url.size() : p;
}

// Tokenizer::ScanText's case restoring, for the URL at bytes [begin, end) of the normalised text, written at
// `url` (a copy or the normalised text itself): `source` maps its code points to byte offsets in `text`, `cp_of`
// its bytes to code points. A code point of the path that is the case folding of the one it came from gets that
// one back when both take as many bytes (all of Latin, Greek and Cyrillic; not the few that fold to another
// length, such as the Kelvin sign, which stay folded).
void RestoreUrlCaseAt(std::string_view text, const std::vector<std::uint32_t>& source,
                      const std::vector<std::uint32_t>& cp_of, std::size_t begin, std::size_t end, char* url) {
  const std::string_view folded(url, end - begin);
  for (std::size_t b = begin + UrlPathStart(folded); b < end;) {
    int len = 0, original_len = 0;
    const std::int32_t cp = utf8::Decode(folded, b - begin, &len);
    const std::size_t from = source[cp_of[b]];
    const std::int32_t original = utf8::Decode(text, from, &original_len);
    if (cp >= 0 && original >= 0 && original != cp && original_len == len &&
        static_cast<std::int32_t>(u_foldCase(original, U_FOLD_CASE_DEFAULT)) == cp) {
      std::memcpy(url + (b - begin), text.data() + from, static_cast<std::size_t>(len));
    }
    b += static_cast<std::size_t>(len > 0 ? len : 1);
  }
}

// Whether `text` may hold a capital letter: an ASCII one, or a code point outside the Arabic blocks that case
// folding changes. (The case of URLs is restored only then: it normalises the text again, with its map.)
bool MayHoldCapitals(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') return true;
      ++i;
      continue;
    }
    if (c >= 0xD8 && c <= 0xDB) {  // (U+0600-U+06FF: Arabic)
      i += 2;
      continue;
    }
    int len = 0;
    const std::int32_t cp = utf8::Decode(text, i, &len);
    if (cp >= 0 && u_hasBinaryProperty(cp, UCHAR_CHANGES_WHEN_CASEFOLDED)) return true;
    i += static_cast<std::size_t>(len > 0 ? len : 1);
  }
  return false;
}

}  // namespace

void Tokenizer::ScanText(std::string_view text, std::string* normalized, std::vector<RawToken>* out) const {
  const std::size_t first = out->size();
  ScanInto(*normalized, out);
  if (!options_.normalizer.fold_latin) return;
  bool any = false;
  for (std::size_t k = first; k < out->size(); ++k) any = any || (*out)[k].kind == TokenKind::kUrl;
  if (!any || !MayHoldCapitals(text)) return;
  std::vector<std::uint32_t> source;
  const std::string again = normalizer_->Normalize(text, &source);
  if (again != *normalized) throw std::logic_error("ScanText: the normalised text is not that of the text");
  const std::vector<std::uint32_t> cp_of = utf8::ByteToCodePointIndex(again);
  for (std::size_t k = first; k < out->size(); ++k) {
    const RawToken& t = (*out)[k];
    if (t.kind == TokenKind::kUrl) RestoreUrlCaseAt(text, source, cp_of, t.begin, t.end, &(*normalized)[t.begin]);
  }
}

namespace {

// The end of a punctuation or symbol token that starts with `d` at `pos`, as UAX #29 keeps it whole: with the
// marks, variation selectors and emoji modifiers after it (WB4), each ZWJ and the pictograph it joins (WB3c: a
// family or profession emoji) and, for a regional indicator, the second one of its flag (WB15).
std::size_t SymbolEnd(std::string_view s, std::size_t pos, const Decoded& d) {
  auto regional = [](char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; };
  const std::size_t n = s.size();
  std::size_t e = pos + static_cast<std::size_t>(d.len);
  auto extend = [&] {
    while (e < n) {
      const Decoded next = At(s, e);
      if (next.cls != Cls::kExtend) break;
      e += static_cast<std::size_t>(next.len);
      if (next.cp == 0x200D && e < n) {
        const Decoded joined = At(s, e);
        if (u_hasBinaryProperty(static_cast<UChar32>(joined.cp), UCHAR_EXTENDED_PICTOGRAPHIC)) {
          e += static_cast<std::size_t>(joined.len);
        }
      }
    }
  };
  extend();
  if (regional(d.cp) && e < n) {  // (WB4 first: a mark between the two does not part them)
    const Decoded next = At(s, e);
    if (regional(next.cp)) {
      e += static_cast<std::size_t>(next.len);
      extend();
    }
  }
  return e;
}

}  // namespace

namespace {

// Whether the code point before `pos` is an ASCII letter, digit or underscore: then a '@' or '#' at `pos` starts no
// mention or hashtag (foo@bar.com with e-mails off, C#), as on social media. (After an Arabic letter one does:
// the letter may be a proclitic, ل#مصر.)
bool AfterAsciiWordChar(std::string_view s, std::size_t pos) {
  if (pos == 0) return false;
  const auto c = static_cast<unsigned char>(s[pos - 1]);
  return IsAsciiAlnum(c) || c == '_';
}

}  // namespace

namespace {

// Whether quotes or an opening bracket start at `pos` and a letter or digit follows them (لـ"بايدن", ب«الوطن»,
// و(الأهرام): the Arabic before them is a proclitic glued to the quoted word. Both directions of quotes count:
// Arabic sites write »الوطن« as well as «الوطن».
bool QuotedWordAt(std::string_view s, std::size_t pos) {
  std::size_t quotes = 0;
  while (pos < s.size() && quotes < 3) {
    const Decoded d = At(s, pos);
    switch (d.cp) {
      case U'"': case U'\'': case U'(': case U'[': case 0x00AB: case 0x00BB: case 0x2018: case 0x2019:
      case 0x201C: case 0x201D: case 0x201E:
        ++quotes;
        pos += static_cast<std::size_t>(d.len);
        continue;
      default: break;
    }
    break;
  }
  if (quotes == 0 || pos >= s.size()) return false;
  const Cls next = At(s, pos).cls;
  return next == Cls::kArabic || next == Cls::kLetter || next == Cls::kDigit;
}

}  // namespace

std::size_t Tokenizer::TagEnd(std::string_view s, std::size_t pos) const {
  if (pos >= s.size() || !((s[pos] == '#' && options_.hashtags) || (s[pos] == '@' && options_.mentions)) ||
      AfterAsciiWordChar(s, pos)) {
    return pos;
  }
  bool letters = false;
  const std::size_t e = MatchWordChars(s, pos + 1, &letters);
  return e > pos + 1 && (letters || s[pos] == '@') ? e : pos;
}

template <typename Fn>
void Tokenizer::ScanImpl(std::string_view s, Fn&& fn) const {
  const std::size_t n = s.size();
  std::size_t pos = 0;
  std::size_t no_email_before = 0;  // no e-mail address starts before this (see MatchEmail)
  while (pos < n) {
    const Decoded d = At(s, pos);
    if (d.cls == Cls::kSpace) {
      pos += static_cast<std::size_t>(d.len);
      continue;
    }
    // Special tokens.
    if (options_.urls && (d.cp == 'h' || d.cp == 'H' || d.cp == 'w' || d.cp == 'W')) {
      const std::size_t e = MatchUrl(s, pos);
      if (e > pos) {
        fn(RawToken{pos, e, TokenKind::kUrl, false});
        pos = e;
        continue;
      }
    }
    if (options_.emails && pos >= no_email_before && d.cp < 0x80 && IsEmailLocal(static_cast<unsigned char>(d.cp))) {
      std::size_t local_end = pos;
      const std::size_t e = MatchEmail(s, pos, &local_end);
      no_email_before = e > pos ? 0 : local_end;
      if (e > pos) {
        fn(RawToken{pos, e, TokenKind::kEmail, false});
        pos = e;
        continue;
      }
    }
    if (d.cp == '#' || d.cp == '@') {
      const std::size_t e = TagEnd(s, pos);
      if (e > pos) {
        fn(RawToken{pos, e, d.cp == '#' ? TokenKind::kHashtag : TokenKind::kMention, false});
        pos = e;
        continue;
      }
    }
    if (!IsWordBase(d.cls)) {
      // Marks after a space belong to nothing (ICU attaches them to the space).
      if (options_.punct && d.cls != Cls::kExtend) {
        const std::size_t e = SymbolEnd(s, pos, d);
        fn(RawToken{pos, e, TokenKind::kPunct, false});
        pos = e;
        continue;
      }
      pos += static_cast<std::size_t>(d.len);
      continue;
    }
    // A word or number: UAX #29 rules WB4-WB13b, plus the script split.
    const std::size_t start = pos;
    bool any_letter = false, any_digit = false, any_sep = false;
    Cls prev = d.cls;  // class of the last base character
    // Script group of the last base character: 0 Arabic, 1 Latin/other letters and digits, 2 underscore.
    auto group = [](Cls c) { return c == Cls::kArabic ? 0 : (c == Cls::kUnderscore ? 2 : 1); };
    int prev_group = group(d.cls);
    std::size_t split_at = 0;  // set when a script change ends the token
    while (pos < n) {
      // Fast paths (the same steps as the general code below): runs of two-byte Arabic letters and marks after
      // Arabic, of ASCII letters and digits after Latin or digits.
      if (prev_group == 0) {
        while (pos + 1 < n) {
          const unsigned char b0 = static_cast<unsigned char>(s[pos]);
          if ((b0 & 0xE0) != 0xC0) break;
          const Cls c = text_class::Of((static_cast<char32_t>(b0 & 0x1F) << 6) |
                                       (static_cast<unsigned char>(s[pos + 1]) & 0x3F));
          if (c == Cls::kArabic) {
            any_letter = true;
            prev = c;
          } else if (c != Cls::kExtend) {
            break;
          }
          pos += 2;
        }
      } else if (prev_group == 1) {
        while (pos < n) {
          const unsigned char b = static_cast<unsigned char>(s[pos]);
          if (b >= 0x80) break;
          const Cls c = text_class::Ascii(b);
          if (c == Cls::kLetter) {
            any_letter = true;
          } else if (c == Cls::kDigit) {
            any_digit = true;
          } else {
            break;
          }
          prev = c;
          ++pos;
        }
      }
      if (pos >= n) break;
      const Decoded c = At(s, pos);
      if (c.cls == Cls::kExtend) {
        pos += static_cast<std::size_t>(c.len);
        continue;
      }
      if (IsWordBase(c.cls)) {
        const int g = group(c.cls);
        if (pos > start && g != 2 && prev_group != 2 && g != prev_group) {
          split_at = pos;
          break;
        }
        if (c.cls == Cls::kArabic || c.cls == Cls::kLetter) any_letter = true;
        if (c.cls == Cls::kDigit) any_digit = true;
        prev = c.cls;
        prev_group = g;
        pos += static_cast<std::size_t>(c.len);
        continue;
      }
      // A single middle character between two letters or two digits (WB6/7, WB11/12). Not between Arabic
      // letters: Arabic writes no abbreviation or elision with one (د.محمد is "Dr. Mohamed", قال.وأضاف two
      // sentences with the space lost), so the mark splits there.
      const bool letter_mid = prev == Cls::kLetter &&
                              (c.cls == Cls::kMidLetter || c.cls == Cls::kMidNumLet || c.cls == Cls::kSingleQuote);
      const bool number_mid = prev == Cls::kDigit && (IsThousandsSep(c.cp) || IsDecimalSep(c.cp));
      if (!letter_mid && !number_mid) break;
      std::size_t after = pos + static_cast<std::size_t>(c.len);
      while (after < n) {
        const Decoded e = At(s, after);
        if (e.cls != Cls::kExtend) break;
        after += static_cast<std::size_t>(e.len);
      }
      if (after >= n) break;
      const Decoded next = At(s, after);
      const bool ok = letter_mid ? (next.cls == prev) : (next.cls == Cls::kDigit);
      if (!ok) break;
      if (number_mid) any_sep = true;
      pos = after;
    }
    const std::size_t end = pos;
    if (!any_letter && !any_digit) {
      if (options_.punct) fn(RawToken{start, end, TokenKind::kPunct, false});
      continue;
    }
    TokenKind kind = any_letter ? TokenKind::kWord : TokenKind::kNumber;
    if (prev_group == 0 && options_.split_clitics && (split_at != 0 || TagEnd(s, end) > end || QuotedWordAt(s, end))) {
      // Arabic followed by Latin or digits, by a hashtag or mention (ل#مصر, ك@user), or by a quoted word
      // (لـ"بايدن"): a proclitic?
      std::string_view part = s.substr(start, end - start);
      while (part.size() >= 2 && part.substr(part.size() - 2) == "\xD9\x80") part.remove_suffix(2);  // tatweel
      if (IsProclitic(part)) kind = TokenKind::kClitic;
    }
    const bool rewrite = kind == TokenKind::kNumber && any_sep && ThousandsKind(s.substr(start, end - start)) != 0;
    fn(RawToken{start, end, kind, rewrite});
  }
}

void Tokenizer::Scan(std::string_view normalized, const std::function<void(const RawToken&)>& fn) const {
  ScanImpl(normalized, fn);
}

void Tokenizer::ScanInto(std::string_view normalized, std::vector<RawToken>* out) const {
  ScanImpl(normalized, [out](const RawToken& t) { out->push_back(t); });
}

void Tokenizer::AppendTerm(std::string_view normalized, const RawToken& raw, std::string* out) {
  const std::string_view t = normalized.substr(raw.begin, raw.end - raw.begin);
  if (!raw.rewrite) {
    out->append(t);
    return;
  }
  const int kind = ThousandsKind(t);
  std::size_t i = 0;
  while (i < t.size()) {
    const Decoded d = At(t, i);
    const bool drop = (kind == 1 && IsThousandsSep(d.cp)) || (kind == 2 && IsDecimalSep(d.cp));
    if (!drop) out->append(t.substr(i, static_cast<std::size_t>(d.len)));
    i += static_cast<std::size_t>(d.len);
  }
}

std::vector<Token> Tokenizer::Tokenize(std::string_view text) const {
  std::vector<std::uint32_t> source;
  const std::string norm = normalizer_->Normalize(text, &source);
  const std::vector<std::uint32_t> cp_of = utf8::ByteToCodePointIndex(norm);
  const std::size_t ncp = source.size();
  // Byte length of the original code point at byte offset o.
  auto orig_len = [&](std::size_t o) {
    int len = 0;
    utf8::Decode(text, o, &len);
    return static_cast<std::size_t>(len > 0 ? len : 1);
  };
  std::vector<Token> out;
  const bool url_case = options_.normalizer.fold_latin && MayHoldCapitals(text);
  ScanImpl(std::string_view(norm), [&](const RawToken& raw) {
    Token t;
    AppendTerm(norm, raw, &t.text);
    if (url_case && raw.kind == TokenKind::kUrl) RestoreUrlCaseAt(text, source, cp_of, raw.begin, raw.end, &t.text[0]);
    t.kind = raw.kind;
    const std::size_t first = cp_of[raw.begin];
    const std::size_t last = cp_of[raw.end] - 1;
    const std::size_t next = cp_of[raw.end];
    t.start = source[first];
    const std::size_t last_end = source[last] + orig_len(source[last]);
    std::size_t end = last_end;
    if (next >= ncp || source[next] > source[last]) {
      // Marks and tatweel that normalisation deleted after the token still belong to it (harakat in their
      // presentation forms too, U+FE70-U+FE7F and U+FC5E-U+FC63, which are letters to Unicode), and so does
      // what NFC composed into its last character (a code point with no composition boundary before it: a
      // mark, or a Hangul vowel after its consonant).
      // Invisible format characters the normaliser deleted (ZWNJ, ZWJ, bidi marks) belong to it when such a
      // mark follows them: `m` ZWNJ U+0301 composes to `ḿ`, whose source is all three.
      const std::size_t limit = next < ncp ? source[next] : text.size();
      for (std::size_t scan = end; scan < limit;) {
        int len = 0;
        const std::int32_t cp = utf8::Decode(text, scan, &len);
        if (len <= 0) break;
        scan += static_cast<std::size_t>(len);
        const bool harakat_form = (cp >= 0xFE70 && cp <= 0xFE7F) || (cp >= 0xFC5E && cp <= 0xFC63);
        if (text_class::IsMarkOrTatweel(static_cast<char32_t>(cp)) || harakat_form ||
            !internal::IcuNfc().hasBoundaryBefore(cp)) {
          end = scan;
        } else if (text_class::Of(static_cast<char32_t>(cp)) != text_class::Cls::kExtend) {
          break;
        }
      }
    }
    t.end = end;
    out.push_back(std::move(t));
  });
  return out;
}

std::vector<std::string> Tokenizer::TokenizeToStrings(std::string_view text) const {
  std::string norm = normalizer_->Normalize(text);
  std::vector<RawToken> raws;
  ScanText(text, &norm, &raws);
  std::vector<std::string> out;
  out.reserve(raws.size());
  for (const RawToken& raw : raws) {
    std::string t;
    AppendTerm(norm, raw, &t);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> Tokenize(std::string_view text) {
  static const Tokenizer* const tokenizer = new Tokenizer();
  return tokenizer->TokenizeToStrings(text);
}

}  // namespace akhbar
