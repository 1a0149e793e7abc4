// Bindings of the tokeniser, stop words, stemmers and analyser. The Pythonic API is python/akhbar/analysis.py.
#include <pybind11/stl.h>


#include "akhbar/analyzer.h"
#include "akhbar/parallel.h"
#include "akhbar/stemmer.h"
#include "akhbar/stopwords.h"
#include "akhbar/tokenizer.h"
#include "akhbar/utf8.h"
#include "common.h"
#include "text_options.h"

namespace akhbar {
namespace python {

namespace {

struct NormalizerField {
  const char* name;
  bool NormalizerOptions::*field;
};

constexpr NormalizerField kNormalizerFields[] = {
    {"unicode", &NormalizerOptions::unicode},
    {"remove_diacritics", &NormalizerOptions::remove_diacritics},
    {"remove_tatweel", &NormalizerOptions::remove_tatweel},
    {"fold_alef", &NormalizerOptions::fold_alef},
    {"fold_alef_maksura", &NormalizerOptions::fold_alef_maksura},
    {"fold_teh_marbuta", &NormalizerOptions::fold_teh_marbuta},
    {"fold_persian", &NormalizerOptions::fold_persian},
    {"fold_hamza_carriers", &NormalizerOptions::fold_hamza_carriers},
    {"ascii_digits", &NormalizerOptions::ascii_digits},
    {"remove_invisible", &NormalizerOptions::remove_invisible},
    {"normalize_whitespace", &NormalizerOptions::normalize_whitespace},
    {"keep_newlines", &NormalizerOptions::keep_newlines},
    {"repair_obfuscation", &NormalizerOptions::repair_obfuscation},
    {"fold_latin", &NormalizerOptions::fold_latin},
};

std::string TypeName(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }

bool Bool(const std::string& key, py::handle v) {
  if (!PyBool_Check(v.ptr())) {
    throw py::type_error("option '" + key + "' must be True or False, not " + TypeName(v));
  }
  return v.cast<bool>();
}

int Int(const std::string& key, py::handle v) {
  if (PyBool_Check(v.ptr()) || !PyLong_Check(v.ptr())) {
    throw py::type_error("option '" + key + "' must be an int, not " + TypeName(v));
  }
  return v.cast<int>();
}

std::string Str(const std::string& key, py::handle v) {
  if (!PyUnicode_Check(v.ptr())) throw py::type_error("option '" + key + "' must be a str, not " + TypeName(v));
  return v.cast<std::string>();
}

std::vector<std::string> StrList(const std::string& key, py::handle v) {
  if (PyUnicode_Check(v.ptr()) || PyBytes_Check(v.ptr())) {
    throw py::type_error("option '" + key + "' must be an iterable of str, not a single " + TypeName(v));
  }
  py::list keep;
  const std::vector<Utf8Text> words = ToUtf8List(v, key.c_str(), false, keep);
  std::vector<std::string> out;
  out.reserve(words.size());
  for (const auto& w : words) out.emplace_back(w.utf8);
  return out;
}

bool SetNormalizerField(NormalizerOptions* o, const std::string& key, py::handle v) {
  for (const auto& f : kNormalizerFields) {
    if (key == f.name) {
      o->*(f.field) = Bool(key, v);
      return true;
    }
  }
  return false;
}

void NormalizerToDict(const NormalizerOptions& o, py::dict* d) {
  for (const auto& f : kNormalizerFields) (*d)[f.name] = o.*(f.field);
}

// Terms of many texts as ids into one vocabulary, built without the GIL, so that every distinct term becomes
// one Python str and the lists are filled by reference.
struct InternedTerms {
  WordSet vocabulary;
  std::vector<std::vector<std::uint32_t>> ids;

  void Add(std::size_t k, const TermList& terms) {
    std::vector<std::uint32_t>& v = ids[k];
    v.resize(terms.size());
    for (std::size_t i = 0; i < terms.size(); ++i) v[i] = vocabulary.Intern(terms[i]);
  }

