#include "common.h"

namespace akhbar {
namespace python {

void BindIndex(py::module_& /*m*/) {}

}  // namespace python
}  // namespace akhbar
