// Boilerplate lines: site chrome that one outlet repeats across many of its articles ("اقرأ أيضاً",
// "مقالات ذات صلة", cookie notices, bylines), found from the collection itself and stripped before indexing.
//
// A line is a run of text between line breaks. Lines are compared after normalisation (akhbar::Normalizer
// defaults, so spacing, diacritics and letter variants do not matter). A line is boilerplate for a source if it
// occurs in at least max(min_docs, min_fraction * articles of that source) of that source's articles and has at
// most max_line_chars characters (a long repeated paragraph is more likely a republished story than chrome).
#ifndef AKHBAR_BOILERPLATE_H_
#define AKHBAR_BOILERPLATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace akhbar {

class Normalizer;

struct BoilerplateOptions {
  // (5 took lines of running text that a small outlet splits around its links, such as a country's or a
  // politician's name, for boilerplate: 6 to 9 of cnnarabic's 599 egy2013 articles hold each.)
  std::size_t min_docs = 10;
  double min_fraction = 0.01;
  std::size_t max_line_chars = 400;
};

struct BoilerplateLine {
  std::int32_t source = -1;  // the caller's source number (-1: articles without a source)
  std::string line;          // the normalised line
  std::uint32_t count = 0;   // articles of the source holding it
};

// A set of boilerplate lines per source. Immutable after construction; const methods are thread-safe.
class Boilerplate {
 public:
  // An empty set (Strip returns its input unchanged).
  Boilerplate();
  // The set of `lines` (as lines() returned them), e.g. when loading a saved index.
  explicit Boilerplate(std::vector<BoilerplateLine> lines);
  ~Boilerplate();
  Boilerplate(Boilerplate&&) noexcept;
  Boilerplate& operator=(Boilerplate&&) noexcept;

  // Finds the boilerplate of a collection: texts[i] was published by source sources[i] (any int32 numbering
  // but kAnySource).
  // Throws InvalidArgument if the sizes differ and InvalidUtf8 for ill-formed text. O(total length) on
  // n_threads threads; the result (ordered by source, then decreasing count, then line) is the same for any
  // thread count.
  static Boilerplate Find(const std::vector<std::string_view>& texts, const std::vector<std::int32_t>& sources,
                          const BoilerplateOptions& options = BoilerplateOptions(), int n_threads = 1);

  // Strip's source for a text of unknown source (a query): the lines that are boilerplate of any source go.
  static constexpr std::int32_t kAnySource = INT32_MIN;

  // `text` without its boilerplate lines for `source` (other lines kept verbatim, joined by "\n"). Throws
  // InvalidUtf8 for ill-formed text, as Find does.
  std::string Strip(std::string_view text, std::int32_t source) const;

  // Strip over many texts on n_threads threads; InvalidUtf8 names the first ill-formed text ("text 3: ...").
  std::vector<std::string> StripBatch(const std::vector<std::string_view>& texts,
                                      const std::vector<std::int32_t>& sources, int n_threads = 1) const;

  // The boilerplate lines found.
  const std::vector<BoilerplateLine>& lines() const noexcept { return lines_; }

  // The normalised form of one line used for comparison (whitespace collapsed, ends trimmed).
  std::string NormalizeLine(std::string_view line) const;

 private:
  std::vector<BoilerplateLine> lines_;
  // Hash of (source, normalised line), and of (kAnySource, line) for every line.
  std::unordered_set<std::uint64_t> keys_;
  void IndexLines();
  std::unique_ptr<Normalizer> normalizer_;
};

}  // namespace akhbar

#endif  // AKHBAR_BOILERPLATE_H_
