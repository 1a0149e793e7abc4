#include "akhbar/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "akhbar/error.h"
#include "akhbar/parallel.h"
#include "akhbar/utf8.h"
#include "char_class.h"
#include "icu_data.h"

namespace akhbar {
namespace {

// Per code point: a class (low nibble) that steers the context rules, and flags. Context rules look at the
// *output* (the last emitted code point, the mapping of the next code point), so that normalising the
// output again takes the same decisions: that is what makes Normalize idempotent.
enum Class : std::uint8_t {
  kPlain = 0,
  kSpace,     // Unicode space separator or horizontal whitespace (only with normalize_whitespace)
  kNewline,   // line or paragraph break (only with normalize_whitespace)
  kTatweel,   // U+0640 or a presentation form of tatweel with a mark, deleted or not
  kFiller,    // mapping made of punctuation/symbols that may pad an obfuscated word (not quotes or brackets)
  kDigitSep,  // U+066B, U+066C (only with ascii_digits)
  kDeleted,   // empty mapping
  kPhrase,    // a ligature of several words (U+FDFA ﷺ, U+FDFB ﷻ; its mapping holds spaces), or the rial sign
  kJoiner,    // ZWJ under remove_invisible: deleted (as kDeleted) but between two emoji (see Pass)
};
constexpr std::uint8_t kClassMask = 0x0F;
// Classes whose code point context rules pass over as deleted (a ZWJ among them: it is kept only between emoji).
constexpr bool IsDeletedClass(std::uint8_t k) { return k == kDeleted || k == kJoiner; }
constexpr std::uint8_t kIcuFlag = 0x10;       // the text may not be (or the output may not stay) NFC here
constexpr std::uint8_t kStartsLetter = 0x20;  // the mapping starts with an Arabic letter
constexpr std::uint8_t kStartsDigit = 0x40;   // the mapping starts with an ASCII digit
constexpr std::uint8_t kArabicLetter = 0x80;  // the code point itself is an Arabic letter

// Table entry, 64 bits: the mapping's units (UTF-8 bytes or UTF-16 units) inline when they fit in 4 bytes
// (else its offset in the pool), its length in units, its code point count, the class byte, kSpecial when the
// hot loop must leave its fast branch (context rules, NFC, a mapping longer than the input code point), and
// (UTF-16 table) kCollapse for the plain space under normalize_whitespace, which the fixed-width hot loop
// folds into a preceding blank without a branch, and kEmpty for an empty mapping.
constexpr int kLenShift = 32, kCpsShift = 40, kClassShift = 48, kCollapseShift = 57, kEmptyShift = 58;
constexpr std::uint64_t kSpecial = std::uint64_t{1} << 56;
constexpr std::uint64_t kCollapse = std::uint64_t{1} << kCollapseShift;
constexpr std::uint64_t kEmpty = std::uint64_t{1} << kEmptyShift;

inline std::uint32_t EntryBytes(std::uint64_t e) { return static_cast<std::uint32_t>(e >> kLenShift) & 0xFF; }
inline std::uint32_t EntryCps(std::uint64_t e) { return static_cast<std::uint32_t>(e >> kCpsShift) & 0xFF; }
inline std::uint8_t EntryClass(std::uint64_t e) { return static_cast<std::uint8_t>(e >> kClassShift); }

bool IsPresentationForm(UChar32 c) { return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE); }

bool InArabicBlocks(UChar32 c) {
  return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x0870 && c <= 0x08FF) ||
         IsPresentationForm(c);
}

bool IsArabicMark(UChar32 c) { return InArabicBlocks(c) && u_charType(c) == U_NON_SPACING_MARK; }

// Unicode's default ignorable code points (ZWSP, ZWNJ, ZWJ, bidi marks and controls, the word joiner and the
// deprecated format characters U+206A-U+206F such as "inhibit Arabic form shaping", the soft hyphen, CGJ,
// variation selectors, tag characters, Hangul fillers, Mongolian free variation selectors...), U+180E and the
// C0/C1 controls but tab and line breaks. Invisible when shown, they split or disguise words: a filter evader's
// tool.
bool IsInvisible(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || c == 0x180E ||
         (c < 0x1C && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') || c == 0x7F ||
         (c >= 0x80 && c <= 0x9F && c != 0x85);
}

// What a ZWJ may join to the emoji after it: a pictograph, or an emoji modifier (the skin tone that ends 👩🏽 in
// 👩🏽‍💻). (A variation selector between them is invisible, and deleted first.)
bool IsEmojiElement(std::int32_t c) {
  return c >= 0 &&
         (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER));
}

// The line breaks of Python's str.splitlines (and Unicode's mandatory breaks): LF, CR, VT, FF, the file, group
// and record separators, NEL, LS, PS.
bool IsNewline(UChar32 c) {
  return c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E) || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

bool IsSpace(UChar32 c) {
  return c == '\t' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1F) || u_charType(c) == U_SPACE_SEPARATOR;
}

bool IsArabicLetter(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  return u_charType(c) == U_OTHER_LETTER && uscript_getScript(c, &status) == USCRIPT_ARABIC;
}

// Punctuation or a symbol that can pad an obfuscated word. Quotes and brackets are not: بـ"الوطن" is how
// Arabic news quotes a name after a one-letter prefix.
bool IsFiller(UChar32 c) {
  if (c == '"' || c == '\'' || c == 0xFF02 || c == 0xFF07) return false;
  return (U_GET_GC_MASK(c) & (U_GC_PD_MASK | U_GC_PC_MASK | U_GC_PO_MASK | U_GC_S_MASK)) != 0;
}

// The run of non-starters (marks) that ends a text, after code point c is added to a run of `run`, counted as
// Unicode's stream-safe format counts them (UAX #15): through c's canonical decomposition, so that U+0F73,
// a starter by its own combining class that decomposes into two marks, counts two.
int NonStarterRun(int run, UChar32 c) {
  const int lead = u_getIntPropertyValue(c, UCHAR_LEAD_CANONICAL_COMBINING_CLASS);
  const int trail = u_getIntPropertyValue(c, UCHAR_TRAIL_CANONICAL_COMBINING_CLASS);
  if (lead == 0 && trail == 0) return 0;
  icu::UnicodeString d;
  if (!internal::IcuNfd().getDecomposition(c, d)) return lead == 0 ? 0 : run + 1;
  int marks = 0;  // the decomposition's trailing non-starters, or all of them after a starter-free start
  for (int32_t k = 0; k < d.length(); k = d.moveIndex32(k, 1)) {
    marks = u_getCombiningClass(d.char32At(k)) == 0 ? 0 : marks + 1;
  }
  return lead == 0 ? marks : run + marks;
}

bool NeedsNfc(UChar32 c) {
  return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES || u_getCombiningClass(c) != 0;
}

