#include <pybind11/stl.h>

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
  return d;
}

// Output as the input's type: str for str, bytes for bytes.
py::object Out(const std::string& s, bool as_bytes) {
  if (as_bytes) return py::bytes(s);
  return py::str(s);
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
          [](const Normalizer& n, py::handle text, const std::string& errors) {
            const Utf8Text in = ToUtf8(text, "text", ParseErrors(errors));
            std::string out;
            {
              py::gil_scoped_release release;
              out = n.Normalize(in.utf8);
            }
            return Out(out, in.from_bytes);
          },
          py::arg("text"), py::arg("errors") = "strict")
      .def(
          "normalize_with_offsets",
          [](const Normalizer& n, py::handle text, const std::string& errors) {
            const Utf8Text in = ToUtf8(text, "text", ParseErrors(errors));
            std::vector<std::uint32_t> source;
            std::vector<std::int64_t> offsets;
            std::string out;
            {
              py::gil_scoped_release release;
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
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(texts, "texts", replace, keep);
            const int threads = ThreadsArg(n_threads);
            std::vector<std::string_view> views;
            views.reserve(in.size());
            // A repaired text's view may point into its own short (SSO) storage, which the vector's moves
            // relocated: view the storage itself.
            for (const auto& t : in) views.push_back(t.storage.empty() ? t.utf8 : std::string_view(t.storage));
            std::vector<std::string> out(in.size());
            RunInterruptible(views.size(), 4096, [&](std::size_t begin, std::size_t end) {
              std::vector<std::string_view> part(views.begin() + static_cast<std::ptrdiff_t>(begin),
                                                 views.begin() + static_cast<std::ptrdiff_t>(end));
              std::vector<std::string> done = n.NormalizeBatch(part, threads);
              for (std::size_t k = begin; k < end; ++k) out[k] = std::move(done[k - begin]);
            });
            py::list result(out.size());
            for (std::size_t k = 0; k < out.size(); ++k) result[k] = Out(out[k], in[k].from_bytes);
            return result;
          },
          py::arg("texts"), py::arg("n_threads") = py::none(), py::arg("errors") = "strict");
}

}  // namespace python
}  // namespace akhbar
