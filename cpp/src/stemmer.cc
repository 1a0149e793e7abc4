#include "akhbar/stemmer.h"

#include <libstemmer.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <new>

#include "akhbar/error.h"
#include "akhbar/parallel.h"
#include "akhbar/utf8.h"

namespace akhbar {

namespace {

// Arabic letters are two bytes in UTF-8; lengths are counted in code points as Lucene counts UTF-16 units
// (the same for Arabic).
struct Affix {
  std::string_view bytes;
  std::size_t letters;
};

constexpr Affix kPrefixes[] = {{"ال", 2}, {"وال", 3}, {"بال", 3}, {"كال", 3}, {"فال", 3}, {"لل", 2}, {"و", 1}};
constexpr Affix kSuffixes[] = {{"ها", 2}, {"ان", 2}, {"ات", 2}, {"ون", 2}, {"ين", 2},
                               {"يه", 2}, {"ية", 2}, {"ه", 1},  {"ة", 1},  {"ي", 1}};

// Snowball's Arabic stemmer first checks the word's first letters and length (Checks1), then maps single
// characters one by one (Normalize_pre): it deletes the 8 diacritics and tatweel, and turns Arabic-Indic digits
// and presentation forms into digits and letters. Each deletion moves the rest of the word, so a long run of
// such characters is quadratic (a million tatweels: 9 s). For words longer than kLongWord bytes, the same
// mapping is applied here first, in one pass, to all but the first 3 code points; the first 3 are kept (Checks1
// reads them), and tatweels (which Normalize_pre deletes) are put back after them if the word became shorter
// than Checks1's length tests can tell (5). Snowball's mapping then finds nothing more to change but those, and
// the stem is the one it gives the word as it was (tested against libstemmer on words of every kind).
constexpr std::size_t kLongWord = 64;

// The characters Snowball's Normalize_pre deletes: the 8 diacritics U+064B-U+0652 and tatweel.
bool IsHarakaOrTatweel(char32_t cp) { return (cp >= 0x064B && cp <= 0x0652) || cp == 0x0640; }
bool HasHarakaOrTatweel(std::string_view w) {
  // (UTF-8 D9 80 and D9 8B-92; a D9 byte is always a lead byte)
  for (std::size_t i = w.find('\xD9'); i != std::string_view::npos && i + 1 < w.size(); i = w.find('\xD9', i + 1)) {
    const auto b = static_cast<unsigned char>(w[i + 1]);
    if (b == 0x80 || (b >= 0x8B && b <= 0x92)) return true;
  }
  return false;
}

// Normalize_pre's mapping of `cp`: appended to `out` (nothing for a deleted character).
void AppendSnowballPre(char32_t cp, std::string& out) {
  if (IsHarakaOrTatweel(cp)) return;
  if (cp >= 0x0660 && cp <= 0x0669) {
    out.push_back(static_cast<char>('0' + (cp - 0x0660)));
    return;
  }
  if (cp >= 0xFE80 && cp <= 0xFEFC) {
    // The presentation forms by their first code point: each group is one letter's isolated, final,
    // initial and medial forms (as many as it has).
    static constexpr struct {
      char32_t first;
      char32_t letter;
    } kGroups[] = {{0xFE80, 0x0621}, {0xFE81, 0x0622}, {0xFE83, 0x0623}, {0xFE85, 0x0624}, {0xFE87, 0x0625},
                   {0xFE89, 0x0626}, {0xFE8D, 0x0627}, {0xFE8F, 0x0628}, {0xFE93, 0x0629}, {0xFE95, 0x062A},
                   {0xFE99, 0x062B}, {0xFE9D, 0x062C}, {0xFEA1, 0x062D}, {0xFEA5, 0x062E}, {0xFEA9, 0x062F},
                   {0xFEAB, 0x0630}, {0xFEAD, 0x0631}, {0xFEAF, 0x0632}, {0xFEB1, 0x0633}, {0xFEB5, 0x0634},
                   {0xFEB9, 0x0635}, {0xFEBD, 0x0636}, {0xFEC1, 0x0637}, {0xFEC5, 0x0638}, {0xFEC9, 0x0639},
                   {0xFECD, 0x063A}, {0xFED1, 0x0641}, {0xFED5, 0x0642}, {0xFED9, 0x0643}, {0xFEDD, 0x0644},
                   {0xFEE1, 0x0645}, {0xFEE5, 0x0646}, {0xFEE9, 0x0647}, {0xFEED, 0x0648}, {0xFEEF, 0x0649},
                   {0xFEF1, 0x064A}, {0xFEF5, 0x0622}, {0xFEF7, 0x0623}, {0xFEF9, 0x0625}, {0xFEFB, 0x0627}};
    std::size_t g = 0;
    while (g + 1 < std::size(kGroups) && kGroups[g + 1].first <= cp) ++g;
    if (cp >= 0xFEF5) utf8::Append(0x0644, out);  // the lam-alef ligatures: lam, then the alef
    utf8::Append(kGroups[g].letter, out);
    return;
  }
  utf8::Append(cp, out);
}

// `word` (valid UTF-8, longer than kLongWord bytes) with Normalize_pre applied as described above, in `out`.
void SnowballPrepass(std::string_view word, std::string* out) {
  out->clear();
  std::size_t i = 0, cps = 0;
  for (; i < word.size() && cps < 3; ++cps) {
    int len = 0;
    utf8::Decode(word, i, &len);
    i += static_cast<std::size_t>(len);
  }
  const std::size_t head = i;
  out->append(word.data(), head);
  std::size_t total = cps;
  for (; i < word.size(); ++total) {
    int len = 0;
    const std::int32_t cp = utf8::Decode(word, i, &len);
    AppendSnowballPre(static_cast<char32_t>(cp), *out);
    i += static_cast<std::size_t>(len);
  }
  const std::size_t kept = cps + utf8::CountCodePoints(std::string_view(*out).substr(head));
  const std::size_t want = std::min<std::size_t>(total, 5);
  if (kept < want) {
    std::string tatweels;
    for (std::size_t k = kept; k < want; ++k) utf8::Append(0x0640, tatweels);
    out->insert(head, tatweels);
  }
}

bool StartsWith(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

struct SnowballDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

sb_stemmer* ThreadSnowball() {
  thread_local std::unique_ptr<sb_stemmer, SnowballDeleter> stemmer;
  if (!stemmer) {
    stemmer.reset(sb_stemmer_new("arabic", "UTF_8"));
    if (!stemmer) throw Error("libstemmer has no Arabic stemmer (or is out of memory)");
  }
  return stemmer.get();
}

}  // namespace

StemMethod ParseStemMethod(std::string_view method) {
  if (method == "none") return StemMethod::kNone;
  if (method == "light") return StemMethod::kLight;
  if (method == "snowball") return StemMethod::kSnowball;
  throw InvalidArgument("unknown stemmer '" + std::string(method) + "'; valid stemmers: none, light, snowball");
}

const char* StemMethodName(StemMethod method) noexcept {
  switch (method) {
    case StemMethod::kNone: return "none";
    case StemMethod::kLight: return "light";
    case StemMethod::kSnowball: return "snowball";
  }
  return "none";
}

std::vector<std::string> DefaultProtectedWords() {
  static const char* const kNames[] = {
      // People
      "بايدن", "ترامب", "أوباما", "مرسي", "السيسي", "مبارك", "بوتين", "ماكرون", "نتنياهو", "عباس", "أردوغان",
      "الأسد", "بشار", "القذافي", "عرفات", "هنية", "البرادعي", "شفيق", "صباحي", "الجنزوري", "قنديل", "الشاطر",
      "بديع", "العريان", "موسى", "كلينتون", "ميركل", "زيلينسكي",
      // Places and bodies
      "فلسطين", "إسرائيل", "أمريكا", "واشنطن", "روسيا", "سوريا", "ليبيا", "تونس", "اليمن", "لبنان", "السودان",
      "إيران", "تركيا", "أوكرانيا", "الصين", "اليابان", "ألمانيا", "فرنسا", "بريطانيا", "إسبانيا", "إيطاليا",
      "القاهرة", "الإسكندرية", "بورسعيد", "السويس", "الإسماعيلية", "سيناء", "غزة", "الضفة", "القدس", "دمشق",
      "بغداد", "بيروت", "طهران", "أنقرة", "موسكو", "باريس", "لندن", "برلين", "الرياض", "الدوحة", "دبي",
      "حماس", "فتح", "الإخوان", "طالبان", "داعش", "الناتو", "اليونسكو", "يونيسيف",
  };
  // Each name as spelled, then in every other spelling of the letters that the default normaliser folds and
  // news sites write either way: an alef with or without its hamza or madda (أ إ آ / ا), ة or ه, and a final ي or
  // ى (السيسي, السيسى). The default normaliser's form is one of them; with some folding off, the others stay
  // protected. Built once (every AnalyzerOptions starts with a copy).
  static const std::vector<std::string> words = [] {
    const auto replace_all = [](std::string s, std::string_view from, std::string_view to) {
      for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
      }
      return s;
    };
    const auto fold_alef = [&](std::string s) {
      for (const std::string_view a : {"أ", "إ", "آ"}) s = replace_all(std::move(s), a, "ا");
      return s;
    };
    const auto swap_final_yeh = [](std::string s) {
      static constexpr std::string_view kYeh = "ي", kMaksura = "ى";
      if (EndsWith(s, kYeh)) return s.replace(s.size() - kYeh.size(), kYeh.size(), kMaksura);
      if (EndsWith(s, kMaksura)) return s.replace(s.size() - kMaksura.size(), kMaksura.size(), kYeh);
      return s;
    };
    std::vector<std::string> out;
    for (const char* name : kNames) {
      const std::size_t first = out.size();
      std::vector<std::string> forms{name};
      for (const auto& step : std::initializer_list<std::function<std::string(std::string)>>{
               fold_alef, [&](std::string s) { return replace_all(std::move(s), "ة", "ه"); }, swap_final_yeh}) {
        for (std::size_t i = 0, n = forms.size(); i < n; ++i) forms.push_back(step(forms[i]));
      }
      for (auto& f : forms) {
        if (std::find(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), f) == out.end()) {
          out.push_back(std::move(f));
        }
      }
    }
    return out;
  }();
  return words;
}