// Applies the single-code-point folds of `o` to `c`, appending the result (possibly nothing) to `out`.
void FoldOne(UChar32 c, const NormalizerOptions& o, std::u32string& out) {
  if (o.remove_diacritics && IsArabicMark(c)) return;
  if (o.remove_tatweel && c == 0x0640) return;
  if (o.remove_invisible && IsInvisible(c)) return;
  if (o.fold_alef && (c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0671 || c == 0x0672 || c == 0x0673)) {
    c = 0x0627;
  } else if (o.fold_alef_maksura && c == 0x0649) {
    c = 0x064A;
  } else if (o.fold_teh_marbuta && (c == 0x0629 || c == 0x06C3)) {
    c = 0x0647;
  } else if (o.fold_persian && c == 0x06A9) {
    c = 0x0643;
  } else if (o.fold_persian && (c == 0x06CC || c == 0x06D2 || c == 0x06D3)) {
    c = 0x064A;
  } else if (o.fold_persian && (c == 0x06D5 || c == 0x06C0 || c == 0x06C1 || c == 0x06C2 || c == 0x06BE)) {
    c = 0x0647;
  } else if (o.fold_hamza_carriers && c == 0x0624) {
    c = 0x0648;
  } else if (o.fold_hamza_carriers && c == 0x0626) {
    c = 0x064A;
  } else if (o.ascii_digits && c >= 0x0660 && c <= 0x0669) {
    c = '0' + (c - 0x0660);
  } else if (o.ascii_digits && c >= 0x06F0 && c <= 0x06F9) {
    c = '0' + (c - 0x06F0);
  } else if (o.normalize_whitespace && (IsSpace(c) || IsNewline(c))) {
    c = ' ';
  } else if (o.fold_latin) {
    icu::UnicodeString folded(c);
    folded.foldCase(U_FOLD_CASE_DEFAULT);
    for (int32_t k = 0; k < folded.length();) {
      const UChar32 f = folded.char32At(k);
      out.push_back(static_cast<char32_t>(f));
      k += U16_LENGTH(f);
    }
    return;
  }
  out.push_back(static_cast<char32_t>(c));
}

// Presentation forms to their NFKC letters (without the space NFKC puts before an isolated haraka) and
// fullwidth ASCII to ASCII: the code points the folds then apply to.
std::u32string Expand(UChar32 c, const NormalizerOptions& o, const icu::Normalizer2* nfkc) {
  std::u32string expanded;
  // The keycap that an emoji puts around a digit, # or * (1️⃣ is 1, U+FE0F, U+20E3): a presentation, as the
  // forms below, deleted so that the character is itself (the number 1 was a term 1⃣ that no stop word matched).
  if (o.unicode && c == 0x20E3) return expanded;
  if (o.strip_accents && !InArabicBlocks(c)) {
    // (A mark is what scikit-learn's strip_accents takes away: a non-zero combining class.)
    if (u_getCombiningClass(c) != 0) return expanded;
    icu::UnicodeString d;
    if (internal::IcuNfd().getDecomposition(c, d)) {
      std::u32string bases;
      for (int32_t k = 0; k < d.length(); k = d.moveIndex32(k, 1)) {
        const UChar32 m = d.char32At(k);
        if (u_getCombiningClass(m) == 0) bases.push_back(static_cast<char32_t>(m));
      }
      // (Only when it had marks: a Hangul syllable, whose decomposition is letters, stays whole.)
      if (bases.size() < static_cast<std::size_t>(d.countChar32())) {
        std::u32string out;
        for (const char32_t b : bases) out += Expand(static_cast<UChar32>(b), o, nfkc);  // (fullwidth, presentation)
        return out;
      }
    }
  }
  if (o.unicode && IsPresentationForm(c)) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString decomposed = nfkc->normalize(icu::UnicodeString(c), status);
    CheckIcu(status, "NFKC of a presentation form");
    for (int32_t k = 0; k < decomposed.length();) {
      const UChar32 d = decomposed.char32At(k);
      expanded.push_back(static_cast<char32_t>(d));
      k += U16_LENGTH(d);
    }
    if (expanded.size() >= 2 && expanded[0] == U' ' &&
        u_charType(static_cast<UChar32>(expanded[1])) == U_NON_SPACING_MARK) {
      expanded.erase(0, 1);
    }
  } else if (o.fold_latin && c >= 0xFF01 && c <= 0xFF5E) {
    expanded.push_back(static_cast<char32_t>(c - 0xFEE0));
  } else {
    expanded.push_back(static_cast<char32_t>(c));
  }
  return expanded;
}

// The table entry of a mapping made of `units` (`cps` code points) with class byte `cls`; a mapping longer
// than 4 bytes goes to `pool`.
template <typename Unit>
std::uint64_t MakeEntry(const std::basic_string<Unit>& units, std::size_t cps, std::uint8_t cls, bool special,
                        std::basic_string<Unit>& pool) {
  std::uint64_t e = (std::uint64_t{units.size()} << kLenShift) | (std::uint64_t{cps} << kCpsShift) |
                    (std::uint64_t{cls} << kClassShift);
  const std::size_t size = units.size() * sizeof(Unit);
  if (size <= 4) {
    std::uint32_t inline_units = 0;
    std::memcpy(&inline_units, units.data(), size);
    e |= inline_units;
  } else {
    e |= static_cast<std::uint32_t>(pool.size());
    pool += units;
  }
  if (special || size > 4) e |= kSpecial;
  return e;
}

}  // namespace

// Per BMP code point, the mapping in one output encoding (see kLenShift...): its units inline when they fit in
// 4 bytes, else in the pool.
template <typename Unit>
struct UnitTable {
  std::vector<std::uint64_t> entry;
  std::basic_string<Unit> pool;
};

struct Normalizer::Tables {
  UnitTable<char> utf8;       // mappings as UTF-8; special also when longer than the input's UTF-8
  UnitTable<char16_t> utf16;  // mappings as UTF-16; special also when longer than one unit; surrogates special
  const icu::Normalizer2* nfc = nullptr;
};

namespace {

// The options as bits: the key of the tables they build.
std::uint32_t OptionsKey(const NormalizerOptions& o) {
  const bool fields[] = {o.unicode,          o.remove_diacritics, o.remove_tatweel,       o.fold_alef,
                         o.fold_alef_maksura, o.fold_teh_marbuta, o.fold_persian,         o.fold_hamza_carriers,
                         o.ascii_digits,      o.remove_invisible, o.normalize_whitespace, o.keep_newlines,
                         o.repair_obfuscation, o.fold_latin,       o.strip_accents};
  static_assert(sizeof(NormalizerOptions) == sizeof(fields), "a new option must be part of the key");
  std::uint32_t key = 0;
  for (const bool f : fields) key = key << 1 | (f ? 1u : 0u);
  return key;
}

}  // namespace

// Building the tables queries ICU for every BMP code point (about 12 ms), so normalisers with the same
// options share one copy: kept while any of them lives, and for the last kKeptTables option sets built even
// when none does (a vectoriser made per call, or per fold of a grid search, then pays once).
std::shared_ptr<const Normalizer::Tables> Normalizer::SharedTables(const NormalizerOptions& options) {
  constexpr std::size_t kKeptTables = 8;
  static ForkSafeMutex* mu = new ForkSafeMutex;  // (never destroyed, as the tables below)
  static std::unordered_map<std::uint32_t, std::weak_ptr<const Tables>>* shared =
      new std::unordered_map<std::uint32_t, std::weak_ptr<const Tables>>;  // never destroyed: no exit order
  static std::deque<std::shared_ptr<const Tables>>* kept = new std::deque<std::shared_ptr<const Tables>>;
  const std::uint32_t key = OptionsKey(options);
  // Built under the lock too: rare, and ICU's lazy initialisation of its normaliser data then happens before
  // any other thread's use in a way ThreadSanitizer can see.
  std::lock_guard<ForkSafeMutex> lock(*mu);
  if (std::shared_ptr<const Tables> t = (*shared)[key].lock()) return t;
  std::shared_ptr<const Tables> built = BuildTables(options);
  (*shared)[key] = built;
  kept->push_back(built);
  if (kept->size() > kKeptTables) kept->pop_front();
  return built;
}

Normalizer::Normalizer(const NormalizerOptions& options) : options_(options), tables_(SharedTables(options)) {}

