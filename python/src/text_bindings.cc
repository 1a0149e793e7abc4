// Bindings of the tokeniser, stop words, stemmers and analyser. The Pythonic API is python/akhbar/analysis.py.
#include <pybind11/stl.h>

#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>

#include "akhbar/analysis_memo.h"
#include "akhbar/analyzer.h"
#include "akhbar/parallel.h"
#include "akhbar/prefetch.h"
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
    {"strip_accents", &NormalizerOptions::strip_accents},
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

// One memo of an analyser and the Python str of each of its terms, made on first use and shared by every list
// that holds the term. Python objects: create, use and destroy with the GIL held (memo.Analyze needs no GIL).
struct MemoSlot {
  explicit MemoSlot(const Analyzer& analyzer) : memo(analyzer) {}
  ~MemoSlot() { DropStrs(); }
  MemoSlot(const MemoSlot&) = delete;
  MemoSlot& operator=(const MemoSlot&) = delete;

  void DropStrs() {
    for (PyObject* s : strs) Py_XDECREF(s);
    strs.clear();
  }
  void Clear() {
    memo.Clear();
    DropStrs();
  }

  // A new list of the terms `ids`: one reference more to each term's str.
  py::list List(const std::vector<std::uint32_t>& ids) {
    PyObject* raw = PyList_New(static_cast<Py_ssize_t>(ids.size()));
    if (raw == nullptr) throw py::error_already_set();
    py::list list = py::reinterpret_steal<py::list>(raw);
    if (strs.size() < memo.term_count()) strs.resize(memo.term_count(), nullptr);
    PyObject** table = strs.data();
    constexpr std::size_t kAhead = 24;  // the str objects of rare terms are far apart: load them ahead
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i + kAhead < ids.size() && table[ids[i + kAhead]] != nullptr) __builtin_prefetch(table[ids[i + kAhead]], 1);
      PyObject*& s = table[ids[i]];
      if (s == nullptr) {
        const std::string_view term = memo.Term(ids[i]);
        s = NewStr(term);
        if (s == nullptr) throw py::error_already_set();
      }
      Py_INCREF(s);
      PyList_SET_ITEM(raw, static_cast<Py_ssize_t>(i), s);
    }
    // A list of str cannot be part of a reference cycle: the cyclic garbage collector need not traverse it
    // (as CPython itself stops tracking tuples and dicts that hold only such objects). Tracked, the lists of
    // a corpus made every collection walk millions of terms (16% of a pass over egy2013).
    PyObject_GC_UnTrack(raw);
    return list;
  }

  AnalyzerMemo memo;
  std::vector<PyObject*> strs;      // by term id; null: not made yet
  std::vector<std::uint32_t> ids;  // working memory
};

// _core.Analyzer: the analyser and a pool of memos that persists across calls, so that repeated chunks and
// terms cost a lookup and a reference. A call takes a memo from the pool (a new one if all are in use, e.g.
// by other Python threads or batch threads) and gives it back; memos over budget (AnalyzerMemo's default:
// 262k terms, 655k chunks; about 50 MB with their str objects for all of egy2013's words, at most about
// 100 MB) are cleared, and at most one per hardware thread is kept.
class PyAnalyzer {
 public:
  explicit PyAnalyzer(const AnalyzerOptions& options) : analyzer_(options) {}

  const Analyzer& analyzer() const noexcept { return analyzer_; }

  std::unique_ptr<MemoSlot> Take() {
    {
      std::lock_guard<ForkSafeMutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<MemoSlot> s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<MemoSlot>(analyzer_);
  }

  // Needs the GIL (a memo dropped or cleared releases its str objects).
  void Give(std::unique_ptr<MemoSlot> s) {
    if (s->memo.OverBudget()) s->Clear();
    // (Working memory as large as the longest text of the call: not kept for the next.)
    s->memo.TrimWorkingMemory();
    if (s->ids.capacity() > (std::size_t{1} << 18)) std::vector<std::uint32_t>().swap(s->ids);
    std::lock_guard<ForkSafeMutex> lock(mu_);
    if (free_.size() < max_free_) free_.push_back(std::move(s));
  }

  // Drops every memo not in use.
  void ClearMemos() {
    std::vector<std::unique_ptr<MemoSlot>> drop;
    {
      std::lock_guard<ForkSafeMutex> lock(mu_);
      drop.swap(free_);
    }
  }

 private:
  Analyzer analyzer_;
  const std::size_t max_free_ = static_cast<std::size_t>(ResolveThreads(0));
  ForkSafeMutex mu_;
  std::vector<std::unique_ptr<MemoSlot>> free_;
};

// A memo borrowed from a PyAnalyzer for one call. It goes back to the pool unless the call fails (a failed
// call may have left it half made); either way with the GIL held.
class MemoLease {
 public:
  explicit MemoLease(PyAnalyzer& owner) : owner_(owner), slot_(owner.Take()), exceptions_(std::uncaught_exceptions()) {}
  ~MemoLease() {
    if (std::uncaught_exceptions() != exceptions_) return;
    try {
      owner_.Give(std::move(slot_));
    } catch (...) {
    }
  }
  MemoLease(const MemoLease&) = delete;
  MemoLease& operator=(const MemoLease&) = delete;
  MemoSlot& operator*() const noexcept { return *slot_; }
  MemoSlot* operator->() const noexcept { return slot_.get(); }