std::string_view LightStem(std::string_view w) noexcept {
  std::size_t len = utf8::CountCodePoints(w);
  for (const Affix& p : kPrefixes) {
    const bool long_enough = p.letters == 1 ? len >= 4 : len >= p.letters + 2;
    if (long_enough && StartsWith(w, p.bytes)) {
      w.remove_prefix(p.bytes.size());
      len -= p.letters;
      break;
    }
  }
  for (const Affix& s : kSuffixes) {
    if (len >= s.letters + 2 && EndsWith(w, s.bytes)) {
      w.remove_suffix(s.bytes.size());
      len -= s.letters;
    }
  }
  return w;
}

Stemmer::Stemmer(StemMethod method, const std::vector<std::string>& protected_words)
    : method_(method), protected_list_(protected_words) {
  for (const auto& w : protected_list_) {
    utf8::CheckValid(w);
    if (protected_.Insert(w)) stands_for_.push_back(static_cast<std::int64_t>(stands_for_.size()));
  }
  // Each protected word behind the proclitics a news text glues to names: a conjunction (و ف), a preposition
  // (ب ك ل), or both. ل before the article drops the article's alef (ل + القاهره = للقاهره), and its lam too
  // before a word's own lam (ل + اللاذقيه = للاذقيه); as alef folding makes some names start with ال without
  // an article (ألمانيا -> المانيا, لألمانيا -> لالمانيا), ل + the word as it is is a form as well. A form that is
  // already there (a protected word itself, or a form of an earlier one) keeps what it stands for.
  static constexpr std::string_view kArticle = "ال", kLam = "ل";
  const std::size_t n_words = stands_for_.size();
  for (std::size_t k = 0; k < n_words; ++k) {
    const std::string w = protected_.words()[k];
    if (w.empty()) continue;  // (its "forms" would be the bare proclitics, stemmed to nothing)
    const bool article = w.size() > kArticle.size() && w.compare(0, kArticle.size(), kArticle) == 0;
    const bool lam_after = article && w.compare(kArticle.size(), kLam.size(), kLam) == 0;
    const auto add = [&](std::string form) {
      if (protected_.Insert(form)) stands_for_.push_back(static_cast<std::int64_t>(k));
    };
    for (const std::string_view conj : {"", "و", "ف"}) {
      for (const std::string_view prep : {"", "ب", "ك", "ل"}) {
        if (conj.empty() && prep.empty()) continue;
        if (prep == kLam && article) add(std::string(conj).append(lam_after ? "ل" : "لل").append(w, kArticle.size()));
        add(std::string(conj).append(prep).append(w));
      }
    }
  }
  if (method_ == StemMethod::kSnowball) ThreadSnowball();  // fail early if libstemmer lacks Arabic
}

