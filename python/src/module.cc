// akhbar._core: one Bind* function per area, each in its own file.
#include <pybind11/pybind11.h>

#include "akhbar/error.h"
#include "common.h"

namespace py = pybind11;

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
      py::set_error(format_error, e.what());
    } catch (const akhbar::InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const akhbar::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const akhbar::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
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
