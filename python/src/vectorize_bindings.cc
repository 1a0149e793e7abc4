// Binding of the vectorisers: converts Python documents and options, forwards to the C++ core with the GIL
// released, hands the CSR buffers to numpy without copying. The Pythonic API is akhbar/feature_extraction.py.
#include <pybind11/stl.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "akhbar/analyzer.h"
#include "akhbar/error.h"
#include "akhbar/hashing_vectorizer.h"
#include "akhbar/utf8.h"
#include "akhbar/vectorizer.h"
#include "common.h"
#include "text_options.h"

namespace akhbar {
namespace python {

namespace {

std::shared_ptr<const Analyzer> MakeAnalyzer(py::handle options) {
  if (options.is_none()) return nullptr;
  return std::make_shared<const Analyzer>(AnalyzerOptionsFromDict(options.cast<py::dict>()));
}

// The first option in which a model's analyser (a loaded model's: the one it was saved with) differs from the
// analyser `options` (None: no analyser) would make, "analyzer" if only one of them is an analyser, or "" if
// they agree or the model has none (a file of a version that stored none).
std::string AnalyzerDifference(const Analyzer* model, py::handle options) {
  if (model == nullptr) return "";
  if (options.is_none()) return "analyzer";
  return AnalyzerOptionsDifference(model->options(), AnalyzerOptionsFromDict(options.cast<py::dict>()));
}

DType ParseDType(const std::string& s) {
  if (s == "float64") return DType::kFloat64;
  if (s == "float32") return DType::kFloat32;
  if (s == "int64") return DType::kInt64;
  if (s == "int32") return DType::kInt32;
  throw py::value_error("dtype must be float32, float64, int32 or int64, not " + s);
}

const char* DTypeName(DType d) {
  switch (d) {
    case DType::kFloat64: return "float64";
    case DType::kFloat32: return "float32";
    case DType::kInt64: return "int64";
    case DType::kInt32: return "int32";
  }
  return "float64";
}

Norm ParseNorm(py::handle h) {
  if (h.is_none()) return Norm::kNone;
  const std::string s = py::str(h);
  if (s == "l2") return Norm::kL2;
  if (s == "l1") return Norm::kL1;
  throw py::value_error("norm must be 'l1', 'l2' or None, not '" + s + "'");
}

py::object NormName(Norm n) {
  if (n == Norm::kNone) return py::none();
  return py::str(n == Norm::kL1 ? "l1" : "l2");
}

template <typename T>
T Get(const py::dict& d, const char* key, T fallback) {
  return d.contains(key) ? d[key].cast<T>() : fallback;
}

VectorizerOptions VectorizerOptionsFromPy(const py::dict& d) {
  VectorizerOptions o;
  const std::string weighting = Get<std::string>(d, "weighting", "tfidf");
  if (weighting == "count") o.weighting = Weighting::kCount;
  else if (weighting == "tfidf") o.weighting = Weighting::kTfidf;
  else if (weighting == "bm25") o.weighting = Weighting::kBm25;
  else throw py::value_error("weighting must be 'tfidf' or 'bm25', not '" + weighting + "'");
  o.dtype = ParseDType(Get<std::string>(d, "dtype", "float64"));
  o.binary = Get<bool>(d, "binary", false);
  if (d.contains("norm")) o.norm = ParseNorm(d["norm"]);
  o.use_idf = Get<bool>(d, "use_idf", true);
  o.smooth_idf = Get<bool>(d, "smooth_idf", true);
  o.sublinear_tf = Get<bool>(d, "sublinear_tf", false);
  o.k1 = Get<double>(d, "k1", 1.2);
  o.b = Get<double>(d, "b", 0.75);
  o.min_df = Get<double>(d, "min_df", 1.0);
  o.min_df_is_fraction = Get<bool>(d, "min_df_is_fraction", false);
  o.max_df = Get<double>(d, "max_df", 1.0);
  o.max_df_is_fraction = Get<bool>(d, "max_df_is_fraction", true);
  o.max_features = Get<std::uint64_t>(d, "max_features", 0);
  o.token_ngram_min = Get<int>(d, "ngram_min", 1);
  o.token_ngram_max = Get<int>(d, "ngram_max", 1);
  return o;
}

// The options as VectorizerOptionsFromPy takes them (to check a loaded model against its stored parameters).
py::dict VectorizerOptionsToPy(const VectorizerOptions& o) {
  py::dict d;
  d["weighting"] = o.weighting == Weighting::kCount ? "count" : o.weighting == Weighting::kTfidf ? "tfidf" : "bm25";
  d["dtype"] = DTypeName(o.dtype);
  d["binary"] = o.binary;
  d["norm"] = NormName(o.norm);
  d["use_idf"] = o.use_idf;
  d["smooth_idf"] = o.smooth_idf;
  d["sublinear_tf"] = o.sublinear_tf;
  d["k1"] = o.k1;
  d["b"] = o.b;
  d["min_df"] = o.min_df;
  d["min_df_is_fraction"] = o.min_df_is_fraction;
  d["max_df"] = o.max_df;
  d["max_df_is_fraction"] = o.max_df_is_fraction;
  d["max_features"] = o.max_features;
  d["ngram_min"] = o.token_ngram_min;
  d["ngram_max"] = o.token_ngram_max;
  return d;
}

// Python documents (str or bytes) of one batch, read from worker threads without the GIL: str data is read
// in place (ASCII directly, other kinds encoded to UTF-8 into the thread's scratch), bytes are validated.
class PyDocuments {
 public:
  PyDocuments(py::handle batch, std::size_t start) : start_(start) {
    const py::list list = py::reinterpret_borrow<py::list>(batch);
    objects_.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      PyObject* o = list[i].ptr();
      if (!PyUnicode_Check(o) && !PyBytes_Check(o)) {
        throw py::type_error(NotText("raw_documents[" + std::to_string(start + i) + "]", o));
      }
#if PY_VERSION_HEX < 0x030C0000
      // Worker threads read the storage without the GIL: have it ready now.
      if (PyUnicode_Check(o) && PyUnicode_READY(o) != 0) throw py::error_already_set();
#endif
      objects_.push_back(o);
    }
    keep_ = list;
  }