std::shared_ptr<const Normalizer::Tables> Normalizer::BuildTables(const NormalizerOptions& options) {
  auto tables = std::make_shared<Tables>();
  Tables& t = *tables;
  t.nfc = &internal::IcuNfc();
  const icu::Normalizer2* nfkc = &internal::IcuNfkc();
  const NormalizerOptions& o = options;
  t.utf8.entry.assign(0x10000, 0);
  t.utf16.entry.assign(0x10000, kSpecial);  // surrogates stay special: never a code point of fixed-width input
  std::string bytes;
  std::u16string units;
  for (UChar32 c = 0; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::u32string expanded = Expand(c, o, nfkc);
    std::u32string mapped;
    for (const char32_t e : expanded) FoldOne(static_cast<UChar32>(e), o, mapped);
    bytes.clear();
    for (const char32_t m : mapped) utf8::Append(m, bytes);
    units.clear();
    for (const char32_t m : mapped) {
      if (m < 0x10000) {
        units.push_back(static_cast<char16_t>(m));
      } else {
        units.push_back(static_cast<char16_t>(0xD7C0 + (m >> 10)));
        units.push_back(static_cast<char16_t>(0xDC00 | (m & 0x3FF)));
      }
    }
    if (bytes.size() >= 256 || mapped.size() >= 256) throw Error("normaliser table overflow");
    if (o.normalize_whitespace && !IsSpace(c) && !IsNewline(c) && !bytes.empty() &&
        (bytes.front() == ' ' || bytes.back() == ' ' || bytes.find("  ") != std::string::npos)) {
      throw Error("normaliser mapping with stray spaces");  // the whitespace rule relies on there being none
    }

    std::uint8_t cls;
    const bool tatweel = expanded[0] == 0x0640 &&
                         std::all_of(expanded.begin() + 1, expanded.end(), [](char32_t m) {
                           return u_charType(static_cast<UChar32>(m)) == U_NON_SPACING_MARK;
                         });
    if (o.normalize_whitespace && IsNewline(c)) {
      cls = kNewline;
    } else if (o.normalize_whitespace && IsSpace(c)) {
      cls = kSpace;
    } else if (tatweel) {
      cls = kTatweel;
    } else if (o.ascii_digits && (c == 0x066B || c == 0x066C)) {
      cls = kDigitSep;
    } else if (mapped.empty()) {
      cls = c == 0x200D ? kJoiner : kDeleted;
    } else if (!IsSpace(c) && !IsNewline(c) &&
               (mapped.find(U' ') != std::u32string::npos || (c == 0xFDFC && mapped.size() > 1))) {
      // (U+FDFC ﷼, the rial sign, expanded to the word ريال: a word of its own beside a number or a word, as $
      // and € split them, not glued to them: مليون﷼ gave مليونريال. Not expanded, it is a symbol.)
      cls = kPhrase;
    } else if (std::all_of(mapped.begin(), mapped.end(), [](char32_t m) { return IsFiller(static_cast<UChar32>(m)); })) {
      cls = kFiller;
    } else {
      cls = kPlain;
    }
    if (!mapped.empty() && IsArabicLetter(static_cast<UChar32>(mapped[0]))) cls |= kStartsLetter;
    if (!mapped.empty() && mapped[0] >= '0' && mapped[0] <= '9') cls |= kStartsDigit;
    if (IsArabicLetter(c)) cls |= kArabicLetter;
    if (o.unicode) {
      // A code point that NFC may change, unless it is deleted and cannot compose with what precedes it
      // (deleting a harakat never un-NFCs a text); or a mapping that holds such code points.
      const bool composes = u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES;
      const bool flagged =
          (NeedsNfc(c) && (!mapped.empty() || composes)) ||
          std::any_of(mapped.begin(), mapped.end(), [](char32_t m) { return NeedsNfc(static_cast<UChar32>(m)); });
      if (flagged) cls |= kIcuFlag;
    }

    const std::size_t input_bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    const std::uint8_t k = cls & kClassMask;
    const bool context = k == kSpace || k == kNewline || k == kDigitSep || k == kPhrase || k == kJoiner ||
                         (k == kTatweel && o.repair_obfuscation) || (cls & kIcuFlag);
    const bool collapse = c == ' ' && k == kSpace;  // the UTF-8 hot loop collapses spaces in a branch instead
    t.utf8.entry[c] = MakeEntry(bytes, mapped.size(), cls, context || bytes.size() > input_bytes, t.utf8.pool);
    t.utf16.entry[c] = MakeEntry(units, mapped.size(), cls, (context && !collapse) || units.size() > 1, t.utf16.pool);
    if (collapse) t.utf16.entry[c] |= kCollapse;
    if (units.empty()) t.utf16.entry[c] |= kEmpty;
  }
  return tables;
}

Normalizer::~Normalizer() = default;

const NormalizerOptions& Normalizer::options() const noexcept { return options_; }

namespace {

// Input encodings of Pass: UTF-8, or code points at a fixed width (Latin-1, UCS-2, UTF-32).
struct Utf8In {
  using Unit = unsigned char;
  // The code point at `j` (throws InvalidUtf8 if ill-formed) and its length in units.
  static std::uint32_t Decode(const Unit* s, std::size_t n, std::size_t j, int* len) {
    const std::string_view text(reinterpret_cast<const char*>(s), n);
    const std::int32_t c = utf8::Decode(text, j, len);
    if (c < 0) utf8::ThrowInvalid(text, j);
    return static_cast<std::uint32_t>(c);
  }
};

// A surrogate or a value above U+10FFFF in fixed-width input, at index().
class InvalidCodePoint : public InvalidArgument {
 public:
  InvalidCodePoint(std::size_t index, const std::string& what) : InvalidArgument(what), index_(index) {}
  std::size_t index() const noexcept { return index_; }

 private:
  std::size_t index_;
};

[[noreturn]] void ThrowInvalidCodePoint(std::uint32_t c, std::size_t index) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(c));
  throw InvalidCodePoint(index, std::string(c <= 0x10FFFF ? "lone surrogate " : "invalid code point ") + hex +
                                    " at index " + std::to_string(index) + " is not valid Unicode");
}

template <typename U>
struct FixedIn {
  using Unit = U;
  static std::uint32_t Decode(const Unit* s, std::size_t, std::size_t j, int* len) {
    *len = 1;
    const std::uint32_t c = s[j];
    if (sizeof(Unit) > 1 && ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)) ThrowInvalidCodePoint(c, j);
    return c;
  }
};

// Output encodings of Pass: UTF-8 or UTF-16.
struct Utf8Out {
  using Unit = char;
  // Writes scalar value `c` at `w` (room for 4 units); returns the units written.
  static std::size_t Put(char32_t c, Unit* w) {
    std::string tmp;
    utf8::Append(c, tmp);
    std::memcpy(w, tmp.data(), tmp.size());
    return tmp.size();
  }
  // The last code point of the non-empty output [base, w).
  static std::int32_t Last(const Unit* base, const Unit* w) {
    const Unit* p = Back(base, w);
    int len;
    return utf8::Decode(std::string_view(p, static_cast<std::size_t>(w - p)), 0, &len);
  }
  // Where that last code point starts.
  static const Unit* Back(const Unit* base, const Unit* w) {
    const Unit* p = w - 1;
    while (p > base && (static_cast<unsigned char>(*p) & 0xC0) == 0x80) --p;
    return p;
  }
};

