// Arabic news text normaliser: Unicode clean-up and orthographic folding in one pass over UTF-8, with an
// optional map from every output code point back to the input.
#ifndef AKHBAR_NORMALIZER_H_
#define AKHBAR_NORMALIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace akhbar {

// Each field switches one step on or off. The defaults serve search and similarity.
struct NormalizerOptions {
  // NFC, Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF) to base letters without the spaces NFKC
  // puts before isolated harakat, ligatures such as U+FDF2 expanded.
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
  // Deletes invisible format characters: ZWNJ, ZWJ, ZWSP, word joiner, bidi marks, embeddings, overrides
  // and isolates, BOM, soft hyphen, Arabic letter mark.
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
};

// A configured normaliser. Construction builds lookup tables (about 0.7 MB, a few milliseconds); afterwards
// every method is const and thread-safe. Normalize is idempotent for every option set: normalising its
// output again changes nothing.
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

  // As Normalize, and stores in `source` (if not null), for each code point of the result, the byte offset
  // in `text` of the input code point it came from (a collapsed whitespace run maps to its first code point,
  // an NFC composition to its first input code point). The offsets never decrease.
  std::string Normalize(std::string_view text, std::vector<std::uint32_t>* source) const;

  // Normalises every text, splitting the work over `n_threads` (<= 0: all cores). The result is the same for
  // any thread count. Throws InvalidUtf8 for the first invalid text (by index).
  std::vector<std::string> NormalizeBatch(const std::vector<std::string_view>& texts, int n_threads = 1) const;

 private:
  struct Tables;
  std::string NormalizeSlow(std::string_view text, std::vector<std::uint32_t>* source) const;

  NormalizerOptions options_;
  std::unique_ptr<Tables> tables_;
};

}  // namespace akhbar

#endif  // AKHBAR_NORMALIZER_H_