  DocumentBatch Batch() const {
    return DocumentBatch::FromTextSource(
        objects_.size(), [this](std::size_t i, std::string& scratch) { return Text(i, scratch); },
        [this](std::size_t i) { return Ucs2(i); });
  }

 private:
  // A str stored as UCS-2 (most Arabic text) is read in place by the vectoriser.
  DocumentBatch::Ucs2 Ucs2(std::size_t i) const {
    PyObject* o = objects_[i];
    DocumentBatch::Ucs2 out;
    if (!PyUnicode_Check(o)) return out;
    const CodePointText c = StrStorage(o);
    if (c.width == 2) {
      out.data = static_cast<const char16_t*>(c.data);
      out.length = c.size;
    }
    return out;
  }

  std::string_view Text(std::size_t i, std::string& scratch) const {
    PyObject* o = objects_[i];
    if (PyBytes_Check(o)) {
      const std::string_view raw(PyBytes_AS_STRING(o), static_cast<std::size_t>(PyBytes_GET_SIZE(o)));
      const std::size_t bad = utf8::Validate(raw);
      if (bad != utf8::kValid) {
        throw InvalidUtf8(bad, "raw_documents[" + std::to_string(start_ + i) + "]: invalid UTF-8 at byte offset " +
                                   std::to_string(bad));
      }
      return raw;
    }
    const Py_ssize_t n = PyUnicode_GET_LENGTH(o);
    if (PyUnicode_IS_ASCII(o)) return std::string_view(static_cast<const char*>(PyUnicode_DATA(o)), static_cast<std::size_t>(n));
    const int kind = PyUnicode_KIND(o);
    const void* data = PyUnicode_DATA(o);
    const auto length = static_cast<std::size_t>(n);
    std::string_view text;
    auto encode = [&](const auto* units) {
      const std::size_t bad = utf8::FromWide(units, length, &scratch, &text);
      // (In a str, only a lone surrogate has no UTF-8 form.)
      if (bad != length) Surrogate(i, static_cast<Py_ssize_t>(bad), units[bad]);
    };
    if (kind == PyUnicode_2BYTE_KIND) {
      encode(static_cast<const Py_UCS2*>(data));
    } else if (kind == PyUnicode_1BYTE_KIND) {
      encode(static_cast<const Py_UCS1*>(data));
    } else {
      encode(static_cast<const Py_UCS4*>(data));
    }
    return text;
  }

