#include "akhbar/stopwords.h"

#include <algorithm>
#include <memory>
#include <unordered_set>

#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "stopwords_data.h"

namespace akhbar {

std::vector<std::string> StopWordListNames() { return {"arabic", "english"}; }

std::vector<std::string> BuiltinStopWords(std::string_view name) {
  const char* const* words = nullptr;
  std::size_t n = 0;
  if (name == "arabic") {
    words = stopwords_data::kArabic;
    n = stopwords_data::kArabicSize;
  } else if (name == "english") {
    words = stopwords_data::kEnglish;
    n = stopwords_data::kEnglishSize;
  } else {
    throw InvalidArgument("unknown stop-word list '" + std::string(name) + "'; built-in lists: arabic, english");
  }
  return std::vector<std::string>(words, words + n);
}

StopWords::StopWords(const Normalizer& normalizer, const std::vector<std::string>& lists,
                     const std::vector<std::string>& add, const std::vector<std::string>& remove) {
  std::vector<std::string> raw;
  for (const auto& name : lists) {
    std::vector<std::string> words = BuiltinStopWords(name);
    raw.insert(raw.end(), words.begin(), words.end());
  }
  raw.insert(raw.end(), add.begin(), add.end());
  std::unordered_set<std::string> removed;
  for (const auto& w : remove) removed.insert(normalizer.Normalize(w));
  for (const auto& w : raw) {
    const std::string norm = normalizer.Normalize(w);
    if (norm.empty() || removed.count(norm) != 0) continue;
    set_.Insert(norm);
  }
}

bool WordSet::Insert(std::string_view word) {
  const std::size_t n = words_.size();
  return Intern(word) == n;
}

std::uint32_t WordSet::Intern(std::string_view word) {
  std::size_t i = Slot(word);
  if (slots_[i] != 0) return slots_[i] - 1;
  if ((words_.size() + 1) * 2 > slots_.size()) {
    Rehash(slots_.size() * 2);
    i = Slot(word);
  }
  words_.emplace_back(word);
  slots_[i] = static_cast<std::uint32_t>(words_.size());
  length_mask_ |= std::uint64_t{1} << (word.size() < 63 ? word.size() : 63);
  return static_cast<std::uint32_t>(words_.size() - 1);
}

void WordSet::Rehash(std::size_t n_slots) {
  slots_.assign(n_slots, 0);
  const std::size_t mask = n_slots - 1;
  for (std::size_t k = 0; k < words_.size(); ++k) {
    std::size_t i = Hash(words_[k]) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<std::uint32_t>(k + 1);
  }
}

std::vector<std::string> StopWords::Words() const {
  std::vector<std::string> out(set_.words());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace akhbar
