#include <pybind11/stl.h>

#include <cstring>
#include <string>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/normalizer.h"
#include "akhbar/utf8.h"
#include "common.h"

namespace akhbar {
namespace python {

namespace {

NormalizerOptions OptionsFromDict(const py::dict& d) {
  NormalizerOptions o;
  for (const auto& item : d) {
    const std::string key = py::str(item.first);
    if (!PyBool_Check(item.second.ptr())) {
      throw py::type_error("normaliser option '" + key + "' must be True or False, not " +
                           std::string(Py_TYPE(item.second.ptr())->tp_name));
    }
    const bool v = item.second.cast<bool>();
    if (key == "unicode") o.unicode = v;
    else if (key == "remove_diacritics") o.remove_diacritics = v;
    else if (key == "remove_tatweel") o.remove_tatweel = v;
    else if (key == "fold_alef") o.fold_alef = v;
    else if (key == "fold_alef_maksura") o.fold_alef_maksura = v;
    else if (key == "fold_teh_marbuta") o.fold_teh_marbuta = v;
    else if (key == "fold_persian") o.fold_persian = v;
    else if (key == "fold_hamza_carriers") o.fold_hamza_carriers = v;
    else if (key == "ascii_digits") o.ascii_digits = v;
    else if (key == "remove_invisible") o.remove_invisible = v;
    else if (key == "normalize_whitespace") o.normalize_whitespace = v;
    else if (key == "keep_newlines") o.keep_newlines = v;
    else if (key == "repair_obfuscation") o.repair_obfuscation = v;
    else if (key == "fold_latin") o.fold_latin = v;
    else if (key == "strip_accents") o.strip_accents = v;
    else throw py::type_error("unknown normaliser option '" + key + "'");
  }
  return o;
}

py::dict OptionsToDict(const NormalizerOptions& o) {
  py::dict d;
  d["unicode"] = o.unicode;
  d["remove_diacritics"] = o.remove_diacritics;
  d["remove_tatweel"] = o.remove_tatweel;
  d["fold_alef"] = o.fold_alef;
  d["fold_alef_maksura"] = o.fold_alef_maksura;
  d["fold_teh_marbuta"] = o.fold_teh_marbuta;
  d["fold_persian"] = o.fold_persian;
  d["fold_hamza_carriers"] = o.fold_hamza_carriers;
  d["ascii_digits"] = o.ascii_digits;
  d["remove_invisible"] = o.remove_invisible;
  d["normalize_whitespace"] = o.normalize_whitespace;
  d["keep_newlines"] = o.keep_newlines;
  d["repair_obfuscation"] = o.repair_obfuscation;
  d["fold_latin"] = o.fold_latin;
  d["strip_accents"] = o.strip_accents;
  return d;
}

// Output as the input's type: str for str, bytes for bytes.
py::object Out(const std::string& s, bool as_bytes) {
  if (as_bytes) return py::bytes(s);
  return py::str(s);
}

// A new str of the UTF-16 text `u`, whose largest code point is `max` (which picks the str's storage width).
py::object StrFromUtf16(std::u16string_view u, char32_t max) {
  if (max < 0x10000) {
    PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(u.size()), static_cast<Py_UCS4>(max));
    if (s == nullptr) throw py::error_already_set();
    if (max < 0x100) {
      Py_UCS1* d = PyUnicode_1BYTE_DATA(s);
      for (std::size_t k = 0; k < u.size(); ++k) d[k] = static_cast<Py_UCS1>(u[k]);
    } else {
      std::memcpy(PyUnicode_2BYTE_DATA(s), u.data(), u.size() * sizeof(char16_t));
    }
    return py::reinterpret_steal<py::object>(s);
  }
  std::size_t pairs = 0;
  for (const char16_t c : u) pairs += (c >= 0xDC00 && c <= 0xDFFF);
  PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(u.size() - pairs), static_cast<Py_UCS4>(max));
  if (s == nullptr) throw py::error_already_set();
  Py_UCS4* d = PyUnicode_4BYTE_DATA(s);
  for (std::size_t k = 0; k < u.size(); ++k) {
    Py_UCS4 c = u[k];
    if (c >= 0xD800 && c <= 0xDBFF) c = 0x10000 + ((c - 0xD800) << 10) + (u[++k] - 0xDC00u);
    *d++ = c;
  }
  return py::reinterpret_steal<py::object>(s);
}

std::string Label(const char* name, std::size_t k) { return std::string(name) + "[" + std::to_string(k) + "]"; }

// A str holding lone surrogates, through the UTF-8 path: raises ValueError naming the index, or (replace)
// normalises the repaired text.
py::object NormalizeWithSurrogates(const Normalizer& n, py::handle text, const char* name, bool replace) {
  const Utf8Text in = ToUtf8(text, name, replace);
  std::string out;
  {
    ReleaseGil release;
    out = n.Normalize(in.utf8);
  }
  return py::str(out);
}

}  // namespace

