// Memoised analysis: the terms of many texts as ids into one table of distinct terms, each distinct chunk of
// raw text (between ASCII whitespace) analysed once. Used by the Python binding to build term lists from one
// str object per distinct term.
#ifndef AKHBAR_ANALYSIS_MEMO_H_
#define AKHBAR_ANALYSIS_MEMO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "akhbar/analyzer.h"

namespace akhbar {

// A memo of one Analyzer's work: raw chunk -> the ids of its terms, and id -> term. Analysis never crosses
// ASCII whitespace for "word" and "char_wb" (the normaliser maps code points one by one up to a starter, and
// tokens and char_wb words end at whitespace), so a text's terms are its chunks' terms in order, and each
// distinct chunk is analysed once; word n-grams are then joined from the unigram ids (bigrams cached by id
// pair). "char" n-grams cross whitespace: every text is analysed in full and only its terms are interned.
// The ids are those of Analyzer::ForEachTerm's terms, in its order, for every text and every memo state.
//
// Not thread-safe: one memo per thread (any memo serves any text). Memory grows with the distinct chunks and
// terms seen; the owner checks OverBudget() between texts and calls Clear().
class AnalyzerMemo {
 public:
  // `analyzer` must outlive the memo. `max_entries` bounds distinct terms, 2.5 times it distinct chunks
  // (OverBudget; at the default, the chunk table stays at 2^20 slots): with the default, a memo of word terms
  // holds all of egy2013 (441k distinct chunks, 103k terms, 38 MB), so that a second pass over a corpus of that
  // size costs lookups alone.
  explicit AnalyzerMemo(const Analyzer& analyzer, std::size_t max_entries = std::size_t{1} << 18);
  ~AnalyzerMemo();
  AnalyzerMemo(const AnalyzerMemo&) = delete;
  AnalyzerMemo& operator=(const AnalyzerMemo&) = delete;

  // Sets *ids to the ids of the terms of UTF-8 `text`, in order. Throws InvalidUtf8 (the offset in `text`)
  // for ill-formed input, as Analyzer::Analyze does. O(chunks) on memo hits, plus the analysis of new
  // chunks; no allocation once buffers are warm.
  void Analyze(std::string_view text, std::vector<std::uint32_t>* ids);

  // The same for a text stored as Python stores a str: `n` code units of Latin-1, UCS-2 or UCS-4. Returns
  // false (and *ids unspecified) if the text holds a surrogate code point (U+D800..U+DFFF), which has no
  // UTF-8 form; the memo stays consistent.
  bool Analyze(const std::uint8_t* latin1, std::size_t n, std::vector<std::uint32_t>* ids);
  bool Analyze(const char16_t* ucs2, std::size_t n, std::vector<std::uint32_t>* ids);
  bool Analyze(const char32_t* ucs4, std::size_t n, std::vector<std::uint32_t>* ids);

  // The term with id `id` (< term_count()). Valid until the next Analyze or Clear. O(1).
  std::string_view Term(std::uint32_t id) const noexcept;
  // Number of distinct terms; ids are 0..term_count()-1 in first-seen order.
  std::size_t term_count() const noexcept;

  // True once the memo holds more than max_entries terms (or 2.5 * max_entries chunks, 8 * max_entries term ids).
  bool OverBudget() const noexcept;
  // Forgets every chunk and term (ids given before are no longer valid). An exception other than
  // InvalidUtf8 thrown by Analyze clears the memo too.
  void Clear();
  // Frees the working memory (as large as the longest text analysed since it was last freed) if it holds more
  // than `keep` bytes, keeping what the memo learned: for an owner keeping the memo between calls.
  void TrimWorkingMemory(std::size_t keep = std::size_t{1} << 20);
  // Heap bytes held (capacity included), working memory included.
  std::size_t MemoryBytes() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace akhbar

#endif  // AKHBAR_ANALYSIS_MEMO_H_
