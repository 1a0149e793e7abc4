#include "akhbar/analyzer.h"

#include <algorithm>

#include "akhbar/error.h"
#include "akhbar/parallel.h"
#include "akhbar/serialize.h"
#include "saved_analyzer.h"
#include "akhbar/utf8.h"

namespace akhbar {

namespace {

// Python's str.isspace(), which scikit-learn's \s and str.split() use.
bool IsPySpace(char32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

char32_t DecodeAt(std::string_view s, std::size_t i, int* len) {
  const std::int32_t cp = utf8::Decode(s, i, len);
  return static_cast<char32_t>(cp < 0 ? 0xFFFD : cp);
}

// scikit-learn's _white_spaces.sub(" ", text): runs of two or more whitespace characters become one space.
// Fills `starts` with the byte offset of every code point of the result and a final entry for its size.
void CollapseSpaces(std::string_view s, std::string* out, std::vector<std::uint32_t>* starts) {
  out->clear();
  starts->clear();
  std::size_t i = 0;
  while (i < s.size()) {
    int len = 0;
    const char32_t c = DecodeAt(s, i, &len);
    if (IsPySpace(c)) {
      std::size_t j = i + static_cast<std::size_t>(len);
      int run = 1, l2 = 0;
      while (j < s.size() && IsPySpace(DecodeAt(s, j, &l2))) {
        j += static_cast<std::size_t>(l2);
        ++run;
      }
      starts->push_back(static_cast<std::uint32_t>(out->size()));
      if (run >= 2) {
        out->push_back(' ');
      } else {
        out->append(s.substr(i, static_cast<std::size_t>(len)));
      }
      i = j;
      continue;
    }
    starts->push_back(static_cast<std::uint32_t>(out->size()));
    out->append(s.substr(i, static_cast<std::size_t>(len)));
    i += static_cast<std::size_t>(len);
  }
  starts->push_back(static_cast<std::uint32_t>(out->size()));
}

// scikit-learn's _char_ngrams on text t with code point starts `st` (size L + 1).
template <typename Fn>
void CharNgrams(std::string_view t, const std::vector<std::uint32_t>& st, int min_n, int max_n, Fn&& fn) {
  const std::size_t len = st.size() - 1;
  for (std::size_t n = static_cast<std::size_t>(min_n); n <= static_cast<std::size_t>(max_n) && n <= len; ++n) {
    for (std::size_t i = 0; i + n <= len; ++i) fn(t.substr(st[i], st[i + n] - st[i]));
  }
}

// Calls fn(begin, end) for every maximal run of non-whitespace (Python's str.split()) in valid UTF-8 `s`.
template <typename Fn>
void SplitWords(std::string_view s, Fn&& fn) {
  const std::size_t n = s.size();
  std::size_t i = 0, start = 0;
  bool in_word = false;
  while (i < n) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    bool space;
    int len = 1;
    if (b < 0x80) {
      space = b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
    } else if (b >= 0xD0 && b < 0xE0) {  // U+0400-U+07FF: no whitespace
      space = false;
      len = 2;
    } else {
      space = IsPySpace(DecodeAt(s, i, &len));
    }
    if (space) {
      if (in_word) fn(start, i);
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      start = i;
    }
    i += static_cast<std::size_t>(len);
  }
  if (in_word) fn(start, n);
}

}  // namespace

Analyzer::Analyzer(const AnalyzerOptions& options) : options_(options) {
  if (options_.analyzer == "word") mode_ = Mode::kWord;
  else if (options_.analyzer == "char") mode_ = Mode::kChar;
  else if (options_.analyzer == "char_wb") mode_ = Mode::kCharWb;
  else throw InvalidArgument("unknown analyzer '" + options_.analyzer + "'; valid analyzers: word, char, char_wb");
  if (options_.ngram_min < 1 || options_.ngram_max < options_.ngram_min) {
    throw InvalidArgument("invalid n-gram range (" + std::to_string(options_.ngram_min) + ", " +
                          std::to_string(options_.ngram_max) + "): need 1 <= ngram_min <= ngram_max");
  }
  TokenizerOptions topt;
  topt.normalizer = options_.normalizer;
  if (mode_ == Mode::kWord && options_.stemmer == "snowball") {
    // Snowball's Arabic stemmer reads ة and ى (المدرسة -> مدرس, but المدرسه -> مدرسه) and the hamza on an
    // alef (وأضاف -> اضاف, but واضاف -> واضاف): tokenise without these folds and apply them to each term
    // afterwards.
    fold_teh_marbuta_ = options_.normalizer.fold_teh_marbuta;
    fold_alef_maksura_ = options_.normalizer.fold_alef_maksura;
    fold_alef_ = options_.normalizer.fold_alef;
    topt.normalizer.fold_teh_marbuta = false;
    topt.normalizer.fold_alef_maksura = false;
    topt.normalizer.fold_alef = false;
  }
  tokenizer_ = std::make_unique<Tokenizer>(topt);
  const Normalizer norm(options_.normalizer);  // stop and protected words as the user's options fold them
  for (const auto& name : options_.stop_word_lists) BuiltinStopWords(name);  // validates names even if off
  if (options_.stop_words) {
    // A stop word that is one number as written ("12,500", "١٢٬٥٠٠") is matched by that number's term, which has
    // no thousands separators (12500): both forms go in.
    std::vector<std::string> add = options_.add_stop_words, remove = options_.remove_stop_words;
    for (auto* words : {&add, &remove}) {
      TermScratch scratch;
      std::vector<RawToken> tokens;
      for (std::size_t i = 0, n = words->size(); i < n; ++i) {
        utf8::CheckValid((*words)[i]);
        std::string normalized = tokenizer_->normalizer().Normalize((*words)[i]);
        tokens.clear();
        tokenizer_->ScanText((*words)[i], &normalized, &tokens);
        std::string_view term;
        if (tokens.size() == 1 && tokens[0].kind == TokenKind::kNumber && tokens[0].begin == 0 &&
            tokens[0].end == normalized.size() && TokenTerm(normalized, TokenKind::kNumber, &scratch, &term) &&
            term != normalized) {
          words->emplace_back(term);
        }
      }
    }
    stop_words_ = StopWords(norm, options_.stop_word_lists, add, remove);
  } else {
    for (const auto& w : options_.add_stop_words) utf8::CheckValid(w);
    for (const auto& w : options_.remove_stop_words) utf8::CheckValid(w);
  }
  std::vector<std::string> protected_words;
  for (const auto* list : {&options_.protected_words, &options_.add_protected_words}) {
    for (const auto& w : *list) {
      std::string n = norm.Normalize(w);
      if (!n.empty()) protected_words.push_back(std::move(n));
    }
  }
  stemmer_ = std::make_unique<Stemmer>(ParseStemMethod(options_.stemmer), protected_words);
  if (mode_ == Mode::kWord) SetUpSimpleWords();
}

void Analyzer::SetUpSimpleWords() {
  const Normalizer& norm = tokenizer_->normalizer();
  TextTokens tokens;
  auto utf8_of = [](char32_t c) {
    std::string s;
    utf8::Append(c, s);
    return s;
  };
  // A letter is simple if it normalises alone to one Arabic letter (not the tatweel) and a run of it is one
  // word token. (Normalisation is a map of code points, except NFC, which composes letters with marks only,
  // the obfuscation repair, which needs a tatweel or a mark or a character between letters, and the rules for
  // emoji and invisible characters: none of them applies to a run of letters. The tests check every pair.)
  for (char32_t c = 0x600; c <= 0x6FF; ++c) {
    const std::string alone = norm.Normalize(utf8_of(c));
    int len = 0;
    const std::int32_t m = alone.empty() ? -1 : utf8::Decode(alone, 0, &len);
    if (m < 0x621 || m > 0x64A || m == 0x640 || static_cast<std::size_t>(len) != alone.size()) continue;
    const std::string run = utf8_of(c) + utf8_of(c) + utf8_of(c);
    Tokens(run, &tokens);
    if (tokens.normalized != alone + alone + alone || tokens.tokens.size() != 1 ||
        tokens.tokens[0].kind != TokenKind::kWord || tokens.tokens[0].begin != 0 ||
        tokens.tokens[0].end != tokens.normalized.size()) {
      continue;
    }
    simple_[c - 0x600] = static_cast<char16_t>(m);
  }
  // The harakat and the tatweel, when the options delete them: deleted inside a word whatever surrounds them
  // (they compose with nothing: NFC composes Arabic letters with U+0653..U+0655 only).
  const std::string beh = utf8_of(0x628), beh_norm = norm.Normalize(beh);
  if (simple_[0x628 - 0x600] == 0) return;
  for (char32_t c = 0x640; c <= 0x652; ++c) {
    if (c > 0x640 && c < 0x64B) continue;
    if (!norm.Normalize(utf8_of(c)).empty()) continue;
    Tokens(beh + utf8_of(c) + beh, &tokens);
    if (tokens.normalized != beh_norm + beh_norm || tokens.tokens.size() != 1 ||
        tokens.tokens[0].kind != TokenKind::kWord) {
      continue;
    }
    simple_[c - 0x600] = kDeletedInWord;
  }
  // Edge candidates: the punctuation that news text puts before or after a word. Each must stay itself, be
  // a punctuation token of its own (no term) beside letters, and leave the letters' word whole.
  const std::string word = beh + beh, word_norm = beh_norm + beh_norm;
  static constexpr char32_t kCandidates[] = {'.', ',', ':', ';', '!', '?', '"', '(', ')', '[', ']',
                                             0xAB, 0xBB, 0x60C, 0x61B, 0x61F, 0x2018, 0x2019, 0x201C, 0x201D};
  TermScratch scratch;
  for (const char32_t p : kCandidates) {
    const std::string mark = utf8_of(p);
    if (norm.Normalize(mark) != mark) continue;
    const std::string text = mark + mark + word + mark + mark;
    Tokens(text, &tokens);
    if (tokens.normalized != mark + mark + word_norm + mark + mark) continue;
    bool ok = true;
    std::size_t words = 0;
    for (const RawToken& t : tokens.tokens) {
      std::string_view term;
      if (t.kind == TokenKind::kWord) {
        ok = ok && t.begin == 2 * mark.size() && t.end == 2 * mark.size() + word_norm.size();
        ++words;
      } else {
        ok = ok && t.kind == TokenKind::kPunct && !TokenTerm(tokens.Surface(t), t.kind, &scratch, &term);
      }
    }
    if (ok && words == 1) edges_.set(p);
  }
}

bool Analyzer::SimpleWord(std::string_view chunk, std::string* buffer, std::string_view* word) const {
  const auto* s = reinterpret_cast<const unsigned char*>(chunk.data());
  const std::size_t n = chunk.size();
  auto arabic = [](unsigned char b) { return b >= 0xD8 && b <= 0xDB; };  // lead bytes of U+0600..U+06FF
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  // (A lead byte gives the sequence's length. Ill-formed input takes the long way, which throws InvalidUtf8.)
  auto edge_at = [&](std::size_t i, std::size_t* len) {
    const unsigned char b = s[i];
    char32_t c;
    if (b < 0x80) {
      c = b, *len = 1;
    } else if (b < 0xE0) {
      if (i + 1 >= n || !cont(s[i + 1])) return false;
      c = (static_cast<char32_t>(b & 0x1F) << 6) | (s[i + 1] & 0x3F), *len = 2;
    } else if (b < 0xF0) {
      if (i + 2 >= n || !cont(s[i + 1]) || !cont(s[i + 2])) return false;
      c = (static_cast<char32_t>(b & 0x0F) << 12) | (static_cast<char32_t>(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      *len = 3;
    } else {
      return false;
    }
    return IsEdge(c);
  };
  std::size_t i = 0, len = 0;
  while (i < n && !arabic(s[i]) && edge_at(i, &len)) i += len;
  // The letters, mapped (2 bytes each, as the letters they map to), in a buffer that keeps its size (sizing and
  // cutting a std::string for each chunk were a third of this function's cost).
  if (buffer->size() < n) buffer->resize(n);
  char* const begin = buffer->data();
  char* out = begin;
  for (; i + 1 < n && arabic(s[i]) && cont(s[i + 1]); i += 2) {
    const char16_t m = simple_[((s[i] & 0x1F) << 6 | (s[i + 1] & 0x3F)) - 0x600];
    if (m == kDeletedInWord && out != begin) continue;  // (a mark before any letter: the long way)
    if (m == 0 || m == kDeletedInWord) break;
    *out++ = static_cast<char>(0xC0 | (m >> 6));
    *out++ = static_cast<char>(0x80 | (m & 0x3F));
  }
  if (out == begin) return false;
  *word = std::string_view(begin, static_cast<std::size_t>(out - begin));
  while (i < n && edge_at(i, &len)) i += len;
  return i == n;
}

Analyzer::~Analyzer() = default;

const AnalyzerOptions& Analyzer::options() const noexcept { return options_; }
const Normalizer& Analyzer::normalizer() const noexcept { return tokenizer_->normalizer(); }
const Tokenizer& Analyzer::tokenizer() const noexcept { return *tokenizer_; }
const StopWords& Analyzer::stop_words() const noexcept { return stop_words_; }
const Stemmer& Analyzer::stemmer() const noexcept { return *stemmer_; }

// Folds ة to ه and ى to ي in place (both pairs have the same UTF-8 length) if asked.
// The folds of ة, ى and the alef forms (as the normaliser's fold_teh_marbuta, fold_alef_maksura and fold_alef
// give them) that Snowball's terms get after stemming. All are two-byte letters folded to two-byte letters.
static bool PostFolds(const char* p, bool teh, bool maksura, bool alef) {
  const auto a = static_cast<unsigned char>(p[0]), b = static_cast<unsigned char>(p[1]);
  if (a == 0xD8) return (teh && b == 0xA9) || (alef && (b == 0xA2 || b == 0xA3 || b == 0xA5));  // ة آ أ إ
  if (a == 0xD9) return (maksura && b == 0x89) || (alef && b >= 0xB1 && b <= 0xB3);  // ى ٱ ٲ ٳ
  return teh && a == 0xDB && b == 0x83;  // ۃ
}

static void PostFold(std::string* s, bool teh, bool maksura, bool alef) {
  for (std::size_t i = 0; i + 1 < s->size(); ++i) {
    char* p = &(*s)[i];
    if (!PostFolds(p, teh, maksura, alef)) continue;
    const unsigned char a = static_cast<unsigned char>(p[0]), b = static_cast<unsigned char>(p[1]);
    const bool to_heh = (a == 0xD8 && b == 0xA9) || a == 0xDB;
    const bool to_yeh = a == 0xD9 && b == 0x89;
    p[0] = to_heh || to_yeh ? '\xD9' : '\xD8';
    p[1] = to_heh ? '\x87' : to_yeh ? '\x8A' : '\xA7';  // ه ي ا
    ++i;
  }
}

bool Analyzer::NeedsPostFold(std::string_view s) const {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (PostFolds(&s[i], fold_teh_marbuta_, fold_alef_maksura_, fold_alef_)) return true;
  }
  return false;
}

bool Analyzer::TokenTerm(std::string_view term, TokenKind kind, TermScratch* scratch, std::string_view* out) const {
  const bool post_fold = fold_teh_marbuta_ || fold_alef_maksura_ || fold_alef_;
  std::string& folded = scratch->a;
  if (post_fold && kind == TokenKind::kWord && NeedsPostFold(term)) {
    // Check stop and protected words on the folded form; stem the unfolded one; fold the stem.
    folded.assign(term);
    PostFold(&folded, fold_teh_marbuta_, fold_alef_maksura_, fold_alef_);
    if (!stop_words_.empty() && stop_words_.Contains(folded)) return false;
    if (std::string_view stem; stemmer_->method() != StemMethod::kNone && stemmer_->ProtectedStem(folded, &stem)) {
      folded.assign(stem);
    } else {
      folded.assign(stemmer_->StemView(term, &scratch->b));
      PostFold(&folded, fold_teh_marbuta_, fold_alef_maksura_, fold_alef_);
      if (folded.empty()) return false;
    }
    *out = folded;
    return true;
  }
  if (post_fold && kind != TokenKind::kWord && NeedsPostFold(term)) {
    folded.assign(term);
    PostFold(&folded, fold_teh_marbuta_, fold_alef_maksura_, fold_alef_);
    term = folded;
  }
  switch (kind) {
    case TokenKind::kWord:
      if (!stop_words_.empty() && stop_words_.Contains(term)) return false;
      term = stemmer_->StemView(term, &scratch->b);
      if (term.empty()) return false;
      break;
    case TokenKind::kNumber:
      if (!options_.keep_numbers) return false;
      // Thousands separators (the scanner's `rewrite`): a number holding a separator is rewritten, which
      // changes nothing unless its groups make the separator a thousands separator.
      if (term.find_first_of(",.\xD9") != std::string_view::npos) {
        std::string& number = scratch->b;
        number.clear();
        Tokenizer::AppendTerm(term, RawToken{0, term.size(), kind, true}, &number);
        term = number;
      }
      break;
    case TokenKind::kUrl:
    case TokenKind::kEmail:
      if (!options_.keep_urls) return false;
      break;
    case TokenKind::kClitic:
      if (!options_.keep_clitics) return false;
      break;
    case TokenKind::kPunct:
      return false;
    case TokenKind::kMention:
    case TokenKind::kHashtag:
      break;
  }
  // A number, URL, e-mail, mention or hashtag among the stop words goes too (a user's "12" or "#عاجل" was
  // kept); a proclitic kept by keep_clitics stays, as asked.
  if (kind != TokenKind::kWord && kind != TokenKind::kClitic && !stop_words_.empty()) {
    // (A URL's path keeps its case; the stop words are folded.)
    std::string_view key = term;
    if (kind == TokenKind::kUrl && options_.normalizer.fold_latin) {
      std::string& lower = scratch->c;
      lower.assign(term);
      for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
      key = lower;
    }
    if (stop_words_.Contains(key)) return false;
  }
  *out = term;
  return true;
}

template <typename Fn>
void Analyzer::WordTerms(std::string_view text, std::string* norm, Fn&& fn) const {
  TermScratch scratch;
  std::vector<RawToken> tokens;
  tokenizer_->ScanText(text, norm, &tokens);
  const std::string_view n = *norm;
  for (const RawToken& t : tokens) {
    std::string_view term;
    if (TokenTerm(n.substr(t.begin, t.end - t.begin), t.kind, &scratch, &term)) fn(term);
  }
}

void Analyzer::ForEachTerm(std::string_view text, const std::function<void(std::string_view)>& fn) const {
  std::string norm = tokenizer_->normalizer().Normalize(text);
  const int min_n = options_.ngram_min, max_n = options_.ngram_max;
  if (mode_ == Mode::kWord) {
    if (max_n == 1) {
      WordTerms(text, &norm, fn);
      return;
    }
    TermList tokens;
    WordTerms(text, &norm, [&](std::string_view t) {
      tokens.bytes.append(t);
      tokens.ends.push_back(static_cast<std::uint32_t>(tokens.bytes.size()));
    });
    const std::size_t count = tokens.size();
    int first = min_n;
    if (min_n == 1) {
      for (std::size_t i = 0; i < count; ++i) fn(tokens[i]);
      first = 2;
    }
    std::string joined;
    for (std::size_t n = static_cast<std::size_t>(first); n <= static_cast<std::size_t>(max_n) && n <= count; ++n) {
      for (std::size_t i = 0; i + n <= count; ++i) {
        joined.clear();
        for (std::size_t k = i; k < i + n; ++k) {
          if (k > i) joined.push_back(' ');
          joined.append(tokens[k]);
        }
        fn(joined);
      }
    }
    return;
  }
  if (mode_ == Mode::kChar) {
    std::string t;
    std::vector<std::uint32_t> st;
    CollapseSpaces(norm, &t, &st);
    CharNgrams(t, st, min_n, max_n, fn);
    return;
  }
  // char_wb: for w in text.split(): n-grams of " " + w + " ".
  std::string w;
  std::vector<std::uint32_t> ws;
  SplitWords(norm, [&](std::size_t b, std::size_t e) {
    WbNgrams(std::string_view(norm).substr(b, e - b), &w, &ws, fn);
  });
}

void Analyzer::WordNgrams(std::string_view word, std::string* buffer,
                          const std::function<void(std::string_view)>& fn) const {
  std::vector<std::uint32_t> ws;
  WbNgrams(word, buffer, &ws, fn);
}

void Analyzer::Tokens(std::string_view text, TextTokens* out) const {
  if (mode_ == Mode::kChar) throw InvalidArgument("the \"char\" analyser has no token form");
  std::string& norm = out->normalized;
  tokenizer_->normalizer().NormalizeInto(text, &norm);
  out->tokens.clear();
  if (mode_ == Mode::kWord) {
    tokenizer_->ScanText(text, &norm, &out->tokens);
    return;
  }
  SplitWords(norm, [&](std::size_t b, std::size_t e) {
    out->tokens.push_back(RawToken{b, e, TokenKind::kWord, false});
  });
}

std::vector<std::string> Analyzer::Analyze(std::string_view text) const {
  std::vector<std::string> out;
  ForEachTerm(text, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

void Analyzer::AnalyzeInto(std::string_view text, TermList* out) const {
  out->bytes.clear();
  out->ends.clear();
  ForEachTerm(text, [&](std::string_view t) {
    out->bytes.append(t);
    out->ends.push_back(static_cast<std::uint32_t>(out->bytes.size()));
  });
}

std::vector<TermList> Analyzer::AnalyzeBatch(const std::vector<std::string_view>& texts, int n_threads) const {
  for (std::size_t i = 0; i < texts.size(); ++i) {  // the first invalid text by index, for any thread count
    ForText("text", i, [&] { utf8::CheckValid(texts[i]); });
  }
  std::vector<TermList> out(texts.size());
  ParallelFor(texts.size(), n_threads, 64, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) AnalyzeInto(texts[i], &out[i]);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Options as bytes

namespace {

constexpr std::uint32_t kOptionsVersion = 2;  // 2: normalizer.strip_accents

// Calls f(name, a.field, b.field) for every option, in the order of the saved record (append new ones at the end,
// with a new kOptionsVersion).
template <typename Options, typename F>
void ForEachOption(Options& a, Options& b, F&& f) {
  f("normalizer.unicode", a.normalizer.unicode, b.normalizer.unicode);
  f("normalizer.remove_diacritics", a.normalizer.remove_diacritics, b.normalizer.remove_diacritics);
  f("normalizer.remove_tatweel", a.normalizer.remove_tatweel, b.normalizer.remove_tatweel);
  f("normalizer.fold_alef", a.normalizer.fold_alef, b.normalizer.fold_alef);
  f("normalizer.fold_alef_maksura", a.normalizer.fold_alef_maksura, b.normalizer.fold_alef_maksura);
  f("normalizer.fold_teh_marbuta", a.normalizer.fold_teh_marbuta, b.normalizer.fold_teh_marbuta);
  f("normalizer.fold_persian", a.normalizer.fold_persian, b.normalizer.fold_persian);
  f("normalizer.fold_hamza_carriers", a.normalizer.fold_hamza_carriers, b.normalizer.fold_hamza_carriers);
  f("normalizer.ascii_digits", a.normalizer.ascii_digits, b.normalizer.ascii_digits);
  f("normalizer.remove_invisible", a.normalizer.remove_invisible, b.normalizer.remove_invisible);
  f("normalizer.normalize_whitespace", a.normalizer.normalize_whitespace, b.normalizer.normalize_whitespace);
  f("normalizer.keep_newlines", a.normalizer.keep_newlines, b.normalizer.keep_newlines);
  f("normalizer.repair_obfuscation", a.normalizer.repair_obfuscation, b.normalizer.repair_obfuscation);
  f("normalizer.fold_latin", a.normalizer.fold_latin, b.normalizer.fold_latin);
  f("analyzer", a.analyzer, b.analyzer);
  f("ngram_min", a.ngram_min, b.ngram_min);
  f("ngram_max", a.ngram_max, b.ngram_max);
  f("stop_words", a.stop_words, b.stop_words);
  f("stop_word_lists", a.stop_word_lists, b.stop_word_lists);
  f("add_stop_words", a.add_stop_words, b.add_stop_words);
  f("remove_stop_words", a.remove_stop_words, b.remove_stop_words);
  f("stemmer", a.stemmer, b.stemmer);
  f("protected_words", a.protected_words, b.protected_words);
  f("add_protected_words", a.add_protected_words, b.add_protected_words);
  f("keep_numbers", a.keep_numbers, b.keep_numbers);
  f("keep_urls", a.keep_urls, b.keep_urls);
  f("keep_clitics", a.keep_clitics, b.keep_clitics);
  // (version 2)
  f("normalizer.strip_accents", a.normalizer.strip_accents, b.normalizer.strip_accents);
}

// Whether the record of `version` holds option `name`: version 1 ends before strip_accents (off in the models it
// saved).
bool InVersion(const char* name, std::uint32_t version) {
  return version >= 2 || std::string_view(name) != "normalizer.strip_accents";
}

void PutOption(Writer& w, bool v) { w.Put<std::uint8_t>(v); }
void PutOption(Writer& w, int v) { w.Put<std::int32_t>(v); }
void PutOption(Writer& w, const std::string& v) { w.PutString(v); }
void PutOption(Writer& w, const std::vector<std::string>& v) {
  w.Put<std::uint64_t>(v.size());
  for (const auto& s : v) w.PutString(s);
}

void GetOption(Reader& r, const char* what, bool* v) {
  const auto b = r.Get<std::uint8_t>(what);
  if (b > 1) throw FormatError(std::string("corrupt data: analyser option ") + what + " is not a flag");
  *v = b != 0;
}
void GetOption(Reader& r, const char* what, int* v) { *v = r.Get<std::int32_t>(what); }
void GetOption(Reader& r, const char* what, std::string* v) { *v = std::string(r.GetString(what)); }
void GetOption(Reader& r, const char* what, std::vector<std::string>* v) {
  const std::uint64_t n = r.GetCount(what, sizeof(std::uint64_t));
  v->clear();
  v->reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) v->emplace_back(r.GetString(what));
}

}  // namespace

std::string SerializeAnalyzerOptions(const AnalyzerOptions& options) {
  Writer w;
  // Version 1 (which older akhbar reads) unless an option of version 2 is on.
  const std::uint32_t version = options.normalizer.strip_accents ? 2 : 1;
  w.Put<std::uint32_t>(version);
  ForEachOption(options, options, [&w, version](const char* name, const auto& value, const auto&) {
    if (InVersion(name, version)) PutOption(w, value);
  });
  return std::move(w.bytes());
}

AnalyzerOptions DeserializeAnalyzerOptions(std::string_view bytes) {
  Reader r(bytes);
  const std::uint32_t version = ReadPayloadVersion(r, "analyser options", kOptionsVersion, 1);
  AnalyzerOptions o;
  ForEachOption(o, o, [&r, version](const char* name, auto& value, auto&) {
    if (InVersion(name, version)) GetOption(r, name, &value);
  });
  r.ExpectEnd("analyser options");
  return o;
}

std::string AnalyzerOptionsDifference(const AnalyzerOptions& a, const AnalyzerOptions& b) {
  std::string first;
  ForEachOption(a, b, [&first](const char* name, const auto& x, const auto& y) {
    if (first.empty() && !(x == y)) first = name;
  });
  return first;
}

namespace internal {

void PutAnalyzer(Writer& w, const Analyzer* analyzer) {
  w.Put<std::uint8_t>(analyzer != nullptr);
  if (analyzer != nullptr) w.PutString(SerializeAnalyzerOptions(analyzer->options()));
}

std::shared_ptr<const Analyzer> GetAnalyzer(Reader& r, std::shared_ptr<const Analyzer> given) {
  const auto flag = r.Get<std::uint8_t>("analyser flag");
  if (flag > 1) throw FormatError("corrupt data: analyser flag");
  if (flag == 0) return given;
  const AnalyzerOptions stored = DeserializeAnalyzerOptions(r.GetString("analyser options"));
  if (given != nullptr) {
    const std::string differs = AnalyzerOptionsDifference(given->options(), stored);
    if (!differs.empty()) {
      throw InvalidArgument("the analyser given differs in its option " + differs +
                            " from the one the model was fitted with (pass none to use the stored one)");
    }
    return given;
  }
  try {
    return std::make_shared<const Analyzer>(stored);
  } catch (const InvalidArgument& e) {
    throw FormatError(std::string("corrupt data: analyser options: ") + e.what());
  }
}

}  // namespace internal

}  // namespace akhbar
