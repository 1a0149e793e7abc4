#include "akhbar/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include <cstring>
#include <string>
#include <utility>

#include "akhbar/error.h"
#include "akhbar/parallel.h"
#include "akhbar/utf8.h"

namespace akhbar {
namespace {

// Character classes that steer the context rules of a pass. The low nibble is the class; kIcuFlag marks
// code points after which the text is not known to be in NFC (they send the text to the slow path).
enum Class : std::uint8_t {
  kPlain = 0,
  kLetter,    // Arabic letter: context for obfuscation repair
  kSpace,     // Unicode space separator or horizontal control whitespace
  kNewline,   // line or paragraph break
  kTatweel,   // U+0640
  kPunct,     // punctuation or symbol: may be an obfuscation filler between tatweels
  kDigitSep,  // U+066B, U+066C
  kDeleted,   // deleted by some option: transparent to context
};
constexpr std::uint8_t kClassMask = 0x0F;
constexpr std::uint8_t kIcuFlag = 0x10;

constexpr std::uint32_t kBytesShift = 6, kOffsetShift = 12;

bool InArabicBlocks(UChar32 c) {
  return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x0870 && c <= 0x08FF) ||
         (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

bool IsPresentationForm(UChar32 c) { return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE); }

bool IsArabicMark(UChar32 c) { return InArabicBlocks(c) && u_charType(c) == U_NON_SPACING_MARK; }

bool IsInvisible(UChar32 c) {
  return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0xFEFF || (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c < 0x1C) ||
         c == 0x7F || (c >= 0x80 && c <= 0x9F && c != 0x85);
}

bool IsNewline(UChar32 c) { return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029; }

bool IsSpace(UChar32 c) {
  return c == '\t' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1F) || u_charType(c) == U_SPACE_SEPARATOR;
}

bool IsArabicLetter(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  return u_charType(c) == U_OTHER_LETTER && uscript_getScript(c, &status) == USCRIPT_ARABIC;
}

bool IsDigit(std::int32_t c) { return (c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9); }

bool NeedsNfc(UChar32 c) {
  return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES || u_getCombiningClass(c) != 0;
}

}  // namespace

struct Normalizer::Tables {
  std::vector<std::uint32_t> entry;  // per BMP code point: pool offset, UTF-8 length, code point count
  std::vector<std::uint8_t> cls;     // per BMP code point: Class | kIcuFlag
  std::string pool;                  // UTF-8 outputs
  const icu::Normalizer2* nfc = nullptr;
};

namespace {

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

// The whole output of one code point under `o`.
std::u32string MapCodePoint(UChar32 c, const NormalizerOptions& o, const icu::Normalizer2* nfkc) {
  std::u32string expanded;
  if (o.unicode && IsPresentationForm(c)) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString decomposed = nfkc->normalize(icu::UnicodeString(c), status);
    CheckIcu(status, "NFKC of a presentation form");
    for (int32_t k = 0; k < decomposed.length();) {
      const UChar32 d = decomposed.char32At(k);
      expanded.push_back(static_cast<char32_t>(d));
      k += U16_LENGTH(d);
    }
    // NFKC writes isolated harakat forms as SPACE + mark; keep the mark only.
    if (expanded.size() >= 2 && expanded[0] == U' ' && u_charType(static_cast<UChar32>(expanded[1])) == U_NON_SPACING_MARK) {
      expanded.erase(0, 1);
    }
  } else if (o.fold_latin && c >= 0xFF01 && c <= 0xFF5E) {
    expanded.push_back(static_cast<char32_t>(c - 0xFEE0));
  } else {
    expanded.push_back(static_cast<char32_t>(c));
  }
  std::u32string out;
  for (const char32_t e : expanded) FoldOne(static_cast<UChar32>(e), o, out);
  return out;
}

}  // namespace