  // Needs the GIL.
  py::list ToPython() const {
    std::vector<py::object> strs;
    strs.reserve(vocabulary.size());
    for (const std::string& w : vocabulary.words()) {
      PyObject* s = PyUnicode_DecodeUTF8(w.data(), static_cast<Py_ssize_t>(w.size()), "strict");
      if (s == nullptr) throw py::error_already_set();
      strs.push_back(py::reinterpret_steal<py::object>(s));
    }
    py::list out(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k) {
      PyObject* list = PyList_New(static_cast<Py_ssize_t>(ids[k].size()));
      if (list == nullptr) throw py::error_already_set();
      for (std::size_t i = 0; i < ids[k].size(); ++i) {
        PyObject* s = strs[ids[k][i]].ptr();
        Py_INCREF(s);
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), s);
      }
      out[k] = py::reinterpret_steal<py::list>(list);
    }
    return out;
  }
};

py::list StringsToPy(const std::vector<std::string>& v) {
  py::list out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = py::str(v[i]);
  return out;
}

// Offsets into the caller's text: code points for str, bytes for bytes.
std::vector<std::int64_t> MapOffsets(const Utf8Text& in, const std::vector<std::size_t>& byte_offsets,
                                     const std::vector<std::uint32_t>* cp) {
  std::vector<std::int64_t> out(byte_offsets.size());
  for (std::size_t k = 0; k < byte_offsets.size(); ++k) {
    const std::size_t b = byte_offsets[k];
    if (in.from_bytes) {
      out[k] = in.repaired_to_input.empty()
                   ? static_cast<std::int64_t>(b)
                   : (b < in.repaired_to_input.size() ? in.repaired_to_input[b]
                                                      : static_cast<std::int64_t>(in.repaired_to_input.back() + 1));
    } else {
      out[k] = (*cp)[b];
    }
  }
  return out;
}

}  // namespace

AnalyzerOptions AnalyzerOptionsFromDict(const py::dict& d) {
  AnalyzerOptions o;
  for (const auto& item : d) {
    if (!PyUnicode_Check(item.first.ptr())) throw py::type_error("analyser option names must be str");
    const std::string key = py::str(item.first);
    const py::handle v = item.second;
    if (SetNormalizerField(&o.normalizer, key, v)) continue;
    if (key == "analyzer") o.analyzer = Str(key, v);
    else if (key == "ngram_min") o.ngram_min = Int(key, v);
    else if (key == "ngram_max") o.ngram_max = Int(key, v);
    else if (key == "stop_words") o.stop_words = Bool(key, v);
    else if (key == "stop_word_lists") o.stop_word_lists = StrList(key, v);
    else if (key == "add_stop_words") o.add_stop_words = StrList(key, v);
    else if (key == "remove_stop_words") o.remove_stop_words = StrList(key, v);
    else if (key == "stemmer") o.stemmer = Str(key, v);
    else if (key == "protected_words") o.protected_words = StrList(key, v);
    else if (key == "add_protected_words") o.add_protected_words = StrList(key, v);
    else if (key == "keep_numbers") o.keep_numbers = Bool(key, v);
    else if (key == "keep_urls") o.keep_urls = Bool(key, v);
    else if (key == "keep_clitics") o.keep_clitics = Bool(key, v);
    else throw py::type_error("unknown analyser option '" + key + "'");
  }
  return o;
}

py::dict AnalyzerOptionsToDict(const AnalyzerOptions& o) {
  py::dict d;
  NormalizerToDict(o.normalizer, &d);
  d["analyzer"] = o.analyzer;
  d["ngram_min"] = o.ngram_min;
  d["ngram_max"] = o.ngram_max;
  d["stop_words"] = o.stop_words;
  d["stop_word_lists"] = StringsToPy(o.stop_word_lists);
  d["add_stop_words"] = StringsToPy(o.add_stop_words);
  d["remove_stop_words"] = StringsToPy(o.remove_stop_words);
  d["stemmer"] = o.stemmer;
  d["protected_words"] = StringsToPy(o.protected_words);
  d["add_protected_words"] = StringsToPy(o.add_protected_words);
  d["keep_numbers"] = o.keep_numbers;
  d["keep_urls"] = o.keep_urls;
  d["keep_clitics"] = o.keep_clitics;
  return d;
}

