#include "common.h"

namespace akhbar {
namespace python {

void BindVectorize(py::module_& /*m*/) {}

}  // namespace python
}  // namespace akhbar
