// Placeholder implementation (whitespace words after normalisation); replaced by issue 3's analyser.
#include "akhbar/analyzer.h"

namespace akhbar {

Analyzer::Analyzer(const AnalyzerOptions& options)
    : options_(options), normalizer_(new Normalizer(options.normalizer)) {}
Analyzer::~Analyzer() = default;

const AnalyzerOptions& Analyzer::options() const noexcept { return options_; }

void Analyzer::ForEachTerm(std::string_view text, const std::function<void(std::string_view)>& fn) const {
  const std::string norm = normalizer_->Normalize(text);
  std::size_t i = 0;
  while (i < norm.size()) {
    while (i < norm.size() && norm[i] == ' ') ++i;
    std::size_t j = i;
    while (j < norm.size() && norm[j] != ' ') ++j;
    if (j > i) fn(std::string_view(norm).substr(i, j - i));
    i = j;
  }
}

std::vector<std::string> Analyzer::Analyze(std::string_view text) const {
  std::vector<std::string> out;
  ForEachTerm(text, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

}  // namespace akhbar
