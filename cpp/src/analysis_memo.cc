#include "akhbar/analysis_memo.h"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "akhbar/vocabulary.h"
#include "chunks.h"
#include "term_cache.h"

namespace akhbar {

namespace {

// Memo key kinds: the same chunk stored in different code units has one entry per storage.
constexpr unsigned kUtf8Kind = 0, kLatin1Kind = 1, kUcs2Kind = 2, kUcs4Kind = 3;
constexpr std::uint32_t kInvalid = 0xFFFFFFFFu;  // entry count of a chunk that is not valid text
constexpr std::uint32_t kPending = 0xFFFFFFFEu;  // entry count of a new chunk whose terms are not interned yet
constexpr std::size_t kPrefetch = 32;            // memo lookups in flight

// Code units as UTF-8 in *out (the view for UTF-8 input); false for ill-formed UTF-8 or a surrogate.
bool AsUtf8(const char* p, std::size_t n, std::string*, std::string_view* out) {
  *out = std::string_view(p, n);
  return utf8::Validate(*out) == utf8::kValid;
}
// (Every Latin-1 code point has a UTF-8 form.)
template <typename Unit>
bool AsUtf8(const Unit* p, std::size_t n, std::string* buf, std::string_view* out) {
  return utf8::FromWide(p, n, buf, out) == n;
}

}  // namespace

struct AnalyzerMemo::Impl {
  Impl(const Analyzer& a, std::size_t max)
      : analyzer(a),
        max_entries(max),
        nmin(static_cast<std::size_t>(a.options().ngram_min)),
        nmax(static_cast<std::size_t>(a.options().ngram_max)) {}

  const Analyzer& analyzer;
  const std::size_t max_entries;
  const std::size_t nmin, nmax;
  internal::TokenMemo chunks;  // chunk -> its one term id and 1, or (offset, count) in keys, or kInvalid
  std::vector<std::uint32_t> keys;
  // Distinct terms: term -> id, id -> term.
  Vocabulary terms;
  std::unique_ptr<internal::PairCache> pairs;  // (word id, word id) -> bigram id
  // Working memory.
  internal::ChunkRanges ranges;
  std::vector<internal::TokenMemo::Key> memo_keys;
  std::vector<std::uint32_t> unigrams;
  std::string utf8, joined, word_buffer;
  std::vector<std::uint32_t> word_starts;
  TextTokens tokens;
  TermScratch scratch;
  // The current text's new chunks and their terms, and the places in the output that await them (position,
  // index in new_chunks).
  std::vector<internal::NewChunk> new_chunks;
  internal::PendingTerms pending;
  std::vector<std::uint32_t> pending_ids;  // their ids, once interned
  std::vector<std::pair<std::uint32_t, std::uint32_t>> placeholders;

  std::uint32_t Key(std::string_view term) { return terms.Insert(term); }
  std::string_view Term(std::uint32_t id) const noexcept { return terms.Term(id); }

  // Queues the terms of chunk (valid UTF-8, no ASCII whitespace) in `pending`.
  void Fill(std::string_view chunk) {
    if (analyzer.word_level()) {
      analyzer.ChunkTerms(chunk, &tokens, &scratch, [this](std::string_view term) { pending.Add(term, terms); });
    } else {
      analyzer.Tokens(chunk, &tokens);
      for (const RawToken& t : tokens.tokens) {
        analyzer.WbNgrams(tokens.Surface(t), &word_buffer, &word_starts,
                          [this](std::string_view g) { pending.Add(g, terms); });
      }
    }
  }

