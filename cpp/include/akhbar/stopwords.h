// Stop-word sets: the built-in Arabic list (Apache Lucene's, by Jacques Savoy, BSD) and English list
// (scikit-learn's, BSD-3-Clause), normalised with the analyser's normaliser so that folded forms match, plus
// words the user adds or removes.
#ifndef AKHBAR_STOPWORDS_H_
#define AKHBAR_STOPWORDS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/normalizer.h"

namespace akhbar {

// Names of the built-in lists: "arabic", "english".
std::vector<std::string> StopWordListNames();

// The raw (not normalised) words of built-in list `name`. Throws InvalidArgument naming the valid lists for
// an unknown name.
std::vector<std::string> BuiltinStopWords(std::string_view name);

// A set of words with a fast membership test (open addressing, a cheap hash of the first and last 8 bytes,
// and a filter on the byte length), for the analyser's per-token lookups. Not thread-safe while inserting;
// Contains is const and thread-safe.
class WordSet {
 public:
  // Adds `word` (a copy); true if it was not there. Amortised O(length).
  bool Insert(std::string_view word);

  // The index of `word` in words(), adding it first if absent. Amortised O(length).
  std::uint32_t Intern(std::string_view word);

  // O(length), no allocation.
  bool Contains(std::string_view word) const noexcept { return Find(word) >= 0; }
  // The index of `word` in words(), or -1. O(length), no allocation.
  std::int64_t Find(std::string_view word) const noexcept {
    if (((length_mask_ >> (word.size() < 63 ? word.size() : 63)) & 1) == 0) return -1;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = Hash(word) & mask;; i = (i + 1) & mask) {
      const std::uint32_t s = slots_[i];
      if (s == 0) return -1;
      if (words_[s - 1] == word) return static_cast<std::int64_t>(s) - 1;
    }
  }

  std::size_t size() const noexcept { return words_.size(); }
  bool empty() const noexcept { return words_.empty(); }
  // The words in insertion order.
  const std::vector<std::string>& words() const noexcept { return words_; }

 private:
  static std::uint64_t Hash(std::string_view w) noexcept {
    std::uint64_t a = 0, b = 0;
    if (w.size() >= 8) {
      std::memcpy(&a, w.data(), 8);
      std::memcpy(&b, w.data() + w.size() - 8, 8);
    } else {
      std::memcpy(&a, w.data(), w.size());
    }
    std::uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ w.size();
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
  }
  void Rehash(std::size_t n_slots);
  // Slot of `word`, or of the empty slot where it would go.
  std::size_t Slot(std::string_view word) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = Hash(word) & mask;
    while (slots_[i] != 0 && words_[slots_[i] - 1] != word) i = (i + 1) & mask;
    return i;
  }

  std::vector<std::string> words_;
  std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(16, 0);  // index + 1 into words_; 0: empty
  std::uint64_t length_mask_ = 0;  // bit min(length, 63) set for every stored length
};

// An immutable set of normalised stop words. Thread-safe after construction.
class StopWords {
 public:
  // The union of the built-in `lists` and `add`, minus `remove`, each word normalised with `normalizer`
  // (words that normalise to nothing are ignored). Every word of `add` and `remove` must be valid UTF-8
  // (InvalidUtf8 otherwise). O(total length).
  StopWords(const Normalizer& normalizer, const std::vector<std::string>& lists,
            const std::vector<std::string>& add = {}, const std::vector<std::string>& remove = {});
  StopWords() = default;

  // True if `normalized_word` (already normalised with the same options) is a stop word. O(length), no
  // allocation.
  bool Contains(std::string_view normalized_word) const noexcept { return set_.Contains(normalized_word); }

  std::size_t size() const noexcept { return set_.size(); }
  bool empty() const noexcept { return set_.empty(); }

  // The words, sorted (byte order).
  std::vector<std::string> Words() const;

 private:
  WordSet set_;
};

}  // namespace akhbar

#endif  // AKHBAR_STOPWORDS_H_