 private:
  PyAnalyzer& owner_;
  std::unique_ptr<MemoSlot> slot_;
  int exceptions_;
};

// A text as the memo reads it: UTF-8 bytes (width 0) or a str's own code units (width 1, 2 or 4).
struct TextRef {
  const void* data = nullptr;
  std::size_t n = 0;
  int width = 0;
};

TextRef StrRef(PyObject* o) {
  const CodePointText c = StrStorage(o);
  return TextRef{c.data, c.size, c.width};
}

TextRef Utf8Ref(const Utf8Text& t) { return TextRef{t.utf8.data(), t.utf8.size(), 0}; }

// Sets *ids to the term ids of `t`; false for a str holding a lone surrogate. Needs no GIL.
bool AnalyzeRef(AnalyzerMemo& memo, const TextRef& t, std::vector<std::uint32_t>* ids) {
  switch (t.width) {
    case 1:
      return memo.Analyze(static_cast<const std::uint8_t*>(t.data), t.n, ids);
    case 2:
      return memo.Analyze(static_cast<const char16_t*>(t.data), t.n, ids);
    case 4:
      return memo.Analyze(static_cast<const char32_t*>(t.data), t.n, ids);
    default:
      memo.Analyze(std::string_view(static_cast<const char*>(t.data), t.n), ids);
      return true;
  }
}

// Texts of at least this many code units are analysed with the GIL released (shorter ones take less time
// than releasing and taking it back under contention).
constexpr std::size_t kReleaseGilUnits = 2048;

py::list AnalyzeOne(PyAnalyzer& self, py::handle text, const std::string& errors) {
  const bool replace = ParseErrors(errors);
  Utf8Text converted;
  TextRef ref;
  if (PyUnicode_Check(text.ptr())) {
    ref = StrRef(text.ptr());
  } else {
    converted = ToUtf8(text, "text", replace);  // bytes, or TypeError
    ref = Utf8Ref(converted);
  }
  MemoLease slot(self);
  bool ok;
  if (ref.n >= kReleaseGilUnits) {
    ReleaseGil release;
    ok = AnalyzeRef(slot->memo, ref, &slot->ids);
  } else {
    ok = AnalyzeRef(slot->memo, ref, &slot->ids);
  }
  if (!ok) {  // lone surrogates: the usual error, or their replacement
    converted = ToUtf8(text, "text", replace);
    slot->memo.Analyze(converted.utf8, &slot->ids);
  }
  return slot->List(slot->ids);
}

// The elements of the iterable `texts` in a new list (raising IterTexts' errors for a single str or bytes and
// for a non-iterable).
py::list TextList(py::handle texts, const char* name) {
  const py::iterator it = IterTexts(texts, name);
  PyObject* list = PySequence_List(it.ptr());
  if (list == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::list>(list);
}

std::string ElementLabel(const char* name, std::size_t i) { return std::string(name) + "[" + std::to_string(i) + "]"; }

py::list AnalyzeMany(PyAnalyzer& self, py::handle texts, py::handle n_threads, const std::string& errors) {
  const bool replace = ParseErrors(errors);
  const py::list items = TextList(texts, "texts");
  const std::size_t n = items.size();
  // str elements are read in place; bytes are checked (and repaired) here. Errors come in element order, as
  // ToUtf8List raises them: before an element's error, an earlier str's lone surrogate.
  std::vector<TextRef> refs(n);
  std::deque<Utf8Text> converted;
  for (std::size_t i = 0; i < n; ++i) {
    PyObject* o = PyList_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(i));
    if (PyUnicode_Check(o)) {
      refs[i] = StrRef(o);
      continue;
    }
    try {
      converted.push_back(ToUtf8(o, ElementLabel("texts", i).c_str(), replace));
    } catch (...) {
      for (std::size_t k = 0; k < i; ++k) {
        PyObject* e = PyList_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(k));
        if (PyUnicode_Check(e)) ToUtf8(e, ElementLabel("texts", k).c_str(), replace);
      }
      throw;
    }
    refs[i] = Utf8Ref(converted.back());
  }
  const int threads = ThreadsArg(n_threads);

