// Conversion of analyser options between Python dicts and akhbar::AnalyzerOptions, shared by the text and
// vectoriser bindings. The dict's keys are the field names of AnalyzerOptions, with the normaliser options
// flat (their NormalizerOptions names); python/akhbar/analysis.py's analyzer_options() builds such a dict from
// the user's keyword arguments.
#ifndef AKHBAR_PYTHON_TEXT_OPTIONS_H_
#define AKHBAR_PYTHON_TEXT_OPTIONS_H_

#include <pybind11/pybind11.h>

#include "akhbar/analyzer.h"
#include "akhbar/tokenizer.h"

namespace akhbar {
namespace python {

namespace py = pybind11;

// Options from `d`; missing keys keep their defaults. Raises TypeError for an unknown key or a value of the
// wrong type (naming the key). Value checks (unknown stemmer, n-gram range) happen in Analyzer's constructor.
AnalyzerOptions AnalyzerOptionsFromDict(const py::dict& d);

// Every option as a dict AnalyzerOptionsFromDict accepts.
py::dict AnalyzerOptionsToDict(const AnalyzerOptions& o);

// Tokeniser options from `d`: the normaliser options flat plus punct, urls, emails, mentions, hashtags,
// split_clitics (all bool).
TokenizerOptions TokenizerOptionsFromDict(const py::dict& d);
py::dict TokenizerOptionsToDict(const TokenizerOptions& o);

}  // namespace python
}  // namespace akhbar

#endif  // AKHBAR_PYTHON_TEXT_OPTIONS_H_
