#include "akhbar/boilerplate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "akhbar/error.h"
#include "akhbar/normalizer.h"
#include "akhbar/parallel.h"
#include "akhbar/utf8.h"

namespace akhbar {

namespace {

std::uint64_t Key(std::int32_t source, std::string_view line) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ULL ^ static_cast<std::uint32_t>(source);
  h *= 0x100000001B3ULL;
  for (const char c : line) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  h ^= h >> 31;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

// Calls fn(line, separator) for each line of text, in order: lines end at \n, \r\n, \r, \v, \f, \x1c-\x1e,
// U+0085, U+2028 or U+2029 (as Python's str.splitlines), and `separator` is that break's bytes (empty after
// the last line). (At \n alone, pages with \r-only or U+2028 line breaks were one line, and their chrome
// never found.)
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  const std::size_t n = text.size();
  std::size_t start = 0, i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) {
      len = 1;
    } else if (c == '\r') {
      len = i + 1 < n && text[i + 1] == '\n' ? 2 : 1;
    } else if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) == 0x85) {
      len = 2;
    } else if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      len = 3;
    }
    if (len == 0) {
      ++i;
      continue;
    }
    fn(text.substr(start, i - start), text.substr(i, len));
    i += len;
    start = i;
  }
  fn(text.substr(start), std::string_view());
}

NormalizerOptions LineOptions() {
  NormalizerOptions o;
  o.keep_newlines = false;
  return o;
}

}  // namespace

Boilerplate::Boilerplate() : normalizer_(std::make_unique<Normalizer>(LineOptions())) {}

Boilerplate::Boilerplate(std::vector<BoilerplateLine> lines) : Boilerplate() {
  lines_ = std::move(lines);
  IndexLines();
}

void Boilerplate::IndexLines() {
  keys_.clear();
  for (const auto& l : lines_) {
    keys_.insert(Key(l.source, l.line));
    keys_.insert(Key(kAnySource, l.line));
  }
}

Boilerplate::~Boilerplate() = default;
Boilerplate::Boilerplate(Boilerplate&&) noexcept = default;
Boilerplate& Boilerplate::operator=(Boilerplate&&) noexcept = default;

std::string Boilerplate::NormalizeLine(std::string_view line) const { return normalizer_->Normalize(line); }

Boilerplate Boilerplate::Find(const std::vector<std::string_view>& texts, const std::vector<std::int32_t>& sources,
                              const BoilerplateOptions& options, int n_threads) {
  if (texts.size() != sources.size()) {
    throw InvalidArgument("texts and sources differ in length: " + std::to_string(texts.size()) + " and " +
                          std::to_string(sources.size()));
  }
  Boilerplate result;
  // Per text (on the threads): its distinct short normalised lines, their keys, and the text's own key.
  std::vector<std::vector<std::string>> per_text(texts.size());
  std::vector<std::vector<std::uint64_t>> line_keys(texts.size());
  std::vector<std::uint64_t> text_keys(texts.size());
  ParallelFor(texts.size(), n_threads, 256, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      ForText("text", i, [&] { utf8::CheckValid(texts[i]); });  // (names the text, as the other batch calls do)
      auto& out = per_text[i];
      ForEachLine(texts[i], [&](std::string_view line, std::string_view) {
        std::string norm = result.normalizer_->Normalize(line);
        if (norm.empty() || utf8::CountCodePoints(norm) > options.max_line_chars) return;
        out.push_back(std::move(norm));
      });
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      line_keys[i].reserve(out.size());
      for (const std::string& line : out) line_keys[i].push_back(Key(sources[i], line));
      text_keys[i] = Key(sources[i], texts[i]);
    }
  });
  // Copies of one article count once: a story a source republished five times is not five articles whose
  // every line is chrome (its lines were all stripped, leaving empty articles).
  std::unordered_set<std::uint64_t> seen;
  std::map<std::int32_t, std::size_t> docs_per_source;
  std::vector<std::uint8_t> counted(texts.size(), 0);
  std::size_t n_lines = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!seen.insert(text_keys[i]).second) continue;
    counted[i] = 1;
    ++docs_per_source[sources[i]];
    n_lines += line_keys[i].size();
  }
  auto need_of = [&](std::int32_t source) {
    return std::max(static_cast<double>(options.min_docs),
                    std::ceil(options.min_fraction * static_cast<double>(docs_per_source[source])));
  };
  // The lines counted by their keys first, then exactly (by their text) only those whose key reached the
  // threshold, a few: an ordered map of every distinct line of a corpus (hundreds of thousands, compared by
  // their text) made finding egy2013's boilerplate take 1.4 s, most of it on one thread. (A collision of
  // keys only adds a line to count exactly.)
  std::unordered_map<std::uint64_t, std::uint32_t> by_key;
  by_key.reserve(n_lines);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!counted[i]) continue;
    for (const std::uint64_t k : line_keys[i]) ++by_key[k];
  }
  std::map<std::pair<std::int32_t, std::string>, std::uint32_t> counts;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!counted[i]) continue;
    const double need = need_of(sources[i]);
    for (std::size_t j = 0; j < per_text[i].size(); ++j) {
      if (by_key[line_keys[i][j]] >= need) ++counts[{sources[i], std::move(per_text[i][j])}];
    }
  }
  for (auto& [key, count] : counts) {
    if (count >= need_of(key.first)) result.lines_.push_back({key.first, key.second, count});
  }
  std::stable_sort(result.lines_.begin(), result.lines_.end(), [](const BoilerplateLine& a, const BoilerplateLine& b) {
    return a.source < b.source || (a.source == b.source && a.count > b.count);
  });
  result.IndexLines();
  return result;
}

std::string Boilerplate::Strip(std::string_view text, std::int32_t source) const {
  utf8::CheckValid(text);  // (as Find: ill-formed text was passed through, or named by its offset in a line)
  if (keys_.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  // The lines kept, each followed by its own line break but for the last kept.
  bool first = true, kept_text = false;
  std::string_view break_after;
  ForEachLine(text, [&](std::string_view line, std::string_view separator) {
    const std::string norm = normalizer_->Normalize(line);
    if (keys_.count(Key(source, norm)) != 0) return;
    if (!first) out.append(break_after.data(), break_after.size());
    out.append(line.data(), line.size());
    break_after = separator;
    first = false;
    kept_text = kept_text || !norm.empty();
  });
  // An article that is boilerplate through and through (a copy of one whose lines all repeat) stays whole:
  // chrome is what surrounds an article, never all of it.
  return kept_text ? out : std::string(text);
}

std::vector<std::string> Boilerplate::StripBatch(const std::vector<std::string_view>& texts,
                                                 const std::vector<std::int32_t>& sources, int n_threads) const {
  if (texts.size() != sources.size()) {
    throw InvalidArgument("texts and sources differ in length: " + std::to_string(texts.size()) + " and " +
                          std::to_string(sources.size()));
  }
  std::vector<std::string> out(texts.size());
  ParallelFor(texts.size(), n_threads, 256, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] = ForText("text", i, [&] { return Strip(texts[i], sources[i]); });
  });
  return out;
}

}  // namespace akhbar