Normalizer::Normalizer(const NormalizerOptions& options) : options_(options), tables_(new Tables) {
  Tables& t = *tables_;
  UErrorCode status = U_ZERO_ERROR;
  t.nfc = icu::Normalizer2::getNFCInstance(status);
  CheckIcu(status, "loading ICU's NFC data");
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  CheckIcu(status, "loading ICU's NFKC data");
  t.entry.assign(0x10000, 0);
  t.cls.assign(0x10000, kPlain);
  t.pool.reserve(0x10000 * 3);
  const NormalizerOptions& o = options_;
  for (UChar32 c = 0; c < 0x10000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::u32string mapped = MapCodePoint(c, o, nfkc);
    const std::size_t offset = t.pool.size();
    for (const char32_t m : mapped) utf8::Append(m, t.pool);
    const std::size_t bytes = t.pool.size() - offset;
    if (bytes >= 64 || mapped.size() >= 64 || offset >= (1u << 20)) throw Error("normaliser table overflow");
    t.entry[c] = static_cast<std::uint32_t>((offset << kOffsetShift) | (bytes << kBytesShift) | mapped.size());

    std::uint8_t cls = kPlain;
    if (o.normalize_whitespace && IsNewline(c)) {
      cls = kNewline;
    } else if (o.normalize_whitespace && IsSpace(c)) {
      cls = kSpace;
    } else if (c == 0x0640) {
      cls = kTatweel;
    } else if (c == 0x066B || c == 0x066C) {
      cls = kDigitSep;
    } else if (mapped.empty()) {
      cls = kDeleted;
    } else if (IsArabicLetter(c)) {
      cls = kLetter;
    } else if (U_GET_GC_MASK(c) & (U_GC_P_MASK | U_GC_S_MASK)) {
      cls = kPunct;
    }
    if (o.unicode && NeedsNfc(c)) {
      // A mark that is deleted anyway cannot change the text's NFC form, unless it composes (the hamza and
      // madda marks U+0653..U+0655 compose with a preceding letter: those always take the slow path).
      const bool composes = u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES;
      if (!mapped.empty() || composes) cls |= kIcuFlag;
    }
    t.cls[c] = cls;
  }
}

Normalizer::~Normalizer() = default;

const NormalizerOptions& Normalizer::options() const noexcept { return options_; }

std::string Normalizer::Normalize(std::string_view text) const { return Normalize(text, nullptr); }

std::string Normalizer::Normalize(std::string_view text, std::vector<std::uint32_t>* source) const {
  bool needs_icu = false;
  std::string out = Pass(text, source, &needs_icu, nullptr);
  if (!needs_icu) return out;
  return NormalizeSlow(text, source);
}