struct Utf16Out {
  using Unit = char16_t;
  static std::size_t Put(char32_t c, Unit* w) {
    if (c < 0x10000) {
      w[0] = static_cast<char16_t>(c);
      return 1;
    }
    w[0] = static_cast<char16_t>(0xD7C0 + (c >> 10));
    w[1] = static_cast<char16_t>(0xDC00 | (c & 0x3FF));
    return 2;
  }
  static std::int32_t Last(const Unit* base, const Unit* w) {
    const std::uint32_t c = w[-1];
    if (c < 0xDC00 || c > 0xDFFF || w - 1 == base) return static_cast<std::int32_t>(c);
    return static_cast<std::int32_t>(0x10000 + ((w[-2] - 0xD800u) << 10) + (c - 0xDC00));
  }
  static const Unit* Back(const Unit* base, const Unit* w) {
    return w[-1] >= 0xDC00 && w[-1] <= 0xDFFF && w - 1 != base ? w - 2 : w - 1;
  }
};

// The state the hot loop advances.
template <typename OutUnit>
struct HotState {
  std::size_t i;
  OutUnit* w;
  std::uint32_t* sw;
  bool blank;
};

// The hot loop of Pass over UTF-8: ASCII and 2-byte code points whose mapping needs no context, and ASCII
// spaces. Stops at anything else. A function of its own working on local copies, so the state lives in
// registers. A mapping that is not special is never longer than its input and fits in 4 bytes.
template <typename Out, bool kSource>
inline void HotLoop(const std::uint64_t* entries, bool whitespace, const Utf8In::Unit* s, std::size_t n,
                    HotState<typename Out::Unit>& state) {
  std::size_t i = state.i;
  typename Out::Unit* w = state.w;
  std::uint32_t* sw = state.sw;
  bool blank = state.blank;
  while (i < n) {
    const unsigned char b0 = s[i];
    std::uint64_t e;
    std::size_t len;
    if (b0 < 0x80) {
      if (b0 == ' ' && whitespace) {  // ASCII is a branch anyway: cheaper than kCollapse here
        if (!blank) {
          *w++ = ' ';
          if constexpr (kSource) *sw++ = static_cast<std::uint32_t>(i);
          blank = true;
        }
        ++i;
        continue;
      }
      e = entries[b0];
      len = 1;
    } else if (static_cast<unsigned char>(b0 - 0xC2) <= 0x1D && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
      e = entries[((b0 & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu)];
      len = 2;
    } else {
      break;
    }
    if (e & kSpecial) break;
    const auto inline_units = static_cast<std::uint32_t>(e);
    std::memcpy(w, &inline_units, 4);
    if constexpr (kSource) {
      for (std::size_t k = 0; k < 4 / sizeof(typename Out::Unit); ++k) sw[k] = static_cast<std::uint32_t>(i);
      sw += EntryCps(e);
    }
    const std::uint32_t units = EntryBytes(e);
    w += units;
    blank = blank && units == 0;
    i += len;
  }
  state = HotState<typename Out::Unit>{i, w, sw, blank};
}

// The hot loop of Pass over fixed-width code points: every BMP code point whose mapping needs no context,
// including the plain space, which kCollapse folds into a preceding blank. Branch-free but for the stop:
// spaces come at random, and a branch on them mispredicts often.
template <typename Unit, typename Out, bool kSource>
inline void HotLoop(const std::uint64_t* entries, bool, const Unit* s, std::size_t n,
                    HotState<typename Out::Unit>& state) {
  std::size_t i = state.i;
  typename Out::Unit* w = state.w;
  std::uint32_t* sw = state.sw;
  std::uint32_t blank = state.blank;
  while (i < n) {
    const std::uint32_t c = s[i];
    if (sizeof(Unit) == 4 && c >= 0x10000) break;
    const std::uint64_t e = entries[c];
    if (e & kSpecial) break;
    const auto inline_units = static_cast<std::uint32_t>(e);
    std::memcpy(w, &inline_units, 4);
    // A space right after a blank emits nothing; the next blank flag takes two operations on the loop's
    // critical path, with both bits read off the entry.
    const auto space = static_cast<std::uint32_t>(e >> kCollapseShift) & 1;
    const auto empty = static_cast<std::uint32_t>(e >> kEmptyShift) & 1;
    const std::uint32_t collapsed = space & blank;
    if constexpr (kSource) {
      for (std::size_t k = 0; k < 4 / sizeof(typename Out::Unit); ++k) sw[k] = static_cast<std::uint32_t>(i);
      sw += EntryCps(e) - collapsed;
    }
    w += EntryBytes(e) - collapsed;
    blank = space | (blank & empty);
    ++i;
  }
  state = HotState<typename Out::Unit>{i, w, sw, blank != 0};
}

// One pass of the table-driven rules over `s` (n units of In, well-formed or the pass throws), appending the
// result to `out` (restored on a throw or a bail). `source` (if not null) is replaced by the input unit offset
// of each output code point. In `fast` mode the text is not known to be NFC: the pass stops at the first code
// point that may need NFC and sets *bail. Otherwise the text is taken to be NFC and *unstable is set if the
// output may not be.
template <typename In, typename Out, bool kSource>
void Pass(const UnitTable<typename Out::Unit>& table, const NormalizerOptions& o, const typename In::Unit* s,
          std::size_t n, std::basic_string<typename Out::Unit>& out, std::vector<std::uint32_t>* source, bool fast,
          bool* bail, bool* unstable) {
  using Unit = typename Out::Unit;
  constexpr std::size_t kSlack = 16;
  const std::uint64_t* entries = table.entry.data();
  const auto& pool = table.pool;
  // Options as locals: stores through char* may alias anything, so members would be reloaded per byte.
  const bool whitespace = o.normalize_whitespace, keep_newlines = o.keep_newlines, unicode = o.unicode;
  const bool fold_latin = o.fold_latin, repair = o.repair_obfuscation, remove_invisible = o.remove_invisible;
  const bool strip_accents = o.strip_accents;
  // The last output unit is a whitespace-run unit (' ' or '\n'), or nothing was emitted yet. Kept in a
  // register: reading w[-1] right after storing it stalls. (Only read when whitespace is normalised.)
  bool blank = true;

  // Invariant: the buffers hold at least (n - i) + kSlack more units (code points). A mapping that is not
  // special is never longer than its input, so the fast branch needs no capacity check.
  const std::size_t start = out.size();
  out.resize(start + n + kSlack);
  Unit* base = &out[start];
  Unit* w = base;
  Unit* cap = base + n + kSlack;
  std::uint32_t* sbase = nullptr;
  std::uint32_t* sw = nullptr;
  if constexpr (kSource) {
    source->assign(n + kSlack, 0);
    sbase = source->data();
    sw = sbase;
  }
  auto reserve = [&](std::size_t need) {
    if (static_cast<std::size_t>(cap - w) >= need) return;
    const std::size_t used = static_cast<std::size_t>(w - base);
    const std::size_t size = std::max(static_cast<std::size_t>(cap - base) * 2, used + need);
    out.resize(start + size);
    base = &out[start];
    w = base + used;
    cap = base + size;
    if constexpr (kSource) {
      const std::size_t sused = static_cast<std::size_t>(sw - sbase);
      source->resize(size);
      sbase = source->data();
      sw = sbase + sused;
    }
  };
  auto emit = [&](std::uint64_t e, std::size_t at) {
    const std::uint32_t len = EntryBytes(e);
    const std::uint32_t cps = EntryCps(e);
    reserve(len + kSlack);
    if (len * sizeof(Unit) <= 4) {
      const auto inline_units = static_cast<std::uint32_t>(e);
      std::memcpy(w, &inline_units, 4);
    } else {
      std::memcpy(w, pool.data() + static_cast<std::uint32_t>(e), len * sizeof(Unit));
    }
    w += len;
    if (len != 0) blank = false;
    if constexpr (kSource) {
      for (std::uint32_t k = 0; k < cps; ++k) *sw++ = static_cast<std::uint32_t>(at);
    }
  };
  auto decode = [&](std::size_t j, int* len) -> std::uint32_t { return In::Decode(s, n, j, len); };
  // The next code point from unit j on whose mapping is not empty (one past the BMP counts as not empty unless
  // remove_invisible deletes it), or kNone at the end of the text: what the context rules look at after a code
  // point.
  constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  // A code point past the BMP (no table entry) that remove_invisible deletes: a tag character, a variation selector.
  auto deleted_astral = [&](std::uint32_t c) {
    return c >= 0x10000 && ((remove_invisible && IsInvisible(static_cast<UChar32>(c))) ||
                            (strip_accents && u_getCombiningClass(static_cast<UChar32>(c)) != 0));
  };
  // (*at: where it is, or n.)
  auto next_kept = [&](std::size_t j, std::size_t* at = nullptr) {
    while (j < n) {
      int lj;
      const std::uint32_t c = decode(j, &lj);
      if (c >= 0x10000 ? !deleted_astral(c) : EntryBytes(entries[c]) != 0) {
        if (at != nullptr) *at = j;
        return c;
      }
      j += static_cast<std::size_t>(lj);
    }
    if (at != nullptr) *at = n;
    return kNone;
  };
  // Whether the last code point written is an Arabic letter, past the Arabic marks it keeps when diacritics are
  // kept (at most 4: a letter has no more, and the look back stays bounded).
  auto last_is_arabic_letter = [&]() {
    const Unit* end = w;
    for (int marks = 0; end != base; ++marks) {
      const std::int32_t c = Out::Last(base, end);
      if (c >= 0 && c < 0x10000 && (EntryClass(entries[c]) & kArabicLetter)) return true;
      if (marks == 4 || c < 0 || !IsArabicMark(c)) return false;
      end = Out::Back(base, end);
    }
    return false;
  };
  auto give_up = [&]() {
    out.resize(start);
    *bail = true;
  };
  // NFC may change the text here: false in fast mode (the pass must give up), else noted in *unstable.
  auto may_change_nfc = [&]() {
    if (fast) return false;
    *unstable = true;
    return true;
  };
  // A code point past the BMP (no table entry), from input offset `at`: deleted if invisible, else case-folded
  // as the table folds; flagged if NFC may change the text. False: the pass must give up (fast mode).
  auto put_supplementary = [&](std::uint32_t cp, std::size_t at) {
    if (deleted_astral(cp)) {
      // Deleted (tag characters, variation selectors...): what stood around it may compose now (e, a tag,
      // U+0301), so NFC must look again.
      return !unicode || may_change_nfc();
    }
    if (unicode && NeedsNfc(static_cast<UChar32>(cp)) && !may_change_nfc()) return false;
    const UChar32 folded =
        fold_latin ? u_foldCase(static_cast<UChar32>(cp), U_FOLD_CASE_DEFAULT) : static_cast<UChar32>(cp);
    reserve(4 + kSlack);
    w += Out::Put(static_cast<char32_t>(folded), w);
    if constexpr (kSource) *sw++ = static_cast<std::uint32_t>(at);
    blank = false;
    return true;
  };

  std::size_t scan_end = 0;  // no obfuscation scan before this unit (a failed scan covered it)
  std::size_t joiner_end = 0;  // a ZWJ before this unit joins no emoji (a lookahead that found none covered it)
  std::size_t i = 0;
  try {
    for (;;) {
      {
        HotState<Unit> h{i, w, sw, blank};
        if constexpr (std::is_same_v<In, Utf8In>) {
          HotLoop<Out, kSource>(entries, whitespace, s, n, h);
        } else {
          HotLoop<typename In::Unit, Out, kSource>(entries, whitespace, s, n, h);
        }
        i = h.i;
        w = h.w;
        sw = h.sw;
        blank = h.blank;
      }
      if (i >= n) break;

      // Any other code point: decode it in full and apply the context rules.
      int l;
      const std::uint32_t cp = decode(i, &l);
      const std::size_t len = static_cast<std::size_t>(l);
      if (cp >= 0x10000) {
        if (!put_supplementary(cp, i)) return give_up();
        i += len;
        reserve((n - i) + kSlack);
        continue;
      }
      const std::uint64_t e = entries[cp];
      const std::uint8_t cls = EntryClass(e);
      if ((cls & kIcuFlag) && !may_change_nfc()) return give_up();
      switch (cls & kClassMask) {
        case kSpace:
        case kNewline: {
          const bool newline = (cls & kClassMask) == kNewline && keep_newlines;
          if (blank) {
            if (newline && w != base) w[-1] = '\n';  // w[-1] is the run's blank
          } else {
            *w++ = newline ? '\n' : ' ';
            if constexpr (kSource) *sw++ = static_cast<std::uint32_t>(i);
            blank = true;
          }
          i += len;
          continue;
        }
        case kTatweel:
          if (repair && i >= scan_end && last_is_arabic_letter()) {
            // The run of tatweels, fillers and deleted code points from here: an obfuscation filler if it
            // holds a filler, its last kept code point is a tatweel and the next mapping starts with a letter.
            // Marks after a filler are the filler's: NFC splits some symbols into a symbol and a mark (U+2ADC,
            // U+1D15E), which must pad as the whole symbol did before it.
            bool has_filler = false, ends_with_tatweel = false, after_filler = false, after_tatweel = false;
            std::size_t j = i;
            std::uint64_t next = 0;
            while (j < n) {
              int lj;
              const std::uint32_t c = decode(j, &lj);
              const bool filler_mark = after_filler && text_class::IsMark(c);
              if (deleted_astral(c)) {
                j += static_cast<std::size_t>(lj);  // (deleted, as a BMP invisible is: a tag character)
                continue;
              }
              if (c >= 0x10000) {  // (no table entry: a symbol such as an emoji pads as any other)
                if (!filler_mark && !IsFiller(static_cast<UChar32>(c))) break;
                has_filler = after_filler = true;
                ends_with_tatweel = false;
                j += static_cast<std::size_t>(lj);
                continue;
              }
              const std::uint64_t ec = entries[c];
              const std::uint8_t k = EntryClass(ec) & kClassMask;
              if (k == kTatweel) {
                ends_with_tatweel = after_tatweel = true;
                after_filler = false;
              } else if (k == kFiller || k == kDigitSep) {  // (٫ and ٬ between letters separate no digits)
                has_filler = after_filler = true;
                ends_with_tatweel = after_tatweel = false;
              } else if (after_tatweel && text_class::IsMark(c)) {
                // A tatweel's haraka (kept with remove_diacritics=False): the tatweel's, in the run.
              } else if (!IsDeletedClass(k) && !filler_mark) {
                next = ec;
                break;
              }
              j += static_cast<std::size_t>(lj);
            }
            if (has_filler && ends_with_tatweel && (EntryClass(next) & kStartsLetter)) {
              after_filler = false;
              while (i < j) {
                int li;
                const std::uint32_t c = decode(i, &li);
                if (after_filler && text_class::IsMark(c)) {
                  // (a filler's mark: dropped with it)
                } else if (c < 0x10000) {  // (the run's other code points are fillers)
                  const std::uint64_t ec = entries[c];
                  const std::uint8_t k = EntryClass(ec) & kClassMask;
                  if (k == kFiller || k == kDigitSep) {
                    after_filler = true;
                  } else {
                    if (k == kTatweel) after_filler = false;
                    if ((EntryClass(ec) & kIcuFlag) && !may_change_nfc()) return give_up();  // (a kept haraka)
                    emit(ec, i);
                  }
                } else if (!deleted_astral(c)) {
                  after_filler = true;  // (an astral filler; an invisible one is dropped, as deleted)
                }
                i += static_cast<std::size_t>(li);
              }
              reserve((n - i) + kSlack);
              continue;
            }
            scan_end = j;
          }
          break;
        case kPhrase: {
          // The words of a ligature are words of their own, not glued to the letters around it (النبيﷺ gave
          // النبيصلي): a space before and after it, mapped to it, unless whitespace or an edge of the text is
          // there already (the last code point written decides before it; after it, the next one with a
          // non-empty mapping past the marks that follow it, which stay on its last word).
          auto put_space = [&](std::size_t at) {
            reserve(1 + kSlack);
            *w++ = ' ';
            if constexpr (kSource) *sw++ = static_cast<std::uint32_t>(at);
            blank = true;
          };
          auto is_blank = [](std::int32_t c) { return IsSpace(c) || IsNewline(c); };
          if (w != base && !is_blank(Out::Last(base, w))) put_space(i);
          emit(e, i);
          // The marks that follow it (and deleted code points among them), written here, before the space:
          // they are its last letter's. The space then maps to the last of them written, in order.
          std::size_t after = i + len, space_at = i;
          while (after < n) {
            int la;
            const std::uint32_t c = decode(after, &la);
            const bool deleted = c < 0x10000 && IsDeletedClass(EntryClass(entries[c]) & kClassMask);
            if (!deleted && !text_class::IsMark(c)) break;
            if (c >= 0x10000) {
              if (!put_supplementary(c, after)) return give_up();
              space_at = after;
            } else {
              const std::uint64_t ec = entries[c];
              if ((EntryClass(ec) & kIcuFlag) && !may_change_nfc()) return give_up();
              emit(ec, after);
              if (EntryBytes(ec) != 0) space_at = after;
            }
            after += static_cast<std::size_t>(la);
          }
          const std::uint32_t next = next_kept(after);
          bool word_next = next != kNone;
          if (next < 0x10000) {
            const std::uint8_t k = EntryClass(entries[next]) & kClassMask;
            word_next = k != kSpace && k != kNewline && !is_blank(static_cast<std::int32_t>(next));
          }
          if (word_next) put_space(space_at);
          i = after;
          reserve((n - i) + kSlack);
          continue;
        }
        case kJoiner:
          // An emoji ZWJ sequence (👨‍👩‍👧, a family; 👩‍💻, a profession) stays one: its ZWJs are kept, as UAX #29
          // keeps the sequence one word (WB3c), so that the tokeniser gives it whole. Any other ZWJ is deleted.
          // (The lookahead passes over the deleted code points after it, other ZWJs among them: each ZWJ of a run
          // that it covered would find the same code point. A run of them after an emoji was quadratic.)
          if (i >= joiner_end && w != base && IsEmojiElement(Out::Last(base, w))) {
            const std::uint32_t next = next_kept(i + len, &joiner_end);
            if (next != kNone && u_hasBinaryProperty(static_cast<UChar32>(next), UCHAR_EXTENDED_PICTOGRAPHIC)) {
              joiner_end = 0;
              reserve(4 + kSlack);
              w += Out::Put(0x200D, w);
              if constexpr (kSource) *sw++ = static_cast<std::uint32_t>(i);
              blank = false;
              i += len;
              continue;
            }
          }
          break;
        case kDigitSep:
          if (!blank && w[-1] >= '0' && w[-1] <= '9') {
            // Between digits: the next code point with a non-empty mapping must start with a digit.
            const std::uint32_t next = next_kept(i + len);
            if (next < 0x10000 && (EntryClass(entries[next]) & kStartsDigit) != 0) {
              *w++ = cp == 0x066B ? '.' : ',';
              if constexpr (kSource) *sw++ = static_cast<std::uint32_t>(i);
              i += len;
              continue;
            }
          }
          break;
        default:
          break;
      }
      emit(e, i);
      i += len;
      reserve((n - i) + kSlack);
    }
  } catch (...) {
    out.resize(start);
    throw;
  }
  if (whitespace && blank && w != base) {
    --w;
    if constexpr (kSource) --sw;
  }
  out.resize(start + static_cast<std::size_t>(w - base));
  if constexpr (kSource) source->resize(static_cast<std::size_t>(sw - sbase));
}

// Pass over UTF-8 into a fresh UTF-8 string.
template <bool kSource>
std::string Utf8Pass(const UnitTable<char>& table, const NormalizerOptions& o, std::string_view text,
                     std::vector<std::uint32_t>* source, bool fast, bool* bail, bool* unstable) {
  std::string out;
  Pass<Utf8In, Utf8Out, kSource>(table, o, reinterpret_cast<const unsigned char*>(text.data()), text.size(), out,
                                 source, fast, bail, unstable);
  return out;
}

// The largest code point of well-formed UTF-16 `u`. Pairs are decoded only when a unit is at least U+D800.
// The first loop works on units biased to signed 16 bits, which vectorises to a signed max even with SSE2.
char32_t MaxCodePoint(std::u16string_view u) {
  std::int16_t biased = INT16_MIN;
  for (const char16_t c : u) biased = std::max(biased, static_cast<std::int16_t>(c ^ 0x8000));
  const auto m = static_cast<std::uint16_t>(biased ^ 0x8000);
  if (m < 0xD800) return m;
  char32_t best = 0;
  for (std::size_t k = 0; k < u.size(); ++k) {
    char32_t c = u[k];
    if (c >= 0xD800 && c <= 0xDBFF && k + 1 < u.size()) c = 0x10000 + ((c - 0xD800) << 10) + (u[++k] - 0xDC00);
    best = std::max(best, c);
  }
  return best;
}

}  // namespace