std::string_view Stemmer::StemView(std::string_view word, std::string* scratch) const {
  if (method_ == StemMethod::kNone || word.empty()) return word;
  if (std::string_view stem; ProtectedStem(word, &stem)) return stem;
  if (method_ == StemMethod::kLight) return LightStem(word);
  // Snowball deletes harakat and tatweel before it stems: a protected word written with them (kept by an
  // analyser with remove_diacritics or remove_tatweel off) is protected too.
  if (HasHarakaOrTatweel(word)) {
    scratch->clear();
    for (std::size_t i = 0; i < word.size();) {
      int len = 0;
      const std::int32_t cp = utf8::Decode(word, i, &len);
      if (!IsHarakaOrTatweel(cp)) scratch->append(word, i, static_cast<std::size_t>(len));
      i += static_cast<std::size_t>(len);
    }
    if (std::string_view stem; ProtectedStem(*scratch, &stem)) return stem;
  }
  sb_stemmer* sb = ThreadSnowball();
  if (word.size() > kLongWord) {
    SnowballPrepass(word, scratch);
    word = *scratch;  // (sb_stemmer_stem copies it before scratch is written again)
  }
  const sb_symbol* out = sb_stemmer_stem(sb, reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
  if (out == nullptr) throw std::bad_alloc();
  scratch->assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(sb)));
  return *scratch;
}

std::string Stemmer::Stem(std::string_view word) const {
  utf8::CheckValid(word);
  std::string scratch;
  return std::string(StemView(word, &scratch));
}

std::vector<std::string> Stemmer::StemBatch(const std::vector<std::string_view>& words, int n_threads) const {
  for (const auto& w : words) utf8::CheckValid(w);
  std::vector<std::string> out(words.size());
  ParallelFor(words.size(), n_threads, 4096, [&](std::size_t begin, std::size_t end) {
    std::string scratch;
    for (std::size_t i = begin; i < end; ++i) out[i] = std::string(StemView(words[i], &scratch));
  });
  return out;
}

}  // namespace akhbar
