// akhbar._core: one Bind* function per area, each in its own file.
#include <pybind11/pybind11.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "akhbar/error.h"
#include "akhbar/utf8.h"
#include "common.h"

namespace py = pybind11;

namespace {

// An error's message as valid UTF-8, each byte of an ill-formed sequence written as \xNN: a message may quote
// bytes that are not text (a stored option of a damaged model file), and Python then raised UnicodeDecodeError
// about the message in place of the error.
std::string Utf8Message(const char* what) {
  const std::string_view m(what);
  std::string out;
  out.reserve(m.size());
  for (std::size_t i = 0; i < m.size();) {
    int len = 0;
    akhbar::utf8::Decode(m, i, &len);
    if (len > 0) {
      out.append(m.substr(i, static_cast<std::size_t>(len)));
      i += static_cast<std::size_t>(len);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(m[i]));
      out += hex;
      ++i;
    }
  }
  return out;
}

}  // namespace

namespace akhbar {
namespace python {
void BindNormalizer(py::module_& m);
void BindText(py::module_& m);
void BindVectorize(py::module_& m);
void BindIndex(py::module_& m);
}  // namespace python
}  // namespace akhbar

PYBIND11_MODULE(_core, m) {
  m.doc() = "akhbar's C++ core. Use the akhbar package, not this module.";
  m.attr("__version__") = AKHBAR_VERSION;
  static py::exception<akhbar::FormatError> format_error(m, "FormatError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const akhbar::FormatError& e) {
      py::set_error(format_error, Utf8Message(e.what()).c_str());
    } catch (const akhbar::InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, Utf8Message(e.what()).c_str());
    } catch (const akhbar::IoError& e) {
      PyErr_SetString(PyExc_OSError, Utf8Message(e.what()).c_str());
    } catch (const akhbar::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, Utf8Message(e.what()).c_str());
    }
  });
  // (for the Python side's n_jobs: the rule is written once, in ThreadsArg)
  m.def(
      "_resolve_threads",
      [](py::handle value, const std::string& name, const std::string& none_means) {
        return akhbar::python::ThreadsArg(value, name.c_str(), none_means.c_str());
      },
      py::arg("value"), py::arg("name"), py::arg("none_means"));
  akhbar::python::BindNormalizer(m);
  akhbar::python::BindText(m);
  akhbar::python::BindVectorize(m);
  akhbar::python::BindIndex(m);
}
