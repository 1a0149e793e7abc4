// The analyser: normalise, tokenise, drop stop words, stem, build word or character n-grams. Turns a text into
// the terms that vectorisers count.
// NOTE: interface fixed for the vectorisers; the implementation is being completed (issue 3).
#ifndef AKHBAR_ANALYZER_H_
#define AKHBAR_ANALYZER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/normalizer.h"

namespace akhbar {

struct AnalyzerOptions {
  NormalizerOptions normalizer;
  // "word", "char" or "char_wb" (character n-grams inside word boundaries, padded with spaces as scikit-learn).
  std::string analyzer = "word";
  int ngram_min = 1;
  int ngram_max = 1;
};

// A configured analyser. Immutable after construction; every method is const and thread-safe.
class Analyzer {
 public:
  explicit Analyzer(const AnalyzerOptions& options = AnalyzerOptions());
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  const AnalyzerOptions& options() const noexcept;

  // Calls fn(term) for every term of valid UTF-8 `text`, in order. The view is valid only during the call.
  // Throws InvalidUtf8 on ill-formed input. O(n * ngram span).
  void ForEachTerm(std::string_view text, const std::function<void(std::string_view)>& fn) const;

  // The terms of `text`, in order.
  std::vector<std::string> Analyze(std::string_view text) const;

 private:
  AnalyzerOptions options_;
  std::unique_ptr<Normalizer> normalizer_;
};

}  // namespace akhbar

#endif  // AKHBAR_ANALYZER_H_
