// Arabic news text normaliser: Unicode clean-up and orthographic folding in one pass over UTF-8 (or over
// fixed-width code points into UTF-16), with an optional map from every output code point back to the input.
#ifndef AKHBAR_NORMALIZER_H_
#define AKHBAR_NORMALIZER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace akhbar {

// A text as code points stored at one fixed width: 1 byte (Latin-1), 2 bytes (UCS-2) or 4 bytes (UTF-32) per
// code point, the three layouts of a Python str (PEP 393). Every unit is one code point, so a 2-byte unit in
// U+D800-U+DFFF is a lone surrogate (never half of a UTF-16 pair) and, like any unit above U+10FFFF,
// invalid. A view: the caller keeps the data alive.
struct CodePointText {
  const void* data = nullptr;
  std::size_t size = 0;  // code points
  int width = 1;         // bytes per code point: 1, 2 or 4

  CodePointText() = default;
  CodePointText(const std::uint8_t* d, std::size_t n) noexcept : data(d), size(n), width(1) {}
  CodePointText(const char16_t* d, std::size_t n) noexcept : data(d), size(n), width(2) {}
  CodePointText(const char32_t* d, std::size_t n) noexcept : data(d), size(n), width(4) {}
  CodePointText(std::u32string_view s) noexcept : CodePointText(s.data(), s.size()) {}  // NOLINT: implicit
};

class Normalizer;

// The result of Normalizer::NormalizeBatchToUtf16: every text's normalised UTF-16 in a few shared buffers.
// Filling the same object again reuses its memory. Const methods are thread-safe; O(1) each.
class Utf16Batch {
 public:
  static constexpr std::size_t kValid = static_cast<std::size_t>(-1);

  std::size_t size() const noexcept { return spans_.size(); }
  // Text k normalised, as UTF-16 (empty if invalid_at(k) != kValid). Valid until the next fill.
  std::u16string_view text(std::size_t k) const noexcept {
    const Span& s = spans_[k];
    return std::u16string_view(blocks_[s.block].data() + s.begin, s.end - s.begin);
  }
  // The largest code point of text(k) (0 if empty).
  char32_t max_code_point(std::size_t k) const noexcept { return spans_[k].max_code_point; }
  // kValid, or the index of the first invalid code point (a surrogate) of input k, which was not normalised.
  std::size_t invalid_at(std::size_t k) const noexcept { return spans_[k].invalid_at; }

 private:
  friend class Normalizer;
  struct Span {
    std::size_t block, begin, end;
    char32_t max_code_point;
    std::size_t invalid_at;
  };
  std::vector<std::u16string> blocks_;  // one per group of consecutive texts, filled by one thread
  std::vector<Span> spans_;
};

// Each field switches one step on or off. The defaults serve search and similarity.
struct NormalizerOptions {
  // NFC, Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) to base letters without the spaces NFKC
  // puts before isolated harakat, ligatures such as U+FDF2 expanded; an emoji's keycap (U+20E3) deleted.
  bool unicode = true;
  // Deletes harakat (U+064B-U+0652), superscript alef (U+0670), Quranic annotation marks and every other
  // non-spacing mark of the Arabic blocks.
  bool remove_diacritics = true;
  // Deletes tatweel (U+0640).
  bool remove_tatweel = true;
  // أ إ آ ٱ (and the wavy-hamza alefs) to ا.
  bool fold_alef = true;
  // ى to ي.
  bool fold_alef_maksura = true;
  // ة to ه.
  bool fold_teh_marbuta = true;
  // Persian and Urdu letter variants ک ی ے ە ۀ ہ ھ to their Arabic forms.
  bool fold_persian = true;
  // ؤ to و and ئ to ي (off by default: it merges distinct words).
  bool fold_hamza_carriers = false;
  // Arabic-Indic and Extended Arabic-Indic digits to ASCII; Arabic decimal and thousands separators between
  // digits to '.' and ','.
  bool ascii_digits = true;
  // Deletes Unicode's default-ignorable code points (ZWNJ, ZWJ, ZWSP, word joiner, bidi marks, embeddings,
  // overrides and isolates, BOM, soft hyphen, Arabic letter mark, U+206A-U+206F, variation selectors, tag
  // characters, Hangul fillers...) and control characters other than tab and line breaks. A ZWJ between two
  // emoji (a pictograph or skin tone before it, a pictograph after it) stays: 👨‍👩‍👧 is one family emoji.
  bool remove_invisible = true;
  // Every Unicode space and line break becomes one plain space; runs collapse; ends are trimmed.
  bool normalize_whitespace = true;
  // With normalize_whitespace: a whitespace run that holds a line break becomes "\n" instead of " ".
  bool keep_newlines = false;
  // Deletes filler punctuation (dots, dashes, asterisks, other non-quote punctuation and symbols) that sits
  // between tatweels inside a word (أعقـ.ـاب -> أعقاب), inserted to evade filters: an Arabic letter, a run of
  // tatweels and fillers that starts and ends with a tatweel, an Arabic letter. Quotes and brackets are never
  // fillers (بـ"الوطن" keeps its quotes); punctuation not enclosed by tatweels stays.
  bool repair_obfuscation = true;
  // Unicode case folding (Latin, Greek, ...) and fullwidth forms to ASCII.
  bool fold_latin = true;
  // Deletes the accents of the other scripts (Latin, Greek, Cyrillic...): each code point outside the Arabic
  // blocks loses the combining marks of its canonical decomposition (é to e, ǖ to u, a U+0301 alone is deleted),
  // as scikit-learn's strip_accents="unicode" does, but Arabic letters keep their hamza (that function makes
  // الرئيس رييس): Arabic marks are remove_diacritics', hamza carriers the fold options'.
  bool strip_accents = false;
};

