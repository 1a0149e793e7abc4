// Internal: word-break classes of code points for the tokeniser and analyser, from ICU's Word_Break and
// Script properties, cached in a table for the BMP.
#ifndef AKHBAR_SRC_CHAR_CLASS_H_
#define AKHBAR_SRC_CHAR_CLASS_H_

#include <cstdint>

namespace akhbar {
namespace text_class {

enum class Cls : std::uint8_t {
  kOther = 0,    // punctuation, symbols
  kSpace,        // White_Space
  kArabic,       // a letter of Arabic script (and tatweel)
  kLetter,       // any other letter (Word_Break ALetter, Hebrew_Letter, Katakana, or a letter category)
  kDigit,        // Word_Break Numeric
  kExtend,       // Word_Break Extend, Format, ZWJ: attaches to the preceding character
  kMidLetter,    // Word_Break MidLetter except ':' (as ICU's rules)
  kMidNum,       // Word_Break MidNum
  kMidNumLet,    // Word_Break MidNumLet
  kSingleQuote,  // U+0027
  kUnderscore,   // Word_Break ExtendNumLet
};

// Builds the table (idempotent, thread-safe). Call once before Of().
void Init();

extern const Cls* bmp_table;  // set by Init()
Cls OfSupplementary(char32_t cp) noexcept;

// The class of `cp`.
inline Cls Of(char32_t cp) noexcept { return cp < 0x10000 ? bmp_table[cp] : OfSupplementary(cp); }

// The class of an ASCII byte.
inline Cls Ascii(unsigned char b) noexcept { return bmp_table[b]; }

// True for combining marks (Mn, Mc, Me).
bool IsMark(char32_t cp) noexcept;
// True for combining marks and tatweel.
bool IsMarkOrTatweel(char32_t cp) noexcept;

}  // namespace text_class
}  // namespace akhbar

#endif  // AKHBAR_SRC_CHAR_CLASS_H_