TokenizerOptions TokenizerOptionsFromDict(const py::dict& d) {
  TokenizerOptions o;
  for (const auto& item : d) {
    if (!PyUnicode_Check(item.first.ptr())) throw py::type_error("tokeniser option names must be str");
    const std::string key = py::str(item.first);
    const py::handle v = item.second;
    if (SetNormalizerField(&o.normalizer, key, v)) continue;
    if (key == "punct") o.punct = Bool(key, v);
    else if (key == "urls") o.urls = Bool(key, v);
    else if (key == "emails") o.emails = Bool(key, v);
    else if (key == "mentions") o.mentions = Bool(key, v);
    else if (key == "hashtags") o.hashtags = Bool(key, v);
    else if (key == "split_clitics") o.split_clitics = Bool(key, v);
    else throw py::type_error("unknown tokeniser option '" + key + "'");
  }
  return o;
}

py::dict TokenizerOptionsToDict(const TokenizerOptions& o) {
  py::dict d;
  NormalizerToDict(o.normalizer, &d);
  d["punct"] = o.punct;
  d["urls"] = o.urls;
  d["emails"] = o.emails;
  d["mentions"] = o.mentions;
  d["hashtags"] = o.hashtags;
  d["split_clitics"] = o.split_clitics;
  return d;
}