  [[noreturn]] void Surrogate(std::size_t i, Py_ssize_t k, Py_UCS4 cp) const {
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(cp));
    throw InvalidArgument("raw_documents[" + std::to_string(start_ + i) + "]: lone surrogate " + hex + " at index " +
                          std::to_string(k) + " is not valid Unicode");
  }

  std::size_t start_;
  std::vector<PyObject*> objects_;
  py::list keep_;
};

// Lists of terms (one list of str per document) as a term or token batch. The views point into Python's UTF-8
// of each term; `keep` holds the lists.
struct PyTerms {
  std::vector<std::string_view> terms;
  std::vector<std::size_t> offsets{0};
  py::list keep;
};

// The converted terms as a batch of terms, or of tokens (word n-grams built from them).
DocumentBatch TermsBatch(PyTerms&& t, bool tokens) {
  return tokens ? DocumentBatch::FromTokens(std::move(t.terms), std::move(t.offsets))
                : DocumentBatch::FromTerms(std::move(t.terms), std::move(t.offsets));
}

PyTerms ConvertTerms(py::handle docs, std::size_t start, const char* producer) {
  PyTerms out;
  const py::list list = py::reinterpret_borrow<py::list>(docs);
  out.keep = list;
  for (std::size_t i = 0; i < list.size(); ++i) {
    py::handle doc = list[i];
    if (PyUnicode_Check(doc.ptr()) || PyBytes_Check(doc.ptr())) {
      throw py::type_error(std::string(producer) + " must return a list of str for each document, got a single " +
                           Py_TYPE(doc.ptr())->tp_name + " for document " + std::to_string(start + i));
    }
    py::sequence seq = py::reinterpret_borrow<py::sequence>(doc);
    if (!PySequence_Check(doc.ptr())) {
      throw py::type_error(std::string(producer) + " must return a list of str, got " + Py_TYPE(doc.ptr())->tp_name +
                           " for document " + std::to_string(start + i));
    }
    const std::size_t n = seq.size();
    for (std::size_t k = 0; k < n; ++k) {
      py::object t = seq[k];
      const std::string label = std::string(producer) + " output for document " + std::to_string(start + i) + ", item " +
                                std::to_string(k);
      Utf8Text u = ToUtf8(t, label.c_str(), false, /*offer_replace=*/false);
      if (u.from_bytes || !u.storage.empty()) {
        throw py::type_error(label + " must be str, not " + Py_TYPE(t.ptr())->tp_name);
      }
      out.terms.push_back(u.utf8);
    }
    out.offsets.push_back(out.terms.size());
  }
  return out;
}

// Moves an output buffer into a 1-D numpy array without copying (as common.h's ToNumpy, for Buffer).
template <typename T>
py::array_t<T> BufferToNumpy(Buffer<T>&& v) {
  auto* heap = new Buffer<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<Buffer<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {static_cast<py::ssize_t>(sizeof(T))}, heap->data(),
                        owner);
}

