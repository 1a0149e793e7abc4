// The analyser record of a saved vectoriser (Vectorizer, HashingVectorizer): whether the model had an analyser,
// and its options (SerializeAnalyzerOptions), so that a model loads with the analyser it was fitted with.
#ifndef AKHBAR_SRC_SAVED_ANALYZER_H_
#define AKHBAR_SRC_SAVED_ANALYZER_H_

#include <memory>

#include "akhbar/analyzer.h"
#include "akhbar/serialize.h"

namespace akhbar::internal {

// Writes the record of `analyzer` (which may be null).
void PutAnalyzer(Writer& w, const Analyzer* analyzer);

// Reads the record and gives the analyser the loaded model uses: `given` if not null, which must have the stored
// options (InvalidArgument naming the first that differs), else one made from the stored options. A record of
// no analyser gives `given`. FormatError for a damaged record.
std::shared_ptr<const Analyzer> GetAnalyzer(Reader& r, std::shared_ptr<const Analyzer> given);

}  // namespace akhbar::internal

#endif  // AKHBAR_SRC_SAVED_ANALYZER_H_