std::string Normalizer::Normalize(std::string_view text) const {
  std::string out;
  NormalizeInto(text, &out);
  return out;
}

void Normalizer::NormalizeInto(std::string_view text, std::string* out) const {
  out->clear();
  bool bail = false;
  Pass<Utf8In, Utf8Out, false>(tables_->utf8, options_, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size(), *out, nullptr, true, &bail, nullptr);
  if (bail) *out = NormalizeInPieces(text, nullptr);
}

std::string Normalizer::Normalize(std::string_view text, std::vector<std::uint32_t>* source) const {
  if (source == nullptr) return Normalize(text);
  bool bail = false;
  std::string out = Utf8Pass<true>(tables_->utf8, options_, text, source, true, &bail, nullptr);
  if (!bail) return out;
  return NormalizeInPieces(text, source);
}

template <typename Unit>
char32_t Normalizer::NormalizeUnits(const Unit* text, std::size_t n, std::u16string* out,
                                    std::vector<std::uint32_t>* source) const {
  const std::size_t start = out->size();
  bool bail = false;
  if (source) {
    Pass<FixedIn<Unit>, Utf16Out, true>(tables_->utf16, options_, text, n, *out, source, true, &bail, nullptr);
  } else {
    Pass<FixedIn<Unit>, Utf16Out, false>(tables_->utf16, options_, text, n, *out, nullptr, true, &bail, nullptr);
  }
  if (bail) {
    // Code points that NFC may change (rare): through UTF-8 and ICU, as Normalize.
    std::string in;
    in.reserve(n * 2);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t c = text[k];
      if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) ThrowInvalidCodePoint(c, k);
      utf8::Append(static_cast<char32_t>(c), in);
    }
    const std::string normalized = NormalizeInPieces(in, source);
    for (std::size_t k = 0; k < normalized.size();) {
      int len;
      Utf16Out::Unit units[2];
      const auto c = static_cast<char32_t>(utf8::Decode(normalized, k, &len));
      out->append(units, Utf16Out::Put(c, units));
      k += static_cast<std::size_t>(len);
    }
    if (source) {
      const std::vector<std::uint32_t> index = utf8::ByteToCodePointIndex(in);
      for (auto& at : *source) at = index[at];
    }
  }
  return MaxCodePoint(std::u16string_view(*out).substr(start));
}