  // Blocks of documents: terms as ids with the GIL released (threads over documents, each with its own memo),
  // then the lists with the GIL held; Ctrl-C is checked between blocks. One thread takes small blocks, whose
  // ids are still in cache when their lists are made (a pass over 5,000 new articles: 48 -> 43 ms); several
  // threads larger ones, as each block starts its threads.
  constexpr std::size_t kGrain = 16;
  const std::size_t kBlock = threads == 1 ? 128 : 1024;
  const std::size_t n_memos = std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(threads), (std::min(n, kBlock) + kGrain - 1) / kGrain));
  std::vector<std::unique_ptr<MemoLease>> memos;
  for (std::size_t m = 0; m < n_memos; ++m) memos.push_back(std::make_unique<MemoLease>(self));
  const std::size_t block = std::min(n, kBlock);
  std::vector<std::vector<std::uint32_t>> ids(block);
  std::vector<std::uint8_t> memo_of(block, 0), ok(block, 0);
  py::list out(n);
  for (std::size_t begin = 0; begin < n; begin += kBlock) {
    const std::size_t end = std::min(n, begin + kBlock);
    {
      ReleaseGil release;
      if (n_memos == 1) {
        for (std::size_t k = begin; k < end; ++k) {
          if (k + 1 < n) {
            const TextRef& next = refs[k + 1];
            internal::PrefetchBytes(next.data, next.n * static_cast<std::size_t>(std::max(next.width, 1)));
          }
          ok[k - begin] = AnalyzeRef((*memos[0])->memo, refs[k], &ids[k - begin]);
        }
      } else {
        std::mutex mu;
        std::vector<std::uint8_t> idle(n_memos);
        std::iota(idle.begin(), idle.end(), std::uint8_t{0});
        ParallelFor(end - begin, threads, kGrain, [&](std::size_t b, std::size_t e) {
          std::uint8_t m;
          {
            std::lock_guard<std::mutex> lock(mu);
            m = idle.back();
            idle.pop_back();
          }
          AnalyzerMemo& memo = (*memos[m])->memo;
          for (std::size_t k = b; k < e; ++k) {
            ok[k] = AnalyzeRef(memo, refs[begin + k], &ids[k]);
            memo_of[k] = m;
          }
          std::lock_guard<std::mutex> lock(mu);
          idle.push_back(m);
        });
      }
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    const GcPause no_gc;
    for (std::size_t k = begin; k < end; ++k) {
      MemoSlot& slot = **memos[memo_of[k - begin]];
      if (!ok[k - begin]) {  // a str with lone surrogates: the usual error, or their replacement
        const Utf8Text t = ToUtf8(items[k], ElementLabel("texts", k).c_str(), replace);
        slot.memo.Analyze(t.utf8, &ids[k - begin]);
      }
      PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(k), slot.List(ids[k - begin]).release().ptr());
    }
    for (auto& m : memos) {
      if ((*m)->memo.OverBudget()) (*m)->Clear();
    }
  }
  return out;
}

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
      // (The end of a repaired text maps to the end of the input: its last sequence may have been cut short,
      // `b'ab \xe2\x82'`, and the token made of it ends where the input does.)
      out[k] = in.repaired_to_input.empty() ? static_cast<std::int64_t>(b) : in.repaired_to_input[b];
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
              ReleaseGil release;
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
              ReleaseGil release;
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
            const Utf8Text in = ToUtf8(word, "word", false, /*offer_replace=*/false);
            std::string out;
            {
              ReleaseGil release;
              out = s.Stem(in.utf8);
            }
            return py::str(out);
          },
          py::arg("word"))
      .def(
          "stem_batch",
          [](const Stemmer& s, py::handle words, py::handle n_threads) {
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(words, "words", false, keep, /*offer_replace=*/false);
            const int threads = ThreadsArg(n_threads);
            std::vector<std::string_view> views;
            views.reserve(in.size());
            for (const auto& w : in) views.push_back(w.utf8);
            std::vector<std::string> out;
            {
              ReleaseGil release;
              out = s.StemBatch(views, threads);
            }
            return StringsToPy(out);
          },
          py::arg("words"), py::arg("n_threads") = py::none());

  py::class_<PyAnalyzer>(m, "Analyzer")
      .def(py::init([](const py::dict& options) { return new PyAnalyzer(AnalyzerOptionsFromDict(options)); }),
           py::arg("options"))
      .def_static("default_options", []() { return AnalyzerOptionsToDict(AnalyzerOptions()); })
      .def("options", [](const PyAnalyzer& a) { return AnalyzerOptionsToDict(a.analyzer().options()); })
      .def("stop_words", [](const PyAnalyzer& a) { return StringsToPy(a.analyzer().stop_words().Words()); })
      .def("protected_words",
           [](const PyAnalyzer& a) { return StringsToPy(a.analyzer().stemmer().protected_words()); })
      .def("analyze", &AnalyzeOne, py::arg("text"), py::arg("errors") = "strict")
      .def("analyze_batch", &AnalyzeMany, py::arg("texts"), py::arg("n_threads") = py::none(),
           py::arg("errors") = "strict")
      .def("clear_memos", &PyAnalyzer::ClearMemos)
      .def(
          "analyze_plain",
          // The terms of `text` without any memo (Analyzer::Analyze): the reference the memoised paths are
          // tested against.
          [](const PyAnalyzer& a, py::handle text, const std::string& errors) {
            const Utf8Text in = ToUtf8(text, "text", ParseErrors(errors));
            std::vector<std::string> out;
            {
              ReleaseGil release;
              out = a.analyzer().Analyze(in.utf8);
            }
            return StringsToPy(out);
          },
          py::arg("text"), py::arg("errors") = "strict");

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
