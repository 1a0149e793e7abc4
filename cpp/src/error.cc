#include "akhbar/error.h"

#include <unicode/utypes.h>

#include <string>

namespace akhbar {

void CheckIcu(int status, const char* what) {
  const auto code = static_cast<UErrorCode>(status);
  if (U_FAILURE(code)) throw Error(std::string(what) + ": ICU error " + u_errorName(code));
}

}  // namespace akhbar