char32_t Normalizer::NormalizeToUtf16(const CodePointText& text, std::u16string* out,
                                      std::vector<std::uint32_t>* source) const {
  switch (text.width) {
    case 1:
      return NormalizeUnits(static_cast<const std::uint8_t*>(text.data), text.size, out, source);
    case 2:
      return NormalizeUnits(static_cast<const char16_t*>(text.data), text.size, out, source);
    case 4:
      return NormalizeUnits(static_cast<const char32_t*>(text.data), text.size, out, source);
    default:
      throw InvalidArgument("CodePointText width must be 1, 2 or 4, not " + std::to_string(text.width));
  }
}

namespace {

// Whether the code point that ends at byte `end` of UTF-8 `text` / starts at byte `at` is a letter that every
// step of the normaliser maps to a non-empty starter on its own: an ASCII letter or digit, or an Arabic letter
// (U+0621-U+063A, U+0641-U+064A: not tatweel, U+0640).
bool IsPlainLetter(std::uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A);
}
bool PlainLetterEndsAt(std::string_view text, std::size_t end) {
  if (end >= 1 && static_cast<unsigned char>(text[end - 1]) < 0x80) return IsPlainLetter(static_cast<unsigned char>(text[end - 1]));
  if (end < 2) return false;
  const auto lead = static_cast<unsigned char>(text[end - 2]), tail = static_cast<unsigned char>(text[end - 1]);
  if ((lead & 0xE0) != 0xC0 || (tail & 0xC0) != 0x80) return false;
  return IsPlainLetter(((lead & 0x1Fu) << 6) | (tail & 0x3Fu));
}
bool PlainLetterStartsAt(std::string_view text, std::size_t at) {
  if (at >= text.size()) return false;
  int len = 0;
  const std::int32_t c = utf8::Decode(text, at, &len);
  return c >= 0 && IsPlainLetter(static_cast<std::uint32_t>(c));
}

}  // namespace

