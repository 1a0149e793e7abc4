#include "akhbar/stemmer.h"

#include <libstemmer.h>

#include <memory>
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
  return {
      // People
      "بايدن", "ترامب", "اوباما", "مرسي", "السيسي", "مبارك", "بوتين", "ماكرون", "نتنياهو", "عباس", "اردوغان",
      "الاسد", "بشار", "القذافي", "عرفات", "هنيه", "البرادعي", "شفيق", "صباحي", "الجنزوري", "قنديل", "الشاطر",
      "بديع", "العريان", "موسي", "كلينتون", "ميركل", "زيلينسكي",
      // Places and bodies
      "فلسطين", "اسرائيل", "امريكا", "واشنطن", "روسيا", "سوريا", "ليبيا", "تونس", "اليمن", "لبنان", "السودان",
      "ايران", "تركيا", "اوكرانيا", "الصين", "اليابان", "المانيا", "فرنسا", "بريطانيا", "اسبانيا", "ايطاليا",
      "القاهره", "الاسكندريه", "بورسعيد", "السويس", "الاسماعيليه", "سيناء", "غزه", "الضفه", "القدس", "دمشق",
      "بغداد", "بيروت", "طهران", "انقره", "موسكو", "باريس", "لندن", "برلين", "الرياض", "الدوحه", "دبي",
      "حماس", "فتح", "الاخوان", "طالبان", "داعش", "الناتو", "اليونسكو", "يونيسيف",
  };
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
    protected_.Insert(w);
  }
  if (method_ == StemMethod::kSnowball) ThreadSnowball();  // fail early if libstemmer lacks Arabic
}

std::string_view Stemmer::StemView(std::string_view word, std::string* scratch) const {
  if (method_ == StemMethod::kNone || word.empty() || IsProtected(word)) return word;
  if (method_ == StemMethod::kLight) return LightStem(word);
  sb_stemmer* sb = ThreadSnowball();
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