void BindNormalizer(py::module_& m) {
  py::class_<Normalizer>(m, "Normalizer")
      .def(py::init([](const py::dict& options) { return new Normalizer(OptionsFromDict(options)); }),
           py::arg("options"))
      .def_static("default_options", []() { return OptionsToDict(NormalizerOptions()); })
      .def("options", [](const Normalizer& n) { return OptionsToDict(n.options()); })
      .def(
          "normalize",
          [](const Normalizer& n, py::handle text, const std::string& errors) -> py::object {
            const bool replace = ParseErrors(errors);
            if (PyUnicode_Check(text.ptr())) {
              // Straight from Python's storage to a new str: no UTF-8 either way.
              const CodePointText in = StrStorage(text.ptr());
              std::u16string out;
              char32_t max = 0;
              bool invalid = false;
              {
                ReleaseGil release;
                try {
                  max = n.NormalizeToUtf16(in, &out);
                } catch (const InvalidArgument&) {
                  invalid = true;
                }
              }
              if (!invalid) return StrFromUtf16(out, max);
              return NormalizeWithSurrogates(n, text, "text", replace);
            }
            const Utf8Text in = ToUtf8(text, "text", replace);
            std::string out;
            {
              ReleaseGil release;
              out = n.Normalize(in.utf8);
            }
            return Out(out, in.from_bytes);
          },
          py::arg("text"), py::arg("errors") = "strict")
      .def(
          "normalize_with_offsets",
          [](const Normalizer& n, py::handle text, const std::string& errors) {
            const bool replace = ParseErrors(errors);
            if (PyUnicode_Check(text.ptr())) {
              const CodePointText in = StrStorage(text.ptr());
              std::u16string out;
              std::vector<std::uint32_t> source;
              std::vector<std::int64_t> offsets;
              char32_t max = 0;
              bool invalid = false;
              {
                ReleaseGil release;
                try {
                  max = n.NormalizeToUtf16(in, &out, &source);
                  offsets.assign(source.begin(), source.end());  // code point indexes already
                } catch (const InvalidArgument&) {
                  invalid = true;
                }
              }
              if (!invalid) return py::make_tuple(StrFromUtf16(out, max), ToNumpy(std::move(offsets)));
            }
            // bytes, or a str with lone surrogates: through UTF-8.
            const Utf8Text in = ToUtf8(text, "text", replace);
            std::vector<std::uint32_t> source;
            std::vector<std::int64_t> offsets;
            std::string out;
            {
              ReleaseGil release;
              out = n.Normalize(in.utf8, &source);
              offsets.resize(source.size());
              if (in.from_bytes) {
                // Byte offsets into the caller's bytes.
                for (std::size_t k = 0; k < source.size(); ++k) {
                  offsets[k] = in.repaired_to_input.empty() ? source[k] : in.repaired_to_input[source[k]];
                }
              } else {
                const std::vector<std::uint32_t> cp = utf8::ByteToCodePointIndex(in.utf8);
                for (std::size_t k = 0; k < source.size(); ++k) offsets[k] = cp[source[k]];
              }
            }
            return py::make_tuple(Out(out, in.from_bytes), ToNumpy(std::move(offsets)));
          },
          py::arg("text"), py::arg("errors") = "strict")
      .def(
          "normalize_batch",
          [](const Normalizer& n, py::handle texts, py::handle n_threads, const std::string& errors) {
            const bool replace = ParseErrors(errors);
            // str elements are read in Python's storage and come back as new str without UTF-8 either way;
            // bytes elements go through UTF-8.
            py::list keep;
            std::vector<CodePointText> strs;
            std::vector<std::size_t> str_at;  // element index of each str
            std::vector<Utf8Text> bytes;
            std::vector<std::size_t> bytes_at;
            int threads = 1;
            try {
              for (py::iterator it = IterTexts(texts, "texts"); it != py::iterator::sentinel(); ++it) {
                py::handle item = *it;
                keep.append(item);
                const std::size_t k = keep.size() - 1;
                if (PyUnicode_Check(item.ptr())) {
                  strs.push_back(StrStorage(item.ptr()));
                  str_at.push_back(k);
                } else {
                  bytes.push_back(ToUtf8(item, Label("texts", k).c_str(), replace));  // TypeError if not bytes
                  bytes_at.push_back(k);
                }
              }
              threads = ThreadsArg(n_threads);
            } catch (...) {
              // Lone surrogates are found during the work; an earlier str holding one is the first error.
              if (!replace) {
                for (const std::size_t k : str_at) ToUtf8(keep[k], Label("texts", k).c_str(), false);
              }
              throw;
            }
            const std::size_t total = keep.size();
            py::list result(total);
            Utf16Batch str_out;
            std::vector<std::string> bytes_out;
            std::size_t s0 = 0, s1 = 0, b0 = 0, b1 = 0;  // the chunk's ranges in strs and bytes
            RunInterruptible(
                total, 2048,
                [&](std::size_t, std::size_t end) {
                  while (s1 < str_at.size() && str_at[s1] < end) ++s1;
                  while (b1 < bytes_at.size() && bytes_at[b1] < end) ++b1;
                  n.NormalizeBatchToUtf16(std::vector<CodePointText>(strs.begin() + static_cast<std::ptrdiff_t>(s0),
                                                                     strs.begin() + static_cast<std::ptrdiff_t>(s1)),
                                          threads, &str_out);
                  std::vector<std::string_view> views;
                  // A repaired text's view may point into its own short (SSO) storage, which the vector's moves
                  // relocated: view the storage itself.
                  for (std::size_t j = b0; j < b1; ++j) {
                    views.push_back(bytes[j].storage.empty() ? bytes[j].utf8 : std::string_view(bytes[j].storage));
                  }
                  bytes_out = n.NormalizeBatch(views, threads);
                },
                [&](std::size_t, std::size_t) {
                  for (std::size_t j = s0; j < s1; ++j) {
                    const std::size_t k = str_at[j];
                    py::object s;
                    if (str_out.invalid_at(j - s0) == Utf16Batch::kValid) {
                      s = StrFromUtf16(str_out.text(j - s0), str_out.max_code_point(j - s0));
                    } else {
                      s = NormalizeWithSurrogates(n, keep[k], Label("texts", k).c_str(), replace);
                    }
                    PyList_SET_ITEM(result.ptr(), static_cast<Py_ssize_t>(k), s.release().ptr());
                  }
                  for (std::size_t j = b0; j < b1; ++j) {
                    PyList_SET_ITEM(result.ptr(), static_cast<Py_ssize_t>(bytes_at[j]),
                                    py::bytes(bytes_out[j - b0]).release().ptr());
                  }
                  s0 = s1;
                  b0 = b1;
                });
            return result;
          },
          py::arg("texts"), py::arg("n_threads") = py::none(), py::arg("errors") = "strict");
}

}  // namespace python
}  // namespace akhbar