// A text that holds code points NFC may change goes the slow way (NormalizeSlow) only in the pieces that hold
// them: one such mark made a whole article 20 to 100 times slower (4.2M characters: 0.011 s, then 0.27 s). The
// text is cut, at least kPieceBytes apart (256 bytes, or 1/64 of a long text), at single ASCII spaces between two plain letters (PlainLetterEndsAt,
// PlainLetterStartsAt). Nothing the normaliser does reaches across such a space: whitespace runs, NFC (a letter
// is a starter, and nothing composes with a space), obfuscation repair (between letters and tatweels), emoji
// joiners, and the trimming of the ends (each piece starts and ends with a letter that maps to one). So the
// text's result is the pieces' results joined by one space, whose source is the space itself.
std::string Normalizer::NormalizeInPieces(std::string_view text, std::vector<std::uint32_t>* source) const {
  // (At most about 64 pieces: the slow piece is small in a short text, and a long one is not cut to dust.)
  const std::size_t kPieceBytes = std::max<std::size_t>(256, text.size() / 64);
  utf8::CheckValid(text);  // (the error's offset is the text's: a piece's pass would give its own; found by the fuzzer)
  std::string out;
  if (source) source->clear();
  std::vector<std::uint32_t> piece_source;
  for (std::size_t begin = 0;;) {
    std::size_t end = text.size();
    for (std::size_t p = begin + kPieceBytes; p + 1 < text.size(); ++p) {
      if (text[p] == ' ' && PlainLetterEndsAt(text, p) && PlainLetterStartsAt(text, p + 1)) {
        end = p;
        break;
      }
    }
    if (begin == 0 && end == text.size()) return NormalizeSlow(text, source);  // (one piece)
    const std::string_view piece = text.substr(begin, end - begin);
    bool bail = false;
    std::string part = source ? Utf8Pass<true>(tables_->utf8, options_, piece, &piece_source, true, &bail, nullptr)
                              : Utf8Pass<false>(tables_->utf8, options_, piece, nullptr, true, &bail, nullptr);
    if (bail) part = NormalizeSlow(piece, source ? &piece_source : nullptr);
    if (begin > 0) {
      out.push_back(' ');
      if (source) source->push_back(static_cast<std::uint32_t>(begin - 1));
    }
    out += part;
    if (source) {
      for (const std::uint32_t at : piece_source) source->push_back(static_cast<std::uint32_t>(begin) + at);
    }
    if (end == text.size()) return out;
    begin = end + 1;
  }
}