// A configured normaliser. Construction builds lookup tables (about 1.2 MB, 12 ms), shared by the normalisers
// with the same options and kept for the last 8 option sets (only the first with given options pays);
// afterwards every method is const and thread-safe. Normalize is idempotent for every option set: normalising
// its output again changes nothing.
class Normalizer {
 public:
  explicit Normalizer(const NormalizerOptions& options = NormalizerOptions());
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  const NormalizerOptions& options() const noexcept;

  // Normalises valid UTF-8 `text`. Throws InvalidUtf8 (with the byte offset) on ill-formed input. O(n): one
  // table-driven pass; texts holding code points that NFC may change (rare in news) also go through ICU.
  std::string Normalize(std::string_view text) const;
  // The same into *out, whose buffer is reused (no allocation once it is large enough): for many short texts.
  void NormalizeInto(std::string_view text, std::string* out) const;

  // As Normalize, and stores in `source` (if not null), for each code point of the result, the byte offset
  // in `text` of the input code point it came from (a collapsed whitespace run maps to its first code point,
  // an NFC composition to its first input code point). The offsets never decrease.
  std::string Normalize(std::string_view text, std::vector<std::uint32_t>* source) const;

  // Normalises every text, splitting the work over `n_threads` (<= 0: all cores). The result is the same for
  // any thread count. Throws InvalidUtf8 for the first invalid text (by index).
  std::vector<std::string> NormalizeBatch(const std::vector<std::string_view>& texts, int n_threads = 1) const;

  // Normalises `text` and appends the result to `out` as UTF-16: the same code points as Normalize gives for
  // the UTF-8 encoding of `text`, but with no UTF-8 in between (one table-driven pass from code points to
  // UTF-16 units; only texts that need NFC go through UTF-8 and ICU). Returns the largest code point
  // appended (0 if none). If `source` is not null, *source is replaced by, for each code point appended, the
  // index in `text` of the code point it came from (never decreasing). Throws InvalidArgument naming the index
  // of the first surrogate or out-of-range code point; `out` is then unchanged. O(n).
  char32_t NormalizeToUtf16(const CodePointText& text, std::u16string* out,
                            std::vector<std::uint32_t>* source = nullptr) const;

  // Normalises every text into `out` (its previous contents are replaced, its memory reused), splitting the
  // work over `n_threads` (<= 0: all cores); the result is the same for any thread count. A text holding an
  // invalid code point does not stop the batch: out->invalid_at(k) names the index, and its text is empty.
  // No other thread may use `out` meanwhile.
  void NormalizeBatchToUtf16(const std::vector<CodePointText>& texts, int n_threads, Utf16Batch* out) const;

 private:
  struct Tables;
  static std::shared_ptr<const Tables> SharedTables(const NormalizerOptions& options);
  static std::shared_ptr<const Tables> BuildTables(const NormalizerOptions& options);
  std::string NormalizeSlow(std::string_view text, std::vector<std::uint32_t>* source) const;
  std::string NormalizeInPieces(std::string_view text, std::vector<std::uint32_t>* source) const;
  template <typename Unit>
  char32_t NormalizeUnits(const Unit* text, std::size_t n, std::u16string* out,
                          std::vector<std::uint32_t>* source) const;

  NormalizerOptions options_;
  std::shared_ptr<const Tables> tables_;  // shared by the normalisers with the same options
};

}  // namespace akhbar

#endif  // AKHBAR_NORMALIZER_H_