py::tuple MatrixToPy(SparseMatrix&& m) {
  py::object data;
  switch (m.dtype) {
    case DType::kInt32: data = BufferToNumpy(std::move(m.data_i32)); break;
    case DType::kInt64: data = BufferToNumpy(std::move(m.data_i64)); break;
    case DType::kFloat32: data = BufferToNumpy(std::move(m.data_f32)); break;
    case DType::kFloat64: data = BufferToNumpy(std::move(m.data_f64)); break;
  }
  py::object indices, indptr;
  if (m.wide_indices) {
    indices = BufferToNumpy(std::move(m.indices64));
    indptr = BufferToNumpy(std::move(m.indptr64));
  } else {
    indices = BufferToNumpy(std::move(m.indices32));
    indptr = BufferToNumpy(std::move(m.indptr32));
  }
  return py::make_tuple(data, indices, indptr, py::make_tuple(m.n_rows, m.n_cols));
}

template <typename T>
py::array_t<T> U64ToNumpy(const std::vector<std::uint64_t>& v) {
  std::vector<T> out(v.begin(), v.end());
  return ToNumpy(std::move(out));
}

// Runs fn with the GIL released.
template <typename Fn>
auto Released(Fn&& fn) {
  ReleaseGil release;
  return fn();
}

using Rows = Vectorizer::Rows;

}  // namespace