  template <typename Unit>
  bool Run(const Unit* p, std::size_t n, unsigned kind, std::vector<std::uint32_t>* ids) {
    if (!analyzer.token_level()) return RunWhole(p, n, ids);
    internal::ChunkKeys(p, n, kind, chunks, kPrefetch, &ranges, &memo_keys);
    const std::size_t nc = ranges.size();
    const bool ngrams = analyzer.word_level() && nmax > 1;
    std::vector<std::uint32_t>* out = ngrams ? &unigrams : ids;
    out->clear();
    // New chunks are analysed as they come, and their terms interned together at the end (PendingTerms):
    // meanwhile their entries hold (index in new_chunks, kPending), and `out` room for their terms.
    new_chunks.clear();
    placeholders.clear();
    pending.Clear();
    bool valid = true;
    for (std::size_t j = 0; j < nc && valid; ++j) {
      if (j + kPrefetch < nc) chunks.Prefetch(memo_keys[j + kPrefetch]);
      bool found = false;
      internal::TokenMemo::Entry* e = chunks.FindOrAdd(memo_keys[j], &found);
      if (!found) {
        e->aux = kInvalid;  // until analysed
        e->value = 0;
        std::string_view chunk;
        if (!AsUtf8(p + ranges.begin(j), ranges.end(j) - ranges.begin(j), &utf8, &chunk)) {
          valid = false;
          break;
        }
        const std::uint32_t first = pending.size();
        Fill(chunk);
        e->value = static_cast<std::uint32_t>(new_chunks.size());
        e->aux = kPending;
        new_chunks.push_back({static_cast<std::uint32_t>(j), first, pending.size() - first, 0});
      }
      if (e->aux == 1) {
        out->push_back(e->value);
      } else if (e->aux == kPending) {
        placeholders.push_back({static_cast<std::uint32_t>(out->size()), e->value});
        out->resize(out->size() + new_chunks[e->value].count);
      } else if (e->aux == kInvalid) {
        valid = false;
      } else {
        out->insert(out->end(), keys.begin() + e->value, keys.begin() + e->value + e->aux);
      }
    }
    if (!new_chunks.empty()) InternNew(out);  // also before returning false: the entries must be complete
    if (!valid) return false;
    if (ngrams) Ngrams(ids);
    return true;
  }

  // Interns the terms of the new chunks, completes their entries and writes their keys into `out`.
  void InternNew(std::vector<std::uint32_t>* out) {
    internal::CompleteNewChunks(pending, memo_keys, &chunks, &terms, &keys, &new_chunks, &pending_ids);
    for (const auto& [at, index] : placeholders) {
      const internal::NewChunk& c = new_chunks[index];
      if (c.count == 1) {
        (*out)[at] = c.value;
      } else {
        std::copy(keys.begin() + c.value, keys.begin() + c.value + c.count, out->begin() + at);
      }
    }
  }

  // "char": the whole text's n-grams, interned.
  template <typename Unit>
  bool RunWhole(const Unit* p, std::size_t n, std::vector<std::uint32_t>* ids) {
    std::string_view text;
    if (!AsUtf8(p, n, &utf8, &text)) return false;
    ids->clear();
    analyzer.ForEachTerm(text, [&](std::string_view t) { ids->push_back(Key(t)); });
    return true;
  }

  // Word n-grams of `unigrams` in scikit-learn's order, as Analyzer::ForEachTerm builds them.
  void Ngrams(std::vector<std::uint32_t>* ids) {
    ids->clear();
    const std::size_t count = unigrams.size();
    if (nmin == 1) ids->assign(unigrams.begin(), unigrams.end());
    if (nmin <= 2 && nmax >= 2 && count >= 2) {
      if (!pairs) pairs = std::make_unique<internal::PairCache>(16, 16);
      for (std::size_t j = 0; j + 1 < count; ++j) {
        const std::uint32_t a = unigrams[j], b = unigrams[j + 1];
        std::uint32_t id;
        if (!pairs->Get(a, b, &id)) {
          joined.assign(Term(a));
          joined.push_back(' ');
          joined.append(Term(b));
          id = Key(joined);
          pairs->Put(a, b, id);
        }
        ids->push_back(id);
      }
    }
    for (std::size_t len = std::max<std::size_t>(nmin, 3); len <= nmax && len <= count; ++len) {
      for (std::size_t j = 0; j + len <= count; ++j) {
        joined.assign(Term(unigrams[j]));
        for (std::size_t k = j + 1; k < j + len; ++k) {
          joined.push_back(' ');
          joined.append(Term(unigrams[k]));
        }
        ids->push_back(Key(joined));
      }
    }
  }

  template <typename Unit>
  bool RunOrClear(const Unit* p, std::size_t n, unsigned kind, std::vector<std::uint32_t>* ids) {
    try {
      return Run(p, n, kind, ids);
    } catch (...) {
      Clear();
      throw;
    }
  }

