#include "common.h"

namespace akhbar {
namespace python {

void BindText(py::module_& /*m*/) {}

}  // namespace python
}  // namespace akhbar