// One pass of the table-driven rules. If `needs_icu` is not null, stops and sets it when the text holds a
// code point that may need NFC; with `needs_icu` null the text is taken to be in NFC already.
std::string Normalizer::Pass(std::string_view text, std::vector<std::uint32_t>* source, bool* needs_icu,
                             bool* unstable) const {
  const Tables& t = *tables_;
  const NormalizerOptions& o = options_;
  const std::size_t n = text.size();
  std::string out;
  out.reserve(n);
  if (source) {
    source->clear();
    source->reserve(n);
  }
  bool pending_space = false, pending_newline = false;
  std::uint32_t space_source = 0;
  bool after_letter = false;  // the last code point that was not deleted is an Arabic letter
  const char* pool = t.pool.data();

  auto emit_bytes = [&](const char* p, std::size_t bytes, std::size_t cps, std::size_t at) {
    if (bytes == 0) return;
    if (pending_space) {
      if (!out.empty()) {
        out.push_back(pending_newline && o.keep_newlines ? '\n' : ' ');
        if (source) source->push_back(space_source);
      }
      pending_space = pending_newline = false;
    }
    if (bytes == 1) {
      out.push_back(*p);
    } else {
      out.append(p, bytes);
    }
    if (source) source->insert(source->end(), cps, static_cast<std::uint32_t>(at));
  };
  auto emit = [&](std::uint32_t entry, std::size_t at) {
    emit_bytes(pool + (entry >> kOffsetShift), (entry >> kBytesShift) & 0x3F, entry & 0x3F, at);
  };

  std::size_t i = 0;
  while (i < n) {
    int len;
    std::int32_t cp;
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      cp = b;
      len = 1;
    } else {
      cp = utf8::Decode(text, i, &len);
      if (cp < 0) utf8::ThrowInvalid(text, i);
    }
    if (cp >= 0x10000) {
      if (needs_icu && o.unicode && NeedsNfc(cp)) {
        *needs_icu = true;
        return std::string();
      }
      const UChar32 folded = o.fold_latin ? u_foldCase(cp, U_FOLD_CASE_DEFAULT) : cp;
      std::string tmp;
      utf8::Append(static_cast<char32_t>(folded), tmp);
      emit_bytes(tmp.data(), tmp.size(), 1, i);
      after_letter = false;
      i += static_cast<std::size_t>(len);
      continue;
    }
    const std::uint8_t cls = t.cls[cp];
    if ((cls & kIcuFlag) && needs_icu) {
      *needs_icu = true;
      return std::string();
    }
    if (unstable && (cls & kIcuFlag)) *unstable = true;
    switch (cls & kClassMask) {
      case kSpace:
      case kNewline:
        if (!pending_space) {
          pending_space = true;
          space_source = static_cast<std::uint32_t>(i);
        }
        if ((cls & kClassMask) == kNewline) pending_newline = true;
        after_letter = false;
        i += static_cast<std::size_t>(len);
        continue;
      case kTatweel:
      case kPunct:
        if (o.repair_obfuscation && after_letter) {
          // Scan the run of tatweel, punctuation and deleted code points; it is an obfuscation filler if it
          // holds both a tatweel and punctuation and an Arabic letter follows it.
          bool has_tatweel = false, has_punct = false;
          std::size_t j = i;
          std::int32_t next = -1;
          while (j < n) {
            int l;
            const std::int32_t c = utf8::Decode(text, j, &l);
            if (c < 0) utf8::ThrowInvalid(text, j);
            const std::uint8_t k = c < 0x10000 ? (t.cls[c] & kClassMask) : kPlain;
            if (k == kTatweel) {
              has_tatweel = true;
            } else if (k == kPunct) {
              has_punct = true;
            } else if (k != kDeleted) {
              next = c;
              break;
            }
            j += static_cast<std::size_t>(l);
          }
          if (has_tatweel && has_punct && next >= 0 && next < 0x10000 && (t.cls[next] & kClassMask) == kLetter) {
            while (i < j) {
              const std::int32_t c = utf8::Decode(text, i, &len);
              if ((t.cls[c] & kClassMask) != kPunct) emit(t.entry[c], i);
              i += static_cast<std::size_t>(len);
            }
            continue;
          }
        }
        break;
      case kDigitSep:
        if (o.ascii_digits && !pending_space && !out.empty() && out.back() >= '0' && out.back() <= '9' &&
            i + static_cast<std::size_t>(len) < n) {
          int l;
          const std::int32_t c = utf8::Decode(text, i + static_cast<std::size_t>(len), &l);
          if (IsDigit(c)) {
            out.push_back(cp == 0x066B ? '.' : ',');
            if (source) source->push_back(static_cast<std::uint32_t>(i));
            after_letter = false;
            i += static_cast<std::size_t>(len);
            continue;
          }
        }
        break;
      default:
        break;
    }
    const std::uint32_t entry = t.entry[cp];
    emit(entry, i);
    if ((cls & kClassMask) != kDeleted) after_letter = (cls & kClassMask) == kLetter;
    i += static_cast<std::size_t>(len);
  }
  return out;
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
  for (int round = 0; round < 8; ++round) {
    // NFC, segment by segment, remembering where each output byte came from.
    std::string nfc;
    std::vector<std::uint32_t> nfc_map;  // byte of `nfc` -> byte of `current`
    nfc.reserve(current.size());
    std::size_t i = 0;
    while (i < current.size()) {
      std::size_t j = i;
      bool flagged = false;
      do {
        int len;
        const std::int32_t c = utf8::Decode(current, j, &len);
        if (c < 0) utf8::ThrowInvalid(current, j);
        flagged = flagged || NeedsNfc(c);
        j += static_cast<std::size_t>(len);
        if (j < current.size()) {
          const std::int32_t next = utf8::Decode(current, j, &len);
          if (next < 0) utf8::ThrowInvalid(current, j);
          if (t.nfc->hasBoundaryBefore(next)) break;
        }
      } while (j < current.size());
      if (flagged) {
        UErrorCode status = U_ZERO_ERROR;
        const icu::UnicodeString segment =
            t.nfc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(current.data() + i, static_cast<int32_t>(j - i))), status);
        CheckIcu(status, "NFC");
        std::string bytes;
        segment.toUTF8String(bytes);
        nfc += bytes;
        if (source) nfc_map.insert(nfc_map.end(), bytes.size(), static_cast<std::uint32_t>(i));
      } else {
        nfc.append(current, i, j - i);
        if (source) {
          for (std::size_t k = i; k < j; ++k) nfc_map.push_back(static_cast<std::uint32_t>(k));
        }
      }
      i = j;
    }
    bool unstable = false;
    result = Pass(nfc, source ? &pass_source : nullptr, nullptr, &unstable);
    if (source) {
      for (auto& s : pass_source) s = to_input[nfc_map[s]];
    }
    if (!unstable || result == current) break;
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

}  // namespace akhbar
