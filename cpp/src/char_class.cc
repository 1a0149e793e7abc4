#include "char_class.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <array>
#include <mutex>

namespace akhbar {
namespace text_class {

namespace {

Cls Compute(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  if (u_isUWhiteSpace(c)) return Cls::kSpace;
  if (c == 0x0640) return Cls::kArabic;
  // The Arabic decimal separator: Numeric to UAX #29, so that alone or between letters it made a "number" of
  // no digit (مصر٫تونس gave مصر, ٫ and تونس). A separator as '.' is, kept only between digits (IsDecimalSep).
  if (c == 0x066B) return Cls::kMidNum;
  const int wb = u_getIntPropertyValue(c, UCHAR_WORD_BREAK);
  const int gc = u_charType(c);
  switch (wb) {
    case U_WB_NUMERIC: return Cls::kDigit;
    case U_WB_EXTEND: case U_WB_FORMAT: case U_WB_ZWJ: return Cls::kExtend;
    case U_WB_MIDLETTER: return (c == ':' || c == 0xFE55 || c == 0xFF1A) ? Cls::kOther : Cls::kMidLetter;
    case U_WB_MIDNUM: return Cls::kMidNum;
    case U_WB_MIDNUMLET: return Cls::kMidNumLet;
    case U_WB_SINGLE_QUOTE: return Cls::kSingleQuote;
    case U_WB_EXTENDNUMLET: return Cls::kUnderscore;
    default: break;
  }
  const bool letter = wb == U_WB_ALETTER || wb == U_WB_HEBREW_LETTER || wb == U_WB_KATAKANA ||
                      gc == U_UPPERCASE_LETTER || gc == U_LOWERCASE_LETTER || gc == U_TITLECASE_LETTER ||
                      gc == U_MODIFIER_LETTER || gc == U_OTHER_LETTER;
  if (letter) {
    UErrorCode status = U_ZERO_ERROR;
    return uscript_getScript(c, &status) == USCRIPT_ARABIC ? Cls::kArabic : Cls::kLetter;
  }
  return Cls::kOther;
}

std::once_flag once;

}  // namespace

const Cls* bmp_table = nullptr;

void Init() {
  std::call_once(once, [] {
    auto* t = new std::array<Cls, 0x10000>;
    for (char32_t c = 0; c < 0x10000; ++c) {
      (*t)[c] = (c >= 0xD800 && c <= 0xDFFF) ? Cls::kOther : Compute(c);
    }
    bmp_table = t->data();
  });
}

Cls OfSupplementary(char32_t cp) noexcept { return Compute(cp); }

bool IsMark(char32_t cp) noexcept { return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0; }

bool IsMarkOrTatweel(char32_t cp) noexcept { return cp == 0x0640 || IsMark(cp); }

}  // namespace text_class
}  // namespace akhbar
