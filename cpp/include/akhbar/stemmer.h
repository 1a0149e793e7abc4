// Arabic stemmers: Larkey-style light stemming as Apache Lucene's ArabicStemmer does it, and Snowball's Arabic
// stemmer through libstemmer; both leave protected words (names such as بايدن) untouched.
#ifndef AKHBAR_STEMMER_H_
#define AKHBAR_STEMMER_H_

#include <string>
#include <string_view>
#include <vector>

#include "akhbar/stopwords.h"

namespace akhbar {

enum class StemMethod { kNone, kLight, kSnowball };

// "none", "light" or "snowball"; throws InvalidArgument naming the valid methods otherwise.
StemMethod ParseStemMethod(std::string_view method);
const char* StemMethodName(StemMethod method) noexcept;

// Names of people and places frequent in Arabic news that the stemmers would cut (فلسطين -> فلسط, بايدن ->
// بايد, القاهرة -> قاهر): each as spelled and, where they differ, as the default normaliser folds it (القاهرة,
// القاهره), so that the list holds with folding off too. The default protected list.
std::vector<std::string> DefaultProtectedWords();

// Lucene's ArabicStemmer on UTF-8 `word` (no allocation; the result is a view into `word`): removes the first
// matching prefix of ال وال بال كال فال لل و (و only from words of 4+ letters, the others if 2+ letters
// remain), then tries, in this order, each suffix ها ان ات ون ين يه ية ه ة ي and removes it if 2+ letters
// remain (several may go: كتابانها -> كتاب). Lucene runs it after folding ة to ه, as our default normaliser
// does. Letters are code points. O(length).
std::string_view LightStem(std::string_view word) noexcept;

// A stemmer. Immutable after construction; every method is const and thread-safe (Snowball keeps one
// libstemmer instance per thread, created on first use).
class Stemmer {
 public:
  // Throws InvalidArgument for an unknown method. Protected words are matched as given (the stemmer does no
  // normalisation; the analyser normalises them first), alone or behind the proclitics و ف and ب ك ل (and
  // both: وب, فل...), which then go: وفلسطين, لفلسطين and وبايدن stem to فلسطين and بايدن, and بالقاهره and
  // للقاهره to القاهره.
  explicit Stemmer(StemMethod method = StemMethod::kLight,
                   const std::vector<std::string>& protected_words = DefaultProtectedWords());
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  StemMethod method() const noexcept { return method_; }
  const std::vector<std::string>& protected_words() const noexcept { return protected_list_; }
  // Whether `word` is a protected word itself (not behind a proclitic).
  bool IsProtected(std::string_view word) const noexcept {
    const std::int64_t k = protected_.Find(word);
    return k >= 0 && stands_for_[static_cast<std::size_t>(k)] == k;
  }
  // If `word` is a protected word, alone or behind proclitics, sets *stem to that protected word (valid as long
  // as the stemmer) and returns true. O(length), no allocation.
  bool ProtectedStem(std::string_view word, std::string_view* stem) const noexcept {
    const std::int64_t k = protected_.Find(word);
    if (k < 0) return false;
    *stem = protected_.words()[static_cast<std::size_t>(stands_for_[static_cast<std::size_t>(k)])];
    return true;
  }

  // The stem of valid UTF-8 `word` (throws InvalidUtf8 otherwise). O(length).
  std::string Stem(std::string_view word) const;

  // The stem of `word`, as a view into `word` (none, light, protected) or into `*scratch` (snowball), valid
  // until `scratch` or `word` changes. `word` must be valid UTF-8 (not checked). The analyser's hot path.
  std::string_view StemView(std::string_view word, std::string* scratch) const;

  // Stems every word over `n_threads` threads (<= 0: all cores); same result for any thread count.
  std::vector<std::string> StemBatch(const std::vector<std::string_view>& words, int n_threads = 1) const;

 private:
  StemMethod method_;
  std::vector<std::string> protected_list_;
  WordSet protected_;                    // the protected words, then their forms behind proclitics
  std::vector<std::int64_t> stands_for_;  // by index in protected_: the index of the protected word it stands for
};

}  // namespace akhbar

#endif  // AKHBAR_STEMMER_H_