// Texts holding code points that may change under NFC: NFC by ICU per normalisation segment, then the
// table pass, repeated until the result is stable (deleting a code point can bring marks together).
std::string Normalizer::NormalizeSlow(std::string_view text, std::vector<std::uint32_t>* source) const {
  const Tables& t = *tables_;
  std::string current(text);
  std::vector<std::uint32_t> to_input;  // byte of `current` -> byte of `text`
  if (source) {
    to_input.resize(text.size());
    for (std::size_t k = 0; k < text.size(); ++k) to_input[k] = static_cast<std::uint32_t>(k);
  }
  std::string result;
  std::vector<std::uint32_t> pass_source;
  // Rounds: up to 8, and on to 64 while each round still shortens the text. A mark that folds into its letter
  // past a 30-mark window (see kMaxNonStarters) is absorbed only once the marks before it are: one such mark a
  // round, so that 8 rounds left some for the next call, whose result differed (found by the fuzzer: an alef,
  // then 30 marks among which hamzas). Each round costs a pass over the text: the cap keeps that linear.
  constexpr int kMaxRounds = 8, kMaxShrinkingRounds = 64;
  constexpr int kMaxNonStarters = 30;
  constexpr std::size_t kMaxPieceSplit = 16;  // code points of a segment that map_segment may cut
  // A mark that composes with a letter whose composition folds back to that letter (ا + U+0654 -> أ -> ا) is
  // absorbed by it; NFC composes one such mark a round, so absorb all of them at once, as the fixed point would.
  auto AbsorbFoldedMarks = [&](const icu::UnicodeString& segment) -> icu::UnicodeString {
    if (segment.length() < 2) return segment;
    const UChar32 base = segment.char32At(0);
    if (u_getCombiningClass(base) != 0) return segment;
    std::string base_utf8;
    utf8::Append(static_cast<char32_t>(base), base_utf8);
    bool ignored = false;
    const std::string mapped = Utf8Pass<false>(t.utf8, options_, base_utf8, nullptr, false, nullptr, &ignored);
    if (mapped.empty()) return segment;
    std::size_t last_at = mapped.size() - 1;
    while (last_at > 0 && (static_cast<unsigned char>(mapped[last_at]) & 0xC0) == 0x80) --last_at;
    int len;
    const std::int32_t last = utf8::Decode(mapped, last_at, &len);
    const bool alef = options_.fold_alef && last == 0x0627;
    const bool carrier = options_.fold_hamza_carriers && (last == 0x0648 || last == 0x064A);
    if (!alef && !carrier) return segment;
    icu::UnicodeString out;
    out.append(base);
    std::uint8_t max_ccc = 0;  // the highest combining class among the marks kept so far
    for (int32_t k = U16_LENGTH(base); k < segment.length();) {
      const UChar32 c = segment.char32At(k);
      const std::uint8_t ccc = u_getCombiningClass(c);
      if (ccc == 0) {  // another starter (a Hangul vowel): the marks after it are not the base's
        out.append(segment, k, segment.length() - k);
        break;
      }
      k += U16_LENGTH(c);
      const bool absorbable = alef ? (c == 0x0653 || c == 0x0654 || c == 0x0655) : c == 0x0654;
      if (absorbable && max_ccc < ccc) continue;
      out.append(c);
      if (ccc > max_ccc) max_ccc = ccc;
    }
    return out;
  };
  // NFC of current[i, j), its marks absorbed.
  auto normalize_piece = [&](std::size_t i, std::size_t j) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString segment = t.nfc->normalize(
        icu::UnicodeString::fromUTF8(icu::StringPiece(current.data() + i, static_cast<int32_t>(j - i))), status);
    CheckIcu(status, "NFC");
    std::string bytes;
    AbsorbFoldedMarks(segment).toUTF8String(bytes);
    return bytes;
  };
  // Where each byte of `bytes`, the normalised segment current[i, j), came from: the segment's start, unless it
  // splits at a starter into pieces whose outputs, put together, are `bytes` (a letter, then a Hangul vowel
  // that did not compose with it: a segment, since such a vowel composes after a Hangul consonant), each of
  // which then maps to its own start; an unchanged segment, byte by byte. Tokens of different pieces then do
  // not share a start.
  auto map_segment = [&](std::size_t i, std::size_t j, const std::string& bytes, std::vector<std::uint32_t>* map) {
    if (bytes.compare(0, std::string::npos, current, i, j - i) == 0) {
      for (std::size_t k = i; k < j; ++k) map->push_back(static_cast<std::uint32_t>(k));
      return;
    }
    // Each cut tried normalises the rest of the segment: only short segments are tried (a run of Hangul vowels
    // is one segment however long, and cutting it was quadratic: 16k vowels took 2 s).
    if (utf8::CountCodePoints(std::string_view(current).substr(i, j - i)) > kMaxPieceSplit) {
      map->insert(map->end(), bytes.size(), static_cast<std::uint32_t>(i));
      return;
    }
    std::vector<std::size_t> cuts{i}, ends;  // the pieces' starts, and the ends of their outputs in `bytes`
    std::size_t done = 0;
    for (std::size_t k = i; k < j;) {
      int len;
      const std::int32_t c = utf8::Decode(current, k, &len);
      if (k > i && u_getCombiningClass(c) == 0) {
        const std::string first = normalize_piece(cuts.back(), k);
        if (bytes.compare(done, first.size(), first) == 0 &&
            bytes.compare(done + first.size(), std::string::npos, normalize_piece(k, j)) == 0) {
          done += first.size();
          ends.push_back(done);
          cuts.push_back(k);
        }
      }
      k += static_cast<std::size_t>(len);
    }
    ends.push_back(bytes.size());
    for (std::size_t piece = 0, at = 0; piece < cuts.size(); at = ends[piece++]) {
      map->insert(map->end(), ends[piece] - at, static_cast<std::uint32_t>(cuts[piece]));
    }
  };
  for (int round = 0;; ++round) {
    // NFC, segment by segment, remembering where each output byte came from.
    std::string nfc;
    std::vector<std::uint32_t> nfc_map;  // byte of `nfc` -> byte of `current`
    nfc.reserve(current.size());
    std::size_t i = 0;
    while (i < current.size()) {
      std::size_t j = i;
      bool flagged = false;
      int non_starters = 0;  // the segment's trailing run of marks (NonStarterRun)
      do {
        int len;
        const std::int32_t c = utf8::Decode(current, j, &len);
        if (c < 0) utf8::ThrowInvalid(current, j);
        flagged = flagged || NeedsNfc(c);
        non_starters = NonStarterRun(non_starters, c);
        j += static_cast<std::size_t>(len);
        if (j < current.size()) {
          const std::int32_t next = utf8::Decode(current, j, &len);
          if (next < 0) utf8::ThrowInvalid(current, j);
          if (t.nfc->hasBoundaryBefore(next)) break;
          // Unicode's stream-safe text format (UAX #15): no more than 30 marks in a row are put in canonical
          // order together, as if a combining grapheme joiner stood after every 30th. ICU reorders a run of
          // marks by insertion, so that 100k marks in alternating classes took 2 s (a million, minutes); no
          // text in any script needs more than 30.
          const bool next_is_mark = u_getIntPropertyValue(next, UCHAR_LEAD_CANONICAL_COMBINING_CLASS) != 0;
          if (non_starters >= kMaxNonStarters && next_is_mark) break;
        }
      } while (j < current.size());
      if (flagged) {
        const std::string bytes = normalize_piece(i, j);
        nfc += bytes;
        if (source) map_segment(i, j, bytes, &nfc_map);
      } else {
        nfc.append(current, i, j - i);
        if (source) {
          for (std::size_t k = i; k < j; ++k) nfc_map.push_back(static_cast<std::uint32_t>(k));
        }
      }
      i = j;
    }
    bool unstable = false;
    result = source ? Utf8Pass<true>(t.utf8, options_, nfc, &pass_source, false, nullptr, &unstable)
                    : Utf8Pass<false>(t.utf8, options_, nfc, nullptr, false, nullptr, &unstable);
    if (source) {
      for (auto& s : pass_source) s = to_input[nfc_map[s]];
    }
    const bool shrinking = result.size() < current.size();
    if (!unstable || result == current || round == kMaxShrinkingRounds - 1 || (round >= kMaxRounds - 1 && !shrinking)) {
      break;
    }
    // Marks survive in the result: normalise it again until nothing changes.
    if (source) {
      std::vector<std::uint32_t> next_map(result.size());
      std::size_t cp_index = 0;
      for (std::size_t k = 0; k < result.size(); ++k) {
        if (k > 0 && (static_cast<unsigned char>(result[k]) & 0xC0) != 0x80) ++cp_index;
        next_map[k] = pass_source[cp_index];
      }
      to_input.swap(next_map);
    }
    current.swap(result);
  }
  if (source) source->swap(pass_source);
  return result;
}

std::vector<std::string> Normalizer::NormalizeBatch(const std::vector<std::string_view>& texts, int n_threads) const {
  std::vector<std::string> out(texts.size());
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> bad(texts.size(), kNone);
  ParallelFor(texts.size(), n_threads, 64, [&](std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      try {
        out[k] = Normalize(texts[k]);
      } catch (const InvalidUtf8& e) {
        bad[k] = e.byte_offset();
      }
    }
  });
  for (std::size_t k = 0; k < texts.size(); ++k) {
    if (bad[k] != kNone) {
      throw InvalidUtf8(bad[k], "text " + std::to_string(k) + ": invalid UTF-8 at byte offset " + std::to_string(bad[k]));
    }
  }
  return out;
}

void Normalizer::NormalizeBatchToUtf16(const std::vector<CodePointText>& texts, int n_threads,
                                       Utf16Batch* out) const {
  constexpr std::size_t kBlock = 64;  // texts per buffer, and per unit of parallel work
  const std::size_t n_blocks = (texts.size() + kBlock - 1) / kBlock;
  if (out->blocks_.size() < n_blocks) out->blocks_.resize(n_blocks);
  out->spans_.assign(texts.size(), Utf16Batch::Span{0, 0, 0, 0, Utf16Batch::kValid});
  ParallelFor(texts.size(), n_threads, kBlock, [&](std::size_t begin, std::size_t end) {
    const std::size_t block = begin / kBlock;
    std::u16string& units = out->blocks_[block];
    units.clear();
    for (std::size_t k = begin; k < end; ++k) {
      Utf16Batch::Span& span = out->spans_[k];
      span.block = block;
      span.begin = units.size();
      try {
        span.max_code_point = NormalizeToUtf16(texts[k], &units);
      } catch (const InvalidCodePoint& e) {
        span.invalid_at = e.index();
      }
      span.end = units.size();
    }
  });
}

}  // namespace akhbar