void BindText(py::module_& m) {
  py::class_<Tokenizer>(m, "Tokenizer")
      .def(py::init([](const py::dict& options) { return new Tokenizer(TokenizerOptionsFromDict(options)); }),
           py::arg("options"))
      .def_static("default_options", []() { return TokenizerOptionsToDict(TokenizerOptions()); })
      .def("options", [](const Tokenizer& t) { return TokenizerOptionsToDict(t.options()); })
      .def(
          "tokenize",
          [](const Tokenizer& t, py::handle text, const std::string& errors) {
            const Utf8Text in = ToUtf8(text, "text", ParseErrors(errors));
            std::vector<std::string> out;
            {
              py::gil_scoped_release release;
              out = t.TokenizeToStrings(in.utf8);
            }
            return StringsToPy(out);
          },
          py::arg("text"), py::arg("errors") = "strict")
      .def(
          "tokens",
          // (texts, kinds, starts, ends): offsets in code points of a str, bytes of a bytes object.
          [](const Tokenizer& t, py::handle text, const std::string& errors) {
            const Utf8Text in = ToUtf8(text, "text", ParseErrors(errors));
            std::vector<Token> tokens;
            std::vector<std::int64_t> starts, ends;
            {
              py::gil_scoped_release release;
              tokens = t.Tokenize(in.utf8);
              std::vector<std::size_t> s(tokens.size()), e(tokens.size());
              for (std::size_t k = 0; k < tokens.size(); ++k) {
                s[k] = tokens[k].start;
                e[k] = tokens[k].end;
              }
              std::vector<std::uint32_t> cp;
              if (!in.from_bytes) cp = utf8::ByteToCodePointIndex(in.utf8);
              starts = MapOffsets(in, s, &cp);
              ends = MapOffsets(in, e, &cp);
            }
            py::list texts(tokens.size()), kinds(tokens.size());
            for (std::size_t k = 0; k < tokens.size(); ++k) {
              texts[k] = py::str(tokens[k].text);
              kinds[k] = py::str(TokenKindName(tokens[k].kind));
            }
            return py::make_tuple(texts, kinds, ToNumpy(std::move(starts)), ToNumpy(std::move(ends)));
          },
          py::arg("text"), py::arg("errors") = "strict");

  py::class_<Stemmer>(m, "Stemmer")
      .def(py::init([](const std::string& method, py::handle protected_words) {
             std::vector<std::string> words =
                 protected_words.is_none() ? DefaultProtectedWords() : StrList("protected", protected_words);
             return new Stemmer(ParseStemMethod(method), words);
           }),
           py::arg("method"), py::arg("protected_words") = py::none())
      .def("method", [](const Stemmer& s) { return std::string(StemMethodName(s.method())); })
      .def("protected_words", [](const Stemmer& s) { return StringsToPy(s.protected_words()); })
      .def(
          "stem",
          [](const Stemmer& s, py::handle word) {
            const Utf8Text in = ToUtf8(word, "word", false);
            std::string out;
            {
              py::gil_scoped_release release;
              out = s.Stem(in.utf8);
            }
            return py::str(out);
          },
          py::arg("word"))
      .def(
          "stem_batch",
          [](const Stemmer& s, py::handle words, py::handle n_threads) {
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(words, "words", false, keep);
            const int threads = ThreadsArg(n_threads);
            std::vector<std::string_view> views;
            views.reserve(in.size());
            for (const auto& w : in) views.push_back(w.utf8);
            std::vector<std::string> out;
            {
              py::gil_scoped_release release;
              out = s.StemBatch(views, threads);
            }
            return StringsToPy(out);
          },
          py::arg("words"), py::arg("n_threads") = py::none());

  py::class_<Analyzer>(m, "Analyzer")
      .def(py::init([](const py::dict& options) { return new Analyzer(AnalyzerOptionsFromDict(options)); }),
           py::arg("options"))
      .def_static("default_options", []() { return AnalyzerOptionsToDict(AnalyzerOptions()); })
      .def("options", [](const Analyzer& a) { return AnalyzerOptionsToDict(a.options()); })
      .def("stop_words", [](const Analyzer& a) { return StringsToPy(a.stop_words().Words()); })
      .def("protected_words", [](const Analyzer& a) { return StringsToPy(a.stemmer().protected_words()); })
      .def(
          "analyze",
          [](const Analyzer& a, py::handle text, const std::string& errors) {
            const Utf8Text in = ToUtf8(text, "text", ParseErrors(errors));
            InternedTerms interned;
            interned.ids.resize(1);
            {
              py::gil_scoped_release release;
              TermList terms;
              a.AnalyzeInto(in.utf8, &terms);
              interned.Add(0, terms);
            }
            const py::list result = interned.ToPython();
            return py::reinterpret_borrow<py::list>(result[0]);
          },
          py::arg("text"), py::arg("errors") = "strict")
      .def(
          "analyze_batch",
          [](const Analyzer& a, py::handle texts, py::handle n_threads, const std::string& errors) {
            const bool replace = ParseErrors(errors);
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(texts, "texts", replace, keep);
            const int threads = ThreadsArg(n_threads);
            std::vector<std::string_view> views;
            views.reserve(in.size());
            for (const auto& t : in) views.push_back(t.utf8);
            InternedTerms interned;
            interned.ids.resize(views.size());
            std::vector<TermList> terms;
            RunInterruptible(views.size(), 1024, [&](std::size_t begin, std::size_t end) {
              terms.resize(end - begin);
              ParallelFor(end - begin, threads, 16, [&](std::size_t b, std::size_t e) {
                for (std::size_t k = b; k < e; ++k) a.AnalyzeInto(views[begin + k], &terms[k]);
              });
              for (std::size_t k = begin; k < end; ++k) interned.Add(k, terms[k - begin]);
            });
            return interned.ToPython();
          },
          py::arg("texts"), py::arg("n_threads") = py::none(), py::arg("errors") = "strict");

  m.def("builtin_stop_words", [](const std::string& name) { return StringsToPy(BuiltinStopWords(name)); },
        py::arg("name"));
  m.def("stop_word_list_names", []() { return StringsToPy(StopWordListNames()); });
  m.def("default_protected_words", []() { return StringsToPy(DefaultProtectedWords()); });
  m.def(
      "normalized_stop_words",
      [](const py::dict& options) {
        const Analyzer a(AnalyzerOptionsFromDict(options));
        return StringsToPy(a.stop_words().Words());
      },
      py::arg("options"));
}

}  // namespace python
}  // namespace akhbar