  void Clear() {
    chunks.Clear();
    std::vector<std::uint32_t>().swap(keys);
    terms.Clear();
    pairs.reset();
    ReleaseWorkingMemory();  // (as large as the longest text seen)
  }

  std::size_t WorkingBytes() const noexcept {
    return ranges.MemoryBytes() + memo_keys.capacity() * sizeof(internal::TokenMemo::Key) +
           unigrams.capacity() * sizeof(std::uint32_t) + utf8.capacity() + joined.capacity() +
           word_buffer.capacity() + word_starts.capacity() * sizeof(std::uint32_t) + tokens.normalized.capacity() +
           tokens.tokens.capacity() * sizeof(RawToken) + scratch.a.capacity() + scratch.b.capacity() +
           scratch.c.capacity() + scratch.word.capacity() + new_chunks.capacity() * sizeof(internal::NewChunk) +
           pending.MemoryBytes() + pending_ids.capacity() * sizeof(std::uint32_t) +
           placeholders.capacity() * sizeof(placeholders[0]);
  }

  void ReleaseWorkingMemory() {
    ranges = internal::ChunkRanges();
    std::vector<internal::TokenMemo::Key>().swap(memo_keys);
    std::vector<std::uint32_t>().swap(unigrams);
    std::vector<internal::NewChunk>().swap(new_chunks);
    pending = internal::PendingTerms();
    std::vector<std::uint32_t>().swap(pending_ids);
    std::vector<std::pair<std::uint32_t, std::uint32_t>>().swap(placeholders);
    std::string().swap(utf8);
    std::string().swap(joined);
    std::string().swap(word_buffer);
    std::vector<std::uint32_t>().swap(word_starts);
    tokens = TextTokens();
    scratch = TermScratch();
  }
};

AnalyzerMemo::AnalyzerMemo(const Analyzer& analyzer, std::size_t max_entries)
    : impl_(std::make_unique<Impl>(analyzer, max_entries)) {}

AnalyzerMemo::~AnalyzerMemo() = default;

void AnalyzerMemo::Analyze(std::string_view text, std::vector<std::uint32_t>* ids) {
  if (!impl_->RunOrClear(text.data(), text.size(), kUtf8Kind, ids)) {
    utf8::CheckValid(text);  // throws with the offset in the text
    throw std::logic_error("AnalyzerMemo: a valid text was reported invalid");
  }
}

bool AnalyzerMemo::Analyze(const std::uint8_t* latin1, std::size_t n, std::vector<std::uint32_t>* ids) {
  return impl_->RunOrClear(latin1, n, kLatin1Kind, ids);
}
bool AnalyzerMemo::Analyze(const char16_t* ucs2, std::size_t n, std::vector<std::uint32_t>* ids) {
  return impl_->RunOrClear(ucs2, n, kUcs2Kind, ids);
}
bool AnalyzerMemo::Analyze(const char32_t* ucs4, std::size_t n, std::vector<std::uint32_t>* ids) {
  return impl_->RunOrClear(ucs4, n, kUcs4Kind, ids);
}

std::string_view AnalyzerMemo::Term(std::uint32_t id) const noexcept { return impl_->Term(id); }
std::size_t AnalyzerMemo::term_count() const noexcept { return impl_->terms.size(); }

bool AnalyzerMemo::OverBudget() const noexcept {
  return 2 * impl_->chunks.size() > 5 * impl_->max_entries || impl_->terms.size() > impl_->max_entries ||
         impl_->keys.size() > 8 * impl_->max_entries;
}

void AnalyzerMemo::Clear() { impl_->Clear(); }

void AnalyzerMemo::TrimWorkingMemory(std::size_t keep) {
  if (impl_->WorkingBytes() > keep) impl_->ReleaseWorkingMemory();
}

std::size_t AnalyzerMemo::MemoryBytes() const noexcept {
  const Impl& m = *impl_;
  return m.chunks.MemoryBytes() + m.keys.capacity() * sizeof(std::uint32_t) + m.terms.MemoryBytes() +
         (m.pairs ? m.pairs->MemoryBytes() : 0) + m.WorkingBytes();
}

}  // namespace akhbar