void BindVectorize(py::module_& m) {
  py::class_<Rows>(m, "_VectorizerRows").def(py::init<>()).def_property_readonly("n_rows", [](const Rows& r) {
    return r.n_rows;
  });

  py::class_<HashingVectorizer::Rows>(m, "_HashingRows").def(py::init<>());

  py::class_<Vectorizer>(m, "Vectorizer")
      .def(py::init([](const py::dict& options, py::handle analyzer_options) {
             return new Vectorizer(VectorizerOptionsFromPy(options), MakeAnalyzer(analyzer_options));
           }),
           py::arg("options"), py::arg("analyzer_options") = py::none())
      .def("set_vocabulary",
           [](Vectorizer& v, const py::list& terms) {
             py::list keep;
             std::vector<Utf8Text> u = ToUtf8List(terms, "vocabulary", false, keep, /*offer_replace=*/false);
             std::vector<std::string_view> views;
             for (const auto& t : u) views.push_back(t.utf8);
             v.SetVocabulary(views);
           })
      .def("set_analyzer", [](Vectorizer& v, py::handle options) { v.SetAnalyzer(MakeAnalyzer(options)); })
      .def("analyzer_difference",
           [](const Vectorizer& v, py::handle options) { return AnalyzerDifference(v.analyzer(), options); })
      .def("begin_fit", &Vectorizer::BeginFit, py::arg("reset"), py::arg("keep_rows"))
      .def("abort_fit", &Vectorizer::AbortFit)
      .def("add_texts",
           [](Vectorizer& v, py::handle docs, std::size_t start, int n_threads) {
             PyDocuments d(docs, start);
             if (v.analyzer() == nullptr) throw py::value_error("this vectoriser has no analyser for text documents");
             Released([&] { v.AddBatch(d.Batch(), n_threads); });
           })
      .def("add_terms",
           [](Vectorizer& v, py::handle docs, std::size_t start, int n_threads, bool tokens, const char* producer) {
             PyTerms t = ConvertTerms(docs, start, producer);
             Released([&] { v.AddBatch(TermsBatch(std::move(t), tokens), n_threads); });
           })
      .def("end_fit",
           [](Vectorizer& v, py::handle selector, int n_threads, bool partial) {
             TopSelector select;
             if (!selector.is_none()) {
               py::object sel = py::reinterpret_borrow<py::object>(selector);
               select = [sel](const std::vector<std::uint64_t>& tfs, std::size_t limit) {
                 py::gil_scoped_acquire gil;
                 py::array_t<std::uint64_t> arr = U64ToNumpy<std::uint64_t>(tfs);
                 py::array_t<std::int64_t> chosen = py::array_t<std::int64_t>::ensure(sel(arr, limit));
                 if (!chosen) throw py::error_already_set();
                 std::vector<std::size_t> out;
                 auto r = chosen.unchecked<1>();
                 for (py::ssize_t k = 0; k < r.shape(0); ++k) {
                   if (r(k) < 0) throw InvalidArgument("feature selector returned a negative position");
                   out.push_back(static_cast<std::size_t>(r(k)));
                 }
                 return out;
               };
             }
             Released([&] { v.EndFit(select, n_threads, partial); });
           },
           py::arg("selector"), py::arg("n_threads") = 1, py::arg("partial") = false)
      .def("take_fit_matrix",
           [](Vectorizer& v, int n_threads) { return MatrixToPy(Released([&] { return v.TakeFitMatrix(n_threads); })); })
      .def("transform_texts",
           [](const Vectorizer& v, Rows& rows, py::handle docs, std::size_t start, int n_threads) {
             PyDocuments d(docs, start);
             if (v.analyzer() == nullptr) throw py::value_error("this vectoriser has no analyser for text documents");
             Released([&] { v.TransformBatch(d.Batch(), n_threads, &rows); });
           })
      .def("transform_terms",
           [](const Vectorizer& v, Rows& rows, py::handle docs, std::size_t start, int n_threads, bool tokens,
              const char* producer) {
             PyTerms t = ConvertTerms(docs, start, producer);
             Released([&] { v.TransformBatch(TermsBatch(std::move(t), tokens), n_threads, &rows); });
           })
      .def("finish",
           [](const Vectorizer& v, Rows& rows, int n_threads) {
             return MatrixToPy(Released([&] { return v.Finish(std::move(rows), n_threads); }));
           })
      .def_property_readonly("fitted", &Vectorizer::fitted)
      .def_property_readonly("fixed_vocabulary", &Vectorizer::fixed_vocabulary)
      .def_property_readonly("n_features", &Vectorizer::n_features)
      .def_property_readonly("n_documents", &Vectorizer::n_documents)
      .def_property_readonly("n_terms_seen", [](const Vectorizer& v) { return v.terms().size(); })
      .def_property_readonly("average_length", &Vectorizer::average_length)
      .def_property_readonly("vocabulary_bytes", &Vectorizer::VocabularyBytes)
      .def_property_readonly("memory_bytes", &Vectorizer::MemoryBytes)
      .def_property_readonly("cache_bytes", &Vectorizer::CacheBytes)
      .def("clear_cache", &Vectorizer::ClearCache, py::call_guard<ReleaseGil>())
      .def_property_readonly("dtype", [](const Vectorizer& v) { return DTypeName(v.options().dtype); })
      .def_property_readonly("norm", [](const Vectorizer& v) { return NormName(v.options().norm); })
      .def("options", [](const Vectorizer& v) { return VectorizerOptionsToPy(v.options()); })
      .def("feature_names",
           [](const Vectorizer& v) {
             const std::size_t n = v.n_features();
             py::list out(n);
             for (std::size_t c = 0; c < n; ++c) {
               const std::string_view t = v.FeatureName(c);
               PyObject* s = NewStr(t);
               if (s == nullptr) throw py::error_already_set();
               PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(c), s);
             }
             return out;
           })
      .def("feature_index",
           [](const Vectorizer& v, py::handle term) {
             if (!PyUnicode_Check(term.ptr())) return std::int64_t{-1};
             const Utf8Text u = ToUtf8(term, "term", true);
             return v.FeatureIndex(u.utf8);
           })
      .def("idf", [](const Vectorizer& v) { return ToNumpy(std::vector<double>(v.idf())); })
      .def("set_idf",
           [](Vectorizer& v, const py::array_t<double, py::array::c_style | py::array::forcecast>& idf) {
             if (idf.ndim() != 1) throw InvalidArgument("idf must be one-dimensional");
             v.SetIdf(std::vector<double>(idf.data(), idf.data() + idf.size()));
           })
      .def_property_readonly("idf_given", &Vectorizer::idf_given)
      .def("document_frequencies", [](const Vectorizer& v) { return U64ToNumpy<std::int64_t>(v.FeatureDocumentFrequencies()); })
      .def("total_counts", [](const Vectorizer& v) { return U64ToNumpy<std::int64_t>(v.FeatureTotalCounts()); })
      .def("to_bytes",
           [](const Vectorizer& v, const py::bytes& metadata) {
             const std::string meta = metadata;
             std::string out = Released([&] { return v.Serialize(meta); });
             return py::bytes(out);
           })
      .def_static("from_bytes", [](const py::bytes& data) {
        const std::string_view bytes = data;  // valid while `data` lives
        std::string metadata;
        std::unique_ptr<Vectorizer> v = Released([&] { return Vectorizer::Deserialize(bytes, nullptr, &metadata); });
        return py::make_tuple(py::cast(std::move(v)), py::bytes(metadata));
      });

  py::class_<HashingVectorizer>(m, "HashingVectorizer")
      .def(py::init([](const py::dict& d, py::handle analyzer_options) {
             HashingOptions o;
             o.n_features = Get<std::int64_t>(d, "n_features", 1 << 20);
             o.alternate_sign = Get<bool>(d, "alternate_sign", true);
             o.binary = Get<bool>(d, "binary", false);
             if (d.contains("norm")) o.norm = ParseNorm(d["norm"]);
             o.dtype = ParseDType(Get<std::string>(d, "dtype", "float64"));
             o.token_ngram_min = Get<int>(d, "ngram_min", 1);
             o.token_ngram_max = Get<int>(d, "ngram_max", 1);
             return new HashingVectorizer(o, MakeAnalyzer(analyzer_options));
           }),
           py::arg("options"), py::arg("analyzer_options") = py::none())
      .def("set_analyzer", [](HashingVectorizer& v, py::handle options) { v.SetAnalyzer(MakeAnalyzer(options)); })
      .def("analyzer_difference",
           [](const HashingVectorizer& v, py::handle options) { return AnalyzerDifference(v.analyzer(), options); })
      .def("options",
           [](const HashingVectorizer& v) {
             const HashingOptions& o = v.options();
             py::dict d;
             d["n_features"] = o.n_features;
             d["alternate_sign"] = o.alternate_sign;
             d["binary"] = o.binary;
             d["norm"] = NormName(o.norm);
             d["dtype"] = DTypeName(o.dtype);
             d["ngram_min"] = o.token_ngram_min;
             d["ngram_max"] = o.token_ngram_max;
             return d;
           })
      .def("transform_texts",
           [](const HashingVectorizer& v, HashingVectorizer::Rows& rows, py::handle docs, std::size_t start,
              int n_threads) {
             PyDocuments d(docs, start);
             if (v.analyzer() == nullptr) throw py::value_error("this vectoriser has no analyser for text documents");
             Released([&] { v.TransformBatch(d.Batch(), n_threads, &rows); });
           })
      .def("transform_terms",
           [](const HashingVectorizer& v, HashingVectorizer::Rows& rows, py::handle docs, std::size_t start,
              int n_threads, bool tokens, const char* producer) {
             PyTerms t = ConvertTerms(docs, start, producer);
             Released([&] { v.TransformBatch(TermsBatch(std::move(t), tokens), n_threads, &rows); });
           })
      .def("finish",
           [](const HashingVectorizer& v, HashingVectorizer::Rows& rows, int n_threads) {
             return MatrixToPy(Released([&] { return v.Finish(std::move(rows), n_threads); }));
           })
      .def_property_readonly("cache_bytes", &HashingVectorizer::CacheBytes)
      .def("clear_cache", &HashingVectorizer::ClearCache, py::call_guard<ReleaseGil>())
      .def("to_bytes",
           [](const HashingVectorizer& v, const py::bytes& metadata) { return py::bytes(v.Serialize(std::string(metadata))); })
      .def_static("from_bytes", [](const py::bytes& data) {
        std::string metadata;
        std::unique_ptr<HashingVectorizer> v = HashingVectorizer::Deserialize(std::string_view(data), nullptr, &metadata);
        return py::make_tuple(py::cast(std::move(v)), py::bytes(metadata));
      });

  m.def("murmurhash3_32", [](py::handle term) {
    const Utf8Text u = ToUtf8(term, "term", false, /*offer_replace=*/false);
    return MurmurHash3Signed(u.utf8);
  });
}

}  // namespace python
}  // namespace akhbar
